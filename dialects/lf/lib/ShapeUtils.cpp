//===- ShapeUtils.cpp - static shape helpers of the lf dialect ------------===//

#include "lf/ShapeUtils.h"

using namespace mlir;

int64_t mlir::lf::shapeProduct(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

FailureOr<SmallVector<int64_t>> mlir::lf::broadcastShapes(ArrayRef<int64_t> a,
                                                          ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

SmallVector<int64_t> mlir::lf::broadcastStrides(ArrayRef<int64_t> shape,
                                                ArrayRef<int64_t> out) {
  SmallVector<int64_t> strides(out.size(), 0);
  int64_t s = 1;
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1,
               o = static_cast<int64_t>(out.size()) - 1;
       i >= 0; --i, --o) {
    strides[o] = shape[i] == 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

int64_t mlir::lf::broadcastIndex(int64_t k, ArrayRef<int64_t> out,
                                 ArrayRef<int64_t> in) {
  SmallVector<int64_t> strides = broadcastStrides(in, out);
  int64_t idx = 0;
  for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
    idx += (k % out[d]) * strides[d];
    k /= out[d];
  }
  return idx;
}
