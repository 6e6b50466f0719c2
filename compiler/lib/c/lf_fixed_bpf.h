/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * lf_fixed_bpf.h - LiteFlow's fixed-point helpers for BPF (lfc --target bpf).
 *
 * The integers of lf_fixed.h (the C snapshot and the userspace twin), in the
 * shape the BPF verifier of Linux 6.1 accepts:
 *  - no 128-bit arithmetic: lf_mul_sat() checks overflow with an unsigned
 *    division instead of __builtin_mul_overflow();
 *  - no signed division: lf_div_round() divides magnitudes (unsigned) and
 *    fixes the sign up;
 *  - table indexes are clamped to the table's constant bounds where they are
 *    used, so the verifier sees every access in bounds;
 *  - every helper is always inlined (BPF calls take at most 5 arguments),
 *    except the per-element table evaluation: a global function per table
 *    size (LF_BPF_DEFINE_LUT, instantiated by the generated NAME.bpf.h) that
 *    the verifier checks once, not once per element.
 * The generated NAME.bpf.h supplies lf_bpf_lut_call(), the dispatch on the
 * table size.  The same file builds as ordinary C (host tests).
 */
#ifndef LF_FIXED_BPF_H
#define LF_FIXED_BPF_H

typedef signed char lf_s8;
typedef short lf_s16;
typedef int lf_s32;
typedef long long lf_s64;
typedef unsigned int lf_u32;
typedef unsigned long long lf_u64;

#define LF_BPF_INLINE static inline __attribute__((always_inline))
#define LF_S64_MAX ((lf_s64)(~(lf_u64)0 >> 1))
#define LF_S64_MIN (-LF_S64_MAX - 1)

