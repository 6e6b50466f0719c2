// SPDX-License-Identifier: GPL-2.0
/*
 * lfctl - control the LiteFlow kernel core over generic netlink.
 *
 *   lfctl [--json] list
 *   lfctl [--json] stats [MODEL]
 *   lfctl activate MODEL [--version V]
 *   lfctl [--json] eval MODEL --input FILE.csv [--raw] [--version V | --standby]
 *   lfctl push MODEL --params FILE [--version V]
 *   lfctl [--json] config [cache-size N] [ageing-ms M] [batch-size B] [flush-ms F]
 *   lfctl flush [MODEL]
 *   lfctl [--json] monitor [--count N]
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "lf_float.h"
#include "uapi/liteflow.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static bool json;
static const char *cmd_name = "lfctl";
static struct nl_sock *sk;
static int family;

/* ------------------------------------------------------------------ */

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs("lfctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fputs("usage: lfctl [--json] COMMAND ...\n"
	      "  list                               models and their snapshots\n"
	      "  stats [MODEL]                      per-model counters\n"
	      "  activate MODEL [--version V]       make the standby (or V) active\n"
	      "  eval MODEL --input X.csv [--raw] [--version V | --standby]\n"
	      "  push MODEL --params FILE [--version V]   replace the standby's weights\n"
	      "  config [cache-size N] [ageing-ms M] [batch-size B] [flush-ms F]\n"
	      "  flush [MODEL]                      drop flow cache entries\n"
	      "  monitor [--count N]                print sample batches\n", stderr);
	exit(2);
}

/* kernel error of the last request: errno and extack message */
struct req_state {
	int err;
	char msg[256];
	int (*parse)(struct nl_msg *msg, void *arg);
	void *arg;
};

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
			snprintf(st->msg, sizeof(st->msg), "%s", (char *)nla_data(a));
	}
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct req_state *)arg)->err = 0;
	return NL_STOP;
}

static int finish_cb(struct nl_msg *msg, void *arg)
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

static void lf_connect(void)
{
	int one = 1;

	sk = nl_socket_alloc();
	if (!sk)
		die("out of memory");
	if (genl_connect(sk))
		die("cannot open a generic netlink socket");
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	family = genl_ctrl_resolve(sk, LF_GENL_NAME);
	if (family < 0)
		die("generic netlink family '%s' not found: is lf_core loaded?", LF_GENL_NAME);
}

static struct nl_msg *lf_msg(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(128 * 1024);

	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
				 LF_GENL_VERSION))
		die("out of memory");
	return msg;
}

static void put_model(struct nl_msg *msg, const char *model)
{
	if (strlen(model) >= 32)
		die("model '%s' not found", model);
	if (nla_put_string(msg, LF_ATTR_MODEL_NAME, model))
		die("message too large");
}

/*
 * Send @msg (consumed), call @parse for each reply message; returns 0 or
 * dies with a one-line diagnosis.  @what names the operation, @model the
 * model for ENOENT messages.
 */
static void lf_request(struct nl_msg *msg, int (*parse)(struct nl_msg *, void *),
		       void *arg, const char *what, const char *model)
{
	struct req_state st = { .err = 1, .parse = parse, .arg = arg };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb)
		die("out of memory");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &st);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &st);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &st);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &st);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		die("%s: send failed: %s", what, nl_geterror(ret));
	while (st.err > 0) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && st.err > 0)
			die("%s: %s", what, nl_geterror(ret));
	}
	nl_cb_put(cb);
	if (!st.err)
		return;
	switch (-st.err) {
	case EPERM:
		die("%s: permission denied: CAP_NET_ADMIN required", what);
	case ENOENT:
		if (model && (!st.msg[0] || !strcmp(st.msg, "no such model")))
			die("%s: model '%s' not found", what, model);
		break;
	}
	die("%s: %s%s%s%s", what, strerror(-st.err), st.msg[0] ? " (" : "", st.msg,
	    st.msg[0] ? ")" : "");
}

