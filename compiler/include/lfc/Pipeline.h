//===- Pipeline.h - the lfc compilation pipeline ----------------*- C++ -*-===//
//
// ONNX -> float-level lf -> fixed-level lf, shared by `lfc` and the runtime
// daemon (which recompiles tuned models in process).
//
//===----------------------------------------------------------------------===//
#ifndef LFC_PIPELINE_H
#define LFC_PIPELINE_H

#include "lfc/PassPipeline.h"
#include "lfc/Ranges.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace mlir::lf {


/// Imports an ONNX file (null on error, diagnostics already reported).
OwningOpRef<ModuleOp> importModel(llvm::StringRef path, MLIRContext &ctx,
                                  llvm::StringRef funcName = "");
/// Canonicalizes (folds BatchNorm-like affine ops into fc) and decomposes
/// composite ops: the float level that range analysis and the float
/// reference run on.
LogicalResult lowerToFloat(ModuleOp module);
/// Quantizes and turns activations into tables: the fixed level.
LogicalResult lowerToFixed(ModuleOp module, const QuantOptions &o);

/// The -lf-error-bounds bound of every output element (flattened results;
/// empty if the function was not analysed).
std::vector<double> resultErrorBounds(func::FuncOp f);

/// The function a model module holds.
func::FuncOp getModelFunc(ModuleOp module);

/// Per-feature [min, max] of the rows of a CSV.
FailureOr<std::vector<Interval>>
rangesFromRows(const std::vector<std::vector<double>> &rows, int64_t features);

/// Parses "lo,hi[,lo,hi...]" into intervals.
FailureOr<std::vector<Interval>> parseRanges(llvm::StringRef text,
                                             std::string &error);

/// Reads a CSV of numbers: one sample a row, '#' comments and blank lines
/// skipped. The first row is a header only if none of its cells is a number
/// (then `headerNote`, if given, says which line was skipped); any other
/// non-number is an error. On error returns failure with a message naming
/// the file, line and column.
FailureOr<std::vector<std::vector<double>>>
readCsv(llvm::StringRef path, std::string &error,
        std::string *headerNote = nullptr);

} // namespace mlir::lf

#endif // LFC_PIPELINE_H
