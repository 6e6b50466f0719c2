/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * lf_fixed.h - LiteFlow's fixed-point helpers.
 *
 * The one source of fixed-point arithmetic for snapshots: the generated C
 * includes it, and the same file is built into kernel modules and into the
 * userspace twin (`lfc run`), so both compute the same integers.
 *
 * Conventions: a value with F fractional bits stores round(x * 2^F).
 * Intermediate arithmetic is 64-bit. Rounding is to nearest with ties
 * towards +infinity (add half, arithmetic shift). Every narrowing saturates.
 * No floating point, no division but lf_div_round() (a kernel-safe helper),
 * no allocation.
 */
#ifndef LF_FIXED_H
#define LF_FIXED_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/math64.h>
typedef s8 lf_s8;
typedef s16 lf_s16;
typedef s32 lf_s32;
typedef s64 lf_s64;
typedef u64 lf_u64;
#else
#include <stdint.h>
typedef int8_t lf_s8;
typedef int16_t lf_s16;
typedef int32_t lf_s32;
typedef int64_t lf_s64;
typedef uint64_t lf_u64;
#endif

#define LF_S64_MAX ((lf_s64)(~(lf_u64)0 >> 1))
#define LF_S64_MIN (-LF_S64_MAX - 1)

/**
 * lf_sat() - clamp @v to [@lo, @hi].
 */
