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
#include <linux/errno.h>
#include <linux/stddef.h>
#include <linux/math64.h>
typedef s8 lf_s8;
typedef s16 lf_s16;
typedef s32 lf_s32;
typedef s64 lf_s64;
typedef u32 lf_u32;
typedef u64 lf_u64;
#else
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
typedef int8_t lf_s8;
typedef int16_t lf_s16;
typedef int32_t lf_s32;
typedef int64_t lf_s64;
typedef uint32_t lf_u32;
typedef uint64_t lf_u64;
#endif

#define LF_S64_MAX ((lf_s64)(~(lf_u64)0 >> 1))

/*
 * A local written before it is read: exempt from the kernel's
 * -ftrivial-auto-var-init=zero, which would clear it on every query and
 * keep each one in its own stack slot (the AVX2 object's frame grew to
 * three times the scalar one's).
 */
#if defined(__has_attribute)
#if __has_attribute(uninitialized)
#define LF_NOINIT __attribute__((uninitialized))
#endif
#endif
#ifndef LF_NOINIT
#define LF_NOINIT
#endif
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

/* a + b and a - b modulo 2^64 (the kernel's wrapping, defined in C). */
static inline lf_s64 lf_add_wrap(lf_s64 a, lf_s64 b)
{
	return (lf_s64)((lf_u64)a + (lf_u64)b);
}

static inline lf_s64 lf_sub_wrap(lf_s64 a, lf_s64 b)
{
	return (lf_s64)((lf_u64)a - (lf_u64)b);
}

