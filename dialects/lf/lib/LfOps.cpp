//===- LfOps.cpp - The ops of the lf dialect ------------------------------===//
//
// One section per op: its verifier, folders and canonicalization patterns,
// and its meaning through the op interfaces of LfInterfaces.td: the range
// of its result (RangeOpInterface), the error bound of its fixed-point form
// (ErrorBoundOpInterface) and its float evaluation (FloatEvalOpInterface).
//
//===----------------------------------------------------------------------===//

#include "lf/LfDialect.h"
#include "lf/ShapeUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lf;

#define GET_OP_CLASSES
#include "lf/LfOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static int64_t numElements(Type t) {
  return cast<RankedTensorType>(t).getNumElements();
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// The product of two intervals.
static Interval mulInterval(Interval a, Interval b) {
  double c[4] = {a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi};
  return {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
}

/// The elements of a float attribute, in double precision.
static std::vector<double> readElements(ElementsAttr attr) {
  std::vector<double> out;
  out.reserve(attr.getNumElements());
  for (APFloat v : attr.getValues<APFloat>())
    out.push_back(v.convertToDouble());
  return out;
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

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  auto type = cast<RankedTensorType>(getType());
  auto value = getValue();
  auto vtype = cast<ShapedType>(value.getType());
  if (vtype.getShape() != type.getShape())
    return emitOpError() << "value shape does not match result type " << type;
  if (auto fixed = getFixedElementType(type)) {
    auto it = dyn_cast<IntegerType>(vtype.getElementType());
    if (!it || it.getWidth() != fixed.getWidth())
      return emitOpError() << "fixed-point constant must hold i"
                           << fixed.getWidth() << " integers, got "
                           << vtype.getElementType();
  } else if (!vtype.getElementType().isF32()) {
    return emitOpError() << "float constant must hold f32 values, got "
                         << vtype.getElementType();
  }
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

LogicalResult ConstantOp::inferResultRanges(RangeLookup,
                                            MutableArrayRef<Interval> result) {
  int64_t i = 0;
  for (float v : cast<DenseElementsAttr>(getValue()).getValues<float>())
    result[i++] = {v, v};
  return success();
}

FailureOr<double> ConstantOp::inferErrorBound(const ErrorBoundState &) {
  return ErrorBoundState::resultRounding(*this);
}

LogicalResult ConstantOp::evaluateFloat(FloatLookup,
                                        std::vector<double> &result) {
  if (!cast<ShapedType>(getValue().getType()).getElementType().isF32())
    return emitError("interpreter: only float constants are supported");
  result = readElements(getValue());
  return success();
}

//===----------------------------------------------------------------------===//
// Quantize / Dequantize
//===----------------------------------------------------------------------===//

OpFoldResult DequantizeOp::fold(FoldAdaptor) {
  // dequantize(quantize(x)) is not x (rounding), so nothing folds but the
  // trivial case of a float-typed input, which the type constraint forbids.
  return {};
}

FailureOr<double> QuantizeOp::inferErrorBound(const ErrorBoundState &) {
  return ErrorBoundState::resultRounding(*this);
}

FailureOr<double> DequantizeOp::inferErrorBound(const ErrorBoundState &state) {
  return state.error(getInput());
}

//===----------------------------------------------------------------------===//
// FullyConnectedOp
//===----------------------------------------------------------------------===//

int64_t FullyConnectedOp::getInFeatures() {
  return cast<ShapedType>(getWeight().getType()).getDimSize(1);
}
int64_t FullyConnectedOp::getOutFeatures() {
  return cast<ShapedType>(getWeight().getType()).getDimSize(0);
}

LogicalResult FullyConnectedOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getType());
  auto w = cast<ShapedType>(getWeight().getType());
  auto b = cast<ShapedType>(getBias().getType());
  if (in.getRank() != 2 || out.getRank() != 2)
    return emitOpError() << "input and result must be rank 2 (MxK, MxN), got "
                         << in << " and " << out;
  if (w.getRank() != 2)
    return emitOpError() << "weight must be rank 2 (NxK), got " << w;
  if (w.getDimSize(1) != in.getDimSize(1))
    return emitOpError() << "weight has " << w.getDimSize(1)
                         << " input features but the input has "
                         << in.getDimSize(1);
  if (out.getDimSize(0) != in.getDimSize(0) ||
      out.getDimSize(1) != w.getDimSize(0))
    return emitOpError() << "result must be " << in.getDimSize(0) << "x"
                         << w.getDimSize(0) << ", got " << out;
  if (b.getRank() != 1 || b.getDimSize(0) != w.getDimSize(0))
    return emitOpError() << "bias must have " << w.getDimSize(0)
                         << " elements, got " << b;
  if (getAccBits() != 32 && getAccBits() != 64)
    return emitOpError() << "accumulator width must be 32 or 64, got "
                         << getAccBits();
  if (isFloatLevel(in)) {
    if (!w.getElementType().isF32() || !b.getElementType().isF32())
      return emitOpError() << "float-level weight and bias must be f32";
    if (getWeightFrac())
      return emitOpError() << "weight_frac is only meaningful at the fixed "
                              "level";
    return success();
  }
  auto wt = dyn_cast<IntegerType>(w.getElementType());
  if (!wt || (wt.getWidth() != 8 && wt.getWidth() != 16 && wt.getWidth() != 32))
    return emitOpError() << "fixed-level weight must hold i8, i16 or i32, got "
                         << w.getElementType();
  if (!b.getElementType().isInteger(64))
    return emitOpError() << "fixed-level bias must hold i64 accumulator "
                            "values, got "
                         << b.getElementType();
  if (!getWeightFrac())
    return emitOpError() << "fixed level requires weight_frac";
  ArrayRef<int32_t> weightFrac = *getWeightFrac();
  if (static_cast<int64_t>(weightFrac.size()) != w.getDimSize(0))
    return emitOpError() << "weight_frac has " << weightFrac.size()
                         << " entries, expected one per output channel ("
                         << w.getDimSize(0) << ")";
  for (int32_t f : weightFrac)
    if (f < -32 || f > 62)
      return emitOpError() << "weight_frac " << f << " out of range [-32, 62]";
  return success();
}

