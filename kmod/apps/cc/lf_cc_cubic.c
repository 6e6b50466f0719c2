// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_cubic.c - the fallback of lf_cc: CUBIC's window growth (RFC 8312,
 * C = 0.4, beta = 0.7, fast convergence, TCP-friendly region), written from
 * the RFC on the kernel's exported tcp_slow_start() and tcp_cong_avoid_ai().
 *
 * lf_cc's algorithms own cong_control, so the kernel's PRR and end-of-
 * recovery cwnd handling do not run for them: the fallback holds cwnd at
 * ssthresh during CWR/Recovery and paces at 2x (slow start) or 1.2x
 * (congestion avoidance) cwnd per sRTT, as TCP does for paced CCs.
 */
#include <linux/math64.h>
#include "lf_cc.h"

#define CUBIC_BETA	717		/* 0.7 x 1024 */
#define CUBIC_BETA_SCALE 1024
#define CUBIC_T_MAX_MS	100000		/* clamp of the growth time */

void lf_cc_cubic_init(struct lf_cc_cubic *c)
{
	memset(c, 0, sizeof(*c));
}

/* integer cube root: largest r with r^3 <= x */
static u32 lf_cc_cbrt(u64 x)
{
	u32 lo = 0, hi = 2642245;	/* floor(cbrt(2^64 - 1)) */

	while (lo < hi) {
		u32 mid = lo + (hi - lo + 1) / 2;

		if ((u64)mid * mid * mid <= x)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

u32 lf_cc_cubic_ssthresh(struct sock *sk, struct lf_cc_cubic *c)
{
	u32 cwnd = tcp_snd_cwnd(tcp_sk(sk));

	c->epoch_us = 0;
	/* fast convergence: release bandwidth to newer flows */
	if (cwnd < c->w_max)
		c->w_max = cwnd * (CUBIC_BETA_SCALE + CUBIC_BETA) /
			   (2 * CUBIC_BETA_SCALE);
	else
		c->w_max = cwnd;
	return max(cwnd * CUBIC_BETA / CUBIC_BETA_SCALE, 2U);
}

/* packets CUBIC wants after @t_ms of growth from @origin, K = @k_ms */
static u32 lf_cc_cubic_target(u32 origin, u32 k_ms, u32 t_ms)
{
	u64 d = t_ms > k_ms ? t_ms - k_ms : k_ms - t_ms;
	u64 delta = div64_u64(4 * d * d * d, 10000000000ULL); /* 0.4 d^3, s */

	if (t_ms > k_ms)
		return (u32)min_t(u64, (u64)origin + delta, U32_MAX);
	return delta >= origin ? 1 : origin - (u32)delta;
}

static void lf_cc_cubic_grow(struct sock *sk, struct lf_cc_cubic *c,
			     u32 acked)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 cwnd = tcp_snd_cwnd(tp), now = (u32)tp->tcp_mstamp;
	u32 origin, target, cnt, t_ms, rtt_ms;

	if (!c->epoch_us) {
		c->epoch_us = now ?: 1;
		c->ack_cnt = 0;
		c->w_est = cwnd << 7;
		if (c->w_max > cwnd) {
			/* K = cbrt(w_max (1 - beta) / C) s = cbrt(0.75 w_max) */
			c->k_us = lf_cc_cbrt((u64)(c->w_max - cwnd) * 2500000000ULL)
				  * USEC_PER_MSEC;
		} else {
			c->k_us = 0;
			c->w_max = cwnd;
		}
	}
	origin = c->w_max;
	rtt_ms = tcp_min_rtt(tp) / USEC_PER_MSEC;
	t_ms = min_t(u32, (now - c->epoch_us) / USEC_PER_MSEC + rtt_ms,
		     CUBIC_T_MAX_MS);
	target = lf_cc_cubic_target(origin, c->k_us / USEC_PER_MSEC, t_ms);
	cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;

	/* TCP-friendly region: Reno's growth with beta 0.7 (3b/(2-b) ~ 0.53) */
	c->w_est += acked * 68 / max(cwnd, 1U);	/* << 7 */
	if ((c->w_est >> 7) > cwnd) {
		u32 d = (c->w_est >> 7) - cwnd;

		cnt = min(cnt, cwnd / d);
	}
	tcp_cong_avoid_ai(tp, max(cnt, 2U), acked);
}

void lf_cc_pace_from_cwnd(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 ratio = tcp_snd_cwnd(tp) < tp->snd_ssthresh / 2 ? 200 : 120;
	u64 rate;

	if (!tp->srtt_us)
		return;
	rate = (u64)tp->mss_cache * min(tcp_snd_cwnd(tp), 1U << 20) *
	       (USEC_PER_SEC * 8 / 100 * ratio);
	rate = div_u64(rate, tp->srtt_us);
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));
}

void lf_cc_cubic_ack(struct sock *sk, struct lf_cc_cubic *c,
		     const struct rate_sample *rs)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 state = inet_csk(sk)->icsk_ca_state;
	u32 acked = rs->acked_sacked;

	if (tcp_in_cwnd_reduction(sk)) {
		/* held at ssthresh until the reduction ends */
		if (tp->snd_ssthresh < tcp_snd_cwnd(tp))
			tcp_snd_cwnd_set(tp, max(tp->snd_ssthresh, 2U));
	} else if (acked && tcp_is_cwnd_limited(sk)) {
		if (tcp_in_slow_start(tp))
			acked = tcp_slow_start(tp, acked);
		if (acked && state != TCP_CA_Loss)
			lf_cc_cubic_grow(sk, c, acked);
	}
	c->prev_state = state;
	lf_cc_pace_from_cwnd(sk);
}
