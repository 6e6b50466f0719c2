// SPDX-License-Identifier: GPL-2.0
/*
 * lfctl - control the LiteFlow kernel core over generic netlink.
 *
 *   lfctl [--json] list
 *   lfctl [--json] stats [MODEL]
 *   lfctl activate MODEL [--version V]
 *   lfctl deactivate MODEL
 *   lfctl [--json] eval MODEL --input FILE.csv [--raw] [--version V | --standby]
 *   lfctl push MODEL --params FILE [--version V]
 *   lfctl [--json] config [cache-size N] [ageing-ms M] [batch-size B] [flush-ms F] [uq-max Q] [uq-timeout-ms T]
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

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "lf_float.h"
#include "lfnl/lfnl.h"

static bool json;
static struct lfnl *h;

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

/* the usage on stdout and exit 0 (--help), or on stderr and exit 2 */
static void __attribute__((noreturn)) usage_exit(FILE *f, int code)
{
	fputs("usage: lfctl [--json] COMMAND ...\n"
	      "  list                               models and their snapshots\n"
	      "  stats [MODEL]                      per-model counters\n"
	      "  activate MODEL [--version V]       make the standby (or V) active\n"
	      "  deactivate MODEL                   retire the active snapshot (unpins its module)\n"
	      "  eval MODEL --input X.csv [--raw] [--version V | --standby]\n"
	      "  push MODEL --params FILE [--version V]   replace the standby's weights\n"
	      "  config [cache-size N] [ageing-ms M] [batch-size B] [flush-ms F] [uq-max Q] [uq-timeout-ms T]\n"
	      "  flush [MODEL]                      drop flow cache entries\n"
	      "  monitor [--count N]                print sample batches\n", f);
	exit(code);
}

static void __attribute__((noreturn)) usage(void)
{
	usage_exit(stderr, 2);
}

static void lf_connect(void)
{
	h = lfnl_open();
	if (!h)
		die("out of memory");
	if (lfnl_family(h) < 0)
		die("%s", lfnl_error(h));
}

/*
 * Dies with a one-line diagnosis of a failed library call @ret: @what names
 * the operation, @model the model for ENOENT messages.
 */
static void check(int ret, const char *what, const char *model)
{
	const char *ext = lfnl_extack(h);

	if (!ret)
		return;
	if (ret == -ENOENT && model && (!ext[0] || !strcmp(ext, "no such model")))
		die("%s: model '%s' not found", what, model);
	die("%s: %s", what, lfnl_error(h));
}

/* ------------------------------------------------------------------ */
/* model replies                                                       */

struct model_list {
	size_t n;
	struct lfnl_model *m;
};

static struct model_list get_models(const char *model, const char *what)
{
	struct model_list l = { 0, NULL };

	check(lfnl_get_models(h, model, &l.m, &l.n), what, model);
	if (model && l.n != 1)
		die("%s: model '%s' not found", what, model);
	return l;
}

static void free_models(struct model_list *l)
{
	lfnl_free_models(l->m, l->n);
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
	size_t i, j;

	if (argc)
		usage();
	l = get_models(NULL, "list");
	if (json)
		printf("[");
	for (i = 0; i < l.n; i++) {
		struct lfnl_model *m = &l.m[i];

		if (json) {
			printf("%s{\"name\":\"%s\",\"id\":%u,\"arch_hash\":\"0x%016" PRIx64
			       "\",\"n_in\":%u,\"n_out\":%u,", i ? "," : "", m->name, m->id,
			       m->arch_hash, m->n_in, m->n_out);
			print_ver("active", m->has_active, m->active, true);
			print_ver("standby", m->has_standby, m->standby, true);
			printf("\"snapshots\":[");
			for (j = 0; j < m->n_snaps; j++) {
				struct lfnl_snapshot *s = &m->snaps[j];

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
			struct lfnl_snapshot *s = &m->snaps[j];

			printf("    snapshot %u gen %u %s params %u stack %u module %s flows %u\n",
			       s->version, s->gen, state_name(s->state), s->params_size,
			       s->stack_bytes, s->module, s->flows);
		}
	}
	if (json)
		printf("]\n");
	free_models(&l);
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
	{ LF_ATTR_STAT_DROPS, "drops" },	{ LF_ATTR_STAT_EVICTIONS, "evictions" },
};

/*
 * Counters of the datapath modules that use the models, one line each after
 * the models' own counters when `lfctl stats` names no model: lf_cc.ko (a
 * line per algorithm: connections, monitor intervals, fallbacks, distrusted
 * snapshots, ...), lf_fs.ko and lf_lb.ko (flows, queries, upcalls, labels,
 * ...), each line "datapath NAME key value ...".  A module not loaded has no
 * line.
 */
static void print_datapath_stats(void)
{
	static const char *const mods[] = { "lf_cc", "lf_fs", "lf_lb" };
	char path[96], line[2048];
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/sys/module/%s/parameters/stats", mods[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			/* lf_cc's lines start with the algorithm's name already */
			if (i == 0)
				printf("datapath %s", line);
			else
				printf("datapath %s %s", mods[i], line);
		}
		fclose(f);
	}
}

