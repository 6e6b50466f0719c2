/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_cc.h - private header of lf_cc.ko, LiteFlow's TCP congestion control:
 * lf_aurora, lf_mocc, lf_aurora_user (Aurora answered by userspace over
 * netlink) and lf_dummy (BBR plus one ignored NN query per ACK).
 *
 * Fixed point: features, actions and rewards are Q16.16 (LF_CC_ONE) inside
 * the module and are converted to the snapshot's own formats (in_frac /
 * out_frac, read with lf_model_formats()) at the query boundary.
 */
#ifndef _LF_CC_H
#define _LF_CC_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/version.h>
#include <net/tcp.h>
#include <linux/math64.h>
#include "lf_bind.h"
#define LF_CC_DIV64(a, b) div64_u64(a, b)
#include "lf_cc_defs.h"

#define LF_CC_IN_MAX	(LF_CC_HIST * LF_CC_NFEAT + LF_CC_NW)
#define LF_CC_OUT_MAX	4		/* outputs read: 0 is the action */

/*
 * Linux 6.10 gave cong_control the ACK's sequence and flags.  The modules
 * take the old arguments; LF_CC_CONG_CONTROL() declares the callback with the
 * signature of the kernel being built for.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define LF_CC_CONG_CONTROL(fn)						\
	static void fn##_rs(struct sock *sk, const struct rate_sample *rs); \
	static void fn(struct sock *sk, u32 ack, int flag,		\
		       const struct rate_sample *rs)			\
	{ fn##_rs(sk, rs); }						\
	static void fn##_rs(struct sock *sk, const struct rate_sample *rs)
#else
#define LF_CC_CONG_CONTROL(fn)						\
	static void fn(struct sock *sk, const struct rate_sample *rs)
#endif

/* the algorithms; index of per-algorithm bindings and counters */
enum lf_cc_algo {
	LF_CC_AURORA,
	LF_CC_MOCC,
	LF_CC_USER,
	LF_CC_DUMMY,
	LF_CC_NALGO,
};

/* per-algorithm counters (per CPU), printed by the "stats" parameter */
enum lf_cc_stat {
	LF_CC_ST_CONNS,		/* connections initialised */
	LF_CC_ST_NOMEM,		/* connections without state (fallback) */
	LF_CC_ST_MIS,		/* monitor intervals ended */
	LF_CC_ST_QUERIES,	/* lf_query_model() calls */
	LF_CC_ST_QERRORS,	/* failed queries */
	LF_CC_ST_FALLBACKS,	/* switches of a connection to fallback */
	LF_CC_ST_FALLBACK_MIS,	/* intervals run by the fallback */
	LF_CC_ST_NOMODEL,	/* intervals without a usable model */
	LF_CC_ST_DISTRUSTS,	/* snapshots distrusted (saturated output) */
	LF_CC_ST_RECOVERIES,	/* connections back on a model */
	LF_CC_ST_ACT_CLAMPS,	/* actions clamped to +-action_max */
	LF_CC_ST_RATE_CLAMPS,	/* rates clamped to the floor or ceiling */
	LF_CC_ST_SAMPLES,	/* samples queued with lf_collect_sample() */
	LF_CC_ST_SAMPLE_DROPS,	/* samples the collector refused */
	LF_CC_ST_UPCALLS,	/* userspace requests sent */
	LF_CC_ST_ANSWERS,	/* userspace answers applied */
	LF_CC_ST_STALE,		/* answers too late or for another request */
	LF_CC_ST_UPCALL_US,	/* sum of request->answer times (us) */
	LF_CC_ST_CG_WEIGHTS,	/* connections with their cgroup's MOCC weights */
	LF_CC_ST_NUM,
};

#define LF_CC_UPHIST	16	/* log2 buckets of the upcall round trip (us) */

struct lf_cc_pcpu {
	u64 v[LF_CC_NALGO][LF_CC_ST_NUM];
	u64 uphist[LF_CC_UPHIST];
};

extern struct lf_cc_pcpu __percpu *lf_cc_stats;

static inline void lf_cc_count(enum lf_cc_algo a, enum lf_cc_stat s)
{
	this_cpu_inc(lf_cc_stats->v[a][s]);
}

static inline void lf_cc_add(enum lf_cc_algo a, enum lf_cc_stat s, u64 n)
{
	this_cpu_add(lf_cc_stats->v[a][s], n);
}

