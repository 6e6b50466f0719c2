//===- lf-translate.cpp - LiteFlow translations ---------------------------===//
//
// --import-onnx: ONNX ModelProto -> float-level lf MLIR.
// --lf-to-c / --lf-to-c-header: fixed-level lf MLIR -> snapshot C.
//
//===----------------------------------------------------------------------===//

#include "lf/LfDialect.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

#ifdef LF_HAVE_IMPORT
#include "lfc/OnnxImport.h"
#endif
#ifdef LF_HAVE_EMIT
#include "lfc/EmitC.h"
#endif

int main(int argc, char **argv) {
#ifdef LF_HAVE_IMPORT
  mlir::lf::registerOnnxImportTranslation();
#endif
#ifdef LF_HAVE_EMIT
  mlir::lf::registerEmitCTranslations();
#endif
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "LiteFlow translations\n"));
}