static inline lf_s64 lf_lut_half(const struct lf_lut *t, lf_s64 x)
{
	lf_s64 end = lf_add_wrap(t->start, (lf_s64)(t->n - 1) << t->shift);
	lf_s64 dx, idx, frac, lo, d;
	int s = t->shift;

	if (x <= t->start) {
		dx = lf_sub_wrap(x, t->start);
		return lf_add_wrap(t->table[0],
				   lf_shift_round(lf_mul_sat(dx, t->slope_below),
						  t->slope_frac));
	}
	if (x >= end) {
		dx = lf_sub_wrap(x, end);
		return lf_add_wrap(t->table[t->n - 1],
				   lf_shift_round(lf_mul_sat(dx, t->slope_above),
						  t->slope_frac));
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
	return lf_sub_wrap(t->symmetry == 1 ? 0 : t->sym_const, y);
}

/**
 * lf_lut_s32_scalar() - y[i] = lf_sat(lf_lut_eval(@t, x[i]), @lo, @hi) for
 * i in 0..@n-1, portable C (see lf_lut_s32() below, which dispatches to a
 * SIMD variant when built).  @y may be @x (not a partial overlap).
 *
 * The common case is lf_lut_eval()'s arithmetic specialised: a linear
 * table with shift 0..30 and start < |x| < end (x as a 32-bit input cannot
 * make -x overflow, and lf_shift_round() of d * frac, |.| < 2^62, is
 * (v + half) >> s); every other element goes through lf_lut_eval().
 */
static inline void lf_lut_s32_scalar(const struct lf_lut *t, const lf_s32 *x,
				     int n, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
	const lf_s32 *tab = t->table;
	lf_s64 start = t->start, end, c, half;
	int s = t->shift, sym = t->symmetry, i;

	if (!t->linear || s < 0 || s > 30 || t->n < 2) {
		for (i = 0; i < n; i++)
			y[i] = (lf_s32)lf_sat(lf_lut_eval(t, x[i]), lo, hi);
		return;
	}
	end = lf_add_wrap(start, (lf_s64)(t->n - 1) << s);
	c = sym == 1 ? 0 : t->sym_const;
	half = ((lf_s64)1 << s) >> 1;
	for (i = 0; i < n; i++) {
		lf_s64 xi = x[i], xa, dx, t0, v;
		int neg = sym && xi < 0;

		xa = neg ? -xi : xi;
		if (xa <= start || xa >= end) {
			y[i] = (lf_s32)lf_sat(lf_lut_eval(t, xi), lo, hi);
			continue;
		}
		dx = xa - start;
		t0 = tab[dx >> s];
		v = t0 + ((((lf_s64)tab[(dx >> s) + 1] - t0) *
				   (dx & (((lf_s64)1 << s) - 1)) +
			   half) >> s);
		if (neg)
			v = lf_sub_wrap(c, v);
		y[i] = (lf_s32)lf_sat(v, lo, hi);
	}
}

/*
 * lf_fc_wN_scalar() - fully connected layer with N-bit weights, portable C
 * (lf_fc_w32() and lf_fc_w16() below dispatch to SIMD variants when built):
 * @x: m x k inputs; @w: n x k weights; @bias: n accumulator biases; @shift:
 * n right shifts from the accumulator to the output format; @lo, @hi: output
 * saturation bounds; @y: m x n outputs.
 */
#define LF_DEFINE_FC_SCALAR(name, wtype)                                      \
	static inline void name(const lf_s32 *x, int m, int k, int n,         \
				const wtype *w, const lf_s64 *bias,           \
				const lf_s8 *shift, lf_s64 lo, lf_s64 hi,     \
				lf_s32 *y)                                    \
	{                                                                     \
		int r, o, i;                                                  \
									      \
		for (r = 0; r < m; r++) {                                     \
			const lf_s32 *xr = x + r * k;                         \
									      \
			for (o = 0; o < n; o++) {                             \
				const wtype *wo = w + o * k;                  \
				lf_s64 acc = bias[o];                         \
									      \
				_Pragma("GCC unroll 16")                      \
				for (i = 0; i < k; i++)                       \
					acc += (lf_s64)xr[i] * wo[i];         \
				y[r * n + o] = (lf_s32)lf_requant(acc,        \
						shift[o], lo, hi);            \
			}                                                     \
		}                                                             \
	}

LF_DEFINE_FC_SCALAR(lf_fc_w32_scalar, lf_s32)
LF_DEFINE_FC_SCALAR(lf_fc_w16_scalar, lf_s16)
LF_DEFINE_FC_SCALAR(lf_fc_w8_scalar, lf_s8)

/*
 * 16-bit layers with a 32-bit accumulator (lf.fc with acc_bits = 32, lfc
 * --bits 16), optionally followed by a table (lf.lut fused, struct
 * lf_lut16).
 *
 * @x: m x k inputs, each saturated to 16 bits first; @r: the pair shift
 * (ceil(log2(ceil(k / 2))) + 1, a constant of the code); @w: the weights
 * pre-interleaved for vpmaddwd: for each block of 8 outputs (n padded with
 * zero rows to n8 = 8 * ceil(n / 8)) and each pair of inputs (k padded to
 * an even kp2 = 2 * ceil(k / 2)), the 8 pairs {w[o][2i], w[o][2i + 1]}:
 * w[o][i] is at LF_Q16_WIDX(kp2, o, i); @bias: n8 accumulator starts (the
 * bias plus the rounding half 2^(shift - 1)); @shift: n8 right shifts;
 * @lo, @hi: output bounds (taken within 32 bits); @t: NULL, or a table
 * evaluated on each output; @y: m x n outputs.
 *
 * acc = bias[o] + sum over pairs ((x[2i] w[o][2i] + x[2i+1] w[o][2i+1])
 * >> r), each pair term and the sum modulo 2^32; y = min(max(acc >>
 * min((u32)shift, 31), lo), hi), then lf_lut16_eval() when @t.  For a blob
 * lf_fc_q16_valid() accepts nothing wraps: a pair is below 2^31 in
 * magnitude (no weight is -2^15), the ceil(k / 2) floored pairs stay within
 * 2^30 and |bias| < 2^30.  Any blob gives the same integers in every
 * variant (sums modulo 2^32 are order independent).
 */
#define LF_Q16_WIDX(kp2, o, i)                                              \
	((((o) >> 3) * ((kp2) >> 1) + ((i) >> 1)) * 16 + ((o) & 7) * 2 + ((i) & 1))

/**
 * struct lf_lut16 - a linear table with zero slopes on 16-bit values, as
 * lf_fc_q16() applies it (the same integers as lf_sat(lf_lut_eval()) of
 * the lf.lut it comes from, for a blob lf_lut16_valid() accepts)
 * @table: n + 1 knot values (the last repeats table[n - 1])
 * @span: (n - 1) << shift
 * @shift: log2 of the knot spacing, 0..15
 * @start: input of the first knot
 * @sym: -1 under a symmetry (f(-x) = c - f(x)), else 0
 * @c: 0 (odd symmetry or none) or sym_const (complement symmetry)
 * @lo, @hi: output bounds
 */
struct lf_lut16 {
	const lf_s32 *table;
	lf_s32 span;
	lf_s32 shift;
	lf_s32 start;
	lf_s32 sym;
	lf_s32 c;
	lf_s32 lo;
	lf_s32 hi;
};

/* Branch-free: |x| under the symmetry, the index clamped into the table. */
static inline lf_s32 lf_lut16_eval(const struct lf_lut16 *t, lf_s32 x)
{
	lf_s32 neg = (x >> 31) & t->sym, s = t->shift, i, f, t0, d, y;
	/* Modulo 2^32 (no signed overflow on any blob or input). */
	lf_s32 dx = (lf_s32)((((lf_u32)x ^ neg) - neg) - (lf_u32)t->start);

	dx = dx < 0 ? 0 : dx;
	dx = dx > t->span ? t->span : dx;
	i = dx >> s;
	f = dx & ((1 << s) - 1);
	t0 = t->table[i];
	d = (lf_s32)((lf_u32)t->table[i + 1] - (lf_u32)t0);
	d = (lf_s32)((lf_u32)d * (lf_u32)f + (lf_u32)((1 << s) >> 1));
	y = (lf_s32)((lf_u32)t0 + (lf_u32)(d >> s));
	y = (lf_s32)((((lf_u32)y ^ neg) - neg) + (lf_u32)(t->c & neg));
	y = y < t->lo ? t->lo : y;
	return y > t->hi ? t->hi : y;
}

static inline lf_s32 lf_sat32(lf_s64 v)
{
	return (lf_s32)lf_sat(v, -2147483647 - 1, 2147483647);
}

static inline lf_s32 lf_q16_out(lf_u32 acc, lf_s32 s, lf_s32 lo, lf_s32 hi)
{
	lf_s32 v = (lf_s32)acc >> ((lf_u32)s > 31 ? 31 : s);

	v = v < lo ? lo : v;
	return v > hi ? hi : v;
}

/* x saturated to 16 bits is packed in chunks of LF_Q16_KC inputs. */
#define LF_Q16_KC 64

/* The pair terms of one output over @kc packed inputs (weights of @wo). */
static inline __attribute__((always_inline)) lf_u32
lf_q16_dot(const lf_s16 *xs, const lf_s16 *wo, int kc, int r, lf_u32 acc)
{
	int i;

#pragma GCC unroll 32
	for (i = 0; i < kc; i += 2) {
		lf_u32 pr = (lf_u32)(xs[i] * wo[i * 8]) +
			    (lf_u32)(xs[i + 1] * wo[i * 8 + 1]);

		acc += (lf_u32)((lf_s32)pr >> r);
	}
	return acc;
}

/* @kc (<= LF_Q16_KC) inputs @x saturated to 16 bits into @xs, and a zero. */
#define LF_DEFINE_Q16_PACK(name, type)                                       \
	static inline __attribute__((always_inline)) void                    \
	name(const lf_s32 *x, int kc, type *xs)                              \
	{                                                                    \
		int i;                                                       \
									     \
		_Pragma("GCC unroll 16")                                     \
		for (i = 0; i < kc; i++) {                                   \
			lf_s32 v = x[i];                                     \
									     \
			v = v < -32768 ? -32768 : v;                         \
			xs[i] = (type)(v > 32767 ? 32767 : v);               \
		}                                                            \
		xs[kc] = 0;                                                  \
	}

LF_DEFINE_Q16_PACK(lf_q16_pack_scalar, lf_s16)
/* 64-bit lanes for the SWAR code: the multiplier's operand as it is. */
LF_DEFINE_Q16_PACK(lf_q16_pack_swar, lf_s64)

static inline void lf_fc_q16_scalar(const lf_s32 *x, int m, int k, int n,
				    int r, const lf_s16 *w, const lf_s32 *bias,
				    const lf_s32 *shift, lf_s64 lo, lf_s64 hi,
				    const struct lf_lut16 *t, lf_s32 *y)
{
	lf_s32 lo32 = lf_sat32(lo), hi32 = lf_sat32(hi);
	lf_s16 xs[LF_Q16_KC + 2] LF_NOINIT;
	int kp2 = (k + 1) & ~1, row, o, c, kc;

	for (row = 0; row < m; row++) {
		const lf_s32 *xr = x + row * k;
		lf_s32 *yr = y + row * n;

		for (c = 0; c < k; c += LF_Q16_KC) {
			/* k itself (a constant) when one chunk holds it. */
			kc = k <= LF_Q16_KC ? k :
			     (k - c < LF_Q16_KC ? k - c : LF_Q16_KC);
			lf_q16_pack_scalar(xr + c, kc, xs);
			for (o = 0; o < n; o++)
				yr[o] = (lf_s32)lf_q16_dot(
					xs, w + LF_Q16_WIDX(kp2, o, c), kc, r,
					c ? (lf_u32)yr[o] : (lf_u32)bias[o]);
		}
		for (o = 0; o < n; o++) {
			yr[o] = lf_q16_out((lf_u32)yr[o], shift[o], lo32, hi32);
			if (t)
				yr[o] = lf_lut16_eval(t, yr[o]);
		}
	}
}

/*
 * lf_fc_q16_swar() - lf_fc_q16_scalar() with two outputs in one 64-bit
 * word (SWAR), the scalar path of lf_fc_q16() (what the kernel runs when
 * the FPU is not usable): the same integers for every blob
 * lf_fc_q16_valid() accepts, with the code's pair shift r =
 * ceil(log2(ceil(k / 2))) + 1 (any other r takes lf_fc_q16_scalar()).
 *
 * @ws: the weights again, for each pair of outputs (n padded to an even
 * n2 = 2 * ceil(n / 2) with zero rows) and each input (k padded to kp2),
 * ws[LF_Q16S_WIDX(kp2, o, i)] = w[o & ~1][i] + 2^32 w[o | 1][i] (64-bit);
 * lf_fc_q16_valid() checks that it holds the weights of @w.
 *
 * Per pair of inputs, P = x[2i] ws[2i] + x[2i+1] ws[2i+1] = p0 + 2^32 p1
 * (mod 2^64) with the pair sums p0, p1 of the two outputs, each within
 * +-(2^31 - 2^16) (16-bit inputs, no weight -2^15).  Adding 2^31 makes the
 * low lane u0 = p0 + 2^31 in [0, 2^32) and leaves p1 in the high lane; an
 * arithmetic shift by r then holds floor(p1 / 2^r) in bits 32..63 and
 * u0 >> r (< 2^(32 - r)) in the bits below 32 - r, which the mask keeps.
 * The low lanes of ceil(k / 2) <= 2^(r - 1) pairs sum below 2^31 (no carry
 * into the high lane); u0 >> r = floor(p0 / 2^r) + 2^(31 - r), and the
 * ceil(k / 2) offsets leave the first accumulator's start.  So one 64-bit
 * multiply-add per input serves two outputs.
 */
#define LF_Q16S_WIDX(kp2, o, i) (((o) >> 1) * (kp2) + (i))

/* The two pair-term sums of one pair of outputs over @kc packed inputs. */
static inline __attribute__((always_inline)) lf_u64
lf_q16_swar_dot(const lf_s64 *xs, const lf_s64 *wj, int kc, int r)
{
	const lf_u64 mask = ~(lf_u64)0xffffffff | ((1u << (32 - r)) - 1);
	lf_u64 acc = 0;
	int i;

	/*
	 * xs read from the stack per use (the operand of a load + imul): no
	 * copies of all of it hoisted out of the loop over outputs.
	 */
	__asm__("" : "+r"(xs));
#pragma GCC unroll 32
	for (i = 0; i < kc; i += 2) {
		lf_u64 p = (lf_u64)(xs[i] * wj[i]) +
			   (lf_u64)(xs[i + 1] * wj[i + 1]) + 0x80000000u;

		acc += (lf_u64)((lf_s64)p >> r) & mask;
	}
	return acc;
}

/*
 * The requantization and fused table of @n accumulators of
 * lf_fc_q16_swar(), in place: shifts in 0..31 (lf_fc_q16_valid()), the
 * table's terms in locals (no reload after each store to @y).
 */
static inline __attribute__((always_inline)) void
lf_q16_finish(lf_s32 *y, int n, const lf_s32 *shift, lf_s32 lo, lf_s32 hi,
	      const struct lf_lut16 *t)
{
	struct lf_lut16 tl = { 0 };
	int o;

	if (t)
		tl = *t;
	for (o = 0; o < n; o++) {
		lf_s32 v = y[o] >> (shift[o] & 31);

		v = v < lo ? lo : v;
		v = v > hi ? hi : v;
		y[o] = t ? lf_lut16_eval(&tl, v) : v;
	}
}

/* Inlined at each call: k, n and r are constants there. */
static inline __attribute__((always_inline)) void lf_fc_q16_swar(const lf_s32 *x, int m, int k, int n,
				  int r, const lf_s16 *w, const lf_s64 *ws,
				  const lf_s32 *bias, const lf_s32 *shift,
				  lf_s64 lo, lf_s64 hi,
				  const struct lf_lut16 *t, lf_s32 *y)
{
	lf_s32 lo32 = lf_sat32(lo), hi32 = lf_sat32(hi);
	lf_s64 xs[LF_Q16_KC + 2] LF_NOINIT;
	int kp2 = (k + 1) & ~1, kp = kp2 >> 1, row, o, c, kc;

	/* Constants of the code: r is the pair shift lfc emits. */
	if (r < 1 || r > 30 || kp > (1 << (r - 1))) {
		lf_fc_q16_scalar(x, m, k, n, r, w, bias, shift, lo, hi, t, y);
		return;
	}
	for (row = 0; row < m; row++) {
		const lf_s32 *xr = x + row * k;
		lf_s32 *yr = y + row * n;

		for (c = 0; c < k; c += LF_Q16_KC) {
			/* k itself (a constant) when one chunk holds it. */
			kc = k <= LF_Q16_KC ? k :
			     (k - c < LF_Q16_KC ? k - c : LF_Q16_KC);
			lf_q16_pack_swar(xr + c, kc, xs);
			for (o = 0; o < n; o += 2) {
				lf_u64 s = lf_q16_swar_dot(
					xs, ws + LF_Q16S_WIDX(kp2, o, c), kc, r);
				lf_u32 a0 = c ? (lf_u32)yr[o] :
					(lf_u32)bias[o] -
					((lf_u32)kp << (31 - r));

				yr[o] = (lf_s32)(a0 + (lf_u32)s);
				if (o + 1 < n)
					yr[o + 1] = (lf_s32)((c ? (lf_u32)yr[o + 1] :
						(lf_u32)bias[o + 1]) +
						(lf_u32)(s >> 32));
			}
		}
		lf_q16_finish(yr, n, shift, lo32, hi32, t);
	}
}

/**
 * lf_fc_q16_valid() - 1 when the parameters of an lf_fc_q16() layer with
 * @k inputs and @n outputs keep its promises for every input (see above):
 * each shift in 0..31, |bias| < 2^30, no weight -2^15 and output bounds
 * lo <= hi within +-2^29 (what a fused table needs), and @ws holding the
 * weights of @w in the SWAR layout (lf_fc_q16_swar()), else 0.  A module
 * checks a pushed blob with it once instead of per query.
 */
static inline int lf_fc_q16_valid(int k, int n, const lf_s16 *w,
				  const lf_s64 *ws, const lf_s32 *bias,
				  const lf_s32 *shift, lf_s64 lo, lf_s64 hi)
{
	int kp2 = (k + 1) & ~1, o, i;

	if (lo < -(1 << 29) || hi > (1 << 29) || lo > hi)
		return 0;
	for (o = 0; o < n; o++) {
		if (shift[o] < 0 || shift[o] > 31 || bias[o] <= -(1 << 30) ||
		    bias[o] >= (1 << 30))
			return 0;
		for (i = 0; i < k; i++) {
			/* w[o][i] + 2^32 w[o + 1][i], the pad row's zeros included */
			lf_u64 pair = (lf_u64)(lf_s64)w[LF_Q16_WIDX(kp2, o & ~1, i)] +
				((lf_u64)(lf_s64)w[LF_Q16_WIDX(kp2, o | 1, i)] << 32);

			if (w[LF_Q16_WIDX(kp2, o, i)] == -32768 ||
			    (lf_u64)ws[LF_Q16S_WIDX(kp2, o, i)] != pair)
				return 0;
		}
	}
	return 1;
}

/**
 * lf_lut16_valid() - 1 when @t (@n knots) meets struct lf_lut16's terms
 * (shift 0..15, span (n - 1) << shift within 2^29, 16-bit knots with the
 * last one repeated, start and c within +-2^29, sym 0 or -1, lo <= hi),
 * else 0.
 */
static inline int lf_lut16_valid(const struct lf_lut16 *t, int n)
{
	int i;

	if (n < 2 || t->shift < 0 || t->shift > 15 ||
	    ((lf_s64)(n - 1) << t->shift) != t->span || t->span > (1 << 29) ||
	    t->start < -(1 << 29) || t->start > (1 << 29) ||
	    (t->sym != 0 && t->sym != -1) || t->c < -(1 << 29) ||
	    t->c > (1 << 29) || t->lo > t->hi || t->table[n] != t->table[n - 1])
		return 0;
	for (i = 0; i < n; i++)
		if (t->table[i] < -32768 || t->table[i] > 32767)
			return 0;
	return 1;
}

/*
 * 32-bit layers laid out for an input broadcast (lfc at 32 bits when every
 * shift is in 1..62 and the rounding cannot overflow, lf_fc_w32b_valid()):
 * the integers of lf_fc_w32_scalar() with
 * @w: for each block of 4 outputs (n padded to n4 = 4 * ceil(n / 4)) and each
 * input, the 4 weights sign-extended to 64 bits (only the low 32 bits are
 * used): w[o][i] at LF_W32B_WIDX(k, o, i); @bias: n4 accumulator biases;
 * @shift: n4 right shifts.  y = lf_requant(acc, shift, lo, hi) for a blob
 * lf_fc_w32b_valid() accepts; lf_w32b_requant() is the formula of the AVX2
 * code for any blob (so every variant gives the same integers).
 */
#define LF_W32B_WIDX(k, o, i) ((((o) >> 2) * (k) + (i)) * 4 + ((o) & 3))

static inline lf_s32 lf_w32b_requant(lf_u64 v, lf_s32 s, lf_s64 lo, lf_s64 hi)
{
	lf_u64 su = (lf_u32)s, half = su - 1 < 64 ? (lf_u64)1 << (su - 1) : 0;
	lf_u64 t = v + half, neg = (lf_s64)t < 0 ? ~(lf_u64)0 : 0;
	lf_s64 r = (lf_s64)((su < 64 ? (t ^ neg) >> su : 0) ^ neg);

	return (lf_s32)(r < lo ? lo : (r > hi ? hi : r));
}

static inline void lf_fc_w32b_scalar(const lf_s32 *x, int m, int k, int n,
				     const lf_s64 *w, const lf_s64 *bias,
				     const lf_s32 *shift, lf_s64 lo, lf_s64 hi,
				     lf_s32 *y)
{
	int r, b, i, j;

	for (r = 0; r < m; r++) {
		const lf_s32 *xr = x + r * k;

		/* A block of 4 outputs at a time: x[i] loaded once. */
		for (b = 0; b < n; b += 4) {
			const lf_s64 *wb = w + LF_W32B_WIDX(k, b, 0);
			lf_u64 acc[4];

#pragma GCC unroll 4
			for (j = 0; j < 4; j++)
				acc[j] = (lf_u64)bias[b + j];
#pragma GCC unroll 8
			for (i = 0; i < k; i++) {
				lf_s64 xi = xr[i];

#pragma GCC unroll 4
				for (j = 0; j < 4; j++)
					acc[j] += (lf_u64)(xi *
						(lf_s32)wb[i * 4 + j]);
			}
			for (j = 0; j < 4 && b + j < n; j++)
				y[r * n + b + j] = lf_w32b_requant(
					acc[j], shift[b + j], lo, hi);
		}
	}
}

/**
 * lf_fc_w32b_valid() - 1 when an lf_fc_w32b() layer's parameters keep the
 * promises of its code: weights within 32 bits, shifts in 1..62 and
 * |bias| + 2^31 * sum |w| + 2^(shift - 1) < 2^63 per output (no overflow of
 * the accumulator or of its rounding), else 0.
 */
static inline int lf_fc_w32b_valid(int k, int n, const lf_s64 *w,
				   const lf_s64 *bias, const lf_s32 *shift)
{
	int o, i;

	for (o = 0; o < n; o++) {
		lf_u64 sum = 0, b = bias[o] < 0 ? -(lf_u64)bias[o] : (lf_u64)bias[o];
		lf_u64 half, rest;

		if (shift[o] < 1 || shift[o] > 62 || bias[o] == LF_S64_MIN)
			return 0;
		half = (lf_u64)1 << (shift[o] - 1);
		for (i = 0; i < k; i++) {
			lf_s64 v = w[LF_W32B_WIDX(k, o, i)];

			if (v < -2147483647 - 1 || v > 2147483647)
				return 0;
			sum += v < 0 ? -(lf_u64)v : (lf_u64)v;
		}
		if (sum >= ((lf_u64)1 << 32))
			return 0;
		rest = ((lf_u64)1 << 63) - (sum << 31);
		if (rest <= half || b >= rest - half)
			return 0;
	}
	return 1;
}

/*
 * SIMD variants of the fully connected layers (x86-64 AVX2).
 *
 * They compute exactly the integers of the scalar helpers above: every
 * product x[i] * w[o][i] is formed exactly in 64 bits (vpmuldq, signed
 * 32 x 32 -> 64), and the accumulator is a sum of those products and the
 * bias taken in another order.  Integer addition is associative and
 * commutative (the quantizer proves that the 64-bit accumulator does not
 * overflow; even if it did, two's-complement wrap-around is order
 * independent), and the requantization is the same scalar lf_requant().
 *
 * Where they are built:
 *  - kernel: only in a translation unit compiled with -mavx2 (the package's
 *    NAME_avx2.o, see its Kbuild), which the module glue calls between
 *    kernel_fpu_begin() and kernel_fpu_end() when the CPU has AVX2 and
 *    irq_fpu_usable(); every other translation unit stays scalar.
 *  - userspace (the twin, tests, benchmarks): functions with
 *    __attribute__((target("avx2"))) chosen at run time with
 *    __builtin_cpu_supports("avx2"), or unconditionally under -mavx2.
 * Define LF_NO_SIMD to build the scalar code only.  No <immintrin.h> (it is
 * not available to kernel code): GCC vector extensions and the x86
 * builtins the intrinsics are made of (GCC >= 12 or clang, for
 * __builtin_shufflevector).
 */
#if !defined(LF_NO_SIMD) && defined(__x86_64__) &&                    \
	(defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)) &&   \
	(defined(__AVX2__) || !defined(__KERNEL__))
