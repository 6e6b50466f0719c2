// SPDX-License-Identifier: GPL-2.0
/*
 * lf_flow.c - the flow cache: (model id, flow key) -> the snapshot instance
 * the flow is pinned to.
 *
 * An rhashtable (resizable, chains bounded by rehashing) hashed with siphash
 * under a random key, so traffic cannot choose colliding keys.  Readers look
 * up under RCU; writers take lf_flow.lock (BHs off): a miss inserts, an entry
 * idle for longer than the ageing time is replaced or swept.  The number of
 * entries is bounded by cache-size: when a new flow finds the cache full, the
 * oldest entries (insertion order) are examined: the first expired one is
 * reclaimed, else the least recently used of LF_EVICT_SCAN is evicted (and
 * counted) and the busy ones get a second chance at the tail.  So every flow
 * stays on its snapshot as long as the busy flows fit; beyond, evicted flows
 * are re-pinned on their next query and each eviction is counted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>

#include "lf_private.h"
#include "lf_trace.h"

#define LF_EVICT_SCAN	32	/* entries examined per eviction */
#define LF_PURGE_BATCH	1024	/* entries per lock hold while purging */

struct lf_flow_key {
	u64 flow;
	u32 model_id;
	u32 zero;		/* keys are compared with memcmp */
};

/**
 * struct lf_flow - one flow cache entry
 * @node: in the rhashtable
 * @key: (flow key, model id)
 * @lru: in lf_flow.list, oldest insert (or second chance) first
 * @last: jiffies of the last query
 * @inst: the instance the flow is pinned to (holds a reference); NULL for a
 *        purge cursor (in @lru only)
 * @rcu: freeing
 */
struct lf_flow {
	struct rhash_head node;
	struct lf_flow_key key;
	struct list_head lru;
	unsigned long last;
	struct lf_inst *inst;
	struct rcu_head rcu;
};

static struct {
	struct rhashtable ht;
	spinlock_t lock;	/* writers: table, @list, @count, @evictions */
	struct list_head list;
	u32 count;
	u64 evictions;
	struct kmem_cache *slab;
	siphash_key_t key;
	struct delayed_work sweep;
} lf_flow;

static u32 lf_flow_hashfn(const void *data, u32 len, u32 seed)
{
	const struct lf_flow_key *k = data;

	return (u32)siphash_2u64(k->flow, ((u64)k->model_id << 32) | seed,
				 &lf_flow.key);
}

static const struct rhashtable_params lf_flow_params = {
	.head_offset = offsetof(struct lf_flow, node),
	.key_offset = offsetof(struct lf_flow, key),
	.key_len = sizeof(struct lf_flow_key),
	.hashfn = lf_flow_hashfn,
	.max_size = LF_CACHE_SIZE_MAX,
	.min_size = 64,
	.automatic_shrinking = true,
};

static inline bool lf_flow_expired(const struct lf_flow *f, unsigned long now,
				   unsigned long age)
{
	return time_after(now, READ_ONCE(f->last) + age);
}

static void lf_flow_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(lf_flow.slab, container_of(head, struct lf_flow, rcu));
}

static void lf_flow_unlink(struct lf_flow *f)
{
	lockdep_assert_held(&lf_flow.lock);
	rhashtable_remove_fast(&lf_flow.ht, &f->node, lf_flow_params);
	list_del(&f->lru);
	lf_flow.count--;
	lf_inst_put(f->inst);
	call_rcu(&f->rcu, lf_flow_free_rcu);
}

/*
 * Make room for one entry: reclaim an expired entry or evict the least
 * recently used of the oldest LF_EVICT_SCAN.  False if there is none.
 */
static bool lf_flow_evict(unsigned long now, unsigned long age)
{
	struct lf_flow *f, *tmp, *victim = NULL;
	unsigned int n = 0;
	LIST_HEAD(seen);
	bool done = false;

	lockdep_assert_held(&lf_flow.lock);
	list_for_each_entry_safe(f, tmp, &lf_flow.list, lru) {
		if (!f->inst)		/* a purge cursor */
			continue;
		if (lf_flow_expired(f, now, age)) {
			lf_flow_unlink(f);
			done = true;
			break;
		}
		if (!victim || time_before(READ_ONCE(f->last), READ_ONCE(victim->last)))
			victim = f;
		list_move_tail(&f->lru, &seen);
		if (++n == LF_EVICT_SCAN)
			break;
	}
	if (!done && victim) {
		trace_lf_flow_evict(victim->key.model_id, victim->key.flow,
				    victim->inst->reg->desc->version);
		this_cpu_inc(victim->inst->reg->model->stats->evictions);
		lf_flow.evictions++;
		lf_flow_unlink(victim);
		done = true;
	}
	/* the busy ones examined get a second chance at the tail */
	list_splice_tail(&seen, &lf_flow.list);
	return done;
}

