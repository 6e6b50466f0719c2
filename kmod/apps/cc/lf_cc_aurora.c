// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_aurora.c - Aurora's control loop (PCC-RL) on lf_core: lf_aurora,
 * lf_mocc and lf_aurora_user.
 *
 * Monitor intervals (MI) last max(sRTT / 2, mi_min_pkts packets at the
 * rate).  At the end of each MI the connection computes Aurora's three
 * features over it (latency gradient: RTT of the MI's second half minus its
 * first half, over the MI duration; latency ratio: RTT of the MI / min RTT;
 * sending ratio: send rate / delivery rate, 1 when nothing was delivered or
 * it exceeds 1000).  The RTT of a half is its smallest sample, not the mean
 * the reference's UDP sender takes over per-packet ACKs: TCP's RTT samples
 * carry only positive noise (delayed and stretched ACKs, scheduling delays),
 * which at a few samples per MI would otherwise dominate, and feed a spiral
 * (less rate, more delayed ACKs).  The connection appends them to a history of 10 MIs (30 inputs, newest
 * last; MOCC appends its 3 objective weights, the connection's: its
 * cgroup's or the module-wide ones, lf_cc_mocc.c), runs one query and applies one
 * rate change: rate *= 1 + 0.025 a (a >= 0) or rate /= 1 - 0.025 a.  The rate
 * drives sk_pacing_rate and cwnd = rate x min RTT x cwnd_gain.
 *
 * Guardrails: |a| <= action_max; the rate stays within [rate_min, rate_max]
 * and below ceiling_pct of the best delivery rate of the last 10 MIs; all arithmetic
 * is integer, so no NaN can reach the socket.  A connection falls back to
 * CUBIC (lf_cc_cubic.c) when its model is missing, a query fails, or the
 * snapshot's action sits at the clamp against the network's signal for
 * distrust_mis MIs (more rate on a queue or loss, less on an empty path); it
 * returns to the model when one is bound again or another snapshot (or
 * weight generation) becomes active, on a new flow key so the flow cache
 * pins it to that snapshot.
 *
 * Collector: each query's inputs and the action taken are sent with
 * lf_collect_sample() at the end of the next MI together with Aurora's
 * reward for it (10 x throughput in packets/s - 1000 x mean RTT in s - 2000
 * x loss rate, x 0.001), as labels [reward Q16.16, action in out_frac].
 */
#include <linux/math64.h>
#include <linux/random.h>
#include <linux/slab.h>
#include "lf_cc.h"

enum lf_cc_mode {
	LF_CC_MODEL,		/* the NN decides */
	LF_CC_FALLBACK,		/* CUBIC decides */
};

/* what lives in icsk_ca_priv */
struct lf_cc_priv {
	struct lf_cc_conn *c;
	struct lf_cc_cubic cubic;
};

static inline struct lf_cc_priv *lf_cc_priv(struct sock *sk)
{
	return inet_csk_ca(sk);
}

/* Q16.16 -> a format with @frac fractional bits, saturating to s32 */
static s32 lf_cc_to_fmt(s64 q16, int frac)
{
	s64 v;

	if (frac >= LF_CC_SHIFT) {
		int sh = min(frac - LF_CC_SHIFT, 40);

		v = clamp_t(s64, q16, -(1LL << (62 - sh)), (1LL << (62 - sh)) - 1);
		v <<= sh;
	} else {
		int sh = min(LF_CC_SHIFT - frac, 62);

		v = (q16 + (1LL << (sh - 1))) >> sh;
	}
	return (s32)clamp_t(s64, v, S32_MIN, S32_MAX);
}

/* a value with @frac fractional bits -> Q16.16 (s64, exact or rounded) */
static s64 lf_cc_from_fmt(s32 raw, int frac)
{
	if (frac >= LF_CC_SHIFT) {
		int sh = min(frac - LF_CC_SHIFT, 62);

		return ((s64)raw + (1LL << sh >> 1)) >> sh;
	}
	return (s64)raw << min(LF_CC_SHIFT - frac, 30);
}

static u64 lf_cc_rate_min(void)
{
	return (u64)READ_ONCE(lf_cc_tun.rate_min_kbps) * 1000 / 8;
}

static u64 lf_cc_rate_max(void)
{
	return (u64)READ_ONCE(lf_cc_tun.rate_max_mbps) * 1000000 / 8;
}

/* apply the rate: pacing and cwnd = rate x min RTT x gain */
static void lf_cc_apply_rate(struct sock *sk, struct lf_cc_conn *c)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 min_rtt = tcp_min_rtt(tp), cwnd;
	u64 bdp;

	if (min_rtt == ~0U)
		min_rtt = tp->srtt_us ? tp->srtt_us >> 3 : USEC_PER_MSEC;
	min_rtt = min_t(u32, min_rtt, 10 * USEC_PER_SEC);
	bdp = div_u64(c->rate * min_rtt, USEC_PER_SEC);	/* bytes */
	bdp = div_u64(bdp * READ_ONCE(lf_cc_tun.cwnd_gain_pct), 100);
	cwnd = (u32)min_t(u64, div_u64(bdp, max(tp->mss_cache, 1U)), 1U << 24);
	cwnd = clamp(cwnd, 4U, max(tp->snd_cwnd_clamp, 4U));
	tcp_snd_cwnd_set(tp, cwnd);
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, (c->rate * c->pace_gain) >> 10,
			 READ_ONCE(sk->sk_max_pacing_rate)));
}