/* ------------------------------------------------------------------ */
/* model replies                                                       */

#define MAX_SNAPS 64
struct snap_info {
	uint32_t version, gen, params_size, stack_bytes, flows;
	uint8_t state;
	char module[64];
};

struct model_info {
	char name[32];
	uint32_t id, n_in, n_out;
	uint64_t arch_hash;
	bool has_active, has_standby;
	uint32_t active, standby;
	int8_t in_frac[1024], out_frac[1024];
	int n_in_frac, n_out_frac;
	int n_snaps;
	struct snap_info snaps[MAX_SNAPS];
	uint64_t stat[LF_ATTR_MAX + 1];
	bool has_stat[LF_ATTR_MAX + 1];
};

struct model_list {
	int n;
	struct model_info *m;
};

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static int parse_model(struct nl_msg *msg, void *arg)
{
	struct model_list *l = arg;
	struct nlattr *tb[LF_ATTR_MAX + 1], *a, *s;
	struct model_info *m;
	int rem, rem2;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL) || !tb[LF_ATTR_MODEL_NAME])
		return NL_SKIP;
	l->m = realloc(l->m, (l->n + 1) * sizeof(*l->m));
	if (!l->m)
		die("out of memory");
	m = &l->m[l->n++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", nla_get_string(tb[LF_ATTR_MODEL_NAME]));
	m->id = get_u32(tb[LF_ATTR_MODEL_ID]);
	m->n_in = get_u32(tb[LF_ATTR_N_IN]);
	m->n_out = get_u32(tb[LF_ATTR_N_OUT]);
	m->arch_hash = tb[LF_ATTR_ARCH_HASH] ? nla_get_u64(tb[LF_ATTR_ARCH_HASH]) : 0;
	m->has_active = tb[LF_ATTR_ACTIVE_VERSION];
	m->active = get_u32(tb[LF_ATTR_ACTIVE_VERSION]);
	m->has_standby = tb[LF_ATTR_STANDBY_VERSION];
	m->standby = get_u32(tb[LF_ATTR_STANDBY_VERSION]);
	if (tb[LF_ATTR_IN_FRAC] && nla_len(tb[LF_ATTR_IN_FRAC]) <= 1024) {
		m->n_in_frac = nla_len(tb[LF_ATTR_IN_FRAC]);
		memcpy(m->in_frac, nla_data(tb[LF_ATTR_IN_FRAC]), m->n_in_frac);
	}
	if (tb[LF_ATTR_OUT_FRAC] && nla_len(tb[LF_ATTR_OUT_FRAC]) <= 1024) {
		m->n_out_frac = nla_len(tb[LF_ATTR_OUT_FRAC]);
		memcpy(m->out_frac, nla_data(tb[LF_ATTR_OUT_FRAC]), m->n_out_frac);
	}
	if (tb[LF_ATTR_SNAPSHOTS]) {
		nla_for_each_nested(s, tb[LF_ATTR_SNAPSHOTS], rem) {
			struct nlattr *sb[LF_ATTR_MAX + 1];
			struct snap_info *si;

			if (m->n_snaps == MAX_SNAPS ||
			    nla_parse_nested(sb, LF_ATTR_MAX, s, NULL))
				continue;
			si = &m->snaps[m->n_snaps++];
			si->version = get_u32(sb[LF_ATTR_VERSION]);
			si->gen = get_u32(sb[LF_ATTR_GEN]);
			si->state = sb[LF_ATTR_STATE] ? nla_get_u8(sb[LF_ATTR_STATE]) : LF_SLOT_IDLE;
			si->params_size = get_u32(sb[LF_ATTR_PARAMS_SIZE]);
			si->stack_bytes = get_u32(sb[LF_ATTR_STACK_BYTES]);
			si->flows = get_u32(sb[LF_ATTR_FLOWS]);
			snprintf(si->module, sizeof(si->module), "%s",
				 sb[LF_ATTR_MODULE] ? nla_get_string(sb[LF_ATTR_MODULE]) : "-");
		}
	}
	if (tb[LF_ATTR_STATS]) {
		nla_for_each_nested(a, tb[LF_ATTR_STATS], rem2) {
			int t = nla_type(a);

			if (t > 0 && t <= LF_ATTR_MAX && nla_len(a) == 8) {
				m->stat[t] = nla_get_u64(a);
				m->has_stat[t] = true;
			}
		}
	}
	return NL_OK;
}

