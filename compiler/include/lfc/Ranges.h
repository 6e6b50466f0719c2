//===- Ranges.h - interval analysis of float-level lf functions -*- C++ -*-===//
#ifndef LFC_RANGES_H
#define LFC_RANGES_H

#include "lf/LfDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace mlir::lf {

/// `r` widened by `factor` (>= 1) away from zero on both sides without
/// changing its sign: a bound b becomes b * factor if it points away from 0
/// (hi > 0, lo < 0) and b / factor otherwise ([1, 2] x 2 -> [0.5, 4],
/// [0, 10] -> [0, 20], [-8, 8] -> [-16, 16]). The input headroom: inputs
/// that drift by up to `factor` beyond their calibrated range stay inside.
inline Interval widenRange(Interval r, double factor) {
  return {r.lo < 0 ? r.lo * factor : r.lo / factor,
          r.hi > 0 ? r.hi * factor : r.hi / factor};
}

/// Per-element intervals (row-major) of every tensor value of a function.
class RangeAnalysis {
public:
  /// `inputRanges` is either one (lo, hi) pair for every input element or a
  /// pair per element of all arguments, flattened and concatenated. Emits
  /// an error at the offending op and fails when a value is unbounded
  /// (e.g. a division by a range that contains 0).
  LogicalResult run(func::FuncOp f, ArrayRef<Interval> inputRanges);

  ArrayRef<Interval> get(Value v) const;
  /// Largest magnitude over all elements of `v`.
  double maxAbs(Value v) const;
  /// Hull of all elements of `v`.
  Interval hull(Value v) const;

private:
  llvm::DenseMap<Value, std::vector<Interval>> ranges;
};

/// Total number of elements of all arguments of `f`.
int64_t countInputElements(func::FuncOp f);

} // namespace mlir::lf

#endif // LFC_RANGES_H
