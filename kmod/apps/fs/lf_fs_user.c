// SPDX-License-Identifier: GPL-2.0
/*
 * lf_fs_user.c - the userspace deployment of the flow-size predictor (mode
 * "user", the baseline): one lf_core userspace query (lf_user_query(), a
 * netlink round trip to lf-runtime) per new flow.  The query goes out on
 * the flow's first data packet with the flow key as its cookie; the answer
 * is applied to the flow if it still waits for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "lf_fs.h"

static void lf_fs_user_answer(u64 key, const s32 *out, u32 n_out, u64 wait_ns)
{
	if (lf_fs_flow_answer(key, out[0])) {
		lf_fs_count(LF_FS_ST_ANSWERS);
		lf_fs_add(LF_FS_ST_UPCALL_US, div_u64(wait_ns, NSEC_PER_USEC));
	} else {
		lf_fs_count(LF_FS_ST_STALE);
	}
}

static const struct lf_user_ops lf_fs_uq_ops = {
	.answer = lf_fs_user_answer,
};

int lf_fs_user_request(struct lf_model *m, u64 key, const s32 *in)
{
	return lf_user_query(m, key, in, LF_FS_N_IN, &lf_fs_uq_ops, key);
}

/* module exit, after the hooks are gone: no new queries */
void lf_fs_user_exit(void)
{
	lf_user_cancel(&lf_fs_uq_ops);
}