static struct model_list get_models(const char *model, const char *what)
{
	struct model_list l = { 0 };
	struct nl_msg *msg = lf_msg(LF_CMD_GET_MODEL, model ? 0 : NLM_F_DUMP);

	if (model)
		put_model(msg, model);
	lf_request(msg, parse_model, &l, what, model);
	if (model && l.n != 1)
		die("%s: model '%s' not found", what, model);
	return l;
}

static const char *state_name(uint8_t s)
{
	return s == LF_SLOT_ACTIVE ? "active" : s == LF_SLOT_STANDBY ? "standby" : "idle";
}

static void print_ver(const char *key, bool has, uint32_t v, bool comma)
{
	if (json) {
		if (has)
			printf("\"%s\":%u%s", key, v, comma ? "," : "");
		else
			printf("\"%s\":null%s", key, comma ? "," : "");
	} else {
		if (has)
			printf(" %s %u", key, v);
		else
			printf(" %s -", key);
	}
}

static int cmd_list(int argc, char **argv __attribute__((unused)))
{
	struct model_list l;
	int i, j;

	if (argc)
		usage();
	l = get_models(NULL, "list");
	if (json)
		printf("[");
	for (i = 0; i < l.n; i++) {
		struct model_info *m = &l.m[i];

		if (json) {
			printf("%s{\"name\":\"%s\",\"id\":%u,\"arch_hash\":\"0x%016" PRIx64
			       "\",\"n_in\":%u,\"n_out\":%u,", i ? "," : "", m->name, m->id,
			       m->arch_hash, m->n_in, m->n_out);
			print_ver("active", m->has_active, m->active, true);
			print_ver("standby", m->has_standby, m->standby, true);
			printf("\"snapshots\":[");
			for (j = 0; j < m->n_snaps; j++) {
				struct snap_info *s = &m->snaps[j];

				printf("%s{\"version\":%u,\"gen\":%u,\"state\":\"%s\","
				       "\"params_size\":%u,\"stack_bytes\":%u,\"module\":\"%s\","
				       "\"flows\":%u}", j ? "," : "", s->version, s->gen,
				       state_name(s->state), s->params_size, s->stack_bytes,
				       s->module, s->flows);
			}
			printf("]}");
			continue;
		}
		printf("model %s id %u arch 0x%016" PRIx64 " in %u out %u", m->name, m->id,
		       m->arch_hash, m->n_in, m->n_out);
		print_ver("active", m->has_active, m->active, false);
		print_ver("standby", m->has_standby, m->standby, false);
		printf("\n");
		for (j = 0; j < m->n_snaps; j++) {
			struct snap_info *s = &m->snaps[j];

			printf("    snapshot %u gen %u %s params %u stack %u module %s flows %u\n",
			       s->version, s->gen, state_name(s->state), s->params_size,
			       s->stack_bytes, s->module, s->flows);
		}
	}
	if (json)
		printf("]\n");
	free(l.m);
	return 0;
}

