//===- LfDialect.cpp - LiteFlow fixed-point dialect -----------------------===//

#include "lf/LfDialect.h"
#include "lf/ShapeUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lf;

#include "lf/LfDialect.cpp.inc"
#include "lf/LfEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "lf/LfTypes.cpp.inc"

#define GET_OP_CLASSES
#include "lf/LfOps.cpp.inc"

void LfDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "lf/LfTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "lf/LfOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// FixedType
//===----------------------------------------------------------------------===//

LogicalResult FixedType::verify(function_ref<InFlightDiagnostic()> emitError,
                                unsigned width, int frac) {
  if (width != 8 && width != 16 && width != 32 && width != 64)
    return emitError() << "fixed-point width must be 8, 16, 32 or 64, got "
                       << width;
  if (frac < -static_cast<int>(width) || frac > 2 * static_cast<int>(width))
    return emitError() << "fractional bits " << frac << " out of range [-"
                       << width << ", " << 2 * width << "] for width " << width;
  return success();
}

int64_t FixedType::getMinInt() const {
  return getWidth() == 64 ? INT64_MIN : -(int64_t(1) << (getWidth() - 1));
}
int64_t FixedType::getMaxInt() const {
  return getWidth() == 64 ? INT64_MAX : (int64_t(1) << (getWidth() - 1)) - 1;
}
double FixedType::getResolution() const { return std::ldexp(1.0, -getFrac()); }
double FixedType::getMinValue() const {
  return std::ldexp(static_cast<double>(getMinInt()), -getFrac());
}
double FixedType::getMaxValue() const {
  return std::ldexp(static_cast<double>(getMaxInt()), -getFrac());
}

FixedType mlir::lf::getFixedElementType(Type t) {
  return dyn_cast<FixedType>(getElementTypeOrSelf(t));
}
bool mlir::lf::isFloatLevel(Type t) { return getElementTypeOrSelf(t).isF32(); }

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static int64_t numElements(Type t) {
  return cast<RankedTensorType>(t).getNumElements();
}

//===----------------------------------------------------------------------===//
// Traits
//===----------------------------------------------------------------------===//

LogicalResult
mlir::OpTrait::lf::impl::verifyStaticNonEmptyShapes(Operation *op) {
  auto check = [&](TypeRange types) -> LogicalResult {
    for (Type t : types) {
      auto rt = dyn_cast<RankedTensorType>(t);
      if (!rt)
        continue;
      if (!rt.hasStaticShape())
        return op->emitOpError() << "requires static shapes, got " << t;
      if (rt.getNumElements() == 0)
        return op->emitOpError()
               << "requires tensors with at least one element, got " << t;
    }
    return success();
  };
  return failure(failed(check(op->getOperandTypes())) ||
                 failed(check(op->getResultTypes())));
}

LogicalResult mlir::OpTrait::lf::impl::verifySameLevel(Operation *op) {
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  if (types.empty())
    return success();
  bool first = isFloatLevel(types.front());
  for (Type t : types)
    if (isFloatLevel(t) != first)
      return op->emitOpError()
             << "mixes float and fixed-point tensors; use lf.quantize or "
                "lf.dequantize at the boundary";
  return success();
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

//===----------------------------------------------------------------------===//
// Quantize / Dequantize
//===----------------------------------------------------------------------===//

OpFoldResult DequantizeOp::fold(FoldAdaptor) {
  // dequantize(quantize(x)) is not x (rounding), so nothing folds but the
  // trivial case of a float-typed input, which the type constraint forbids.
  return {};
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
