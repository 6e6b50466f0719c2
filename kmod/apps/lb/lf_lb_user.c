// SPDX-License-Identifier: GPL-2.0
/*
 * lf_lb_user.c - the transport of lf_lb's userspace deployment (mode user):
 * the flow's query goes to a userspace process that runs the same MLP and
 * answers through lf_lb_flow_answer().
 *
 * lf_lb does not carry a netlink family and a responder of its own: lf_core
 * is getting one generic user-query upcall (and lf-runtime a serve mode)
 * that every application shares.  Until it lands, there is no transport:
 * lf_lb_user_request() fails, mode user is refused at the parameter write
 * (lf_lb_user_ready()), and flows keep their hash path.  With lf_core's
 * lf_user_query(m, key, in, LF_LB_N_IN, &ops, key) the request is one call,
 * ops.answer calls lf_lb_flow_answer(cookie, out, n_out), and
 * lf_lb_user_exit() calls lf_user_cancel(&ops).
 */
#include <linux/errno.h>
#include "lf_lb.h"

bool lf_lb_user_ready(void)
{
	return false;
}

int lf_lb_user_request(struct lf_model *m, u64 key, const s32 *in)
{
	return -EOPNOTSUPP;
}

int lf_lb_user_init(void)
{
	return 0;
}

void lf_lb_user_exit(void)
{
}
