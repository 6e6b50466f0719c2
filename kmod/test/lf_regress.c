// SPDX-License-Identifier: GPL-2.0
/*
 * lf_regress.c - kernel-side halves of the regression tests of lf_core's
 * bugs (test/vm/tests/06-regress.sh).  One scenario per load:
 *
 *   scenario=unreg   model "rg" with two snapshots (owned by this module);
 *                    one query kthread per online CPU queries it while a
 *                    control kthread unregisters the ACTIVE snapshot and
 *                    registers it again, @cycles times.  The standby must
 *                    take over with no gap: r_failures counts queries that
 *                    failed (-ENOENT).  Everything is unregistered at the
 *                    end, so the module can be removed.
 *   scenario=collect @n_small samples without labels into model "lin",
 *                    then one sample with LF_LABEL_MAX labels (larger than
 *                    the ones before): r_rc is its return code (0: queued;
 *                    a free spare buffer must take it).  Then @n_more small
 *                    samples, with preemption off so the work cannot free a
 *                    buffer meanwhile: r_drops counts those refused.  Needs
 *                    a listener.
 *   scenario=many    registers @n snapshots (versions 1..n) of model
 *                    "many"; unregisters them on removal.
 *   scenario=big     model "big": versions 1 and 2 with 256 KiB of weights
 *                    (struct big_params: the lin weights, then padding whose
 *                    last byte is added to out[2]), for chunked pushes;
 *                    its validate() refuses a last byte >= 200.
 *
 * Results are read-only parameters: r_done, r_failures, r_queries,
 * r_cycles, r_rc.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include "lf_core.h"
#include "lf_snap_lin.h"

static char *scenario = "unreg";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "unreg | collect | many");
static unsigned int cycles = 1000;
module_param(cycles, uint, 0444);
static unsigned int n_small = 959;
module_param(n_small, uint, 0444);
static unsigned int n_more;
module_param(n_more, uint, 0444);
static unsigned int n = 300;
module_param(n, uint, 0444);

static unsigned int r_done;
module_param(r_done, uint, 0444);
static unsigned long long r_failures, r_queries, r_cycles;
module_param(r_failures, ullong, 0444);
module_param(r_queries, ullong, 0444);
module_param(r_cycles, ullong, 0444);
static int r_rc;
module_param(r_rc, int, 0444);
static unsigned int r_drops;
module_param(r_drops, uint, 0444);

static const struct lf_lin_params rg_params[2] = { LIN_PARAMS_V1, LIN_PARAMS_V2 };
static const s8 rg_in_frac[LIN_IN] = { LIN_FRAC, LIN_FRAC, LIN_FRAC, LIN_FRAC };
static const s8 rg_out_frac[LIN_OUT] = { LIN_FRAC, LIN_FRAC, LIN_FRAC };

static int rg_infer(const void *params, const s32 *in, s32 *out)
{
	return lf_lin_compute(params, in, out);
}

static void rg_desc_init(struct lf_snapshot_desc *d, const char *model,
			 u32 version, const struct lf_lin_params *p)
{
	*d = (struct lf_snapshot_desc) {
		.model = model,
		.version = version,
		.arch_hash = LIN_ARCH_HASH,
		.n_in = LIN_IN,
		.n_out = LIN_OUT,
		.in_frac = rg_in_frac,
		.out_frac = rg_out_frac,
		.params_size = sizeof(struct lf_lin_params),
		.params = p,
		.infer = rg_infer,
		.stack_bytes = 32,
		.owner = THIS_MODULE,
	};
}

/* ---- scenario unreg ---------------------------------------------------- */

static struct lf_snapshot_desc rg_desc[2];
static bool rg_registered[2];
static struct lf_model *rg_model;
static struct task_struct **rg_q;
static struct task_struct *rg_ctl;
static unsigned int rg_nq;
static atomic64_t rg_fail = ATOMIC64_INIT(0), rg_queries = ATOMIC64_INIT(0);
static atomic_t rg_stop = ATOMIC_INIT(0);