/*
 * The actuator: TCP's pacing timer fires late under load (and under
 * emulation), and the time lost is not all made up, so the rate sent can
 * stay below the pacing rate.  Calibrate: when the MI sent less than the
 * rate although neither cwnd nor the application limited it, pace faster
 * (up to pace_max_pct); drift back to 1x when it sent more.
 */
static void lf_cc_calibrate(struct sock *sk, struct lf_cc_conn *c, u32 segs,
			    u64 dur_us)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u64 sent = div64_u64((u64)segs * tp->mss_cache * USEC_PER_SEC, dur_us);

	if (tp->app_limited || !sent)
		return;
	c->pace_gain = lf_cc_pace_gain(c->pace_gain, sent, c->rate,
				       READ_ONCE(lf_cc_tun.pace_max_pct) *
				       1024 / 100);
}

/*
 * Clamp the rate to [rate_min, rate_max] and to ceiling_pct of the best
 * delivery rate of the last 10 MIs (a start-up at +10% per MI stays below
 * it: the delivery rate lags two MIs).
 */
static void lf_cc_clamp_rate(struct lf_cc_conn *c, u64 start_rate)
{
	u64 lo = lf_cc_rate_min(), hi = lf_cc_rate_max(), d = 0;
	int i;

	for (i = 0; i < LF_CC_HIST; i++)
		d = max(d, c->dmax[i]);
	d = div_u64(d * READ_ONCE(lf_cc_tun.ceiling_pct), 100);
	hi = min(hi, max3(d, start_rate, lo));
	if (c->rate < lo || c->rate > hi) {
		c->rate = clamp(c->rate, lo, hi);
		lf_cc_count(c->algo, LF_CC_ST_RATE_CLAMPS);
	}
}

/* the rate TCP currently achieves: cwnd per sRTT (fallback -> model) */
static u64 lf_cc_cwnd_rate(const struct tcp_sock *tp)
{
	u32 srtt = tp->srtt_us >> 3;

	if (!srtt)
		return lf_cc_rate_min() * 4;
	return div_u64((u64)tcp_snd_cwnd(tp) * tp->mss_cache * USEC_PER_SEC,
		       srtt);
}

static void lf_cc_start_mi(struct sock *sk, struct lf_cc_conn *c)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 srtt = tp->srtt_us >> 3, pkt_us;

	c->mi_start_us = tp->tcp_mstamp;
	c->mi_delivered = tp->delivered;
	c->mi_lost = tp->lost;
	c->mi_segs = tp->data_segs_out;
	c->rtt_min[0] = c->rtt_min[1] = ~0U;
	c->rtt_n[0] = c->rtt_n[1] = 0;
	/* max(0.5 x sRTT, mi_min_pkts packets at the rate) */
	pkt_us = (u32)min_t(u64, div64_u64((u64)tp->mss_cache * USEC_PER_SEC *
					   READ_ONCE(lf_cc_tun.mi_min_pkts),
					   max(c->rate, 1ULL)), USEC_PER_SEC);
	c->mi_dur_us = max3(srtt / 2, pkt_us, 1000U);
}