#define LF_SIMD_AVX2 1
#endif

#ifdef LF_SIMD_AVX2
#ifdef __AVX2__
#define LF_AVX2_FN static inline
#define lf_avx2_usable() 1
#else
#define LF_AVX2_FN static inline __attribute__((target("avx2")))
#define lf_avx2_usable() __builtin_cpu_supports("avx2")
/*
 * AVX2 chosen at run time: a generated lf_NAME_infer() starts with
 * "if (lf_avx2_usable()) return lf_NAME_infer_avx2rt(...)", a second copy
 * of the inference that calls the *_avx2 helpers directly; flatten inlines
 * them there with their constant sizes.
 */
#define LF_AVX2_DISPATCH 1
#define LF_AVX2_INFER static __attribute__((target("avx2"), flatten))
#endif
#endif

/*
 * The attributes of a generated lf_NAME_infer(): under -mavx2 (the kernel's
 * NAME_avx2.o) the helpers are inlined with their constant sizes.
 */
#if defined(LF_SIMD_AVX2) && defined(__AVX2__)
#define LF_INFER_ATTR __attribute__((flatten))
#else
#define LF_INFER_ATTR
#endif

#ifdef LF_SIMD_AVX2

typedef int lf_v8si __attribute__((vector_size(32)));
typedef unsigned int lf_v8su __attribute__((vector_size(32)));
typedef unsigned int lf_v4su __attribute__((vector_size(16)));
typedef char lf_v32qi __attribute__((vector_size(32)));
typedef long long lf_v4di __attribute__((vector_size(32)));
typedef unsigned long long lf_v4du __attribute__((vector_size(32)));
/* Unaligned, aliasing views for loads. */
typedef int lf_v8si_u __attribute__((vector_size(32), aligned(1), may_alias));
typedef long long lf_v4di_u
	__attribute__((vector_size(32), aligned(1), may_alias));
