/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * liteflow.h - generic netlink interface of the LiteFlow kernel core
 * (lf_core.ko).  Shared by the kernel module and userspace (lfctl, the
 * runtime daemon); plain C, usable from C++.
 *
 * Family LF_GENL_NAME, resolved by name (CTRL_CMD_GETFAMILY).  Every request
 * attribute is validated strictly: an unknown attribute type, a reply-only
 * attribute in a request, a wrong length or an oversized string/blob is
 * rejected with EINVAL before any state changes; an integer outside its
 * range with ERANGE.  Commands marked (admin) need CAP_NET_ADMIN.
 */
#ifndef _UAPI_LITEFLOW_H
#define _UAPI_LITEFLOW_H

#include <linux/types.h>

#define LF_GENL_NAME		"liteflow"
#define LF_GENL_VERSION		1
#define LF_GENL_MCGRP_SAMPLES	"samples"
#define LF_GENL_MCGRP_QUERIES	"queries"
#define LF_LAT_BUCKETS		32	/* log2 latency histogram buckets */
#define LF_PUSH_MAX		(64U << 20)	/* largest chunked push, bytes */

/**
 * enum lf_cmd - commands of the liteflow family
 * @LF_CMD_GET_MODEL: doit: one model (MODEL_NAME or MODEL_ID); dump: all
 *	models.  Reply: model attributes, SNAPSHOTS, STATS.
 * @LF_CMD_ACTIVATE: (admin) MODEL_NAME|MODEL_ID [VERSION]: make the standby
 *	(or the given version) active; the old active becomes standby.
 * @LF_CMD_EVAL: MODEL_NAME|MODEL_ID, INPUTS (k * n_in s32) [VERSION | SLOT]:
 *	run the snapshot (default: active) on k samples; reply: OUTPUTS
 *	(k * n_out s32), VERSION, GEN.  Bypasses the flow cache and stats.
 * @LF_CMD_PUSH: (admin) MODEL_NAME|MODEL_ID, PARAMS, ARCH_HASH [VERSION]:
 *	replace the weights of the standby snapshot (same size and arch hash;
 *	VERSION, if given, must be the standby's).  Reply: VERSION, GEN.
 * @LF_CMD_GET_CONFIG: reply: CACHE_SIZE, AGEING_MS, BATCH_SIZE, FLUSH_MS,
 *	CACHE_ENTRIES, CACHE_BUCKETS, INST_ALIVE, INST_FREED, CACHE_EVICTIONS,
 *	UQ_MAX, UQ_TIMEOUT_MS, UQ_PENDING and the UQ_* counters.
 * @LF_CMD_SET_CONFIG: (admin) any of CACHE_SIZE, AGEING_MS, BATCH_SIZE,
 *	FLUSH_MS, UQ_MAX, UQ_TIMEOUT_MS.
 * @LF_CMD_FLUSH_CACHE: (admin) [MODEL_NAME|MODEL_ID]: drop flow cache
 *	entries (of one model or all).
 * @LF_CMD_SAMPLES: multicast only (group LF_GENL_MCGRP_SAMPLES): MODEL_NAME,
 *	MODEL_ID, SEQ, DROPS, SAMPLE_COUNT, SAMPLES.
 * @LF_CMD_DEACTIVATE: (admin) MODEL_NAME|MODEL_ID: retire the active
 *	snapshot (it becomes standby if there is none, idle otherwise); new
 *	flows get no answer until the next ACTIVATE.  Unpins its module.
 * @LF_CMD_PUSH_CHUNK: (admin) MODEL_NAME|MODEL_ID, OFFSET, TOTAL, PARAMS:
 *	stage part of a weight push larger than one attribute.  OFFSET 0
 *	starts a new staging buffer of TOTAL bytes (replacing any earlier
 *	one); each further chunk must continue where the last ended, with the
 *	same TOTAL, from the same socket.  Nothing changes until COMMIT.
 * @LF_CMD_PUSH_COMMIT: (admin) MODEL_NAME|MODEL_ID, ARCH_HASH [VERSION]:
 *	all TOTAL staged bytes become the standby's weights, as PUSH does
 *	(reply VERSION, GEN).  Any error (an incomplete or missing staging, a
 *	chunk out of order, a size or hash mismatch) discards the staging and
 *	leaves the standby unchanged: all or nothing.
 * @LF_CMD_QUERY: multicast only (group LF_GENL_MCGRP_QUERIES): a datapath
 *	module asks userspace for the model's answer (lf_user_query()):
 *	MODEL_NAME, MODEL_ID, QUERY_SEQ, FLOW_KEY, INPUTS (n_in s32 in the
 *	model's input formats).
 * @LF_CMD_ANSWER: (admin) MODEL_ID, QUERY_SEQ, ANSWER (n_out s32 in the
 *	model's output formats): the answer to the query QUERY_SEQ.  An answer
 *	whose query is gone (answered, expired after UQ_TIMEOUT_MS, cancelled)
 *	is counted as stale (UQ_STALE) and ignored; it is not an error.  A
 *	MODEL_ID or ANSWER length that does not fit the query is EINVAL and
 *	leaves the query waiting.
 *
 * A GET_MODEL dump may split a model with many snapshots over several
 * messages: each repeats the model's attributes and STATS and carries the
 * next part of SNAPSHOTS; consecutive messages with one MODEL_ID are one
 * model.
 */
