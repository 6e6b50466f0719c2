// SPDX-License-Identifier: GPL-2.0
/*
 * lf_fs_user.c - the userspace deployment of the flow-size predictor (mode
 * "user", the baseline): one generic netlink round trip per new flow
 * (uapi/lf_fs.h).  The request goes out on the flow's first data packet; the
 * answer is applied to the flow if it is still waiting.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/genetlink.h>
#include "lf_fs.h"

static struct genl_family lf_fs_family;

static const struct nla_policy lf_fs_policy[LF_FS_ATTR_MAX + 1] = {
	[LF_FS_ATTR_FLOW] = { .type = NLA_U64 },
	[LF_FS_ATTR_INPUTS] = { .type = NLA_REJECT },
	[LF_FS_ATTR_OUTPUT] = { .type = NLA_S32 },
};

int lf_fs_user_request(u64 key, const s32 *in)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	if (!genl_has_listeners(&lf_fs_family, &init_net, 0))
		return -ENOTCONN;
	skb = genlmsg_new(nla_total_size(4 * LF_FS_N_IN) + nla_total_size_64bit(8),
			  GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &lf_fs_family, 0, LF_FS_CMD_QUERY);
	if (!hdr || nla_put_u64_64bit(skb, LF_FS_ATTR_FLOW, key, LF_FS_ATTR_PAD) ||
	    nla_put(skb, LF_FS_ATTR_INPUTS, 4 * LF_FS_N_IN, in)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	ret = genlmsg_multicast(&lf_fs_family, skb, 0, 0, GFP_ATOMIC);
	return ret == -ESRCH ? -ENOTCONN : ret;
}

static int lf_fs_answer(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, LF_FS_ATTR_FLOW) ||
	    GENL_REQ_ATTR_CHECK(info, LF_FS_ATTR_OUTPUT))
		return -EINVAL;
	if (lf_fs_flow_answer(nla_get_u64(info->attrs[LF_FS_ATTR_FLOW]),
			      nla_get_s32(info->attrs[LF_FS_ATTR_OUTPUT])))
		lf_fs_count(LF_FS_ST_ANSWERS);
	else
		lf_fs_count(LF_FS_ST_STALE);
	return 0;
}

static const struct genl_small_ops lf_fs_genl_ops[] = {
	{
		.cmd = LF_FS_CMD_ANSWER,
		.doit = lf_fs_answer,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group lf_fs_mcgrps[] = {
	{ .name = LF_FS_MCGRP_QUERY, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family lf_fs_family __ro_after_init = {
	.name = LF_FS_GENL_NAME,
	.version = LF_FS_GENL_VERSION,
	.maxattr = LF_FS_ATTR_MAX,
	.policy = lf_fs_policy,
	.netnsok = false,
	.module = THIS_MODULE,
	.small_ops = lf_fs_genl_ops,
	.n_small_ops = ARRAY_SIZE(lf_fs_genl_ops),
	.resv_start_op = LF_FS_CMD_QUERY,
	.mcgrps = lf_fs_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lf_fs_mcgrps),
};

int lf_fs_user_init(void)
{
	return genl_register_family(&lf_fs_family);
}

void lf_fs_user_exit(void)
{
	genl_unregister_family(&lf_fs_family);
}
