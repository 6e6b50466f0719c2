//===- lf-opt.cpp - LiteFlow optimizer driver -----------------------------===//
//
// Runs lf passes (and the upstream ones the pipeline uses) on MLIR files.
//
//===----------------------------------------------------------------------===//

#include "lf/LfDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#ifdef LF_HAVE_PASSES
#include "lfc/PassPipeline.h"
#include "lfc/Passes.h"
#endif

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::lf::LfDialect, mlir::func::FuncDialect>();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
#ifdef LF_HAVE_PASSES
  mlir::lf::registerLfPasses();
  mlir::lf::registerLfcPipeline();
#endif
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "LiteFlow optimizer driver\n", registry));
}