namespace {
/// Folds `binary mul(fc(x), c)` and `binary add(fc(x), c)` into the fc when
/// c is a float constant that varies at most along the output channel (as a
/// BatchNormalization in inference mode does).
struct FoldAffineIntoFc : public OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::add && op.getKind() != BinaryKind::mul &&
        op.getKind() != BinaryKind::sub)
      return failure();
    if (!isFloatLevel(op.getType()))
      return failure();
    auto fc = op.getLhs().getDefiningOp<FullyConnectedOp>();
    auto cst = op.getRhs().getDefiningOp<ConstantOp>();
    if (!fc || !cst || !fc->hasOneUse() || op.getType() != fc.getType())
      return failure();
    auto ctype = cast<RankedTensorType>(cst.getType());
    int64_t n = fc.getOutFeatures();
    // The constant must broadcast along the channel axis only: shape
    // [..., 1, N] or [N] or scalar.
    ArrayRef<int64_t> cs = ctype.getShape();
    int64_t cn = cs.empty() ? 1 : cs.back();
    for (size_t i = 0; i + 1 < cs.size(); ++i)
      if (cs[i] != 1)
        return failure();
    if (cn != 1 && cn != n)
      return failure();
    SmallVector<float> c(cst.getValue().getValues<float>());
    SmallVector<float> w(fc.getWeight().getValues<float>());
    SmallVector<float> b(fc.getBias().getValues<float>());
    int64_t k = fc.getInFeatures();
    for (int64_t o = 0; o < n; ++o) {
      float v = c[cn == 1 ? 0 : o];
      if (op.getKind() == BinaryKind::mul) {
        for (int64_t i = 0; i < k; ++i)
          w[o * k + i] *= v;
        b[o] *= v;
      } else {
        b[o] += op.getKind() == BinaryKind::add ? v : -v;
      }
    }
    auto wt = cast<ShapedType>(fc.getWeight().getType());
    auto bt = cast<ShapedType>(fc.getBias().getType());
    rewriter.replaceOpWithNewOp<FullyConnectedOp>(
        op, op.getType(), fc.getInput(),
        DenseElementsAttr::get(wt, ArrayRef<float>(w)),
        DenseElementsAttr::get(bt, ArrayRef<float>(b)), nullptr,
        fc.getAccBits());
    rewriter.eraseOp(fc);
    return success();
  }
};
} // namespace

void FullyConnectedOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                   MLIRContext *context) {
  results.add<FoldAffineIntoFc>(context);
}

int FullyConnectedOp::getAcc32PairShift(int64_t k) {
  int64_t kp = (k + 1) / 2;
  int r = 0;
  while ((int64_t(1) << r) < kp)
    ++r;
  return r + 1;
}

LogicalResult
FullyConnectedOp::inferResultRanges(RangeLookup operandRanges,
                                    MutableArrayRef<Interval> result) {
  ArrayRef<Interval> x = operandRanges(getInput());
  auto w = cast<DenseElementsAttr>(getWeight()).getValues<float>();
  auto b = cast<DenseElementsAttr>(getBias()).getValues<float>();
  int64_t m = shapeOf(getInput())[0], k = getInFeatures(),
          nOut = getOutFeatures();
  for (int64_t r = 0; r < m; ++r)
    for (int64_t o = 0; o < nOut; ++o) {
      Interval acc{b[o], b[o]};
      for (int64_t i = 0; i < k; ++i) {
        Interval p = mulInterval({w[o * k + i], w[o * k + i]}, x[r * k + i]);
        acc.lo += p.lo;
        acc.hi += p.hi;
      }
      result[r * nOut + o] = acc;
    }
  return success();
}