static const struct {
	int attr;
	const char *name;
} stat_names[] = {
	{ LF_ATTR_STAT_QUERIES, "queries" },	{ LF_ATTR_STAT_HITS, "hits" },
	{ LF_ATTR_STAT_MISSES, "misses" },	{ LF_ATTR_STAT_UNCACHED, "uncached" },
	{ LF_ATTR_STAT_ERRORS, "errors" },	{ LF_ATTR_STAT_SWITCHES, "switches" },
	{ LF_ATTR_STAT_PUSHES, "pushes" },	{ LF_ATTR_STAT_INFER_NS, "infer_ns" },
	{ LF_ATTR_STAT_SAMPLES, "samples" },	{ LF_ATTR_STAT_BATCHES, "batches" },
	{ LF_ATTR_STAT_DROPS, "drops" },
};

static int cmd_stats(int argc, char **argv)
{
	struct model_list l;
	size_t k;
	int i;

	if (argc > 1)
		usage();
	l = get_models(argc ? argv[0] : NULL, "stats");
	if (json)
		printf("[");
	for (i = 0; i < l.n; i++) {
		struct model_info *m = &l.m[i];

		if (json) {
			printf("%s{\"name\":\"%s\",\"id\":%u,", i ? "," : "", m->name, m->id);
			print_ver("active", m->has_active, m->active, true);
			print_ver("standby", m->has_standby, m->standby, true);
			for (k = 0; k < sizeof(stat_names) / sizeof(stat_names[0]); k++)
				printf("\"%s\":%" PRIu64 "%s", stat_names[k].name,
				       m->stat[stat_names[k].attr],
				       k + 1 < sizeof(stat_names) / sizeof(stat_names[0]) ? "," : "");
			printf("}");
			continue;
		}
		printf("model %s id %u", m->name, m->id);
		print_ver("active", m->has_active, m->active, false);
		print_ver("standby", m->has_standby, m->standby, false);
		for (k = 0; k < sizeof(stat_names) / sizeof(stat_names[0]); k++)
			printf("%s%s %" PRIu64, k % 4 ? " " : "\n    ", stat_names[k].name,
			       m->stat[stat_names[k].attr]);
		printf("\n");
	}
	if (json)
		printf("]\n");
	free(l.m);
	return 0;
}

static uint32_t parse_u32(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX || s[0] == '-')
		die("invalid %s '%s'", what, s);
	return (uint32_t)v;
}

static int cmd_activate(int argc, char **argv)
{
	struct nl_msg *msg;
	const char *model;
	char what[80];

	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "--version")))
		usage();
	model = argv[0];
	msg = lf_msg(LF_CMD_ACTIVATE, 0);
	put_model(msg, model);
	if (argc == 3)
		nla_put_u32(msg, LF_ATTR_VERSION, parse_u32(argv[2], "version"));
	snprintf(what, sizeof(what), "activate %s", model);
	lf_request(msg, NULL, NULL, what, model);
	return 0;
}

/* eval */

struct eval_out {
	int32_t *out;
	size_t n;
	uint32_t version, gen;
};

static int parse_eval(struct nl_msg *msg, void *arg)
{
	struct eval_out *eo = arg;
	struct nlattr *tb[LF_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL) || !tb[LF_ATTR_OUTPUTS])
		return NL_SKIP;
	eo->n = nla_len(tb[LF_ATTR_OUTPUTS]) / 4;
	eo->out = malloc(eo->n * 4 + 4);
	if (!eo->out)
		die("out of memory");
	memcpy(eo->out, nla_data(tb[LF_ATTR_OUTPUTS]), eo->n * 4);
	eo->version = get_u32(tb[LF_ATTR_VERSION]);
	eo->gen = get_u32(tb[LF_ATTR_GEN]);
	return NL_OK;
}

