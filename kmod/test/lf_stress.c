// SPDX-License-Identifier: GPL-2.0
/*
 * lf_stress.c - router stress test.  One query kthread per online CPU queries
 * model @model continuously with @flows flow keys each, while a switcher
 * kthread flips active/standby @switches times and pushes new weights to the
 * standby every @push_every switches.
 *
 * Queries use all-zero inputs, so out[0] is b[0] of the weights that served
 * the query: a fingerprint of the snapshot instance.  For every flow the test
 * checks that the fingerprint never changes while the flow is busy: a change
 * is legal only if the flow was idle for at least @ageing_ms (its cache entry
 * may have aged out).  A quarter of the flows are busy for two ageing
 * periods, then idle for four, so they age out and get re-pinned.
 *
 * @switch_delay_ms delays the first switch; @collect_every sends every Nth
 * query as a training sample (label: the flow index) via lf_collect_sample().
 *
 * @softirq_flows > 0: a timer per online CPU (softirq context) also queries
 * that many flows of its own every jiffy, with the same check.
 * @unreg_every > 0: the module registers a snapshot of its own (version
 * 100, b[0] = 4242) and the switcher unregisters and re-registers it every
 * @unreg_every switches, also while it is active.  A flow pinned to it moves
 * when it is unregistered: that change is legal (counted in r_repins) if the
 * flow was on its weights (b[0] 4242) or on pushed ones (b[0] >= 1000, which
 * may have gone to it) and an unregistration ran since the previous query.
 *
 * Results (read-only parameters, also printed): r_done, r_queries,
 * r_failures, r_violations, r_repins, r_switches, r_pushes, r_unregs,
 * r_softirq_queries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/atomic.h>
#include "lf_core.h"
#include "lf_snap_lin.h"

static char *model = "lin";
module_param(model, charp, 0444);
static unsigned int flows = 256;
module_param(flows, uint, 0444);
static unsigned int duration_ms = 3000;
module_param(duration_ms, uint, 0444);
static unsigned int switches = 1000;
module_param(switches, uint, 0444);
static unsigned int push_every = 10;
module_param(push_every, uint, 0444);
static unsigned int ageing_ms = 1000;
module_param(ageing_ms, uint, 0444);
MODULE_PARM_DESC(ageing_ms, "lf_core's flow ageing time (for the consistency check)");
static bool check = true;
module_param(check, bool, 0444);
static unsigned int switch_delay_ms;
module_param(switch_delay_ms, uint, 0444);
static unsigned int collect_every;
module_param(collect_every, uint, 0444);
MODULE_PARM_DESC(collect_every, "send every Nth query as a training sample (0: none)");

static unsigned int softirq_flows;
module_param(softirq_flows, uint, 0444);
static unsigned int unreg_every;
module_param(unreg_every, uint, 0444);

static unsigned int r_done;
module_param(r_done, uint, 0444);
static unsigned long long r_queries, r_failures, r_violations, r_repins;
static unsigned long long r_switches, r_pushes;
module_param(r_queries, ullong, 0444);
module_param(r_failures, ullong, 0444);
module_param(r_violations, ullong, 0444);
module_param(r_repins, ullong, 0444);
module_param(r_switches, ullong, 0444);
module_param(r_pushes, ullong, 0444);
static unsigned long long r_unregs, r_softirq_queries;
module_param(r_unregs, ullong, 0444);
module_param(r_softirq_queries, ullong, 0444);

#define OWN_FP 4242
static const struct lf_lin_params own_params = {
	.w = { { 1, 2, 3, 4 }, { 5, 6, 7, 8 }, { 9, 10, 11, 12 } },
	.b = { OWN_FP, 0, 0 },
	.shift = 8,
};
static const s8 own_frac[LIN_IN] = { LIN_FRAC, LIN_FRAC, LIN_FRAC, LIN_FRAC };

static int own_infer(const void *params, const s32 *in, s32 *out)
{
	return lf_lin_compute(params, in, out);
}

static struct lf_snapshot_desc own_desc = {
	.version = 100,
	.arch_hash = LIN_ARCH_HASH,
	.n_in = LIN_IN,
	.n_out = LIN_OUT,
	.in_frac = own_frac,
	.out_frac = own_frac,
	.params_size = sizeof(own_params),
	.params = &own_params,
	.infer = own_infer,
	.stack_bytes = 32,
	.owner = THIS_MODULE,
};
static bool own_registered;
/* odd while the own snapshot is being unregistered, +2 per unregistration */
static atomic_t own_epoch = ATOMIC_INIT(0);

static void own_unregister(void)
{
	atomic_inc(&own_epoch);
	lf_unregister_snapshot(&own_desc);
	atomic_inc(&own_epoch);
	r_unregs++;
}