FailureOr<double>
FullyConnectedOp::inferErrorBound(const ErrorBoundState &state) {
  FixedType in = getFixedElementType(getInput().getType());
  ArrayRef<int32_t> wf = *getWeightFrac();
  auto w = cast<DenseElementsAttr>(getWeight()).getValues<APInt>();
  int64_t k = getInFeatures(), n = getOutFeatures();
  double x = state.magnitude(getInput()), ex = state.error(getInput());
  double worst = 0;
  // A 32-bit accumulator floors each pair of products by r bits (see
  // getAcc32PairShift()): up to one unit of the accumulator per pair.
  int r = getAccBits() == 32 ? getAcc32PairShift(k) : 0;
  for (int64_t o = 0; o < n; ++o) {
    double dw = ErrorBoundState::halfUlp(wf[o]), sum = 0;
    for (int64_t i = 0; i < k; ++i) {
      double wi = std::ldexp(double(w[o * k + i].getSExtValue()), -wf[o]);
      // |x' w' - x w| <= |w'| e_x + |x| dw (+ e_x dw).
      sum += std::fabs(wi) * ex + (x + ex) * dw;
    }
    int accFrac = in.getFrac() + wf[o] - r;
    double floors = r ? double((k + 1) / 2) * std::ldexp(1.0, -accFrac) : 0;
    worst = std::max(worst, sum + ErrorBoundState::halfUlp(accFrac) + floors);
  }
  return worst + ErrorBoundState::resultRounding(*this);
}

LogicalResult FullyConnectedOp::evaluateFloat(FloatLookup operands,
                                              std::vector<double> &result) {
  std::vector<double> w = readElements(getWeight()),
                      bias = readElements(getBias());
  ArrayRef<double> x = operands(getInput());
  int64_t M = shapeOf(getInput())[0];
  int64_t K = getInFeatures(), N = getOutFeatures();
  result.resize(M * N);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double acc = bias[n];
      for (int64_t k = 0; k < K; ++k)
        acc += x[m * K + k] * w[n * K + k];
      result[m * N + n] = acc;
    }
  return success();
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto a = cast<RankedTensorType>(getLhs().getType());
  auto b = cast<RankedTensorType>(getRhs().getType());
  auto r = cast<RankedTensorType>(getType());
  if (a.getRank() < 2 || a.getRank() != b.getRank() ||
      r.getRank() != a.getRank())
    return emitOpError() << "operands and result must have one rank >= 2";
  int64_t rank = a.getRank();
  if (a.getShape().drop_back(2) != b.getShape().drop_back(2))
    return emitOpError() << "batch dimensions differ";
  int64_t m = a.getDimSize(rank - 2), k = a.getDimSize(rank - 1);
  if (b.getDimSize(rank - 2) != k)
    return emitOpError() << "contraction dimensions differ: " << k << " vs "
                         << b.getDimSize(rank - 2);
  SmallVector<int64_t> expect(a.getShape().drop_back(2));
  expect.push_back(m);
  expect.push_back(b.getDimSize(rank - 1));
  if (r.getShape() != ArrayRef<int64_t>(expect))
    return emitOpError() << "result shape does not match the product";
  return success();
}

LogicalResult MatMulOp::inferResultRanges(RangeLookup operandRanges,
                                          MutableArrayRef<Interval> result) {
  ArrayRef<Interval> a = operandRanges(getLhs()), b = operandRanges(getRhs());
  ArrayRef<int64_t> as = shapeOf(getLhs()), bs = shapeOf(getRhs());
  int64_t rank = as.size(), m = as[rank - 2], k = as[rank - 1],
          nn = bs[rank - 1], batch = result.size() / (m * nn);
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t c = 0; c < nn; ++c) {
        Interval acc{0, 0};
        for (int64_t i = 0; i < k; ++i) {
          Interval t =
              mulInterval(a[(p * m + r) * k + i], b[(p * k + i) * nn + c]);
          acc.lo += t.lo;
          acc.hi += t.hi;
        }
        result[(p * m + r) * nn + c] = acc;
      }
  return success();
}

FailureOr<double> MatMulOp::inferErrorBound(const ErrorBoundState &state) {
  auto lt = cast<RankedTensorType>(getLhs().getType());
  int64_t k = lt.getShape().back();
  int pre = 0;
  while ((int64_t(1) << pre) < k)
    ++pre;
  double a = state.magnitude(getLhs()), b = state.magnitude(getRhs());
  double ea = state.error(getLhs()), eb = state.error(getRhs());
  int fab = getFixedElementType(lt).getFrac() +
            getFixedElementType(getRhs().getType()).getFrac();
  return k * (a * eb + b * ea + ea * eb + std::ldexp(1.0, pre - fab)) +
         ErrorBoundState::resultRounding(*this);
}

