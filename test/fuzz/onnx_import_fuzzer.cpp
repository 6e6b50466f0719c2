//===- onnx_import_fuzzer.cpp - libFuzzer harness for the ONNX importer ---===//
//
// Feeds arbitrary bytes to mlir::lf::importOnnxBuffer. The importer must
// either fail with a diagnostic or return a module (which it has verified);
// imported modules are also run through the float interpreter on zeros.
// Built with clang++-19 -fsanitize=fuzzer,address by run_fuzz.sh.
//
//===----------------------------------------------------------------------===//

#include "lfc/Interpreter.h"
#include "lfc/OnnxImport.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  bool sawError = false;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    sawError |= d.getSeverity() == mlir::DiagnosticSeverity::Error;
    return mlir::success();
  });
  auto module = mlir::lf::importOnnxBuffer(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      ctx, {});
  if (!module) {
    if (!sawError)
      std::abort(); // failure without a diagnostic
    return 0;
  }
  mlir::func::FuncOp f;
  module->walk([&](mlir::func::FuncOp op) { f = op; });
  if (!f)
    std::abort();
  int64_t n = mlir::lf::getNumInputScalars(f);
  if (n <= (1 << 16) && mlir::lf::getNumOutputScalars(f) <= (1 << 16)) {
    std::vector<double> zeros(n, 0.0);
    (void)mlir::lf::evaluateFloat(f, zeros);
  }
  return 0;
}
