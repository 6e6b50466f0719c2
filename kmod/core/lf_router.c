// SPDX-License-Identifier: GPL-2.0
/*
 * lf_router.c - the model registry and the inference router: snapshot
 * registrations and their instances, the active/standby slots of each model,
 * weight pushes, and the query path (router + flow cache, RCU only).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "lf_private.h"
#include "lf_trace.h"

DEFINE_MUTEX(lf_lock);
LIST_HEAD(lf_models);
atomic64_t lf_inst_alive = ATOMIC64_INIT(0);
atomic64_t lf_inst_freed = ATOMIC64_INIT(0);
static u32 lf_next_id;

static void lf_inst_free_rcu(struct rcu_head *head)
{
	struct lf_inst *inst = container_of(head, struct lf_inst, rcu);

	kvfree(inst->params);
	kfree(inst);
	atomic64_dec(&lf_inst_alive);
	atomic64_inc(&lf_inst_freed);
}

void lf_inst_put(struct lf_inst *inst)
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
	inst->infer_batch = reg->desc->infer_batch;
	inst->reg = reg;
	inst->gen = reg->next_gen++;
	atomic64_inc(&lf_inst_alive);
	return inst;
}

/* flows pinned to @inst: its references besides its registration's */
u32 lf_inst_flows(const struct lf_inst *inst)
{
	return refcount_read(&inst->ref) - 1;
}

/* ---- query path ---- */

/* latency histogram bucket of @ns: [2^b, 2^(b+1)) ns, 0 also for 0 ns */
static inline unsigned int lf_lat_bucket(u64 ns)
{
	return ns ? min_t(unsigned int, ilog2(ns), LF_LAT_BUCKETS - 1) : 0;
}

/* @n queries on @inst: its batched entry, else one infer() per query */
static int lf_inst_infer_batch(const struct lf_inst *inst, const s32 *in,
			       s32 *out, unsigned int n)
{
	const struct lf_snapshot_desc *d = inst->reg->desc;
	unsigned int i;
	int ret = 0;

	if (inst->infer_batch)
		return inst->infer_batch(inst->params, in, out, n);
	for (i = 0; i < n && !ret; i++)
		ret = inst->infer(inst->params, in + i * d->n_in,
				  out + i * d->n_out);
	return ret;
}

/* the query path of lf_query_model() (@n = 1) and lf_query_model_batch() */
static int lf_query_rows(struct lf_model *m, u64 flow_key, const s32 *in,
			 s32 *out, unsigned int n)
{
	struct lf_inst *inst;
	u64 t0 = 0, t1 = 0, t2;
	bool timed;
	int ret;

	/* time 1 call in 16, every one while the tracepoint is on */
	timed = !((this_cpu_read(m->stats->queries) + 1) & LF_TIME_MASK) ||
		trace_lf_query_enabled();
	if (timed)
		t0 = ktime_get_ns();
	rcu_read_lock();
	inst = lf_flow_lookup(m, flow_key);
	if (unlikely(!inst)) {
		ret = -ENOENT;
	} else {
		this_cpu_add(m->stats->queries, n);
		if (timed)
			t1 = ktime_get_ns();
		if (n == 1)
			ret = inst->infer(inst->params, in, out);
		else
			ret = lf_inst_infer_batch(inst, in, out, n);
	}
	if (timed) {
		t2 = ktime_get_ns();
		if (inst) {
			/* infer_ns / timed stays a time per query */
			this_cpu_add(m->stats->infer_ns, t2 - t1);
			this_cpu_add(m->stats->timed, n);
		}
		this_cpu_inc(m->stats->lat_hist[lf_lat_bucket(n == 1 ? t2 - t0 :
						div_u64(t2 - t0, n))]);
		trace_lf_query(m->id, flow_key, inst ? inst->reg->desc->version : 0,
			       inst ? inst->gen : 0, t2 - t0, ret);
	}
	rcu_read_unlock();
	if (unlikely(ret))
		this_cpu_inc(m->stats->errors);
	return ret;
}

int lf_query_model(struct lf_model *m, u64 flow_key, const s32 *in, s32 *out)
{
	return lf_query_rows(m, flow_key, in, out, 1);
}
EXPORT_SYMBOL_GPL(lf_query_model);

int lf_query_model_batch(struct lf_model *m, u64 flow_key, const s32 *in,
			 s32 *out, unsigned int n)
{
	if (!n)
		return 0;
	if (n > LF_BATCH_MAX)
		return -EINVAL;
	return lf_query_rows(m, flow_key, in, out, n);
}
EXPORT_SYMBOL_GPL(lf_query_model_batch);

/* ---- models ---- */

struct lf_model *lf_find_model(const char *name, u32 id)
{
	struct lf_model *m;

	lockdep_assert_held(&lf_lock);
	list_for_each_entry(m, &lf_models, node) {
		if (name ? !strcmp(m->name, name) : m->id == id)
			return m;
	}
	return NULL;
}

static struct lf_model *lf_model_new(const struct lf_snapshot_desc *d)
{
	struct lf_model *m = kzalloc(sizeof(*m), GFP_KERNEL);

