//===- Ranges.cpp - interval analysis of float-level lf functions ---------===//

#include "lfc/Ranges.h"
#include "lf/ShapeUtils.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lf;

int64_t mlir::lf::countInputElements(func::FuncOp f) {
  int64_t n = 0;
  for (Type t : f.getArgumentTypes())
    n += cast<RankedTensorType>(t).getNumElements();
  return n;
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

static Interval mulI(Interval a, Interval b) {
  double c[4] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
  return {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
}

/// Range of a monotone-by-pieces scalar function over [lo, hi], by dense
/// sampling plus the end points (the activations here are monotone or
/// have their extremum inside the sampled grid).
static Interval activationRange(ActivationOp op, Interval x) {
  Interval r{op.evaluate(x.lo), op.evaluate(x.lo)};
  const int steps = 256;
  for (int i = 0; i <= steps; ++i) {
    double v = op.evaluate(x.lo + (x.hi - x.lo) * i / steps);
    r.lo = std::min(r.lo, v);
    r.hi = std::max(r.hi, v);
  }
  return r;
}

/// True if `v` is exp(x - reduce_max(x)) along `axis`: its sum along that
/// axis is at least 1 (the maximum contributes exp(0)).
static bool isStableSoftmaxExp(Value v, int64_t axis) {
  auto exp = v.getDefiningOp<ActivationOp>();
  if (!exp || exp.getKind() != ActivationKind::exp)
    return false;
  auto sub = exp.getInput().getDefiningOp<BinaryOp>();
  if (!sub || sub.getKind() != BinaryKind::sub)
    return false;
  auto max = sub.getRhs().getDefiningOp<ReduceOp>();
  return max && max.getKind() == ReduceKind::max &&
         max.getInput() == sub.getLhs() && max.getAxis() == axis;
}

LogicalResult RangeAnalysis::run(func::FuncOp f,
                                 ArrayRef<Interval> inputRanges) {
  int64_t total = countInputElements(f);
  if (inputRanges.size() != 1 &&
      static_cast<int64_t>(inputRanges.size()) != total)
    return f.emitError() << "expected 1 or " << total << " input ranges, got "
                         << inputRanges.size();
  int64_t pos = 0;
  for (BlockArgument arg : f.getArguments()) {
    int64_t n = cast<RankedTensorType>(arg.getType()).getNumElements();
    std::vector<Interval> r(n);
    for (int64_t i = 0; i < n; ++i)
      r[i] = inputRanges.size() == 1 ? inputRanges[0] : inputRanges[pos + i];
    pos += n;
    ranges[arg] = std::move(r);
  }

  WalkResult result = f.walk([&](Operation *op) -> WalkResult {
    if (isa<func::ReturnOp, func::FuncOp>(op))
      return WalkResult::advance();
    if (op->getNumResults() != 1)
      return op->emitOpError() << "is not supported by range analysis";
    Value res = op->getResult(0);
    auto resType = dyn_cast<RankedTensorType>(res.getType());
    if (!resType || !isFloatLevel(resType))
      return op->emitOpError() << "range analysis needs the float level";
    int64_t n = resType.getNumElements();
    std::vector<Interval> out(n);

    if (auto c = dyn_cast<ConstantOp>(op)) {
      auto vals = cast<DenseElementsAttr>(c.getValue()).getValues<float>();
      int64_t i = 0;
      for (float v : vals)
        out[i++] = {v, v};
    } else if (auto fc = dyn_cast<FullyConnectedOp>(op)) {
      ArrayRef<Interval> x = ranges[fc.getInput()];
      auto w = cast<DenseElementsAttr>(fc.getWeight()).getValues<float>();
      auto b = cast<DenseElementsAttr>(fc.getBias()).getValues<float>();
      int64_t m = shapeOf(fc.getInput())[0], k = fc.getInFeatures(),
              nOut = fc.getOutFeatures();
      for (int64_t r = 0; r < m; ++r)
        for (int64_t o = 0; o < nOut; ++o) {
          Interval acc{b[o], b[o]};
          for (int64_t i = 0; i < k; ++i) {
            Interval p = mulI({w[o * k + i], w[o * k + i]}, x[r * k + i]);
            acc.lo += p.lo;
            acc.hi += p.hi;
          }
          out[r * nOut + o] = acc;
        }
    } else if (auto mm = dyn_cast<MatMulOp>(op)) {
      ArrayRef<Interval> a = ranges[mm.getLhs()], b = ranges[mm.getRhs()];
      ArrayRef<int64_t> as = shapeOf(mm.getLhs()), bs = shapeOf(mm.getRhs());
      int64_t rank = as.size(), m = as[rank - 2], k = as[rank - 1],
              nn = bs[rank - 1], batch = n / (m * nn);
      for (int64_t p = 0; p < batch; ++p)
        for (int64_t r = 0; r < m; ++r)
          for (int64_t c = 0; c < nn; ++c) {
            Interval acc{0, 0};
            for (int64_t i = 0; i < k; ++i) {
              Interval t =
                  mulI(a[(p * m + r) * k + i], b[(p * k + i) * nn + c]);
              acc.lo += t.lo;
              acc.hi += t.hi;
            }
            out[(p * m + r) * nn + c] = acc;
          }
    } else if (auto bin = dyn_cast<BinaryOp>(op)) {
      ArrayRef<Interval> a = ranges[bin.getLhs()], b = ranges[bin.getRhs()];
      ArrayRef<int64_t> os = resType.getShape();
      auto subOfMax = [&]() {
        auto max = bin.getRhs().getDefiningOp<ReduceOp>();
        return bin.getKind() == BinaryKind::sub && max &&
               max.getKind() == ReduceKind::max &&
               max.getInput() == bin.getLhs();
      }();
      for (int64_t i = 0; i < n; ++i) {
        Interval x = a[broadcastIndex(i, os, shapeOf(bin.getLhs()))];
        Interval y = b[broadcastIndex(i, os, shapeOf(bin.getRhs()))];
        switch (bin.getKind()) {
        case BinaryKind::add:
          out[i] = {x.lo + y.lo, x.hi + y.hi};
          break;
        case BinaryKind::sub:
          out[i] = {x.lo - y.hi, x.hi - y.lo};
          if (subOfMax) // x - max(x) <= 0
            out[i].hi = std::min(out[i].hi, 0.0);
          break;
        case BinaryKind::mul:
          out[i] = mulI(x, y);
          break;
        case BinaryKind::div:
          if (y.lo <= 0 && y.hi >= 0)
            return bin.emitOpError()
                   << "divides by a value whose range [" << y.lo << ", " << y.hi
                   << "] includes 0; fixed point needs a bounded "
                      "quotient";
          out[i] = mulI(x, {1.0 / y.hi, 1.0 / y.lo});
          break;
        }
      }
    } else if (auto cl = dyn_cast<ClampOp>(op)) {
      ArrayRef<Interval> x = ranges[cl.getInput()];
      double lo = cl.getMin().convertToDouble(),
             hi = cl.getMax().convertToDouble();
      for (int64_t i = 0; i < n; ++i)
        out[i] = {std::clamp(x[i].lo, lo, hi), std::clamp(x[i].hi, lo, hi)};
    } else if (auto act = dyn_cast<ActivationOp>(op)) {
      ArrayRef<Interval> x = ranges[act.getInput()];
      for (int64_t i = 0; i < n; ++i)
        out[i] = activationRange(act, x[i]);
    } else if (auto red = dyn_cast<ReduceOp>(op)) {
      ArrayRef<Interval> x = ranges[red.getInput()];
      ArrayRef<int64_t> is = shapeOf(red.getInput());
      int64_t axis = red.getAxis(), len = is[axis];
      int64_t inner = 1;
      for (size_t d = axis + 1; d < is.size(); ++d)
        inner *= is[d];
      bool softmaxSum = red.getKind() == ReduceKind::sum &&
                        isStableSoftmaxExp(red.getInput(), axis);
      for (int64_t i = 0; i < n; ++i) {
        int64_t outer = i / inner, in = i % inner;
        Interval acc = x[outer * len * inner + in];
        for (int64_t j = 1; j < len; ++j) {
          Interval v = x[(outer * len + j) * inner + in];
          if (red.getKind() == ReduceKind::sum) {
            acc.lo += v.lo;
            acc.hi += v.hi;
          } else {
            acc.lo = std::max(acc.lo, v.lo);
            acc.hi = std::max(acc.hi, v.hi);
          }
        }
        if (softmaxSum)
          acc.lo = std::max(acc.lo, 1.0);
        out[i] = acc;
      }
    } else if (auto cat = dyn_cast<ConcatOp>(op)) {
      ArrayRef<int64_t> os = resType.getShape();
      int64_t axis = cat.getAxis(), inner = 1, outerN = 1;
      for (size_t d = axis + 1; d < os.size(); ++d)
        inner *= os[d];
      for (int64_t d = 0; d < axis; ++d)
        outerN *= os[d];
      int64_t offset = 0;
      for (Value in : cat.getInputs()) {
        ArrayRef<Interval> x = ranges[in];
        int64_t len = shapeOf(in)[axis];
        for (int64_t o = 0; o < outerN; ++o)
          for (int64_t j = 0; j < len * inner; ++j)
            out[(o * os[axis] + offset) * inner + j] = x[o * len * inner + j];
        offset += len;
      }
    } else if (auto rs = dyn_cast<ReshapeOp>(op)) {
      ArrayRef<Interval> x = ranges[rs.getInput()];
      out.assign(x.begin(), x.end());
    } else if (auto g = dyn_cast<GatherOp>(op)) {
      ArrayRef<Interval> x = ranges[g.getInput()];
      for (auto [i, k] : llvm::enumerate(g.getIndices()))
        out[i] = x[k];
    } else {
      return op->emitOpError()
             << "is not supported by range analysis (run -lf-decompose "
                "first?)";
    }
    for (Interval &i : out)
      if (!std::isfinite(i.lo) || !std::isfinite(i.hi))
        return op->emitOpError() << "has an unbounded range; give tighter "
                                    "input ranges";
    ranges[res] = std::move(out);
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

ArrayRef<Interval> RangeAnalysis::get(Value v) const {
  auto it = ranges.find(v);
  assert(it != ranges.end() && "value without a range");
  return it->second;
}

double RangeAnalysis::maxAbs(Value v) const {
  double m = 0;
  for (const Interval &i : get(v))
    m = std::max(m, i.maxAbs());
  return m;
}

Interval RangeAnalysis::hull(Value v) const {
  ArrayRef<Interval> r = get(v);
  Interval h = r.front();
  for (const Interval &i : r) {
    h.lo = std::min(h.lo, i.lo);
    h.hi = std::max(h.hi, i.hi);
  }
  return h;
}