static int cmd_stats(int argc, char **argv)
{
	struct model_list l;
	size_t i, k;

	if (argc > 1)
		usage();
	l = get_models(argc ? argv[0] : NULL, "stats");
	if (json)
		printf("[");
	for (i = 0; i < l.n; i++) {
		struct lfnl_model *m = &l.m[i];

		if (json) {
			printf("%s{\"name\":\"%s\",\"id\":%u,", i ? "," : "", m->name, m->id);
			print_ver("active", m->has_active, m->active, true);
			print_ver("standby", m->has_standby, m->standby, true);
			for (k = 0; k < sizeof(stat_names) / sizeof(stat_names[0]); k++)
				printf("\"%s\":%" PRIu64 ",", stat_names[k].name,
				       m->stat[stat_names[k].attr]);
			printf("\"latency_log2_ns\":[");
			for (k = 0; k < LF_LAT_BUCKETS; k++)
				printf("%s%" PRIu64, k ? "," : "", m->lat_hist[k]);
			printf("]}");
			continue;
		}
		printf("model %s id %u", m->name, m->id);
		print_ver("active", m->has_active, m->active, false);
		print_ver("standby", m->has_standby, m->standby, false);
		for (k = 0; k < sizeof(stat_names) / sizeof(stat_names[0]); k++)
			printf("%s%s %" PRIu64, k % 4 ? " " : "\n    ", stat_names[k].name,
			       m->stat[stat_names[k].attr]);
		/* timed queries by latency: "B:N", N queries in [2^B, 2^(B+1)) ns */
		printf("\n    latency-log2-ns");
		for (k = 0; k < LF_LAT_BUCKETS; k++)
			if (m->lat_hist[k])
				printf(" %zu:%" PRIu64, k, m->lat_hist[k]);
		printf("\n");
	}
	if (json)
		printf("]\n");
	else if (!argc)
		print_datapath_stats();
	free_models(&l);
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

static int cmd_deactivate(int argc, char **argv)
{
	char what[80];

	if (argc != 1)
		usage();
	snprintf(what, sizeof(what), "deactivate %s", argv[0]);
	check(lfnl_deactivate(h, argv[0]), what, argv[0]);
	return 0;
}

static int cmd_activate(int argc, char **argv)
{
	char what[80];

	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "--version")))
		usage();
	snprintf(what, sizeof(what), "activate %s", argv[0]);
	check(lfnl_activate(h, argv[0], argc == 3 ? (int64_t)parse_u32(argv[2], "version") : -1),
	      what, argv[0]);
	return 0;
}

/* eval */

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
	struct lfnl_model *m;
	int32_t *in, *out;
	size_t rows, r;
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
	if (!m->n_in || (!raw && (m->n_in_frac != m->n_in || m->n_out_frac != m->n_out)))
		die("%s: model has no snapshot", what);
	rows = read_csv(input, m->n_in, m->in_frac, raw, &in);
	out = malloc(rows * m->n_out * sizeof(*out));
	if (!out)
		die("out of memory");
	check(lfnl_eval(h, model, in, rows, m->n_in, m->n_out, has_ver ? (int64_t)version : -1,
			standby, out), what, model);
	if (json)
		printf("{\"model\":\"%s\",\"outputs\":[", m->name);
	for (r = 0; r < rows; r++) {
		uint32_t j;

		if (json)
			printf("%s[", r ? "," : "");
		for (j = 0; j < m->n_out; j++) {
			int32_t v = out[r * m->n_out + j];
			const char *sep = j ? "," : "";

			if (raw)
				printf("%s%d", sep, v);
			else
				printf("%s%.9g", sep, lf_dequantize_int(v, m->out_frac[j]));
		}
		printf(json ? "]" : "\n");
	}
	if (json)
		printf("]}\n");
	free(out);
	free(in);
	free_models(&l);
	return 0;
}

