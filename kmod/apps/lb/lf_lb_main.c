// SPDX-License-Identifier: GPL-2.0
/*
 * lf_lb_main.c - module init and exit, tunables, model binding and counters
 * of lf_lb.ko (LiteFlow load balancing, see lf_lb.h).
 *
 * Parameters (/sys/module/lf_lb/parameters/; writes need CAP_NET_ADMIN and
 * a bad value is refused with one line in the kernel log naming it):
 *   mode           off | ecmp | flowlet | nn | user
 *   npaths         number of paths, 2..8 (path i: mark mark_base + i)
 *   mark_base      mark of path 0 (hex or decimal), inside mark_mask
 *   mark_mask      bits of skb->mark lf_lb writes
 *   flowlet_us     mode flowlet: a gap this long starts a flowlet
 *   nn_flowlet_us  mode nn: re-query at gaps this long (0: once per flow)
 *   default_path   mode user: the path until the answer arrives
 *   idle_ms        a flow idle this long has ended
 *   max_flows      most tracked flows; SYNs beyond are counted in "full"
 *   model          lf_core model of the MLP (40 inputs, 8 outputs)
 *   netns          write "attach" / "detach" from inside a network
 *                  namespace; reads the number of attached namespaces
 *   path_state     write "down N" / "up N"; reads one line per path
 *   stats          counters (read-only); tracked: flows now
 * The model is bound by lf_core's lf_binding (lf_bind.h): in process context,
 * retried every second while it is missing, published with RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include "lf_lb.h"

struct lf_lb_pcpu __percpu *lf_lb_stats;

struct lf_lb_tun lf_lb_tun = {
	.mode = LF_LB_OFF,
	.npaths = 2,
	.mark_base = 0x4c00,
	.mark_mask = 0xff00 | 0xff,
	.flowlet_us = 500,
	.nn_flowlet_us = 0,
	.default_path = 0,
	.idle_ms = 10000,
	.max_flows = 65536,
	.label_bytes = 100000,
};

static const char * const lf_lb_mode_name[LF_LB_NMODE] = {
	"off", "ecmp", "flowlet", "nn", "user",
};

static DEFINE_MUTEX(lf_lb_mark_lock);
static LF_BINDING(lf_lb_binding, "lf_lb", "lbmlp", LF_LB_N_IN, LF_LB_N_IN,
		  LF_LB_N_OUT, LF_LB_N_OUT);

struct lf_bound *lf_lb_model_rcu(void)
{
	return lf_binding_deref(&lf_lb_binding);
}

static int lf_lb_admin(const struct kernel_param *kp)
{
	if (capable(CAP_NET_ADMIN))
		return 0;
	pr_err("%s: CAP_NET_ADMIN required\n", kp->name);
	return -EPERM;
}

static int lf_lb_model_set(const char *val, const struct kernel_param *kp)
{
	int ret = lf_lb_admin(kp);

	if (ret)
		return ret;
	return lf_binding_set(&lf_lb_binding, val);
}

static int lf_lb_model_get(char *buf, const struct kernel_param *kp)
{
	return lf_binding_show(&lf_lb_binding, buf);
}

static const struct kernel_param_ops lf_lb_model_ops = {
	.set = lf_lb_model_set,
	.get = lf_lb_model_get,
};
module_param_cb(model, &lf_lb_model_ops, NULL, 0644);
MODULE_PARM_DESC(model, "lf_core model of the path-scoring MLP (empty: none)");

static int lf_lb_mode_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n");
	int i, ret = lf_lb_admin(kp);

	if (ret)
		return ret;
	for (i = 0; i < LF_LB_NMODE; i++)
		if (len == strlen(lf_lb_mode_name[i]) &&
		    !strncmp(val, lf_lb_mode_name[i], len)) {
			WRITE_ONCE(lf_lb_tun.mode, i);
			return 0;
		}
	pr_err("mode '%.*s': want off, ecmp, flowlet, nn or user\n", (int)len, val);
	return -EINVAL;
}

static int lf_lb_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", lf_lb_mode_name[READ_ONCE(lf_lb_tun.mode)]);
}

static const struct kernel_param_ops lf_lb_mode_ops = {
	.set = lf_lb_mode_set,
	.get = lf_lb_mode_get,
};
module_param_cb(mode, &lf_lb_mode_ops, NULL, 0644);
MODULE_PARM_DESC(mode, "off | ecmp | flowlet | nn | user");

/* the marks of paths 0..npaths-1 fit in the mask */
static bool lf_lb_marks_fit(u32 base, u32 mask, u32 n)
{
	return !(base & ~mask) && !((base + n - 1) & ~mask) && base + n - 1 >= base;
}