struct flow_state {
	s32 fp;
	bool seen;
	int epoch;		/* own_epoch before the previous query */
	unsigned long last;	/* jiffies read before the previous query */
};

struct tstate {
	struct timer_list timer;
	unsigned int id;
	struct flow_state *st;
	u64 queries, failures, violations, repins;
	bool stop;
};
static struct tstate *tss;

struct qthread {
	struct task_struct *task;
	unsigned int id;
	struct flow_state *st;
	u64 queries, failures, violations, repins;
};

static struct lf_model *lf_m;
static struct qthread *qts;
static unsigned int n_qts;
static struct task_struct *switcher;
static unsigned long end_time;
static atomic_t running;

static void stress_finish(void)
{
	unsigned int i;

	if (!atomic_dec_and_test(&running))
		return;
	for (i = 0; i < n_qts; i++) {
		r_queries += qts[i].queries;
		r_failures += qts[i].failures;
		r_violations += qts[i].violations;
		r_repins += qts[i].repins;
	}
	if (tss) {
		for (i = 0; i < n_qts; i++) {
			WRITE_ONCE(tss[i].stop, true);
			del_timer_sync(&tss[i].timer);
			r_softirq_queries += tss[i].queries;
			r_queries += tss[i].queries;
			r_failures += tss[i].failures;
			r_violations += tss[i].violations;
			r_repins += tss[i].repins;
		}
	}
	pr_info("queries=%llu failures=%llu violations=%llu repins=%llu switches=%llu pushes=%llu unregs=%llu softirq_queries=%llu\n",
		r_queries, r_failures, r_violations, r_repins, r_switches, r_pushes,
		r_unregs, r_softirq_queries);
	smp_store_release(&r_done, 1);
}

static void wait_for_stop(void)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
}

/*
 * Could @fp come from the own snapshot?  Its compiled weights, or pushed ones
 * (b[0] >= 1000: a push may have gone to it while it was standby).
 */
static bool own_fp(s32 fp)
{
	return unreg_every && (fp == OWN_FP || fp >= 1000);
}

/* one query of flow @key with state @s; returns false if it failed */
static bool query_check(u64 key, struct flow_state *s, u64 *violations, u64 *repins,
			s32 *out)
{
	unsigned long age = msecs_to_jiffies(ageing_ms);
	s32 in[LIN_IN] = {};
	unsigned long before = jiffies, after;
	int epoch = atomic_read(&own_epoch);

	if (lf_query_model(lf_m, key, in, out))
		return false;
	after = jiffies;
	if (s->seen && out[0] != s->fp) {
		if (check && time_before(after, s->last + age) &&
		    !(own_fp(s->fp) && (epoch != s->epoch || (epoch & 1))))
			(*violations)++;
		else
			(*repins)++;
	}
	s->fp = out[0];
	s->seen = true;
	s->last = before;
	s->epoch = epoch;
	return true;
}

static void timer_fn(struct timer_list *t)
{
	struct tstate *ts = from_timer(ts, t, timer);
	s32 out[LIN_OUT];
	unsigned int i;

	for (i = 0; i < softirq_flows; i++) {
		u64 key = (1ULL << 62) | ((u64)(ts->id + 1) << 32) | i;

		if (query_check(key, &ts->st[i], &ts->violations, &ts->repins, out))
			ts->queries++;
		else
			ts->failures++;
	}
	if (!READ_ONCE(ts->stop) && time_before(jiffies, end_time))
		mod_timer(&ts->timer, jiffies + 1);
}

static int query_fn(void *arg)
{
	struct qthread *q = arg;
	unsigned long age = msecs_to_jiffies(ageing_ms);
	s32 in[LIN_IN] = {}, out[LIN_OUT];
	unsigned int i;

	while (!kthread_should_stop() && time_before(jiffies, end_time)) {
		for (i = 0; i < flows; i++) {
			u64 key = ((u64)(q->id + 1) << 32) | i;

			/* cold flows (1 in 4): busy for 2 ageing periods, idle for 4 */
			if (!(i & 3) && ((jiffies / max(2 * age, 1UL)) + i / 4) % 3)
				continue;
			if (!query_check(key, &q->st[i], &q->violations, &q->repins, out)) {
				q->failures++;
				continue;
			}
			q->queries++;
			if (collect_every && !(q->queries % collect_every)) {
				s32 label = (s32)i;

				lf_collect_sample(lf_m, key, in, out, &label, 1);
			}
		}
		cond_resched();
	}
	stress_finish();
	wait_for_stop();
	return 0;
}