	lockdep_assert_held(&lf_lock);
	if (!m)
		return NULL;
	m->stats = alloc_percpu(struct lf_pcpu_stats);
	if (!m->stats || lf_col_init(&m->col)) {
		free_percpu(m->stats);
		kfree(m);
		return NULL;
	}
	refcount_set(&m->ref, 1);
	strscpy(m->name, d->model, sizeof(m->name));
	m->id = ++lf_next_id;
	INIT_LIST_HEAD(&m->regs);
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
	lf_col_free(&m->col);
	kvfree(m->staging.buf);
	lf_flow_purge(m->id, NULL, false);	/* none expected */
	free_percpu(m->stats);
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

/* Makes @inst active; the old active becomes standby. */
static int lf_set_active(struct lf_model *m, struct lf_inst *inst)
{
	struct lf_inst *old = rcu_dereference_protected(m->active,
						lockdep_is_held(&lf_lock));

	lockdep_assert_held(&lf_lock);
	if (old == inst)
		return 0;
	/* pin the snapshot's module while it is active */
	if (!try_module_get(inst->reg->desc->owner))
		return -ENOENT;
	trace_lf_switch(m->id, old ? old->reg->desc->version : 0,
			inst->reg->desc->version, inst->gen);
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

/*
 * The active snapshot stops being active: @next (the standby,
 * or NULL) is published in the same store, so a query sees either the old
 * or the new active snapshot, never none while a standby exists.
 */
static void lf_retire_active(struct lf_model *m, struct lf_inst *next)
{
	struct lf_inst *old = rcu_dereference_protected(m->active,
						lockdep_is_held(&lf_lock));

	lockdep_assert_held(&lf_lock);
	if (next && !try_module_get(next->reg->desc->owner))
		next = NULL;
	trace_lf_switch(m->id, old ? old->reg->desc->version : 0,
			next ? next->reg->desc->version : 0, next ? next->gen : 0);
	rcu_assign_pointer(m->active, next);
	if (next) {
		if (m->standby == next)
			m->standby = NULL;
		m->switches++;
	}
	if (old)
		module_put(old->reg->desc->owner);
}

/*
 * Without a standby, the most recently registered idle
 * snapshot becomes standby (an idle snapshot is otherwise unreachable).
 */
static void lf_promote_idle(struct lf_model *m)
{
	struct lf_inst *active = rcu_dereference_protected(m->active,
						lockdep_is_held(&lf_lock));
	struct lf_reg *reg;

	lockdep_assert_held(&lf_lock);
	if (m->standby)
		return;
	list_for_each_entry_reverse(reg, &m->regs, node) {
		if (reg->cur != active && !reg->dead) {
			m->standby = reg->cur;
			return;
		}
	}
}

int __lf_deactivate(struct lf_model *m)
{
	struct lf_inst *old = rcu_dereference_protected(m->active,
						lockdep_is_held(&lf_lock));

	lockdep_assert_held(&lf_lock);
	if (!old)
		return -ENOENT;
	lf_retire_active(m, NULL);
	if (!m->standby)
		m->standby = old;
	return 0;
}

size_t lf_model_nregs(const struct lf_model *m)
{
	struct lf_reg *reg;
	size_t n = 0;

	lockdep_assert_held(&lf_lock);
	list_for_each_entry(reg, &m->regs, node)
		n++;
	return n;
}

/* the active instance; lf_lock held */
struct lf_inst *lf_model_active(struct lf_model *m)
{
	return rcu_dereference_protected(m->active, lockdep_is_held(&lf_lock));
}

int lf_deactivate(struct lf_model *m)
{
	int ret;

	mutex_lock(&lf_lock);
	ret = __lf_deactivate(m);
	mutex_unlock(&lf_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_deactivate);

int __lf_activate(struct lf_model *m, bool by_version, u32 version)
{
	struct lf_reg *reg;
	int ret;

	lockdep_assert_held(&lf_lock);
	if (!by_version) {
		ret = m->standby ? lf_set_active(m, m->standby) : -ENOENT;
		if (!ret)
			lf_promote_idle(m);
		return ret;
	}
	list_for_each_entry(reg, &m->regs, node) {
		if (reg->desc->version == version && !reg->dead)
			break;
	}
	if (list_entry_is_head(reg, &m->regs, node))
		return -ENOENT;
	ret = lf_set_active(m, reg->cur);
	if (!ret)
		lf_promote_idle(m);
	return ret;
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

int lf_activate_version(struct lf_model *m, u32 version)
{
	int ret;

	mutex_lock(&lf_lock);
	ret = __lf_activate(m, true, version);
	mutex_unlock(&lf_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(lf_activate_version);

int __lf_push(struct lf_model *m, const void *params, u32 size,
		     u64 arch_hash, bool check_version, u32 version)
{
	struct lf_inst *old = m->standby, *inst;
	struct lf_reg *reg;

	lockdep_assert_held(&lf_lock);
	if (!old)
		return -ENOENT;
	reg = old->reg;
	if (arch_hash != m->arch_hash || size != reg->desc->params_size ||
	    (check_version && version != reg->desc->version))
		return -EINVAL;
	/* the code relies on bounds of its params (shifts, accumulators) */
	if (reg->desc->validate && reg->desc->validate(params))
		return -EDOM;
	inst = lf_inst_new(reg, params, size);
	if (!inst)
		return -ENOMEM;
	reg->cur = inst;
	m->standby = inst;
	m->pushes++;
	trace_lf_push(m->id, reg->desc->version, inst->gen, size);
	lf_inst_put(old);	/* freed when its last flow leaves */
	return inst->gen;
}

/* drops a chunked push in progress */
void lf_staging_free(struct lf_model *m)
{
	lockdep_assert_held(&lf_lock);
	kvfree(m->staging.buf);
	m->staging.buf = NULL;
	m->staging.len = 0;
	m->staging.total = 0;
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
	if (active == reg->cur)	/* the owner unregisters it itself */
		lf_retire_active(m, m->standby);
	if (m->standby == reg->cur)
		m->standby = NULL;
	list_del(&reg->node);
	lf_promote_idle(m);
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
