// SPDX-License-Identifier: GPL-2.0
/*
 * lf_aurora_bpf.bpf.c - Aurora's control loop (lf_cc_aurora.c) as a BPF
 * struct_ops TCP congestion control: lf_aurora_bpf, and lf_dummy_bpf (Reno
 * with one ignored query per monitor interval).  No LiteFlow module.
 *
 * The snapshot is lfc's BPF package of the Aurora policy (aurora_cc.bpf.h:
 * inference, lf_params with two buffers, lf_ctl with the active index and its
 * generation).  Per socket (bpf_sk_storage): the monitor-interval state, the
 * history of 10 MIs, the inference scratch and the pinned buffer: a socket
 * keeps the buffer and generation it started with while lf_ctl's generation
 * is unchanged, and moves to the active buffer at its first MI after a push
 * (the pusher writes the idle buffer only, then flips the index).
 *
 * The loop is lf_cc_aurora.c's: MI = max(sRTT / 2, mi_min_pkts at the rate,
 * 1 ms); features (latency gradient, latency ratio, sending ratio) in Q16.16
 * clamped to the policy's range; rate *= 1 + 0.025 a or /= 1 - 0.025 a with
 * |a| <= action_max; rate within [rate_min, rate_max] and ceiling_pct of the
 * best delivery rate of the last 10 MIs; cwnd = rate x min RTT x cwnd_gain;
 * pacing calibrated as there.  Fallback (missing params, a saturated action
 * against the path for distrust_mis MIs): Reno from the kernel's kfuncs
 * (the module falls back to its own CUBIC), with pacing from cwnd / sRTT.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "aurora_cc.bpf.h"
#include "uapi/lf_bpf.h"
#define LF_CC_DIV64(a, b) ((a) / (b))
#include "../lf_cc_defs.h"

char LICENSE[] SEC("license") = "GPL";

#define USEC_PER_SEC	1000000ULL

extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

/* tunables: lf_cc's defaults (lf_cc_main.c); the loader may rewrite them */
const volatile __u32 rate_min_kbps = 200;
const volatile __u32 rate_max_mbps = 10000;
const volatile __u32 action_max_milli = 4000;
const volatile __u32 cwnd_gain_pct = 150;
const volatile __u32 ceiling_pct = 200;
const volatile __u32 pace_max_pct = 400;
const volatile __u32 mi_min_pkts = 5;
const volatile __u32 distrust_mis = 8;

enum { LF_B_MODEL, LF_B_FALLBACK };

/* per-CPU counters (uapi/lf_bpf.h's LF_BPF_STAT_*), read by lf_cc_bpf stats */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LF_BPF_NSTAT);
	__type(key, __u32);
	__type(value, __u64);
} lf_stats SEC(".maps");

/* the last query of any socket (tests read the inputs and the action) */
struct lf_bpf_last {
	__u32 gen;
	__u32 buf;
	__s32 in[LF_AURORA_CC_N_IN];
	__s32 out[LF_AURORA_CC_N_OUT];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lf_bpf_last);
} lf_last SEC(".maps");

/*
 * One sample per query, for lf-runtime's BPF sample source (the module's
 * lf_collect_sample()): uapi/lf_bpf.h's header, then the inputs, the
 * snapshot's outputs, and two labels: the reward of the interval that just
 * ended (Q16.16, Aurora's: 10 x throughput in packets/s - 1000 x mean RTT in
 * s - 2000 x loss rate, x 0.001) and the action taken (out_frac).
 */
#define LF_B_NLABEL	2
struct lf_bpf_rec {
	struct lf_bpf_sample h;
	__s32 in[LF_AURORA_CC_N_IN];
	__s32 out[LF_AURORA_CC_N_OUT];
	__s32 label[LF_B_NLABEL];
};

/* the program's snapshot, for lf-runtime (written by the loader) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lf_bpf_model);
} lf_model SEC(".maps");

/* sample numbers: a gap in them is a sample the ring had no room for */
__u64 lf_sample_seq;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} lf_samples SEC(".maps");