typedef short lf_v8hi_u __attribute__((vector_size(16), aligned(1), may_alias));
typedef short lf_v8hi __attribute__((vector_size(16)));
typedef int lf_v4si __attribute__((vector_size(16)));
typedef int lf_v4si_u __attribute__((vector_size(16), aligned(1), may_alias));
typedef char lf_v16qi __attribute__((vector_size(16)));
typedef lf_s32 lf_s32_u __attribute__((aligned(1), may_alias));
typedef signed char lf_v4qi_u
	__attribute__((vector_size(4), aligned(1), may_alias));

/* x[0..7] * w[0..7] summed pairwise into four exact 64-bit lanes. */
#define LF_AVX2_MAC8(acc, xv, wv)                                          \
	do {                                                               \
		lf_v8si xo_ = (lf_v8si)((lf_v4du)(xv) >> 32);              \
		lf_v8si wo_ = (lf_v8si)((lf_v4du)(wv) >> 32);              \
		(acc) += __builtin_ia32_pmuldq256((xv), (wv)) +            \
			 __builtin_ia32_pmuldq256(xo_, wo_);               \
	} while (0)

/* Lanes [0, rem) set: a mask for vpmaskmovd (rem in 0..8). */
#define LF_AVX2_TAIL_MASK(rem)                                             \
	({                                                                 \
		lf_v8si idx_ = { 0, 1, 2, 3, 4, 5, 6, 7 };                 \
		lf_v8si r_ = { (rem), (rem), (rem), (rem),                 \
			       (rem), (rem), (rem), (rem) };               \
		(lf_v8si)(idx_ < r_);                                      \
	})

/*
 * Weight loads: 8 consecutive weights of a row as 32-bit lanes, and the
 * masked tail of a row (no access beyond the row's last weight).
 */
#define LF_AVX2_LOADW_w32(p) (*(const lf_v8si_u *)(p))
#define LF_AVX2_LOADW_w16(p)                                               \
	__builtin_convertvector(*(const lf_v8hi_u *)(p), lf_v8si)
#define LF_AVX2_TAILW_w32(p, rem, mask)                                    \
	__builtin_ia32_maskloadd256((const lf_v8si *)(p), (mask))
#define LF_AVX2_TAILW_w16(p, rem, mask)                                    \
	({                                                                 \
		lf_v8hi t_ = { 0, 0, 0, 0, 0, 0, 0, 0 };                   \
		int j_;                                                    \
		for (j_ = 0; j_ < (rem); j_++)                             \
			t_[j_] = (p)[j_];                                  \
		__builtin_convertvector(t_, lf_v8si);                      \
	})

/*
 * lf_requant() of four accumulators into y[0..3] when every shift is in
 * 1..62 and no v + half overflows (the usual case); returns 0, leaving y
 * alone, otherwise (the caller then uses the scalar lf_requant()).  The
 * arithmetic right shift is ~(~t >> s) for negative t (AVX2 has no vpsravq).
 */
LF_AVX2_FN int lf_avx2_requant4(lf_v4di v, const lf_s8 *shift, lf_v4di lo,
				lf_v4di hi, lf_s32 *y)
{
	const lf_v4di one = { 1, 1, 1, 1 }, zero = { 0, 0, 0, 0 };
	const lf_v4di smax = { LF_S64_MAX, LF_S64_MAX, LF_S64_MAX, LF_S64_MAX };
	const lf_v4di big = { 62, 62, 62, 62 };
#ifdef __clang__
	lf_v4di s = __builtin_convertvector(*(const lf_v4qi_u *)shift, lf_v4di);
#else
	/* One 32-bit load of the four shifts and vpmovsxbq. */
	lf_v4si s4 = { *(const lf_s32_u *)shift, 0, 0, 0 };
	lf_v4di s = __builtin_ia32_pmovsxbq256((lf_v16qi)s4);
#endif
	lf_v4di half = (lf_v4di)((lf_v4du)one << (lf_v4du)(s - one));
	lf_v4di bad = (lf_v4di)(s <= zero) | (lf_v4di)(s > big) |
		      (lf_v4di)(v > smax - half);
	lf_v4di t, neg, r, m;
	lf_v4si q;

	if (!__builtin_ia32_ptestz256(bad, bad))
		return 0;
	t = v + half;
	neg = (lf_v4di)(t < zero);
	r = (lf_v4di)((lf_v4du)(t ^ neg) >> (lf_v4du)s) ^ neg;
	m = (lf_v4di)(r < lo);
	r = (r & ~m) | (lo & m);
	m = (lf_v4di)(r > hi);
	r = (r & ~m) | (hi & m);
	q = __builtin_shufflevector((lf_v8si)r, (lf_v8si)r, 0, 2, 4, 6);
	*(lf_v4si_u *)y = q;
	return 1;
}