static inline lf_s64 lf_sat(lf_s64 v, lf_s64 lo, lf_s64 hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

/**
 * lf_shift_round() - v / 2^s rounded to nearest (ties up) for s > 0,
 * v * 2^-s saturated to 64 bits for s <= 0.
 */
static inline lf_s64 lf_shift_round(lf_s64 v, int s)
{
	if (s > 0) {
		lf_s64 half;

		if (s > 62)
			return 0;
		half = (lf_s64)1 << (s - 1);
		if (v > LF_S64_MAX - half)
			return LF_S64_MAX >> s;
		return (v + half) >> s;
	}
	if (s < 0) {
		int l = -s;

		if (l > 62)
			return v > 0 ? LF_S64_MAX : (v < 0 ? LF_S64_MIN : 0);
		if (v > (LF_S64_MAX >> l))
			return LF_S64_MAX;
		if (v < (LF_S64_MIN >> l))
			return LF_S64_MIN;
		return (lf_s64)((lf_u64)v << l);
	}
	return v;
}

/**
 * lf_requant() - move @v by @s fractional bits (see lf_shift_round()) and
 * saturate into [@lo, @hi].
 */
static inline lf_s64 lf_requant(lf_s64 v, int s, lf_s64 lo, lf_s64 hi)
{
	return lf_sat(lf_shift_round(v, s), lo, hi);
}

/**
 * lf_div_round() - @num / @den rounded to nearest (ties away from zero);
 * saturates on division by zero.
 */
static inline lf_s64 lf_div_round(lf_s64 num, lf_s64 den)
{
	lf_s64 q, r;

	if (den == 0)
		return num < 0 ? LF_S64_MIN : LF_S64_MAX;
	if (den < 0) {
		if (den == LF_S64_MIN || num == LF_S64_MIN)
			return 0;
		num = -num;
		den = -den;
	}
#ifdef __KERNEL__
	q = div64_s64(num, den);
#else
	q = num / den;
#endif
	r = num - q * den;
	if (r < 0 ? -r >= den - (-r) : r >= den - r)
		q += r < 0 ? -1 : 1;
	return q;
}

/**
 * lf_mul_sat() - @a * @b saturated to 64 bits.
 */
static inline lf_s64 lf_mul_sat(lf_s64 a, lf_s64 b)
{
	lf_s64 r;

	if (__builtin_mul_overflow(a, b, &r))
		return (a < 0) != (b < 0) ? LF_S64_MIN : LF_S64_MAX;
	return r;
}

/**
 * struct lf_lut - a tabulated function (see lf.lut in the lf dialect)
 * @table: knot values in the output format
 * @n: number of knots (>= 2)
 * @start: input integer of the first knot
 * @shift: log2 of the knot spacing in input units
 * @linear: 1 to interpolate linearly, 0 for the nearest knot
 * @symmetry: 0 none, 1 odd (f(-x) = -f(x)), 2 complement (f(-x) = c - f(x))
 * @sym_const: c of the complement symmetry, output format
 * @slope_below: slope left of the table, Q@slope_frac output units per input unit
 * @slope_above: slope right of the table
 * @slope_frac: fractional bits of the slopes
 */
struct lf_lut {
	const lf_s32 *table;
	lf_s32 n;
	lf_s32 shift;
	lf_s64 start;
	lf_s32 linear;
	lf_s32 symmetry;
	lf_s64 sym_const;
	lf_s64 slope_below;
	lf_s64 slope_above;
	lf_s32 slope_frac;
};

static inline lf_s64 lf_lut_half(const struct lf_lut *t, lf_s64 x)
{
	lf_s64 end = t->start + ((lf_s64)(t->n - 1) << t->shift);
	lf_s64 dx, idx, frac, lo, d;
	int s = t->shift;

	if (x <= t->start) {
		dx = x - t->start;
		return t->table[0] + lf_shift_round(lf_mul_sat(dx, t->slope_below),
						    t->slope_frac);
	}
	if (x >= end) {
		dx = x - end;
		return t->table[t->n - 1] +
		       lf_shift_round(lf_mul_sat(dx, t->slope_above),
				      t->slope_frac);
	}
	dx = x - t->start;
	if (!t->linear)
		return t->table[lf_shift_round(dx, s)];
	idx = dx >> s;
	frac = dx & (((lf_s64)1 << s) - 1);
	if (s > 30) {
		frac >>= s - 30;
		s = 30;
	}
	lo = t->table[idx];
	d = (lf_s64)t->table[idx + 1] - lo;
	return lo + lf_shift_round(d * frac, s);
}

/**
 * lf_lut_eval() - evaluate a table at input integer @x (output format).
 */
static inline lf_s64 lf_lut_eval(const struct lf_lut *t, lf_s64 x)
{
	lf_s64 y;

	if (t->symmetry == 0 || x >= 0)
		return lf_lut_half(t, x);
	y = lf_lut_half(t, x == LF_S64_MIN ? LF_S64_MAX : -x);
	return t->symmetry == 1 ? -y : t->sym_const - y;
}

/**
 * lf_fc_w32() - fully connected layer with 32-bit weights.
 * @x: m x k inputs; @w: n x k weights; @bias: n accumulator biases;
 * @shift: n right shifts from the accumulator to the output format;
 * @lo, @hi: output saturation bounds; @y: m x n outputs.
 */
static inline void lf_fc_w32(const lf_s32 *x, int m, int k, int n,
			     const lf_s32 *w, const lf_s64 *bias,
			     const lf_s8 *shift, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
	int r, o, i;

	for (r = 0; r < m; r++) {
		const lf_s32 *xr = x + r * k;

		for (o = 0; o < n; o++) {
			const lf_s32 *wo = w + o * k;
			lf_s64 acc = bias[o];

			for (i = 0; i < k; i++)
				acc += (lf_s64)xr[i] * wo[i];
			y[r * n + o] = (lf_s32)lf_requant(acc, shift[o], lo, hi);
		}
	}
}

/**
 * lf_fc_w16() - fully connected layer with 16-bit weights (see lf_fc_w32()).
 */
static inline void lf_fc_w16(const lf_s32 *x, int m, int k, int n,
			     const lf_s16 *w, const lf_s64 *bias,
			     const lf_s8 *shift, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
	int r, o, i;

	for (r = 0; r < m; r++) {
		const lf_s32 *xr = x + r * k;

		for (o = 0; o < n; o++) {
			const lf_s16 *wo = w + o * k;
			lf_s64 acc = bias[o];

			for (i = 0; i < k; i++)
				acc += (lf_s64)xr[i] * wo[i];
			y[r * n + o] = (lf_s32)lf_requant(acc, shift[o], lo, hi);
		}
	}
}

/**
 * lf_fc_w8() - fully connected layer with 8-bit weights (see lf_fc_w32()).
 */
static inline void lf_fc_w8(const lf_s32 *x, int m, int k, int n,
			    const lf_s8 *w, const lf_s64 *bias,
			    const lf_s8 *shift, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
	int r, o, i;

	for (r = 0; r < m; r++) {
		const lf_s32 *xr = x + r * k;

		for (o = 0; o < n; o++) {
			const lf_s8 *wo = w + o * k;
			lf_s64 acc = bias[o];

			for (i = 0; i < k; i++)
				acc += (lf_s64)xr[i] * wo[i];
			y[r * n + o] = (lf_s32)lf_requant(acc, shift[o], lo, hi);
		}
	}
}

/**
 * lf_matmul() - batched product of two run-time matrices: @a is
 * batch x m x k, @b batch x k x n, @y batch x m x n; products are summed
 * at frac(a) + frac(b) and moved by @shift into the output format.
 */
static inline void lf_matmul(const lf_s32 *a, const lf_s32 *b, int batch,
			     int m, int k, int n, int shift, lf_s64 lo,
			     lf_s64 hi, lf_s32 *y)
{
	int p, r, c, i;

	for (p = 0; p < batch; p++)
		for (r = 0; r < m; r++)
			for (c = 0; c < n; c++) {
				lf_s64 acc = 0;

				for (i = 0; i < k; i++)
					acc += (lf_s64)a[(p * m + r) * k + i] *
					       b[(p * k + i) * n + c];
				y[(p * m + r) * n + c] =
					(lf_s32)lf_requant(acc, shift, lo, hi);
			}
}

/*
 * Elementwise binary operations on one pair of values. Operands are first
 * brought to a common format by left shifts @la and @lb (0..31), then
 * combined; @s moves the result into the output format.  A negative @la or
 * @lb (down to -62) is a rounded right pre-shift: lfc emits one when the
 * operands' fractional bits differ by more than 31, so that the coarser
 * operand is never shifted left by more than 31 bits (no saturation of
 * 32-bit operands) and the finer one loses its lowest bits instead.
 */
static inline lf_s64 lf_add(lf_s64 a, int la, lf_s64 b, int lb, int s,
			    lf_s64 lo, lf_s64 hi)
{
	return lf_requant(lf_shift_round(a, -la) + lf_shift_round(b, -lb), s,
			  lo, hi);
}

static inline lf_s64 lf_sub(lf_s64 a, int la, lf_s64 b, int lb, int s,
			    lf_s64 lo, lf_s64 hi)
{
	return lf_requant(lf_shift_round(a, -la) - lf_shift_round(b, -lb), s,
			  lo, hi);
}

/* The product has frac(a) + frac(b) bits; @s moves it to the output. */
static inline lf_s64 lf_mul(lf_s64 a, lf_s64 b, int s, lf_s64 lo, lf_s64 hi)
{
	return lf_requant(lf_mul_sat(a, b), s, lo, hi);
}

/*
 * a / b: @a is moved by @s (negative: left) first, so that the quotient has
 * the output's fractional bits.
 */
static inline lf_s64 lf_div(lf_s64 a, lf_s64 b, int s, lf_s64 lo, lf_s64 hi)
{
	return lf_sat(lf_div_round(lf_shift_round(a, s), b), lo, hi);
}

#endif /* LF_FIXED_H */
