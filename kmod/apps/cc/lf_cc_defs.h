/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_cc_defs.h - constants of Aurora's control loop shared by the kernel
 * module (lf_cc.h, lf_cc_aurora.c) and the BPF CC (bpf/lf_aurora_bpf.bpf.c):
 * no includes, plain C.
 */
#ifndef _LF_CC_DEFS_H
#define _LF_CC_DEFS_H

#define LF_CC_SHIFT	16
#define LF_CC_ONE	(1 << LF_CC_SHIFT)
#define LF_CC_HIST	10		/* monitor intervals in the history */
#define LF_CC_NFEAT	3		/* features per monitor interval */
#define LF_CC_NW	3		/* MOCC objective weights */
/* feature clamps: the input range the bundled policies were compiled for */
#define LF_CC_GRAD_MAX	(2 * LF_CC_ONE)
#define LF_CC_RATIO_MAX	(8 * LF_CC_ONE)

#endif /* _LF_CC_DEFS_H */
