// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_user.c - lf_aurora_user, the userspace deployment of Aurora used as
 * the baseline (the LiteFlow paper's CCP-style Aurora): at the end of each
 * monitor interval the connection asks lf-runtime for the action through
 * lf_core's userspace queries (lf_user_query(), one netlink round trip) and
 * applies the answer on the first ACK after it arrives.  The round-trip
 * times are counted (sum and a log2 histogram in the "stats" parameter).
 *
 * A query's cookie is the connection's id (in an xarray) and its request
 * number; connection state is freed with kfree_rcu, so the answer callback
 * (under RCU) reads it safely.  An answer for a closed connection or an
 * older request is counted as stale here; lf_core counts the answers that
 * came too late for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/xarray.h>
#include "lf_cc.h"

static DEFINE_XARRAY_FLAGS(lf_cc_conns, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_BH);

int lf_cc_user_attach(struct lf_cc_conn *c)
{
	return xa_alloc_bh(&lf_cc_conns, &c->user_id, c, xa_limit_31b,
			   GFP_ATOMIC);
}

void lf_cc_user_detach(struct lf_cc_conn *c)
{
	if (c->user_id)
		xa_erase_bh(&lf_cc_conns, c->user_id);
}

static void lf_cc_user_answer(u64 cookie, const s32 *out, u32 n_out,
			      u64 wait_ns)
{
	u32 id = cookie >> 32, seq = (u32)cookie;
	u64 us = div_u64(wait_ns, NSEC_PER_USEC);
	struct lf_cc_conn *c;

	c = xa_load(&lf_cc_conns, id);
	if (!c || seq != READ_ONCE(c->req_seq)) {
		lf_cc_count(LF_CC_USER, LF_CC_ST_STALE);
		return;
	}
	WRITE_ONCE(c->ans_out, out[0]);
	smp_store_release(&c->ans_seq, seq);
	lf_cc_count(LF_CC_USER, LF_CC_ST_ANSWERS);
	lf_cc_add(LF_CC_USER, LF_CC_ST_UPCALL_US, us);
	this_cpu_inc(lf_cc_stats->uphist[min_t(u32, us ? ilog2(us) + 1 : 0,
					       LF_CC_UPHIST - 1)]);
}

static const struct lf_user_ops lf_cc_uq_ops = {
	.answer = lf_cc_user_answer,
};

int lf_cc_user_request(struct lf_cc_conn *c, struct lf_model *m,
		       const s32 *in, u32 n_in)
{
	u32 seq = READ_ONCE(c->req_seq) + 1;
	int ret;

	if (!c->user_id)
		return -ENOENT;
	/* published before the query: its answer may come at once */
	WRITE_ONCE(c->req_seq, seq);
	ret = lf_user_query(m, c->key, in, n_in, &lf_cc_uq_ops,
			    (u64)c->user_id << 32 | seq);
	if (!ret)
		lf_cc_count(LF_CC_USER, LF_CC_ST_UPCALLS);
	return ret;
}

/* module exit, after the algorithms are unregistered */
void lf_cc_user_exit(void)
{
	lf_user_cancel(&lf_cc_uq_ops);
}