/* Reads the CSV: rows of n_in numbers; returns the row count. */
static size_t read_csv(const char *path, uint32_t n_in, const int8_t *frac, bool raw,
		       int32_t **vals)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t rows = 0, cap = 0, lineno = 0;
	char *line = NULL;
	size_t lcap = 0;

	if (!f)
		die("eval: cannot open '%s': %s", path, strerror(errno));
	*vals = NULL;
	while (getline(&line, &lcap, f) >= 0) {
		char *p = line, *end;
		uint32_t i;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\r' || *p == '#' || !*p)
			continue;
		if (rows == cap) {
			cap = cap ? cap * 2 : 64;
			*vals = realloc(*vals, cap * n_in * sizeof(int32_t));
			if (!*vals)
				die("out of memory");
		}
		for (i = 0; i < n_in; i++) {
			int32_t v;

			if (raw) {
				long long x;

				errno = 0;
				x = strtoll(p, &end, 0);
				if (errno || end == p || x < INT32_MIN || x > INT32_MAX)
					die("eval: %s:%zu: bad integer in column %u", path, lineno, i + 1);
				v = (int32_t)x;
			} else {
				double x = strtod(p, &end);

				if (end == p || !isfinite(x))
					die("eval: %s:%zu: bad number in column %u", path, lineno, i + 1);
				/* the same rounding and saturation as lfc run */
				v = (int32_t)lf_quantize_double(x, frac[i], 32);
			}
			(*vals)[rows * n_in + i] = v;
			p = end;
			while (*p == ' ' || *p == '\t')
				p++;
			if (i + 1 < n_in) {
				if (*p != ',')
					die("eval: %s:%zu: expected %u values, got %u", path, lineno,
					    n_in, i + 1);
				p++;
			}
		}
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p)
			die("eval: %s:%zu: expected %u values, got more", path, lineno, n_in);
		rows++;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (!rows)
		die("eval: %s: no input rows", path);
	return rows;
}

static int cmd_eval(int argc, char **argv)
{
	const char *model, *input = NULL;
	bool raw = false, standby = false, has_ver = false;
	uint32_t version = 0;
	struct model_list l;
	struct model_info *m;
	int32_t *in;
	size_t rows, r, done = 0, chunk;
	char what[80];
	int i;

	if (argc < 1)
		usage();
	model = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--input") && i + 1 < argc)
			input = argv[++i];
		else if (!strcmp(argv[i], "--raw"))
			raw = true;
		else if (!strcmp(argv[i], "--standby"))
			standby = true;
		else if (!strcmp(argv[i], "--version") && i + 1 < argc)
			has_ver = true, version = parse_u32(argv[++i], "version");
		else
			usage();
	}
	if (!input || (standby && has_ver))
		usage();
	snprintf(what, sizeof(what), "eval %s", model);
	l = get_models(model, what);
	m = &l.m[0];
	if (!m->n_in || (!raw && ((uint32_t)m->n_in_frac != m->n_in ||
				  (uint32_t)m->n_out_frac != m->n_out)))
		die("%s: model has no snapshot", what);
	rows = read_csv(input, m->n_in, m->in_frac, raw, &in);
	chunk = 32768 / (4 * (m->n_in > m->n_out ? m->n_in : m->n_out));
	if (!chunk)
		chunk = 1;
	if (json)
		printf("{\"model\":\"%s\",\"outputs\":[", m->name);
	while (done < rows) {
		size_t k = rows - done < chunk ? rows - done : chunk;
		struct eval_out eo = { 0 };
		struct nl_msg *msg = lf_msg(LF_CMD_EVAL, 0);

		put_model(msg, model);
		if (has_ver)
			nla_put_u32(msg, LF_ATTR_VERSION, version);
		if (standby)
			nla_put_u8(msg, LF_ATTR_SLOT, LF_SLOT_STANDBY);
		if (nla_put(msg, LF_ATTR_INPUTS, k * m->n_in * 4, in + done * m->n_in))
			die("%s: message too large", what);
		lf_request(msg, parse_eval, &eo, what, model);
		if (eo.n != k * m->n_out)
			die("%s: short reply (%zu of %zu values)", what, eo.n, k * m->n_out);
		for (r = 0; r < k; r++) {
			uint32_t j;

			if (json)
				printf("%s[", done + r ? "," : "");
			for (j = 0; j < m->n_out; j++) {
				int32_t v = eo.out[r * m->n_out + j];
				const char *sep = j ? "," : "";

				if (raw)
					printf("%s%d", sep, v);
				else
					printf("%s%.9g", sep, lf_dequantize_int(v, m->out_frac[j]));
			}
			printf(json ? "]" : "\n");
		}
		free(eo.out);
		done += k;
	}
	if (json)
		printf("]}\n");
	free(in);
	free(l.m);
	return 0;
}

