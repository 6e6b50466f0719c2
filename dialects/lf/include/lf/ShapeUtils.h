//===- ShapeUtils.h - static shape helpers of the lf dialect ----*- C++ -*-===//
//
// Numpy-style broadcasting and row-major strides, shared by the verifiers,
// the importer, the interpreter and the analyses.
//
//===----------------------------------------------------------------------===//
#ifndef LF_SHAPEUTILS_H
#define LF_SHAPEUTILS_H

#include "mlir/Support/LLVM.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::lf {

/// Number of elements of a static shape.
int64_t shapeProduct(ArrayRef<int64_t> shape);

/// Numpy broadcast of two static shapes; fails on a mismatch.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b);

/// Row-major strides of `shape` aligned to the broadcast shape `out`, with 0
/// on broadcast (size-1 or missing) dimensions.
SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> shape,
                                      ArrayRef<int64_t> out);

/// Flat index into an operand of shape `in` for flat index `k` of the
/// broadcast shape `out`.
int64_t broadcastIndex(int64_t k, ArrayRef<int64_t> out, ArrayRef<int64_t> in);

} // namespace mlir::lf

#endif // LF_SHAPEUTILS_H
