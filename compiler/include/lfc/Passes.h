//===- Passes.h - LiteFlow compiler passes ----------------------*- C++ -*-===//
#ifndef LFC_PASSES_H
#define LFC_PASSES_H

#include "lf/LfDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::lf {
#define GEN_PASS_DECL
#include "lfc/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lfc/Passes.h.inc"
} // namespace mlir::lf

#endif // LFC_PASSES_H