static int cmd_push(int argc, char **argv)
{
	const char *model, *path = NULL;
	bool has_ver = false;
	uint32_t version = 0, v = 0, gen = 0;
	struct model_list l;
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
	if (stb.st_size <= 0 || stb.st_size > LF_PUSH_MAX)
		die("%s: '%s': params must be 1..%u bytes (has %lld)", what, path,
		    LF_PUSH_MAX, (long long)stb.st_size);
	buf = malloc(stb.st_size);
	if (!buf || fread(buf, 1, stb.st_size, f) != (size_t)stb.st_size)
		die("%s: cannot read '%s'", what, path);
	fclose(f);
	l = get_models(model, what);
	/* larger than one attribute: staged in chunks and committed */
	check(lfnl_push(h, model, buf, stb.st_size, l.m[0].arch_hash,
			has_ver ? (int64_t)version : -1, &v, &gen), what, model);
	if (json)
		printf("{\"model\":\"%s\",\"version\":%u,\"gen\":%u}\n", model, v, gen);
	else
		printf("pushed %s standby version %u gen %u\n", model, v, gen);
	free(buf);
	free_models(&l);
	return 0;
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
		{ "uq-max", LF_ATTR_UQ_MAX },
		{ "uq-timeout-ms", LF_ATTR_UQ_TIMEOUT_MS },
	};
	struct lfnl_config c;
	struct nl_msg *msg;
	size_t k;
	int i;

	if (!argc) {
		check(lfnl_get_config(h, &c), "config", NULL);
		if (json)
			printf("{\"cache_size\":%u,\"ageing_ms\":%u,\"batch_size\":%u,"
			       "\"flush_ms\":%u,\"cache_entries\":%u,\"cache_buckets\":%u,"
			       "\"inst_alive\":%" PRIu64 ",\"inst_freed\":%" PRIu64
			       ",\"evictions\":%" PRIu64 ",\"uq_max\":%u,\"uq_timeout_ms\":%u,"
			       "\"uq_pending\":%u,\"uq_sent\":%" PRIu64 ",\"uq_answered\":%" PRIu64
			       ",\"uq_stale\":%" PRIu64 ",\"uq_expired\":%" PRIu64
			       ",\"uq_refused\":%" PRIu64 ",\"uq_bad\":%" PRIu64 "}\n",
			       c.cache_size, c.ageing_ms, c.batch_size, c.flush_ms,
			       c.cache_entries, c.cache_buckets, c.inst_alive, c.inst_freed,
			       c.evictions, c.uq_max, c.uq_timeout_ms, c.uq_pending, c.uq_sent,
			       c.uq_answered, c.uq_stale, c.uq_expired, c.uq_refused, c.uq_bad);
		else
			printf("cache-size %u ageing-ms %u batch-size %u flush-ms %u\n"
			       "    cache-entries %u cache-buckets %u snapshots-alive %" PRIu64
			       " snapshots-freed %" PRIu64 " evictions %" PRIu64 "\n"
			       "uq-max %u uq-timeout-ms %u\n"
			       "    uq-pending %u uq-sent %" PRIu64 " uq-answered %" PRIu64
			       " uq-stale %" PRIu64 " uq-expired %" PRIu64 " uq-refused %" PRIu64
			       " uq-bad %" PRIu64 "\n",
			       c.cache_size, c.ageing_ms, c.batch_size, c.flush_ms,
			       c.cache_entries, c.cache_buckets, c.inst_alive, c.inst_freed,
			       c.evictions, c.uq_max, c.uq_timeout_ms, c.uq_pending, c.uq_sent,
			       c.uq_answered, c.uq_stale, c.uq_expired, c.uq_refused, c.uq_bad);
		return 0;
	}
	if (argc % 2)
		usage();
	msg = lfnl_msg(h, LF_CMD_SET_CONFIG, 0, 0);
	if (!msg)
		die("out of memory");
	for (i = 0; i < argc; i += 2) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(argv[i], keys[k].name))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			die("config: unknown key '%s'", argv[i]);
		nla_put_u32(msg, keys[k].attr, parse_u32(argv[i + 1], keys[k].name));
	}
	check(lfnl_request(h, msg, NULL, NULL), "config", NULL);
	return 0;
}

static int cmd_flush(int argc, char **argv)
{
	if (argc > 1)
		usage();
	check(lfnl_flush(h, argc ? argv[0] : NULL), "flush", argc ? argv[0] : NULL);
	return 0;
}

/* monitor */

static long monitor_left = -1;

static int print_batch(struct nl_msg *msg, void *arg)
{
	struct lfnl_batch b;
	struct lf_sample s;
	const int32_t *v;
	size_t off = 0;
	uint32_t i;

	(void)arg;
	if (lfnl_parse_batch(msg, &b))
		return NL_SKIP;
	if (json)
		printf("{\"model\":\"%s\",\"id\":%u,\"seq\":%" PRIu64 ",\"drops\":%" PRIu64
		       ",\"count\":%u,\"samples\":[", b.model, b.model_id, b.seq, b.drops,
		       b.count);
	else
		printf("batch model %s seq %" PRIu64 " drops %" PRIu64 " samples %u\n",
		       b.model, b.seq, b.drops, b.count);
	for (i = 0; i < b.count && lfnl_sample_next(b.blob, b.len, &off, &s, &v) == 1; i++) {
		int j, n = s.n_in + s.n_out + s.n_label;

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
	struct nl_sock *sk = lfnl_sock(h);
	int ret;

	if (argc == 2 && !strcmp(argv[0], "--count"))
		monitor_left = parse_u32(argv[1], "count");
	else if (argc)
		usage();
	check(lfnl_join_samples(h), "monitor", NULL);
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, print_batch, NULL);
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
		{ "flush", cmd_flush }, { "monitor", cmd_monitor }, { "deactivate", cmd_deactivate },
	};
	size_t k;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			usage_exit(stdout, 0);
		else
			die("unknown option '%s'", argv[i]);
		i++;
	}
	if (i >= argc)
		usage();
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (!strcmp(argv[i], cmds[k].name)) {
			lf_connect();
			return cmds[k].fn(argc - i - 1, argv + i + 1);
		}
	}
	die("unknown command '%s' (try lfctl --help)", argv[i]);
}