enum lf_cmd {
	LF_CMD_UNSPEC,
	LF_CMD_GET_MODEL,
	LF_CMD_ACTIVATE,
	LF_CMD_EVAL,
	LF_CMD_PUSH,
	LF_CMD_GET_CONFIG,
	LF_CMD_SET_CONFIG,
	LF_CMD_FLUSH_CACHE,
	LF_CMD_SAMPLES,
	LF_CMD_DEACTIVATE,
	LF_CMD_PUSH_CHUNK,
	LF_CMD_PUSH_COMMIT,
	LF_CMD_QUERY,
	LF_CMD_ANSWER,
	__LF_CMD_MAX,
};
#define LF_CMD_MAX (__LF_CMD_MAX - 1)

/**
 * enum lf_slot - which snapshot of a model
 * @LF_SLOT_ACTIVE: the active snapshot
 * @LF_SLOT_STANDBY: the standby snapshot
 * @LF_SLOT_IDLE: registered, in neither slot (reported by GET_MODEL only)
 */
enum lf_slot {
	LF_SLOT_ACTIVE,
	LF_SLOT_STANDBY,
	LF_SLOT_IDLE,
};

/*
 * Attributes.  (req) may appear in requests; all others are reply-only and
 * rejected in requests.
 */
enum lf_attr {
	LF_ATTR_UNSPEC,
	LF_ATTR_PAD,
	LF_ATTR_MODEL_NAME,	/* (req) NUL string, < 32 bytes */
	LF_ATTR_MODEL_ID,	/* (req) u32 */
	LF_ATTR_VERSION,	/* (req) u32 snapshot version */
	LF_ATTR_SLOT,		/* (req) u8 enum lf_slot (ACTIVE or STANDBY) */
	LF_ATTR_ARCH_HASH,	/* (req) u64 */
	LF_ATTR_INPUTS,		/* (req) binary: s32 array */
	LF_ATTR_PARAMS,		/* (req) binary: weights blob */
	LF_ATTR_CACHE_SIZE,	/* (req) u32 max flow cache entries, 1..2^22 */
	LF_ATTR_AGEING_MS,	/* (req) u32 flow idle time, 1..3600000 */
	LF_ATTR_BATCH_SIZE,	/* (req) u32 samples per batch, 1..4096 */
	LF_ATTR_FLUSH_MS,	/* (req) u32 max batch delay, 1..60000 */

