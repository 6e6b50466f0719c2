// SPDX-License-Identifier: GPL-2.0
/*
 * lf_core.c - LiteFlow kernel core: model registry, inference router with
 * active/standby snapshots, flow cache, sample collector and the "liteflow"
 * generic netlink family.
 *
 * Locking:
 *  - lf_lock (mutex) serialises the control plane: registration, activation,
 *    weight pushes, netlink requests.  Never taken on the query path.
 *  - model->active is RCU-protected; queries run entirely inside
 *    rcu_read_lock() and hold no lock while a snapshot infers.
 *  - the flow cache is a fixed array of hash buckets; readers walk a bucket
 *    under RCU, writers (insert on miss, ageing, purge) take the bucket's
 *    spinlock with BHs off.
 *  - an instance (snapshot code + its own copy of the weights) is refcounted:
 *    one reference while it is its registration's current instance, one per
 *    flow cache entry.  The last put frees it after an RCU grace period.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/refcount.h>
#include <linux/percpu.h>
#include <linux/jiffies.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/workqueue.h>
#include <linux/timekeeping.h>
#include <linux/string.h>
#include <net/genetlink.h>

#include "lf_core.h"
#include "uapi/liteflow.h"

static unsigned int flow_buckets = 4096;
module_param(flow_buckets, uint, 0444);
MODULE_PARM_DESC(flow_buckets, "flow cache hash buckets (power of two, fixed at load)");

#define LF_CACHE_SIZE_DEF	65536
#define LF_CACHE_SIZE_MAX	(1U << 22)
#define LF_AGEING_MS_DEF	1000
#define LF_AGEING_MS_MAX	3600000
#define LF_BATCH_DEF		64
#define LF_BATCH_MAX		4096
#define LF_FLUSH_MS_DEF		100
#define LF_FLUSH_MS_MAX		60000
#define LF_BATCH_BYTES		(60 * 1024)	/* one netlink attribute */
#define LF_TIME_MASK		15		/* time 1 query in 16 */

/* ------------------------------------------------------------------ */
/* data structures                                                     */

struct lf_model;
struct lf_reg;

/* one instance: a snapshot's code plus one copy of its weights */
struct lf_inst {
	refcount_t ref;
	int (*infer)(const void *params, const s32 *in, s32 *out);
	void *params;
	struct lf_reg *reg;
	u32 gen;
	struct rcu_head rcu;
};

/* one registered struct lf_snapshot_desc */
struct lf_reg {
	struct list_head node;		/* model->regs */
	const struct lf_snapshot_desc *desc;
	struct lf_model *model;
	struct lf_inst *cur;		/* holds the registry reference */
	u32 next_gen;
	bool dead;			/* unregistering: no new flows */
};

struct lf_pcpu_stats {
	u64 queries;
	u64 hits;
	u64 misses;
	u64 uncached;
	u64 errors;
	u64 infer_ns;
	u64 timed;
};

struct lf_collector {
	spinlock_t lock;
	void *cur;			/* filling */
	void *spare;			/* free, NULL while being sent */
	u32 len;
	u32 count;
	u64 seq;
	u64 drops;
	u64 sent;
	u64 batches;
	struct delayed_work work;
};

struct lf_model {
	struct list_head node;		/* lf_models */
	refcount_t ref;
	u32 id;
	char name[LF_NAME_MAX];
	u64 arch_hash;
	u32 n_in;
	u32 n_out;
	struct lf_inst __rcu *active;
	struct lf_inst *standby;
	struct list_head regs;
	u64 switches;
	u64 pushes;
	struct lf_pcpu_stats __percpu *stats;
	struct lf_collector col;
};

struct lf_flow {
	struct hlist_node node;
	u64 key;
	u32 model_id;
	unsigned long last;		/* jiffies of the last query */
	struct lf_inst *inst;
	struct rcu_head rcu;
};

struct lf_bucket {
	struct hlist_head head;
	spinlock_t lock;
};

static DEFINE_MUTEX(lf_lock);
static LIST_HEAD(lf_models);
static u32 lf_next_id;

static struct lf_bucket *lf_buckets;
static unsigned int lf_bucket_bits;
static atomic_t lf_flow_count = ATOMIC_INIT(0);
static unsigned int lf_cache_size = LF_CACHE_SIZE_DEF;
static unsigned long lf_ageing;		/* jiffies */
static unsigned int lf_ageing_ms = LF_AGEING_MS_DEF;
static unsigned int lf_batch_size = LF_BATCH_DEF;
static unsigned int lf_flush_ms = LF_FLUSH_MS_DEF;
static atomic64_t lf_inst_alive = ATOMIC64_INIT(0);
static atomic64_t lf_inst_freed = ATOMIC64_INIT(0);
static struct delayed_work lf_sweep_work;
static struct genl_family lf_family;

/* ------------------------------------------------------------------ */
/* instances                                                           */