LogicalResult MatMulOp::evaluateFloat(FloatLookup operands,
                                      std::vector<double> &result) {
  auto as = shapeOf(getLhs()), bs = shapeOf(getRhs());
  int64_t r = as.size();
  int64_t M = as[r - 2], K = as[r - 1], N = bs[r - 1];
  int64_t batch = shapeProduct(as.drop_back(2));
  ArrayRef<double> a = operands(getLhs()), b = operands(getRhs());
  result.resize(batch * M * N);
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = 0;
        for (int64_t k = 0; k < K; ++k)
          acc += a[p * M * K + m * K + k] * b[p * K * N + k * N + n];
        result[p * M * N + m * N + n] = acc;
      }
  return success();
}

//===----------------------------------------------------------------------===//
// BinaryOp
//===----------------------------------------------------------------------===//

LogicalResult BinaryOp::verify() {
  auto a = cast<RankedTensorType>(getLhs().getType());
  auto b = cast<RankedTensorType>(getRhs().getType());
  auto shape = broadcastShapes(a.getShape(), b.getShape());
  if (failed(shape))
    return emitOpError() << "operand shapes " << a << " and " << b
                         << " do not broadcast";
  if (cast<RankedTensorType>(getType()).getShape() != ArrayRef<int64_t>(*shape))
    return emitOpError() << "result shape must be the broadcast shape";
  return success();
}

namespace {
/// x / c -> x * (1 / c) for a float-level constant c without zeros.
struct DivByConstantToMul : public OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::div)
      return failure();
    auto c = op.getRhs().getDefiningOp<ConstantOp>();
    if (!c || !isa<FloatType>(getElementTypeOrSelf(c.getType())))
      return failure();
    auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
    if (!dense)
      return failure();
    SmallVector<float> inv;
    for (APFloat v : dense.getValues<APFloat>()) {
      if (v.isZero())
        return failure(); // keeps the saturating division by zero
      inv.push_back(float(1.0 / v.convertToDouble()));
    }
    auto type = cast<RankedTensorType>(c.getType());
    Value r = rewriter.create<ConstantOp>(
        c.getLoc(), type, DenseElementsAttr::get(type, ArrayRef<float>(inv)));
    rewriter.replaceOpWithNewOp<BinaryOp>(op, op.getType(), BinaryKind::mul,
                                          op.getLhs(), r);
    return success();
  }
};
} // namespace

void BinaryOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                           MLIRContext *context) {
  results.add<DivByConstantToMul>(context);
}

LogicalResult BinaryOp::inferResultRanges(RangeLookup operandRanges,
                                          MutableArrayRef<Interval> result) {
  ArrayRef<Interval> a = operandRanges(getLhs()), b = operandRanges(getRhs());
  ArrayRef<int64_t> os = shapeOf(getResult());
  // x - reduce_max(x) <= 0 (the stable softmax).
  auto max = getRhs().getDefiningOp<ReduceOp>();
  bool subOfMax = getKind() == BinaryKind::sub && max &&
                  max.getKind() == ReduceKind::max &&
                  max.getInput() == getLhs();
  for (int64_t i = 0, n = result.size(); i < n; ++i) {
    Interval x = a[broadcastIndex(i, os, shapeOf(getLhs()))];
    Interval y = b[broadcastIndex(i, os, shapeOf(getRhs()))];
    switch (getKind()) {
    case BinaryKind::add:
      result[i] = {x.lo + y.lo, x.hi + y.hi};
      break;
    case BinaryKind::sub:
      result[i] = {x.lo - y.hi, x.hi - y.lo};
      if (subOfMax)
        result[i].hi = std::min(result[i].hi, 0.0);
      break;
    case BinaryKind::mul:
      result[i] = mulInterval(x, y);
      break;
    case BinaryKind::div:
      if (y.lo <= 0 && y.hi >= 0)
        return emitOpError()
               << "divides by a value whose range [" << y.lo << ", " << y.hi
               << "] includes 0; fixed point needs a bounded quotient";
      result[i] = mulInterval(x, {1.0 / y.hi, 1.0 / y.lo});
      break;
    }
  }
  return success();
}

FailureOr<double> BinaryOp::inferErrorBound(const ErrorBoundState &state) {
  double a = state.magnitude(getLhs()), b = state.magnitude(getRhs());
  double ea = state.error(getLhs()), eb = state.error(getRhs());
  double out = ErrorBoundState::resultRounding(*this);
  // A pre-shift of the finer operand (frac gap > 31) rounds once more.
  double pre = ErrorBoundState::halfUlp(
      std::min(getFixedElementType(getLhs().getType()).getFrac(),
               getFixedElementType(getRhs().getType()).getFrac()) +
      31);
  switch (getKind()) {
  case BinaryKind::add:
  case BinaryKind::sub:
    return ea + eb + pre + out;
  case BinaryKind::mul:
    return a * eb + b * ea + ea * eb + out;
  case BinaryKind::div: {
    double bmin = state.minMagnitude(getRhs()) - eb;
    if (!(bmin > 0))
      return emitOpError() << "divisor range reaches 0: no error bound";
    double q = state.magnitude(getResult());
    return (ea + q * eb) / bmin + out;
  }
  }
  llvm_unreachable("unknown binary kind");
}

