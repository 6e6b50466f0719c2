// SPDX-License-Identifier: GPL-2.0
/*
 * lf_snap_run - a generated snapshot's C (NAME.c, the kernel module's code)
 * built into a userspace program, to get the integers the kernel must
 * produce.  Built by examples/aurora/build.sh with lf_snap_sel.h, a small
 * header naming the snapshot (LF_SEL_*).  Reads a CSV on stdin (one sample a
 * row, '#' lines skipped) and prints one row per sample:
 *   lf_snap_run quantize   real inputs -> raw inputs (round half away from
 *                          zero, saturated: lfc's rule, lf_float.h)
 *   lf_snap_run raw        raw inputs  -> raw outputs
 *   lf_snap_run float      real inputs -> real outputs (%.9g, as `lfc run`)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lf_snap_sel.h"

static int read_row(double *x, int n)
{
	char line[1 << 16], *p, *end;
	int i;

	for (;;) {
		if (!fgets(line, sizeof(line), stdin))
			return 0;
		p = line + strspn(line, " \t");
		if (*p && *p != '#' && *p != '\n' && *p != '\r')
			break;
	}
	for (i = 0; i < n; i++) {
		x[i] = strtod(p, &end);
		if (end == p) {
			fprintf(stderr, "lf_snap_run: bad row (column %d)\n", i + 1);
			exit(1);
		}
		p = end + strspn(end, " \t");
		if (*p == ',')
			p++;
	}
	return 1;
}

static int32_t quantize(double x, int frac)
{
	double v = round(ldexp(x, frac));

	if (isnan(x))
		return 0;
	if (v < -2147483648.0)
		v = -2147483648.0;
	if (v > 2147483647.0)
		v = 2147483647.0;
	return (int32_t)v;
}

int main(int argc, char **argv)
{
	static double x[LF_SEL_N_IN];
	static int32_t in[LF_SEL_N_IN], out[LF_SEL_N_OUT];
	const char *mode = argc > 1 ? argv[1] : "";
	int i;

	if (strcmp(mode, "quantize") && strcmp(mode, "raw") && strcmp(mode, "float")) {
		fprintf(stderr, "usage: lf_snap_run quantize|raw|float < X.csv\n");
		return 2;
	}
	while (read_row(x, LF_SEL_N_IN)) {
		for (i = 0; i < LF_SEL_N_IN; i++)
			in[i] = *mode == 'r' ? (int32_t)x[i] : quantize(x[i], LF_SEL_IN_FRAC[i]);
		if (*mode == 'q') {
			for (i = 0; i < LF_SEL_N_IN; i++)
				printf("%s%d", i ? "," : "", in[i]);
			printf("\n");
			continue;
		}
		if (LF_SEL_INFER(&LF_SEL_PARAMS, in, out)) {
			fprintf(stderr, "lf_snap_run: infer failed\n");
			return 1;
		}
		for (i = 0; i < LF_SEL_N_OUT; i++) {
			if (*mode == 'r')
				printf("%s%d", i ? "," : "", out[i]);
			else
				printf("%s%.9g", i ? "," : "", ldexp((double)out[i], -LF_SEL_OUT_FRAC[i]));
		}
		printf("\n");
	}
	return 0;
}
