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
 * (lf_lb_user_ready()), and flows keep their hash path.
 */
#include <linux/errno.h>
#include "lf_lb.h"

bool lf_lb_user_ready(void)
{
	return false;
}

int lf_lb_user_request(u64 key, const s32 *in)
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