/* the 30 (+3) inputs of the query, in the snapshot's formats */
static void lf_cc_inputs(const struct lf_cc_conn *c,
			 const struct lf_bound *b, s32 *in)
{
	u32 i, j, k = 0;

	for (i = 0; i < LF_CC_HIST; i++)
		for (j = 0; j < LF_CC_NFEAT; j++, k++)
			in[k] = lf_cc_to_fmt(c->hist[i][j], b->in_frac[k]);
	if (c->algo == LF_CC_MOCC)
		for (j = 0; j < LF_CC_NW; j++, k++)
			in[k] = lf_cc_to_fmt((s64)c->mocc_w[j] * LF_CC_ONE / 1000,
					     b->in_frac[k]);
}

/* Gaussian-ish noise (Irwin-Hall of 4 uniforms), std dev @sd_q16 */
static s64 lf_cc_noise(u32 sd_q16)
{
	u32 r1 = get_random_u32(), r2 = get_random_u32();
	s64 sum = (s64)(r1 & 0xffff) + (r1 >> 16) + (r2 & 0xffff) + (r2 >> 16);

	/* sum - 2 x 65536 has std dev 65536 x sqrt(4/12) = 37837 */
	return div_s64((sum - 131072) * sd_q16, 37837);
}

static void lf_cc_to_fallback(struct sock *sk, struct lf_cc_conn *c)
{
	if (c->mode == LF_CC_FALLBACK)
		return;
	c->mode = LF_CC_FALLBACK;
	c->prev_valid = false;
	lf_cc_count(c->algo, LF_CC_ST_FALLBACKS);
	/*
	 * CUBIC from the window the model left, its curve centred there;
	 * ssthresh stays what losses made it (slow start if there was none)
	 */
	lf_cc_cubic_init(&lf_cc_priv(sk)->cubic);
	lf_cc_priv(sk)->cubic.w_max = tcp_snd_cwnd(tcp_sk(sk));
}

/*
 * A fallen-back connection goes back to a model once one is bound again and
 * its active snapshot is not the one it distrusted.  Called with RCU held.
 */
static bool lf_cc_may_recover(struct lf_cc_conn *c, struct lf_bound *b)
{
	struct lf_model_info info;

	if (!b)
		return false;
	if (c->algo == LF_CC_USER)
		return lf_user_listening();
	lf_model_info(b->model, &info);
	if (!info.active_version)
		return false;
	return info.active_version != c->bad_ver || info.active_gen != c->bad_gen;
}

static void lf_cc_repin(struct sock *sk, struct lf_cc_conn *c)
{
	c->epoch++;
	c->pin_us = tcp_sk(sk)->tcp_mstamp;
	c->prev_valid = false;
}

/* clamp action @a (Q16.16), apply it to the rate, drive the socket */
static s64 lf_cc_take_action(struct sock *sk, struct lf_cc_conn *c, s64 a)
{
	s64 amax = (s64)READ_ONCE(lf_cc_tun.action_max_milli) * LF_CC_ONE / 1000;
	u64 start_rate = c->rate;

	if (a > amax || a < -amax) {
		a = clamp(a, -amax, amax);
		lf_cc_count(c->algo, LF_CC_ST_ACT_CLAMPS);
	}
	c->rate = lf_cc_act_rate(c->rate, a);
	lf_cc_clamp_rate(c, start_rate);
	lf_cc_apply_rate(sk, c);
	return a;
}

/* stop trusting the model's active snapshot: fall back until it changes */
static void lf_cc_distrust(struct sock *sk, struct lf_cc_conn *c,
			   struct lf_bound *b)
{
	struct lf_model_info info;

	lf_model_info(b->model, &info);
	c->bad_ver = info.active_version;
	c->bad_gen = info.active_gen;
	lf_cc_to_fallback(sk, c);
}

/* the model's action for this MI (raw, out_frac) or an error */
static int lf_cc_decide(struct sock *sk, struct lf_cc_conn *c,
			struct lf_bound *b, s32 *in, s32 *out)
{
	int ret;

