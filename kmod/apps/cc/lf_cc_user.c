// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_user.c - lf_aurora_user, the userspace deployment of Aurora used as
 * the baseline (the LiteFlow paper's CCP-style Aurora): one generic netlink
 * round trip per monitor interval (uapi/lf_cc.h).  The round-trip times are
 * counted (sum and a log2 histogram in the "stats" parameter).
 *
 * Connections are found by id in an xarray; their state is freed with
 * kfree_rcu, so the ANSWER handler reads it under RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include "uapi/lf_cc.h"
#include "lf_cc.h"

static DEFINE_XARRAY_FLAGS(lf_cc_conns, XA_FLAGS_ALLOC1 | XA_FLAGS_LOCK_BH);
static struct genl_family lf_cc_family;

static const struct nla_policy lf_cc_policy[LF_CC_ATTR_MAX + 1] = {
	[LF_CC_ATTR_CONN] = { .type = NLA_U32 },
	[LF_CC_ATTR_SEQ] = { .type = NLA_U32 },
	[LF_CC_ATTR_INPUTS] = { .type = NLA_REJECT },
	[LF_CC_ATTR_OUTPUT] = { .type = NLA_S32 },
};

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

bool lf_cc_user_listening(void)
{
	return genl_has_listeners(&lf_cc_family, &init_net, 0);
}

int lf_cc_user_request(struct lf_cc_conn *c, const s32 *in, u32 n_in)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	if (!c->user_id)
		return -ENOENT;
	skb = genlmsg_new(nla_total_size(4 * n_in) + 2 * nla_total_size(4),
			  GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &lf_cc_family, 0, LF_CC_CMD_QUERY);
	c->req_seq++;
	if (!hdr || nla_put_u32(skb, LF_CC_ATTR_CONN, c->user_id) ||
	    nla_put_u32(skb, LF_CC_ATTR_SEQ, c->req_seq) ||
	    nla_put(skb, LF_CC_ATTR_INPUTS, 4 * n_in, in)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	WRITE_ONCE(c->req_us, div_u64(ktime_get_ns(), NSEC_PER_USEC));
	lf_cc_count(LF_CC_USER, LF_CC_ST_UPCALLS);
	ret = genlmsg_multicast(&lf_cc_family, skb, 0, 0, GFP_ATOMIC);
	return ret == -ESRCH ? -ENOTCONN : ret;
}

static int lf_cc_answer(struct sk_buff *skb, struct genl_info *info)
{
	struct lf_cc_conn *c;
	u32 id, seq;
	u64 us;

	if (GENL_REQ_ATTR_CHECK(info, LF_CC_ATTR_CONN) ||
	    GENL_REQ_ATTR_CHECK(info, LF_CC_ATTR_SEQ) ||
	    GENL_REQ_ATTR_CHECK(info, LF_CC_ATTR_OUTPUT))
		return -EINVAL;
	id = nla_get_u32(info->attrs[LF_CC_ATTR_CONN]);
	seq = nla_get_u32(info->attrs[LF_CC_ATTR_SEQ]);
	rcu_read_lock();
	c = xa_load(&lf_cc_conns, id);
	if (!c || seq != READ_ONCE(c->req_seq)) {
		rcu_read_unlock();
		lf_cc_count(LF_CC_USER, LF_CC_ST_STALE);
		return 0;
	}
	WRITE_ONCE(c->ans_out, nla_get_s32(info->attrs[LF_CC_ATTR_OUTPUT]));
	smp_store_release(&c->ans_seq, seq);
	us = div_u64(ktime_get_ns(), NSEC_PER_USEC) - READ_ONCE(c->req_us);
	rcu_read_unlock();
	lf_cc_count(LF_CC_USER, LF_CC_ST_ANSWERS);
	lf_cc_add(LF_CC_USER, LF_CC_ST_UPCALL_US, us);
	this_cpu_inc(lf_cc_stats->uphist[min_t(u32, us ? ilog2(us) + 1 : 0,
					       LF_CC_UPHIST - 1)]);
	return 0;
}

static const struct genl_small_ops lf_cc_ops[] = {
	{
		.cmd = LF_CC_CMD_ANSWER,
		.doit = lf_cc_answer,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group lf_cc_mcgrps[] = {
	{ .name = LF_CC_MCGRP_QUERY, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family lf_cc_family __ro_after_init = {
	.name = LF_CC_GENL_NAME,
	.version = LF_CC_GENL_VERSION,
	.maxattr = LF_CC_ATTR_MAX,
	.policy = lf_cc_policy,
	.netnsok = false,
	.module = THIS_MODULE,
	.small_ops = lf_cc_ops,
	.n_small_ops = ARRAY_SIZE(lf_cc_ops),
	.resv_start_op = LF_CC_CMD_QUERY,
	.mcgrps = lf_cc_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lf_cc_mcgrps),
};

int lf_cc_user_init(void)
{
	return genl_register_family(&lf_cc_family);
}

void lf_cc_user_exit(void)
{
	genl_unregister_family(&lf_cc_family);
}