/* lf_sat() - clamp @v to [@lo, @hi]. */
LF_BPF_INLINE lf_s64 lf_sat(lf_s64 v, lf_s64 lo, lf_s64 hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

/* lf_shift_round() - as in lf_fixed.h: v / 2^s rounded (s > 0), v * 2^-s
 * saturated (s <= 0). */
LF_BPF_INLINE lf_s64 lf_shift_round(lf_s64 v, int s)
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

LF_BPF_INLINE lf_s64 lf_requant(lf_s64 v, int s, lf_s64 lo, lf_s64 hi)
{
	return lf_sat(lf_shift_round(v, s), lo, hi);
}

/* |v| as unsigned (LF_S64_MIN -> 2^63). */
LF_BPF_INLINE lf_u64 lf_bpf_abs(lf_s64 v)
{
	return v < 0 ? -(lf_u64)v : (lf_u64)v;
}

/*
 * lf_div_round() - @num / @den rounded to nearest, ties away from zero;
 * saturates on division by zero.  Unsigned division of the magnitudes: the
 * quotient truncated toward zero and its remainder are those of C's signed
 * division, so the rounding below is lf_fixed.h's.
 */
LF_BPF_INLINE lf_s64 lf_div_round(lf_s64 num, lf_s64 den)
{
	lf_u64 un, ud, uq, ur;
	int neg;

	if (den == 0)
		return num < 0 ? LF_S64_MIN : LF_S64_MAX;
	if (den < 0) {
		if (den == LF_S64_MIN || num == LF_S64_MIN)
			return 0;
		num = -num;
		den = -den;
	}
	/* den > 0 here; num may be LF_S64_MIN (den > 0) */
	neg = num < 0;
	un = lf_bpf_abs(num);
	ud = (lf_u64)den;
	uq = un / ud;
	ur = un - uq * ud;
	/* |r| >= den - |r|: round the magnitude up */
	if (ur >= ud - ur)
		uq++;
	return neg ? (lf_s64)(0 - uq) : (lf_s64)uq;
}

/* lf_mul_sat() - @a * @b saturated to 64 bits, without 128-bit products. */
LF_BPF_INLINE lf_s64 lf_mul_sat(lf_s64 a, lf_s64 b)
{
	lf_u64 ua = lf_bpf_abs(a), ub = lf_bpf_abs(b);
	int neg = (a < 0) != (b < 0);
	lf_u64 lim = neg ? (lf_u64)1 << 63 : (lf_u64)LF_S64_MAX;

	if (ua && ub > lim / ua)
		return neg ? LF_S64_MIN : LF_S64_MAX;
	return neg ? (lf_s64)(0 - ua * ub) : (lf_s64)(ua * ub);
}

/* struct lf_lut - as in lf_fixed.h (the generated code fills it). */
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

/*
 * The scalars of one table evaluation, passed by pointer to the per-size
 * global function (a pointer-free, sized struct: what 6.1 accepts as the
 * argument of a global function).
 */
struct lf_bpf_lut_sc {
	lf_s64 start;
	lf_s64 sym_const;
	lf_s64 slope_below;
	lf_s64 slope_above;
	lf_s64 lo;
	lf_s64 hi;
	lf_s32 shift;
	lf_s32 linear;
	lf_s32 symmetry;
	lf_s32 slope_frac;
	lf_s32 sat;	/* 1: saturate into [lo, hi] */
	lf_s32 pad;
};

/*
 * @i clamped to [0, @max], opaque to the compiler first: clang would
 * otherwise merge the clamps of neighbouring indexes into ranges the
 * verifier cannot follow ("invalid mem access 'scalar'").  Each clamp only
 * guards the verifier: the callers' indexes are in range already.
 */
LF_BPF_INLINE lf_s64 lf_bpf_idx(lf_s64 i, lf_s64 max)
{
	__asm__ volatile("" : "+r"(i));
	return i < 0 ? 0 : (i > max ? max : i);
}

/* lf_lut_half() of lf_fixed.h on a table of constant size @n. */
LF_BPF_INLINE lf_s64 lf_bpf_lut_half(const lf_s32 *tab, lf_s64 n,
				     const struct lf_bpf_lut_sc *t, lf_s64 x)
{
	int s = t->shift;
	lf_s64 end = t->start + ((lf_s64)(n - 1) << s);
	lf_s64 dx, idx, frac, lo;

	if (x <= t->start) {
		dx = x - t->start;
		return tab[0] + lf_shift_round(lf_mul_sat(dx, t->slope_below),
					       t->slope_frac);
	}
	if (x >= end) {
		dx = x - end;
		return tab[n - 1] +
		       lf_shift_round(lf_mul_sat(dx, t->slope_above),
				      t->slope_frac);
	}
	dx = x - t->start;
	if (!t->linear)
		return tab[lf_bpf_idx(lf_shift_round(dx, s), n - 1)];
	idx = lf_bpf_idx(dx >> s, n - 2);
	frac = dx & (((lf_s64)1 << s) - 1);
	if (s > 30) {
		frac >>= s - 30;
		s = 30;
	}
	lo = tab[idx];
	return lo + lf_shift_round(((lf_s64)tab[idx + 1] - lo) * frac, s);
}

/* lf_lut_eval() of lf_fixed.h, then the saturation the caller asked for. */
LF_BPF_INLINE lf_s64 lf_bpf_lut_eval_n(const lf_s32 *tab, lf_s64 n,
				       const struct lf_bpf_lut_sc *t, lf_s64 x)
{
	lf_s64 y;

	if (t->symmetry == 0 || x >= 0)
		y = lf_bpf_lut_half(tab, n, t, x);
	else {
		y = lf_bpf_lut_half(tab, n, t, x == LF_S64_MIN ? LF_S64_MAX : -x);
		y = t->symmetry == 1 ? -y : t->sym_const - y;
	}
	return t->sat ? lf_sat(y, t->lo, t->hi) : y;
}

/*
 * LF_BPF_DEFINE_LUT(N) - the global function lf_bpf_lut_N() evaluating a
 * table of N knots (verified once, whatever the number of calls).
 */
#define LF_BPF_DEFINE_LUT(N)                                                 \
	struct lf_bpf_tab_##N {                                              \
		lf_s32 v[N];                                                 \
	};                                                                   \
	__attribute__((noinline)) lf_s64 lf_bpf_lut_##N(                     \
		const struct lf_bpf_tab_##N *tab,                            \
		const struct lf_bpf_lut_sc *t, lf_s64 x)                     \
	{                                                                    \
		if (!tab || !t)                                              \
			return 0;                                            \
		return lf_bpf_lut_eval_n(tab->v, N, t, x);                   \
	}

/* The generated NAME.bpf.h defines it: lf_bpf_lut_N() for t->n == N. */
LF_BPF_INLINE lf_s64 lf_bpf_lut_call(const struct lf_lut *t,
				     const struct lf_bpf_lut_sc *sc, lf_s64 x);