/* the model bound to an algorithm (lf_bind.h), under rcu_read_lock() */
struct lf_bound *lf_cc_model_rcu(enum lf_cc_algo a);

/* tunables (module parameters, lf_cc_main.c) */
struct lf_cc_tun {
	unsigned int rate_min_kbps;
	unsigned int rate_max_mbps;
	unsigned int action_max_milli;
	unsigned int cwnd_gain_pct;
	unsigned int ceiling_pct;
	unsigned int pace_max_pct;
	unsigned int mi_min_pkts;
	unsigned int distrust_mis;
	unsigned int explore_milli;
	unsigned int repin_ms;
	unsigned int mocc_w[LF_CC_NW];	/* per mille */
};

extern struct lf_cc_tun lf_cc_tun;

/* fallback: CUBIC (RFC 8312) on the kernel's slow start and AI helpers */
struct lf_cc_cubic {
	u32 w_max;		/* cwnd before the last reduction */
	u32 k_us;		/* time to reach w_max again */
	u32 epoch_us;		/* start of the current growth epoch (low 32) */
	u32 w_est;		/* TCP-friendly (Reno) estimate, packets << 7 */
	u32 ack_cnt;
	u8 prev_state;
};

void lf_cc_cubic_init(struct lf_cc_cubic *c);
u32 lf_cc_cubic_ssthresh(struct sock *sk, struct lf_cc_cubic *c);
void lf_cc_cubic_ack(struct sock *sk, struct lf_cc_cubic *c,
		     const struct rate_sample *rs);
void lf_cc_pace_from_cwnd(struct sock *sk);

/* lf_cc_user.c: the userspace deployment (lf_user_query() per MI) */
struct lf_cc_conn;
void lf_cc_user_exit(void);
int lf_cc_user_attach(struct lf_cc_conn *c);
void lf_cc_user_detach(struct lf_cc_conn *c);
int lf_cc_user_request(struct lf_cc_conn *c, struct lf_model *m,
		       const s32 *in, u32 n_in);

/* lf_cc_mocc.c: MOCC's objective weights by cgroup */
void lf_cc_mocc_weights(struct sock *sk, u16 *w);
void lf_cc_mocc_exit(void);

/* per-connection state of the Aurora-family algorithms (lf_cc_aurora.c) */
struct lf_cc_conn {
	u64 key;			/* base flow key, random per connection */
	u32 epoch;			/* flow key = key + epoch (re-pin) */
	u8 algo;
	u8 mode;			/* enum lf_cc_mode */
	u16 sat_cnt;			/* consecutive contradicting MIs */
	u32 mis;			/* monitor intervals ended */
	u64 rate;			/* sending rate, bytes/s */
	u32 pace_gain;			/* pacing rate / rate, << 10 */
	u64 mi_start_us;
	u32 mi_dur_us;
	u32 mi_delivered;		/* tp->delivered at the MI start */
	u32 mi_lost;
	u32 mi_segs;			/* tp->data_segs_out at the MI start */
	u32 rtt_min[2];			/* smallest RTT of each half, us */
	u32 rtt_n[2];
	u64 dmax[LF_CC_HIST];		/* delivery rates of recent MIs */
	s32 hist[LF_CC_HIST][LF_CC_NFEAT]; /* Q16.16, oldest first */
	s32 prev_in[LF_CC_IN_MAX];	/* last query, for its sample */
	s32 prev_raw[LF_CC_OUT_MAX];	/* the snapshot's outputs */
	s32 prev_out;			/* the action taken (out_frac) */
	bool prev_valid;
	u32 bad_ver, bad_gen;		/* the distrusted snapshot */
	u64 pin_us;			/* when the flow key was last changed */
	u16 mocc_w[LF_CC_NW];		/* MOCC's objective weights, per mille */
	/* userspace deployment */
	u32 user_id;
	u32 req_seq;			/* WRITE_ONCE: read by the answer */
	u32 ans_seq;			/* WRITE_ONCE by the netlink handler */
	s32 ans_out;
	u32 ans_done;			/* last answered seq applied */
	struct rcu_head rcu;
};

extern struct tcp_congestion_ops lf_cc_aurora_ops, lf_cc_mocc_ops,
	lf_cc_user_ops, lf_cc_dummy_ops;

int lf_cc_dummy_setup(void);
void lf_cc_dummy_cleanup(void);

#endif /* _LF_CC_H */