LogicalResult BinaryOp::evaluateFloat(FloatLookup operands,
                                      std::vector<double> &result) {
  auto out = shapeOf(getResult());
  auto sa = broadcastStrides(shapeOf(getLhs()), out);
  auto sb = broadcastStrides(shapeOf(getRhs()), out);
  ArrayRef<double> a = operands(getLhs()), b = operands(getRhs());
  int64_t n = shapeProduct(out);
  result.resize(n);
  SmallVector<int64_t> idx(out.size(), 0);
  BinaryKind kind = getKind();
  for (int64_t i = 0; i < n; ++i) {
    int64_t ia = 0, ib = 0;
    for (size_t d = 0; d < out.size(); ++d) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    double x = a[ia], z = b[ib];
    switch (kind) {
    case BinaryKind::add:
      result[i] = x + z;
      break;
    case BinaryKind::sub:
      result[i] = x - z;
      break;
    case BinaryKind::mul:
      result[i] = x * z;
      break;
    case BinaryKind::div:
      result[i] = x / z;
      break;
    }
    for (int64_t d = out.size() - 1; d >= 0; --d) {
      if (++idx[d] < out[d])
        break;
      idx[d] = 0;
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ClampOp
//===----------------------------------------------------------------------===//

LogicalResult ClampOp::verify() {
  if (getMin().isNaN() || getMax().isNaN())
    return emitOpError() << "bounds must not be NaN";
  if (getMin().convertToDouble() > getMax().convertToDouble())
    return emitOpError() << "min " << getMin().convertToDouble()
                         << " exceeds max " << getMax().convertToDouble();
  return success();
}

OpFoldResult ClampOp::fold(FoldAdaptor) {
  // clamp(clamp(x)) with an inner range inside the outer one is the inner.
  if (auto inner = getInput().getDefiningOp<ClampOp>())
    if (inner.getType() == getType() &&
        inner.getMin().convertToDouble() >= getMin().convertToDouble() &&
        inner.getMax().convertToDouble() <= getMax().convertToDouble())
      return inner.getResult();
  return {};
}

LogicalResult ClampOp::inferResultRanges(RangeLookup operandRanges,
                                         MutableArrayRef<Interval> result) {
  ArrayRef<Interval> x = operandRanges(getInput());
  double lo = getMin().convertToDouble(), hi = getMax().convertToDouble();
  for (auto [r, v] : llvm::zip_equal(result, x))
    r = {std::clamp(v.lo, lo, hi), std::clamp(v.hi, lo, hi)};
  return success();
}

FailureOr<double> ClampOp::inferErrorBound(const ErrorBoundState &state) {
  return state.error(getInput()) +
         ErrorBoundState::halfUlp(getInput().getType()) +
         ErrorBoundState::resultRounding(*this);
}

LogicalResult ClampOp::evaluateFloat(FloatLookup operands,
                                     std::vector<double> &result) {
  double lo = getMin().convertToDouble(), hi = getMax().convertToDouble();
  ArrayRef<double> x = operands(getInput());
  result.assign(x.begin(), x.end());
  for (double &v : result)
    v = std::isnan(v) ? v : std::min(std::max(v, lo), hi);
  return success();
}

//===----------------------------------------------------------------------===//
// ActivationOp
//===----------------------------------------------------------------------===//

LogicalResult ActivationOp::verify() {
  for (auto [name, v] : {std::pair<StringRef, APFloat>{"alpha", getAlpha()},
                         {"beta", getBeta()},
                         {"gamma", getGamma()}})
    if (!v.isFinite())
      return emitOpError() << name << " must be finite";
  double a = getAlpha().convertToDouble();
  if ((getKind() == ActivationKind::elu || getKind() == ActivationKind::selu) &&
      a < 0)
    return emitOpError() << "alpha must be non-negative, got " << a;
  return success();
}

double ActivationOp::evaluate(double x) {
  double a = getAlpha().convertToDouble();
  double b = getBeta().convertToDouble();
  double g = getGamma().convertToDouble();
  switch (getKind()) {
  case ActivationKind::tanh:
    return std::tanh(x);
  case ActivationKind::sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  case ActivationKind::exp:
    return std::exp(x);
  case ActivationKind::softplus:
    return x > 30 ? x : std::log1p(std::exp(x));
  case ActivationKind::elu:
    return x > 0 ? x : a * std::expm1(x);
  case ActivationKind::selu:
    return x > 0 ? g * x : g * a * std::expm1(x);
  case ActivationKind::hard_sigmoid:
    return std::max(0.0, std::min(1.0, a * x + b));
  case ActivationKind::leaky_relu:
    return x >= 0 ? x : a * x;
  case ActivationKind::softsign:
    return x / (1.0 + std::fabs(x));
  case ActivationKind::erf:
    return std::erf(x);
  case ActivationKind::abs:
    return std::fabs(x);
  case ActivationKind::hard_swish:
    return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5));
  case ActivationKind::log:
    return std::log(x);
  }
  llvm_unreachable("unknown activation");
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

LogicalResult
ActivationOp::inferResultRanges(RangeLookup operandRanges,
                                MutableArrayRef<Interval> result) {
  ArrayRef<Interval> x = operandRanges(getInput());
  for (auto [r, v] : llvm::zip_equal(result, x))
    r = activationRange(*this, v);
  return success();
}

LogicalResult ActivationOp::evaluateFloat(FloatLookup operands,
                                          std::vector<double> &result) {
  ArrayRef<double> x = operands(getInput());
  result.assign(x.begin(), x.end());
  for (double &v : result)
    v = evaluate(v);
  return success();
}

//===----------------------------------------------------------------------===//
// LutOp
//===----------------------------------------------------------------------===//

LogicalResult LutOp::verify() {
  size_t n = getTable().size();
  if (n < 2 || n > 65536)
    return emitOpError() << "table must have 2 to 65536 entries, got " << n;
  if (getShift() < 0 || getShift() > 62)
    return emitOpError() << "shift " << getShift() << " out of range [0, 62]";
  if (getSymmetry() != Symmetry::none && getStart() != 0)
    return emitOpError() << "a symmetric table must start at 0, got "
                         << static_cast<int64_t>(getStart());
  if (getSlopeFrac() < 0 || getSlopeFrac() > 32)
    return emitOpError() << "slope_frac " << getSlopeFrac()
                         << " out of range [0, 32]";
  FixedType out = getFixedElementType(getType());
  for (auto [i, v] : llvm::enumerate(getTable()))
    if (v < out.getMinInt() || v > out.getMaxInt())
      return emitOpError() << "table entry " << i << " (" << v
                           << ") does not fit the result type " << out;
  // The span of the table must be representable in 64 bits.
  if ((static_cast<double>(n) - 1) * std::ldexp(1.0, getShift()) +
          std::fabs(static_cast<double>(static_cast<int64_t>(getStart()))) >
      9.0e18)
    return emitOpError() << "table domain overflows 64 bits";
  return success();
}

FailureOr<double> LutOp::inferErrorBound(const ErrorBoundState &state) {
  FloatAttr l = LfDialect::LipschitzAttrHelper(getContext()).getAttr(*this);
  if (!l || !getMaxErrorAttr())
    return emitOpError() << "has no measured error or Lipschitz bound "
                            "(made by -lf-lower-activations)";
  return l.getValueAsDouble() * state.error(getInput()) +
         getMaxErrorAttr().getValueAsDouble();
}

//===----------------------------------------------------------------------===//
// ReduceOp
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOpError() << "axis " << axis << " out of range for rank "
                         << in.getRank();
  SmallVector<int64_t> expect(in.getShape());
  expect[axis] = 1;
  if (cast<RankedTensorType>(getType()).getShape() != ArrayRef<int64_t>(expect))
    return emitOpError() << "result must keep the reduced axis with size 1";
  return success();
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

LogicalResult ReduceOp::inferResultRanges(RangeLookup operandRanges,
                                          MutableArrayRef<Interval> result) {
  ArrayRef<Interval> x = operandRanges(getInput());
  AxisSplit d = splitAt(shapeOf(getInput()), getAxis());
  int64_t len = d.n, inner = d.inner;
  bool isSum = getKind() == ReduceKind::sum;
  bool softmaxSum = isSum && isStableSoftmaxExp(getInput(), getAxis());
  for (int64_t i = 0, n = result.size(); i < n; ++i) {
    int64_t outer = i / inner, in = i % inner;
    Interval acc = x[outer * len * inner + in];
    for (int64_t j = 1; j < len; ++j) {
      Interval v = x[(outer * len + j) * inner + in];
      if (isSum) {
        acc.lo += v.lo;
        acc.hi += v.hi;
      } else {
        acc.lo = std::max(acc.lo, v.lo);
        acc.hi = std::max(acc.hi, v.hi);
      }
    }
    if (softmaxSum)
      acc.lo = std::max(acc.lo, 1.0);
    result[i] = acc;
  }
  return success();
}

FailureOr<double> ReduceOp::inferErrorBound(const ErrorBoundState &state) {
  double ein = state.error(getInput());
  if (getKind() == ReduceKind::sum)
    ein *= shapeOf(getInput())[getAxis()];
  return ein + ErrorBoundState::resultRounding(*this);
}

LogicalResult ReduceOp::evaluateFloat(FloatLookup operands,
                                      std::vector<double> &result) {
  AxisSplit d = splitAt(shapeOf(getInput()), getAxis());
  int64_t outer = d.outer, n = d.n, inner = d.inner;
  ArrayRef<double> x = operands(getInput());
  bool isMax = getKind() == ReduceKind::max;
  result.assign(outer * inner, isMax ? -INFINITY : 0.0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t in = 0; in < inner; ++in) {
        double v = x[(o * n + i) * inner + in];
        double &r = result[o * inner + in];
        r = isMax ? std::max(r, v) : r + v;
      }
  return success();
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";
  auto out = cast<RankedTensorType>(getType());
  int64_t axis = getAxis();
  if (axis < 0 || axis >= out.getRank())
    return emitOpError() << "axis " << axis << " out of range for rank "
                         << out.getRank();
  int64_t total = 0;
  for (Value v : getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != out.getRank())
      return emitOpError() << "all inputs must have rank " << out.getRank();
    for (int64_t d = 0; d < out.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != out.getDimSize(d))
        return emitOpError() << "input " << t << " differs from the result "
                             << out << " outside axis " << axis;
    total += t.getDimSize(axis);
  }
  if (total != out.getDimSize(axis))
    return emitOpError() << "result axis " << axis << " has size "
                         << out.getDimSize(axis) << ", inputs sum to " << total;
  return success();
}

LogicalResult ConcatOp::inferResultRanges(RangeLookup operandRanges,
                                          MutableArrayRef<Interval> result) {
  ArrayRef<int64_t> os = shapeOf(getResult());
  int64_t axis = getAxis();
  AxisSplit d = splitAt(os, axis);
  int64_t offset = 0;
  for (Value in : getInputs()) {
    ArrayRef<Interval> x = operandRanges(in);
    int64_t len = shapeOf(in)[axis];
    for (int64_t o = 0; o < d.outer; ++o)
      for (int64_t j = 0; j < len * d.inner; ++j)
        result[(o * os[axis] + offset) * d.inner + j] =
            x[o * len * d.inner + j];
    offset += len;
  }
  return success();
}

FailureOr<double> ConcatOp::inferErrorBound(const ErrorBoundState &state) {
  double worst = 0;
  for (Value v : getInputs())
    worst = std::max(worst, state.error(v));
  return worst + ErrorBoundState::resultRounding(*this);
}

LogicalResult ConcatOp::evaluateFloat(FloatLookup operands,
                                      std::vector<double> &result) {
  auto out = shapeOf(getResult());
  int64_t axis = getAxis();
  AxisSplit d = splitAt(out, axis);
  result.reserve(shapeProduct(out));
  for (int64_t o = 0; o < d.outer; ++o)
    for (Value in : getInputs()) {
      int64_t chunk = shapeOf(in)[axis] * d.inner;
      ArrayRef<double> x = operands(in);
      result.insert(result.end(), x.begin() + o * chunk,
                    x.begin() + (o + 1) * chunk);
    }
  return success();
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (getElementTypeOrSelf(getInput().getType()) !=
      getElementTypeOrSelf(getType()))
    return emitOpError() << "reshape cannot change the element type";
  if (numElements(getInput().getType()) != numElements(getType()))
    return emitOpError() << "element counts differ: "
                         << numElements(getInput().getType()) << " vs "
                         << numElements(getType());
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) -> reshape(x).
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

LogicalResult ReshapeOp::inferResultRanges(RangeLookup operandRanges,
                                           MutableArrayRef<Interval> result) {
  llvm::copy(operandRanges(getInput()), result.begin());
  return success();
}

FailureOr<double> ReshapeOp::inferErrorBound(const ErrorBoundState &state) {
  return state.error(getInput());
}

LogicalResult ReshapeOp::evaluateFloat(FloatLookup operands,
                                       std::vector<double> &result) {
  ArrayRef<double> x = operands(getInput());
  result.assign(x.begin(), x.end());
  return success();
}

//===----------------------------------------------------------------------===//
// SoftmaxOp
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  if (in != getType())
    return emitOpError() << "result type must equal the input type";
  if (getAxis() < 0 || getAxis() >= in.getRank())
    return emitOpError() << "axis " << getAxis() << " out of range for rank "
                         << in.getRank();
  return success();
}

