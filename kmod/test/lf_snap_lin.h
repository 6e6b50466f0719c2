/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_snap_lin.h - a tiny integer "network" with exactly computable outputs,
 * shared by the test snapshot modules, lf_stress, lf_bench and the userspace
 * half of the upcall benchmark:
 *
 *   out[j] = ((sum_i w[j][i] * in[i]) >> shift) + b[j]	(s64 accumulator,
 *							 arithmetic shift)
 *
 * Inputs and outputs are Q24.8 (8 fractional bits), weights Q8 (shift 8).
 * With all-zero inputs out[0] == b[0], which tests use as a fingerprint of
 * the weights a query was served with.
 */
#ifndef _LF_SNAP_LIN_H
#define _LF_SNAP_LIN_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
typedef int32_t s32;
typedef int64_t s64;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
#endif

#define LIN_IN		4
#define LIN_OUT		3
#define LIN_FRAC	8
#define LIN_ARCH_HASH	0x4c494e0004000003ULL	/* "LIN", 4 in, 3 out */

struct lf_lin_params {
	s32 w[LIN_OUT][LIN_IN];
	s32 b[LIN_OUT];
	u32 shift;
};

/* version 1 and version 2 weights */
#define LIN_PARAMS_V1 {							\
	.w = { { 256, 128, -64, 32 }, { -256, 512, 0, 16 },		\
	       { 3, -5, 7, -11 } },					\
	.b = { 1, -100, 1000 },						\
	.shift = 8,							\
}
#define LIN_PARAMS_V2 {							\
	.w = { { -128, 64, 256, 0 }, { 100, 200, 300, 400 },		\
	       { -1, -2, -3, -4 } },					\
	.b = { 2, 50, -7 },						\
	.shift = 8,							\
}

static inline int lf_lin_compute(const struct lf_lin_params *p,
				 const s32 *in, s32 *out)
{
	int i, j;

	for (j = 0; j < LIN_OUT; j++) {
		s64 acc = 0;

		for (i = 0; i < LIN_IN; i++)
			acc += (s64)p->w[j][i] * in[i];
		out[j] = (s32)(acc >> p->shift) + p->b[j];
	}
	return 0;
}

#endif /* _LF_SNAP_LIN_H */
