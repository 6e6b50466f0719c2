// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_bpf.c - loader of the BPF congestion controls lf_aurora_bpf and
 * lf_dummy_bpf (lf_aurora_bpf.bpf.c, through its libbpf skeleton).
 *
 *   lf_cc_bpf up PARAMS      load, verify, write PARAMS (lfc's NAME.params of
 *                            the Aurora policy) into buffer 0, register both
 *                            CCs, pin the maps under /sys/fs/bpf/lf_cc_bpf/
 *                            and add the names to
 *                            net.ipv4.tcp_allowed_congestion_control
 *   lf_cc_bpf push PARAMS    a weight update: retire the idle buffer, a grace
 *                            period, PARAMS into it, then the index flip
 *                            (generation + 1): liblfbpf's lfbpf_push, the
 *                            code lf-runtime's BPF backend updates with
 *   lf_cc_bpf flip A B SECS  push A and B alternately for SECS (torn test)
 *   lf_cc_bpf samples N SECS the ring buffer's samples (a line each: gen, buf,
 *                            reward, action, inputs, output, seq), N or SECS
 *                            (not while lf-runtime reads them)
 *   lf_cc_bpf stats | last   counters | the last query (inputs, output, gen)
 *   lf_cc_bpf ctl            lf_ctl: the active buffer, the generation, the
 *                            generation each buffer holds
 *   lf_cc_bpf down           unregister both, drop the names and the pins
 * The registration outlives this process (6.1 struct_ops maps stay attached).
 * Errors are one line naming the thing at fault; exit 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lfbpf/lfbpf.h"
#include "aurora_cc.bpf.h"
#include "lf_cc_bpf.skel.h"

#define PIN_DIR LF_BPF_PIN_DIR
#define ALLOWED "/proc/sys/net/ipv4/tcp_allowed_congestion_control"

static const char *const names[] = { "lf_aurora_bpf", "lf_dummy_bpf" };
static const char *const stat_names[LF_BPF_NSTAT] = {
	"conns", "mis", "queries", "fallbacks", "nomodel", "repins",
	"act_clamps", "rate_clamps", "samples", "sample_drops", "retired",
};
static const char *const maps[] = {
	"lf_params", "lf_ctl", "lf_model", "lf_stats", "lf_last", "lf_samples",
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lf_cc_bpf: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static void *read_blob(const char *path, size_t want)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(want + 1);
	size_t n;

	if (!f)
		die("%s: %s", path, strerror(errno));
	n = fread(b, 1, want + 1, f);
	fclose(f);
	if (n != want)
		die("%s: %zu bytes, the policy's params are %zu (another model?)",
		    path, n, want);
	return b;
}

/* the pinned maps (liblfbpf), or a one-line error */
static struct lfbpf *open_pins(void)
{
	char err[320];
	struct lfbpf *h = lfbpf_open(PIN_DIR, err, sizeof(err));

	if (!h)
		die("%s", err);
	return h;
}

static int pinned(struct lfbpf *h, const char *map)
{
	int fd = lfbpf_map_fd(h, map);

	if (fd < 0)
		die(PIN_DIR "/%s is not pinned (is lf_aurora_bpf up?)", map);
	return fd;
}

/* add (on) or drop (!on) the names in tcp_allowed_congestion_control */
static void allow(int on)
{
	char cur[4096] = "", out[4096] = "", *tok, *save;
	FILE *f = fopen(ALLOWED, "r");
	size_t i;

	if (!f || !fgets(cur, sizeof(cur), f))
		die(ALLOWED ": %s", strerror(errno));
	fclose(f);
	cur[strcspn(cur, "\n")] = 0;
	for (tok = strtok_r(cur, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int ours = 0;

		for (i = 0; i < 2; i++)
			ours |= !strcmp(tok, names[i]);
		if (ours)
			continue;
		strncat(out, tok, sizeof(out) - strlen(out) - 2);
		strcat(out, " ");
	}
	if (on)
		for (i = 0; i < 2; i++) {
			strncat(out, names[i], sizeof(out) - strlen(out) - 2);
			strcat(out, " ");
		}
	f = fopen(ALLOWED, "w");
	if (!f || fprintf(f, "%s\n", out) < 0 || fclose(f))
		die(ALLOWED ": cannot write: %s", strerror(errno));
}

/* a weight update (lfbpf.h): idle buffer, generation + 1, index flip */
static void push_blob(struct lfbpf *h, const void *blob, const char *what,
		      int quiet)
{
	__u32 buf, gen;

	if (lfbpf_push(h, blob, LFBPF_GRACE_US, &buf, &gen))
		die("%s", lfbpf_error(h));
	if (!quiet)
		printf("pushed %s into buffer %u: generation %u\n", what, buf, gen);
}

static void push(const char *path)
{
	struct lfbpf *h = open_pins();

	push_blob(h, read_blob(path, lfbpf_params_size(h)), path, 0);
	lfbpf_close(h);
}

/* @s as a non-negative integer, or a one-line error naming @what */
static unsigned long number(const char *what, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || *s == '-' || errno)
		die("%s: '%s' is not a non-negative integer", what, s);
	return v;
}

