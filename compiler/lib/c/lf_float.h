/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * lf_float.h - float <-> fixed-point conversion at a snapshot's boundary.
 * Userspace only (lfc, lfctl, the runtime): the kernel sees integers only.
 * Quantization rounds to nearest (ties away from zero) and saturates into
 * the storage width; NaN becomes 0.
 */
#ifndef LF_FLOAT_H
#define LF_FLOAT_H

#ifdef __KERNEL__
#error "lf_float.h is for userspace"
#endif

#include <math.h>
#include <stdint.h>

static inline int64_t lf_quantize_double(double x, int frac, int width)
{
	double lo = -ldexp(1.0, width - 1);
	double hi = ldexp(1.0, width - 1) - 1.0;
	double v;

	if (isnan(x))
		return 0;
	v = round(ldexp(x, frac));
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return (int64_t)v;
}

static inline double lf_dequantize_int(int64_t v, int frac)
{
	return ldexp((double)v, -frac);
}

#endif /* LF_FLOAT_H */
