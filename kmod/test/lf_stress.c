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
 * Results (read-only parameters, also printed): r_done, r_queries,
 * r_failures, r_violations, r_repins, r_switches, r_pushes.
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

struct flow_state {
	s32 fp;
	bool seen;
	unsigned long last;	/* jiffies read before the previous query */
};

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
	pr_info("queries=%llu failures=%llu violations=%llu repins=%llu switches=%llu pushes=%llu\n",
		r_queries, r_failures, r_violations, r_repins, r_switches, r_pushes);
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

static int query_fn(void *arg)
{
	struct qthread *q = arg;
	unsigned long age = msecs_to_jiffies(ageing_ms);
	s32 in[LIN_IN] = {}, out[LIN_OUT];
	unsigned int i;

	while (!kthread_should_stop() && time_before(jiffies, end_time)) {
		for (i = 0; i < flows; i++) {
			struct flow_state *s = &q->st[i];
			u64 key = ((u64)(q->id + 1) << 32) | i;
			unsigned long before, after;

			/* cold flows (1 in 4): busy for 2 ageing periods, idle for 4 */
			if (!(i & 3) && ((jiffies / max(2 * age, 1UL)) + i / 4) % 3)
				continue;
			before = jiffies;
			if (lf_query_model(lf_m, key, in, out)) {
				q->failures++;
				continue;
			}
			after = jiffies;
			q->queries++;
			if (collect_every && !(q->queries % collect_every)) {
				s32 label = (s32)i;

				lf_collect_sample(lf_m, key, in, out, &label, 1);
			}
			if (s->seen && out[0] != s->fp) {
				if (check && time_before(after, s->last + age))
					q->violations++;
				else
					q->repins++;
			}
			s->fp = out[0];
			s->seen = true;
			s->last = before;
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
		usleep_range(interval_us, interval_us + 100);
	}
	stress_finish();
	wait_for_stop();
	return 0;
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
	qts = kcalloc(n_qts, sizeof(*qts), GFP_KERNEL);
	if (!qts)
		goto err_put;
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
	lf_model_put(lf_m);
}

module_init(stress_init);
module_exit(stress_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow router stress test");