/* nanoseconds on CLOCK_MONOTONIC */
static unsigned long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* pushes A and B alternately for @secs seconds (the torn-update test) */
static void flip(const char *a, const char *b, unsigned long secs)
{
	struct lfbpf *h = open_pins();
	__u32 sz = lfbpf_params_size(h);
	void *blob[2] = { read_blob(a, sz), read_blob(b, sz) };
	unsigned long long end = now_ns() + secs * 1000000000ULL;
	unsigned long n = 0;

	do {
		push_blob(h, blob[n & 1], "", 1);
		n++;
	} while (now_ns() < end);
	printf("flips %lu\n", n);
	lfbpf_close(h);
}

static unsigned long nsamples, want_samples;

static int on_sample(void *ctx, void *data, size_t len)
{
	const struct lf_bpf_sample *s = lfbpf_sample(data, len);
	const __s32 *v;
	int i;

	(void)ctx;
	if (!s || s->n_out != 1 || s->n_label < 2)
		return 0;
	v = lfbpf_sample_values(s);
	printf("gen %u buf %u reward %d action %d in ", s->gen, s->buf,
	       v[s->n_in + 1], v[s->n_in + 2]);
	for (i = 0; i < s->n_in; i++)
		printf("%s%d", i ? "," : "", v[i]);
	printf(" out %d seq %llu\n", v[s->n_in], (unsigned long long)s->seq);
	return ++nsamples >= want_samples ? 1 : 0;
}

/* prints samples from the ring buffer until @n or @secs seconds */
static void samples(unsigned long n, unsigned long secs)
{
	unsigned long long end = now_ns() + secs * 1000000000ULL;
	struct lfbpf *h = open_pins();
	struct ring_buffer *rb;

	want_samples = n;
	rb = ring_buffer__new(pinned(h, "lf_samples"), on_sample, NULL, NULL);
	if (!rb)
		die("lf_samples: %s", strerror(errno));
	do {
		if (ring_buffer__poll(rb, 100) < 0 || nsamples >= n)
			break;
		fflush(stdout);
	} while (now_ns() < end);
	ring_buffer__free(rb);
	lfbpf_close(h);
	fflush(stdout);
}

/* lf_model: the snapshot the program was built with (aurora_cc.bpf.h) */
static void write_model(int fd)
{
	static const signed char in_frac[] = LF_AURORA_CC_IN_FRAC;
	static const signed char out_frac[] = LF_AURORA_CC_OUT_FRAC;
	struct lf_bpf_model m = { 0 };
	__u32 zero = 0, i;

	_Static_assert(LF_AURORA_CC_N_IN <= LF_BPF_MAX_IN &&
		       LF_AURORA_CC_N_OUT <= LF_BPF_MAX_OUT, "lf_bpf_model");
	m.arch_hash = LF_AURORA_CC_ARCH_HASH;
	m.params_bytes = LF_AURORA_CC_PARAMS_BYTES;
	m.n_in = LF_AURORA_CC_N_IN;
	m.n_out = LF_AURORA_CC_N_OUT;
	for (i = 0; i < LF_AURORA_CC_N_IN; i++)
		m.in_frac[i] = in_frac[i];
	for (i = 0; i < LF_AURORA_CC_N_OUT; i++)
		m.out_frac[i] = out_frac[i];
	if (bpf_map_update_elem(fd, &zero, &m, 0))
		die("lf_model: %s", strerror(errno));
}

