//===- Quantize.h - fixed-point format helpers ------------------*- C++ -*-===//
#ifndef LFC_QUANTIZE_H
#define LFC_QUANTIZE_H

#include <cstdint>

namespace mlir::lf {
/// Attribute -lf-quantize puts on every op: the float-level [lo, hi] of its
/// result (for error bounds and reports).
constexpr const char kResultRangeAttr[] = "lf.result_range";
/// Attribute -lf-lower-activations puts on every table: an upper bound of
/// |f'| (so an input error e becomes at most L * e at the output).
constexpr const char kLipschitzAttr[] = "lf.lipschitz";
/// Attribute -lf-error-bounds puts on every op: the bound on |fixed - float|
/// of its result; on the function: one bound per result.
constexpr const char kErrorBoundAttr[] = "lf.error_bound";
constexpr const char kResultErrorBoundsAttr[] = "lf.result_error_bounds";

/// Fractional bits of the W-bit format with the most precision that holds
/// values of magnitude up to `maxAbs`, clamped to [minFrac, maxFrac].
int chooseFrac(double maxAbs, unsigned width, int minFrac, int maxFrac);
/// round(x * 2^frac) (ties away from zero), saturated to `width` bits (the
/// same rule as lf_float.h's lf_quantize_double).
int64_t quantizeValue(double x, int frac, unsigned width);

/// lf.fc with acc_bits = 32 (16-bit values and weights; lf_fc_q16() in the
/// C): each pair of products x[2i] w[2i] + x[2i+1] w[2i+1] (exact, |.| <
/// 2^31 for weights above -2^15) is shifted right (floor) by
/// acc32PairShift(k) bits before the 32-bit sum, so that the ceil(k / 2)
/// pair terms stay within 2^30 for ANY input and weights: the accumulator
/// (input frac + weight frac - that shift) cannot overflow with a bias below
/// 2^30, and the weights keep all their 16 bits.
inline int acc32PairShift(int64_t k) {
  int64_t kp = (k + 1) / 2;
  int r = 0;
  while ((int64_t(1) << r) < kp)
    ++r;
  return r + 1;
}
} // namespace mlir::lf

#endif // LFC_QUANTIZE_H
