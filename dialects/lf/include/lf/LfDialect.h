//===- LfDialect.h - LiteFlow fixed-point dialect ---------------*- C++ -*-===//
#ifndef LF_LFDIALECT_H
#define LF_LFDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lf/LfInterfaces.h"
#include "lf/LfTraits.h"

#include "lf/LfDialect.h.inc"
#include "lf/LfEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "lf/LfTypes.h.inc"

#define GET_OP_CLASSES
#include "lf/LfOps.h.inc"

namespace mlir::lf {
/// Returns the fixed-point element type of `t` (a tensor or scalar), or null.
FixedType getFixedElementType(Type t);
/// True if `t` is a tensor (or scalar) of f32.
bool isFloatLevel(Type t);
} // namespace mlir::lf

#endif // LF_LFDIALECT_H