	lf_cc_count(c->algo, LF_CC_ST_QUERIES);
	ret = lf_query_model(b->model, c->key + c->epoch, in, out);
	if (ret)
		lf_cc_count(c->algo, LF_CC_ST_QERRORS);
	return ret;
}

/* the end of a monitor interval */
static void lf_cc_end_mi(struct sock *sk, struct lf_cc_conn *c)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u64 now = tp->tcp_mstamp, dur = max(now - c->mi_start_us, 1ULL);
	u32 delivered = tp->delivered - c->mi_delivered;
	u32 lost = tp->lost - c->mi_lost;
	u32 segs = tp->data_segs_out - c->mi_segs;
	u32 n = c->rtt_n[0] + c->rtt_n[1], min_rtt = tcp_min_rtt(tp);
	s64 amax = (s64)READ_ONCE(lf_cc_tun.action_max_milli) * LF_CC_ONE / 1000;
	s32 in[LF_CC_IN_MAX], out[LF_CC_OUT_MAX], grad = 0, lr = LF_CC_ONE;
	s32 sr = LF_CC_ONE, label[2];
	u64 mean_rtt = 0, drate;
	struct lf_bound *b;
	u32 loss_pm = 0;
	s64 a, reward;

	c->mis++;
	lf_cc_count(c->algo, LF_CC_ST_MIS);

	/* features */
	if (n) {
		mean_rtt = c->rtt_n[0] && c->rtt_n[1] ?
			   ((u64)c->rtt_min[0] + c->rtt_min[1]) / 2 :
			   min(c->rtt_min[0], c->rtt_min[1]);
		if (min_rtt && min_rtt != ~0U)
			lr = (s32)min_t(u64, div_u64(mean_rtt << LF_CC_SHIFT, min_rtt),
					LF_CC_RATIO_MAX);
	}
	if (c->rtt_n[0] && c->rtt_n[1]) {
		s64 d = (s64)c->rtt_min[1] - (s64)c->rtt_min[0];

		grad = (s32)clamp_t(s64, div64_s64(d * LF_CC_ONE, (s64)dur),
				    -LF_CC_GRAD_MAX, LF_CC_GRAD_MAX);
	}
	if (delivered && segs <= 1000ULL * delivered)
		sr = (s32)min_t(u64, div_u64((u64)segs << LF_CC_SHIFT, delivered),
				LF_CC_RATIO_MAX);
	if (segs)
		loss_pm = min(div_u64((u64)lost * 1000, segs), 1000ULL);
	memmove(c->hist[0], c->hist[1], sizeof(c->hist[0]) * (LF_CC_HIST - 1));
	c->hist[LF_CC_HIST - 1][0] = grad;
	c->hist[LF_CC_HIST - 1][1] = lr;
	c->hist[LF_CC_HIST - 1][2] = sr;
	lf_cc_calibrate(sk, c, segs, dur);
	drate = div64_u64((u64)delivered * tp->mss_cache * USEC_PER_SEC, dur);
	memmove(&c->dmax[0], &c->dmax[1], sizeof(c->dmax[0]) * (LF_CC_HIST - 1));
	c->dmax[LF_CC_HIST - 1] = drate;

	/* reward of the previous action: 10 thpt - 1000 lat - 2000 loss, x 1e-3 */
	reward = div_u64((u64)delivered * USEC_PER_SEC * 10 * LF_CC_ONE, dur) -
		 div_u64(mean_rtt * LF_CC_ONE, USEC_PER_SEC) -
		 (s64)loss_pm * 2 * LF_CC_ONE;
	reward = div_s64(reward, 1000);

	rcu_read_lock();
	b = lf_cc_model_rcu(c->algo);
	if (c->mode == LF_CC_FALLBACK) {
		lf_cc_count(c->algo, LF_CC_ST_FALLBACK_MIS);
		if (!lf_cc_may_recover(c, b))
			goto out;
		/* back to a model, on a new flow key: pinned to the active */
		lf_cc_count(c->algo, LF_CC_ST_RECOVERIES);
		c->mode = LF_CC_MODEL;
		c->sat_cnt = 0;
		c->rate = lf_cc_cwnd_rate(tp);
		lf_cc_repin(sk, c);
	}
	if (!b) {
		lf_cc_count(c->algo, LF_CC_ST_NOMODEL);
		lf_cc_to_fallback(sk, c);
		goto out;
	}
	if (b && c->prev_valid && c->algo != LF_CC_USER &&
	    lf_collect_wanted(b->model)) {
		label[0] = (s32)clamp_t(s64, reward, S32_MIN, S32_MAX);
		label[1] = c->prev_out;
		if (lf_collect_sample(b->model, c->key + c->epoch, c->prev_in,
				      c->prev_raw, label, 2))
			lf_cc_count(c->algo, LF_CC_ST_SAMPLE_DROPS);
		else
			lf_cc_count(c->algo, LF_CC_ST_SAMPLES);
	}
	c->prev_valid = false;
	if (lf_cc_tun.repin_ms && c->algo != LF_CC_USER &&
	    now - c->pin_us >= (u64)READ_ONCE(lf_cc_tun.repin_ms) * USEC_PER_MSEC)
		lf_cc_repin(sk, c);

	lf_cc_inputs(c, b, in);
	if (c->algo == LF_CC_USER) {
		if (lf_cc_user_request(c, b->model, in, b->n_in)) {
			lf_cc_to_fallback(sk, c);
			goto out;
		}
		/* the answer is applied when it arrives (lf_cc_user_poll) */
		goto out;
	}
	if (lf_cc_decide(sk, c, b, in, out)) {
		lf_cc_distrust(sk, c, b);
		goto out;
	}
	a = lf_cc_from_fmt(out[0], b->out_frac[0]);
	/*
	 * Count contradicting saturated MIs; an unsaturated action clears the
	 * count, a saturated one the path agrees with keeps it (noise).
	 */
	if (a > -amax && a < amax) {
		c->sat_cnt = 0;
	} else if (lf_cc_contradicts(a, amax, lr, loss_pm)) {
		if (++c->sat_cnt >= READ_ONCE(lf_cc_tun.distrust_mis)) {
			lf_cc_count(c->algo, LF_CC_ST_DISTRUSTS);
			lf_cc_distrust(sk, c, b);
			goto out;
		}
	}
	if (READ_ONCE(lf_cc_tun.explore_milli) && lf_collect_wanted(b->model))
		a += lf_cc_noise(READ_ONCE(lf_cc_tun.explore_milli) *
				 LF_CC_ONE / 1000);
	a = lf_cc_take_action(sk, c, a);
	memcpy(c->prev_in, in, b->n_in * sizeof(*in));
	memcpy(c->prev_raw, out, b->n_out * sizeof(*out));
	c->prev_out = lf_cc_to_fmt(a, b->out_frac[0]);
	c->prev_valid = true;
