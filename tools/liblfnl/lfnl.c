// SPDX-License-Identifier: GPL-2.0
/*
 * lfnl.c - client library of the "liteflow" generic netlink family.
 */
#include "lfnl/lfnl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct lfnl {
	struct nl_sock *sk;
	int family;
	char error[320];
	char extack[256];
};

static int fail(struct lfnl *h, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct lfnl *h, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->error, sizeof(h->error), fmt, ap);
	va_end(ap);
	return err;
}

struct lfnl *lfnl_open(void)
{
	struct lfnl *h = calloc(1, sizeof(*h));
	int one = 1;

	if (!h)
		return NULL;
	h->family = -ENOMEM;
	h->sk = nl_socket_alloc();
	if (!h->sk) {
		fail(h, -ENOMEM, "out of memory");
		return h;
	}
	if (genl_connect(h->sk)) {
		h->family = fail(h, -ENOTCONN, "cannot open a generic netlink socket");
		return h;
	}
	setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_set_buffer_size(h->sk, 1 << 20, 1 << 20);
	h->family = genl_ctrl_resolve(h->sk, LF_GENL_NAME);
	if (h->family < 0)
		h->family = fail(h, -ENOENT,
				 "generic netlink family '%s' not found: is lf_core loaded?",
				 LF_GENL_NAME);
	return h;
}

void lfnl_close(struct lfnl *h)
{
	if (!h)
		return;
	if (h->sk)
		nl_socket_free(h->sk);
	free(h);
}

int lfnl_family(const struct lfnl *h)
{
	return h->family;
}

struct nl_sock *lfnl_sock(struct lfnl *h)
{
	return h->sk;
}

const char *lfnl_error(const struct lfnl *h)
{
	return h->error;
}

const char *lfnl_extack(const struct lfnl *h)
{
	return h->extack;
}

struct nl_msg *lfnl_msg(struct lfnl *h, uint8_t cmd, int flags, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size < 4096 ? 4096 : size);

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags,
				cmd, LF_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* ---- requests ---- */

struct req_state {
	struct lfnl *h;
	int err;		/* > 0 while waiting */
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
};

/* the extack message (NLMSGERR_ATTR_MSG) of an error message */
static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct req_state *st = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN - (int)sizeof(*e);
	struct nlattr *a;
	int rem;

	(void)nla;
	st->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		int skip = NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;

		len -= skip;
		a = (struct nlattr *)((char *)(e + 1) + skip);
	} else {
		a = (struct nlattr *)(e + 1);
	}
	nla_for_each_attr(a, a, len, rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(st->h->extack, sizeof(st->h->extack), "%s",
				 (char *)nla_data(a));
	}
	return NL_STOP;
}

static int done_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct req_state *)arg)->err = 0;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req_state *st = arg;

	return st->parse ? st->parse(msg, st->arg) : NL_OK;
}

int lfnl_request(struct lfnl *h, struct nl_msg *msg,
		 int (*parse)(struct nl_msg *msg, void *arg), void *arg)
{
	struct req_state st = { .h = h, .err = 1, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	h->error[0] = h->extack[0] = 0;
	if (!msg)
		return fail(h, -ENOMEM, "out of memory");
	if (h->family < 0) {
		nlmsg_free(msg);
		return h->family;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return fail(h, -ENOMEM, "out of memory");
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, done_cb, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, done_cb, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &st);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return fail(h, -EIO, "send failed: %s", nl_geterror(ret));
	}
	while (st.err > 0) {
		ret = nl_recvmsgs(h->sk, cb);
		if (ret < 0 && st.err > 0) {
			nl_cb_put(cb);
			return fail(h, -EIO, "%s", nl_geterror(ret));
		}
	}
	nl_cb_put(cb);
	if (!st.err)
		return 0;
	if (st.err == -EPERM)
		return fail(h, st.err, "permission denied: CAP_NET_ADMIN required%s%s%s",
			    h->extack[0] ? " (" : "", h->extack, h->extack[0] ? ")" : "");
	return fail(h, st.err, "%s%s%s%s", strerror(-st.err), h->extack[0] ? " (" : "",
		    h->extack, h->extack[0] ? ")" : "");
}

static int put_model(struct lfnl *h, struct nl_msg *msg, const char *model)
{
	if (!msg)
		return fail(h, -ENOMEM, "out of memory");
	if (strlen(model) >= 32) {
		nlmsg_free(msg);
		return fail(h, -ENOENT, "model '%s' not found", model);
	}
	if (nla_put_string(msg, LF_ATTR_MODEL_NAME, model)) {
		nlmsg_free(msg);
		return fail(h, -EMSGSIZE, "message too large");
	}
	return 0;
}

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

