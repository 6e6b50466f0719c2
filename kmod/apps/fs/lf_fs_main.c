// SPDX-License-Identifier: GPL-2.0
/*
 * lf_fs_main.c - module init and exit, tunables, model binding and counters
 * of lf_fs.ko (LiteFlow flow scheduling, see lf_fs.h).
 *
 * Parameters (/sys/module/lf_fs/parameters/, writable at run time by root):
 *   mode           off | pias | nn | user
 *   thresholds     class boundaries in bytes, increasing, comma-separated
 *                  (N thresholds: N + 1 classes, N <= 6: DSCP CS1..CS7)
 *   default_class  class of a flow before (or without) a prediction
 *   idle_ms        a flow idle this long has ended (its label is sent)
 *   max_flows      most tracked flows; SYNs beyond are counted in "full"
 *   model          lf_core model of the predictor (4 inputs, >= 1 output)
 *   stats          counters (read-only); flows: tracked flows now
 * The model is bound in process context (load, parameter write, or a retry
 * every second while it is missing) and published with RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "lf_fs.h"

struct lf_fs_pcpu __percpu *lf_fs_stats;

struct lf_fs_tun lf_fs_tun = {
	.mode = LF_FS_NN,
	.nthr = 3,
	.thr = { 20000, 200000, 2000000 },
	.default_class = 0,
	.idle_ms = 10000,
	.max_flows = 65536,
};

static const char * const lf_fs_mode_name[LF_FS_NMODE] = {
	"off", "pias", "nn", "user",
};

static DEFINE_MUTEX(lf_fs_bind_lock);
static char lf_fs_model_name[LF_NAME_MAX] = "ffnn";
static struct lf_fs_model __rcu *lf_fs_bound;
static bool lf_fs_live;
static struct delayed_work lf_fs_bind_work;

struct lf_fs_model *lf_fs_model_rcu(void)
{
	return rcu_dereference(lf_fs_bound);
}

static void lf_fs_model_free(struct lf_fs_model *b)
{
	if (!b)
		return;
	lf_model_put(b->m);
	kfree(b);
}

/* unpublish the binding and free it when no reader can see it */
static void lf_fs_unbind(void)
{
	struct lf_fs_model *old;

	old = rcu_dereference_protected(lf_fs_bound,
					lockdep_is_held(&lf_fs_bind_lock));
	RCU_INIT_POINTER(lf_fs_bound, NULL);
	if (old) {
		synchronize_rcu();
		lf_fs_model_free(old);
	}
}

/*
 * Bind to the named model.  lf_fs_bind_lock held, nothing bound.
 * Return: true if bound or not worth retrying (no name, a wrong shape).
 */
static bool lf_fs_bind(void)
{
	struct lf_model_info info;
	s8 out_frac[LF_IO_MAX];
	struct lf_fs_model *b;
	struct lf_model *m;

	if (!lf_fs_model_name[0])
		return true;
	m = lf_model_get(lf_fs_model_name);
	if (!m)
		return false;
	lf_model_info(m, &info);
	if (info.n_in != LF_FS_N_IN || info.n_out < 1 || info.n_out > LF_FS_OUT_MAX) {
		pr_err("model %s has %u inputs and %u outputs, want %d and 1..%d\n",
		       lf_fs_model_name, info.n_in, info.n_out, LF_FS_N_IN,
		       LF_FS_OUT_MAX);
		lf_model_put(m);
		return true;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		lf_model_put(m);
		return false;
	}
	b->m = m;
	if (lf_model_formats(m, b->in_frac, LF_FS_N_IN, out_frac, info.n_out)) {
		lf_fs_model_free(b);
		return false;
	}
	b->out_frac = out_frac[0];
	pr_info("bound to model %s (in_frac %d %d %d %d, out_frac %d)\n",
		lf_fs_model_name, b->in_frac[0], b->in_frac[1], b->in_frac[2],
		b->in_frac[3], b->out_frac);
	rcu_assign_pointer(lf_fs_bound, b);
	return true;
}

static void lf_fs_bind_retry(struct work_struct *w)
{
	mutex_lock(&lf_fs_bind_lock);
	if (lf_fs_live && !rcu_access_pointer(lf_fs_bound) && !lf_fs_bind())
		schedule_delayed_work(&lf_fs_bind_work, HZ);
	mutex_unlock(&lf_fs_bind_lock);
}

