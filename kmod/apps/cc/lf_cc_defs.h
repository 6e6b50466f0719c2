/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_cc_defs.h - constants and arithmetic of Aurora's control loop shared by
 * the kernel module (lf_cc.h, lf_cc_aurora.c) and the BPF CC
 * (bpf/lf_aurora_bpf.bpf.c): no includes, plain C.  The includer defines
 * LF_CC_DIV64(a, b), an unsigned 64-bit division (div64_u64 in the kernel).
 */
#ifndef _LF_CC_DEFS_H
#define _LF_CC_DEFS_H

#define LF_CC_SHIFT	16
#define LF_CC_ONE	(1 << LF_CC_SHIFT)
#define LF_CC_HIST	10		/* monitor intervals in the history */
#define LF_CC_NFEAT	3		/* features per monitor interval */
#define LF_CC_NW	3		/* MOCC objective weights */
/* feature clamps: the input range the bundled policies were compiled for */
#define LF_CC_GRAD_MAX	(2 * LF_CC_ONE)
#define LF_CC_RATIO_MAX	(8 * LF_CC_ONE)

#ifdef LF_CC_DIV64
/**
 * lf_cc_pace_gain() - the pacing gain (<< 10) after a monitor interval that
 * sent @sent bytes/s at rate @rate: faster when it sent less than 90% of the
 * rate (the pacing timer fires late), back towards 1x when it sent more than
 * 105%; within [1x, @gmax].
 */
static inline unsigned int lf_cc_pace_gain(unsigned int g,
					   unsigned long long sent,
					   unsigned long long rate,
					   unsigned int gmax)
{
	if (sent * 10 < rate * 9)
		g = g + g / 8;
	else if (sent * 20 > rate * 21)
		g = g - g / 16;
	g = g < 1024 ? 1024 : g;
	return g > gmax ? gmax : g;
}

/**
 * lf_cc_contradicts() - the saturation guard: action @a (Q16.16) sits at the
 * clamp @amax against the path: more rate while the queue or the losses
 * grow, or less rate on a path with neither.  @lr: latency ratio (Q16.16);
 * @loss_pm: per mille.
 */
static inline int lf_cc_contradicts(long long a, long long amax, int lr,
				    unsigned int loss_pm)
{
	if (a >= amax)
		return lr >= LF_CC_ONE * 3 / 2 || loss_pm >= 100;
	if (a <= -amax)
		return lr < LF_CC_ONE * 5 / 4 && loss_pm < 50;
	return 0;
}

/**
 * lf_cc_act_rate() - @rate after action @a (Q16.16, |a| <= 100):
 * rate * (1 + 0.025 a) for a >= 0, rate / (1 - 0.025 a) otherwise.
 */
static inline unsigned long long lf_cc_act_rate(unsigned long long rate,
						long long a)
{
	/* 0.025 |a| x 1000 x 2^16 */
	unsigned long long f = (unsigned long long)(a < 0 ? -a : a) * 25;

	if (a >= 0)
		return rate + LF_CC_DIV64(rate * f, 1000ULL * LF_CC_ONE);
	return LF_CC_DIV64(rate * 1000ULL * LF_CC_ONE, 1000ULL * LF_CC_ONE + f);
}
#endif /* LF_CC_DIV64 */

#endif /* _LF_CC_DEFS_H */