/* ---- models ---- */

struct model_list {
	struct lfnl_model *m;
	size_t n;
	int err;
};

static int8_t *dup_frac(struct nlattr *a, uint32_t *n)
{
	int8_t *p;

	*n = 0;
	if (!a)
		return NULL;
	p = malloc(nla_len(a) + 1);
	if (p) {
		memcpy(p, nla_data(a), nla_len(a));
		*n = nla_len(a);
	}
	return p;
}

static int parse_model(struct nl_msg *msg, void *arg)
{
	struct model_list *l = arg;
	struct nlattr *tb[LF_ATTR_MAX + 1], *a;
	struct lfnl_model *m;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL) ||
	    !tb[LF_ATTR_MODEL_NAME])
		return NL_SKIP;
	/* a model with many snapshots comes in several messages */
	if (l->n && l->m[l->n - 1].id == get_u32(tb[LF_ATTR_MODEL_ID])) {
		m = &l->m[l->n - 1];
	} else {
		m = realloc(l->m, (l->n + 1) * sizeof(*l->m));
		if (!m) {
			l->err = -ENOMEM;
			return NL_STOP;
		}
		l->m = m;
		m = &l->m[l->n++];
		memset(m, 0, sizeof(*m));
		snprintf(m->name, sizeof(m->name), "%s", nla_get_string(tb[LF_ATTR_MODEL_NAME]));
		m->id = get_u32(tb[LF_ATTR_MODEL_ID]);
		m->n_in = get_u32(tb[LF_ATTR_N_IN]);
		m->n_out = get_u32(tb[LF_ATTR_N_OUT]);
		m->arch_hash = get_u64(tb[LF_ATTR_ARCH_HASH]);
		m->has_active = tb[LF_ATTR_ACTIVE_VERSION];
		m->active = get_u32(tb[LF_ATTR_ACTIVE_VERSION]);
		m->has_standby = tb[LF_ATTR_STANDBY_VERSION];
		m->standby = get_u32(tb[LF_ATTR_STANDBY_VERSION]);
		m->in_frac = dup_frac(tb[LF_ATTR_IN_FRAC], &m->n_in_frac);
		m->out_frac = dup_frac(tb[LF_ATTR_OUT_FRAC], &m->n_out_frac);
		if (tb[LF_ATTR_STATS]) {
			nla_for_each_nested(a, tb[LF_ATTR_STATS], rem) {
				int t = nla_type(a);

				if (t == LF_ATTR_STAT_LAT_HIST &&
				    nla_len(a) == sizeof(m->lat_hist))
					memcpy(m->lat_hist, nla_data(a), sizeof(m->lat_hist));
				else if (t > 0 && t <= LF_ATTR_MAX && nla_len(a) == 8)
					m->stat[t] = nla_get_u64(a);
			}
		}
	}
	if (tb[LF_ATTR_SNAPSHOTS]) {
		nla_for_each_nested(a, tb[LF_ATTR_SNAPSHOTS], rem) {
			struct nlattr *sb[LF_ATTR_MAX + 1];
			struct lfnl_snapshot *s;

			if (nla_type(a) != LF_ATTR_SNAPSHOT ||
			    nla_parse_nested(sb, LF_ATTR_MAX, a, NULL))
				continue;
			s = realloc(m->snaps, (m->n_snaps + 1) * sizeof(*s));
			if (!s) {
				l->err = -ENOMEM;
				return NL_STOP;
			}
			m->snaps = s;
			s = &m->snaps[m->n_snaps++];
			memset(s, 0, sizeof(*s));
			s->version = get_u32(sb[LF_ATTR_VERSION]);
			s->gen = get_u32(sb[LF_ATTR_GEN]);
			s->state = sb[LF_ATTR_STATE] ? nla_get_u8(sb[LF_ATTR_STATE]) : LF_SLOT_IDLE;
			s->params_size = get_u32(sb[LF_ATTR_PARAMS_SIZE]);
			s->stack_bytes = get_u32(sb[LF_ATTR_STACK_BYTES]);
			s->flows = get_u32(sb[LF_ATTR_FLOWS]);
			snprintf(s->module, sizeof(s->module), "%s",
				 sb[LF_ATTR_MODULE] ? nla_get_string(sb[LF_ATTR_MODULE]) : "-");
		}
	}
	return NL_OK;
}

void lfnl_free_models(struct lfnl_model *models, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(models[i].snaps);
		free(models[i].in_frac);
		free(models[i].out_frac);
	}
	free(models);
}

