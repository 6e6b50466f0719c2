// SPDX-License-Identifier: GPL-2.0
/*
 * lf_user.c - userspace queries (upcalls): a datapath module asks the
 * model's userspace deployment (lf-runtime) for an answer with
 * lf_user_query(); the query goes out on the "queries" group with a
 * sequence number and waits in a table until the LF_CMD_ANSWER with that
 * number arrives, it expires (lf_uq_timeout_ms) or its ops are cancelled.
 *
 * The table: a hash of waiting queries by sequence number plus a list in
 * the order they were sent (which is also the order they expire in), both
 * under lf_uq_lock (BHs off: queries come from softirq).  It holds at most
 * lf_uq_max entries.  Expired entries are removed when the next query is
 * made, an answer arrives or the counters are read.  An answer runs its
 * callback under rcu_read_lock() after unlinking the entry, so
 * lf_user_cancel() (unlink, then synchronize_rcu()) returns only when no
 * callback of the cancelled ops can still run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "lf_private.h"

#define LF_UQ_HASH_BITS 10

/**
 * struct lf_uq - one waiting query
 * @hnode: in lf_uq_hash, by @seq
 * @lnode: in lf_uq_list, oldest first
 * @seq: its sequence number
 * @cookie: the caller's cookie
 * @sent_ns: when it was sent
 * @ops: the caller's ops
 * @model_id: the model asked
 * @n_out: outputs the answer must have
 */
struct lf_uq {
	struct hlist_node hnode;
	struct list_head lnode;
	u64 seq;
	u64 cookie;
	u64 sent_ns;
	const struct lf_user_ops *ops;
	u32 model_id;
	u32 n_out;
};

static DEFINE_SPINLOCK(lf_uq_lock);
static DEFINE_HASHTABLE(lf_uq_hash, LF_UQ_HASH_BITS);
static LIST_HEAD(lf_uq_list);
static u32 lf_uq_pending;
static u64 lf_uq_seq;

struct lf_uq_counters lf_uq_stats;

static void lf_uq_unlink(struct lf_uq *q)
{
	lockdep_assert_held(&lf_uq_lock);
	hash_del(&q->hnode);
	list_del(&q->lnode);
	lf_uq_pending--;
}

/* removes expired queries onto @gone (freed by the caller) */
static void lf_uq_expire(u64 now, struct list_head *gone)
{
	u64 timeout = (u64)READ_ONCE(lf_uq_timeout_ms) * NSEC_PER_MSEC;
	struct lf_uq *q, *t;

	lockdep_assert_held(&lf_uq_lock);
	list_for_each_entry_safe(q, t, &lf_uq_list, lnode) {
		if (now - q->sent_ns < timeout)
			break;
		lf_uq_unlink(q);
		list_add(&q->lnode, gone);
		atomic64_inc(&lf_uq_stats.expired);
	}
}

static void lf_uq_free_list(struct list_head *gone)
{
	struct lf_uq *q, *t;

	list_for_each_entry_safe(q, t, gone, lnode)
		kfree(q);
}

bool lf_user_listening(void)
{
	return lf_nl_listening(LF_MCGRP_QUERIES);
}
EXPORT_SYMBOL_GPL(lf_user_listening);

int lf_user_query(struct lf_model *m, u64 flow_key, const s32 *in, u32 n_in,
		  const struct lf_user_ops *ops, u64 cookie)
{
	struct sk_buff *skb;
	struct lf_uq *q, *w;
	LIST_HEAD(gone);
	void *hdr;
	u64 seq;
	int ret;

	if (!m || !in || !ops || !ops->answer || n_in != m->n_in)
		return -EINVAL;
	if (!lf_user_listening())
		return -ENOTCONN;
	q = kmalloc(sizeof(*q), GFP_ATOMIC | __GFP_NOWARN);
	skb = genlmsg_new(nla_total_size(n_in * sizeof(s32)) + nla_total_size(LF_NAME_MAX) +
			  nla_total_size(sizeof(u32)) + 2 * nla_total_size_64bit(sizeof(u64)),
			  GFP_ATOMIC | __GFP_NOWARN);
	if (!q || !skb) {
		ret = -ENOMEM;
		goto refuse;
	}
	q->cookie = cookie;
	q->ops = ops;
	q->model_id = m->id;
	q->n_out = m->n_out;
	q->sent_ns = ktime_get_ns();

	spin_lock_bh(&lf_uq_lock);
	lf_uq_expire(q->sent_ns, &gone);
	if (lf_uq_pending >= READ_ONCE(lf_uq_max)) {
		spin_unlock_bh(&lf_uq_lock);
		lf_uq_free_list(&gone);
		ret = -EBUSY;
		goto refuse;
	}
	/* waiting before it is sent: an answer cannot overtake the entry */
	seq = ++lf_uq_seq;
	q->seq = seq;
	hash_add(lf_uq_hash, &q->hnode, seq);
	list_add_tail(&q->lnode, &lf_uq_list);
	lf_uq_pending++;
	spin_unlock_bh(&lf_uq_lock);
	lf_uq_free_list(&gone);

	hdr = genlmsg_put(skb, 0, 0, &lf_family, 0, LF_CMD_QUERY);
	if (!hdr ||
	    nla_put_string(skb, LF_ATTR_MODEL_NAME, m->name) ||
	    nla_put_u32(skb, LF_ATTR_MODEL_ID, m->id) ||
	    nla_put_u64_64bit(skb, LF_ATTR_QUERY_SEQ, seq, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_FLOW_KEY, flow_key, LF_ATTR_PAD) ||
	    nla_put(skb, LF_ATTR_INPUTS, n_in * sizeof(s32), in)) {
		nlmsg_free(skb);
		skb = NULL;
		ret = -EMSGSIZE;
	} else {
		genlmsg_end(skb, hdr);
		ret = lf_nl_multicast(skb, LF_MCGRP_QUERIES);
		skb = NULL;
		if (ret == -ESRCH)
			ret = -ENOTCONN;
	}
	if (!ret) {
		atomic64_inc(&lf_uq_stats.sent);
		return 0;
	}
	/*
	 * Not sent: take it back unless it is gone (expired meanwhile, or
	 * cancelled), in which case @q may be freed: look it up by @seq.
	 */
	spin_lock_bh(&lf_uq_lock);
	hash_for_each_possible(lf_uq_hash, w, hnode, seq) {
		if (w->seq == seq) {
			lf_uq_unlink(w);
			kfree(w);
			break;
		}
	}
	spin_unlock_bh(&lf_uq_lock);
	return ret;
refuse:
	kfree(q);
	kfree_skb(skb);
	atomic64_inc(&lf_uq_stats.refused);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_user_query);