static int lf_lb_uint_set(const char *val, const struct kernel_param *kp)
{
	u32 v, *p = kp->arg, lo = 1, hi = 1U << 22;
	int ret = lf_lb_admin(kp);

	if (ret)
		return ret;
	if (p == &lf_lb_tun.npaths) {
		lo = 2;
		hi = LF_LB_PATHS_MAX;
	} else if (p == &lf_lb_tun.default_path) {
		lo = 0;
		hi = LF_LB_PATHS_MAX - 1;
	} else if (p == &lf_lb_tun.flowlet_us) {
		lo = 10;
		hi = 1000000;
	} else if (p == &lf_lb_tun.nn_flowlet_us) {
		lo = 0;
		hi = 1000000;
	} else if (p == &lf_lb_tun.idle_ms) {
		hi = 3600000;
	} else if (p == &lf_lb_tun.label_bytes) {
		lo = 0;
		hi = 1U << 30;
	} else if (p == &lf_lb_tun.mark_base || p == &lf_lb_tun.mark_mask) {
		lo = p == &lf_lb_tun.mark_base ? 0 : 1;
		hi = U32_MAX;
	}
	if (kstrtou32(val, 0, &v) || v < lo || v > hi) {
		pr_err("%s: '%.*s' is not an integer in %u..%u\n", kp->name,
		       (int)strcspn(val, "\n"), val, lo, hi);
		return -EINVAL;
	}
	mutex_lock(&lf_lb_mark_lock);
	if ((p == &lf_lb_tun.npaths &&
	     !lf_lb_marks_fit(lf_lb_tun.mark_base, lf_lb_tun.mark_mask, v)) ||
	    (p == &lf_lb_tun.mark_base &&
	     !lf_lb_marks_fit(v, lf_lb_tun.mark_mask, lf_lb_tun.npaths)) ||
	    (p == &lf_lb_tun.mark_mask &&
	     !lf_lb_marks_fit(lf_lb_tun.mark_base, v, lf_lb_tun.npaths))) {
		mutex_unlock(&lf_lb_mark_lock);
		pr_err("%s: %#x leaves a path mark (mark_base + path) outside mark_mask\n",
		       kp->name, v);
		return -EINVAL;
	}
	WRITE_ONCE(*p, v);
	mutex_unlock(&lf_lb_mark_lock);
	return 0;
}

static const struct kernel_param_ops lf_lb_uint_ops = {
	.set = lf_lb_uint_set,
	.get = param_get_uint,
};
module_param_cb(npaths, &lf_lb_uint_ops, &lf_lb_tun.npaths, 0644);
MODULE_PARM_DESC(npaths, "number of paths (2..8)");
module_param_cb(mark_base, &lf_lb_uint_ops, &lf_lb_tun.mark_base, 0644);
MODULE_PARM_DESC(mark_base, "packet mark of path 0 (path i: mark_base + i)");
module_param_cb(mark_mask, &lf_lb_uint_ops, &lf_lb_tun.mark_mask, 0644);
MODULE_PARM_DESC(mark_mask, "bits of the packet mark lf_lb owns");
module_param_cb(flowlet_us, &lf_lb_uint_ops, &lf_lb_tun.flowlet_us, 0644);
MODULE_PARM_DESC(flowlet_us, "mode flowlet: flowlet gap (us)");
module_param_cb(nn_flowlet_us, &lf_lb_uint_ops, &lf_lb_tun.nn_flowlet_us, 0644);
MODULE_PARM_DESC(nn_flowlet_us, "mode nn: re-query at gaps this long (us; 0: per flow)");
module_param_cb(default_path, &lf_lb_uint_ops, &lf_lb_tun.default_path, 0644);
MODULE_PARM_DESC(default_path, "mode user: path until the answer");
module_param_cb(idle_ms, &lf_lb_uint_ops, &lf_lb_tun.idle_ms, 0644);
MODULE_PARM_DESC(idle_ms, "idle time after which a flow has ended (ms)");
module_param_cb(max_flows, &lf_lb_uint_ops, &lf_lb_tun.max_flows, 0644);
MODULE_PARM_DESC(max_flows, "most tracked flows");
module_param_cb(label_bytes, &lf_lb_uint_ops, &lf_lb_tun.label_bytes, 0644);
MODULE_PARM_DESC(label_bytes,
		 "smallest flow (bytes) whose throughput labels its query");

static int lf_lb_netns_set(const char *val, const struct kernel_param *kp)
{
	size_t len = strcspn(val, "\n");
	bool attach;
	int ret;

	if (len == 6 && !strncmp(val, "attach", 6)) {
		attach = true;
	} else if (len == 6 && !strncmp(val, "detach", 6)) {
		attach = false;
	} else {
		pr_err("netns: '%.*s': want attach or detach\n", (int)len, val);
		return -EINVAL;
	}
	ret = lf_lb_attach(attach);
	if (ret == -EPERM)
		pr_err("netns: CAP_NET_ADMIN in the namespace required\n");
	else if (ret)
		pr_err("netns: %s failed (%d)\n", attach ? "attach" : "detach", ret);
	return ret;
}