out:
	rcu_read_unlock();
	lf_cc_start_mi(sk, c);
}

/* an answer of the userspace deployment arrived: apply it now */
static void lf_cc_user_poll(struct sock *sk, struct lf_cc_conn *c)
{
	u32 seq = smp_load_acquire(&c->ans_seq);
	struct lf_bound *b;

	if (seq == c->ans_done || c->mode != LF_CC_MODEL)
		return;
	c->ans_done = seq;
	rcu_read_lock();
	b = lf_cc_model_rcu(c->algo);
	if (b)
		lf_cc_take_action(sk, c, lf_cc_from_fmt(READ_ONCE(c->ans_out),
							b->out_frac[0]));
	rcu_read_unlock();
}

static void lf_cc_init_algo(struct sock *sk, enum lf_cc_algo algo)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lf_cc_priv *p = lf_cc_priv(sk);
	struct lf_cc_conn *c;
	int i;

	BUILD_BUG_ON(sizeof(struct lf_cc_priv) > ICSK_CA_PRIV_SIZE);
	lf_cc_cubic_init(&p->cubic);
	lf_cc_count(algo, LF_CC_ST_CONNS);
	cmpxchg(&sk->sk_pacing_status, SK_PACING_NONE, SK_PACING_NEEDED);
	c = kzalloc(sizeof(*c), GFP_ATOMIC | __GFP_NOWARN);
	p->c = c;
	if (!c) {
		lf_cc_count(algo, LF_CC_ST_NOMEM);
		lf_cc_count(algo, LF_CC_ST_FALLBACKS);
		return;
	}
	c->algo = algo;
	c->key = get_random_u64();
	c->pin_us = tp->tcp_mstamp;
	/* an empty history: no gradient, ratios of 1 */
	for (i = 0; i < LF_CC_HIST; i++) {
		c->hist[i][1] = LF_CC_ONE;
		c->hist[i][2] = LF_CC_ONE;
	}
	c->pace_gain = 1024;
	if (algo == LF_CC_MOCC)
		lf_cc_mocc_weights(sk, c->mocc_w);
	c->rate = lf_cc_cwnd_rate(tp);
	c->rate = clamp(c->rate, lf_cc_rate_min(), lf_cc_rate_max());
	if (algo == LF_CC_USER && lf_cc_user_attach(c)) {
		c->mode = LF_CC_FALLBACK;
		lf_cc_count(algo, LF_CC_ST_FALLBACKS);
	}
	lf_cc_start_mi(sk, c);
	lf_cc_apply_rate(sk, c);
}

