//===- LfInterfaces.h - Per-op semantics of the lf dialect ------*- C++ -*-===//
//
// The types the op interfaces of LfInterfaces.td exchange, and the generated
// interface classes.
//
//===----------------------------------------------------------------------===//
#ifndef LF_LFINTERFACES_H
#define LF_LFINTERFACES_H

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace mlir::lf {

/// A closed interval of reals [lo, hi].
struct Interval {
  double lo = 0, hi = 0;
  double maxAbs() const { return std::max(std::abs(lo), std::abs(hi)); }
};

/// Per-element intervals (row-major) of an operand, for
/// RangeOpInterface::inferResultRanges.
using RangeLookup = llvm::function_ref<ArrayRef<Interval>(Value)>;
/// Values (row-major) of an operand, for FloatEvalOpInterface::evaluateFloat.
using FloatLookup = llvm::function_ref<ArrayRef<double>(Value)>;

/// What ErrorBoundOpInterface::inferErrorBound sees of the values computed
/// before the op: their error bounds (set by the driver) and magnitudes
/// (from the `lf.result_range` attributes -lf-quantize leaves).
class ErrorBoundState {
public:
  /// Bound on |fixed - float| of `v` (0 for a value without one).
  double error(Value v) const { return errors.lookup(v); }
  void setError(Value v, double e) { errors[v] = e; }

  /// Largest magnitude of `v`: from the range recorded on its producer
  /// (looking through value-preserving reshapes and gathers), else the
  /// largest value its fixed-point format holds.
  double magnitude(Value v) const;
  /// Smallest magnitude of `v`'s recorded range (0 if it contains 0 or no
  /// range is recorded).
  double minMagnitude(Value v) const;

  /// Half a unit in the last place of `frac` fractional bits.
  static double halfUlp(int frac) { return std::ldexp(0.5, -frac); }
  /// Half a unit in the last place of the fixed-point (element) type `t`.
  static double halfUlp(Type t);
  /// Rounding into the format of `op`'s (single) result: halfUlp of its
  /// type at the fixed level, 0 for a float result.
  static double resultRounding(Operation *op);

private:
  llvm::DenseMap<Value, double> errors;
};

} // namespace mlir::lf

#include "lf/LfInterfaces.h.inc"

#endif // LF_LFINTERFACES_H
