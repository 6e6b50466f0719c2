// SPDX-License-Identifier: GPL-2.0
/*
 * lf_netlink.c - the "liteflow" generic netlink family.  Every request is
 * validated by lf_policy (strict, also the genl header); pre_doit takes
 * lf_lock and resolves the model for the commands that name one, post_doit
 * drops the lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "lf_private.h"

/* ------------------------------------------------------------------ */
/* generic netlink                                                     */

static int lf_validate_blob(const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	if (!nla_len(attr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "empty blob");
		return -EINVAL;
	}
	return 0;
}

static int lf_validate_s32s(const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	if (!nla_len(attr) || nla_len(attr) % sizeof(s32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "not an array of s32");
		return -EINVAL;
	}
	return 0;
}

static struct netlink_range_validation lf_range_cache = {
	.min = 1, .max = LF_CACHE_SIZE_MAX,
};
static struct netlink_range_validation lf_range_ageing = {
	.min = 1, .max = LF_AGEING_MS_MAX,
};
static struct netlink_range_validation lf_range_flush = {
	.min = 1, .max = LF_FLUSH_MS_MAX,
};

static struct netlink_range_validation lf_range_push = {
	.min = 1, .max = LF_PUSH_MAX,
};
static struct netlink_range_validation lf_range_uq_max = {
	.min = 1, .max = LF_UQ_MAX_MAX,
};
static struct netlink_range_validation lf_range_uq_timeout = {
	.min = 1, .max = LF_UQ_TIMEOUT_MS_MAX,
};

static const struct nla_policy lf_policy[LF_ATTR_MAX + 1] = {
	[LF_ATTR_MODEL_NAME]	= { .type = NLA_NUL_STRING, .len = LF_NAME_MAX - 1 },
	[LF_ATTR_MODEL_ID]	= { .type = NLA_U32 },
	[LF_ATTR_VERSION]	= { .type = NLA_U32 },
	[LF_ATTR_SLOT]		= NLA_POLICY_MAX(NLA_U8, LF_SLOT_STANDBY),
	[LF_ATTR_ARCH_HASH]	= { .type = NLA_U64 },
	[LF_ATTR_INPUTS]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY, lf_validate_s32s),
	[LF_ATTR_PARAMS]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY, lf_validate_blob),
	[LF_ATTR_CACHE_SIZE]	= NLA_POLICY_FULL_RANGE(NLA_U32, &lf_range_cache),
	[LF_ATTR_AGEING_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &lf_range_ageing),
	[LF_ATTR_BATCH_SIZE]	= NLA_POLICY_RANGE(NLA_U32, 1, LF_BATCH_MAX),
	[LF_ATTR_FLUSH_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &lf_range_flush),
	[LF_ATTR_OFFSET]	= { .type = NLA_U32 },
	[LF_ATTR_TOTAL]		= NLA_POLICY_FULL_RANGE(NLA_U32, &lf_range_push),
	[LF_ATTR_QUERY_SEQ]	= { .type = NLA_U64 },
	[LF_ATTR_ANSWER]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY, lf_validate_s32s),
	[LF_ATTR_UQ_MAX]	= NLA_POLICY_FULL_RANGE(NLA_U32, &lf_range_uq_max),
	[LF_ATTR_UQ_TIMEOUT_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &lf_range_uq_timeout),
};

/* internal_flags of the ops: what pre_doit does for them */
#define LF_NL_LOCK	BIT(0)	/* take lf_lock (released in post_doit) */
#define LF_NL_MODEL	BIT(1)	/* resolve MODEL_NAME | MODEL_ID (required) */
#define LF_NL_MODEL_OPT	BIT(2)	/* resolve it if given */
#define LF_NL_ADMIN	BIT(3)	/* changes global state: see lf_nl_pre_doit() */

