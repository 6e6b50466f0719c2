// Helpers shared by the unit tests.
#ifndef LF_TEST_UNIT_TESTUTIL_H
#define LF_TEST_UNIT_TESTUTIL_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace lftest {
/// A context with the lf and func dialects; diagnostics go to `diag`.
struct Ctx {
  Ctx();
  ~Ctx();
  mlir::MLIRContext ctx;
  std::string diag;
  /// Parses a module; null on error (see diag).
  mlir::OwningOpRef<mlir::ModuleOp> parse(const std::string &text);
  mlir::func::FuncOp func(mlir::ModuleOp m);

private:
  struct Handler;
  Handler *handler;
};
} // namespace lftest

#endif
