// SPDX-License-Identifier: GPL-2.0
/*
 * lf_collect.c - the sample collector: per model two batch buffers; samples
 * are appended under a spinlock and a full batch (or the flush timer) is sent
 * by a work item as one LF_CMD_SAMPLES message on the "samples" group.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "lf_private.h"
#include "lf_trace.h"

/* ------------------------------------------------------------------ */
/* sample collector                                                    */

static void lf_col_send(struct lf_model *m, void *buf, u32 len, u32 count,
			u64 seq, u64 drops)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	skb = genlmsg_new(nla_total_size(len) + 256, GFP_KERNEL);
	if (!skb)
		goto drop;
	hdr = genlmsg_put(skb, 0, 0, &lf_family, 0, LF_CMD_SAMPLES);
	if (!hdr ||
	    nla_put_string(skb, LF_ATTR_MODEL_NAME, m->name) ||
	    nla_put_u32(skb, LF_ATTR_MODEL_ID, m->id) ||
	    nla_put_u64_64bit(skb, LF_ATTR_SEQ, seq, LF_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, LF_ATTR_DROPS, drops, LF_ATTR_PAD) ||
	    nla_put_u32(skb, LF_ATTR_SAMPLE_COUNT, count) ||
	    nla_put(skb, LF_ATTR_SAMPLES, len, buf)) {
		nlmsg_free(skb);
		goto drop;
	}
	genlmsg_end(skb, hdr);
	ret = lf_nl_multicast(skb, LF_MCGRP_SAMPLES);
	if (ret)
		goto drop;
	spin_lock_bh(&m->col.lock);
	m->col.sent += count;
	m->col.batches++;
	spin_unlock_bh(&m->col.lock);
	return;
drop:
	spin_lock_bh(&m->col.lock);
	m->col.drops += count;
	spin_unlock_bh(&m->col.lock);
}

/*
 * c->lock held.  Hands the filling buffer to the work (as c->ready) and
 * continues in the spare one; false if the spare is still being sent.
 */
static bool lf_col_swap(struct lf_collector *c)
{
	lockdep_assert_held(&c->lock);
	if (!c->spare || !c->count)
		return false;
	c->ready = c->cur;
	c->ready_len = c->len;
	c->ready_count = c->count;
	c->ready_seq = ++c->seq;
	c->ready_drops = c->drops;
	c->cur = c->spare;
	c->spare = NULL;
	c->len = 0;
	c->count = 0;
	return true;
}

static void lf_col_work(struct work_struct *work)
{
	struct lf_collector *c = container_of(to_delayed_work(work),
					      struct lf_collector, work);
	struct lf_model *m = container_of(c, struct lf_model, col);
	void *buf;
	u32 len, count;
	u64 seq, drops;

	spin_lock_bh(&c->lock);
	if (!c->ready && !lf_col_swap(c)) {	/* flush timer: send what is there */
		spin_unlock_bh(&c->lock);
		return;
	}
	buf = c->ready;
	len = c->ready_len;
	count = c->ready_count;
	seq = c->ready_seq;
	drops = c->ready_drops;
	c->ready = NULL;
	spin_unlock_bh(&c->lock);

	lf_col_send(m, buf, len, count, seq, drops);

	spin_lock_bh(&c->lock);
	c->spare = buf;
	if (c->count >= READ_ONCE(lf_batch_size))	/* filled meanwhile */
		mod_delayed_work(system_wq, &c->work, 0);
	else if (c->count)
		queue_delayed_work(system_wq, &c->work,
				   msecs_to_jiffies(READ_ONCE(lf_flush_ms)));
	spin_unlock_bh(&c->lock);
}

bool lf_collect_wanted(struct lf_model *m)
{
	return lf_nl_listening(LF_MCGRP_SAMPLES);
}
EXPORT_SYMBOL_GPL(lf_collect_wanted);

int lf_collect_sample(struct lf_model *m, u64 flow_key, const s32 *in,
		      const s32 *out, const s32 *label, u32 n_label)
{
	struct lf_collector *c = &m->col;
	size_t size = LF_SAMPLE_SIZE(m->n_in, m->n_out, n_label);
	u32 version = 0, gen = 0;
	struct lf_inst *inst;
	struct lf_sample *s;
	s32 *v;
	int ret = 0;

	if (!in || n_label > LF_LABEL_MAX || (n_label && !label))
		return -EINVAL;
	if (!lf_collect_wanted(m))
		return -ENOTCONN;

	rcu_read_lock();
	inst = lf_flow_peek(m, flow_key);
	if (inst) {
		version = inst->reg->desc->version;
		gen = inst->gen;
	}
	rcu_read_unlock();

	spin_lock_bh(&c->lock);
	if (c->len + size > LF_BATCH_BYTES || c->count >= READ_ONCE(lf_batch_size)) {
		/* the batch is full: continue in the spare buffer if it is free */
		if (!lf_col_swap(c)) {
			c->drops++;
			trace_lf_collect_drop(m->id, flow_key, c->drops);
			ret = -ENOBUFS;
			goto out;
		}
		mod_delayed_work(system_wq, &c->work, 0);
	}
	s = c->cur + c->len;
	memset(s, 0, size);
	s->flow_key = flow_key;
	s->ts_ns = ktime_get_ns();
	s->version = version;
	s->gen = gen;
	s->n_in = m->n_in;
	s->n_out = m->n_out;
	s->n_label = n_label;
	v = (s32 *)(s + 1);
	memcpy(v, in, m->n_in * sizeof(s32));
	if (out)
		memcpy(v + m->n_in, out, m->n_out * sizeof(s32));
	if (n_label)
		memcpy(v + m->n_in + m->n_out, label, n_label * sizeof(s32));
	c->len += size;
	c->count++;
	if (c->count >= READ_ONCE(lf_batch_size) && lf_col_swap(c))
		mod_delayed_work(system_wq, &c->work, 0);
	else if (c->count == 1)
		queue_delayed_work(system_wq, &c->work,
				   msecs_to_jiffies(READ_ONCE(lf_flush_ms)));
out:
	spin_unlock_bh(&c->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_collect_sample);

int lf_col_init(struct lf_collector *c)
{
	c->cur = kvmalloc(LF_BATCH_BYTES, GFP_KERNEL);
	c->spare = kvmalloc(LF_BATCH_BYTES, GFP_KERNEL);
	if (!c->cur || !c->spare) {
		kvfree(c->cur);
		kvfree(c->spare);
		return -ENOMEM;
	}
	spin_lock_init(&c->lock);
	INIT_DELAYED_WORK(&c->work, lf_col_work);
	return 0;
}

/* the model is gone from every list: nobody collects into @c any more */
void lf_col_free(struct lf_collector *c)
{
	cancel_delayed_work_sync(&c->work);
	kvfree(c->cur);
	kvfree(c->spare);
	kvfree(c->ready);
}

void lf_col_counters(struct lf_collector *c, u64 *sent, u64 *batches, u64 *drops)
{
	spin_lock_bh(&c->lock);
	*sent = c->sent;
	*batches = c->batches;
	*drops = c->drops;
	spin_unlock_bh(&c->lock);
}