LogicalResult SoftmaxOp::evaluateFloat(FloatLookup operands,
                                       std::vector<double> &result) {
  AxisSplit d = splitAt(shapeOf(getInput()), getAxis());
  int64_t outer = d.outer, n = d.n, inner = d.inner;
  ArrayRef<double> x = operands(getInput());
  result.assign(x.begin(), x.end());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      auto at = [&](int64_t i) -> double & {
        return result[(o * n + i) * inner + in];
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
  return success();
}

//===----------------------------------------------------------------------===//
// Conv1dOp
//===----------------------------------------------------------------------===//

LogicalResult Conv1dOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto w = dyn_cast<ShapedType>(getWeight().getType());
  auto bias = dyn_cast<ShapedType>(getBias().getType());
  if (in.getRank() != 3)
    return emitOpError() << "input must be [N, C, L], got " << in;
  if (!w || w.getRank() != 3 || !w.getElementType().isF32())
    return emitOpError() << "weight must be an f32 [OC, C/group, K] tensor";
  int64_t c = in.getDimSize(1), l = in.getDimSize(2);
  int64_t oc = w.getDimSize(0), cg = w.getDimSize(1), k = w.getDimSize(2);
  int64_t g = getGroup();
  if (c % g || oc % g || c / g != cg)
    return emitOpError() << "group " << g << " does not match " << c
                         << " input channels and weight " << w;
  if (!bias || bias.getRank() != 1 || bias.getDimSize(0) != oc ||
      !bias.getElementType().isF32())
    return emitOpError() << "bias must be an f32 [" << oc << "] tensor";
  int64_t span = getDilation() * (k - 1) + 1;
  int64_t padded = l + getPadBegin() + getPadEnd();
  if (k < 1 || padded < span)
    return emitOpError() << "kernel span " << span
                         << " exceeds the padded length " << padded;
  int64_t lout = (padded - span) / getStride() + 1;
  SmallVector<int64_t> expect{in.getDimSize(0), oc, lout};
  if (cast<RankedTensorType>(getType()).getShape() != ArrayRef<int64_t>(expect))
    return emitOpError() << "result must be [" << expect[0] << ", " << oc
                         << ", " << lout << "]";
  return success();
}