static int switch_fn(void *arg)
{
	struct lf_lin_params p = LIN_PARAMS_V1;
	unsigned long interval_us = max(1UL, duration_ms * 1000UL / max(switches, 1U));
	unsigned int i;
	int ret;

	if (switch_delay_ms)
		msleep(switch_delay_ms);
	for (i = 0; i < switches && !kthread_should_stop(); i++) {
		ret = lf_activate_standby(lf_m);
		if (!ret)
			r_switches++;
		if (push_every && (i % push_every) == push_every - 1) {
			p.b[0] = 1000 + r_pushes;
			ret = lf_push_params(lf_m, &p, sizeof(p), LIN_ARCH_HASH);
			if (ret > 0)
				r_pushes++;
		}
		if (unreg_every && (i % unreg_every) == unreg_every - 1 && own_registered) {
			own_unregister();
			if (lf_register_snapshot(&own_desc))
				own_registered = false;
		}
		usleep_range(interval_us, interval_us + 100);
	}
	if (own_registered) {	/* unpin this module: it can be removed */
		own_unregister();
		own_registered = false;
	}
	stress_finish();
	wait_for_stop();
	return 0;
}

/* softirq state and the own snapshot (the active one is unpinned first) */
static void stress_free_own(void)
{
	unsigned int i;

	if (tss) {
		for (i = 0; i < n_qts; i++) {
			del_timer_sync(&tss[i].timer);
			kfree(tss[i].st);
		}
		kfree(tss);
		tss = NULL;
	}
	if (own_registered) {
		lf_unregister_snapshot(&own_desc);
		own_registered = false;
	}
}

static int __init stress_init(void)
{
	unsigned int cpu, i = 0;
	int ret = -ENOMEM;

	lf_m = lf_model_get(model);
	if (!lf_m) {
		pr_err("no model %s\n", model);
		return -ENOENT;
	}
	n_qts = num_online_cpus();
	if (unreg_every) {
		own_desc.model = model;
		ret = lf_register_snapshot(&own_desc);
		if (ret)
			goto err_put;
		own_registered = true;
		ret = -ENOMEM;
	}
	qts = kcalloc(n_qts, sizeof(*qts), GFP_KERNEL);
	if (!qts)
		goto err_put;
	if (softirq_flows) {
		tss = kcalloc(n_qts, sizeof(*tss), GFP_KERNEL);
		if (!tss)
			goto err_put;
		for (i = 0; i < n_qts; i++) {
			tss[i].id = i;
			tss[i].st = kcalloc(softirq_flows, sizeof(*tss[i].st), GFP_KERNEL);
			if (!tss[i].st)
				goto err_put;
			timer_setup(&tss[i].timer, timer_fn, 0);
		}
	}
	for (i = 0; i < n_qts; i++) {
		qts[i].id = i;
		qts[i].st = kvcalloc(flows, sizeof(*qts[i].st), GFP_KERNEL);
		if (!qts[i].st)
			goto err_free;
	}
	end_time = jiffies + msecs_to_jiffies(duration_ms);
	atomic_set(&running, n_qts + 1);
	i = 0;
	for_each_online_cpu(cpu) {
		if (i == n_qts)
			break;
		qts[i].task = kthread_create(query_fn, &qts[i], "lf_stress/%u", cpu);
		if (IS_ERR(qts[i].task)) {
			ret = PTR_ERR(qts[i].task);
			qts[i].task = NULL;
			goto err_stop;
		}
		kthread_bind(qts[i].task, cpu);
		i++;
	}
	switcher = kthread_create(switch_fn, NULL, "lf_stress_sw");
	if (IS_ERR(switcher)) {
		ret = PTR_ERR(switcher);
		switcher = NULL;
		goto err_stop;
	}
	for (i = 0; i < n_qts; i++)
		wake_up_process(qts[i].task);
	if (tss) {
		i = 0;
		for_each_online_cpu(cpu) {
			if (i == n_qts)
				break;
			tss[i].timer.expires = jiffies + 1;
			add_timer_on(&tss[i].timer, cpu);
			i++;
		}
	}
	wake_up_process(switcher);
	return 0;

err_stop:
	for (i = 0; i < n_qts; i++)
		if (qts[i].task)
			kthread_stop(qts[i].task);
	i = n_qts;
err_free:
	while (i--)
		kvfree(qts[i].st);
	kfree(qts);
err_put:
	stress_free_own();
	lf_model_put(lf_m);
	return ret;
}

static void __exit stress_exit(void)
{
	unsigned int i;

	kthread_stop(switcher);
	for (i = 0; i < n_qts; i++) {
		kthread_stop(qts[i].task);
		kvfree(qts[i].st);
	}
	kfree(qts);
	stress_free_own();
	lf_model_put(lf_m);
}

module_init(stress_init);
module_exit(stress_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow router stress test");
