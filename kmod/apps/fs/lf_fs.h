/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_fs.h - private header of lf_fs.ko, LiteFlow's flow scheduling: a
 * flow-size predictor (FLUX's FFNN) queried through lf_core once per new TCP
 * flow on egress, whose predicted size picks a strict-priority class
 * (PIAS-style thresholds) written into DSCP and skb->priority.
 *
 * Classes: 0 is the highest priority.  Class c is marked DSCP CS(c + 1)
 * (dsfield (c + 1) << 5) and skb->priority c; unmarked traffic keeps DSCP 0.
 *
 * Features (inputs of the model, in this order; log2 values are the
 * piecewise-linear log2 of lf_fs_lg(), Q8 inside the module, converted to
 * the model's in_frac at the query):
 *   0 lg(payload bytes of the flow's first data packet)
 *   1 1 if that packet has PSH (the application's whole first write fits), else 0
 *   2 EWMA (1/4) of lg(size) of the destination port's finished flows, 0: none
 *   3 EWMA (1/16) of lg(size) of the host pair's finished flows, 0: none
 * Output 0: lg(size in bytes).  The label sent at the flow's end is lg(real
 * size) in the output's format (the runtime's MSE objective on log size).
 */
#ifndef _LF_FS_H
#define _LF_FS_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/in6.h>
#include "lf_bind.h"

#define LF_FS_N_IN	4	/* predictor inputs (features above) */
#define LF_FS_OUT_MAX	16	/* most outputs of a bound predictor */
#define LF_FS_NCLASS_MAX 7	/* classes: thresholds + 1; class c is CS(c + 1) */
#define LF_FS_LG_SHIFT	8	/* Q8 log2 values inside the module */

enum lf_fs_mode {
	LF_FS_OFF,	/* no marking (FIFO, or the application marks: oracle) */
	LF_FS_PIAS,	/* class by bytes sent so far */
	LF_FS_NN,	/* class by the in-kernel predictor, then PIAS demotion */
	LF_FS_USER,	/* class by the userspace predictor (lf_user_query()) */
	LF_FS_NMODE,
};

enum lf_fs_stat {
	LF_FS_ST_FLOWS,		/* flows tracked (SYN seen) */
	LF_FS_ST_FULL,		/* flows not tracked: table full */
	LF_FS_ST_NOMEM,		/* flows not tracked: allocation failed */
	LF_FS_ST_QUERIES,	/* lf_query_model() calls */
	LF_FS_ST_QERRORS,	/* failed queries (flow keeps the default class) */
	LF_FS_ST_NOMODEL,	/* first data packets with no bound model */
	LF_FS_ST_UPCALLS,	/* userspace requests sent */
	LF_FS_ST_UPFAIL,	/* userspace queries not sent (no listener, full) */
	LF_FS_ST_ANSWERS,	/* userspace answers applied */
	LF_FS_ST_STALE,		/* answers for no waiting flow */
	LF_FS_ST_UPCALL_US,	/* sum of request->answer times (us) */
	LF_FS_ST_DEMOTIONS,	/* flows demoted below their predicted class */
	LF_FS_ST_END_FIN,	/* flows ended by FIN */
	LF_FS_ST_END_RST,	/* flows ended by RST */
	LF_FS_ST_END_IDLE,	/* flows ended by the idle timeout */
	LF_FS_ST_END_REUSE,	/* flows ended by a new SYN on their tuple */
	LF_FS_ST_LABELS,	/* samples queued with lf_collect_sample() */
	LF_FS_ST_LABEL_DROPS,	/* samples the collector refused (-ENOBUFS) */
	LF_FS_ST_ABS_ERR,	/* sum of |lg(pred) - lg(size)| (Q8) of labelled flows */
	LF_FS_ST_NUM,
};

struct lf_fs_pcpu {
	u64 st[LF_FS_ST_NUM];
	u64 pkts[LF_FS_NCLASS_MAX];	/* packets marked per class */
};

extern struct lf_fs_pcpu __percpu *lf_fs_stats;

static inline void lf_fs_add(enum lf_fs_stat s, u64 v)
{
	this_cpu_add(lf_fs_stats->st[s], v);
}

static inline void lf_fs_count(enum lf_fs_stat s)
{
	lf_fs_add(s, 1);
}

/* tunables (lf_fs_main.c) */
struct lf_fs_tun {
	int mode;			/* enum lf_fs_mode */
	u32 nthr;			/* number of thresholds: classes = nthr + 1 */
	u64 thr[LF_FS_NCLASS_MAX - 1];	/* class boundaries in bytes, increasing */
	u32 default_class;		/* class before a prediction arrives */
	u32 idle_ms;			/* a flow idle this long has ended */
	u32 max_flows;			/* most tracked flows */
};
extern struct lf_fs_tun lf_fs_tun;

/* the bound predictor (lf_bind.h), under rcu_read_lock() */
struct lf_bound *lf_fs_model_rcu(void);

/**
 * struct lf_fs_flow - one tracked TCP flow (the sending side's view)
 * @node: bucket list
 * @key: siphash of the 5-tuple: table key and lf_core flow key
 * @saddr: source address (IPv4 as v4-mapped)
 * @daddr: destination address
 * @sport: source port
 * @dport: destination port
 * @isn: initial sequence number (from the SYN)
 * @end: highest sequence number sent + 1 (data only)
 * @last: jiffies of the last packet
 * @pred: predicted lg(size), Q8 (valid when @state is LF_FS_PREDICTED)
 * @in: the query's inputs (model formats), kept for the label
 * @out: the query's output (model format)
 * @state: enum lf_fs_state
 * @cls: the flow's current class
 * @pred_cls: class of the predicted size
 */
struct lf_fs_flow {
	struct hlist_node node;
	u64 key;
	struct in6_addr saddr, daddr;
	__be16 sport, dport;
	u32 isn;
	u32 end;
	unsigned long last;
	u32 pred;
	s32 in[LF_FS_N_IN];
	s32 out;
	u8 state;
	u8 cls;
	u8 pred_cls;
};

enum lf_fs_state {
	LF_FS_NEW,		/* SYN seen, no data yet */
	LF_FS_NOPRED,		/* data sent, no prediction (pias, errors) */
	LF_FS_WAIT,		/* waiting for the userspace answer */
	LF_FS_PREDICTED,	/* prediction known */
};

/* lf_fs_flow.c */
int lf_fs_flow_init(void);
void lf_fs_flow_exit(void);
u64 lf_fs_key(const struct in6_addr *s, const struct in6_addr *d, __be16 sp,
	      __be16 dp);
/*
 * Called by the hook for every TCP packet of the netns: updates or creates
 * the flow and returns the class to mark, or -1 to leave the packet alone.
 */
int lf_fs_flow_packet(const struct in6_addr *s, const struct in6_addr *d,
		      __be16 sp, __be16 dp, u32 seq, u32 payload, u8 flags);
/* apply a userspace answer; false if no flow waits for it */
bool lf_fs_flow_answer(u64 key, s32 out);
u32 lf_fs_flow_count(void);
u32 lf_fs_lg(u64 x);
u32 lf_fs_class_of(u64 bytes);

/* lf_fs_hook.c */
int lf_fs_hook_init(void);
void lf_fs_hook_exit(void);

/* lf_fs_user.c */
void lf_fs_user_exit(void);
int lf_fs_user_request(struct lf_model *m, u64 key, const s32 *in);

#define LF_FS_F_FIN 0x01
#define LF_FS_F_SYN 0x02
#define LF_FS_F_RST 0x04
#define LF_FS_F_PSH 0x08
#define LF_FS_F_ACK 0x10

#endif /* _LF_FS_H */