	LF_ATTR_N_IN,		/* u32 */
	LF_ATTR_N_OUT,		/* u32 */
	LF_ATTR_IN_FRAC,	/* binary: n_in s8 */
	LF_ATTR_OUT_FRAC,	/* binary: n_out s8 */
	LF_ATTR_ACTIVE_VERSION,	/* u32, absent if none */
	LF_ATTR_STANDBY_VERSION, /* u32, absent if none */
	LF_ATTR_SNAPSHOTS,	/* nested: LF_ATTR_SNAPSHOT* */
	LF_ATTR_SNAPSHOT,	/* nested: VERSION GEN STATE PARAMS_SIZE ... */
	LF_ATTR_GEN,		/* u32 weight generation */
	LF_ATTR_STATE,		/* u8 enum lf_slot */
	LF_ATTR_PARAMS_SIZE,	/* u32 */
	LF_ATTR_STACK_BYTES,	/* u32 */
	LF_ATTR_MODULE,		/* string: owner module */
	LF_ATTR_FLOWS,		/* u32 flows pinned to the snapshot */
	LF_ATTR_STATS,		/* nested: LF_ATTR_STAT_* */
	LF_ATTR_STAT_QUERIES,	/* u64 */
	LF_ATTR_STAT_HITS,	/* u64 flow cache hits */
	LF_ATTR_STAT_MISSES,	/* u64 flow cache misses */
	LF_ATTR_STAT_UNCACHED,	/* u64 misses not cached (cache full) */
	LF_ATTR_STAT_ERRORS,	/* u64 failed queries */
	LF_ATTR_STAT_SWITCHES,	/* u64 active/standby switches */
	LF_ATTR_STAT_PUSHES,	/* u64 weight pushes */
	LF_ATTR_STAT_INFER_NS,	/* u64 mean inference time (1/16 sampled) */
	LF_ATTR_STAT_SAMPLES,	/* u64 samples sent to userspace */
	LF_ATTR_STAT_BATCHES,	/* u64 batches sent */
	LF_ATTR_STAT_DROPS,	/* u64 samples dropped */
	LF_ATTR_OUTPUTS,	/* binary: s32 array */
	LF_ATTR_CACHE_ENTRIES,	/* u32 */
	LF_ATTR_CACHE_BUCKETS,	/* u32 */
	LF_ATTR_INST_ALIVE,	/* u64 snapshot instances allocated now */
	LF_ATTR_INST_FREED,	/* u64 snapshot instances freed so far */
	LF_ATTR_SEQ,		/* u64 batch sequence number (per model) */
	LF_ATTR_DROPS,		/* u64 cumulative dropped samples (per model) */
	LF_ATTR_SAMPLE_COUNT,	/* u32 */
	LF_ATTR_SAMPLES,	/* binary: SAMPLE_COUNT struct lf_sample records */
	LF_ATTR_STAT_EVICTIONS,	/* u64 live flow cache entries evicted (cache full) */
	LF_ATTR_CACHE_EVICTIONS, /* u64 evictions of every model */
	LF_ATTR_STAT_LAT_HIST,	/* binary: LF_LAT_BUCKETS __u64: timed queries
				 * (1 in 16, all while the lf_query tracepoint
				 * is on) by latency, bucket i: [2^i, 2^(i+1)) ns
				 * (bucket 0 also 0 ns, the last one open) */
	LF_ATTR_OFFSET,		/* (req) u32 byte offset of a PUSH_CHUNK */
	LF_ATTR_TOTAL,		/* (req) u32 size of a chunked push, 1..LF_PUSH_MAX */
	LF_ATTR_QUERY_SEQ,	/* (req) u64 number of a userspace query */
	LF_ATTR_FLOW_KEY,	/* u64 flow key of a userspace query */
	LF_ATTR_ANSWER,		/* (req) binary: s32 array, a query's outputs */
	LF_ATTR_UQ_MAX,		/* (req) u32 most queries waiting, 1..65536 */
	LF_ATTR_UQ_TIMEOUT_MS,	/* (req) u32 a query's answer time, 1..60000 */
	LF_ATTR_UQ_PENDING,	/* u32 queries waiting for an answer now */
	LF_ATTR_UQ_SENT,	/* u64 queries multicast so far */
	LF_ATTR_UQ_ANSWERED,	/* u64 answers delivered to their caller */
	LF_ATTR_UQ_STALE,	/* u64 answers whose query was gone */
	LF_ATTR_UQ_EXPIRED,	/* u64 queries never answered in time */
	LF_ATTR_UQ_REFUSED,	/* u64 queries refused: UQ_MAX waiting, no memory */
	LF_ATTR_UQ_BAD,		/* u64 answers refused: wrong model or length */
	__LF_ATTR_MAX,
};
#define LF_ATTR_MAX (__LF_ATTR_MAX - 1)

/**
 * struct lf_sample - header of one record in LF_ATTR_SAMPLES
 * @flow_key: flow the sample belongs to
 * @ts_ns: ktime_get_ns() when it was collected
 * @version: version of the snapshot serving @flow_key when the sample was
 *	collected (the flow cache's pin), 0 if the flow was not pinned
 * @gen: weight generation of that snapshot instance
 * @n_in: number of s32 inputs that follow
 * @n_out: number of s32 outputs that follow the inputs
 * @n_label: number of s32 labels/rewards that follow the outputs
 * @reserved: zero
 *
 * A record is the header, then n_in + n_out + n_label __s32 values, padded
 * to a multiple of 8 bytes (LF_SAMPLE_SIZE()).
 */
struct lf_sample {
	__u64 flow_key;
	__u64 ts_ns;
	__u32 version;
	__u32 gen;
	__u16 n_in;
	__u16 n_out;
	__u16 n_label;
	__u16 reserved;
};

#define LF_SAMPLE_SIZE(n_in, n_out, n_label) \
	((sizeof(struct lf_sample) + 4 * ((n_in) + (n_out) + (n_label)) + 7) & ~7UL)

#endif /* _UAPI_LITEFLOW_H */