static int parse_push(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LF_ATTR_MAX + 1];
	uint32_t *vg = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL))
		return NL_SKIP;
	vg[0] = get_u32(tb[LF_ATTR_VERSION]);
	vg[1] = get_u32(tb[LF_ATTR_GEN]);
	return NL_OK;
}

static int cmd_push(int argc, char **argv)
{
	const char *model, *path = NULL;
	bool has_ver = false;
	uint32_t version = 0, vg[2] = { 0, 0 };
	struct model_list l;
	struct nl_msg *msg;
	char what[80], *buf;
	struct stat stb;
	FILE *f;
	int i;

	if (argc < 1)
		usage();
	model = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--params") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--version") && i + 1 < argc)
			has_ver = true, version = parse_u32(argv[++i], "version");
		else
			usage();
	}
	if (!path)
		usage();
	snprintf(what, sizeof(what), "push %s", model);
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &stb))
		die("%s: cannot read '%s': %s", what, path, strerror(errno));
	if (stb.st_size <= 0 || stb.st_size > 65000)
		die("%s: '%s': params must be 1..65000 bytes (has %lld)", what, path,
		    (long long)stb.st_size);
	buf = malloc(stb.st_size);
	if (!buf || fread(buf, 1, stb.st_size, f) != (size_t)stb.st_size)
		die("%s: cannot read '%s'", what, path);
	fclose(f);
	l = get_models(model, what);
	msg = lf_msg(LF_CMD_PUSH, 0);
	put_model(msg, model);
	if (has_ver)
		nla_put_u32(msg, LF_ATTR_VERSION, version);
	if (nla_put_u64(msg, LF_ATTR_ARCH_HASH, l.m[0].arch_hash) ||
	    nla_put(msg, LF_ATTR_PARAMS, stb.st_size, buf))
		die("%s: message too large", what);
	lf_request(msg, parse_push, vg, what, model);
	if (json)
		printf("{\"model\":\"%s\",\"version\":%u,\"gen\":%u}\n", model, vg[0], vg[1]);
	else
		printf("pushed %s standby version %u gen %u\n", model, vg[0], vg[1]);
	free(buf);
	free(l.m);
	return 0;
}

static int parse_config(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LF_ATTR_MAX + 1];

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL))
		return NL_SKIP;
	if (json)
		printf("{\"cache_size\":%u,\"ageing_ms\":%u,\"batch_size\":%u,\"flush_ms\":%u,"
		       "\"cache_entries\":%u,\"cache_buckets\":%u,\"inst_alive\":%" PRIu64
		       ",\"inst_freed\":%" PRIu64 "}\n",
		       get_u32(tb[LF_ATTR_CACHE_SIZE]), get_u32(tb[LF_ATTR_AGEING_MS]),
		       get_u32(tb[LF_ATTR_BATCH_SIZE]), get_u32(tb[LF_ATTR_FLUSH_MS]),
		       get_u32(tb[LF_ATTR_CACHE_ENTRIES]), get_u32(tb[LF_ATTR_CACHE_BUCKETS]),
		       tb[LF_ATTR_INST_ALIVE] ? nla_get_u64(tb[LF_ATTR_INST_ALIVE]) : 0,
		       tb[LF_ATTR_INST_FREED] ? nla_get_u64(tb[LF_ATTR_INST_FREED]) : 0);
	else
		printf("cache-size %u ageing-ms %u batch-size %u flush-ms %u\n"
		       "    cache-entries %u cache-buckets %u snapshots-alive %" PRIu64
		       " snapshots-freed %" PRIu64 "\n",
		       get_u32(tb[LF_ATTR_CACHE_SIZE]), get_u32(tb[LF_ATTR_AGEING_MS]),
		       get_u32(tb[LF_ATTR_BATCH_SIZE]), get_u32(tb[LF_ATTR_FLUSH_MS]),
		       get_u32(tb[LF_ATTR_CACHE_ENTRIES]), get_u32(tb[LF_ATTR_CACHE_BUCKETS]),
		       tb[LF_ATTR_INST_ALIVE] ? nla_get_u64(tb[LF_ATTR_INST_ALIVE]) : 0,
		       tb[LF_ATTR_INST_FREED] ? nla_get_u64(tb[LF_ATTR_INST_FREED]) : 0);
	return NL_OK;
}

