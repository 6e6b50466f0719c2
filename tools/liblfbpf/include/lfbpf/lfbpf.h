/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lfbpf.h - client library of a LiteFlow BPF program's pinned maps
 * (uapi/lf_bpf.h): the two-buffer weight update, the program's model, its
 * counters and its sample records.  Used by the loader lf_cc_bpf
 * (kmod/apps/cc/bpf) and lf-runtime's BPF backend (runtime/lib/Bpf.cpp), so
 * both write buffers the same way.  Plain C (libbpf), usable from C++.
 *
 * A weight update (lfbpf_push) is two steps:
 *   lfbpf_write_idle  bgen[idle] = 0 (retired: a socket pinned to it moves to
 *                     the active buffer, a query that started on it is
 *                     discarded), a grace period, the blob into the idle
 *                     buffer, then bgen[idle] = ++gen (published, not yet
 *                     active);
 *   lfbpf_flip        active = that buffer.
 * Between them the previous buffer is intact, so flipping back is a
 * rollback.  One writer at a time: the daemon or the loader, not both.
 * Every failure returns -1 with one line in lfbpf_error().
 */
#ifndef LFBPF_H
#define LFBPF_H

#include <stddef.h>
#include <uapi/lf_bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lfbpf;

/* grace period between retiring a buffer and rewriting it (a query takes
 * microseconds; a query that outlives it is discarded, never acted on) */
#define LFBPF_GRACE_US 2000

/*
 * Opens the maps pinned under @dir (lf_params and lf_ctl; lf_model,
 * lf_samples and lf_stats when pinned).  NULL with one line in @err (naming
 * the missing pin) on failure.
 */
struct lfbpf *lfbpf_open(const char *dir, char *err, size_t errlen);
void lfbpf_close(struct lfbpf *h);
const char *lfbpf_error(const struct lfbpf *h);

/* size of one params buffer */
__u32 lfbpf_params_size(const struct lfbpf *h);
/* fd of a pinned map ("lf_samples", "lf_stats", ...), -1 if not pinned */
int lfbpf_map_fd(const struct lfbpf *h, const char *map);

int lfbpf_ctl(struct lfbpf *h, struct lf_bpf_ctl_v *c);
/* the idle buffer rewritten with @blob and published; *@buf, *@gen: where */
int lfbpf_write_idle(struct lfbpf *h, const void *blob, unsigned int grace_us,
		     __u32 *buf, __u32 *gen);
/* makes @buf (holding a published generation) the active buffer */
int lfbpf_flip(struct lfbpf *h, __u32 buf);
/* retires the idle buffer @buf (bgen 0): its sockets move to the active one */
int lfbpf_retire(struct lfbpf *h, __u32 buf);
/* lfbpf_write_idle + lfbpf_flip */
int lfbpf_push(struct lfbpf *h, const void *blob, unsigned int grace_us,
	       __u32 *buf, __u32 *gen);
/* copies buffer @buf (lfbpf_params_size() bytes) into @out */
int lfbpf_read_params(struct lfbpf *h, __u32 buf, void *out);

/* the program's model (lf_model) */
int lfbpf_model(struct lfbpf *h, struct lf_bpf_model *m);
/* counter @idx (LF_BPF_STAT_*) summed over the CPUs */
int lfbpf_stat(struct lfbpf *h, __u32 idx, __u64 *sum);

/*
 * A ring buffer record: its header if @len holds it and the values it
 * announces (n_in + n_out + n_label __s32 after the header), else NULL.
 */
const struct lf_bpf_sample *lfbpf_sample(const void *data, size_t len);
static inline const __s32 *lfbpf_sample_values(const struct lf_bpf_sample *s)
{
	return (const __s32 *)(s + 1);
}

#ifdef __cplusplus
}
#endif

#endif /* LFBPF_H */
