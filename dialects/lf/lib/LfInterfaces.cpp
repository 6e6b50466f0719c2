//===- LfInterfaces.cpp - Per-op semantics of the lf dialect --------------===//
//
// The generated interface classes and what the error-bound methods of the
// ops share (ErrorBoundState). The methods themselves live with each op in
// LfOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "lf/LfDialect.h"

using namespace mlir;
using namespace mlir::lf;

#include "lf/LfInterfaces.cpp.inc"

/// The [lo, hi] range -lf-quantize recorded on the producer of `v`, if any.
static DenseF64ArrayAttr recordedRange(Value v) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return {};
  return LfDialect::ResultRangeAttrHelper(def->getContext()).getAttr(def);
}

double ErrorBoundState::magnitude(Value v) const {
  Operation *def = v.getDefiningOp();
  while (def && isa<ReshapeOp, GatherOp>(def)) {
    v = def->getOperand(0);
    def = v.getDefiningOp();
  }
  if (DenseF64ArrayAttr r = recordedRange(v))
    return std::max(std::fabs(r[0]), std::fabs(r[1]));
  FixedType t = getFixedElementType(v.getType());
  return t ? t.getMaxValue() : 0.0;
}

double ErrorBoundState::minMagnitude(Value v) const {
  if (DenseF64ArrayAttr r = recordedRange(v))
    return r[0] > 0 ? r[0] : (r[1] < 0 ? -r[1] : 0.0);
  return 0.0;
}

double ErrorBoundState::halfUlp(Type t) {
  return halfUlp(getFixedElementType(t).getFrac());
}

double ErrorBoundState::resultRounding(Operation *op) {
  Type t = op->getResult(0).getType();
  return getFixedElementType(t) ? halfUlp(t) : 0.0;
}
