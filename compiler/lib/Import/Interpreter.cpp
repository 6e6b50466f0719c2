//===- Interpreter.cpp - Float reference interpreter for lf ---------------===//

#include "lfc/Interpreter.h"

#include "lf/LfDialect.h"
#include "lf/ShapeUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lf;

namespace {

using Buf = std::vector<double>;

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Element counts of a static shape split around `axis`: the dimensions
/// before it, the axis itself and the dimensions after it.
struct AxisSplit {
  int64_t outer, n, inner;
};

static AxisSplit splitAt(ArrayRef<int64_t> s, int64_t axis) {
  return {shapeProduct(s.take_front(axis)), s[axis],
          shapeProduct(s.drop_front(axis + 1))};
}

static Buf readElements(ElementsAttr attr) {
  Buf out;
  out.reserve(attr.getNumElements());
  for (APFloat v : attr.getValues<APFloat>())
    out.push_back(v.convertToDouble());
  return out;
}

class Interp {
public:
  llvm::DenseMap<Value, Buf> env;

  LogicalResult run(Operation &op);

private:
  const Buf &get(Value v) { return env.find(v)->second; }
  LogicalResult set(Value v, Buf b) {
    env[v] = std::move(b);
    return success();
  }
};

LogicalResult Interp::run(Operation &op) {
  for (Value v : op.getOperands())
    if (!env.count(v))
      return op.emitError("interpreter: operand not computed");
  if (auto c = dyn_cast<ConstantOp>(op)) {
    if (!cast<ShapedType>(c.getValue().getType()).getElementType().isF32())
      return op.emitError("interpreter: only float constants are supported");
    return set(c.getResult(), readElements(c.getValue()));
  }
  if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
    Buf w = readElements(fc.getWeight()), bias = readElements(fc.getBias());
    const Buf &x = get(fc.getInput());
    int64_t M = shapeOf(fc.getInput())[0];
    int64_t K = fc.getInFeatures(), N = fc.getOutFeatures();
    Buf y(M * N);
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = bias[n];
        for (int64_t k = 0; k < K; ++k)
          acc += x[m * K + k] * w[n * K + k];
        y[m * N + n] = acc;
      }
    return set(fc.getResult(), std::move(y));
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    auto as = shapeOf(mm.getLhs()), bs = shapeOf(mm.getRhs());
    int64_t r = as.size();
    int64_t M = as[r - 2], K = as[r - 1], N = bs[r - 1];
    int64_t batch = shapeProduct(as.drop_back(2));
    const Buf &a = get(mm.getLhs()), &b = get(mm.getRhs());
    Buf y(batch * M * N);
    for (int64_t p = 0; p < batch; ++p)
      for (int64_t m = 0; m < M; ++m)
        for (int64_t n = 0; n < N; ++n) {
          double acc = 0;
          for (int64_t k = 0; k < K; ++k)
            acc += a[p * M * K + m * K + k] * b[p * K * N + k * N + n];
          y[p * M * N + m * N + n] = acc;
        }
    return set(mm.getResult(), std::move(y));
  }
  if (auto bin = dyn_cast<BinaryOp>(op)) {
    auto out = shapeOf(bin.getResult());
    auto sa = broadcastStrides(shapeOf(bin.getLhs()), out);
    auto sb = broadcastStrides(shapeOf(bin.getRhs()), out);
    const Buf &a = get(bin.getLhs()), &b = get(bin.getRhs());
    int64_t n = shapeProduct(out);
    Buf y(n);
    SmallVector<int64_t> idx(out.size(), 0);
    BinaryKind kind = bin.getKind();
    for (int64_t i = 0; i < n; ++i) {
      int64_t ia = 0, ib = 0;
      for (size_t d = 0; d < out.size(); ++d) {
        ia += idx[d] * sa[d];
        ib += idx[d] * sb[d];
      }
      double x = a[ia], z = b[ib];
      switch (kind) {
      case BinaryKind::add:
        y[i] = x + z;
        break;
      case BinaryKind::sub:
        y[i] = x - z;
        break;
      case BinaryKind::mul:
        y[i] = x * z;
        break;
      case BinaryKind::div:
        y[i] = x / z;
        break;
      }
      for (int64_t d = out.size() - 1; d >= 0; --d) {
        if (++idx[d] < out[d])
          break;
        idx[d] = 0;
      }
    }
    return set(bin.getResult(), std::move(y));
  }
  if (auto cl = dyn_cast<ClampOp>(op)) {
    double lo = cl.getMin().convertToDouble(),
           hi = cl.getMax().convertToDouble();
    Buf y = get(cl.getInput());
    for (double &v : y)
      v = std::isnan(v) ? v : std::min(std::max(v, lo), hi);
    return set(cl.getResult(), std::move(y));
  }
  if (auto act = dyn_cast<ActivationOp>(op)) {
    Buf y = get(act.getInput());
    for (double &v : y)
      v = act.evaluate(v);
    return set(act.getResult(), std::move(y));
  }
  if (auto sm = dyn_cast<SoftmaxOp>(op)) {
    AxisSplit d = splitAt(shapeOf(sm.getInput()), sm.getAxis());
    int64_t outer = d.outer, n = d.n, inner = d.inner;
    Buf y = get(sm.getInput());
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        auto at = [&](int64_t i) -> double & {
          return y[(o * n + i) * inner + in];
        };
        double mx = -INFINITY;
        for (int64_t i = 0; i < n; ++i)
          mx = std::max(mx, at(i));
        double sum = 0;
        for (int64_t i = 0; i < n; ++i)
          sum += (at(i) = std::exp(at(i) - mx));
        for (int64_t i = 0; i < n; ++i)
          at(i) /= sum;
      }
    return set(sm.getResult(), std::move(y));
  }
  if (auto red = dyn_cast<ReduceOp>(op)) {
    AxisSplit d = splitAt(shapeOf(red.getInput()), red.getAxis());
    int64_t outer = d.outer, n = d.n, inner = d.inner;
    const Buf &x = get(red.getInput());
    bool isMax = red.getKind() == ReduceKind::max;
    Buf y(outer * inner, isMax ? -INFINITY : 0.0);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < n; ++i)
        for (int64_t in = 0; in < inner; ++in) {
          double v = x[(o * n + i) * inner + in];
          double &r = y[o * inner + in];
          r = isMax ? std::max(r, v) : r + v;
        }
    return set(red.getResult(), std::move(y));
  }
  if (auto cat = dyn_cast<ConcatOp>(op)) {
    auto out = shapeOf(cat.getResult());
    int64_t axis = cat.getAxis();
    AxisSplit d = splitAt(out, axis);
    int64_t outer = d.outer, inner = d.inner;
    Buf y;
    y.reserve(shapeProduct(out));
    for (int64_t o = 0; o < outer; ++o)
      for (Value in : cat.getInputs()) {
        int64_t chunk = shapeOf(in)[axis] * inner;
        const Buf &x = get(in);
        y.insert(y.end(), x.begin() + o * chunk, x.begin() + (o + 1) * chunk);
      }
    return set(cat.getResult(), std::move(y));
  }
  if (auto rs = dyn_cast<ReshapeOp>(op))
    return set(rs.getResult(), get(rs.getInput()));
  if (auto g = dyn_cast<GatherOp>(op)) {
    const Buf &x = get(g.getInput());
    Buf y;
    for (int64_t i : g.getIndices())
      y.push_back(x[i]);
    return set(g.getResult(), std::move(y));
  }
  return op.emitError("interpreter: unsupported op ") << op.getName();
}

} // namespace

