//===- Quantize.h - fixed-point format helpers ------------------*- C++ -*-===//
#ifndef LFC_QUANTIZE_H
#define LFC_QUANTIZE_H

#include "lf/LfDialect.h"

#include <cstdint>

namespace mlir::lf {
/// Fractional bits of the W-bit format with the most precision that holds
/// values of magnitude up to `maxAbs`, clamped to [minFrac, maxFrac].
int chooseFrac(double maxAbs, unsigned width, int minFrac, int maxFrac);
/// round(x * 2^frac) (ties away from zero), saturated to `width` bits (the
/// same rule as lf_float.h's lf_quantize_double).
int64_t quantizeValue(double x, int frac, unsigned width);
/// The pair shift of lf.fc with acc_bits = 32 (defined with the op).
inline int acc32PairShift(int64_t k) {
  return FullyConnectedOp::getAcc32PairShift(k);
}

} // namespace mlir::lf

#endif // LFC_QUANTIZE_H