/*
 * Slow path of a query: no live entry for @k.  Pin the flow to the active
 * snapshot unless another CPU just did (then use that entry).  Under
 * rcu_read_lock().
 */
static struct lf_inst *lf_flow_insert(struct lf_model *m,
				      const struct lf_flow_key *k,
				      unsigned long now, unsigned long age)
{
	struct lf_inst *inst = rcu_dereference(m->active);
	struct lf_flow *f, *nf;

	if (!inst)
		return NULL;
	nf = kmem_cache_alloc(lf_flow.slab, GFP_ATOMIC | __GFP_NOWARN);

	spin_lock_bh(&lf_flow.lock);
	f = rhashtable_lookup(&lf_flow.ht, k, lf_flow_params);
	if (f && !lf_flow_expired(f, now, age)) {
		inst = f->inst;		/* a racing first query won */
		WRITE_ONCE(f->last, now);
		goto out_free;
	}
	if (f)
		lf_flow_unlink(f);	/* aged out: re-pin */
	if (!nf || READ_ONCE(inst->reg->dead))
		goto uncached;
	if (lf_flow.count >= READ_ONCE(lf_cache_size) &&
	    !lf_flow_evict(now, age))
		goto uncached;
	if (!refcount_inc_not_zero(&inst->ref))
		goto uncached;
	nf->key = *k;
	nf->last = now;
	nf->inst = inst;
	if (rhashtable_insert_fast(&lf_flow.ht, &nf->node, lf_flow_params)) {
		refcount_dec(&inst->ref);	/* the active slot holds one */
		goto uncached;
	}
	list_add_tail(&nf->lru, &lf_flow.list);
	lf_flow.count++;
	spin_unlock_bh(&lf_flow.lock);
	return inst;

uncached:
	this_cpu_inc(m->stats->uncached);
out_free:
	spin_unlock_bh(&lf_flow.lock);
	if (nf)
		kmem_cache_free(lf_flow.slab, nf);
	return inst;
}

/**
 * lf_flow_lookup() - the instance serving a query of @key, pinning new flows
 * @m: the model
 * @key: the flow key
 *
 * Under rcu_read_lock().  Return: the instance, NULL if the model has none
 * active and the flow is not pinned.
 */
struct lf_inst *lf_flow_lookup(struct lf_model *m, u64 key)
{
	struct lf_flow_key k = { .flow = key, .model_id = m->id };
	unsigned long now = jiffies, age = READ_ONCE(lf_ageing);
	struct lf_flow *f;

	f = rhashtable_lookup(&lf_flow.ht, &k, lf_flow_params);
	if (f && !lf_flow_expired(f, now, age)) {
		if (READ_ONCE(f->last) != now)
			WRITE_ONCE(f->last, now);
		this_cpu_inc(m->stats->hits);
		return f->inst;
	}
	this_cpu_inc(m->stats->misses);
	return lf_flow_insert(m, &k, now, age);
}

/**
 * lf_flow_peek() - the live instance @key is pinned to, or NULL
 * @m: the model
 * @key: the flow key
 *
 * Under rcu_read_lock(); changes nothing.
 */
struct lf_inst *lf_flow_peek(struct lf_model *m, u64 key)
{
	struct lf_flow_key k = { .flow = key, .model_id = m->id };
	struct lf_flow *f;

	f = rhashtable_lookup(&lf_flow.ht, &k, lf_flow_params);
	if (!f || lf_flow_expired(f, jiffies, READ_ONCE(lf_ageing)))
		return NULL;
	return f->inst;
}

