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
 * The model is bound by lf_core's lf_binding (lf_bind.h): in process context,
 * retried every second while it is missing, published with RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
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

static LF_BINDING(lf_fs_binding, "lf_fs", "ffnn", LF_FS_N_IN, LF_FS_N_IN, 1,
		  LF_FS_OUT_MAX);

struct lf_bound *lf_fs_model_rcu(void)
{
	return lf_binding_deref(&lf_fs_binding);
}

module_param_cb(model, &lf_binding_param_ops, &lf_fs_binding, 0644);
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
	lf_binding_start(&lf_fs_binding);
	ret = lf_fs_hook_init();
	if (ret)
		goto err_bind;
	pr_info("mode %s, %u classes, model '%s'\n",
		lf_fs_mode_name[lf_fs_tun.mode], lf_fs_tun.nthr + 1,
		lf_fs_binding.name);
	return 0;

err_bind:
	lf_binding_stop(&lf_fs_binding);
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
	lf_fs_flow_exit();	/* labels of the flows left, while still bound */
	lf_binding_stop(&lf_fs_binding);
	free_percpu(lf_fs_stats);
}

module_init(lf_fs_init);
module_exit(lf_fs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow flow scheduling: FFNN flow-size prediction to priority classes");
