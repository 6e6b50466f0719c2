// SPDX-License-Identifier: GPL-2.0
/*
 * snap_driver.c - runs a generated snapshot's C (NAME.c) in userspace for
 * bench_compiler.py.  Built per snapshot with
 *   cc -O2 -DLF_SNAP_HEADER='"NAME.h"' -DLF_INFER=lf_NAME_infer
 *      -DLF_PARAMS=lf_NAME_params -DLF_IN_FRAC=lf_NAME_in_frac
 *      -DLF_OUT_FRAC=lf_NAME_out_frac -DLF_N_IN=LF_NAME_N_IN
 *      -DLF_N_OUT=LF_NAME_N_OUT -DLF_IN_WIDTH=32 snap_driver.c NAME.c
 *
 *   snap_driver count Q IN.csv [B]  run Q queries (callgrind: the difference
 *                                between Q and 0 queries is Q queries), in
 *                                batches of B through lf_NAME_infer_batch()
 *   snap_driver time Q IN.csv [B]   print the median ns per query
 *   snap_driver eval IN.csv      print the dequantized outputs, one row each
 *
 * IN.csv: one sample a row, '#' lines skipped.
 */
#include LF_SNAP_HEADER
#include "lf_float.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROWS 4096

static lf_s32 rows[MAX_ROWS][LF_N_IN];
static double raw[MAX_ROWS][LF_N_IN];
static int n_rows;

static void load(const char *path)
{
	char line[1 << 16];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		exit(2);
	}
	while (n_rows < MAX_ROWS && fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		int i;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		for (i = 0; i < LF_N_IN; i++) {
			raw[n_rows][i] = strtod(p, &end);
			if (end == p) {
				fprintf(stderr, "%s: short row %d\n", path, n_rows + 1);
				exit(2);
			}
			rows[n_rows][i] = (lf_s32)lf_quantize_double(
				raw[n_rows][i], LF_IN_FRAC[i], LF_IN_WIDTH);
			p = end + (*end == ',');
		}
		n_rows++;
	}
	fclose(f);
	if (!n_rows) {
		fprintf(stderr, "%s: no rows\n", path);
		exit(2);
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Queries one at a time (batch 1) or through lf_NAME_infer_batch(). */
static int batch = 1;
static lf_s32 bin[64][LF_N_IN], bout[64][LF_N_OUT];

static lf_s64 run(long q)
{
	lf_s32 out[LF_N_OUT];
	lf_s64 sum = 0;
	long i;
	int r = 0, j;

	if (batch > 1) {
		for (i = 0; i + batch <= q; i += batch) {
			for (j = 0; j < batch; j++) {
				memcpy(bin[j], rows[r], sizeof(bin[j]));
				if (++r == n_rows)
					r = 0;
			}
			LF_INFER_BATCH(&LF_PARAMS, bin[0], bout[0], batch);
			sum += bout[0][0];
		}
		return sum;
	}
	for (i = 0; i < q; i++) {
		LF_INFER(&LF_PARAMS, rows[r], out);
		sum += out[0];
		if (++r == n_rows)
			r = 0;
	}
	return sum;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "eval")) {
		lf_s32 out[LF_N_OUT];
		int r, o;

		load(argv[2]);
		for (r = 0; r < n_rows; r++) {
			LF_INFER(&LF_PARAMS, rows[r], out);
			for (o = 0; o < LF_N_OUT; o++)
				printf("%s%.9g", o ? "," : "",
				       lf_dequantize_int(out[o], LF_OUT_FRAC[o]));
			printf("\n");
		}
		return 0;
	}
	if (argc == 5)
		batch = atoi(argv[4]) < 1 ? 1 : (atoi(argv[4]) > 64 ? 64 : atoi(argv[4]));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "count")) {
		long q = atol(argv[2]);

		load(argv[3]);
		printf("%lld\n", (long long)run(q));
		return 0;
	}
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "time")) {
		long q = atol(argv[2]);
		double t[9];
		int k;

		load(argv[3]);
		run(q / 4 + 1); /* warm up */
		for (k = 0; k < 9; k++) {
			double t0 = now_ns();

			run(q);
			t[k] = (now_ns() - t0) / q;
		}
		qsort(t, 9, sizeof(t[0]), cmp);
		printf("%.2f\n", t[4]);
		return 0;
	}
	fprintf(stderr,
		"usage: %s count Q IN.csv [BATCH] | time Q IN.csv [BATCH] | eval IN.csv\n",
		argv[0]);
	return 2;
}