LF_BPF_INLINE void lf_bpf_lut_scalars(const struct lf_lut *t, lf_s64 lo,
				      lf_s64 hi, int sat,
				      struct lf_bpf_lut_sc *sc)
{
	sc->start = t->start;
	sc->sym_const = t->sym_const;
	sc->slope_below = t->slope_below;
	sc->slope_above = t->slope_above;
	sc->lo = lo;
	sc->hi = hi;
	sc->shift = t->shift;
	sc->linear = t->linear;
	sc->symmetry = t->symmetry;
	sc->slope_frac = t->slope_frac;
	sc->sat = sat;
	sc->pad = 0;
}

/* lf_lut_eval() - evaluate a table at input integer @x (output format). */
LF_BPF_INLINE lf_s64 lf_lut_eval(const struct lf_lut *t, lf_s64 x)
{
	struct lf_bpf_lut_sc sc;

	lf_bpf_lut_scalars(t, 0, 0, 0, &sc);
	return lf_bpf_lut_call(t, &sc, x);
}

/* lf_lut_s32() - y[i] = lf_sat(lf_lut_eval(@t, x[i]), @lo, @hi). */
LF_BPF_INLINE void lf_lut_s32(const struct lf_lut *t, const lf_s32 *x, int n,
			      lf_s64 lo, lf_s64 hi, lf_s32 *y)
{
	struct lf_bpf_lut_sc sc;
	int i;

	lf_bpf_lut_scalars(t, lo, hi, 1, &sc);
	for (i = 0; i < n; i++)
		y[i] = (lf_s32)lf_bpf_lut_call(t, &sc, x[i]);
}

/*
 * Fully connected layers (lf_fixed.h's scalar variants, same layouts and
 * integers): @x m x k inputs, @y m x n outputs.
 */
#define LF_BPF_DEFINE_FC(name, wtype)                                        \
	LF_BPF_INLINE void name(const lf_s32 *x, int m, int k, int n,        \
				const wtype *w, const lf_s64 *bias,          \
				const lf_s8 *shift, lf_s64 lo, lf_s64 hi,    \
				lf_s32 *y)                                   \
	{                                                                    \
		int r, o, i;                                                 \
									     \
		for (r = 0; r < m; r++)                                      \
			for (o = 0; o < n; o++) {                            \
				lf_s64 acc = bias[o];                        \
									     \
				for (i = 0; i < k; i++)                      \
					acc += (lf_s64)x[r * k + i] *        \
					       w[o * k + i];                 \
				y[r * n + o] = (lf_s32)lf_requant(           \
					acc, shift[o], lo, hi);              \
			}                                                    \
	}

LF_BPF_DEFINE_FC(lf_fc_w32, lf_s32)
LF_BPF_DEFINE_FC(lf_fc_w16, lf_s16)
LF_BPF_DEFINE_FC(lf_fc_w8, lf_s8)

/* lf_w32b_requant() of lf_fixed.h. */
LF_BPF_INLINE lf_s32 lf_w32b_requant(lf_u64 v, lf_s32 s, lf_s64 lo, lf_s64 hi)
{
	lf_u64 su = (lf_u32)s, half = su - 1 < 64 ? (lf_u64)1 << (su - 1) : 0;
	lf_u64 t = v + half, neg = (lf_s64)t < 0 ? ~(lf_u64)0 : 0;
	lf_s64 r = (lf_s64)((su < 64 ? (t ^ neg) >> su : 0) ^ neg);

	return (lf_s32)(r < lo ? lo : (r > hi ? hi : r));
}

#define LF_W32B_WIDX(k, o, i) ((((o) >> 2) * (k) + (i)) * 4 + ((o) & 3))

/* one output of an lf_fc_w32b() layer: its k products and requantization */
#define LF_BPF_W32B_OUT(x, k, o, w, bias, shift, lo, hi, y)                  \
	do {                                                                 \
		lf_u64 acc_ = (lf_u64)(bias)[o];                             \
		int i_;                                                      \
									     \
		for (i_ = 0; i_ < (k); i_++)                                 \
			acc_ += (lf_u64)((lf_s64)(x)[i_] *                   \
				 (lf_s32)(w)[LF_W32B_WIDX(k, o, i_)]);       \
		(y)[o] = lf_w32b_requant(acc_, (shift)[o], lo, hi);          \
	} while (0)