static int cmd_config(int argc, char **argv)
{
	static const struct {
		const char *name;
		int attr;
	} keys[] = {
		{ "cache-size", LF_ATTR_CACHE_SIZE },
		{ "ageing-ms", LF_ATTR_AGEING_MS },
		{ "batch-size", LF_ATTR_BATCH_SIZE },
		{ "flush-ms", LF_ATTR_FLUSH_MS },
	};
	struct nl_msg *msg;
	int i;
	size_t k;

	if (!argc) {
		lf_request(lf_msg(LF_CMD_GET_CONFIG, 0), parse_config, NULL, "config", NULL);
		return 0;
	}
	if (argc % 2)
		usage();
	msg = lf_msg(LF_CMD_SET_CONFIG, 0);
	for (i = 0; i < argc; i += 2) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(argv[i], keys[k].name))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			die("config: unknown key '%s'", argv[i]);
		nla_put_u32(msg, keys[k].attr, parse_u32(argv[i + 1], keys[k].name));
	}
	lf_request(msg, NULL, NULL, "config", NULL);
	return 0;
}

static int cmd_flush(int argc, char **argv)
{
	struct nl_msg *msg;

	if (argc > 1)
		usage();
	msg = lf_msg(LF_CMD_FLUSH_CACHE, 0);
	if (argc)
		put_model(msg, argv[0]);
	lf_request(msg, NULL, NULL, "flush", argc ? argv[0] : NULL);
	return 0;
}

/* monitor */

static long monitor_left = -1;