static int lf_lb_netns_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", lf_lb_attached());
}

static const struct kernel_param_ops lf_lb_netns_ops = {
	.set = lf_lb_netns_set,
	.get = lf_lb_netns_get,
};
module_param_cb(netns, &lf_lb_netns_ops, NULL, 0644);
MODULE_PARM_DESC(netns, "attach | detach the writer's network namespace");

static int lf_lb_path_state_set(const char *val, const struct kernel_param *kp)
{
	char word[8];
	u32 i;
	int ret = lf_lb_admin(kp);

	if (ret)
		return ret;
	if (sscanf(val, "%7s %u", word, &i) != 2 ||
	    (strcmp(word, "up") && strcmp(word, "down")) ||
	    i >= READ_ONCE(lf_lb_tun.npaths)) {
		pr_err("path_state: '%.*s': want 'up N' or 'down N' with N < npaths (%u)\n",
		       (int)strcspn(val, "\n"), val, READ_ONCE(lf_lb_tun.npaths));
		return -EINVAL;
	}
	lf_lb_path_set_down(i, !strcmp(word, "down"), "by hand");
	return 0;
}

static int lf_lb_path_state_get(char *buf, const struct kernel_param *kp)
{
	return lf_lb_path_show(buf);
}

static const struct kernel_param_ops lf_lb_path_state_ops = {
	.set = lf_lb_path_state_set,
	.get = lf_lb_path_state_get,
};
module_param_cb(path_state, &lf_lb_path_state_ops, NULL, 0644);
MODULE_PARM_DESC(path_state, "'up N' | 'down N'; reads one line per path");

static const char * const lf_lb_stat_name[LF_LB_ST_NUM] = {
	"flows", "full", "nomem", "queries", "query_errors", "nomodel",
	"flowlets", "upcalls", "upcall_fail", "answers", "stale", "upcall_us",
	"repaths", "noroute", "end_fin", "end_rst", "end_idle", "end_reuse",
	"labels", "label_drops",
};

static int lf_lb_stats_get(char *buf, const struct kernel_param *kp)
{
	u64 st[LF_LB_ST_NUM] = {};
	int cpu, i, n = 0;

	for_each_possible_cpu(cpu) {
		const struct lf_lb_pcpu *p = per_cpu_ptr(lf_lb_stats, cpu);

		for (i = 0; i < LF_LB_ST_NUM; i++)
			st[i] += p->st[i];
	}
	for (i = 0; i < LF_LB_ST_NUM; i++)
		n += sysfs_emit_at(buf, n, "%s %llu ", lf_lb_stat_name[i], st[i]);
	return n + sysfs_emit_at(buf, n, "tracked %u\n", lf_lb_flow_count());
}

static const struct kernel_param_ops lf_lb_stats_ops = {
	.get = lf_lb_stats_get,
};
module_param_cb(stats, &lf_lb_stats_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "counters: name value pairs on one line");

static int __init lf_lb_init(void)
{
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(lf_lb_stat_name) != LF_LB_ST_NUM);
	lf_lb_stats = alloc_percpu(struct lf_lb_pcpu);
	if (!lf_lb_stats)
		return -ENOMEM;
	ret = lf_lb_flow_init();
	if (ret)
		goto err_stats;
	ret = lf_lb_path_init();
	if (ret)
		goto err_flow;
	lf_binding_start(&lf_lb_binding);
	ret = lf_lb_hook_init();
	if (ret)
		goto err_bind;
	pr_info("mode %s, %u paths, marks %#x.. under %#x, model '%s'\n",
		lf_lb_mode_name[lf_lb_tun.mode], lf_lb_tun.npaths,
		lf_lb_tun.mark_base, lf_lb_tun.mark_mask, lf_lb_binding.name);
	return 0;

err_bind:
	lf_binding_stop(&lf_lb_binding);
	lf_lb_user_exit();
	lf_lb_path_exit();
err_flow:
	lf_lb_flow_exit();
err_stats:
	free_percpu(lf_lb_stats);
	return ret;
}

static void __exit lf_lb_exit(void)
{
	lf_lb_hook_exit();	/* no new packets (waits for running hooks) */
	lf_lb_user_exit();	/* no answers */
	lf_lb_flow_exit();	/* labels of the flows left, while still bound */
	lf_lb_path_exit();
	lf_binding_stop(&lf_lb_binding);
	free_percpu(lf_lb_stats);
}

module_init(lf_lb_init);
module_exit(lf_lb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow load balancing: an MLP picks each flow's path");
