/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lf_bpf.h - what a LiteFlow BPF program (lfc --target bpf, e.g.
 * kmod/apps/cc/bpf/lf_aurora_bpf.bpf.c) shares with userspace through its
 * pinned maps: the loader (lf_cc_bpf), liblfbpf (tools/liblfbpf) and
 * lf-runtime's BPF backend.  Plain C, usable from C++ and from BPF C
 * (after vmlinux.h).
 *
 * Maps, pinned by the loader under one directory (lf_cc_bpf: LF_BPF_PIN_DIR):
 *   lf_params   array, 2 entries: the two params buffers (lfc's blob)
 *   lf_ctl      array, 1 entry: struct lf_bpf_ctl_v (the active buffer, the
 *               generation, the generation each buffer holds)
 *   lf_model    array, 1 entry: struct lf_bpf_model (the program's snapshot)
 *   lf_samples  ring buffer: one struct lf_bpf_sample record per query
 *   lf_stats    per-CPU array of __u64 counters (LF_BPF_STAT_*)
 *   lf_last     array, 1 entry: the last query (program-specific)
 */
#ifndef _UAPI_LF_BPF_H
#define _UAPI_LF_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define LF_BPF_PIN_DIR		"/sys/fs/bpf/lf_cc_bpf"
#define LF_BPF_MAX_IN		128
#define LF_BPF_MAX_OUT		16

/**
 * struct lf_bpf_ctl_v - value of lf_ctl (lfc's struct lf_bpf_ctl)
 * @active: the buffer new sockets use (0 or 1)
 * @gen: the newest generation published
 * @bgen: the generation each buffer holds; 0 while it is retired (being
 *	rewritten: sockets pinned to it move to @active at their next query)
 */
struct lf_bpf_ctl_v {
	__u32 active;
	__u32 gen;
	__u32 bgen[2];
};

/**
 * struct lf_bpf_model - value of lf_model, written by the loader from the
 * snapshot's generated header (NAME.bpf.h): what lf-runtime compiles
 * updates against
 * @arch_hash: lfc's architecture hash of the snapshot the program runs
 * @params_bytes: size of one params buffer
 * @n_in: inputs, at most LF_BPF_MAX_IN
 * @n_out: outputs, at most LF_BPF_MAX_OUT
 * @in_frac: fractional bits of each input
 * @out_frac: fractional bits of each output
 */
struct lf_bpf_model {
	__u64 arch_hash;
	__u32 params_bytes;
	__u16 n_in;
	__u16 n_out;
	__s8 in_frac[LF_BPF_MAX_IN];
	__s8 out_frac[LF_BPF_MAX_OUT];
};

/**
 * struct lf_bpf_sample - header of one lf_samples record
 * @seq: the program's sample number, from 1, taken before the ring buffer
 *	reservation: a gap is a sample the ring had no room for (also counted
 *	in LF_BPF_STAT_SAMPLE_DROPS)
 * @ts_ns: bpf_ktime_get_ns() at the query
 * @gen: generation of the params buffer that answered
 * @buf: that buffer (0 or 1)
 * @n_in: number of __s32 inputs that follow (the snapshot's input formats)
 * @n_out: number of __s32 outputs that follow the inputs (output formats)
 * @n_label: number of __s32 labels that follow the outputs; a CC: the reward
 *	of the interval that just ended in Q16.16, then the action taken
 *	(output formats), as lf-runtime's reinforce objective reads them
 * @reserved: zero
 */
struct lf_bpf_sample {
	__u64 seq;
	__u64 ts_ns;
	__u32 gen;
	__u32 buf;
	__u16 n_in;
	__u16 n_out;
	__u16 n_label;
	__u16 reserved;
};

/* lf_stats indexes */
enum {
	LF_BPF_STAT_CONNS,
	LF_BPF_STAT_MIS,
	LF_BPF_STAT_QUERIES,
	LF_BPF_STAT_FALLBACKS,
	LF_BPF_STAT_NOMODEL,
	LF_BPF_STAT_REPINS,
	LF_BPF_STAT_ACT_CLAMPS,
	LF_BPF_STAT_RATE_CLAMPS,
	LF_BPF_STAT_SAMPLES,
	LF_BPF_STAT_SAMPLE_DROPS,
	LF_BPF_STAT_RETIRED,
	LF_BPF_NSTAT,
};

#endif /* _UAPI_LF_BPF_H */