static int parse_samples(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LF_ATTR_MAX + 1];
	const char *p, *end;
	uint32_t count, i;

	(void)arg;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL) ||
	    genlmsg_hdr(nlmsg_hdr(msg))->cmd != LF_CMD_SAMPLES || !tb[LF_ATTR_SAMPLES])
		return NL_SKIP;
	count = get_u32(tb[LF_ATTR_SAMPLE_COUNT]);
	p = nla_data(tb[LF_ATTR_SAMPLES]);
	end = p + nla_len(tb[LF_ATTR_SAMPLES]);
	if (json)
		printf("{\"model\":\"%s\",\"id\":%u,\"seq\":%" PRIu64 ",\"drops\":%" PRIu64
		       ",\"count\":%u,\"samples\":[",
		       tb[LF_ATTR_MODEL_NAME] ? nla_get_string(tb[LF_ATTR_MODEL_NAME]) : "?",
		       get_u32(tb[LF_ATTR_MODEL_ID]),
		       tb[LF_ATTR_SEQ] ? nla_get_u64(tb[LF_ATTR_SEQ]) : 0,
		       tb[LF_ATTR_DROPS] ? nla_get_u64(tb[LF_ATTR_DROPS]) : 0, count);
	else
		printf("batch model %s seq %" PRIu64 " drops %" PRIu64 " samples %u\n",
		       tb[LF_ATTR_MODEL_NAME] ? nla_get_string(tb[LF_ATTR_MODEL_NAME]) : "?",
		       tb[LF_ATTR_SEQ] ? nla_get_u64(tb[LF_ATTR_SEQ]) : 0,
		       tb[LF_ATTR_DROPS] ? nla_get_u64(tb[LF_ATTR_DROPS]) : 0, count);
	for (i = 0; i < count && p + sizeof(struct lf_sample) <= end; i++) {
		struct lf_sample s;
		const int32_t *v;
		size_t size;
		int j, n;

		memcpy(&s, p, sizeof(s));
		size = LF_SAMPLE_SIZE(s.n_in, s.n_out, s.n_label);
		if (p + size > end)
			break;
		v = (const int32_t *)(p + sizeof(s));
		n = s.n_in + s.n_out + s.n_label;
		if (json) {
			printf("%s{\"flow\":%" PRIu64 ",\"ts_ns\":%" PRIu64 ",\"version\":%u,"
			       "\"gen\":%u,\"n_in\":%u,\"n_out\":%u,\"n_label\":%u,\"values\":[",
			       i ? "," : "", (uint64_t)s.flow_key, (uint64_t)s.ts_ns, s.version,
			       s.gen, s.n_in, s.n_out, s.n_label);
			for (j = 0; j < n; j++)
				printf("%s%d", j ? "," : "", v[j]);
			printf("]}");
		} else {
			printf("    flow 0x%" PRIx64 " ts %" PRIu64 " v%u.%u in",
			       (uint64_t)s.flow_key, (uint64_t)s.ts_ns, s.version, s.gen);
			for (j = 0; j < n; j++)
				printf("%s%d", j == s.n_in ? " out " :
				       j == s.n_in + s.n_out ? " label " : " ", v[j]);
			printf("\n");
		}
		p += size;
	}
	if (json)
		printf("]}\n");
	fflush(stdout);
	if (monitor_left > 0)
		monitor_left--;
	return monitor_left == 0 ? NL_STOP : NL_OK;
}

static int cmd_monitor(int argc, char **argv)
{
	int grp, ret;

	if (argc == 2 && !strcmp(argv[0], "--count"))
		monitor_left = parse_u32(argv[1], "count");
	else if (argc)
		usage();
	grp = genl_ctrl_resolve_grp(sk, LF_GENL_NAME, LF_GENL_MCGRP_SAMPLES);
	if (grp < 0)
		die("monitor: multicast group '%s' not found", LF_GENL_MCGRP_SAMPLES);
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, parse_samples, NULL);
	ret = nl_socket_add_membership(sk, grp);
	if (ret == -NLE_PERM)
		die("monitor: permission denied: CAP_NET_ADMIN required");
	if (ret < 0)
		die("monitor: cannot join group: %s", nl_geterror(ret));
	if (!json)
		fprintf(stderr, "lfctl: monitoring '%s' sample batches\n", LF_GENL_NAME);
	while (monitor_left != 0) {
		ret = nl_recvmsgs_default(sk);
		if (ret < 0 && ret != -NLE_INTR && ret != -NLE_NOMEM)
			die("monitor: %s", nl_geterror(ret));
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "list", cmd_list },	{ "stats", cmd_stats },	  { "activate", cmd_activate },
		{ "eval", cmd_eval },	{ "push", cmd_push },	  { "config", cmd_config },
		{ "flush", cmd_flush }, { "monitor", cmd_monitor },
	};
	size_t k;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			usage();
		else
			die("unknown option '%s'", argv[i]);
		i++;
	}
	if (i >= argc)
		usage();
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (!strcmp(argv[i], cmds[k].name)) {
			cmd_name = cmds[k].name;
			lf_connect();
			return cmds[k].fn(argc - i - 1, argv + i + 1);
		}
	}
	die("unknown command '%s' (try lfctl --help)", argv[i]);
}