static int lf_fs_model_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n");

	if (len >= LF_NAME_MAX) {
		pr_err("model name '%.*s' longer than %d bytes\n", (int)len, val,
		       LF_NAME_MAX - 1);
		return -EINVAL;
	}
	mutex_lock(&lf_fs_bind_lock);
	memcpy(lf_fs_model_name, val, len);
	lf_fs_model_name[len] = 0;
	if (lf_fs_live) {
		lf_fs_unbind();
		if (!lf_fs_bind())
			schedule_delayed_work(&lf_fs_bind_work, HZ);
	}
	mutex_unlock(&lf_fs_bind_lock);
	return 0;
}

static int lf_fs_model_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&lf_fs_bind_lock);
	n = sysfs_emit(buf, "%s\n", lf_fs_model_name);
	mutex_unlock(&lf_fs_bind_lock);
	return n;
}

static const struct kernel_param_ops lf_fs_model_ops = {
	.set = lf_fs_model_set,
	.get = lf_fs_model_get,
};
module_param_cb(model, &lf_fs_model_ops, NULL, 0644);
MODULE_PARM_DESC(model, "lf_core model of the flow-size predictor (empty: none)");

static int lf_fs_mode_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n");
	int i;

	for (i = 0; i < LF_FS_NMODE; i++)
		if (len == strlen(lf_fs_mode_name[i]) &&
		    !strncmp(val, lf_fs_mode_name[i], len)) {
			WRITE_ONCE(lf_fs_tun.mode, i);
			return 0;
		}
	pr_err("mode '%.*s': want off, pias, nn or user\n", (int)len, val);
	return -EINVAL;
}

static int lf_fs_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", lf_fs_mode_name[READ_ONCE(lf_fs_tun.mode)]);
}

static const struct kernel_param_ops lf_fs_mode_ops = {
	.set = lf_fs_mode_set,
	.get = lf_fs_mode_get,
};
module_param_cb(mode, &lf_fs_mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "off | pias | nn | user");

static int lf_fs_thr_set(const char *val, const struct kernel_param *kp)
{
	u64 thr[LF_FS_NCLASS_MAX - 1];
	char buf[256], *p, *tok;
	u32 n = 0, i;

	if (strscpy(buf, val, sizeof(buf)) < 0) {
		pr_err("thresholds: longer than %zu bytes\n", sizeof(buf) - 1);
		return -EINVAL;
	}
	p = strim(buf);
	while ((tok = strsep(&p, ",")) != NULL) {
		if (n == ARRAY_SIZE(thr)) {
			pr_err("thresholds: more than %zu\n", ARRAY_SIZE(thr));
			return -EINVAL;
		}
		if (kstrtou64(strim(tok), 10, &thr[n]) || !thr[n] ||
		    (n && thr[n] <= thr[n - 1])) {
			pr_err("thresholds: '%s' (number %u) is not a byte count above the previous one\n",
			       tok, n + 1);
			return -EINVAL;
		}
		n++;
	}
	/* readers may see a mix for a moment: classes stay in range */
	for (i = 0; i < n; i++)
		WRITE_ONCE(lf_fs_tun.thr[i], thr[i]);
	WRITE_ONCE(lf_fs_tun.nthr, n);
	return 0;
}

static int lf_fs_thr_get(char *buf, const struct kernel_param *kp)
{
	int i, n = 0;

	for (i = 0; i < lf_fs_tun.nthr; i++)
		n += sysfs_emit_at(buf, n, "%s%llu", i ? "," : "", lf_fs_tun.thr[i]);
	return n + sysfs_emit_at(buf, n, "\n");
}

static const struct kernel_param_ops lf_fs_thr_ops = {
	.set = lf_fs_thr_set,
	.get = lf_fs_thr_get,
};
module_param_cb(thresholds, &lf_fs_thr_ops, NULL, 0644);
MODULE_PARM_DESC(thresholds, "class boundaries in bytes, increasing (at most 6)");

static int lf_fs_uint_set(const char *val, const struct kernel_param *kp)
{
	u32 v, *p = kp->arg;
	u32 lo = p == &lf_fs_tun.default_class ? 0 : 1;
	u32 hi = p == &lf_fs_tun.default_class ? LF_FS_NCLASS_MAX - 1 :
		 p == &lf_fs_tun.idle_ms ? 3600000 : 1U << 22;

	if (kstrtou32(val, 0, &v) || v < lo || v > hi) {
		pr_err("%s: '%.*s' is not an integer in %u..%u\n", kp->name,
		       (int)strcspn(val, "\n"), val, lo, hi);
		return -EINVAL;
	}
	WRITE_ONCE(*p, v);
	return 0;
}

