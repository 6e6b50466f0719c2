/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lfnl.h - client library of lf_core's "liteflow" generic netlink family
 * (libnl-genl underneath).  Used by lfctl, the VM test clients and the
 * runtime's C++ client: one place for requests, the extack parser, reply
 * parsing (models, also split over several dump messages) and the sample
 * blob.  Plain C, usable from C++.
 *
 * Every failing call returns a negative errno and leaves a one-line
 * diagnosis in lfnl_error() (for a kernel error: strerror, plus the extack
 * message in parentheses).
 */
#ifndef LFNL_H
#define LFNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/liteflow.h"

#ifdef __cplusplus
extern "C" {
#endif

struct nl_msg;
struct nl_sock;
struct lfnl;

/**
 * lfnl_open() - a request socket with the family resolved
 *
 * Return: the handle (NULL only without memory); check lfnl_family() < 0
 * for "family not found" (errno -ENOENT, message "generic netlink family
 * 'liteflow' not found: is lf_core loaded?").
 */
struct lfnl *lfnl_open(void);
void lfnl_close(struct lfnl *h);
/* the family id, or a negative errno if lfnl_open() failed to resolve it */
int lfnl_family(const struct lfnl *h);
struct nl_sock *lfnl_sock(struct lfnl *h);
/* the diagnosis of the last failure, "" if none */
const char *lfnl_error(const struct lfnl *h);
/* the extack message of the last kernel error, "" if none */
const char *lfnl_extack(const struct lfnl *h);

/* a request message for @cmd (flags: NLM_F_DUMP or 0), @size bytes room */
struct nl_msg *lfnl_msg(struct lfnl *h, uint8_t cmd, int flags, size_t size);

/*
 * Sends @msg (consumed) with NLM_F_ACK and reads replies until the ack,
 * error or end of dump, calling @parse (may be NULL) for each reply.
 * Return: 0, or the kernel's negative errno (lfnl_extack() has its message),
 * or a negative errno for a socket failure.
 */
int lfnl_request(struct lfnl *h, struct nl_msg *msg,
		 int (*parse)(struct nl_msg *msg, void *arg), void *arg);

/* ---- parsed replies ---- */

struct lfnl_snapshot {
	uint32_t version, gen, params_size, stack_bytes, flows;
	uint8_t state;		/* enum lf_slot */
	char module[64];
};

struct lfnl_model {
	char name[32];		/* < 32 bytes: lf_core's LF_NAME_MAX */
	uint32_t id, n_in, n_out;
	uint64_t arch_hash;
	bool has_active, has_standby;
	uint32_t active, standby;
	int8_t *in_frac, *out_frac;	/* n_in_frac / n_out_frac values */
	uint32_t n_in_frac, n_out_frac;
	uint32_t n_snaps;
	struct lfnl_snapshot *snaps;
	uint64_t stat[LF_ATTR_MAX + 1];	/* indexed by LF_ATTR_STAT_* */
	uint64_t lat_hist[LF_LAT_BUCKETS];
};

/*
 * All models (@name NULL: a dump, messages of one model merged), or one
 * (*@n 0 and return 0 if it does not exist).  Free with lfnl_free_models().
 */
int lfnl_get_models(struct lfnl *h, const char *name, struct lfnl_model **models,
		    size_t *n);
void lfnl_free_models(struct lfnl_model *models, size_t n);

struct lfnl_config {
	uint32_t cache_size, ageing_ms, batch_size, flush_ms;
	uint32_t cache_entries, cache_buckets;
	uint64_t inst_alive, inst_freed, evictions;
	uint32_t uq_max, uq_timeout_ms, uq_pending;	/* userspace queries */
	uint64_t uq_sent, uq_answered, uq_stale, uq_expired, uq_refused, uq_bad;
};
int lfnl_get_config(struct lfnl *h, struct lfnl_config *c);

/* @version < 0: the standby (activate) / no check (push) */
int lfnl_activate(struct lfnl *h, const char *model, int64_t version);
int lfnl_deactivate(struct lfnl *h, const char *model);
int lfnl_flush(struct lfnl *h, const char *model);

/*
 * Weight push into the standby; more than LFNL_PUSH_CHUNK bytes are staged
 * with PUSH_CHUNK and applied by PUSH_COMMIT (all or nothing).  Reports the
 * standby's version and new generation.
 */
#define LFNL_PUSH_CHUNK 60000
int lfnl_push(struct lfnl *h, const char *model, const void *params, size_t size,
	      uint64_t arch_hash, int64_t version, uint32_t *out_version,
	      uint32_t *out_gen);

/*
 * Runs @rows input rows (@n_in values each) on the active snapshot, or
 * @version (>= 0), or the standby (@standby); @out gets rows * n_out values
 * (@n_out from the model).  Splits large inputs over several requests.
 */
int lfnl_eval(struct lfnl *h, const char *model, const int32_t *in, size_t rows,
	      uint32_t n_in, uint32_t n_out, int64_t version, bool standby,
	      int32_t *out);

/* ---- samples (multicast group "samples") ---- */

/* joins the group on @h's socket (needs CAP_NET_ADMIN) */
int lfnl_join_samples(struct lfnl *h);

struct lfnl_batch {
	const char *model;
	uint32_t model_id;
	uint64_t seq, drops;
	uint32_t count;
	const void *blob;	/* count struct lf_sample records */
	size_t len;
};

/* a SAMPLES message: 0, or -EINVAL for anything else */
int lfnl_parse_batch(struct nl_msg *msg, struct lfnl_batch *b);

/*
 * Iterates over the records of a batch's blob: *@off starts at 0; fills
 * @s and @vals (n_in + n_out + n_label values).  Return: 1 while there is
 * a record, 0 at the end, -EINVAL for a truncated record.
 */
int lfnl_sample_next(const void *blob, size_t len, size_t *off,
		     struct lf_sample *s, const int32_t **vals);

/* ---- userspace queries (multicast group "queries", lf_user_query()) ---- */

/* joins the group on @h's socket (needs CAP_NET_ADMIN) */
int lfnl_join_queries(struct lfnl *h);

struct lfnl_query {
	const char *model;
	uint32_t model_id;
	uint64_t seq, flow_key;
	const int32_t *in;	/* n_in values, the model's input formats */
	uint32_t n_in;
};

/* a QUERY message: 0, or -EINVAL for anything else */
int lfnl_parse_query(struct nl_msg *msg, struct lfnl_query *q);

/*
 * Sends the answer to query @seq of model @model_id (n_out values in the
 * model's output formats) without waiting: a refused answer comes back
 * later as an error message on @h's socket.
 */
int lfnl_answer(struct lfnl *h, uint32_t model_id, uint64_t seq, const int32_t *out,
		uint32_t n_out);

#ifdef __cplusplus
}
#endif

#endif /* LFNL_H */