static void lf_cc_aurora_init(struct sock *sk)
{
	lf_cc_init_algo(sk, LF_CC_AURORA);
}

static void lf_cc_mocc_init(struct sock *sk)
{
	lf_cc_init_algo(sk, LF_CC_MOCC);
}

static void lf_cc_user_init_sk(struct sock *sk)
{
	lf_cc_init_algo(sk, LF_CC_USER);
}

static void lf_cc_release(struct sock *sk)
{
	struct lf_cc_priv *p = lf_cc_priv(sk);
	struct lf_cc_conn *c = p->c;

	if (!c)
		return;
	p->c = NULL;
	if (c->algo == LF_CC_USER)
		lf_cc_user_detach(c);
	/* the flow cache entry ages out; its samples already carry its key */
	kfree_rcu(c, rcu);
}

LF_CC_CONG_CONTROL(lf_cc_cong_control)
{
	struct lf_cc_priv *p = lf_cc_priv(sk);
	struct lf_cc_conn *c = p->c;
	struct tcp_sock *tp = tcp_sk(sk);

	if (!c) {
		lf_cc_cubic_ack(sk, &p->cubic, rs);
		return;
	}
	if (rs->rtt_us > 0) {
		int half = tp->tcp_mstamp - c->mi_start_us >= c->mi_dur_us / 2;

		c->rtt_min[half] = min_t(u32, c->rtt_min[half], rs->rtt_us);
		c->rtt_n[half]++;
	}
	if (c->algo == LF_CC_USER)
		lf_cc_user_poll(sk, c);
	if (tp->tcp_mstamp - c->mi_start_us >= c->mi_dur_us)
		lf_cc_end_mi(sk, c);
	if (c->mode == LF_CC_FALLBACK)
		lf_cc_cubic_ack(sk, &p->cubic, rs);
	else
		lf_cc_apply_rate(sk, c);
}

static u32 lf_cc_ssthresh(struct sock *sk)
{
	struct lf_cc_priv *p = lf_cc_priv(sk);
	u32 ss = lf_cc_cubic_ssthresh(sk, &p->cubic);

	/* the model reacts to loss through its features, not through cwnd */
	if (p->c && p->c->mode == LF_CC_MODEL)
		return max(tcp_sk(sk)->snd_ssthresh, ss);
	return ss;
}

static u32 lf_cc_undo_cwnd(struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

#define LF_CC_OPS(var, cname, initfn)					\
struct tcp_congestion_ops var = {					\
	.flags		= TCP_CONG_NON_RESTRICTED,			\
	.name		= cname,					\
	.owner		= THIS_MODULE,					\
	.init		= initfn,					\
	.release	= lf_cc_release,				\
	.cong_control	= lf_cc_cong_control,				\
	.ssthresh	= lf_cc_ssthresh,				\
	.undo_cwnd	= lf_cc_undo_cwnd,				\
}

LF_CC_OPS(lf_cc_aurora_ops, "lf_aurora", lf_cc_aurora_init);
LF_CC_OPS(lf_cc_mocc_ops, "lf_mocc", lf_cc_mocc_init);
LF_CC_OPS(lf_cc_user_ops, "lf_aurora_user", lf_cc_user_init_sk);