static void lf_inst_free_rcu(struct rcu_head *head)
{
	struct lf_inst *inst = container_of(head, struct lf_inst, rcu);

	kvfree(inst->params);
	kfree(inst);
	atomic64_dec(&lf_inst_alive);
	atomic64_inc(&lf_inst_freed);
}

static void lf_inst_put(struct lf_inst *inst)
{
	if (refcount_dec_and_test(&inst->ref))
		call_rcu(&inst->rcu, lf_inst_free_rcu);
}

static struct lf_inst *lf_inst_new(struct lf_reg *reg, const void *params,
				   u32 size)
{
	struct lf_inst *inst = kzalloc(sizeof(*inst), GFP_KERNEL);

	if (!inst)
		return NULL;
	inst->params = kvmalloc(size, GFP_KERNEL);
	if (!inst->params) {
		kfree(inst);
		return NULL;
	}
	memcpy(inst->params, params, size);
	refcount_set(&inst->ref, 1);
	inst->infer = reg->desc->infer;
	inst->reg = reg;
	inst->gen = reg->next_gen++;
	atomic64_inc(&lf_inst_alive);
	return inst;
}

/* ------------------------------------------------------------------ */
/* flow cache                                                          */

static inline struct lf_bucket *lf_bucket_of(u32 model_id, u64 key)
{
	return &lf_buckets[hash_64(key ^ ((u64)model_id << 48), lf_bucket_bits)];
}

static inline bool lf_flow_expired(const struct lf_flow *f, unsigned long now,
				   unsigned long age)
{
	return time_after(now, READ_ONCE(f->last) + age);
}

/* bucket lock held */
static void lf_flow_unlink(struct lf_flow *f)
{
	hlist_del_rcu(&f->node);
	atomic_dec(&lf_flow_count);
	lf_inst_put(f->inst);
	kfree_rcu(f, rcu);
}

/*
 * Slow path of a query: no live entry for (model, key).  Pin the flow to the
 * active snapshot unless another CPU just did (then use that entry).
 * Called under rcu_read_lock().
 */
static struct lf_inst *lf_flow_insert(struct lf_model *m, struct lf_bucket *b,
				      u64 key, unsigned long now,
				      unsigned long age)
{
	struct lf_inst *inst = rcu_dereference(m->active);
	struct lf_flow *f, *nf;
	struct hlist_node *tmp;

	if (!inst)
		return NULL;
	nf = kmalloc(sizeof(*nf), GFP_ATOMIC | __GFP_NOWARN);

	spin_lock_bh(&b->lock);
	hlist_for_each_entry_safe(f, tmp, &b->head, node) {
		if (lf_flow_expired(f, now, age)) {
			lf_flow_unlink(f);
			continue;
		}
		if (f->key == key && f->model_id == m->id) {
			inst = f->inst;
			spin_unlock_bh(&b->lock);
			kfree(nf);
			return inst;
		}
	}
	if (!nf || atomic_read(&lf_flow_count) >= READ_ONCE(lf_cache_size) ||
	    READ_ONCE(inst->reg->dead) || !refcount_inc_not_zero(&inst->ref)) {
		spin_unlock_bh(&b->lock);
		kfree(nf);
		this_cpu_inc(m->stats->uncached);
		return inst;
	}
	nf->key = key;
	nf->model_id = m->id;
	nf->last = now;
	nf->inst = inst;
	atomic_inc(&lf_flow_count);
	hlist_add_head_rcu(&nf->node, &b->head);
	spin_unlock_bh(&b->lock);
	return inst;
}

static inline struct lf_inst *lf_flow_lookup(struct lf_model *m, u64 key)
{
	struct lf_bucket *b = lf_bucket_of(m->id, key);
	unsigned long now = jiffies, age = READ_ONCE(lf_ageing);
	struct lf_flow *f;

	hlist_for_each_entry_rcu(f, &b->head, node) {
		if (f->key != key || f->model_id != m->id)
			continue;
		if (lf_flow_expired(f, now, age))
			break;
		if (READ_ONCE(f->last) != now)
			WRITE_ONCE(f->last, now);
		this_cpu_inc(m->stats->hits);
		return f->inst;
	}
	this_cpu_inc(m->stats->misses);
	return lf_flow_insert(m, b, key, now, age);
}

/*
 * Remove entries matching (@model_id, @reg); 0 / NULL match everything.
 * With @expired_only, only entries idle for longer than the ageing time.
 */
static void lf_flow_purge(u32 model_id, const struct lf_reg *reg,
			  bool expired_only)
{
	unsigned long now = jiffies, age = READ_ONCE(lf_ageing);
	unsigned int i;

	for (i = 0; i < (1U << lf_bucket_bits); i++) {
		struct lf_bucket *b = &lf_buckets[i];
		struct hlist_node *tmp;
		struct lf_flow *f;

		if (hlist_empty(&b->head))
			continue;
		spin_lock_bh(&b->lock);
		hlist_for_each_entry_safe(f, tmp, &b->head, node) {
			if (model_id && f->model_id != model_id)
				continue;
			if (reg && f->inst->reg != reg)
				continue;
			if (expired_only && !lf_flow_expired(f, now, age))
				continue;
			lf_flow_unlink(f);
		}
		spin_unlock_bh(&b->lock);
		if (!(i & 255))
			cond_resched();
	}
}

