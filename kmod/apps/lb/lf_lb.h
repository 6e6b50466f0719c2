/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_lb.h - private header of lf_lb.ko, LiteFlow's load balancing: a host
 * with N paths (2..8) to its destinations picks one per TCP flow (or per
 * flowlet) with an MLP queried through lf_core, over live path statistics
 * kept by the module from its own datapath.
 *
 * A path is a packet mark: path i is mark_base + i (under mark_mask), which
 * policy routing (ip rule fwmark -> a table whose route leaves through the
 * path's own next hop) turns into the path; the NF_INET_LOCAL_OUT hook sets
 * the mark and routes the packet again (see lf_lb_hook.c for why not a tc
 * redirect).
 *
 * The model (name "lbmlp" by default) has LF_LB_N_IN inputs: LF_LB_NFEAT
 * features for each of LF_LB_PATHS_MAX path slots, slot-major, and
 * LF_LB_PATHS_MAX outputs: a score per path, the predicted log2 of the
 * throughput (kbit/s) a new flow would get on it.  Slots beyond the
 * configured paths and down paths have all features 0 and are never picked.
 * Features of one path (real values; Q8 inside the module, converted to the
 * model's in_frac at the query):
 *   0 up: 1 (0 for a missing or down path)
 *   1 lg(smoothed RTT in us) of the TCP sockets on the path, relative to
 *     the lowest of the up paths: lg(srtt) - min lg(srtt) (>= 0)
 *   2 loss: retransmitted / sent packets on the path, in percent
 *     (smoothed over 100 ms intervals)
 *   3 lg(recent sending rate on the path in kbit/s + 1)
 *   4 flows on the path now (active, at most 255)
 *   5 lg(throughput in kbit/s) that recent flows got on the path: EWMA (1/4)
 *     over the flows that ended there with their FIN handshake (0: none yet)
 * The label of a flow (lf_collect_sample() when it ends): the kernel's
 * outputs of its query with the entry of the path it used replaced by
 * lg(bytes x 8 / FCT in us x 1000), the throughput it got in kbit/s.  With
 * lf-runtime's MSE objective this trains the chosen path's score toward what
 * the flow got and leaves the other scores where the snapshot had them: a
 * supervised per-path FCT (throughput) predictor (kmod/apps/lb/README.md says
 * why not a policy gradient).
 */
#ifndef _LF_LB_H
#define _LF_LB_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/netdevice.h>
#include "lf_bind.h"

#define LF_LB_PATHS_MAX	8
#define LF_LB_NFEAT	6
#define LF_LB_N_IN	(LF_LB_PATHS_MAX * LF_LB_NFEAT)
#define LF_LB_N_OUT	LF_LB_PATHS_MAX
#define LF_LB_Q		8	/* Q8 fixed point inside the module */

enum lf_lb_mode {
	LF_LB_OFF,	/* no marking: the main table's route (path 0) */
	LF_LB_ECMP,	/* hash of the 5-tuple over the up paths */
	LF_LB_FLOWLET,	/* a random up path per flowlet (fixed timeout) */
	LF_LB_NN,	/* the MLP in the kernel, per flow (per flowlet: nn_flowlet_us) */
	LF_LB_USER,	/* the MLP in userspace: default path until its answer */
	LF_LB_NMODE,
};

enum lf_lb_stat {
	LF_LB_ST_FLOWS,		/* flows tracked (SYN seen) */
	LF_LB_ST_FULL,		/* flows not tracked: table full */
	LF_LB_ST_NOMEM,		/* flows not tracked: allocation failed */
	LF_LB_ST_QUERIES,	/* lf_query_model() calls */
	LF_LB_ST_QERRORS,	/* failed queries (the flow takes ECMP's path) */
	LF_LB_ST_NOMODEL,	/* queries wanted with no bound model */
	LF_LB_ST_FLOWLETS,	/* flowlet gaps that re-picked a path */
	LF_LB_ST_UPCALLS,	/* userspace requests sent */
	LF_LB_ST_UPFAIL,	/* userspace requests not sent */
	LF_LB_ST_ANSWERS,	/* userspace answers applied */
	LF_LB_ST_STALE,		/* answers for no waiting flow */
	LF_LB_ST_UPCALL_US,	/* sum of request->answer times (us) */
	LF_LB_ST_REPATH,	/* flows moved off a path that went down */
	LF_LB_ST_NOROUTE,	/* re-routing failed (the path is marked down) */
	LF_LB_ST_END_FIN,	/* flows ended by their FIN handshake */
	LF_LB_ST_END_RST,	/* flows ended by RST */
	LF_LB_ST_END_IDLE,	/* flows ended by the idle timeout */
	LF_LB_ST_END_REUSE,	/* flows ended by a new SYN on their tuple */
	LF_LB_ST_LABELS,	/* samples queued with lf_collect_sample() */
	LF_LB_ST_LABEL_DROPS,	/* samples the collector refused (-ENOBUFS) */
	LF_LB_ST_NUM,
};

struct lf_lb_pcpu {
	u64 st[LF_LB_ST_NUM];
};

extern struct lf_lb_pcpu __percpu *lf_lb_stats;

static inline void lf_lb_add(enum lf_lb_stat s, u64 v)
{
	this_cpu_add(lf_lb_stats->st[s], v);
}

static inline void lf_lb_count(enum lf_lb_stat s)
{
	lf_lb_add(s, 1);
}

/* tunables (lf_lb_main.c); read with READ_ONCE on the datapath */
struct lf_lb_tun {
	int mode;		/* enum lf_lb_mode */
	u32 npaths;		/* configured paths, 2..LF_LB_PATHS_MAX */
	u32 mark_base;		/* path i: mark mark_base + i */
	u32 mark_mask;		/* bits of skb->mark lf_lb owns */
	u32 flowlet_us;		/* flowlet gap of mode flowlet */
	u32 nn_flowlet_us;	/* mode nn: re-query at gaps this long (0: per flow) */
	u32 default_path;	/* mode user: path until the answer */
	u32 idle_ms;		/* a flow idle this long has ended */
	u32 max_flows;		/* most tracked flows */
	u32 label_bytes;	/* smallest flow whose throughput labels its query */
};
extern struct lf_lb_tun lf_lb_tun;

/* the bound MLP (lf_bind.h), under rcu_read_lock() */
struct lf_bound *lf_lb_model_rcu(void);

/* lf_lb_path.c: per-path statistics and state */
int lf_lb_path_init(void);
void lf_lb_path_exit(void);
bool lf_lb_path_up(u32 i);
u32 lf_lb_paths_up(void);		/* bitmask of up paths < npaths */
void lf_lb_path_set_down(u32 i, bool down, const char *why);
void lf_lb_path_seen_dev(u32 i, const struct net_device *dev);
void lf_lb_path_packet(u32 i, u32 bytes, bool retx, u32 srtt_us);
void lf_lb_path_flow(u32 i, int delta);
void lf_lb_path_flow_done(u32 i, u32 lg_kbps);
void lf_lb_path_features(u32 feat[LF_LB_N_IN]);	/* Q8 */
int lf_lb_path_show(char *buf);
u32 lf_lb_path_pick_random(u32 up);
u32 lf_lb_path_pick_hash(u64 hash, u32 up);

/* lf_lb_flow.c: the flow table; returns the path of the packet or -1 */
int lf_lb_flow_init(void);
void lf_lb_flow_exit(void);
int lf_lb_flow_packet(__be32 s, __be32 d, __be16 sp, __be16 dp, u32 seq,
		      u32 payload, u8 flags, bool retry, bool *retx);
bool lf_lb_flow_answer(u64 key, const s32 *out, u32 n_out);
u32 lf_lb_flow_count(void);
u32 lf_lb_lg(u64 x);
s32 lf_lb_to_fmt(u32 q8, s8 frac);
u32 lf_lb_from_fmt(s32 v, s8 frac);

/* lf_lb_hook.c */
int lf_lb_hook_init(void);
void lf_lb_hook_exit(void);
int lf_lb_attach(bool attach);
u32 lf_lb_attached(void);

/*
 * lf_lb_user.c: the userspace deployment's transport.  Sends the query of
 * flow @key to model @m (LF_LB_N_IN inputs in the model's formats); the
 * answer must come back through lf_lb_flow_answer(@key, ...).  Never sleeps.
 * Return: 0 when sent.  lf_lb_user_exit(): no answer runs any more.
 */
void lf_lb_user_exit(void);
int lf_lb_user_request(struct lf_model *m, u64 key, const s32 *in);

#define LF_LB_F_FIN 0x01
#define LF_LB_F_SYN 0x02
#define LF_LB_F_RST 0x04
#define LF_LB_F_ACK 0x10
#define LF_LB_F_PEERFIN 0x20	/* the socket has the peer's FIN, or is none */

#endif /* _LF_LB_H */