/*
 * The body shared by the weight widths: blocks of four outputs, eight
 * inputs at a time; the four accumulators are reduced together.
 */
#define LF_AVX2_FC_BODY(WT, TAG)                                                \
	int r, o, i, j;                                                    \
	int kk = k & ~7, rem = k & 7;                                      \
	lf_v8si mask = LF_AVX2_TAIL_MASK(rem);                             \
	lf_s64 s[4];                                                       \
	lf_v4di lov = { lo, lo, lo, lo }, hiv = { hi, hi, hi, hi };        \
                                                                           \
	for (r = 0; r < m; r++) {                                          \
		const lf_s32 *xr = x + (long)r * k;                        \
		lf_v8si xt = __builtin_ia32_maskloadd256(                  \
			(const lf_v8si *)(xr + kk), mask);                 \
                                                                           \
		for (o = 0; o + 4 <= n; o += 4) {                          \
			const WT *w0 = w + (long)o * k;                    \
			lf_v4di a0 = { 0, 0, 0, 0 }, a1 = a0, a2 = a0,     \
				a3 = a0, t0, t1, sum;                      \
                                                                           \
			for (i = 0; i < kk; i += 8) {                      \
				lf_v8si xv = *(const lf_v8si_u *)(xr + i); \
                                                                           \
				LF_AVX2_MAC8(a0, xv,                       \
					     LF_AVX2_LOADW_##TAG(w0 + i));  \
				LF_AVX2_MAC8(a1, xv,                       \
					     LF_AVX2_LOADW_##TAG(w0 + k + i)); \
				LF_AVX2_MAC8(a2, xv,                       \
					     LF_AVX2_LOADW_##TAG(w0 + 2 * k + i)); \
				LF_AVX2_MAC8(a3, xv,                       \
					     LF_AVX2_LOADW_##TAG(w0 + 3 * k + i)); \
			}                                                  \
			if (rem) {                                         \
				LF_AVX2_MAC8(a0, xt, LF_AVX2_TAILW_##TAG(   \
					w0 + kk, rem, mask));              \
				LF_AVX2_MAC8(a1, xt, LF_AVX2_TAILW_##TAG(   \
					w0 + k + kk, rem, mask));          \
				LF_AVX2_MAC8(a2, xt, LF_AVX2_TAILW_##TAG(   \
					w0 + 2 * k + kk, rem, mask));      \
				LF_AVX2_MAC8(a3, xt, LF_AVX2_TAILW_##TAG(   \
					w0 + 3 * k + kk, rem, mask));      \
			}                                                  \
			/* [a0 a1 a2 a3] lane sums, plus the biases. */    \
			t0 = __builtin_shufflevector(a0, a1, 0, 4, 2, 6) + \
			     __builtin_shufflevector(a0, a1, 1, 5, 3, 7);  \
			t1 = __builtin_shufflevector(a2, a3, 0, 4, 2, 6) + \
			     __builtin_shufflevector(a2, a3, 1, 5, 3, 7);  \
			sum = __builtin_shufflevector(t0, t1, 0, 1, 4, 5) + \
			      __builtin_shufflevector(t0, t1, 2, 3, 6, 7) + \
			      *(const lf_v4di_u *)(bias + o);              \
			if (!lf_avx2_requant4(sum, shift + o, lov, hiv,    \
					      y + r * n + o)) {            \
				for (j = 0; j < 4; j++)                    \
					s[j] = sum[j];                     \
				for (j = 0; j < 4; j++)                    \
					y[r * n + o + j] =                 \
						(lf_s32)lf_requant(        \
							s[j],              \
							shift[o + j], lo,  \
							hi);               \
			}                                                  \
		}                                                          \
		for (o = n & ~3; o < n; o++) {                             \
			const WT *wo = w + (long)o * k;                    \
			lf_v4di a = { 0, 0, 0, 0 };                        \
                                                                           \
			for (i = 0; i < kk; i += 8)                        \
				LF_AVX2_MAC8(a,                            \
					     *(const lf_v8si_u *)(xr + i), \
					     LF_AVX2_LOADW_##TAG(wo + i));  \
			if (rem)                                           \
				LF_AVX2_MAC8(a, xt, LF_AVX2_TAILW_##TAG(    \
					wo + kk, rem, mask));              \
			y[r * n + o] = (lf_s32)lf_requant(                 \
				bias[o] + a[0] + a[1] + a[2] + a[3],       \
				shift[o], lo, hi);                         \
		}                                                          \
	}

/**
 * lf_fc_w32_avx2() - lf_fc_w32_scalar() with AVX2 (same integers).
 */
LF_AVX2_FN void lf_fc_w32_avx2(const lf_s32 *x, int m, int k, int n,
			       const lf_s32 *w, const lf_s64 *bias,
			       const lf_s8 *shift, lf_s64 lo, lf_s64 hi,
			       lf_s32 *y)
{
	LF_AVX2_FC_BODY(lf_s32, w32)
}

/**
 * lf_fc_w16_avx2() - lf_fc_w16_scalar() with AVX2 (same integers).
 */
LF_AVX2_FN void lf_fc_w16_avx2(const lf_s32 *x, int m, int k, int n,
			       const lf_s16 *w, const lf_s64 *bias,
			       const lf_s8 *shift, lf_s64 lo, lf_s64 hi,
			       lf_s32 *y)
{
	LF_AVX2_FC_BODY(lf_s16, w16)
}

/*
 * lf_lut_s32_avx2() - lf_lut_s32_scalar() with AVX2, 8 elements at a time
 * (same integers).
 *
 * Taken for a linear table with 0 <= shift <= 30 and n >= 2, start within
 * 32 bits (and not INT32_MIN under a symmetry), sym_const within 32 bits
 * (complement symmetry) and lo <= hi with [lo, hi] meeting the 32-bit
 * range; otherwise the whole tensor goes through the scalar code.  Per
 * lane, with xa = |x| under a symmetry (else x):
 *  - in table (start <= xa < end, one unsigned compare of dx = xa - start,
 *    exact as unsigned 32-bit): idx = dx >> s, frac = dx & (2^s - 1);
 *    t0 = table[idx], t1 = table[idx + 1] by masked vpgatherdd (lanes out
 *    of the table read nothing); the product d * frac of lf_lut_half() is
 *    t1 * frac - t0 * frac, each exact (vpmuldq), |.| < 2^62, so adding
 *    half cannot overflow and lf_shift_round() is (p + half) >> s.  The
 *    rounded quotient q lies between 0 and d, so t0 + q lies between t0
 *    and t1 and fits 32 bits: only the low 32 bits of q are needed, bits
 *    s..s+31 of p + half, which a logical shift gives as well (s <= 30).
 *  - symmetric negative lanes: c - y in 32 bits (c = 0 for the odd
 *    symmetry); a lane whose c - y does not fit 32 bits falls back.
 *  - saturation to [lo, hi] clamped to 32 bits is lf_sat() for 32-bit
 *    values.
 *  - every other lane (outside the table: the slopes; |INT32_MIN| under a
 *    symmetry; the overflow above) is recomputed with lf_lut_eval().
 */
#ifdef __clang__
#define LF_AVX2_GATHER_D(src, base, idx, mask)                             \
	__builtin_ia32_gatherd_d256((src), (base), (idx), (mask), 4)
#define LF_AVX2_MAXD(a, b)                                                 \
	({                                                                 \
		lf_v8si a_ = (a), b_ = (b), m_ = (lf_v8si)(a_ > b_);       \
		(a_ & m_) | (b_ & ~m_);                                    \
	})
#define LF_AVX2_MIND(a, b)                                                 \
	({                                                                 \
		lf_v8si a_ = (a), b_ = (b), m_ = (lf_v8si)(a_ < b_);       \
		(a_ & m_) | (b_ & ~m_);                                    \
	})
#else
#define LF_AVX2_GATHER_D(src, base, idx, mask)                             \
	__builtin_ia32_gathersiv8si((src), (base), (idx), (mask), 4)
#define LF_AVX2_MAXD(a, b) __builtin_ia32_pmaxsd256((a), (b))
#define LF_AVX2_MIND(a, b) __builtin_ia32_pminsd256((a), (b))
#endif
#define LF_AVX2_BLENDV(a, b, m)                                            \
	((lf_v8si)__builtin_ia32_pblendvb256((lf_v32qi)(a), (lf_v32qi)(b),   \
					     (lf_v32qi)(m)))