int lfnl_get_models(struct lfnl *h, const char *name, struct lfnl_model **models,
		    size_t *n)
{
	struct model_list l = { 0 };
	struct nl_msg *msg = lfnl_msg(h, LF_CMD_GET_MODEL, name ? 0 : NLM_F_DUMP, 0);
	int ret;

	*models = NULL;
	*n = 0;
	if (name && (ret = put_model(h, msg, name)))
		return ret == -ENOENT ? 0 : ret;
	ret = lfnl_request(h, msg, parse_model, &l);
	if (!ret && l.err)
		ret = fail(h, l.err, "out of memory");
	if (ret == -ENOENT && name && (!h->extack[0] || !strcmp(h->extack, "no such model")))
		ret = 0;	/* no such model: none */
	if (ret) {
		lfnl_free_models(l.m, l.n);
		return ret;
	}
	*models = l.m;
	*n = l.n;
	return 0;
}

/* ---- config ---- */

static int parse_config(struct nl_msg *msg, void *arg)
{
	struct lfnl_config *c = arg;
	struct nlattr *tb[LF_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL))
		return NL_SKIP;
	c->cache_size = get_u32(tb[LF_ATTR_CACHE_SIZE]);
	c->ageing_ms = get_u32(tb[LF_ATTR_AGEING_MS]);
	c->batch_size = get_u32(tb[LF_ATTR_BATCH_SIZE]);
	c->flush_ms = get_u32(tb[LF_ATTR_FLUSH_MS]);
	c->cache_entries = get_u32(tb[LF_ATTR_CACHE_ENTRIES]);
	c->cache_buckets = get_u32(tb[LF_ATTR_CACHE_BUCKETS]);
	c->inst_alive = get_u64(tb[LF_ATTR_INST_ALIVE]);
	c->inst_freed = get_u64(tb[LF_ATTR_INST_FREED]);
	c->evictions = get_u64(tb[LF_ATTR_CACHE_EVICTIONS]);
	c->uq_max = get_u32(tb[LF_ATTR_UQ_MAX]);
	c->uq_timeout_ms = get_u32(tb[LF_ATTR_UQ_TIMEOUT_MS]);
	c->uq_pending = get_u32(tb[LF_ATTR_UQ_PENDING]);
	c->uq_sent = get_u64(tb[LF_ATTR_UQ_SENT]);
	c->uq_answered = get_u64(tb[LF_ATTR_UQ_ANSWERED]);
	c->uq_stale = get_u64(tb[LF_ATTR_UQ_STALE]);
	c->uq_expired = get_u64(tb[LF_ATTR_UQ_EXPIRED]);
	c->uq_refused = get_u64(tb[LF_ATTR_UQ_REFUSED]);
	c->uq_bad = get_u64(tb[LF_ATTR_UQ_BAD]);
	return NL_OK;
}

int lfnl_get_config(struct lfnl *h, struct lfnl_config *c)
{
	memset(c, 0, sizeof(*c));
	return lfnl_request(h, lfnl_msg(h, LF_CMD_GET_CONFIG, 0, 0), parse_config, c);
}

/* ---- commands on one model ---- */

static int model_cmd(struct lfnl *h, uint8_t cmd, const char *model, int64_t version)
{
	struct nl_msg *msg = lfnl_msg(h, cmd, 0, 0);
	int ret = put_model(h, msg, model);

	if (ret)
		return ret;
	if (version >= 0 && nla_put_u32(msg, LF_ATTR_VERSION, (uint32_t)version)) {
		nlmsg_free(msg);
		return fail(h, -EMSGSIZE, "message too large");
	}
	return lfnl_request(h, msg, NULL, NULL);
}

int lfnl_activate(struct lfnl *h, const char *model, int64_t version)
{
	return model_cmd(h, LF_CMD_ACTIVATE, model, version);
}

int lfnl_deactivate(struct lfnl *h, const char *model)
{
	return model_cmd(h, LF_CMD_DEACTIVATE, model, -1);
}

int lfnl_flush(struct lfnl *h, const char *model)
{
	if (!model)
		return lfnl_request(h, lfnl_msg(h, LF_CMD_FLUSH_CACHE, 0, 0), NULL, NULL);
	return model_cmd(h, LF_CMD_FLUSH_CACHE, model, -1);
}

struct push_reply {
	uint32_t version, gen;
};

static int parse_push(struct nl_msg *msg, void *arg)
{
	struct push_reply *r = arg;
	struct nlattr *tb[LF_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL))
		return NL_SKIP;
	r->version = get_u32(tb[LF_ATTR_VERSION]);
	r->gen = get_u32(tb[LF_ATTR_GEN]);
	return NL_OK;
}