/*
 * Layers of more than LF_BPF_LOOP_MACS multiply-adds run their outputs under
 * bpf_loop(): the verifier checks the callback once (k products), not once
 * per output.  The generated NAME.bpf.h instantiates LF_BPF_DEFINE_FC_LOOP(K,
 * N) for each such shape (constants the verifier sees) and defines
 * lf_bpf_fc_w32b_loop(), which returns 0 for a shape it has no loop for.
 */
#ifndef LF_BPF_LOOP_MACS
#define LF_BPF_LOOP_MACS 2048
#endif

struct lf_bpf_fc_ctx {
	const lf_s32 *x;
	const lf_s64 *w;
	const lf_s64 *bias;
	const lf_s32 *shift;
	lf_s32 *y;
	lf_s64 lo;
	lf_s64 hi;
};

#ifdef __bpf__
#define LF_BPF_DEFINE_FC_LOOP(K, N)                                          \
	static long lf_bpf_fc_w32b_##K##x##N(lf_u32 o, void *vctx)           \
	{                                                                    \
		struct lf_bpf_fc_ctx *c = vctx;                              \
									     \
		if (o >= N)                                                  \
			return 1;                                            \
		LF_BPF_W32B_OUT(c->x, K, o, c->w, c->bias, c->shift, c->lo,  \
				c->hi, c->y);                                \
		return 0;                                                    \
	}
#define LF_BPF_FC_LOOP_CASE(K, N)                                            \
	if (k == K && n == N) {                                              \
		bpf_loop(N, lf_bpf_fc_w32b_##K##x##N, c, 0);                 \
		return 1;                                                    \
	}
#else
/* host builds (tests) run the plain loops: the same integers */
#define LF_BPF_DEFINE_FC_LOOP(K, N)
#define LF_BPF_FC_LOOP_CASE(K, N)
#endif

/* Defined by the generated NAME.bpf.h (see above). */
LF_BPF_INLINE int lf_bpf_fc_w32b_loop(int k, int n, struct lf_bpf_fc_ctx *c);

/* lf_fc_w32b() - the broadcast layout of lf_fixed.h (blocks of 4 outputs). */
LF_BPF_INLINE void lf_fc_w32b(const lf_s32 *x, int m, int k, int n,
			      const lf_s64 *w, const lf_s64 *bias,
			      const lf_s32 *shift, lf_s64 lo, lf_s64 hi,
			      lf_s32 *y)
{
	int r, o;

	if (m == 1 && k * n > LF_BPF_LOOP_MACS) {
		struct lf_bpf_fc_ctx c = { x, w, bias, shift, y, lo, hi };

		if (lf_bpf_fc_w32b_loop(k, n, &c))
			return;
	}
	for (r = 0; r < m; r++)
		for (o = 0; o < n; o++)
			LF_BPF_W32B_OUT(x + r * k, k, o, w, bias, shift, lo, hi,
					y + r * n);
}

/* lf_matmul() of lf_fixed.h (products pre-shifted by ceil(log2(k))). */
LF_BPF_INLINE void lf_matmul(const lf_s32 *a, const lf_s32 *b, int batch,
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

LF_BPF_INLINE lf_s64 lf_add(lf_s64 a, int la, lf_s64 b, int lb, int s,
			    lf_s64 lo, lf_s64 hi)
{
	return lf_requant(lf_shift_round(a, -la) + lf_shift_round(b, -lb), s,
			  lo, hi);
}

LF_BPF_INLINE lf_s64 lf_sub(lf_s64 a, int la, lf_s64 b, int lb, int s,
			    lf_s64 lo, lf_s64 hi)
{
	return lf_requant(lf_shift_round(a, -la) - lf_shift_round(b, -lb), s,
			  lo, hi);
}

LF_BPF_INLINE lf_s64 lf_mul(lf_s64 a, lf_s64 b, int s, lf_s64 lo, lf_s64 hi)
{
	return lf_requant(lf_mul_sat(a, b), s, lo, hi);
}

LF_BPF_INLINE lf_s64 lf_div(lf_s64 a, lf_s64 b, int s, lf_s64 lo, lf_s64 hi)
{
	return lf_sat(lf_div_round(lf_shift_round(a, s), b), lo, hi);
}

#endif /* LF_FIXED_BPF_H */