/* Per-tensor constants of lf_lut_s32_avx2(), broadcast. */
struct lf_avx2_lut {
	lf_v8si sym;	/* all ones under a symmetry */
	lf_v8si start;	/* start */
	lf_v8si span;	/* end - 1 - start (clamped), biased by INT32_MIN */
	lf_v8si fmask;	/* 2^shift - 1 */
	lf_v8si c;	/* 0 (odd symmetry) or sym_const */
	lf_v8si ovx;	/* c - y overflows iff (y ^ ovx) > ovt */
	lf_v8si ovt;
	lf_v8si lo, hi; /* the bounds clamped to 32 bits */
	lf_v4di half;	/* 2^(shift - 1), 0 for shift 0 */
	int s;
};

/*
 * 8 elements (or the lanes of @tail) of lf_lut_s32_avx2(): the results go
 * to y (masked by @tail), and the lanes needing lf_lut_eval() are returned
 * as a mask (0 when none); @xv gets the inputs.
 */
__attribute__((always_inline)) LF_AVX2_FN lf_v8si
lf_avx2_lut8(const struct lf_avx2_lut *k, const lf_s32 *table,
	     const lf_s32 *x, lf_v8si tail, int full, lf_s32 *y, lf_v8si *xv)
{
	const lf_v8si zero = { 0, 0, 0, 0, 0, 0, 0, 0 };
	const lf_v8si bias = { -2147483647 - 1, -2147483647 - 1,
			       -2147483647 - 1, -2147483647 - 1,
			       -2147483647 - 1, -2147483647 - 1,
			       -2147483647 - 1, -2147483647 - 1 };
	lf_v8si v, neg, dx, ok, idx, frac, t0, t1, fo, q, r, bad;
	lf_v4di pe, po;
	int s = k->s;

	if (full)
		v = *(const lf_v8si_u *)x;
	else
		v = __builtin_ia32_maskloadd256((const lf_v8si *)x, tail);
	*xv = v;
	neg = (v >> 31) & k->sym;
	/* Modulo 2^32 (unsigned lanes): no signed overflow for any input. */
	dx = (lf_v8si)(((lf_v8su)(v ^ neg) - (lf_v8su)neg) - (lf_v8su)k->start);
	/* start <= xa <= end - 1, as an unsigned compare of dx. */
	ok = (lf_v8si)((dx ^ bias) <= k->span);
	if (!full)
		ok &= tail;
	idx = (lf_v8si)((lf_v8su)dx >> s);
	frac = dx & k->fmask;
	t0 = LF_AVX2_GATHER_D(zero, table, idx, ok);
	t1 = LF_AVX2_GATHER_D(zero, table + 1, idx, ok);
	/* Even lanes, then the odd lanes moved to the low halves. */
	pe = __builtin_ia32_pmuldq256(t1, frac) -
	     __builtin_ia32_pmuldq256(t0, frac) + k->half;
	fo = (lf_v8si)((lf_v4du)frac >> 32);
	po = __builtin_ia32_pmuldq256((lf_v8si)((lf_v4du)t1 >> 32), fo) -
	     __builtin_ia32_pmuldq256((lf_v8si)((lf_v4du)t0 >> 32), fo) +
	     k->half;
	q = __builtin_shufflevector((lf_v8si)((lf_v4du)pe >> s),
				    (lf_v8si)((lf_v4du)po << (32 - s)), 0, 9,
				    2, 11, 4, 13, 6, 15);
	q = (lf_v8si)((lf_v8su)q + (lf_v8su)t0);
	r = LF_AVX2_BLENDV(q, (lf_v8si)((lf_v8su)k->c - (lf_v8su)q), neg);
	bad = (lf_v8si)((q ^ k->ovx) > k->ovt) & neg;
	bad |= ~ok;
	if (!full)
		bad &= tail;
	r = LF_AVX2_MIND(LF_AVX2_MAXD(r, k->lo), k->hi);
	if (full)
		*(lf_v8si_u *)y = r;
	else
		__builtin_ia32_maskstored256((lf_v8si *)y, tail, r);
	return bad;
}

LF_AVX2_FN void lf_lut_s32_avx2(const struct lf_lut *t, const lf_s32 *x,
				int n, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
	const lf_s64 i32min = -2147483647 - 1, i32max = 2147483647;
	lf_s64 c = t->symmetry == 1 ? 0 : t->sym_const, end, span, h;
	lf_s32 ovx, ovt;
	struct lf_avx2_lut k LF_NOINIT;
	lf_v8si bad, xv;
	int s = t->shift, i, j;

	if (!t->linear || s < 0 || s > 30 || t->n < 2 || t->start < i32min ||
	    t->start > i32max || (t->symmetry && t->start == i32min) ||
	    (t->symmetry && (c < i32min || c > i32max)) || lo > hi ||
	    lo > i32max || hi < i32min) {
		lf_lut_s32_scalar(t, x, n, lo, hi, y);
		return;
	}
	end = t->start + ((lf_s64)(t->n - 1) << s);
	span = (end - 1 > i32max ? i32max : end - 1) - t->start;
	h = ((lf_s64)1 << s) >> 1;
	/*
	 * c - y > INT32_MAX iff y < c - INT32_MAX (c >= 0), i.e.
	 * ~y > ~(c - INT32_MAX); c - y < INT32_MIN iff y > c - INT32_MIN (c < 0).
	 */
	ovx = c >= 0 ? -1 : 0;
	ovt = c >= 0 ? (lf_s32)~(c - i32max) : (lf_s32)(c - i32min);
#define LF_B8(v) { v, v, v, v, v, v, v, v }
	{
		lf_v8si sym = LF_B8(t->symmetry ? -1 : 0);
		lf_v8si st = LF_B8((lf_s32)t->start);
		lf_v8si sp = LF_B8((lf_s32)(span + i32min));
		lf_v8si fm = LF_B8((lf_s32)(((lf_s64)1 << s) - 1));
		lf_v8si cv = LF_B8((lf_s32)c);
		lf_v8si ox = LF_B8(ovx);
		lf_v8si ot = LF_B8(ovt);
		lf_v8si lv = LF_B8((lf_s32)(lo < i32min ? i32min : lo));
		lf_v8si hv = LF_B8((lf_s32)(hi > i32max ? i32max : hi));
		lf_v4di hf = { h, h, h, h };

		k.sym = sym;
		k.start = st;
		k.span = sp;
		k.fmask = fm;
		k.c = cv;
		k.ovx = ox;
		k.ovt = ot;
		k.lo = lv;
		k.hi = hv;
		k.half = hf;
		k.s = s;
	}
#undef LF_B8
	for (i = 0; i < n; i += 8) {
		int rem = n - i;

		if (rem >= 8) {
			const lf_v8si ones = { -1, -1, -1, -1, -1, -1, -1, -1 };

			rem = 8;
			bad = lf_avx2_lut8(&k, t->table, x + i, ones, 1, y + i,
					   &xv);
		} else {
			bad = lf_avx2_lut8(&k, t->table, x + i,
					   LF_AVX2_TAIL_MASK(rem), 0, y + i,
					   &xv);
		}
		if (__builtin_expect(!__builtin_ia32_ptestz256((lf_v4di)bad,
							       (lf_v4di)bad),
				     0)) {
			/* Inputs from xv: y may be x. */
			for (j = 0; j < rem; j++)
				if (bad[j])
					y[i + j] = (lf_s32)lf_sat(
						lf_lut_eval(t, xv[j]), lo, hi);
		}
	}
}

/*
 * lf_fc_q16_avx2() - lf_fc_q16_scalar() with AVX2 (same integers): the row
 * of x saturated to 16 bits and packed in pairs (vpackssdw), then per group
 * of up to 4 blocks of 8 outputs, per pair of inputs, one broadcast of the
 * pair and per block a vpmaddwd against the pre-interleaved weights, a
 * vpsrad by r and a vpaddd; the bias (with the rounding half) starts each
 * accumulator; vpsravd, vpmaxsd, vpminsd requantize, and a fused table
 * follows in the same registers.  @ws (the scalar code's copy of the
 * weights) is not read.
 */
typedef short lf_v16hi __attribute__((vector_size(32)));
typedef short lf_v16hi_u
	__attribute__((vector_size(32), aligned(1), may_alias));
#define LF_AVX2_SRAV(a, s) ((lf_v8si)__builtin_ia32_psrav8si((a), (s)))