static int rg_query_fn(void *arg)
{
	s32 in[LIN_IN] = {}, out[LIN_OUT];
	u64 base = (u64)(uintptr_t)arg << 40, i = 0, q = 0, f = 0;

	while (!atomic_read(&rg_stop) && !kthread_should_stop()) {
		/* a new flow each time: every query reads the active slot */
		if (lf_query_model(rg_model, base | i++, in, out))
			f++;
		if (!(++q & 255))
			cond_resched();
	}
	atomic64_add(q, &rg_queries);
	atomic64_add(f, &rg_fail);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int rg_ctl_fn(void *arg)
{
	unsigned int c, k;
	int ret;

	for (c = 0; c < cycles && !kthread_should_stop(); c++) {
		struct lf_model_info info;

		lf_model_info(rg_model, &info);
		k = info.active_version == 2;	/* index of the active one */
		lf_unregister_snapshot(&rg_desc[k]);
		rg_registered[k] = false;
		ret = lf_register_snapshot(&rg_desc[k]);
		if (ret) {
			pr_err("re-register v%u: %d\n", k + 1, ret);
			break;
		}
		rg_registered[k] = true;
		r_cycles++;
	}
	atomic_set(&rg_stop, 1);
	msleep(100);
	r_failures = atomic64_read(&rg_fail);
	r_queries = atomic64_read(&rg_queries);
	/* the active one last: it pins this module */
	for (k = 0; k < 2; k++) {
		struct lf_model_info info;

		lf_model_info(rg_model, &info);
		if (rg_registered[k] && info.active_version != k + 1) {
			lf_unregister_snapshot(&rg_desc[k]);
			rg_registered[k] = false;
		}
	}
	for (k = 0; k < 2; k++) {
		if (rg_registered[k]) {
			lf_unregister_snapshot(&rg_desc[k]);
			rg_registered[k] = false;
		}
	}
	pr_info("unreg: cycles=%llu queries=%llu failures=%llu\n",
		r_cycles, r_queries, r_failures);
	smp_store_release(&r_done, 1);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static int rg_start(void)
{
	unsigned int cpu, i = 0;
	int ret, k;

	for (k = 0; k < 2; k++) {
		rg_desc_init(&rg_desc[k], "rg", k + 1, &rg_params[k]);
		ret = lf_register_snapshot(&rg_desc[k]);
		if (ret)
			goto err_unreg;
		rg_registered[k] = true;
	}
	rg_model = lf_model_get("rg");
	if (!rg_model) {
		ret = -ENOENT;
		goto err_unreg;
	}
	rg_nq = num_online_cpus();
	rg_q = kcalloc(rg_nq, sizeof(*rg_q), GFP_KERNEL);
	if (!rg_q) {
		ret = -ENOMEM;
		goto err_put;
	}
	for_each_online_cpu(cpu) {
		if (i == rg_nq)
			break;
		rg_q[i] = kthread_create(rg_query_fn, (void *)(uintptr_t)(i + 1),
					 "lf_regress/%u", cpu);
		if (IS_ERR(rg_q[i])) {
			ret = PTR_ERR(rg_q[i]);
			rg_q[i] = NULL;
			goto err_stop;
		}
		kthread_bind(rg_q[i], cpu);
		i++;
	}
	rg_ctl = kthread_run(rg_ctl_fn, NULL, "lf_regress_ctl");
	if (IS_ERR(rg_ctl)) {
		ret = PTR_ERR(rg_ctl);
		rg_ctl = NULL;
		goto err_stop;
	}
	for (i = 0; i < rg_nq; i++)
		wake_up_process(rg_q[i]);
	return 0;

err_stop:
	for (i = 0; i < rg_nq; i++)
		if (rg_q[i])
			kthread_stop(rg_q[i]);
	kfree(rg_q);
err_put:
	lf_model_put(rg_model);
err_unreg:
	for (k = 0; k < 2; k++)
		if (rg_registered[k])
			lf_unregister_snapshot(&rg_desc[k]);
	return ret;
}

static void rg_stop_all(void)
{
	unsigned int i;

	kthread_stop(rg_ctl);
	for (i = 0; i < rg_nq; i++)
		kthread_stop(rg_q[i]);
	kfree(rg_q);
	lf_model_put(rg_model);
}

/* ---- scenario collect -------------------------------------------------- */

static int col_run(void)
{
	s32 in[LIN_IN] = { 1, 2, 3, 4 }, out[LIN_OUT] = { 5, 6, 7 };
	s32 label[LF_LABEL_MAX] = {};
	struct lf_model *m = lf_model_get("lin");
	unsigned int i;
	int ret = 0;

	if (!m)
		return -ENOENT;
	preempt_disable();
	for (i = 0; i < n_small && !ret; i++)
		ret = lf_collect_sample(m, i, in, out, NULL, 0);
	if (!ret) {
		ret = lf_collect_sample(m, i, in, out, label, LF_LABEL_MAX);
		r_rc = ret;
		for (i = 0; i < n_more; i++)
			if (lf_collect_sample(m, 1000000 + i, in, out, NULL, 0) == -ENOBUFS)
				r_drops++;
	}
	preempt_enable();
	if (ret)
		pr_err("collect: %d\n", ret);
	pr_info("collect: %u small samples, a large one: %d, %u more: %u dropped\n",
		n_small, r_rc, n_more, r_drops);
	r_rc = ret;
	lf_model_put(m);
	smp_store_release(&r_done, 1);
	return 0;
}

/* ---- scenario big ----------------------------------------------------- */

#define BIG_SIZE (256 * 1024)
struct big_params {
	struct lf_lin_params lin;
	u8 pad[BIG_SIZE - sizeof(struct lf_lin_params)];
};
static const struct big_params big_params[2] = {
	{ .lin = LIN_PARAMS_V1 }, { .lin = LIN_PARAMS_V2 },
};
static struct lf_snapshot_desc big_desc[2];
static unsigned int big_n;

static int big_infer(const void *params, const s32 *in, s32 *out)
{
	const struct big_params *p = params;

	lf_lin_compute(&p->lin, in, out);
	out[2] += p->pad[sizeof(p->pad) - 1];
	return 0;
}

/*
 * The bound this test snapshot declares: the last byte, added to out[2],
 * stays below 200.  lf_core must refuse a push that breaks it (-EDOM).
 */
static int big_validate(const void *params)
{
	const struct big_params *p = params;

	return p->pad[sizeof(p->pad) - 1] < 200 ? 0 : -EDOM;
}

static int big_start(void)
{
	int ret;

	for (big_n = 0; big_n < 2; big_n++) {
		rg_desc_init(&big_desc[big_n], "big", big_n + 1, NULL);
		big_desc[big_n].params = &big_params[big_n];
		big_desc[big_n].params_size = sizeof(big_params[big_n]);
		big_desc[big_n].infer = big_infer;
		big_desc[big_n].validate = big_validate;
		ret = lf_register_snapshot(&big_desc[big_n]);
		if (ret) {
			while (big_n--)
				lf_unregister_snapshot(&big_desc[big_n]);
			return ret;
		}
	}
	return 0;
}

static void big_stop(void)
{
	while (big_n--)
		lf_unregister_snapshot(&big_desc[big_n]);
}

/* ---- scenario many ----------------------------------------------------- */

static struct lf_snapshot_desc *many_desc;
static unsigned int many_n;

static int many_start(void)
{
	int ret;

	many_desc = kcalloc(n, sizeof(*many_desc), GFP_KERNEL);
	if (!many_desc)
		return -ENOMEM;
	for (many_n = 0; many_n < n; many_n++) {
		rg_desc_init(&many_desc[many_n], "many", many_n + 1, &rg_params[0]);
		ret = lf_register_snapshot(&many_desc[many_n]);
		if (ret) {
			while (many_n--)
				lf_unregister_snapshot(&many_desc[many_n]);
			kfree(many_desc);
			return ret;
		}
	}
	smp_store_release(&r_done, 1);
	return 0;
}

static void many_stop(void)
{
	while (many_n--)
		lf_unregister_snapshot(&many_desc[many_n]);
	kfree(many_desc);
}

static int __init regress_init(void)
{
	if (!strcmp(scenario, "unreg"))
		return rg_start();
	if (!strcmp(scenario, "collect"))
		return col_run();
	if (!strcmp(scenario, "many"))
		return many_start();
	if (!strcmp(scenario, "big"))
		return big_start();
	pr_err("unknown scenario '%s'\n", scenario);
	return -EINVAL;
}

static void __exit regress_exit(void)
{
	if (!strcmp(scenario, "unreg"))
		rg_stop_all();
	else if (!strcmp(scenario, "many"))
		many_stop();
	else if (!strcmp(scenario, "big"))
		big_stop();
}

module_init(regress_init);
module_exit(regress_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow core regression tests (kernel side)");
