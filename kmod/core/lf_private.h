/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_private.h - structures shared by the files of lf_core.ko:
 *
 *   lf_main.c     module init/exit, parameters and runtime configuration
 *   lf_router.c   model registry, snapshot instances, active/standby router,
 *                 the query path
 *   lf_flow.c     the flow cache (rhashtable, siphash-keyed, bounded, evicting)
 *   lf_collect.c  the batched sample collector
 *   lf_netlink.c  the "liteflow" generic netlink family
 *   lf_user.c     userspace queries (upcalls) and their answers
 *
 * Locking:
 *  - lf_lock (mutex) serialises the control plane: registration, activation,
 *    weight pushes, netlink requests.  Never taken on the query path.
 *  - model->active is RCU-protected; queries run entirely inside
 *    rcu_read_lock() and hold no lock while a snapshot infers.
 *  - the flow cache is an rhashtable read under RCU; writers (insert on miss,
 *    eviction, ageing, purge) take lf_flow's spinlock with BHs off.
 *  - an instance (snapshot code + its own copy of the weights) is refcounted:
 *    one reference while it is its registration's current instance, one per
 *    flow cache entry.  The last put frees it after an RCU grace period.
 */
#ifndef _LF_PRIVATE_H
#define _LF_PRIVATE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

#include "lf_core.h"
#include "uapi/liteflow.h"

#define LF_CACHE_SIZE_DEF	65536
#define LF_CACHE_SIZE_MAX	(1U << 22)
#define LF_AGEING_MS_DEF	1000
#define LF_AGEING_MS_MAX	3600000
#define LF_BATCH_DEF		64
#define LF_BATCH_MAX		4096
#define LF_FLUSH_MS_DEF		100
#define LF_FLUSH_MS_MAX		60000
#define LF_BATCH_BYTES		(60 * 1024)	/* one netlink attribute */
#define LF_TIME_MASK		15		/* time 1 query in 16 */
#define LF_UQ_MAX_DEF		4096
#define LF_UQ_MAX_MAX		65536
#define LF_UQ_TIMEOUT_MS_DEF	1000
#define LF_UQ_TIMEOUT_MS_MAX	60000

struct lf_model;
struct lf_reg;

/**
 * struct lf_inst - one instance: a snapshot's code plus one copy of its weights
 * @ref: one reference while current, one per flow cache entry
 * @infer: the snapshot's inference function
 * @infer_batch: its batched entry (may be NULL)
 * @params: lf_core's copy of the weights (kvmalloc)
 * @reg: the registration it belongs to
 * @gen: weight generation (0 as compiled, +1 per push)
 * @rcu: freeing
 */
struct lf_inst {
	refcount_t ref;
	int (*infer)(const void *params, const s32 *in, s32 *out);
	int (*infer_batch)(const void *params, const s32 *in, s32 *out,
			   unsigned int n);
	void *params;
	struct lf_reg *reg;
	u32 gen;
	struct rcu_head rcu;
};

/**
 * struct lf_reg - one registered struct lf_snapshot_desc
 * @node: in model->regs, registration order
 * @desc: the snapshot module's descriptor
 * @model: its model
 * @cur: current instance; holds the registry's reference
 * @next_gen: generation of the next instance
 * @dead: being unregistered: no new flows are pinned to it
 */
struct lf_reg {
	struct list_head node;
	const struct lf_snapshot_desc *desc;
	struct lf_model *model;
	struct lf_inst *cur;
	u32 next_gen;
	bool dead;
};

/* per-CPU counters of one model */
struct lf_pcpu_stats {
	u64 queries;
	u64 hits;
	u64 misses;
	u64 uncached;
	u64 errors;
	u64 evictions;
	u64 infer_ns;
	u64 timed;
	u64 lat_hist[LF_LAT_BUCKETS];	/* timed queries by log2(ns) */
};

/**
 * struct lf_collector - a model's sample batches
 * @lock: protects everything below
 * @cur: the buffer being filled
 * @spare: the free buffer, NULL while it is ready or being sent
 * @ready: a full buffer waiting for @work
 * @len: bytes in @cur
 * @count: samples in @cur
 * @ready_len: bytes in @ready
 * @ready_count: samples in @ready
 * @ready_seq: sequence number of @ready
 * @ready_drops: drop counter when @ready was closed
 * @seq: last batch sequence number
 * @drops: samples dropped so far
 * @sent: samples sent so far
 * @batches: batches sent so far
 * @work: sends @ready (or @cur when the flush timer fires)
 */
