// SPDX-License-Identifier: GPL-2.0
/*
 * lf_bpf_host.c - runs a BPF snapshot's inference (NAME.bpf.h of lfc
 * --target bpf) as ordinary C: the same source and helpers the BPF object is
 * built from, on the params blob the maps hold.
 *
 * Build: cc -DLF_BPF_HDR='"NAME.bpf.h"' -DLF_BPF_NAME=NAME -I PKG lf_bpf_host.c
 * Usage: lf_bpf_host NAME.params < raw.csv   (one row of input integers a
 * line; prints the output integers a line, as `lfc run --raw`)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include LF_BPF_HDR

#define LF_CAT3(a, b, c) a##b##c
#define LF_XCAT3(a, b, c) LF_CAT3(a, b, c)
#define LF_PARAMS struct LF_XCAT3(lf_, LF_BPF_NAME, _params)
#define LF_SCRATCH struct LF_XCAT3(lf_, LF_BPF_NAME, _scratch)
#define LF_INFER LF_XCAT3(lf_, LF_BPF_NAME, _bpf_infer)

int main(int argc, char **argv)
{
	static LF_PARAMS p;
	static LF_SCRATCH s;
	const int nin = sizeof(s.in) / sizeof(s.in[0]);
	const int nout = sizeof(s.out) / sizeof(s.out[0]);
	char line[65536];
	long rowno = 0;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: lf_bpf_host NAME.params < raw.csv\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fread(&p, 1, sizeof(p), f) != sizeof(p) || fgetc(f) != EOF) {
		fprintf(stderr, "lf_bpf_host: %s: not a %zu-byte params blob\n",
			argv[1], sizeof(p));
		return 1;
	}
	fclose(f);
	while (fgets(line, sizeof(line), stdin)) {
		char *c = line, *end;
		int i;

		rowno++;
		for (i = 0; i < nin; i++) {
			long v = strtol(c, &end, 10);

			if (end == c) {
				fprintf(stderr, "lf_bpf_host: row %ld: %d values "
					"expected\n", rowno, nin);
				return 1;
			}
			s.in[i] = (lf_s32)v;
			c = end + (*end == ',');
		}
		if (LF_INFER(&p, &s)) {
			fprintf(stderr, "lf_bpf_host: row %ld refused\n", rowno);
			return 1;
		}
		for (i = 0; i < nout; i++)
			printf("%s%d", i ? "," : "", s.out[i]);
		printf("\n");
	}
	return 0;
}