static const struct kernel_param_ops lf_fs_uint_ops = {
	.set = lf_fs_uint_set,
	.get = param_get_uint,
};
module_param_cb(default_class, &lf_fs_uint_ops, &lf_fs_tun.default_class, 0644);
MODULE_PARM_DESC(default_class, "class before a prediction (0: highest)");
module_param_cb(idle_ms, &lf_fs_uint_ops, &lf_fs_tun.idle_ms, 0644);
MODULE_PARM_DESC(idle_ms, "idle time after which a flow has ended (ms)");
module_param_cb(max_flows, &lf_fs_uint_ops, &lf_fs_tun.max_flows, 0644);
MODULE_PARM_DESC(max_flows, "most tracked flows");

static const char * const lf_fs_stat_name[LF_FS_ST_NUM] = {
	"flows", "full", "nomem", "queries", "query_errors", "nomodel",
	"upcalls", "upcall_fail", "answers", "stale", "upcall_us",
	"demotions", "end_fin", "end_rst", "end_idle", "end_reuse",
	"labels", "label_drops", "abs_err_q8",
};

static int lf_fs_stats_get(char *buf, const struct kernel_param *kp)
{
	u64 st[LF_FS_ST_NUM] = {}, pk[LF_FS_NCLASS_MAX] = {};
	int cpu, i, n = 0;

	for_each_possible_cpu(cpu) {
		const struct lf_fs_pcpu *p = per_cpu_ptr(lf_fs_stats, cpu);

		for (i = 0; i < LF_FS_ST_NUM; i++)
			st[i] += p->st[i];
		for (i = 0; i < LF_FS_NCLASS_MAX; i++)
			pk[i] += p->pkts[i];
	}
	for (i = 0; i < LF_FS_ST_NUM; i++)
		n += sysfs_emit_at(buf, n, "%s %llu ", lf_fs_stat_name[i], st[i]);
	n += sysfs_emit_at(buf, n, "tracked %u", lf_fs_flow_count());
	for (i = 0; i < LF_FS_NCLASS_MAX; i++)
		n += sysfs_emit_at(buf, n, " pkts%d %llu", i, pk[i]);
	return n + sysfs_emit_at(buf, n, "\n");
}

static const struct kernel_param_ops lf_fs_stats_ops = {
	.get = lf_fs_stats_get,
};
module_param_cb(stats, &lf_fs_stats_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "counters: name value pairs on one line");

static int __init lf_fs_init(void)
{
	int ret;

	lf_fs_stats = alloc_percpu(struct lf_fs_pcpu);
	if (!lf_fs_stats)
		return -ENOMEM;
	ret = lf_fs_flow_init();
	if (ret)
		goto err_stats;
	INIT_DELAYED_WORK(&lf_fs_bind_work, lf_fs_bind_retry);
	mutex_lock(&lf_fs_bind_lock);
	lf_fs_live = true;
	if (!lf_fs_bind())
		schedule_delayed_work(&lf_fs_bind_work, HZ);
	mutex_unlock(&lf_fs_bind_lock);
	ret = lf_fs_hook_init();
	if (ret)
		goto err_bind;
	pr_info("mode %s, %u classes, model '%s'\n",
		lf_fs_mode_name[lf_fs_tun.mode], lf_fs_tun.nthr + 1, lf_fs_model_name);
	return 0;

err_bind:
	mutex_lock(&lf_fs_bind_lock);
	lf_fs_live = false;
	mutex_unlock(&lf_fs_bind_lock);
	cancel_delayed_work_sync(&lf_fs_bind_work);
	mutex_lock(&lf_fs_bind_lock);
	lf_fs_unbind();
	mutex_unlock(&lf_fs_bind_lock);
	lf_fs_user_exit();
	lf_fs_flow_exit();
err_stats:
	free_percpu(lf_fs_stats);
	return ret;
}

static void __exit lf_fs_exit(void)
{
	lf_fs_hook_exit();	/* no new packets (waits for running hooks) */
	lf_fs_user_exit();	/* no answers */
	mutex_lock(&lf_fs_bind_lock);
	lf_fs_live = false;
	mutex_unlock(&lf_fs_bind_lock);
	cancel_delayed_work_sync(&lf_fs_bind_work);
	lf_fs_flow_exit();
	mutex_lock(&lf_fs_bind_lock);
	lf_fs_unbind();
	mutex_unlock(&lf_fs_bind_lock);
	free_percpu(lf_fs_stats);
}

module_init(lf_fs_init);
module_exit(lf_fs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow flow scheduling: FFNN flow-size prediction to priority classes");