struct lf_bpf_conn {
	__u64 rate;			/* bytes/s */
	__u64 mi_start_us;
	__u64 dmax[LF_CC_HIST];
	__u32 mi_dur_us;
	__u32 mi_delivered;
	__u32 mi_lost;
	__u32 mi_segs;
	__u32 rtt_min[2];
	__u32 rtt_n[2];
	__u32 pace_gain;		/* << 10 */
	__u32 mode;
	__u32 sat_cnt;
	__u32 gen;			/* lf_ctl generation pinned */
	__u32 buf;			/* params buffer pinned */
	__u32 dummy;
	__s32 hist[LF_CC_HIST][LF_CC_NFEAT];
	struct lf_aurora_cc_scratch scr;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lf_bpf_conn);
} lf_conn SEC(".maps");

static __always_inline void count(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&lf_stats, &k);

	if (v)
		*v += 1;
}

static __always_inline __u64 min64(__u64 a, __u64 b) { return a < b ? a : b; }
static __always_inline __u64 max64(__u64 a, __u64 b) { return a > b ? a : b; }

static __always_inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return (struct tcp_sock *)sk;
}

static __always_inline __u32 tcp_min_rtt(const struct tcp_sock *tp)
{
	return tp->rtt_min.s[0].v;
}

static __always_inline __u64 rate_min(void)
{
	return (__u64)rate_min_kbps * 1000 / 8;
}

static __always_inline __u64 rate_max(void)
{
	return (__u64)rate_max_mbps * 1000000 / 8;
}

/* signed @n / unsigned @d, truncated toward zero (6.1 has no sdiv) */
static __always_inline __s64 sdiv(__s64 n, __u64 d)
{
	__u64 q = (n < 0 ? -(__u64)n : (__u64)n) / d;

	return n < 0 ? -(__s64)q : (__s64)q;
}

static __always_inline __u64 cwnd_rate(const struct tcp_sock *tp)
{
	__u32 srtt = tp->srtt_us >> 3;

	if (!srtt)
		return rate_min() * 4;
	return (__u64)tp->snd_cwnd * tp->mss_cache * USEC_PER_SEC / srtt;
}

static __always_inline void apply_rate(struct sock *sk, struct lf_bpf_conn *c)
{
	struct tcp_sock *tp = tcp_sk(sk);
	__u32 min_rtt = tcp_min_rtt(tp), mss = tp->mss_cache, cwnd;
	__u64 bdp, pace;

	if (min_rtt == ~0U)
		min_rtt = tp->srtt_us ? tp->srtt_us >> 3 : 1000;
	min_rtt = min_rtt < 10 * USEC_PER_SEC ? min_rtt : 10 * USEC_PER_SEC;
	bdp = c->rate * min_rtt / USEC_PER_SEC * cwnd_gain_pct / 100;
	cwnd = (__u32)min64(bdp / (mss ? mss : 1), 1U << 24);
	if (cwnd < 4)
		cwnd = 4;
	if (cwnd > tp->snd_cwnd_clamp && tp->snd_cwnd_clamp >= 4)
		cwnd = tp->snd_cwnd_clamp;
	tp->snd_cwnd = cwnd;
	pace = (c->rate * c->pace_gain) >> 10;
	sk->sk_pacing_rate = min64(pace, sk->sk_max_pacing_rate);
}

/* lf_cc_calibrate(): pace faster when the MI sent less than the rate */
static __always_inline void calibrate(struct sock *sk, struct lf_bpf_conn *c,
				      __u32 segs, __u64 dur)
{
	struct tcp_sock *tp = tcp_sk(sk);
	__u64 sent = (__u64)segs * tp->mss_cache * USEC_PER_SEC / dur;

	if (tp->app_limited || !sent)
		return;
	c->pace_gain = lf_cc_pace_gain(c->pace_gain, sent, c->rate,
				       pace_max_pct * 1024 / 100);
}