LogicalResult Conv1dOp::evaluateFloat(FloatLookup operands,
                                      std::vector<double> &result) {
  // Direct convolution (the reference for -lf-decompose's Toeplitz fc).
  auto in = shapeOf(getInput());
  auto out = shapeOf(getResult());
  auto wt = cast<ShapedType>(getWeight().getType());
  auto w = cast<DenseElementsAttr>(getWeight()).getValues<float>();
  auto bias = cast<DenseElementsAttr>(getBias()).getValues<float>();
  int64_t n = in[0], c = in[1], l = in[2], oc = out[1], lout = out[2];
  int64_t cg = wt.getDimSize(1), k = wt.getDimSize(2);
  int64_t perGroup = oc / getGroup();
  ArrayRef<double> x = operands(getInput());
  result.resize(n * oc * lout);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < oc; ++o)
      for (int64_t t = 0; t < lout; ++t) {
        double acc = bias[o];
        for (int64_t j = 0; j < cg; ++j)
          for (int64_t q = 0; q < k; ++q) {
            int64_t pos = t * getStride() + q * getDilation() - getPadBegin();
            if (pos >= 0 && pos < l)
              acc += double(w[(o * cg + j) * k + q]) *
                     x[(b * c + (o / perGroup) * cg + j) * l + pos];
          }
        result[(b * oc + o) * lout + t] = acc;
      }
  return success();
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::verify() {
  if (getElementTypeOrSelf(getInput().getType()) !=
      getElementTypeOrSelf(getType()))
    return emitOpError() << "gather cannot change the element type";
  int64_t n = numElements(getInput().getType());
  ArrayRef<int64_t> idx = getIndices();
  if ((int64_t)idx.size() != numElements(getType()))
    return emitOpError() << "has " << idx.size() << " indices for "
                         << numElements(getType()) << " result elements";
  for (auto [i, x] : llvm::enumerate(idx))
    if (x < 0 || x >= n)
      return emitOpError() << "index " << x << " (entry " << i
                           << ") is out of range [0, " << n << ")";
  return success();
}