static int64_t sumElements(TypeRange types) {
  int64_t n = 0;
  for (Type t : types)
    if (auto rt = dyn_cast<RankedTensorType>(t))
      n += rt.getNumElements();
  return n;
}

int64_t mlir::lf::getNumInputScalars(func::FuncOp f) {
  return sumElements(f.getArgumentTypes());
}
int64_t mlir::lf::getNumOutputScalars(func::FuncOp f) {
  return sumElements(f.getResultTypes());
}

FailureOr<std::vector<double>>
mlir::lf::evaluateFloat(func::FuncOp f, ArrayRef<double> inputs) {
  if (f.isExternal())
    return f.emitError("interpreter: function has no body");
  for (Type t :
       llvm::concat<const Type>(f.getArgumentTypes(), f.getResultTypes())) {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape() || !rt.getElementType().isF32())
      return f.emitError("interpreter: arguments and results must be static "
                         "f32 tensors, got ")
             << t;
  }
  int64_t expected = getNumInputScalars(f);
  if (static_cast<int64_t>(inputs.size()) != expected)
    return f.emitError("interpreter: expected ")
           << expected << " input values, got " << inputs.size();
  Interp in;
  size_t pos = 0;
  for (BlockArgument arg : f.getArguments()) {
    int64_t n = cast<RankedTensorType>(arg.getType()).getNumElements();
    in.env[arg] =
        std::vector<double>(inputs.begin() + pos, inputs.begin() + pos + n);
    pos += n;
  }
  if (!f.getBody().hasOneBlock())
    return f.emitError("interpreter: expected a single block");
  for (Operation &op : f.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<double> out;
      for (Value v : ret.getOperands()) {
        auto it = in.env.find(v);
        if (it == in.env.end())
          return ret.emitError("interpreter: result not computed");
        out.insert(out.end(), it->second.begin(), it->second.end());
      }
      return out;
    }
    if (failed(in.run(op)))
      return failure();
  }
  return f.emitError("interpreter: missing return");
}
