//===- LfTraits.h - Shape and level traits of the lf ops --------*- C++ -*-===//
//
// Checks every lf op shares, declared in ODS (Lf_StaticShapes, Lf_SameLevel)
// instead of being called by hand from each verifier.
//
//===----------------------------------------------------------------------===//
#ifndef LF_LFTRAITS_H
#define LF_LFTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace mlir::OpTrait::lf {
namespace impl {
LogicalResult verifyStaticNonEmptyShapes(Operation *op);
LogicalResult verifySameLevel(Operation *op);
} // namespace impl

/// Every ranked tensor operand and result has a static shape with at least
/// one element (the snapshot has no dynamic or zero-size buffers).
template <typename ConcreteType>
class StaticNonEmptyShapes
    : public TraitBase<ConcreteType, StaticNonEmptyShapes> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return impl::verifyStaticNonEmptyShapes(op);
  }
};

/// Operands and results are all float-level (f32) or all fixed-point.
template <typename ConcreteType>
class SameLevel : public TraitBase<ConcreteType, SameLevel> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return impl::verifySameLevel(op);
  }
};
} // namespace mlir::OpTrait::lf

#endif // LF_LFTRAITS_H