struct lf_collector {
	spinlock_t lock;
	void *cur;
	void *spare;
	void *ready;
	u32 len;
	u32 count;
	u32 ready_len;
	u32 ready_count;
	u64 ready_seq;
	u64 ready_drops;
	u64 seq;
	u64 drops;
	u64 sent;
	u64 batches;
	struct delayed_work work;
};

/**
 * struct lf_model - a model: its snapshots, router state and counters
 * @node: in lf_models
 * @ref: lf_model_get() references plus one while it has snapshots
 * @id: model id
 * @name: model name
 * @arch_hash: architecture hash of every snapshot
 * @n_in: inputs of one query
 * @n_out: outputs of one query
 * @active: the active instance (RCU)
 * @standby: the standby instance (lf_lock)
 * @regs: registrations (lf_lock)
 * @switches: activations (lf_lock)
 * @pushes: weight pushes (lf_lock)
 * @stats: per-CPU query counters
 * @col: sample collector
 * @staging: a chunked weight push in progress (lf_lock): @staging.buf holds
 *	@staging.len of @staging.total bytes, sent from netlink port
 *	@staging.portid
 */
struct lf_model {
	struct list_head node;
	refcount_t ref;
	u32 id;
	char name[LF_NAME_MAX];
	u64 arch_hash;
	u32 n_in;
	u32 n_out;
	struct lf_inst __rcu *active;
	struct lf_inst *standby;
	struct list_head regs;
	u64 switches;
	u64 pushes;
	struct lf_pcpu_stats __percpu *stats;
	struct lf_collector col;
	struct {
		void *buf;
		u32 total;
		u32 len;
		u32 portid;
	} staging;
};

/* lf_main.c: runtime configuration (netlink SET_CONFIG) */
extern unsigned int lf_cache_size;
extern unsigned int lf_ageing_ms;
extern unsigned long lf_ageing;		/* jiffies */
extern unsigned int lf_batch_size;
extern unsigned int lf_flush_ms;
extern unsigned int lf_uq_max;
extern unsigned int lf_uq_timeout_ms;

/* lf_router.c */
extern struct mutex lf_lock;
extern struct list_head lf_models;
extern atomic64_t lf_inst_alive;
extern atomic64_t lf_inst_freed;
void lf_inst_put(struct lf_inst *inst);
u32 lf_inst_flows(const struct lf_inst *inst);
struct lf_model *lf_find_model(const char *name, u32 id);
size_t lf_model_nregs(const struct lf_model *m);
struct lf_inst *lf_model_active(struct lf_model *m);
int __lf_activate(struct lf_model *m, bool by_version, u32 version);
int __lf_deactivate(struct lf_model *m);
int __lf_push(struct lf_model *m, const void *params, u32 size, u64 arch_hash,
	      bool check_version, u32 version);
void lf_staging_free(struct lf_model *m);

/* lf_flow.c */
int lf_flow_init(unsigned int buckets);
void lf_flow_exit(void);
struct lf_inst *lf_flow_lookup(struct lf_model *m, u64 key);
struct lf_inst *lf_flow_peek(struct lf_model *m, u64 key);
void lf_flow_purge(u32 model_id, const struct lf_reg *reg, bool expired_only);
void lf_flow_ageing_changed(void);
void lf_flow_trim(void);
u32 lf_flow_entries(void);
u32 lf_flow_buckets(void);
u64 lf_flow_evictions(void);

/* lf_collect.c */
int lf_col_init(struct lf_collector *c);
void lf_col_free(struct lf_collector *c);
void lf_col_counters(struct lf_collector *c, u64 *sent, u64 *batches, u64 *drops);

/* lf_netlink.c */
extern struct genl_family lf_family;
enum lf_mcgrp {
	LF_MCGRP_SAMPLES,
	LF_MCGRP_QUERIES,
};
int lf_nl_init(void);
void lf_nl_exit(void);
bool lf_nl_listening(enum lf_mcgrp group);
int lf_nl_multicast(struct sk_buff *skb, enum lf_mcgrp group);

/* lf_user.c: counters of the userspace queries (lf_core-wide) */
struct lf_uq_counters {
	atomic64_t sent;
	atomic64_t answered;
	atomic64_t stale;
	atomic64_t expired;
	atomic64_t refused;
	atomic64_t bad;
};
extern struct lf_uq_counters lf_uq_stats;
int lf_nl_answer(struct sk_buff *skb, struct genl_info *info);
u32 lf_uq_waiting(void);
void lf_uq_exit(void);

#endif /* _LF_PRIVATE_H */