static __always_inline void start_mi(struct sock *sk, struct lf_bpf_conn *c)
{
	struct tcp_sock *tp = tcp_sk(sk);
	__u32 srtt = tp->srtt_us >> 3;
	__u64 pkt_us;

	c->mi_start_us = tp->tcp_mstamp;
	c->mi_delivered = tp->delivered;
	c->mi_lost = tp->lost;
	c->mi_segs = tp->data_segs_out;
	c->rtt_min[0] = c->rtt_min[1] = ~0U;
	c->rtt_n[0] = c->rtt_n[1] = 0;
	pkt_us = min64((__u64)tp->mss_cache * USEC_PER_SEC * mi_min_pkts /
		       max64(c->rate, 1), USEC_PER_SEC);
	c->mi_dur_us = (__u32)max64(max64(srtt / 2, pkt_us), 1000);
}

/* Q16.16 -> @frac fractional bits, saturating to s32 (lf_cc_to_fmt) */
static __always_inline __s32 to_fmt(__s64 q16, int frac)
{
	__s64 v;

	if (frac >= LF_CC_SHIFT) {
		int sh = frac - LF_CC_SHIFT;

		sh = sh < 40 ? sh : 40;
		if (q16 < -(1LL << (62 - sh)))
			q16 = -(1LL << (62 - sh));
		if (q16 > (1LL << (62 - sh)) - 1)
			q16 = (1LL << (62 - sh)) - 1;
		v = q16 << sh;
	} else {
		int sh = LF_CC_SHIFT - frac;

		v = (q16 + (1LL << (sh - 1))) >> sh;
	}
	return (__s32)(v < -2147483648LL ? -2147483648LL :
		       (v > 2147483647LL ? 2147483647LL : v));
}

static __always_inline __s64 from_fmt(__s32 raw, int frac)
{
	if (frac >= LF_CC_SHIFT) {
		int sh = frac - LF_CC_SHIFT;

		return ((__s64)raw + ((1LL << sh) >> 1)) >> sh;
	}
	return (__s64)raw << (LF_CC_SHIFT - frac);
}

static __always_inline void to_fallback(struct sock *sk, struct lf_bpf_conn *c)
{
	if (c->mode == LF_B_FALLBACK)
		return;
	c->mode = LF_B_FALLBACK;
	count(LF_BPF_STAT_FALLBACKS);
}

/*
 * The params of the socket's buffer: a socket keeps the buffer and
 * generation it started with until that buffer is retired (a push is about
 * to rewrite it: bgen 0 or a newer generation), then moves to the active one.
 */
static __always_inline const struct lf_aurora_cc_params *
pinned_params(struct lf_bpf_conn *c)
{
	__u32 zero = 0, buf, a;
	struct lf_bpf_ctl *ctl = bpf_map_lookup_elem(&lf_ctl, &zero);

	if (!ctl || !ctl->gen)
		return 0;		/* nothing pushed yet */
	buf = c->buf & 1;
	if (!c->gen || ctl->bgen[buf] != c->gen) {
		a = ctl->active & 1;
		if (!ctl->bgen[a])
			return 0;
		if (c->gen)
			count(LF_BPF_STAT_REPINS);
		c->buf = a;
		c->gen = ctl->bgen[a];
		buf = a;
	}
	return bpf_map_lookup_elem(&lf_params, &buf);
}

/* still the generation the query started on (not retired meanwhile) */
static __always_inline int pinned_still(const struct lf_bpf_conn *c)
{
	__u32 zero = 0;
	struct lf_bpf_ctl *ctl = bpf_map_lookup_elem(&lf_ctl, &zero);

	return ctl && ctl->bgen[c->buf & 1] == c->gen;
}

