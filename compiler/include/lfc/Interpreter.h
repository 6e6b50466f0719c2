//===- Interpreter.h - Float reference interpreter for lf ---------*- C++
//-*-===//
//
// Evaluates a float-level lf function (as produced by the ONNX importer and
// the float-level passes) in double precision. It is the reference for
// `lfc run --float` and the accuracy tests.
//
//===----------------------------------------------------------------------===//
#ifndef LFC_INTERPRETER_H
#define LFC_INTERPRETER_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/LLVM.h"

#include <vector>

namespace mlir::lf {

/// Evaluates `f` on `inputs`: all arguments flattened row-major and
/// concatenated in argument order. Returns all results flattened and
/// concatenated in result order. Supported ops: lf.constant, fc, matmul,
/// binary (numpy broadcasting), clamp, activation, softmax, reduce, concat,
/// reshape, gather, conv1d (directly, not as its Toeplitz fc) and
/// func.return. Emits an error on `f` (and fails) for anything
/// else, fixed-point types, or a wrong number of inputs.
FailureOr<std::vector<double>> evaluateFloat(func::FuncOp f,
                                             ArrayRef<double> inputs);

/// Number of scalars evaluateFloat expects (sum over the arguments).
int64_t getNumInputScalars(func::FuncOp f);
/// Number of scalars evaluateFloat returns (sum over the results).
int64_t getNumOutputScalars(func::FuncOp f);

} // namespace mlir::lf

#endif // LFC_INTERPRETER_H