static unsigned long lf_sweep_interval(void)
{
	return clamp_t(unsigned long, READ_ONCE(lf_ageing) / 2,
		       msecs_to_jiffies(10), HZ);
}

static void lf_sweep(struct work_struct *work)
{
	if (atomic_read(&lf_flow_count))
		lf_flow_purge(0, NULL, true);
	schedule_delayed_work(&lf_sweep_work, lf_sweep_interval());
}

static u32 lf_inst_flows(const struct lf_inst *inst, bool registered)
{
	return refcount_read(&inst->ref) - (registered ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* query path                                                          */

int lf_query_model(struct lf_model *m, u64 flow_key, const s32 *in, s32 *out)
{
	struct lf_inst *inst;
	int ret;

	rcu_read_lock();
	inst = lf_flow_lookup(m, flow_key);
	if (unlikely(!inst)) {
		ret = -ENOENT;
	} else if ((this_cpu_inc_return(m->stats->queries) & LF_TIME_MASK) == 0) {
		u64 t0 = ktime_get_ns();

		ret = inst->infer(inst->params, in, out);
		this_cpu_add(m->stats->infer_ns, ktime_get_ns() - t0);
		this_cpu_inc(m->stats->timed);
	} else {
		ret = inst->infer(inst->params, in, out);
	}
	rcu_read_unlock();
	if (unlikely(ret))
		this_cpu_inc(m->stats->errors);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_query_model);

/* the live instance @key is pinned to, or NULL; under rcu_read_lock() */
static struct lf_inst *lf_flow_peek(struct lf_model *m, u64 key)
{
	struct lf_bucket *b = lf_bucket_of(m->id, key);
	struct lf_flow *f;

	hlist_for_each_entry_rcu(f, &b->head, node) {
		if (f->key == key && f->model_id == m->id)
			return lf_flow_expired(f, jiffies, READ_ONCE(lf_ageing)) ?
			       NULL : f->inst;
	}
	return NULL;
}

void lf_flow_forget(struct lf_model *m, u64 flow_key)
{
	struct lf_bucket *b = lf_bucket_of(m->id, flow_key);
	struct hlist_node *tmp;
	struct lf_flow *f;

	spin_lock_bh(&b->lock);
	hlist_for_each_entry_safe(f, tmp, &b->head, node) {
		if (f->key == flow_key && f->model_id == m->id) {
			lf_flow_unlink(f);
			break;
		}
	}
	spin_unlock_bh(&b->lock);
}
EXPORT_SYMBOL_GPL(lf_flow_forget);

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
	ret = genlmsg_multicast(&lf_family, skb, 0, 0, GFP_KERNEL);
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

static void lf_col_work(struct work_struct *work)
{
	struct lf_collector *c = container_of(to_delayed_work(work),
					      struct lf_collector, work);
	struct lf_model *m = container_of(c, struct lf_model, col);
	void *buf;
	u32 len, count;
	u64 seq, drops;

	spin_lock_bh(&c->lock);
	if (!c->count || !c->spare) {
		spin_unlock_bh(&c->lock);
		return;
	}
	buf = c->cur;
	len = c->len;
	count = c->count;
	seq = ++c->seq;
	drops = c->drops;
	c->cur = c->spare;
	c->spare = NULL;
	c->len = 0;
	c->count = 0;
	spin_unlock_bh(&c->lock);

	lf_col_send(m, buf, len, count, seq, drops);

	spin_lock_bh(&c->lock);
	c->spare = buf;
	if (c->count)	/* filled meanwhile */
		queue_delayed_work(system_wq, &c->work,
				   c->count >= READ_ONCE(lf_batch_size) ? 0 :
				   msecs_to_jiffies(READ_ONCE(lf_flush_ms)));
	spin_unlock_bh(&c->lock);
}

bool lf_collect_wanted(struct lf_model *m)
{
	return genl_has_listeners(&lf_family, &init_net, 0);
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
		/* full: the work has not swapped buffers yet */
		c->drops++;
		ret = -ENOBUFS;
		goto out;
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
	if (c->count >= READ_ONCE(lf_batch_size) ||
	    c->len + size > LF_BATCH_BYTES)
		mod_delayed_work(system_wq, &c->work, 0);
	else if (c->count == 1)
		queue_delayed_work(system_wq, &c->work,
				   msecs_to_jiffies(READ_ONCE(lf_flush_ms)));
out:
	spin_unlock_bh(&c->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_collect_sample);

/* ------------------------------------------------------------------ */
/* models                                                              */

/* lf_lock held */
static struct lf_model *lf_find_model(const char *name, u32 id)
{
	struct lf_model *m;

	list_for_each_entry(m, &lf_models, node) {
		if (name ? !strcmp(m->name, name) : m->id == id)
			return m;
	}
	return NULL;
}

static struct lf_model *lf_model_new(const struct lf_snapshot_desc *d)
{
	struct lf_model *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->stats = alloc_percpu(struct lf_pcpu_stats);
	m->col.cur = kvmalloc(LF_BATCH_BYTES, GFP_KERNEL);
	m->col.spare = kvmalloc(LF_BATCH_BYTES, GFP_KERNEL);
	if (!m->stats || !m->col.cur || !m->col.spare) {
		free_percpu(m->stats);
		kvfree(m->col.cur);
		kvfree(m->col.spare);
		kfree(m);
		return NULL;
	}
	refcount_set(&m->ref, 1);
	strscpy(m->name, d->model, sizeof(m->name));
	m->id = ++lf_next_id;
	INIT_LIST_HEAD(&m->regs);
	spin_lock_init(&m->col.lock);
	INIT_DELAYED_WORK(&m->col.work, lf_col_work);
	list_add_tail(&m->node, &lf_models);
	return m;
}

struct lf_model *lf_model_get(const char *name)
{
	struct lf_model *m;

	mutex_lock(&lf_lock);
	m = lf_find_model(name, 0);
	if (m)
		refcount_inc(&m->ref);
	mutex_unlock(&lf_lock);
	return m;
}
EXPORT_SYMBOL_GPL(lf_model_get);

void lf_model_put(struct lf_model *m)
{
	if (!m || !refcount_dec_and_mutex_lock(&m->ref, &lf_lock))
		return;
	list_del(&m->node);
	mutex_unlock(&lf_lock);
	cancel_delayed_work_sync(&m->col.work);
	lf_flow_purge(m->id, NULL, false);	/* none expected */
	free_percpu(m->stats);
	kvfree(m->col.cur);
	kvfree(m->col.spare);
	kfree(m);
}
EXPORT_SYMBOL_GPL(lf_model_put);

void lf_model_info(struct lf_model *m, struct lf_model_info *info)
{
	struct lf_inst *inst;

	memset(info, 0, sizeof(*info));
	info->id = m->id;
	info->n_in = m->n_in;
	info->n_out = m->n_out;
	info->arch_hash = m->arch_hash;
	strscpy(info->name, m->name, sizeof(info->name));
	rcu_read_lock();
	inst = rcu_dereference(m->active);
	if (inst) {
		/* reg stays valid: unregister waits for a grace period */
		info->active_version = inst->reg->desc->version;
		info->active_gen = inst->gen;
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(lf_model_info);

int lf_model_formats(struct lf_model *m, s8 *in_frac, u32 n_in, s8 *out_frac,
		     u32 n_out)
{
	const struct lf_snapshot_desc *d = NULL;
	struct lf_reg *r;

	if (n_in != m->n_in || n_out != m->n_out)
		return -EINVAL;
	mutex_lock(&lf_lock);
	/* every snapshot of a model has the same formats (arch hash) */
	r = list_first_entry_or_null(&m->regs, struct lf_reg, node);
	if (r) {
		d = r->desc;
		memcpy(in_frac, d->in_frac, n_in);
		memcpy(out_frac, d->out_frac, n_out);
	}
	mutex_unlock(&lf_lock);
	return d ? 0 : -ENOENT;
}
EXPORT_SYMBOL_GPL(lf_model_formats);

/* lf_lock held.  Makes @inst active; the old active becomes standby. */
static int lf_set_active(struct lf_model *m, struct lf_inst *inst)
{
	struct lf_inst *old = rcu_dereference_protected(m->active,
						lockdep_is_held(&lf_lock));

	if (old == inst)
		return 0;
	/* pin the snapshot's module while it is active */
	if (!try_module_get(inst->reg->desc->owner))
		return -ENOENT;
	rcu_assign_pointer(m->active, inst);
	if (old) {
		m->standby = old;
		module_put(old->reg->desc->owner);
		m->switches++;
	} else if (m->standby == inst) {
		m->standby = NULL;
	}
	return 0;
}

static int __lf_activate(struct lf_model *m, bool by_version, u32 version)
{
	struct lf_reg *reg;

	if (!by_version)
		return m->standby ? lf_set_active(m, m->standby) : -ENOENT;
	list_for_each_entry(reg, &m->regs, node) {
		if (reg->desc->version == version)
			return lf_set_active(m, reg->cur);
	}
	return -ENOENT;
}

int lf_activate_standby(struct lf_model *m)
{
	int ret;

	mutex_lock(&lf_lock);
	ret = __lf_activate(m, false, 0);
	mutex_unlock(&lf_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_activate_standby);

static int __lf_push(struct lf_model *m, const void *params, u32 size,
		     u64 arch_hash, bool check_version, u32 version)
{
	struct lf_inst *old = m->standby, *inst;
	struct lf_reg *reg;

	if (!old)
		return -ENOENT;
	reg = old->reg;
	if (arch_hash != m->arch_hash || size != reg->desc->params_size ||
	    (check_version && version != reg->desc->version))
		return -EINVAL;
	inst = lf_inst_new(reg, params, size);
	if (!inst)
		return -ENOMEM;
	reg->cur = inst;
	m->standby = inst;
	m->pushes++;
	lf_inst_put(old);	/* freed when its last flow leaves */
	return inst->gen;
}

int lf_push_params(struct lf_model *m, const void *params, u32 size,
		   u64 arch_hash)
{
	int ret;

	mutex_lock(&lf_lock);
	ret = __lf_push(m, params, size, arch_hash, false, 0);
	mutex_unlock(&lf_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_push_params);

static bool lf_desc_ok(const struct lf_snapshot_desc *d)
{
	size_t len;

	if (!d || !d->model || !d->infer || !d->params || !d->params_size ||
	    !d->in_frac || !d->out_frac)
		return false;
	len = strnlen(d->model, LF_NAME_MAX);
	return len && len < LF_NAME_MAX && d->n_in && d->n_in <= LF_IO_MAX &&
	       d->n_out && d->n_out <= LF_IO_MAX;
}

int lf_register_snapshot(const struct lf_snapshot_desc *d)
{
	struct lf_model *m;
	struct lf_reg *reg, *r;
	int ret;

	if (!lf_desc_ok(d)) {
		pr_err("malformed snapshot descriptor (model %.*s)\n",
		       LF_NAME_MAX, d && d->model ? d->model : "?");
		return -EINVAL;
	}
	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->desc = d;
	reg->cur = lf_inst_new(reg, d->params, d->params_size);
	if (!reg->cur) {
		kfree(reg);
		return -ENOMEM;
	}

	mutex_lock(&lf_lock);
	m = lf_find_model(d->model, 0);
	if (m && !list_empty(&m->regs)) {
		if (d->arch_hash != m->arch_hash || d->n_in != m->n_in ||
		    d->n_out != m->n_out) {
			pr_err("model %s: snapshot v%u rejected: arch hash %#llx (%u in, %u out) differs from the model's %#llx (%u in, %u out)\n",
			       m->name, d->version, d->arch_hash, d->n_in,
			       d->n_out, m->arch_hash, m->n_in, m->n_out);
			ret = -EINVAL;
			goto err;
		}
		list_for_each_entry(r, &m->regs, node) {
			if (r->desc->version == d->version) {
				pr_err("model %s: snapshot v%u rejected: version already registered\n",
				       m->name, d->version);
				ret = -EEXIST;
				goto err;
			}
		}
	} else if (m) {
		refcount_inc(&m->ref);	/* the registry's reference */
	} else {
		m = lf_model_new(d);
		if (!m) {
			ret = -ENOMEM;
			goto err;
		}
	}
	m->arch_hash = d->arch_hash;
	m->n_in = d->n_in;
	m->n_out = d->n_out;
	reg->model = m;
	list_add_tail(&reg->node, &m->regs);
	if (!rcu_access_pointer(m->active) && !lf_set_active(m, reg->cur)) {
		pr_info("model %s: snapshot v%u registered, active\n",
			m->name, d->version);
	} else {
		m->standby = reg->cur;
		pr_info("model %s: snapshot v%u registered, standby\n",
			m->name, d->version);
	}
	mutex_unlock(&lf_lock);
	return 0;
err:
	mutex_unlock(&lf_lock);
	lf_inst_put(reg->cur);
	kfree(reg);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_register_snapshot);

void lf_unregister_snapshot(const struct lf_snapshot_desc *d)
{
	struct lf_model *m;
	struct lf_reg *reg = NULL, *r;
	struct lf_inst *active;
	bool last;

	mutex_lock(&lf_lock);
	list_for_each_entry(m, &lf_models, node) {
		list_for_each_entry(r, &m->regs, node) {
			if (r->desc == d) {
				reg = r;
				break;
			}
		}
		if (reg)
			break;
	}
	if (!reg) {
		mutex_unlock(&lf_lock);
		pr_warn("unregister of an unknown snapshot descriptor\n");
		return;
	}
	m = reg->model;
	WRITE_ONCE(reg->dead, true);
	active = rcu_dereference_protected(m->active, lockdep_is_held(&lf_lock));
	if (active == reg->cur) {
		/* only reachable if the owner is not pinned (init error path) */
		RCU_INIT_POINTER(m->active, NULL);
		module_put(d->owner);
		if (m->standby)
			lf_set_active(m, m->standby);
	}
	if (m->standby == reg->cur)
		m->standby = NULL;
	list_del(&reg->node);
	last = list_empty(&m->regs);
	mutex_unlock(&lf_lock);

	/* queries that saw reg->dead == false have finished inserting */
	synchronize_rcu();
	lf_flow_purge(m->id, reg, false);
	lf_inst_put(reg->cur);
	/* queries that found a purged entry have finished inferring */
	synchronize_rcu();
	pr_info("model %s: snapshot v%u unregistered\n", m->name, d->version);
	kfree(reg);
	if (last)
		lf_model_put(m);
}
EXPORT_SYMBOL_GPL(lf_unregister_snapshot);

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
};

/* lf_lock held */
static struct lf_model *lf_nl_model(struct genl_info *info)
{
	struct lf_model *m = NULL;

	if (info->attrs[LF_ATTR_MODEL_NAME])
		m = lf_find_model(nla_data(info->attrs[LF_ATTR_MODEL_NAME]), 0);
	else if (info->attrs[LF_ATTR_MODEL_ID])
		m = lf_find_model(NULL, nla_get_u32(info->attrs[LF_ATTR_MODEL_ID]));
	else
		NL_SET_ERR_MSG(info->extack, "model name or id required");
	if (!m && (info->attrs[LF_ATTR_MODEL_NAME] || info->attrs[LF_ATTR_MODEL_ID]))
		NL_SET_ERR_MSG(info->extack, "no such model");
	return m;
}

static int lf_nl_model_err(struct genl_info *info)
{
	return info->attrs[LF_ATTR_MODEL_NAME] || info->attrs[LF_ATTR_MODEL_ID] ?
	       -ENOENT : -EINVAL;
}

static int lf_put_stats(struct sk_buff *skb, struct lf_model *m)
{
	struct lf_pcpu_stats sum = {};
	struct nlattr *nest;
	u64 sent, batches, drops;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct lf_pcpu_stats *s = per_cpu_ptr(m->stats, cpu);

		sum.queries += READ_ONCE(s->queries);
		sum.hits += READ_ONCE(s->hits);
		sum.misses += READ_ONCE(s->misses);
		sum.uncached += READ_ONCE(s->uncached);
		sum.errors += READ_ONCE(s->errors);
		sum.infer_ns += READ_ONCE(s->infer_ns);
		sum.timed += READ_ONCE(s->timed);
	}
	spin_lock_bh(&m->col.lock);
	sent = m->col.sent;
	batches = m->col.batches;
	drops = m->col.drops;
	spin_unlock_bh(&m->col.lock);

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
	    nla_put_u64_64bit(skb, LF_ATTR_STAT_DROPS, drops, LF_ATTR_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* lf_lock held */
static int lf_fill_model(struct sk_buff *skb, struct lf_model *m, u32 portid,
			 u32 seq, int flags)
{
	struct lf_inst *active = rcu_dereference_protected(m->active,
						lockdep_is_held(&lf_lock));
	const struct lf_snapshot_desc *d = NULL;
	struct nlattr *snaps, *snap;
	struct lf_reg *reg;
	void *hdr;

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
				       m->standby->reg->desc->version)))
		goto err;
	snaps = nla_nest_start(skb, LF_ATTR_SNAPSHOTS);
	if (!snaps)
		goto err;
	list_for_each_entry(reg, &m->regs, node) {
		u8 state = reg->cur == active ? LF_SLOT_ACTIVE :
			   reg->cur == m->standby ? LF_SLOT_STANDBY : LF_SLOT_IDLE;

		snap = nla_nest_start(skb, LF_ATTR_SNAPSHOT);
		if (!snap ||
		    nla_put_u32(skb, LF_ATTR_VERSION, reg->desc->version) ||
		    nla_put_u32(skb, LF_ATTR_GEN, reg->cur->gen) ||
		    nla_put_u8(skb, LF_ATTR_STATE, state) ||
		    nla_put_u32(skb, LF_ATTR_PARAMS_SIZE, reg->desc->params_size) ||
		    nla_put_u32(skb, LF_ATTR_STACK_BYTES, reg->desc->stack_bytes) ||
		    nla_put_string(skb, LF_ATTR_MODULE, reg->desc->owner ?
				   module_name(reg->desc->owner) : "-") ||
		    nla_put_u32(skb, LF_ATTR_FLOWS, lf_inst_flows(reg->cur, true)))
			goto err;
		nla_nest_end(skb, snap);
	}
	nla_nest_end(skb, snaps);
	if (lf_put_stats(skb, m))
		goto err;
	genlmsg_end(skb, hdr);
	return 0;
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int lf_nl_get_model(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct lf_model *m;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&lf_lock);
	m = lf_nl_model(info);
	ret = m ? lf_fill_model(msg, m, info->snd_portid, info->snd_seq, 0) :
		  lf_nl_model_err(info);
	mutex_unlock(&lf_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
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
				  cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
			idx--;
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
	struct lf_model *m;
	int ret;

	mutex_lock(&lf_lock);
	m = lf_nl_model(info);
	if (!m)
		ret = lf_nl_model_err(info);
	else
		ret = __lf_activate(m, ver, ver ? nla_get_u32(ver) : 0);
	if (m && ret == -ENOENT && ver)
		NL_SET_ERR_MSG(info->extack, "no snapshot with that version");
	else if (m && ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "model has no standby snapshot");
	mutex_unlock(&lf_lock);
	return ret;
}

static int lf_nl_eval(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *in_attr = info->attrs[LF_ATTR_INPUTS];
	struct nlattr *ver = info->attrs[LF_ATTR_VERSION];
	struct nlattr *slot = info->attrs[LF_ATTR_SLOT];
	struct lf_inst *inst = NULL;
	struct module *owner = NULL;
	u32 n_in, n_out, n, i, version = 0;
	struct sk_buff *msg;
	struct lf_model *m;
	struct lf_reg *reg;
	struct nlattr *out_attr;
	const s32 *in;
	s32 *out;
	void *hdr;
	int ret = 0;

	if (!in_attr || (ver && slot)) {
		NL_SET_ERR_MSG(info->extack, "INPUTS required; VERSION and SLOT exclusive");
		return -EINVAL;
	}
	mutex_lock(&lf_lock);
	m = lf_nl_model(info);
	if (!m) {
		mutex_unlock(&lf_lock);
		return lf_nl_model_err(info);
	}
	if (ver) {
		list_for_each_entry(reg, &m->regs, node) {
			if (reg->desc->version == nla_get_u32(ver))
				inst = reg->cur;
		}
	} else if (slot && nla_get_u8(slot) == LF_SLOT_STANDBY) {
		inst = m->standby;
	} else {
		inst = rcu_dereference_protected(m->active, lockdep_is_held(&lf_lock));
	}
	n_in = m->n_in;
	n_out = m->n_out;
	if (inst) {
		owner = inst->reg->desc->owner;
		version = inst->reg->desc->version;
		/* the module's code must stay while we run it */
		if (try_module_get(owner))
			refcount_inc(&inst->ref);
		else
			inst = NULL;
	}
	mutex_unlock(&lf_lock);
	if (!inst) {
		NL_SET_ERR_MSG(info->extack, "no such snapshot");
		return -ENOENT;
	}

	n = nla_len(in_attr) / sizeof(s32);
	if (n % n_in || (u64)(n / n_in) * n_out * sizeof(s32) > LF_BATCH_BYTES) {
		NL_SET_ERR_MSG(info->extack, "INPUTS is not k * n_in values or too many");
		ret = -EINVAL;
		goto out_put;
	}
	n /= n_in;
	msg = genlmsg_new(nla_total_size(n * n_out * sizeof(s32)) + 64, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	hdr = genlmsg_put_reply(msg, info, &lf_family, 0, LF_CMD_EVAL);
	out_attr = hdr ? nla_reserve(msg, LF_ATTR_OUTPUTS, n * n_out * sizeof(s32)) : NULL;
	if (!out_attr || nla_put_u32(msg, LF_ATTR_VERSION, version) ||
	    nla_put_u32(msg, LF_ATTR_GEN, inst->gen)) {
		ret = -EMSGSIZE;
		goto out_free;
	}
	in = nla_data(in_attr);
	out = nla_data(out_attr);
	for (i = 0; i < n; i++) {
		ret = inst->infer(inst->params, in + i * n_in, out + i * n_out);
		if (ret) {
			NL_SET_ERR_MSG(info->extack, "snapshot inference failed");
			goto out_free;
		}
		if (!(i & 63))
			cond_resched();
	}
	genlmsg_end(msg, hdr);
	lf_inst_put(inst);
	module_put(owner);
	return genlmsg_reply(msg, info);
out_free:
	nlmsg_free(msg);
out_put:
	lf_inst_put(inst);
	module_put(owner);
	return ret;
}

static int lf_nl_push(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *params = info->attrs[LF_ATTR_PARAMS];
	struct nlattr *hash = info->attrs[LF_ATTR_ARCH_HASH];
	struct nlattr *ver = info->attrs[LF_ATTR_VERSION];
	struct sk_buff *msg;
	struct lf_model *m;
	u32 version = 0;
	void *hdr;
	int ret;

	if (!params || !hash) {
		NL_SET_ERR_MSG(info->extack, "PARAMS and ARCH_HASH required");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&lf_lock);
	m = lf_nl_model(info);
	if (!m) {
		ret = lf_nl_model_err(info);
	} else {
		ret = __lf_push(m, nla_data(params), nla_len(params),
				nla_get_u64(hash), ver, ver ? nla_get_u32(ver) : 0);
		if (ret > 0)
			version = m->standby->reg->desc->version;
		else if (ret == -EINVAL)
			NL_SET_ERR_MSG(info->extack, "params size, arch hash or version differs from the standby snapshot's");
		else if (ret == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "model has no standby snapshot");
	}
	mutex_unlock(&lf_lock);
	if (ret < 0) {
		nlmsg_free(msg);
		return ret;
	}
	hdr = genlmsg_put_reply(msg, info, &lf_family, 0, LF_CMD_PUSH);
	if (!hdr || nla_put_u32(msg, LF_ATTR_VERSION, version) ||
	    nla_put_u32(msg, LF_ATTR_GEN, ret)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
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
	    nla_put_u32(msg, LF_ATTR_CACHE_ENTRIES, atomic_read(&lf_flow_count)) ||
	    nla_put_u32(msg, LF_ATTR_CACHE_BUCKETS, 1U << lf_bucket_bits) ||
	    nla_put_u64_64bit(msg, LF_ATTR_INST_ALIVE,
			      atomic64_read(&lf_inst_alive), LF_ATTR_PAD) ||
	    nla_put_u64_64bit(msg, LF_ATTR_INST_FREED,
			      atomic64_read(&lf_inst_freed), LF_ATTR_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int lf_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;

	mutex_lock(&lf_lock);
	if (a[LF_ATTR_CACHE_SIZE])
		WRITE_ONCE(lf_cache_size, nla_get_u32(a[LF_ATTR_CACHE_SIZE]));
	if (a[LF_ATTR_AGEING_MS]) {
		WRITE_ONCE(lf_ageing_ms, nla_get_u32(a[LF_ATTR_AGEING_MS]));
		WRITE_ONCE(lf_ageing, msecs_to_jiffies(lf_ageing_ms));
		mod_delayed_work(system_wq, &lf_sweep_work, lf_sweep_interval());
	}
	if (a[LF_ATTR_BATCH_SIZE])
		WRITE_ONCE(lf_batch_size, nla_get_u32(a[LF_ATTR_BATCH_SIZE]));
	if (a[LF_ATTR_FLUSH_MS])
		WRITE_ONCE(lf_flush_ms, nla_get_u32(a[LF_ATTR_FLUSH_MS]));
	mutex_unlock(&lf_lock);
	return 0;
}

static int lf_nl_flush_cache(struct sk_buff *skb, struct genl_info *info)
{
	u32 id = 0;

	if (info->attrs[LF_ATTR_MODEL_NAME] || info->attrs[LF_ATTR_MODEL_ID]) {
		struct lf_model *m;

		mutex_lock(&lf_lock);
		m = lf_nl_model(info);
		if (m)
			id = m->id;
		mutex_unlock(&lf_lock);
		if (!m)
			return -ENOENT;
	}
	lf_flow_purge(id, NULL, false);
	return 0;
}

static const struct genl_ops lf_ops[] = {
	{
		.cmd = LF_CMD_GET_MODEL,
		.doit = lf_nl_get_model,
		.dumpit = lf_nl_dump_models,
	},
	{
		.cmd = LF_CMD_ACTIVATE,
		.doit = lf_nl_activate,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = LF_CMD_EVAL,
		.doit = lf_nl_eval,
	},
	{
		.cmd = LF_CMD_PUSH,
		.doit = lf_nl_push,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = LF_CMD_GET_CONFIG,
		.doit = lf_nl_get_config,
	},
	{
		.cmd = LF_CMD_SET_CONFIG,
		.doit = lf_nl_set_config,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = LF_CMD_FLUSH_CACHE,
		.doit = lf_nl_flush_cache,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group lf_mcgrps[] = {
	{ .name = LF_GENL_MCGRP_SAMPLES, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family lf_family __ro_after_init = {
	.name = LF_GENL_NAME,
	.version = LF_GENL_VERSION,
	.maxattr = LF_ATTR_MAX,
	.policy = lf_policy,
	.netnsok = false,
	.module = THIS_MODULE,
	.ops = lf_ops,
	.n_ops = ARRAY_SIZE(lf_ops),
	.resv_start_op = __LF_CMD_MAX,
	.mcgrps = lf_mcgrps,
	.n_mcgrps = ARRAY_SIZE(lf_mcgrps),
};

/* ------------------------------------------------------------------ */

static int __init lf_core_init(void)
{
	unsigned int i, n;
	int ret;

	n = roundup_pow_of_two(clamp(flow_buckets, 16U, 1U << 20));
	lf_bucket_bits = ilog2(n);
	lf_buckets = kvmalloc_array(n, sizeof(*lf_buckets), GFP_KERNEL);
	if (!lf_buckets)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		INIT_HLIST_HEAD(&lf_buckets[i].head);
		spin_lock_init(&lf_buckets[i].lock);
	}
	lf_ageing = msecs_to_jiffies(lf_ageing_ms);
	INIT_DELAYED_WORK(&lf_sweep_work, lf_sweep);

	ret = genl_register_family(&lf_family);
	if (ret) {
		kvfree(lf_buckets);
		return ret;
	}
	schedule_delayed_work(&lf_sweep_work, lf_sweep_interval());
	pr_info("loaded: %u flow buckets, cache size %u, ageing %u ms\n",
		n, lf_cache_size, lf_ageing_ms);
	return 0;
}

static void __exit lf_core_exit(void)
{
	genl_unregister_family(&lf_family);
	cancel_delayed_work_sync(&lf_sweep_work);
	lf_flow_purge(0, NULL, false);
	rcu_barrier();		/* instance and entry frees */
	kvfree(lf_buckets);
}

module_init(lf_core_init);
module_exit(lf_core_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("LiteFlow");
MODULE_DESCRIPTION("LiteFlow core: in-kernel NN snapshot router, flow cache, netlink");