/* @kc (1..LF_Q16_KC) inputs from @x, saturated to 16 bits, into @xp as pairs. */
__attribute__((always_inline)) LF_AVX2_FN void
lf_avx2_pack16(const lf_s32 *x, int kc, lf_s32 *xp)
{
	int j;

	for (j = 0; j < kc; j += 16) {
		lf_v8si a, b;
		lf_v4di p;

		if (kc - j >= 16) {
			a = *(const lf_v8si_u *)(x + j);
			b = *(const lf_v8si_u *)(x + j + 8);
		} else if (kc - j > 8) {
			a = *(const lf_v8si_u *)(x + j);
			b = __builtin_ia32_maskloadd256(
				(const lf_v8si *)(x + j + 8),
				LF_AVX2_TAIL_MASK(kc - j - 8));
		} else {
			const lf_v8si zero = { 0, 0, 0, 0, 0, 0, 0, 0 };

			a = __builtin_ia32_maskloadd256(
				(const lf_v8si *)(x + j),
				LF_AVX2_TAIL_MASK(kc - j));
			b = zero;
		}
		/* [a0..3 b0..3 a4..7 b4..7] -> [a0..7 b0..7] */
		p = (lf_v4di)__builtin_ia32_packssdw256(a, b);
		p = __builtin_shufflevector(p, p, 0, 2, 1, 3);
		*(lf_v4di_u *)(xp + j / 2) = p;
	}
	/* Pairs are broadcast from memory (one vpbroadcastd each). */
	__asm__("" : "+m"(*(lf_s32(*)[LF_Q16_KC / 2])xp));
}

/* struct lf_lut16 broadcast. */
struct lf_avx2_lut16 {
	lf_v8si sym, start, span, fmask, half, c, lo, hi;
};

/* lf_lut16_eval() on 8 lanes. */
__attribute__((always_inline)) LF_AVX2_FN lf_v8si
lf_avx2_lut16(const struct lf_avx2_lut16 *k, const lf_s32 *table, int s,
	      lf_v8si v)
{
	const lf_v8si zero = { 0, 0, 0, 0, 0, 0, 0, 0 };
	const lf_v8si ones = { -1, -1, -1, -1, -1, -1, -1, -1 };
	lf_v8si neg = (v >> 31) & k->sym, dx, idx, t0, t1, y;

	/* lf_lut16_eval()'s arithmetic modulo 2^32 (unsigned lanes). */
	dx = (lf_v8si)(((lf_v8su)(v ^ neg) - (lf_v8su)neg) -
		       (lf_v8su)k->start);
	dx = LF_AVX2_MIND(LF_AVX2_MAXD(dx, zero), k->span);
	idx = dx >> s;
	t0 = LF_AVX2_GATHER_D(zero, table, idx, ones);
	t1 = LF_AVX2_GATHER_D(zero, table + 1, idx, ones);
	y = (lf_v8si)(((lf_v8su)t1 - (lf_v8su)t0) * (lf_v8su)(dx & k->fmask) +
		      (lf_v8su)k->half);
	y = (lf_v8si)((lf_v8su)t0 + (lf_v8su)(y >> s));
	y = (lf_v8si)((((lf_v8su)(y ^ neg) - (lf_v8su)neg)) +
		      (lf_v8su)(k->c & neg));
	return LF_AVX2_MIND(LF_AVX2_MAXD(y, k->lo), k->hi);
}

/*
 * @g (1..4, a constant) blocks of 8 outputs from block @b0 of one row:
 * @xp holds the packed row when k <= LF_Q16_KC.
 */
__attribute__((always_inline)) LF_AVX2_FN void
lf_avx2_q16_group(const lf_s32 *xr, int k, int n, int r, const lf_s16 *w,
		  const lf_s32 *bias, const lf_s32 *shift, lf_v8si lov,
		  lf_v8si hiv, const struct lf_lut16 *t,
		  const struct lf_avx2_lut16 *tk, int b0, int g, lf_s32 *xp,
		  lf_s32 *yr)
{
	int kp = (k + 1) >> 1, c, i, j;
	lf_v8su acc[4] LF_NOINIT; /* pair terms and sums modulo 2^32 */
	lf_v8si v;

	for (j = 0; j < g; j++)
		acc[j] = (lf_v8su)*(const lf_v8si_u *)(bias + (b0 + j) * 8);
	for (c = 0; c < k; c += LF_Q16_KC) {
		int kc = k - c < LF_Q16_KC ? k - c : LF_Q16_KC;
		int pc = (kc + 1) >> 1;

		if (k > LF_Q16_KC)
			lf_avx2_pack16(xr + c, kc, xp);
#pragma GCC unroll 32
		for (i = 0; i < pc; i++) {
			lf_s32 pr = xp[i];
			lf_v8si xv = { pr, pr, pr, pr, pr, pr, pr, pr };

#pragma GCC unroll 4
			for (j = 0; j < g; j++) {
				acc[j] += (lf_v8su)((lf_v8si)
					__builtin_ia32_pmaddwd256(
						(lf_v16hi)xv,
						*(const lf_v16hi_u *)(w +
							((long)(b0 + j) * kp +
							 c / 2 + i) * 16)) >>
					r);
				/*
				 * One running sum per block: no reassociation
				 * into a tree of live partial sums (spills).
				 */
				__asm__("" : "+x"(acc[j]));
			}
		}
	}
#pragma GCC unroll 4
	for (j = 0; j < g; j++) {
		int o = (b0 + j) * 8;

		v = LF_AVX2_SRAV((lf_v8si)acc[j],
				 *(const lf_v8si_u *)(shift + o));
		v = LF_AVX2_MIND(LF_AVX2_MAXD(v, lov), hiv);
		if (t)
			v = lf_avx2_lut16(tk, t->table, t->shift, v);
		if (n - o >= 8)
			*(lf_v8si_u *)(yr + o) = v;
		else
			__builtin_ia32_maskstored256((lf_v8si *)(yr + o),
						     LF_AVX2_TAIL_MASK(n - o), v);
	}
}

LF_AVX2_FN void lf_fc_q16_avx2(const lf_s32 *x, int m, int k, int n, int r,
			       const lf_s16 *w, const lf_s64 *ws,
			       const lf_s32 *bias, const lf_s32 *shift,
			       lf_s64 lo, lf_s64 hi, const struct lf_lut16 *t,
			       lf_s32 *y)
{
	lf_s32 lo32 = lf_sat32(lo), hi32 = lf_sat32(hi);
	lf_v8si lov = { lo32, lo32, lo32, lo32, lo32, lo32, lo32, lo32 };
	lf_v8si hiv = { hi32, hi32, hi32, hi32, hi32, hi32, hi32, hi32 };
	lf_s32 xp[LF_Q16_KC / 2] __attribute__((aligned(32))) LF_NOINIT;
	struct lf_avx2_lut16 tk = { 0 };
	int nb = (n + 7) >> 3, row, b;

	(void)ws;

	if (t) {
#define LF_B8(v) { v, v, v, v, v, v, v, v }
		lf_s32 fm = (1 << t->shift) - 1, h = (1 << t->shift) >> 1;
		lf_v8si sym = LF_B8(t->sym), st = LF_B8(t->start);
		lf_v8si sp = LF_B8(t->span), fmv = LF_B8(fm), hv = LF_B8(h);
		lf_v8si cv = LF_B8(t->c), tl = LF_B8(t->lo), th = LF_B8(t->hi);
#undef LF_B8

		tk.sym = sym;
		tk.start = st;
		tk.span = sp;
		tk.fmask = fmv;
		tk.half = hv;
		tk.c = cv;
		tk.lo = tl;
		tk.hi = th;
	}
	for (row = 0; row < m; row++) {
		const lf_s32 *xr = x + row * k;

		if (k <= LF_Q16_KC)
			lf_avx2_pack16(xr, k, xp);
		for (b = 0; b + 4 <= nb; b += 4)
			lf_avx2_q16_group(xr, k, n, r, w, bias, shift, lov, hiv,
					  t, &tk, b, 4, xp, y + row * n);
		if (nb & 3)
			lf_avx2_q16_group(xr, k, n, r, w, bias, shift, lov, hiv,
					  t, &tk, b, nb & 3, xp, y + row * n);
	}
}
/*
 * lf_fc_w32b_avx2() - lf_fc_w32b_scalar() with AVX2 (same integers): per
 * group of up to 8 blocks of 4 outputs, per input one vpbroadcastd of x[i]
 * and per block one vpmuldq against the sign-extended weights (the memory
 * operand) and one vpaddq: no shifts, no tails; the requantization of
 * lf_w32b_requant() on 4 lanes with variable shifts (vpsllvq, vpsrlvq).
 */