void lf_user_cancel(const struct lf_user_ops *ops)
{
	struct lf_uq *q, *t;
	LIST_HEAD(gone);

	spin_lock_bh(&lf_uq_lock);
	list_for_each_entry_safe(q, t, &lf_uq_list, lnode) {
		if (q->ops != ops)
			continue;
		lf_uq_unlink(q);
		list_add(&q->lnode, &gone);
	}
	spin_unlock_bh(&lf_uq_lock);
	lf_uq_free_list(&gone);
	/* an answer that unlinked its entry before us runs under RCU */
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(lf_user_cancel);

/* LF_CMD_ANSWER (admin; the policy has checked every attribute's type) */
int lf_nl_answer(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ans = info->attrs[LF_ATTR_ANSWER];
	u64 seq, now = ktime_get_ns();
	struct lf_uq *q, *found = NULL;
	LIST_HEAD(gone);
	u32 id;

	if (GENL_REQ_ATTR_CHECK(info, LF_ATTR_MODEL_ID) ||
	    GENL_REQ_ATTR_CHECK(info, LF_ATTR_QUERY_SEQ) ||
	    GENL_REQ_ATTR_CHECK(info, LF_ATTR_ANSWER))
		return -EINVAL;
	seq = nla_get_u64(info->attrs[LF_ATTR_QUERY_SEQ]);
	id = nla_get_u32(info->attrs[LF_ATTR_MODEL_ID]);

	rcu_read_lock();
	spin_lock_bh(&lf_uq_lock);
	lf_uq_expire(now, &gone);
	hash_for_each_possible(lf_uq_hash, q, hnode, seq) {
		if (q->seq == seq) {
			found = q;
			break;
		}
	}
	if (found && (found->model_id != id ||
		      nla_len(ans) != found->n_out * sizeof(s32))) {
		bool other = found->model_id != id;

		/* the query keeps waiting for a well-formed answer */
		spin_unlock_bh(&lf_uq_lock);
		rcu_read_unlock();
		lf_uq_free_list(&gone);
		atomic64_inc(&lf_uq_stats.bad);
		if (other)
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[LF_ATTR_MODEL_ID],
					    "the query is for another model");
		else
			NL_SET_ERR_MSG_ATTR(info->extack, ans,
					    "ANSWER is not the model's n_out values");
		return -EINVAL;
	}
	if (found)
		lf_uq_unlink(found);
	spin_unlock_bh(&lf_uq_lock);
	if (found) {
		found->ops->answer(found->cookie, nla_data(ans), found->n_out,
				   now - found->sent_ns);
		atomic64_inc(&lf_uq_stats.answered);
	} else {
		atomic64_inc(&lf_uq_stats.stale);
	}
	rcu_read_unlock();
	kfree(found);
	lf_uq_free_list(&gone);
	return 0;
}

/* the number of waiting queries, after dropping the expired ones */
u32 lf_uq_waiting(void)
{
	LIST_HEAD(gone);
	u32 n;

	spin_lock_bh(&lf_uq_lock);
	lf_uq_expire(ktime_get_ns(), &gone);
	n = lf_uq_pending;
	spin_unlock_bh(&lf_uq_lock);
	lf_uq_free_list(&gone);
	return n;
}

/* module exit: every caller (a module using lf_core's symbols) is gone */
void lf_uq_exit(void)
{
	LIST_HEAD(gone);

	spin_lock_bh(&lf_uq_lock);
	list_splice_init(&lf_uq_list, &gone);
	hash_init(lf_uq_hash);
	lf_uq_pending = 0;
	spin_unlock_bh(&lf_uq_lock);
	lf_uq_free_list(&gone);
}
