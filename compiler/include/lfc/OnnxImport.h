//===- OnnxImport.h - ONNX to float-level lf MLIR ----------------*- C++
//-*-===//
//
// Imports an ONNX ModelProto (as exported by torch.onnx, ai.onnx opsets 11 to
// 19) into a module holding one func.func at the float level of the lf
// dialect. The function has one argument per graph input that is not an
// initializer and one result per graph output, and carries the attributes
// `lf.input_names`, `lf.output_names` (string arrays) and `lf.opset` (i64).
// A dynamic first dimension is the batch and becomes 1.
//
// Errors are emitted as MLIR diagnostics on the context; the functions then
// return null. Node errors are located at
//   fused[NameLoc("<node> (<OpType>)"), FileLineColLoc(<file>, 0, 0)]
// and read "node '<node>' (<OpType>): ...". OnnxDiagnosticHandler prints
// such diagnostics as "<file>: error: <message>".
//
//===----------------------------------------------------------------------===//
#ifndef LFC_ONNXIMPORT_H
#define LFC_ONNXIMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::lf {

struct OnnxImportOptions {
  /// Name of the generated function; empty: the graph name, sanitized into
  /// a C identifier ("model" if the graph has no name).
  std::string funcName;
};

/// Reads and imports the ONNX model at `path`.
OwningOpRef<ModuleOp> importOnnxFile(llvm::StringRef path, MLIRContext &ctx,
                                     const OnnxImportOptions &opts);

/// Imports a serialized ONNX model; `fileNameForDiagnostics` names it in
/// diagnostics.
OwningOpRef<ModuleOp> importOnnxBuffer(llvm::StringRef bytes,
                                       llvm::StringRef fileNameForDiagnostics,
                                       MLIRContext &ctx,
                                       const OnnxImportOptions &opts);

/// Registers `--import-onnx` with mlir-translate (lf-translate), with option
/// `--onnx-func-name=<name>`.
void registerOnnxImportTranslation();

/// While alive, prints diagnostics located in an ONNX file (a FileLineColLoc
/// at line 0) as one line "<file>: error: <message>" to `os`; others go to
/// the previously installed handler.
class OnnxDiagnosticHandler : public ScopedDiagnosticHandler {
public:
  explicit OnnxDiagnosticHandler(MLIRContext *ctx,
                                 llvm::raw_ostream &os = llvm::errs());
};

} // namespace mlir::lf

#endif // LFC_ONNXIMPORT_H