int lfnl_push(struct lfnl *h, const char *model, const void *params, size_t size,
	      uint64_t arch_hash, int64_t version, uint32_t *out_version,
	      uint32_t *out_gen)
{
	bool chunked = size > LFNL_PUSH_CHUNK;
	struct push_reply r = { 0, 0 };
	struct nl_msg *msg;
	size_t off;
	int ret;

	if (!size || size > LF_PUSH_MAX)
		return fail(h, -EINVAL, "params must be 1..%u bytes (has %zu)",
			    LF_PUSH_MAX, size);
	for (off = 0; chunked && off < size; off += LFNL_PUSH_CHUNK) {
		size_t n = size - off < LFNL_PUSH_CHUNK ? size - off : LFNL_PUSH_CHUNK;

		msg = lfnl_msg(h, LF_CMD_PUSH_CHUNK, 0, n + 4096);
		ret = put_model(h, msg, model);
		if (ret)
			return ret;
		if (nla_put_u32(msg, LF_ATTR_OFFSET, off) ||
		    nla_put_u32(msg, LF_ATTR_TOTAL, size) ||
		    nla_put(msg, LF_ATTR_PARAMS, n, (const char *)params + off)) {
			nlmsg_free(msg);
			return fail(h, -EMSGSIZE, "message too large");
		}
		ret = lfnl_request(h, msg, NULL, NULL);
		if (ret)
			return ret;
	}
	msg = lfnl_msg(h, chunked ? LF_CMD_PUSH_COMMIT : LF_CMD_PUSH, 0,
		       chunked ? 0 : size + 4096);
	ret = put_model(h, msg, model);
	if (ret)
		return ret;
	if ((version >= 0 && nla_put_u32(msg, LF_ATTR_VERSION, (uint32_t)version)) ||
	    nla_put_u64(msg, LF_ATTR_ARCH_HASH, arch_hash) ||
	    (!chunked && nla_put(msg, LF_ATTR_PARAMS, size, params))) {
		nlmsg_free(msg);
		return fail(h, -EMSGSIZE, "message too large");
	}
	ret = lfnl_request(h, msg, parse_push, &r);
	if (ret)
		return ret;
	if (out_version)
		*out_version = r.version;
	if (out_gen)
		*out_gen = r.gen;
	return 0;
}

struct eval_reply {
	int32_t *out;
	size_t want, got;
};

static int parse_eval(struct nl_msg *msg, void *arg)
{
	struct eval_reply *r = arg;
	struct nlattr *tb[LF_ATTR_MAX + 1];
	size_t n;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL) || !tb[LF_ATTR_OUTPUTS])
		return NL_SKIP;
	n = nla_len(tb[LF_ATTR_OUTPUTS]) / sizeof(int32_t);
	r->got = n;
	memcpy(r->out, nla_data(tb[LF_ATTR_OUTPUTS]),
	       (n < r->want ? n : r->want) * sizeof(int32_t));
	return NL_OK;
}

int lfnl_eval(struct lfnl *h, const char *model, const int32_t *in, size_t rows,
	      uint32_t n_in, uint32_t n_out, int64_t version, bool standby,
	      int32_t *out)
{
	size_t chunk = 32768 / (4 * (n_in > n_out ? n_in : n_out)), done = 0;

	if (!n_in || !n_out)
		return fail(h, -EINVAL, "model has no snapshot");
	if (!chunk)
		chunk = 1;
	while (done < rows) {
		size_t k = rows - done < chunk ? rows - done : chunk;
		struct eval_reply r = { out + done * n_out, k * n_out, 0 };
		struct nl_msg *msg = lfnl_msg(h, LF_CMD_EVAL, 0, k * n_in * 4 + 4096);
		int ret = put_model(h, msg, model);

		if (ret)
			return ret;
		if ((version >= 0 && nla_put_u32(msg, LF_ATTR_VERSION, (uint32_t)version)) ||
		    (standby && nla_put_u8(msg, LF_ATTR_SLOT, LF_SLOT_STANDBY)) ||
		    nla_put(msg, LF_ATTR_INPUTS, k * n_in * 4, in + done * n_in)) {
			nlmsg_free(msg);
			return fail(h, -EMSGSIZE, "message too large");
		}
		ret = lfnl_request(h, msg, parse_eval, &r);
		if (ret)
			return ret;
		if (r.got != k * n_out)
			return fail(h, -EPROTO, "short reply (%zu of %zu values)", r.got,
				    k * n_out);
		done += k;
	}
	return 0;
}