static void up(const char *params)
{
	struct lf_cc_bpf_skel *s;
	struct bpf_link *l1, *l2;
	char vlog[4096];
	int err;

	if (access(PIN_DIR, F_OK) == 0)
		die(PIN_DIR " exists: lf_aurora_bpf is up already (lf_cc_bpf down first)");
	s = lf_cc_bpf_skel__open();
	if (!s)
		die("cannot open the BPF object: %s", strerror(errno));
	(void)vlog;
	err = lf_cc_bpf_skel__load(s);
	if (err)
		die("the kernel refused the BPF CC (%s): run with LIBBPF_LOG=1 "
		    "for the verifier log", strerror(-err));
	write_model(bpf_map__fd(s->maps.lf_model));
	if (mkdir(PIN_DIR, 0700) ||
	    bpf_map__pin(s->maps.lf_params, PIN_DIR "/lf_params") ||
	    bpf_map__pin(s->maps.lf_ctl, PIN_DIR "/lf_ctl") ||
	    bpf_map__pin(s->maps.lf_model, PIN_DIR "/lf_model") ||
	    bpf_map__pin(s->maps.lf_stats, PIN_DIR "/lf_stats") ||
	    bpf_map__pin(s->maps.lf_last, PIN_DIR "/lf_last") ||
	    bpf_map__pin(s->maps.lf_samples, PIN_DIR "/lf_samples"))
		die(PIN_DIR ": cannot pin the maps: %s (is bpffs mounted?)",
		    strerror(errno));
	push(params);
	l1 = bpf_map__attach_struct_ops(s->maps.lf_aurora_bpf);
	l2 = l1 ? bpf_map__attach_struct_ops(s->maps.lf_dummy_bpf) : NULL;
	if (!l1 || !l2)
		die("cannot register the CCs: %s (a CC of that name exists?)",
		    strerror(errno));
	allow(1);
	printf("lf_aurora_bpf, lf_dummy_bpf registered (maps in " PIN_DIR ")\n");
	/* the links are not destroyed: the registration stays */
}

static void down(void)
{
	__u32 id = 0, zero = 0, found = 0;
	size_t i;

	allow(0);
	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info), j;
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_MAP_TYPE_STRUCT_OPS)
			for (j = 0; j < 2; j++)
				if (!strcmp(info.name, names[j]) &&
				    !bpf_map_delete_elem(fd, &zero))
					found++;
		close(fd);
	}
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), PIN_DIR "/%s", maps[i]);
		unlink(path);
	}
	rmdir(PIN_DIR);
	printf("unregistered %u CC(s)\n", found);
}

static void stats(void)
{
	struct lfbpf *h = open_pins();
	__u64 sum;
	__u32 k;

	for (k = 0; k < LF_BPF_NSTAT; k++) {
		if (lfbpf_stat(h, k, &sum))
			die("%s", lfbpf_error(h));
		printf("%s%s %llu", k ? " " : "", stat_names[k],
		       (unsigned long long)sum);
	}
	printf("\n");
	lfbpf_close(h);
}

static void last(void)
{
	struct lfbpf *h = open_pins();
	int fd = pinned(h, "lf_last");
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info), zero = 0, i, n;
	__s32 *v;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("lf_last: %s", strerror(errno));
	v = calloc(1, info.value_size);
	if (bpf_map_lookup_elem(fd, &zero, v))
		die("lf_last: %s", strerror(errno));
	n = info.value_size / 4;
	printf("gen %d buf %d in", v[0], v[1]);
	for (i = 2; i + 1 < n; i++)
		printf("%s%d", i == 2 ? " " : ",", v[i]);
	printf(" out %d\n", v[n - 1]);
}

static void ctl(void)
{
	struct lfbpf *h = open_pins();
	struct lf_bpf_ctl_v c;

	if (lfbpf_ctl(h, &c))
		die("%s", lfbpf_error(h));
	printf("active %u gen %u bgen %u %u\n", c.active, c.gen, c.bgen[0],
	       c.bgen[1]);
	lfbpf_close(h);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (!getenv("LIBBPF_LOG"))
		libbpf_set_print(NULL);
	if (!strcmp(cmd, "up") && argc == 3)
		up(argv[2]);
	else if (!strcmp(cmd, "push") && argc == 3)
		push(argv[2]);
	else if (!strcmp(cmd, "down") && argc == 2)
		down();
	else if (!strcmp(cmd, "stats") && argc == 2)
		stats();
	else if (!strcmp(cmd, "last") && argc == 2)
		last();
	else if (!strcmp(cmd, "ctl") && argc == 2)
		ctl();
	else if (!strcmp(cmd, "flip") && argc == 5)
		flip(argv[2], argv[3], number("flip: SECS", argv[4]));
	else if (!strcmp(cmd, "samples") && argc == 4)
		samples(number("samples: N", argv[2]), number("samples: SECS", argv[3]));
	else
		die("usage: lf_cc_bpf up PARAMS | push PARAMS | flip A B SECS | "
		    "samples N SECS | stats | last | ctl | down");
	return 0;
}