__attribute__((always_inline)) LF_AVX2_FN void
lf_avx2_w32b_group(const lf_s32 *xr, int k, int n, const lf_s64 *w,
		   const lf_s64 *bias, const lf_s32 *shift, lf_v4di lo,
		   lf_v4di hi, int b0, int g, lf_s32 *yr)
{
	const lf_v4di one = { 1, 1, 1, 1 }, zero = { 0, 0, 0, 0 };
	lf_v4di acc[8] LF_NOINIT;
	int i, j;

	for (j = 0; j < g; j++)
		acc[j] = *(const lf_v4di_u *)(bias + (b0 + j) * 4);
#pragma GCC unroll 16
	for (i = 0; i < k; i++) {
		lf_s32 xi = xr[i];
		lf_v8si xv = { xi, xi, xi, xi, xi, xi, xi, xi };

#pragma GCC unroll 8
		for (j = 0; j < g; j++) {
			/* Modulo 2^64, as lf_fc_w32b_scalar(). */
			acc[j] = (lf_v4di)((lf_v4du)acc[j] +
				(lf_v4du)__builtin_ia32_pmuldq256(
				xv, *(const lf_v8si_u *)(w +
					((long)(b0 + j) * k + i) * 4)));
			__asm__("" : "+x"(acc[j]));
		}
	}
#pragma GCC unroll 8
	for (j = 0; j < g; j++) {
		int o = (b0 + j) * 4;
		lf_v4si s4 = *(const lf_v4si_u *)(shift + o);
		lf_v4du su = __builtin_convertvector((lf_v4su)s4, lf_v4du);
		lf_v4du half = (lf_v4du)__builtin_ia32_psllv4di(
			(lf_v4di)one, (lf_v4di)(su - (lf_v4du)one));
		lf_v4di t = (lf_v4di)((lf_v4du)acc[j] + half), r;
		lf_v4di neg = (lf_v4di)(t < zero);
		lf_v4di mlo, mhi;
		lf_v4si q;

		r = (lf_v4di)__builtin_ia32_psrlv4di(t ^ neg, (lf_v4di)su) ^ neg;
		mlo = (lf_v4di)(r < lo);
		mhi = (lf_v4di)(r > hi);
		r = (r & ~mhi) | (hi & mhi);
		r = (r & ~mlo) | (lo & mlo);
		q = __builtin_shufflevector((lf_v8si)r, (lf_v8si)r, 0, 2, 4, 6);
		if (n - o >= 4)
			*(lf_v4si_u *)(yr + o) = q;
		else
			for (i = 0; i < n - o; i++)
				yr[o + i] = q[i];
	}
}

LF_AVX2_FN void lf_fc_w32b_avx2(const lf_s32 *x, int m, int k, int n,
				const lf_s64 *w, const lf_s64 *bias,
				const lf_s32 *shift, lf_s64 lo, lf_s64 hi,
				lf_s32 *y)
{
	lf_v4di lov = { lo, lo, lo, lo }, hiv = { hi, hi, hi, hi };
	int nb = (n + 3) >> 2, row, b;

	for (row = 0; row < m; row++) {
		for (b = 0; b + 8 <= nb; b += 8)
			lf_avx2_w32b_group(x + row * k, k, n, w, bias, shift, lov,
					   hiv, b, 8, y + row * n);
		if (nb & 7)
			lf_avx2_w32b_group(x + row * k, k, n, w, bias, shift, lov,
					   hiv, b, nb & 7, y + row * n);
	}
}

#endif /* LF_SIMD_AVX2 */

/**
 * lf_fc_w32() - fully connected layer with 32-bit weights.
 * @x: m x k inputs; @w: n x k weights; @bias: n accumulator biases;
 * @shift: n right shifts from the accumulator to the output format;
 * @lo, @hi: output saturation bounds; @y: m x n outputs.
 * The AVX2 variant when built and usable, else the scalar one.
 */
static inline void lf_fc_w32(const lf_s32 *x, int m, int k, int n,
			     const lf_s32 *w, const lf_s64 *bias,
			     const lf_s8 *shift, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
#ifdef LF_SIMD_AVX2
	if (lf_avx2_usable()) {
		lf_fc_w32_avx2(x, m, k, n, w, bias, shift, lo, hi, y);
		return;
	}
#endif
	lf_fc_w32_scalar(x, m, k, n, w, bias, shift, lo, hi, y);
}

/**
 * lf_fc_w16() - fully connected layer with 16-bit weights (see lf_fc_w32()).
 */
static inline void lf_fc_w16(const lf_s32 *x, int m, int k, int n,
			     const lf_s16 *w, const lf_s64 *bias,
			     const lf_s8 *shift, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
#ifdef LF_SIMD_AVX2
	if (lf_avx2_usable()) {
		lf_fc_w16_avx2(x, m, k, n, w, bias, shift, lo, hi, y);
		return;
	}
#endif
	lf_fc_w16_scalar(x, m, k, n, w, bias, shift, lo, hi, y);
}

/**
 * lf_fc_w32b() - 32-bit layer in the broadcast layout (see
 * lf_fc_w32b_scalar()).  The AVX2 variant when built and usable.
 */
static inline void lf_fc_w32b(const lf_s32 *x, int m, int k, int n,
			      const lf_s64 *w, const lf_s64 *bias,
			      const lf_s32 *shift, lf_s64 lo, lf_s64 hi,
			      lf_s32 *y)
{
#ifdef LF_SIMD_AVX2
	if (lf_avx2_usable()) {
		lf_fc_w32b_avx2(x, m, k, n, w, bias, shift, lo, hi, y);
		return;
	}
#endif
	lf_fc_w32b_scalar(x, m, k, n, w, bias, shift, lo, hi, y);
}

/**
 * lf_fc_q16() - 16-bit layer with a 32-bit accumulator and an optional
 * fused table (see lf_fc_q16_scalar()).  The AVX2 variant when built and
 * usable, else the SWAR one (@ws, see lf_fc_q16_swar()).
 */
static inline __attribute__((always_inline)) void
lf_fc_q16(const lf_s32 *x, int m, int k, int n, int r,
			     const lf_s16 *w, const lf_s64 *ws,
			     const lf_s32 *bias, const lf_s32 *shift, lf_s64 lo,
			     lf_s64 hi, const struct lf_lut16 *t, lf_s32 *y)
{
#ifdef LF_SIMD_AVX2
	if (lf_avx2_usable()) {
		lf_fc_q16_avx2(x, m, k, n, r, w, ws, bias, shift, lo, hi, t, y);
		return;
	}
#endif
	lf_fc_q16_swar(x, m, k, n, r, w, ws, bias, shift, lo, hi, t, y);
}

/**
 * lf_fc_w8() - fully connected layer with 8-bit weights (see lf_fc_w32()).
 */
static inline void lf_fc_w8(const lf_s32 *x, int m, int k, int n,
			    const lf_s8 *w, const lf_s64 *bias,
			    const lf_s8 *shift, lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
	lf_fc_w8_scalar(x, m, k, n, w, bias, shift, lo, hi, y);
}

/**
 * lf_lut_s32() - evaluate a table on @n elements: y[i] =
 * lf_sat(lf_lut_eval(@t, x[i]), @lo, @hi).  The AVX2 variant when built and
 * usable, else the scalar one.  @y may be @x.
 */
static inline void lf_lut_s32(const struct lf_lut *t, const lf_s32 *x, int n,
			      lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
#ifdef LF_SIMD_AVX2
	if (lf_avx2_usable()) {
		lf_lut_s32_avx2(t, x, n, lo, hi, y);
		return;
	}
#endif
	lf_lut_s32_scalar(t, x, n, lo, hi, y);
}

/**
 * lf_matmul() - batched product of two run-time matrices: @a is
 * batch x m x k, @b batch x k x n, @y batch x m x n; products are summed
 * at frac(a) + frac(b) and moved by @shift into the output format.
 *
 * Both operands are full 32-bit values, so a product can reach 2^62 and a
 * sum of k of them would overflow 64 bits: each product is first shifted
 * right by ceil(log2(k)) bits (floor), which bounds the sum by 2^62.
 */
static inline void lf_matmul(const lf_s32 *a, const lf_s32 *b, int batch,
			     int m, int k, int n, int shift, lf_s64 lo,
			     lf_s64 hi, lf_s32 *y)
{
	int p, r, c, i, pre = 0;

	while ((1 << pre) < k)
		pre++;
	for (p = 0; p < batch; p++)
		for (r = 0; r < m; r++)
			for (c = 0; c < n; c++) {
				lf_s64 acc = 0;

				for (i = 0; i < k; i++)
					acc += ((lf_s64)a[(p * m + r) * k + i] *
						b[(p * k + i) * n + c]) >> pre;
				y[(p * m + r) * n + c] =
					(lf_s32)lf_requant(acc, shift - pre,
							   lo, hi);
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
