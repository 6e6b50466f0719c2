// SPDX-License-Identifier: GPL-2.0
/*
 * lfbpf.c - client library of a LiteFlow BPF program's pinned maps
 * (lfbpf.h).
 */
#include "lfbpf/lfbpf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

_Static_assert(sizeof(struct lf_bpf_ctl_v) == 16, "lfc's struct lf_bpf_ctl");

enum { M_PARAMS, M_CTL, M_MODEL, M_SAMPLES, M_STATS, M_LAST, M_N };
static const char *const map_names[M_N] = {
	"lf_params", "lf_ctl", "lf_model", "lf_samples", "lf_stats", "lf_last",
};

struct lfbpf {
	int fd[M_N];
	__u32 params_size;
	char error[320];
};

static int fail(struct lfbpf *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->error, sizeof(h->error), fmt, ap);
	va_end(ap);
	return -1;
}

struct lfbpf *lfbpf_open(const char *dir, char *err, size_t errlen)
{
	struct lfbpf *h = calloc(1, sizeof(*h));
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	char path[512];
	int i;

	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < M_N; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, map_names[i]);
		h->fd[i] = bpf_obj_get(path);
		if (h->fd[i] < 0 && i <= M_CTL) {
			snprintf(err, errlen, "%s: %s (is the BPF program up? lf_cc_bpf up)",
				 path, strerror(errno));
			lfbpf_close(h);
			return NULL;
		}
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(h->fd[M_PARAMS], &info, &len) ||
	    info.max_entries != 2) {
		snprintf(err, errlen, "%s/lf_params: not a two-buffer params map",
			 dir);
		lfbpf_close(h);
		return NULL;
	}
	h->params_size = info.value_size;
	return h;
}

void lfbpf_close(struct lfbpf *h)
{
	int i;

	if (!h)
		return;
	for (i = 0; i < M_N; i++)
		if (h->fd[i] >= 0)
			close(h->fd[i]);
	free(h);
}

const char *lfbpf_error(const struct lfbpf *h)
{
	return h->error;
}

__u32 lfbpf_params_size(const struct lfbpf *h)
{
	return h->params_size;
}

int lfbpf_map_fd(const struct lfbpf *h, const char *map)
{
	int i;

	for (i = 0; i < M_N; i++)
		if (!strcmp(map, map_names[i]))
			return h->fd[i];
	return -1;
}

int lfbpf_ctl(struct lfbpf *h, struct lf_bpf_ctl_v *c)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(h->fd[M_CTL], &zero, c))
		return fail(h, "lf_ctl: %s", strerror(errno));
	return 0;
}

static int put_ctl(struct lfbpf *h, const struct lf_bpf_ctl_v *c)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(h->fd[M_CTL], &zero, c, 0))
		return fail(h, "lf_ctl: %s", strerror(errno));
	return 0;
}

int lfbpf_write_idle(struct lfbpf *h, const void *blob, unsigned int grace_us,
		     __u32 *buf, __u32 *gen)
{
	struct lf_bpf_ctl_v c;
	__u32 idle;

	if (lfbpf_ctl(h, &c))
		return -1;
	/* nothing published yet: buffer 0 */
	idle = c.gen ? !(c.active & 1) : 0;
	c.bgen[idle] = 0;
	if (put_ctl(h, &c))
		return -1;
	usleep(grace_us);
	if (bpf_map_update_elem(h->fd[M_PARAMS], &idle, blob, 0))
		return fail(h, "lf_params[%u]: %s", idle, strerror(errno));
	c.gen++;
	c.bgen[idle] = c.gen;
	if (put_ctl(h, &c))
		return -1;
	*buf = idle;
	*gen = c.gen;
	return 0;
}

int lfbpf_flip(struct lfbpf *h, __u32 buf)
{
	struct lf_bpf_ctl_v c;

	if (lfbpf_ctl(h, &c))
		return -1;
	if (buf > 1 || !c.bgen[buf])
		return fail(h, "lf_ctl: buffer %u holds no published generation", buf);
	c.active = buf;
	return put_ctl(h, &c);
}

int lfbpf_retire(struct lfbpf *h, __u32 buf)
{
	struct lf_bpf_ctl_v c;

	if (lfbpf_ctl(h, &c))
		return -1;
	if (buf > 1 || (c.active & 1) == buf)
		return fail(h, "lf_ctl: buffer %u is the active one", buf);
	c.bgen[buf] = 0;
	return put_ctl(h, &c);
}

int lfbpf_push(struct lfbpf *h, const void *blob, unsigned int grace_us,
	       __u32 *buf, __u32 *gen)
{
	if (lfbpf_write_idle(h, blob, grace_us, buf, gen))
		return -1;
	return lfbpf_flip(h, *buf);
}

int lfbpf_read_params(struct lfbpf *h, __u32 buf, void *out)
{
	if (bpf_map_lookup_elem(h->fd[M_PARAMS], &buf, out))
		return fail(h, "lf_params[%u]: %s", buf, strerror(errno));
	return 0;
}

int lfbpf_model(struct lfbpf *h, struct lf_bpf_model *m)
{
	__u32 zero = 0;

	if (h->fd[M_MODEL] < 0)
		return fail(h, "lf_model is not pinned (a loader older than lf_bpf.h's?)");
	if (bpf_map_lookup_elem(h->fd[M_MODEL], &zero, m))
		return fail(h, "lf_model: %s", strerror(errno));
	if (!m->n_in || m->n_in > LF_BPF_MAX_IN || !m->n_out ||
	    m->n_out > LF_BPF_MAX_OUT || m->params_bytes != h->params_size)
		return fail(h, "lf_model: not written by the loader (n_in %u, n_out %u, %u params bytes)",
			    m->n_in, m->n_out, m->params_bytes);
	return 0;
}

int lfbpf_stat(struct lfbpf *h, __u32 idx, __u64 *sum)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	__u64 *v;

	if (h->fd[M_STATS] < 0)
		return fail(h, "lf_stats is not pinned");
	if (ncpu <= 0)
		return fail(h, "cannot count the possible CPUs");
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return fail(h, "out of memory");
	if (bpf_map_lookup_elem(h->fd[M_STATS], &idx, v)) {
		free(v);
		return fail(h, "lf_stats[%u]: %s", idx, strerror(errno));
	}
	*sum = 0;
	for (c = 0; c < ncpu; c++)
		*sum += v[c];
	free(v);
	return 0;
}

const struct lf_bpf_sample *lfbpf_sample(const void *data, size_t len)
{
	const struct lf_bpf_sample *s = data;

	if (len < sizeof(*s))
		return NULL;
	if (len < sizeof(*s) + 4 * ((size_t)s->n_in + s->n_out + s->n_label))
		return NULL;
	return s;
}