OpFoldResult GatherOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> idx = getIndices();
  bool identity = getInput().getType() == getType();
  for (auto [i, x] : llvm::enumerate(idx))
    identity &= x == (int64_t)i;
  if (identity)
    return getInput();
  // gather(gather(x, a), b) -> gather(x, a[b]).
  if (auto inner = getInput().getDefiningOp<GatherOp>()) {
    ArrayRef<int64_t> a = inner.getIndices();
    SmallVector<int64_t> composed;
    for (int64_t x : idx)
      composed.push_back(a[x]);
    getInputMutable().assign(inner.getInput());
    setIndices(composed);
    return getResult();
  }
  return {};
}

LogicalResult GatherOp::inferResultRanges(RangeLookup operandRanges,
                                          MutableArrayRef<Interval> result) {
  ArrayRef<Interval> x = operandRanges(getInput());
  for (auto [i, k] : llvm::enumerate(getIndices()))
    result[i] = x[k];
  return success();
}

FailureOr<double> GatherOp::inferErrorBound(const ErrorBoundState &state) {
  return state.error(getInput()); // copies values in the same format
}

LogicalResult GatherOp::evaluateFloat(FloatLookup operands,
                                      std::vector<double> &result) {
  ArrayRef<double> x = operands(getInput());
  for (int64_t i : getIndices())
    result.push_back(x[i]);
  return success();
}
