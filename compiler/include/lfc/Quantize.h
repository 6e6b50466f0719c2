//===- Quantize.h - fixed-point format helpers ------------------*- C++ -*-===//
#ifndef LFC_QUANTIZE_H
#define LFC_QUANTIZE_H

#include <cstdint>

namespace mlir::lf {
/// Fractional bits of the W-bit format with the most precision that holds
/// values of magnitude up to `maxAbs`, clamped to [minFrac, maxFrac].
int chooseFrac(double maxAbs, unsigned width, int minFrac, int maxFrac);
/// round(x * 2^frac) (ties away from zero), saturated to `width` bits (the
/// same rule as lf_float.h's lf_quantize_double).
int64_t quantizeValue(double x, int frac, unsigned width);
} // namespace mlir::lf

#endif // LFC_QUANTIZE_H
