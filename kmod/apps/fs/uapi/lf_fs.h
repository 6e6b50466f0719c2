/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lf_fs.h - generic netlink interface of lf_fs.ko's userspace deployment
 * (mode "user"): the flow-size predictor answered by a userspace process over
 * one netlink round trip per new flow.
 *
 * Family LF_FS_GENL_NAME (resolve by name), multicast group
 * LF_FS_MCGRP_QUERY (joining needs CAP_NET_ADMIN).  When a tracked flow sends
 * its first data packet, lf_fs multicasts LF_FS_CMD_QUERY {FLOW, INPUTS}; a
 * responder evaluates the predictor and sends LF_FS_CMD_ANSWER {FLOW,
 * OUTPUT} (CAP_NET_ADMIN).  Until the answer arrives the flow keeps the
 * default class.  An answer for a flow that ended, was never asked about or
 * was already answered is counted as stale and ignored.
 */
#ifndef _UAPI_LF_FS_H
#define _UAPI_LF_FS_H

#include <linux/types.h>

#define LF_FS_GENL_NAME		"lf_fs"
#define LF_FS_GENL_VERSION	1
#define LF_FS_MCGRP_QUERY	"query"
#define LF_FS_N_IN		4	/* predictor inputs, see lf_fs.h */

enum lf_fs_cmd {
	LF_FS_CMD_UNSPEC,
	LF_FS_CMD_QUERY,	/* kernel -> user (multicast) */
	LF_FS_CMD_ANSWER,	/* user -> kernel (admin) */
	__LF_FS_CMD_MAX,
};
#define LF_FS_CMD_MAX (__LF_FS_CMD_MAX - 1)

enum lf_fs_attr {
	LF_FS_ATTR_UNSPEC,
	LF_FS_ATTR_PAD,
	LF_FS_ATTR_FLOW,	/* u64 flow key (also lf_core's flow key) */
	LF_FS_ATTR_INPUTS,	/* binary: LF_FS_N_IN s32, the model's input formats */
	LF_FS_ATTR_OUTPUT,	/* s32 log2 size, the model's output format */
	__LF_FS_ATTR_MAX,
};
#define LF_FS_ATTR_MAX (__LF_FS_ATTR_MAX - 1)

#endif /* _UAPI_LF_FS_H */