static int lf_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	struct nlattr *name = info->attrs[LF_ATTR_MODEL_NAME];
	struct nlattr *id = info->attrs[LF_ATTR_MODEL_ID];
	struct lf_model *m = NULL;

	info->user_ptr[0] = NULL;
	/*
	 * lf_core's state is global: a state change needs CAP_NET_ADMIN in the
	 * request's network namespace (GENL_UNS_ADMIN_PERM) and that namespace
	 * must belong to the initial user namespace, so a container's root in
	 * its own user namespace can read but not change anything.
	 */
	if ((ops->internal_flags & LF_NL_ADMIN) &&
	    genl_info_net(info)->user_ns != &init_user_ns) {
		NL_SET_ERR_MSG(info->extack,
			       "changes need a network namespace of the initial user namespace");
		return -EPERM;
	}
	if (!(ops->internal_flags & LF_NL_LOCK))
		return 0;
	mutex_lock(&lf_lock);
	if (!(ops->internal_flags & (LF_NL_MODEL | LF_NL_MODEL_OPT)))
		return 0;
	if (!name && !id) {
		if (ops->internal_flags & LF_NL_MODEL_OPT)
			return 0;
		NL_SET_ERR_MSG(info->extack, "model name or id required");
		mutex_unlock(&lf_lock);
		return -EINVAL;
	}
	m = name ? lf_find_model(nla_data(name), 0) :
		   lf_find_model(NULL, nla_get_u32(id));
	if (!m) {
		NL_SET_ERR_MSG_ATTR(info->extack, name ?: id, "no such model");
		mutex_unlock(&lf_lock);
		return -ENOENT;
	}
	info->user_ptr[0] = m;
	return 0;
}

static void lf_nl_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	if (ops->internal_flags & LF_NL_LOCK)
		mutex_unlock(&lf_lock);
}

static int lf_put_stats(struct sk_buff *skb, struct lf_model *m)
{
	struct lf_pcpu_stats sum = {};
	struct nlattr *nest;
	u64 sent, batches, drops;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		const struct lf_pcpu_stats *s = per_cpu_ptr(m->stats, cpu);

		sum.queries += READ_ONCE(s->queries);
		sum.hits += READ_ONCE(s->hits);
		sum.misses += READ_ONCE(s->misses);
		sum.uncached += READ_ONCE(s->uncached);
		sum.errors += READ_ONCE(s->errors);
		sum.evictions += READ_ONCE(s->evictions);
		for (i = 0; i < LF_LAT_BUCKETS; i++)
			sum.lat_hist[i] += READ_ONCE(s->lat_hist[i]);
		sum.infer_ns += READ_ONCE(s->infer_ns);
		sum.timed += READ_ONCE(s->timed);
	}
	lf_col_counters(&m->col, &sent, &batches, &drops);

	nest = nla_nest_start(skb, LF_ATTR_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_QUERIES, sum.queries, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_HITS, sum.hits, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_MISSES, sum.misses, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_UNCACHED, sum.uncached, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_ERRORS, sum.errors, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_SWITCHES, m->switches, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_PUSHES, m->pushes, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_INFER_NS,
			      sum.timed ? div64_u64(sum.infer_ns, sum.timed) : 0,
			      LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_SAMPLES, sent, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_BATCHES, batches, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_DROPS, drops, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_EVICTIONS, sum.evictions, LF_ATTR_PAD) ||
	    nla_put_64bit(skb, LF_ATTR_STAT_LAT_HIST, sizeof(sum.lat_hist),
			  sum.lat_hist, LF_ATTR_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* most bytes one snapshot takes in a GET_MODEL reply */
#define LF_SNAP_MSG_SIZE	(nla_total_size(0) + 5 * nla_total_size(sizeof(u32)) + \
				 nla_total_size(sizeof(u8)) + nla_total_size(MODULE_NAME_LEN))

/* most bytes a GET_MODEL reply of @m takes, without its snapshots */
static size_t lf_model_msg_size(const struct lf_model *m)
{
	return nla_total_size(LF_NAME_MAX) + 5 * nla_total_size(sizeof(u32)) +
	       nla_total_size_64bit(sizeof(u64)) + nla_total_size(m->n_in) +
	       nla_total_size(m->n_out) + nla_total_size(0) +
	       nla_total_size(0) + 12 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size_64bit(LF_LAT_BUCKETS * sizeof(u64));
}

/*
 * Puts one GET_MODEL message for @m with its snapshots from
 * index *@snap on.  A model with more snapshots than fit into @skb is split
 * over several messages (a dump): each repeats the model's attributes and
 * carries the next snapshots; *@snap is then the index to continue at.
 * Return: 0 when every snapshot is in, 1 when continued (*@snap updated),
 * -EMSGSIZE when not even the model's attributes fit.
 */
