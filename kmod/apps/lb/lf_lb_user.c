// SPDX-License-Identifier: GPL-2.0
/*
 * lf_lb_user.c - the userspace deployment of the path-scoring MLP (mode
 * user, the baseline): one lf_core userspace query (lf_user_query(), a
 * netlink round trip to lf-runtime, which runs the same MLP in float) per
 * new flow, with the flow key as its cookie.  The flow stays on
 * default_path until the answer arrives; lf_lb_flow_answer() then moves it
 * to the best scored up path if it still waits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "lf_lb.h"

static void lf_lb_user_answer(u64 key, const s32 *out, u32 n_out, u64 wait_ns)
{
	lf_lb_count(lf_lb_flow_answer(key, out, n_out) ? LF_LB_ST_ANSWERS :
							 LF_LB_ST_STALE);
}

static const struct lf_user_ops lf_lb_uq_ops = {
	.answer = lf_lb_user_answer,
};

int lf_lb_user_request(struct lf_model *m, u64 key, const s32 *in)
{
	return lf_user_query(m, key, in, LF_LB_N_IN, &lf_lb_uq_ops, key);
}

/* module exit, after the hook is gone: no new queries, no answer running */
void lf_lb_user_exit(void)
{
	lf_user_cancel(&lf_lb_uq_ops);
}