static __always_inline void end_mi(struct sock *sk, struct lf_bpf_conn *c)
{
	static const signed char in_frac[] = LF_AURORA_CC_IN_FRAC;
	static const signed char out_frac[] = LF_AURORA_CC_OUT_FRAC;
	struct tcp_sock *tp = tcp_sk(sk);
	__u64 now = tp->tcp_mstamp, dur = max64(now - c->mi_start_us, 1), drate;
	__u32 delivered = tp->delivered - c->mi_delivered;
	__u32 lost = tp->lost - c->mi_lost;
	__u32 segs = tp->data_segs_out - c->mi_segs;
	__u32 n = c->rtt_n[0] + c->rtt_n[1], min_rtt = tcp_min_rtt(tp);
	__s64 amax = (__s64)action_max_milli * LF_CC_ONE / 1000, a;
	__s32 grad = 0, lr = LF_CC_ONE, sr = LF_CC_ONE;
	const struct lf_aurora_cc_params *p;
	__u64 mean_rtt = 0, start_rate, lo, hi, d = 0;
	__u32 loss_pm = 0, zero = 0, i, j, k = 0;
	struct lf_bpf_rec *smp;
	struct lf_bpf_last *last;
	__s64 reward;
	__u64 seq;

	count(LF_BPF_STAT_MIS);
	if (n) {
		mean_rtt = c->rtt_n[0] && c->rtt_n[1] ?
			   ((__u64)c->rtt_min[0] + c->rtt_min[1]) / 2 :
			   min64(c->rtt_min[0], c->rtt_min[1]);
		if (min_rtt && min_rtt != ~0U)
			lr = (__s32)min64((mean_rtt << LF_CC_SHIFT) / min_rtt,
					  LF_CC_RATIO_MAX);
	}
	if (c->rtt_n[0] && c->rtt_n[1]) {
		__s64 g = sdiv(((__s64)c->rtt_min[1] - (__s64)c->rtt_min[0]) *
			       LF_CC_ONE, dur);

		grad = (__s32)(g < -LF_CC_GRAD_MAX ? -LF_CC_GRAD_MAX :
			       (g > LF_CC_GRAD_MAX ? LF_CC_GRAD_MAX : g));
	}
	if (delivered && segs <= 1000ULL * delivered)
		sr = (__s32)min64(((__u64)segs << LF_CC_SHIFT) / delivered,
				  LF_CC_RATIO_MAX);
	if (segs)
		loss_pm = (__u32)min64((__u64)lost * 1000 / segs, 1000);
	for (i = 0; i + 1 < LF_CC_HIST; i++) {
		for (j = 0; j < LF_CC_NFEAT; j++)
			c->hist[i][j] = c->hist[i + 1][j];
		c->dmax[i] = c->dmax[i + 1];
	}
	c->hist[LF_CC_HIST - 1][0] = grad;
	c->hist[LF_CC_HIST - 1][1] = lr;
	c->hist[LF_CC_HIST - 1][2] = sr;
	calibrate(sk, c, segs, dur);
	drate = (__u64)delivered * tp->mss_cache * USEC_PER_SEC / dur;
	c->dmax[LF_CC_HIST - 1] = drate;
	reward = (__s64)((__u64)delivered * USEC_PER_SEC * 10 * LF_CC_ONE / dur) -
		 (__s64)(mean_rtt * LF_CC_ONE / USEC_PER_SEC) -
		 (__s64)loss_pm * 2 * LF_CC_ONE;
	reward = sdiv(reward, 1000);

	if (c->mode == LF_B_FALLBACK)
		return;
	p = pinned_params(c);
	if (!p) {
		count(LF_BPF_STAT_NOMODEL);
		to_fallback(sk, c);
		return;
	}
	for (i = 0; i < LF_CC_HIST; i++)
		for (j = 0; j < LF_CC_NFEAT; j++, k++)
			c->scr.in[k] = to_fmt(c->hist[i][j], in_frac[k]);
	count(LF_BPF_STAT_QUERIES);
	if (c->dummy)
		return;
	if (lf_aurora_cc_bpf_infer(p, &c->scr)) {
		to_fallback(sk, c);
		return;
	}
	if (!pinned_still(c)) {
		/* the buffer was retired during the query: no action this MI */
		count(LF_BPF_STAT_RETIRED);
		return;
	}
	last = bpf_map_lookup_elem(&lf_last, &zero);
	if (last) {
		last->gen = c->gen;
		last->buf = c->buf;
		for (k = 0; k < LF_AURORA_CC_N_IN; k++)
			last->in[k] = c->scr.in[k];
		last->out[0] = c->scr.out[0];
	}
	a = from_fmt(c->scr.out[0], out_frac[0]);
	seq = __sync_fetch_and_add(&lf_sample_seq, 1) + 1;
	smp = bpf_ringbuf_reserve(&lf_samples, sizeof(*smp), 0);
	if (smp) {
		smp->h.seq = seq;
		smp->h.ts_ns = bpf_ktime_get_ns();
		smp->h.gen = c->gen;
		smp->h.buf = c->buf;
		smp->h.n_in = LF_AURORA_CC_N_IN;
		smp->h.n_out = LF_AURORA_CC_N_OUT;
		smp->h.n_label = LF_B_NLABEL;
		smp->h.reserved = 0;
		for (k = 0; k < LF_AURORA_CC_N_IN; k++)
			smp->in[k] = c->scr.in[k];
		smp->out[0] = c->scr.out[0];
		smp->label[0] = (__s32)(reward < -2147483647LL ? -2147483647LL :
					(reward > 2147483647LL ? 2147483647LL : reward));
		smp->label[1] = to_fmt(a < -amax ? -amax : (a > amax ? amax : a),
				       out_frac[0]);
		bpf_ringbuf_submit(smp, 0);
		count(LF_BPF_STAT_SAMPLES);
	} else {
		count(LF_BPF_STAT_SAMPLE_DROPS);
	}
	/* saturation guard (lf_cc_contradicts) */
	if (a > -amax && a < amax) {
		c->sat_cnt = 0;
	} else if (lf_cc_contradicts(a, amax, lr, loss_pm)) {
		if (++c->sat_cnt >= distrust_mis) {
			to_fallback(sk, c);
			return;
		}
	}
	if (a > amax || a < -amax) {
		a = a > amax ? amax : -amax;
		count(LF_BPF_STAT_ACT_CLAMPS);
	}
	start_rate = c->rate;
	c->rate = lf_cc_act_rate(c->rate, a);
	/* [rate_min, rate_max], below ceiling_pct of the best delivery rate */
	lo = rate_min();
	hi = rate_max();
	for (i = 0; i < LF_CC_HIST; i++)
		d = max64(d, c->dmax[i]);
	d = d * ceiling_pct / 100;
	hi = min64(hi, max64(max64(d, start_rate), lo));
	if (c->rate < lo || c->rate > hi) {
		c->rate = c->rate < lo ? lo : hi;
		count(LF_BPF_STAT_RATE_CLAMPS);
	}
}