static int lf_fill_model(struct sk_buff *skb, struct lf_model *m, u32 portid,
			 u32 seq, int flags, long *snap)
{
	struct lf_inst *active = lf_model_active(m);
	const struct lf_snapshot_desc *d = NULL;
	struct nlattr *snaps, *nest;
	struct lf_reg *reg;
	long idx = 0, done = 0;
	void *hdr;

	lockdep_assert_held(&lf_lock);
	hdr = genlmsg_put(skb, portid, seq, &lf_family, flags, LF_CMD_GET_MODEL);
	if (!hdr)
		return -EMSGSIZE;
	if (!list_empty(&m->regs))
		d = list_first_entry(&m->regs, struct lf_reg, node)->desc;
	if (nla_put_string(skb, LF_ATTR_MODEL_NAME, m->name) ||
	    nla_put_u32(skb, LF_ATTR_MODEL_ID, m->id) ||
	    nla_put_u64_64bit(skb, LF_ATTR_ARCH_HASH, m->arch_hash, LF_ATTR_PAD) ||
	    nla_put_u32(skb, LF_ATTR_N_IN, m->n_in) ||
	    nla_put_u32(skb, LF_ATTR_N_OUT, m->n_out) ||
	    (d && (nla_put(skb, LF_ATTR_IN_FRAC, d->n_in, d->in_frac) ||
		   nla_put(skb, LF_ATTR_OUT_FRAC, d->n_out, d->out_frac))) ||
	    (active && nla_put_u32(skb, LF_ATTR_ACTIVE_VERSION,
				   active->reg->desc->version)) ||
	    (m->standby && nla_put_u32(skb, LF_ATTR_STANDBY_VERSION,
				       m->standby->reg->desc->version)) ||
	    lf_put_stats(skb, m))
		goto err;
	snaps = nla_nest_start(skb, LF_ATTR_SNAPSHOTS);
	if (!snaps)
		goto err;
	list_for_each_entry(reg, &m->regs, node) {
		u8 state = reg->cur == active ? LF_SLOT_ACTIVE :
			   reg->cur == m->standby ? LF_SLOT_STANDBY : LF_SLOT_IDLE;

		if (idx++ < *snap)
			continue;
		nest = nla_nest_start(skb, LF_ATTR_SNAPSHOT);
		if (!nest ||
		    nla_put_u32(skb, LF_ATTR_VERSION, reg->desc->version) ||
		    nla_put_u32(skb, LF_ATTR_GEN, reg->cur->gen) ||
		    nla_put_u8(skb, LF_ATTR_STATE, state) ||
		    nla_put_u32(skb, LF_ATTR_PARAMS_SIZE, reg->desc->params_size) ||
		    nla_put_u32(skb, LF_ATTR_STACK_BYTES, reg->desc->stack_bytes) ||
		    nla_put_string(skb, LF_ATTR_MODULE, reg->desc->owner ?
				   module_name(reg->desc->owner) : "-") ||
		    nla_put_u32(skb, LF_ATTR_FLOWS, lf_inst_flows(reg->cur))) {
			if (!done)	/* not one snapshot: retry in a new skb */
				goto err;
			nla_nest_cancel(skb, nest);
			nla_nest_end(skb, snaps);
			genlmsg_end(skb, hdr);
			*snap += done;
			return 1;
		}
		nla_nest_end(skb, nest);
		done++;
	}
	nla_nest_end(skb, snaps);
	genlmsg_end(skb, hdr);
	*snap = 0;
	return 0;
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int lf_nl_get_model(struct sk_buff *skb, struct genl_info *info)
{
	struct lf_model *m = info->user_ptr[0];
	struct sk_buff *msg;
	long snap = 0;
	int ret;

	lockdep_assert_held(&lf_lock);
	msg = genlmsg_new(lf_model_msg_size(m) +
			  lf_model_nregs(m) * LF_SNAP_MSG_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = lf_fill_model(msg, m, info->snd_portid, info->snd_seq, 0, &snap);
	if (ret) {	/* sized for every snapshot: cannot happen */
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

static int lf_nl_dump_models(struct sk_buff *skb, struct netlink_callback *cb)
{
	long idx = 0, start = cb->args[0];
	struct lf_model *m;

	mutex_lock(&lf_lock);
	list_for_each_entry(m, &lf_models, node) {
		if (idx++ < start)
			continue;
		if (lf_fill_model(skb, m, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI, &cb->args[1])) {
			idx--;	/* continue with this model in the next skb */
			break;
		}
	}
	mutex_unlock(&lf_lock);
	cb->args[0] = idx;
	return skb->len;
}

static int lf_nl_activate(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ver = info->attrs[LF_ATTR_VERSION];
	int ret;

	ret = __lf_activate(info->user_ptr[0], ver, ver ? nla_get_u32(ver) : 0);
	if (ret == -ENOENT && ver)
		NL_SET_ERR_MSG_ATTR(info->extack, ver, "no snapshot with that version");
	else if (ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "model has no standby snapshot");
	return ret;
}

static int lf_nl_deactivate(struct sk_buff *skb, struct genl_info *info)
{
	int ret = __lf_deactivate(info->user_ptr[0]);

	if (ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "model has no active snapshot");
	return ret;
}

/* the instance EVAL runs: by VERSION, SLOT or the active one */
static struct lf_inst *lf_nl_eval_inst(struct lf_model *m, struct genl_info *info)
{
	struct nlattr *ver = info->attrs[LF_ATTR_VERSION];
	struct nlattr *slot = info->attrs[LF_ATTR_SLOT];
	struct lf_reg *reg;

	if (ver) {
		list_for_each_entry(reg, &m->regs, node) {
			if (reg->desc->version == nla_get_u32(ver))
				return reg->cur;
		}
		return NULL;
	}
	if (slot && nla_get_u8(slot) == LF_SLOT_STANDBY)
		return m->standby;
	return lf_model_active(m);
}

/*
 * Runs under lf_lock (pre_doit): the snapshot cannot be unregistered, so its
 * code and weights stay while it runs.
 */
static int lf_nl_eval(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *in_attr = info->attrs[LF_ATTR_INPUTS];
	struct lf_model *m = info->user_ptr[0];
	struct nlattr *out_attr;
	struct lf_inst *inst;
	struct sk_buff *msg;
	const s32 *in;
	u32 n, i;
	void *hdr;
	s32 *out;
	int ret;

	if (!in_attr || (info->attrs[LF_ATTR_VERSION] && info->attrs[LF_ATTR_SLOT])) {
		NL_SET_ERR_MSG(info->extack, "INPUTS required; VERSION and SLOT exclusive");
		return -EINVAL;
	}
	inst = lf_nl_eval_inst(m, info);
	if (!inst) {
		NL_SET_ERR_MSG(info->extack, "no such snapshot");
		return -ENOENT;
	}
	n = nla_len(in_attr) / sizeof(s32);
	if (n % m->n_in ||
	    (u64)(n / m->n_in) * m->n_out * sizeof(s32) > LF_BATCH_BYTES) {
		NL_SET_ERR_MSG_ATTR(info->extack, in_attr,
				    "INPUTS is not k * n_in values or too many");
		return -EINVAL;
	}
	n /= m->n_in;
	msg = genlmsg_new(nla_total_size(n * m->n_out * sizeof(s32)) + 64, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &lf_family, 0, LF_CMD_EVAL);
	out_attr = hdr ? nla_reserve(msg, LF_ATTR_OUTPUTS, n * m->n_out * sizeof(s32)) : NULL;
	if (!out_attr || nla_put_u32(msg, LF_ATTR_VERSION, inst->reg->desc->version) ||
	    nla_put_u32(msg, LF_ATTR_GEN, inst->gen)) {
		ret = -EMSGSIZE;
		goto err;
	}
	in = nla_data(in_attr);
	out = nla_data(out_attr);
	for (i = 0; i < n; i++) {
		ret = inst->infer(inst->params, in + i * m->n_in, out + i * m->n_out);
		if (ret) {
			NL_SET_ERR_MSG(info->extack, "snapshot inference failed");
			goto err;
		}
		if (!(i & 63))
			cond_resched();
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return ret;
}

/* replies VERSION and GEN of a push into @m's standby; @gen >= 0 */
static int lf_nl_push_reply(struct lf_model *m, struct genl_info *info, u8 cmd,
			    int gen)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(2 * nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &lf_family, 0, cmd);
	if (!hdr ||
	    nla_put_u32(msg, LF_ATTR_VERSION, m->standby->reg->desc->version) ||
	    nla_put_u32(msg, LF_ATTR_GEN, gen)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int lf_nl_push_params(struct lf_model *m, struct genl_info *info,
			     const void *params, u32 size)
{
	struct nlattr *hash = info->attrs[LF_ATTR_ARCH_HASH];
	struct nlattr *ver = info->attrs[LF_ATTR_VERSION];
	int gen;

	gen = __lf_push(m, params, size, nla_get_u64(hash), ver,
			ver ? nla_get_u32(ver) : 0);
	if (gen == -EINVAL)
		NL_SET_ERR_MSG(info->extack, "params size, arch hash or version differs from the standby snapshot's");
	else if (gen == -EDOM)
		NL_SET_ERR_MSG(info->extack, "params break the snapshot's bounds (its validate() refused them)");
	else if (gen == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "model has no standby snapshot");
	if (gen < 0)
		return gen;
	/* the reply cannot undo the push: a lost reply is not an error */
	lf_nl_push_reply(m, info, info->genlhdr->cmd, gen);
	return 0;
}

static int lf_nl_push(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *params = info->attrs[LF_ATTR_PARAMS];

	if (!params || !info->attrs[LF_ATTR_ARCH_HASH]) {
		NL_SET_ERR_MSG(info->extack, "PARAMS and ARCH_HASH required");
		return -EINVAL;
	}
	return lf_nl_push_params(info->user_ptr[0], info, nla_data(params),
				 nla_len(params));
}

static int lf_nl_push_chunk(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *params = info->attrs[LF_ATTR_PARAMS];
	struct nlattr *off = info->attrs[LF_ATTR_OFFSET];
	struct nlattr *total = info->attrs[LF_ATTR_TOTAL];
	struct lf_model *m = info->user_ptr[0];
	u32 len;

	if (!params || !off || !total) {
		NL_SET_ERR_MSG(info->extack, "PARAMS, OFFSET and TOTAL required");
		return -EINVAL;
	}
	len = nla_len(params);
	if (!nla_get_u32(off)) {	/* a new push */
		lf_staging_free(m);
		if (len > nla_get_u32(total)) {
			NL_SET_ERR_MSG_ATTR(info->extack, params, "chunk beyond TOTAL");
			return -EINVAL;
		}
		m->staging.buf = kvmalloc(nla_get_u32(total), GFP_KERNEL);
		if (!m->staging.buf)
			return -ENOMEM;
		m->staging.total = nla_get_u32(total);
		m->staging.portid = info->snd_portid;
	} else if (!m->staging.buf || info->snd_portid != m->staging.portid ||
		   nla_get_u32(off) != m->staging.len ||
		   nla_get_u32(total) != m->staging.total ||
		   len > m->staging.total - m->staging.len) {
		NL_SET_ERR_MSG_ATTR(info->extack, off,
				    "chunk does not continue this socket's push: push discarded");
		if (m->staging.buf && info->snd_portid == m->staging.portid)
			lf_staging_free(m);
		return -EINVAL;
	}
	memcpy(m->staging.buf + m->staging.len, nla_data(params), len);
	m->staging.len += len;
	return 0;
}

static int lf_nl_push_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct lf_model *m = info->user_ptr[0];
	int ret;

	if (!info->attrs[LF_ATTR_ARCH_HASH]) {
		NL_SET_ERR_MSG(info->extack, "ARCH_HASH required");
		return -EINVAL;
	}
	if (!m->staging.buf || info->snd_portid != m->staging.portid) {
		NL_SET_ERR_MSG(info->extack, "no chunked push from this socket");
		return -ENOENT;
	}
	if (m->staging.len != m->staging.total) {
		NL_SET_ERR_MSG(info->extack, "chunked push incomplete: push discarded");
		lf_staging_free(m);
		return -EINVAL;
	}
	ret = lf_nl_push_params(m, info, m->staging.buf, m->staging.len);
	lf_staging_free(m);
	return ret;
}

static int lf_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &lf_family, 0, LF_CMD_GET_CONFIG);
	if (!hdr ||
	    nla_put_u32(msg, LF_ATTR_CACHE_SIZE, READ_ONCE(lf_cache_size)) ||
	    nla_put_u32(msg, LF_ATTR_AGEING_MS, READ_ONCE(lf_ageing_ms)) ||
	    nla_put_u32(msg, LF_ATTR_BATCH_SIZE, READ_ONCE(lf_batch_size)) ||
	    nla_put_u32(msg, LF_ATTR_FLUSH_MS, READ_ONCE(lf_flush_ms)) ||
	    nla_put_u32(msg, LF_ATTR_CACHE_ENTRIES, lf_flow_entries()) ||
	    nla_put_u32(msg, LF_ATTR_CACHE_BUCKETS, lf_flow_buckets()) ||
	    nla_put_u64_64bit(msg, LF_ATTR_INST_ALIVE,
			      atomic64_read(&lf_inst_alive), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_INST_FREED,
			      atomic64_read(&lf_inst_freed), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_CACHE_EVICTIONS, lf_flow_evictions(),
			      LF_ATTR_PAD) ||
	    nla_put_u32(msg, LF_ATTR_UQ_MAX, READ_ONCE(lf_uq_max)) ||
	    nla_put_u32(msg, LF_ATTR_UQ_TIMEOUT_MS, READ_ONCE(lf_uq_timeout_ms)) ||
	    nla_put_u32(msg, LF_ATTR_UQ_PENDING, lf_uq_waiting()) ||
	    nla_put_u64_64bit(msg, LF_ATTR_UQ_SENT,
			      atomic64_read(&lf_uq_stats.sent), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_UQ_ANSWERED,
			      atomic64_read(&lf_uq_stats.answered), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_UQ_STALE,
			      atomic64_read(&lf_uq_stats.stale), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_UQ_EXPIRED,
			      atomic64_read(&lf_uq_stats.expired), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_UQ_REFUSED,
			      atomic64_read(&lf_uq_stats.refused), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_UQ_BAD,
			      atomic64_read(&lf_uq_stats.bad), LF_ATTR_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int lf_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;

	lockdep_assert_held(&lf_lock);
	if (a[LF_ATTR_CACHE_SIZE]) {
		WRITE_ONCE(lf_cache_size, nla_get_u32(a[LF_ATTR_CACHE_SIZE]));
		lf_flow_trim();
	}
	if (a[LF_ATTR_AGEING_MS]) {
		WRITE_ONCE(lf_ageing_ms, nla_get_u32(a[LF_ATTR_AGEING_MS]));
		WRITE_ONCE(lf_ageing, msecs_to_jiffies(lf_ageing_ms));
		lf_flow_ageing_changed();
	}
	if (a[LF_ATTR_BATCH_SIZE])
		WRITE_ONCE(lf_batch_size, nla_get_u32(a[LF_ATTR_BATCH_SIZE]));
	if (a[LF_ATTR_FLUSH_MS])
		WRITE_ONCE(lf_flush_ms, nla_get_u32(a[LF_ATTR_FLUSH_MS]));
	if (a[LF_ATTR_UQ_MAX])
		WRITE_ONCE(lf_uq_max, nla_get_u32(a[LF_ATTR_UQ_MAX]));
	if (a[LF_ATTR_UQ_TIMEOUT_MS])
		WRITE_ONCE(lf_uq_timeout_ms, nla_get_u32(a[LF_ATTR_UQ_TIMEOUT_MS]));
	return 0;
}

static int lf_nl_flush_cache(struct sk_buff *skb, struct genl_info *info)
{
	struct lf_model *m = info->user_ptr[0];

	lf_flow_purge(m ? m->id : 0, NULL, false);
	return 0;
}

static const struct genl_ops lf_ops[] = {
	{
		.cmd = LF_CMD_GET_MODEL,
		.doit = lf_nl_get_model,
		.dumpit = lf_nl_dump_models,
		.internal_flags = LF_NL_LOCK | LF_NL_MODEL,
	},
	{
		.cmd = LF_CMD_ACTIVATE,
		.doit = lf_nl_activate,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN | LF_NL_LOCK | LF_NL_MODEL,
	},
	{
		.cmd = LF_CMD_EVAL,
		.doit = lf_nl_eval,
		.internal_flags = LF_NL_LOCK | LF_NL_MODEL,
	},
	{
		.cmd = LF_CMD_PUSH,
		.doit = lf_nl_push,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN | LF_NL_LOCK | LF_NL_MODEL,
	},
	{
		.cmd = LF_CMD_GET_CONFIG,
		.doit = lf_nl_get_config,
	},
	{
		.cmd = LF_CMD_SET_CONFIG,
		.doit = lf_nl_set_config,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN | LF_NL_LOCK,
	},
	{
		.cmd = LF_CMD_FLUSH_CACHE,
		.doit = lf_nl_flush_cache,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN | LF_NL_LOCK | LF_NL_MODEL_OPT,
	},
	{
		.cmd = LF_CMD_DEACTIVATE,
		.doit = lf_nl_deactivate,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN | LF_NL_LOCK | LF_NL_MODEL,
	},
	{
		.cmd = LF_CMD_PUSH_CHUNK,
		.doit = lf_nl_push_chunk,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN | LF_NL_LOCK | LF_NL_MODEL,
	},
	{
		.cmd = LF_CMD_PUSH_COMMIT,
		.doit = lf_nl_push_commit,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN | LF_NL_LOCK | LF_NL_MODEL,
	},
	{
		/* the answer path takes no mutex: lf_user.c has its own lock */
		.cmd = LF_CMD_ANSWER,
		.doit = lf_nl_answer,
		.flags = GENL_UNS_ADMIN_PERM,
		.internal_flags = LF_NL_ADMIN,
	},
};

/* indexed by enum lf_mcgrp */
static const struct genl_multicast_group lf_mcgrps[] = {
	[LF_MCGRP_SAMPLES] = { .name = LF_GENL_MCGRP_SAMPLES,
			       .flags = GENL_MCAST_CAP_NET_ADMIN },
	[LF_MCGRP_QUERIES] = { .name = LF_GENL_MCGRP_QUERIES,
			       .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/*
 * resv_start_op 0: strict validation of every command, genl header included.
 * netnsok: usable from every network namespace (state changes: LF_NL_ADMIN).
 */
struct genl_family lf_family __ro_after_init = {
	.name = LF_GENL_NAME,
	.version = LF_GENL_VERSION,
	.maxattr = LF_ATTR_MAX,
	.policy = lf_policy,
	.netnsok = true,
	.pre_doit = lf_nl_pre_doit,
	.post_doit = lf_nl_post_doit,
	.module = THIS_MODULE,
	.ops = lf_ops,
	.n_ops = ARRAY_SIZE(lf_ops),
	.mcgrps = lf_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lf_mcgrps),
};

/*
 * Samples and queries of every model go to listeners in the network
 * namespaces of the initial user namespace only: a container's root may
 * join a group in its own namespace but receives nothing (and its answers
 * are refused by LF_NL_ADMIN).
 */
static bool lf_nl_net_ok(struct net *net, enum lf_mcgrp group)
{
	return net->user_ns == &init_user_ns &&
	       genl_has_listeners(&lf_family, net, group);
}

bool lf_nl_listening(enum lf_mcgrp group)
{
	struct net *net;
	bool found = false;

	rcu_read_lock();
	for_each_net_rcu(net) {
		if (lf_nl_net_ok(net, group)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/**
 * lf_nl_multicast() - send a message to a group in every allowed namespace
 * @skb: the message (consumed)
 * @group: the group
 *
 * Return: 0 if at least one namespace took it, -ESRCH if none listens.
 */
int lf_nl_multicast(struct sk_buff *skb, enum lf_mcgrp group)
{
	struct net *net, *prev = NULL;
	struct sk_buff *tmp;
	int ret = -ESRCH;

	rcu_read_lock();
	for_each_net_rcu(net) {
		if (!lf_nl_net_ok(net, group))
			continue;
		if (prev) {
			tmp = skb_clone(skb, GFP_ATOMIC);
			if (tmp && !genlmsg_multicast_netns(&lf_family, prev, tmp, 0,
							    group, GFP_ATOMIC))
				ret = 0;
		}
		prev = net;
	}
	if (prev && !genlmsg_multicast_netns(&lf_family, prev, skb, 0, group,
					     GFP_ATOMIC))
		ret = 0;
	else if (!prev)
		kfree_skb(skb);
	rcu_read_unlock();
	return ret;
}

int lf_nl_init(void)
{
	return genl_register_family(&lf_family);
}

void lf_nl_exit(void)
{
	genl_unregister_family(&lf_family);
}
