// SPDX-License-Identifier: GPL-2.0
/*
 * lf_bpf_run.c - loads a BPF snapshot object (lfc compile --target bpf) into
 * the running kernel and runs its lf_NAME_run program with
 * BPF_PROG_TEST_RUN on raw inputs: the kernel's own integers.
 *
 * Usage: lf_bpf_run [options] NAME.bpf.o NAME.params < raw.csv
 *   --params1 FILE  blob of params buffer 1 (default: NAME.params)
 *   --buf 0|1       query that buffer (default: the active one, 0)
 *   --repeat N      time N runs of the first row, print ns per query
 * Prints one line of output integers per input row (as `lfc run --raw`) and
 * the verifier's figures on stderr ("verifier: processed N insns ...").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static char vlog[1 << 20];

static void *read_blob(const char *path, size_t want)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(want + 1);
	size_t n;

	if (!f || !b) {
		fprintf(stderr, "lf_bpf_run: cannot read %s\n", path);
		exit(1);
	}
	n = fread(b, 1, want + 1, f);
	fclose(f);
	if (n != want) {
		fprintf(stderr, "lf_bpf_run: %s has %zu bytes, the params map "
			"holds %zu\n", path, n, want);
		exit(1);
	}
	return b;
}

static int map_fd(struct bpf_object *obj, const char *name, __u32 *vsize)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	if (!m) {
		fprintf(stderr, "lf_bpf_run: no map %s in the object\n", name);
		exit(1);
	}
	*vsize = bpf_map__value_size(m);
	return bpf_map__fd(m);
}

/* the verifier's summary lines of the log */
static void print_stats(const char *log)
{
	const char *l = log;

	while (l && *l) {
		const char *e = strchr(l, '\n');
		int len = e ? (int)(e - l) : (int)strlen(l);

		if (!strncmp(l, "processed", 9) || !strncmp(l, "stack depth", 11) ||
		    !strncmp(l, "verification time", 17))
			fprintf(stderr, "verifier: %.*s\n", len, l);
		l = e ? e + 1 : NULL;
	}
}

int main(int argc, char **argv)
{
	const char *params1 = NULL, *objpath, *params0;
	long repeat = 0, rowno = 0;
	__u32 buf = 2, psize, csize, iosize, zero = 0, one = 1;
	struct bpf_program *prog;
	struct bpf_object *obj;
	int pfd, cfd, iofd, progfd, nin = -1, nout, i, err;
	char line[65536], pkt[64] = { 0 };
	__s32 *io;

	while (argc > 1 && !strncmp(argv[1], "--", 2)) {
		if (argc > 2 && !strcmp(argv[1], "--params1"))
			params1 = argv[2];
		else if (argc > 2 && !strcmp(argv[1], "--buf"))
			buf = (__u32)atoi(argv[2]);
		else if (argc > 2 && !strcmp(argv[1], "--repeat"))
			repeat = atol(argv[2]);
		else {
			fprintf(stderr, "lf_bpf_run: unknown option %s\n", argv[1]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: lf_bpf_run [--params1 F] [--buf 0|1] "
			"[--repeat N] NAME.bpf.o NAME.params < raw.csv\n");
		return 2;
	}
	objpath = argv[1];
	params0 = argv[2];
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(objpath, NULL);
	if (!obj) {
		fprintf(stderr, "lf_bpf_run: %s: not a BPF object (%s)\n", objpath,
			strerror(errno));
		return 1;
	}
	prog = bpf_object__next_program(obj, NULL);
	if (!prog) {
		fprintf(stderr, "lf_bpf_run: %s has no program\n", objpath);
		return 1;
	}
	bpf_program__set_log_buf(prog, vlog, sizeof(vlog));
	/* LF_BPF_LOG=1: the whole verifier log (debugging a refusal) */
	bpf_program__set_log_level(prog, getenv("LF_BPF_LOG") ? 1 | 4 : 4);
	err = bpf_object__load(obj);
	if (err) {
		const char *tail = vlog + strlen(vlog);
		int lines = 0;

		while (tail > vlog && lines < (getenv("LF_BPF_LOG") ? 200 : 12))
			if (*--tail == '\n')
				lines++;
		fprintf(stderr, "lf_bpf_run: %s: the kernel refused %s (%s); "
			"verifier log tail:\n%s\n", objpath,
			bpf_program__name(prog), strerror(-err), tail);
		return 1;
	}
	print_stats(vlog);
	pfd = map_fd(obj, "lf_params", &psize);
	cfd = map_fd(obj, "lf_ctl", &csize);
	iofd = map_fd(obj, "lf_io", &iosize);
	if (bpf_map_update_elem(pfd, &zero, read_blob(params0, psize), 0) ||
	    bpf_map_update_elem(pfd, &one, read_blob(params1 ? params1 : params0,
						     psize), 0)) {
		fprintf(stderr, "lf_bpf_run: params map update: %s\n",
			strerror(errno));
		return 1;
	}
	{
		__u32 ctl[4] = { 0, 1, 1, 1 };	/* active, gen, bgen[2] */

		if (bpf_map_update_elem(cfd, &zero, ctl, 0)) {
			fprintf(stderr, "lf_bpf_run: ctl map update: %s\n",
				strerror(errno));
			return 1;
		}
	}
	progfd = bpf_program__fd(prog);
	io = calloc(1, iosize);
	while (fgets(line, sizeof(line), stdin)) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
			    .data_size_in = sizeof(pkt),
			    .repeat = repeat > 0 ? (int)repeat : 1);
		char *c = line, *end;
		int n = 0;

		rowno++;
		memset(io, 0, iosize);
		io[0] = (__s32)buf;
		while (*c && *c != '\n') {
			long v = strtol(c, &end, 10);

			if (end == c || 2 + n >= (int)(iosize / 4)) {
				fprintf(stderr, "lf_bpf_run: row %ld: bad value "
					"or too many values\n", rowno);
				return 1;
			}
			io[2 + n++] = (__s32)v;
			c = end + (*end == ',');
		}
		if (nin < 0)
			nin = n;
		if (n != nin) {
			fprintf(stderr, "lf_bpf_run: row %ld has %d values, "
				"not %d\n", rowno, n, nin);
			return 1;
		}
		nout = (int)(iosize / 4) - 2 - nin;
		if (bpf_map_update_elem(iofd, &zero, io, 0) ||
		    bpf_prog_test_run_opts(progfd, &opts) || opts.retval) {
			fprintf(stderr, "lf_bpf_run: row %ld: test run failed "
				"(%s, retval %u)\n", rowno, strerror(errno),
				opts.retval);
			return 1;
		}
		if (bpf_map_lookup_elem(iofd, &zero, io) || io[1]) {
			fprintf(stderr, "lf_bpf_run: row %ld: inference "
				"status %d\n", rowno, io[1]);
			return 1;
		}
		if (repeat > 0) {
			printf("%u ns per query (%ld runs, BPF_PROG_TEST_RUN)\n",
			       opts.duration, repeat);
			return 0;
		}
		for (i = 0; i < nout; i++)
			printf("%s%d", i ? "," : "", io[2 + nin + i]);
		printf("\n");
	}
	bpf_object__close(obj);
	return 0;
}