static __always_inline void conn_init(struct sock *sk, __u32 dummy)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lf_bpf_conn *c;
	int i;

	count(LF_BPF_STAT_CONNS);
	c = bpf_sk_storage_get(&lf_conn, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!c)
		return;		/* Reno (cong_control sees no state) */
	for (i = 0; i < LF_CC_HIST; i++) {
		c->hist[i][0] = 0;
		c->hist[i][1] = LF_CC_ONE;
		c->hist[i][2] = LF_CC_ONE;
		c->dmax[i] = 0;
	}
	c->mode = LF_B_MODEL;
	c->sat_cnt = 0;
	c->gen = 0;
	c->dummy = dummy;
	c->pace_gain = 1024;
	c->rate = cwnd_rate(tp);
	c->rate = c->rate < rate_min() ? rate_min() :
		  (c->rate > rate_max() ? rate_max() : c->rate);
	sk->sk_pacing_status = SK_PACING_NEEDED;
	pinned_params(c);
	start_mi(sk, c);
	if (!dummy)
		apply_rate(sk, c);
}

/* Reno and pacing from cwnd / sRTT (the kernel's ratios: 2x, then 1.2x) */
static __always_inline void reno(struct sock *sk, const struct rate_sample *rs)
{
	struct tcp_sock *tp = tcp_sk(sk);
	__u32 srtt = tp->srtt_us >> 3;
	__u64 r;

	tcp_reno_cong_avoid(sk, 0, rs->acked_sacked);
	if (!srtt)
		return;
	r = (__u64)tp->snd_cwnd * tp->mss_cache * USEC_PER_SEC / srtt;
	r = tp->snd_cwnd < tp->snd_ssthresh / 2 ? r * 2 : r * 12 / 10;
	sk->sk_pacing_rate = min64(r, sk->sk_max_pacing_rate);
}