/* ---- samples ---- */

static int join_group(struct lfnl *h, const char *group)
{
	int grp, ret;

	if (h->family < 0)
		return h->family;
	grp = genl_ctrl_resolve_grp(h->sk, LF_GENL_NAME, group);
	if (grp < 0)
		return fail(h, -ENOENT, "multicast group '%s' not found (lf_core too old?)",
			    group);
	ret = nl_socket_add_membership(h->sk, grp);
	if (ret == -NLE_PERM)
		return fail(h, -EPERM, "permission denied: CAP_NET_ADMIN required");
	if (ret < 0)
		return fail(h, -EIO, "cannot join group: %s", nl_geterror(ret));
	return 0;
}

int lfnl_join_samples(struct lfnl *h)
{
	return join_group(h, LF_GENL_MCGRP_SAMPLES);
}

int lfnl_join_queries(struct lfnl *h)
{
	return join_group(h, LF_GENL_MCGRP_QUERIES);
}

int lfnl_parse_query(struct nl_msg *msg, struct lfnl_query *q)
{
	struct nlattr *tb[LF_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL) ||
	    genlmsg_hdr(nlmsg_hdr(msg))->cmd != LF_CMD_QUERY ||
	    !tb[LF_ATTR_MODEL_NAME] || !tb[LF_ATTR_MODEL_ID] ||
	    !tb[LF_ATTR_QUERY_SEQ] || !tb[LF_ATTR_INPUTS] ||
	    nla_len(tb[LF_ATTR_INPUTS]) % sizeof(int32_t))
		return -EINVAL;
	q->model = nla_get_string(tb[LF_ATTR_MODEL_NAME]);
	q->model_id = nla_get_u32(tb[LF_ATTR_MODEL_ID]);
	q->seq = nla_get_u64(tb[LF_ATTR_QUERY_SEQ]);
	q->flow_key = get_u64(tb[LF_ATTR_FLOW_KEY]);
	q->in = nla_data(tb[LF_ATTR_INPUTS]);
	q->n_in = nla_len(tb[LF_ATTR_INPUTS]) / sizeof(int32_t);
	return 0;
}

int lfnl_answer(struct lfnl *h, uint32_t model_id, uint64_t seq, const int32_t *out,
		uint32_t n_out)
{
	struct nl_msg *msg = lfnl_msg(h, LF_CMD_ANSWER, 0, 0);
	int ret;

	if (!msg)
		return fail(h, -ENOMEM, "out of memory");
	if (nla_put_u32(msg, LF_ATTR_MODEL_ID, model_id) ||
	    nla_put_u64(msg, LF_ATTR_QUERY_SEQ, seq) ||
	    nla_put(msg, LF_ATTR_ANSWER, n_out * sizeof(*out), out)) {
		nlmsg_free(msg);
		return fail(h, -EMSGSIZE, "answer too large");
	}
	ret = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return fail(h, -EIO, "sending an answer: %s", nl_geterror(ret));
	return 0;
}

int lfnl_parse_batch(struct nl_msg *msg, struct lfnl_batch *b)
{
	struct nlattr *tb[LF_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL) ||
	    genlmsg_hdr(nlmsg_hdr(msg))->cmd != LF_CMD_SAMPLES ||
	    !tb[LF_ATTR_SAMPLES] || !tb[LF_ATTR_MODEL_NAME])
		return -EINVAL;
	b->model = nla_get_string(tb[LF_ATTR_MODEL_NAME]);
	b->model_id = get_u32(tb[LF_ATTR_MODEL_ID]);
	b->seq = get_u64(tb[LF_ATTR_SEQ]);
	b->drops = get_u64(tb[LF_ATTR_DROPS]);
	b->count = get_u32(tb[LF_ATTR_SAMPLE_COUNT]);
	b->blob = nla_data(tb[LF_ATTR_SAMPLES]);
	b->len = nla_len(tb[LF_ATTR_SAMPLES]);
	return 0;
}

int lfnl_sample_next(const void *blob, size_t len, size_t *off,
		     struct lf_sample *s, const int32_t **vals)
{
	size_t size;

	if (*off >= len)
		return 0;
	if (len - *off < sizeof(*s))
		return -EINVAL;
	memcpy(s, (const char *)blob + *off, sizeof(*s));
	size = LF_SAMPLE_SIZE(s->n_in, s->n_out, s->n_label);
	if (len - *off < size)
		return -EINVAL;
	*vals = (const int32_t *)((const char *)blob + *off + sizeof(*s));
	*off += size;
	return 1;
}
