//===- ImportModel.h - Import a loaded lfc::onnx::Model ----------*- C++
//-*-===//
//
// Internal entry point shared by OnnxImport.cpp and the tests (which edit a
// loaded model, e.g. turning graph inputs into initializers, before import).
//
//===----------------------------------------------------------------------===//
#ifndef LFC_IMPORT_IMPORTMODEL_H
#define LFC_IMPORT_IMPORTMODEL_H

#include "OnnxModel.h"
#include "lfc/OnnxImport.h"

namespace mlir::lf {

/// Builds the float-level module for an already loaded model. Diagnostics
/// name `fileName`.
OwningOpRef<ModuleOp> importOnnxModel(const lfc::onnx::Model &model,
                                      llvm::StringRef fileName,
                                      MLIRContext &ctx,
                                      const OnnxImportOptions &opts);

} // namespace mlir::lf

#endif // LFC_IMPORT_IMPORTMODEL_H