static __always_inline void cong_control(struct sock *sk,
					 const struct rate_sample *rs)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct lf_bpf_conn *c = bpf_sk_storage_get(&lf_conn, sk, 0, 0);

	if (!c) {
		reno(sk, rs);
		return;
	}
	if (rs->rtt_us > 0) {
		int half = tp->tcp_mstamp - c->mi_start_us >= c->mi_dur_us / 2;
		__u32 rtt = (__u32)rs->rtt_us;

		if (half) {
			c->rtt_min[1] = rtt < c->rtt_min[1] ? rtt : c->rtt_min[1];
			c->rtt_n[1]++;
		} else {
			c->rtt_min[0] = rtt < c->rtt_min[0] ? rtt : c->rtt_min[0];
			c->rtt_n[0]++;
		}
	}
	if (tp->tcp_mstamp - c->mi_start_us >= c->mi_dur_us) {
		end_mi(sk, c);
		start_mi(sk, c);
	}
	if (c->mode == LF_B_FALLBACK || c->dummy)
		reno(sk, rs);
	else
		apply_rate(sk, c);
}

SEC("struct_ops/lf_aurora_bpf_init")
void BPF_PROG(lf_aurora_bpf_init, struct sock *sk)
{
	conn_init(sk, 0);
}

SEC("struct_ops/lf_dummy_bpf_init")
void BPF_PROG(lf_dummy_bpf_init, struct sock *sk)
{
	conn_init(sk, 1);
}

SEC("struct_ops/lf_aurora_bpf_cong_control")
void BPF_PROG(lf_aurora_bpf_cong_control, struct sock *sk,
	      const struct rate_sample *rs)
{
	cong_control(sk, rs);
}

SEC("struct_ops/lf_aurora_bpf_ssthresh")
__u32 BPF_PROG(lf_aurora_bpf_ssthresh, struct sock *sk)
{
	struct lf_bpf_conn *c = bpf_sk_storage_get(&lf_conn, sk, 0, 0);
	__u32 ss = tcp_reno_ssthresh(sk);

	/* the model reacts to loss through its features, not through cwnd */
	if (c && c->mode == LF_B_MODEL && !c->dummy &&
	    tcp_sk(sk)->snd_ssthresh > ss)
		return tcp_sk(sk)->snd_ssthresh;
	return ss;
}

SEC("struct_ops/lf_aurora_bpf_undo_cwnd")
__u32 BPF_PROG(lf_aurora_bpf_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC(".struct_ops")
struct tcp_congestion_ops lf_aurora_bpf = {
	.init = (void *)lf_aurora_bpf_init,
	.cong_control = (void *)lf_aurora_bpf_cong_control,
	.ssthresh = (void *)lf_aurora_bpf_ssthresh,
	.undo_cwnd = (void *)lf_aurora_bpf_undo_cwnd,
	.name = "lf_aurora_bpf",
};

SEC(".struct_ops")
struct tcp_congestion_ops lf_dummy_bpf = {
	.init = (void *)lf_dummy_bpf_init,
	.cong_control = (void *)lf_aurora_bpf_cong_control,
	.ssthresh = (void *)lf_aurora_bpf_ssthresh,
	.undo_cwnd = (void *)lf_aurora_bpf_undo_cwnd,
	.name = "lf_dummy_bpf",
};
