/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lf_cc.h - generic netlink interface of lf_cc.ko's userspace deployment
 * (lf_aurora_user): the same Aurora policy, answered by a userspace process
 * over one netlink round trip per monitor interval.
 *
 * Family LF_CC_GENL_NAME (resolve by name), multicast group
 * LF_CC_MCGRP_QUERY.  At the end of each monitor interval an lf_aurora_user
 * connection multicasts LF_CC_CMD_QUERY {CONN, SEQ, INPUTS}; a responder
 * (CAP_NET_ADMIN) evaluates the policy and sends LF_CC_CMD_ANSWER {CONN, SEQ,
 * OUTPUT}; the connection applies the answer on its next ACK.  An answer for
 * an older SEQ or a closed connection is counted as stale and ignored.
 * While nobody listens on the group, lf_aurora_user connections run the
 * CUBIC fallback.
 */
#ifndef _UAPI_LF_CC_H
#define _UAPI_LF_CC_H

#include <linux/types.h>

#define LF_CC_GENL_NAME		"lf_cc"
#define LF_CC_GENL_VERSION	1
#define LF_CC_MCGRP_QUERY	"query"

enum lf_cc_cmd {
	LF_CC_CMD_UNSPEC,
	LF_CC_CMD_QUERY,	/* kernel -> user (multicast) */
	LF_CC_CMD_ANSWER,	/* user -> kernel (admin) */
	__LF_CC_CMD_MAX,
};
#define LF_CC_CMD_MAX (__LF_CC_CMD_MAX - 1)

enum lf_cc_attr {
	LF_CC_ATTR_UNSPEC,
	LF_CC_ATTR_CONN,	/* u32 connection id */
	LF_CC_ATTR_SEQ,		/* u32 request number of the connection */
	LF_CC_ATTR_INPUTS,	/* binary: n_in s32, the model's input formats */
	LF_CC_ATTR_OUTPUT,	/* s32 action, the model's output format */
	__LF_CC_ATTR_MAX,
};
#define LF_CC_ATTR_MAX (__LF_CC_ATTR_MAX - 1)

#endif /* _UAPI_LF_CC_H */
