//===- LfDialect.cpp - LiteFlow fixed-point dialect -----------------------===//
//
// The dialect, its type, its traits and its declared discardable attributes.
// The ops live in LfOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "lf/LfDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::lf;

#include "lf/LfDialect.cpp.inc"
#include "lf/LfEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "lf/LfTypes.cpp.inc"

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
// Discardable attributes
//===----------------------------------------------------------------------===//

/// `a` is a [lo, hi] pair with lo <= hi (neither NaN).
static bool isInterval(DenseF64ArrayAttr a) {
  return a && a.size() == 2 && a[0] <= a[1];
}

/// `v` is a number >= 0 (+inf allowed: a bound that holds vacuously).
static bool isNonNegative(double v) { return v >= 0; }

/// `a` is an array of `n` strings.
static bool isStringArray(Attribute a, size_t n) {
  auto arr = dyn_cast<ArrayAttr>(a);
  return arr && arr.size() == n &&
         llvm::all_of(arr, [](Attribute e) { return isa<StringAttr>(e); });
}

LogicalResult LfDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  Attribute value = attr.getValue();
  auto fail = [&](const Twine &what) {
    return op->emitOpError()
           << "attribute '" << name << "' " << what << ", got " << value;
  };
  bool onLfOp = op->getDialect() == this;
  auto fn = dyn_cast<FunctionOpInterface>(op);

  if (name == ResultRangeAttrHelper::getNameStr()) {
    if (!onLfOp)
      return fail("belongs on an lf op");
    if (!isInterval(dyn_cast<DenseF64ArrayAttr>(value)))
      return fail("must be an array<f64: lo, hi> with lo <= hi");
    return success();
  }
  if (name == RangeAttrHelper::getNameStr()) {
    if (!isa<ActivationOp>(op))
      return fail("belongs on lf.activation");
    if (!isInterval(dyn_cast<DenseF64ArrayAttr>(value)))
      return fail("must be an array<f64: lo, hi> with lo <= hi");
    return success();
  }
  if (name == FunctionAttrHelper::getNameStr()) {
    if (!isa<LutOp>(op))
      return fail("belongs on lf.lut");
    auto s = dyn_cast<StringAttr>(value);
    if (!s || !symbolizeActivationKind(s.getValue()))
      return fail("must name an activation kind");
    return success();
  }
  if (name == LipschitzAttrHelper::getNameStr() ||
      name == ErrorBoundAttrHelper::getNameStr()) {
    bool lipschitz = name == LipschitzAttrHelper::getNameStr();
    if (lipschitz && !isa<LutOp>(op))
      return fail("belongs on lf.lut");
    if (!lipschitz && !onLfOp)
      return fail("belongs on an lf op");
    auto f = dyn_cast<FloatAttr>(value);
    if (!f || !f.getType().isF64() || !isNonNegative(f.getValueAsDouble()))
      return fail("must be an f64 >= 0");
    return success();
  }
  if (name == ResultErrorBoundsAttrHelper::getNameStr()) {
    if (!fn)
      return fail("belongs on a function");
    auto a = dyn_cast<DenseF64ArrayAttr>(value);
    if (!a || static_cast<size_t>(a.size()) != fn.getNumResults() ||
        !llvm::all_of(a.asArrayRef(), isNonNegative))
      return fail("must hold one f64 >= 0 per function result (" +
                  Twine(fn.getNumResults()) + ")");
    return success();
  }
  if (name == InputNamesAttrHelper::getNameStr() ||
      name == OutputNamesAttrHelper::getNameStr()) {
    if (!fn)
      return fail("belongs on a function");
    bool inputs = name == InputNamesAttrHelper::getNameStr();
    size_t n = inputs ? fn.getNumArguments() : fn.getNumResults();
    if (!isStringArray(value, n))
      return fail("must hold one string per function " +
                  Twine(inputs ? "argument" : "result") + " (" + Twine(n) +
                  ")");
    return success();
  }
  if (name == OpsetAttrHelper::getNameStr()) {
    if (!fn)
      return fail("belongs on a function");
    auto i = dyn_cast<IntegerAttr>(value);
    if (!i || !i.getType().isInteger(64) || i.getInt() < 1)
      return fail("must be an i64 >= 1");
    return success();
  }
  return op->emitOpError() << "has unknown lf dialect attribute '" << name
                           << "'";
}