void lf_flow_forget(struct lf_model *m, u64 flow_key)
{
	struct lf_flow_key k = { .flow = flow_key, .model_id = m->id };
	struct lf_flow *f;

	rcu_read_lock();
	spin_lock_bh(&lf_flow.lock);
	f = rhashtable_lookup(&lf_flow.ht, &k, lf_flow_params);
	if (f)
		lf_flow_unlink(f);
	spin_unlock_bh(&lf_flow.lock);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(lf_flow_forget);

/**
 * lf_flow_purge() - remove entries
 * @model_id: only this model's (0: every model)
 * @reg: only those pinned to this registration (NULL: any)
 * @expired_only: only entries idle for longer than the ageing time
 *
 * Walks the entries in batches with a cursor in the list, dropping the lock
 * between batches.  Process context.
 */
void lf_flow_purge(u32 model_id, const struct lf_reg *reg, bool expired_only)
{
	unsigned long now = jiffies, age = READ_ONCE(lf_ageing);
	struct lf_flow cursor = { .inst = NULL };
	struct lf_flow *f;
	unsigned int n;

	spin_lock_bh(&lf_flow.lock);
	list_add(&cursor.lru, &lf_flow.list);
	for (;;) {
		for (n = 0; n < LF_PURGE_BATCH &&
		     !list_is_last(&cursor.lru, &lf_flow.list); n++) {
			f = list_next_entry(&cursor, lru);
			list_move(&cursor.lru, &f->lru);	/* past f */
			if (!f->inst ||
			    (model_id && f->key.model_id != model_id) ||
			    (reg && f->inst->reg != reg) ||
			    (expired_only && !lf_flow_expired(f, now, age)))
				continue;
			lf_flow_unlink(f);
		}
		if (list_is_last(&cursor.lru, &lf_flow.list))
			break;
		spin_unlock_bh(&lf_flow.lock);
		cond_resched();
		spin_lock_bh(&lf_flow.lock);
	}
	list_del(&cursor.lru);
	spin_unlock_bh(&lf_flow.lock);
}

/**
 * lf_flow_trim() - evict down to cache-size after it was lowered
 *
 * Process context.
 */
void lf_flow_trim(void)
{
	unsigned long now = jiffies, age = READ_ONCE(lf_ageing);
	unsigned int n = 0;

	spin_lock_bh(&lf_flow.lock);
	while (lf_flow.count > READ_ONCE(lf_cache_size) && lf_flow_evict(now, age)) {
		if (!(++n % LF_PURGE_BATCH)) {
			spin_unlock_bh(&lf_flow.lock);
			cond_resched();
			spin_lock_bh(&lf_flow.lock);
		}
	}
	spin_unlock_bh(&lf_flow.lock);
}

static unsigned long lf_sweep_interval(void)
{
	return clamp_t(unsigned long, READ_ONCE(lf_ageing) / 2,
		       msecs_to_jiffies(10), HZ);
}

static void lf_flow_sweep(struct work_struct *work)
{
	if (READ_ONCE(lf_flow.count))
		lf_flow_purge(0, NULL, true);
	schedule_delayed_work(&lf_flow.sweep, lf_sweep_interval());
}

/* the ageing time changed: sweep at the new interval */
void lf_flow_ageing_changed(void)
{
	mod_delayed_work(system_wq, &lf_flow.sweep, lf_sweep_interval());
}

u32 lf_flow_entries(void)
{
	return READ_ONCE(lf_flow.count);
}

u32 lf_flow_buckets(void)
{
	u32 size;

	rcu_read_lock();
	size = rcu_dereference(lf_flow.ht.tbl)->size;
	rcu_read_unlock();
	return size;
}

u64 lf_flow_evictions(void)
{
	u64 n;

	spin_lock_bh(&lf_flow.lock);
	n = lf_flow.evictions;
	spin_unlock_bh(&lf_flow.lock);
	return n;
}

int lf_flow_init(unsigned int buckets)
{
	struct rhashtable_params p = lf_flow_params;
	int ret;

	lf_flow.slab = KMEM_CACHE(lf_flow, 0);
	if (!lf_flow.slab)
		return -ENOMEM;
	get_random_bytes(&lf_flow.key, sizeof(lf_flow.key));
	/* rhashtable sizes the first table for 4/3 of the hint: @buckets */
	p.nelem_hint = clamp(buckets, 64U, LF_CACHE_SIZE_MAX) / 4 * 3;
	ret = rhashtable_init(&lf_flow.ht, &p);
	if (ret) {
		kmem_cache_destroy(lf_flow.slab);
		return ret;
	}
	spin_lock_init(&lf_flow.lock);
	INIT_LIST_HEAD(&lf_flow.list);
	INIT_DELAYED_WORK(&lf_flow.sweep, lf_flow_sweep);
	schedule_delayed_work(&lf_flow.sweep, lf_sweep_interval());
	return 0;
}

void lf_flow_exit(void)
{
	cancel_delayed_work_sync(&lf_flow.sweep);
	lf_flow_purge(0, NULL, false);
	rhashtable_destroy(&lf_flow.ht);
	rcu_barrier();		/* entry and instance frees */
	kmem_cache_destroy(lf_flow.slab);
}
