// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_main.c - module init and exit, tunables, model binding and counters
 * of lf_cc.ko.
 *
 * Each algorithm is bound to an lf_core model by name (parameters
 * aurora_model, mocc_model, dummy_model; lf_aurora_user shares Aurora's)
 * through lf_core's lf_binding (lf_bind.h: taken in process context, retried
 * every second while the model is missing, published with RCU, so the
 * datapath never sleeps).  Writing an empty name unbinds: connections fall
 * back to CUBIC, counted.
 *
 *   cat /sys/module/lf_cc/parameters/stats
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include "lf_cc.h"

struct lf_cc_pcpu __percpu *lf_cc_stats;

struct lf_cc_tun lf_cc_tun = {
	.rate_min_kbps = 200,
	.rate_max_mbps = 10000,
	.action_max_milli = 4000,
	.cwnd_gain_pct = 150,
	.ceiling_pct = 200,
	.pace_max_pct = 400,
	.mi_min_pkts = 5,
	.distrust_mis = 8,
	.explore_milli = 0,
	.repin_ms = 0,
	.mocc_w = { 600, 300, 100 },
};

static const char * const lf_cc_algo_name[LF_CC_NALGO] = {
	"lf_aurora", "lf_mocc", "lf_aurora_user", "lf_dummy",
};

/*
 * Each algorithm's model (inputs: Aurora's history, MOCC's plus its weights,
 * the dummy NN any number; outputs: 0 is the action).  lf_aurora_user has no
 * binding of its own: the userspace deployment answers for Aurora's model.
 */
#define LF_CC_AURORA_IN	(LF_CC_HIST * LF_CC_NFEAT)
static struct lf_binding lf_cc_binding[LF_CC_NALGO] = {
	[LF_CC_AURORA] = LF_BINDING_INIT(lf_cc_binding[LF_CC_AURORA], "lf_aurora",
					 "aurora", LF_CC_AURORA_IN, LF_CC_AURORA_IN,
					 1, LF_CC_OUT_MAX),
	[LF_CC_MOCC] = LF_BINDING_INIT(lf_cc_binding[LF_CC_MOCC], "lf_mocc", "mocc",
				       LF_CC_AURORA_IN + LF_CC_NW,
				       LF_CC_AURORA_IN + LF_CC_NW, 1, LF_CC_OUT_MAX),
	[LF_CC_USER] = LF_BINDING_INIT(lf_cc_binding[LF_CC_USER], "lf_aurora_user",
				       "", LF_CC_AURORA_IN, LF_CC_AURORA_IN, 1,
				       LF_CC_OUT_MAX),
	[LF_CC_DUMMY] = LF_BINDING_INIT(lf_cc_binding[LF_CC_DUMMY], "lf_dummy",
					"aurora", 0, LF_CC_IN_MAX, 1, LF_CC_OUT_MAX),
};

struct lf_bound *lf_cc_model_rcu(enum lf_cc_algo a)
{
	return lf_binding_deref(&lf_cc_binding[a == LF_CC_USER ? LF_CC_AURORA : a]);
}

#define LF_CC_MODEL_PARAM(pname, algo)					\
	module_param_cb(pname, &lf_binding_param_ops, &lf_cc_binding[algo], 0644); \
	MODULE_PARM_DESC(pname, "lf_core model of " #algo " (empty: none, CUBIC fallback)")
LF_CC_MODEL_PARAM(aurora_model, LF_CC_AURORA);
LF_CC_MODEL_PARAM(mocc_model, LF_CC_MOCC);
LF_CC_MODEL_PARAM(dummy_model, LF_CC_DUMMY);

/* bounded unsigned tunables */
struct lf_cc_uint {
	unsigned int *p;
	unsigned int lo, hi;
	const char *name;
};

static int lf_cc_uint_set(const char *val, const struct kernel_param *kp)
{
	const struct lf_cc_uint *u = kp->arg;
	int len = strcspn(val, "\n");
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret || v < u->lo || v > u->hi) {
		pr_err("%s: '%.*s' is not an integer in %u..%u\n", u->name,
		       len, val, u->lo, u->hi);
		return ret ?: -ERANGE;
	}
	WRITE_ONCE(*u->p, v);
	return 0;
}

static int lf_cc_uint_get(char *buf, const struct kernel_param *kp)
{
	const struct lf_cc_uint *u = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*u->p));
}

static const struct kernel_param_ops lf_cc_uint_ops = {
	.set = lf_cc_uint_set,
	.get = lf_cc_uint_get,
};

#define LF_CC_UINT(pname, field, lo, hi, desc)				\
	static const struct lf_cc_uint lf_cc_u_##pname = {		\
		&lf_cc_tun.field, lo, hi, #pname };			\
	module_param_cb(pname, &lf_cc_uint_ops, (void *)&lf_cc_u_##pname, 0644); \
	MODULE_PARM_DESC(pname, desc)

LF_CC_UINT(rate_min_kbps, rate_min_kbps, 8, 1000000,
	   "sending rate floor, kbit/s (default 200: a 2 Mbit/s link works)");
LF_CC_UINT(rate_max_mbps, rate_max_mbps, 1, 100000,
	   "sending rate ceiling, Mbit/s");
LF_CC_UINT(action_max_milli, action_max_milli, 1, 100000,
	   "largest |action| applied, 1/1000 (default 4000: rate x1.1 or /1.1 per MI)");
LF_CC_UINT(cwnd_gain_pct, cwnd_gain_pct, 100, 1000,
	   "cwnd = rate x min RTT x gain / 100");
LF_CC_UINT(ceiling_pct, ceiling_pct, 100, 1000,
	   "the rate stays below this % of the best delivery rate of the last 10 MIs");
LF_CC_UINT(pace_max_pct, pace_max_pct, 100, 400,
	   "largest pacing rate / rate when the rate sent falls short of it, %");
LF_CC_UINT(mi_min_pkts, mi_min_pkts, 1, 1000,
	   "a monitor interval lasts at least this many packets at the rate");
LF_CC_UINT(distrust_mis, distrust_mis, 1, 100000,
	   "MIs of a saturated action contradicting the network before the snapshot is distrusted");
LF_CC_UINT(explore_milli, explore_milli, 0, 10000,
	   "exploration noise (std dev, 1/1000 action) while samples are collected");
LF_CC_UINT(repin_ms, repin_ms, 0, 3600000,
	   "move a connection to the active snapshot every N ms (0: stay on the first)");
LF_CC_UINT(mocc_w_thr, mocc_w[0], 0, 1000,
	   "MOCC throughput weight, per mille (connections whose cgroup has none in mocc_weights)");
LF_CC_UINT(mocc_w_lat, mocc_w[1], 0, 1000, "MOCC latency weight, per mille (likewise)");
LF_CC_UINT(mocc_w_loss, mocc_w[2], 0, 1000, "MOCC loss weight, per mille (likewise)");

static const char * const lf_cc_stat_name[LF_CC_ST_NUM] = {
	"conns", "nomem", "mis", "queries", "query_errors", "fallbacks",
	"fallback_mis", "nomodel_mis", "distrusts", "recoveries",
	"action_clamps", "rate_clamps", "samples", "sample_drops", "upcalls",
	"answers", "stale_answers", "upcall_us", "cgroup_weights",
};

static int lf_cc_stats_get(char *buf, const struct kernel_param *kp)
{
	u64 sum[LF_CC_ST_NUM], hist[LF_CC_UPHIST] = {};
	int a, s, cpu, n = 0;

	for (a = 0; a < LF_CC_NALGO; a++) {
		memset(sum, 0, sizeof(sum));
		for_each_possible_cpu(cpu) {
			const struct lf_cc_pcpu *p = per_cpu_ptr(lf_cc_stats, cpu);

			for (s = 0; s < LF_CC_ST_NUM; s++)
				sum[s] += READ_ONCE(p->v[a][s]);
		}
		n += sysfs_emit_at(buf, n, "%s", lf_cc_algo_name[a]);
		for (s = 0; s < LF_CC_ST_NUM; s++)
			n += sysfs_emit_at(buf, n, " %s %llu", lf_cc_stat_name[s],
					   sum[s]);
		n += sysfs_emit_at(buf, n, "\n");
	}
	for_each_possible_cpu(cpu) {
		const struct lf_cc_pcpu *p = per_cpu_ptr(lf_cc_stats, cpu);

		for (s = 0; s < LF_CC_UPHIST; s++)
			hist[s] += READ_ONCE(p->uphist[s]);
	}
	n += sysfs_emit_at(buf, n, "upcall_us_log2");
	for (s = 0; s < LF_CC_UPHIST; s++)
		n += sysfs_emit_at(buf, n, " %llu", hist[s]);
	n += sysfs_emit_at(buf, n, "\n");
	return n;
}

static const struct kernel_param_ops lf_cc_stats_ops = {
	.get = lf_cc_stats_get,
};
module_param_cb(stats, &lf_cc_stats_ops, NULL, 0444);
MODULE_PARM_DESC(stats, "counters: one line per algorithm, then the upcall round-trip histogram (log2 us)");

static struct tcp_congestion_ops *lf_cc_all[] = {
	&lf_cc_aurora_ops, &lf_cc_mocc_ops, &lf_cc_user_ops, &lf_cc_dummy_ops,
};

static int __init lf_cc_init(void)
{
	int i, ret;

	BUILD_BUG_ON(ARRAY_SIZE(lf_cc_all) != LF_CC_NALGO);
	lf_cc_stats = alloc_percpu(struct lf_cc_pcpu);
	if (!lf_cc_stats)
		return -ENOMEM;
	for (i = 0; i < LF_CC_NALGO; i++)
		lf_binding_start(&lf_cc_binding[i]);

	ret = lf_cc_dummy_setup();
	if (ret)
		goto err_bind;
	for (i = 0; i < LF_CC_NALGO; i++) {
		ret = tcp_register_congestion_control(lf_cc_all[i]);
		if (ret) {
			pr_err("cannot register %s: %d\n", lf_cc_all[i]->name, ret);
			goto err_reg;
		}
	}
	return 0;

err_reg:
	while (--i >= 0)
		tcp_unregister_congestion_control(lf_cc_all[i]);
	lf_cc_user_exit();
	lf_cc_dummy_cleanup();
err_bind:
	for (i = 0; i < LF_CC_NALGO; i++)
		lf_binding_stop(&lf_cc_binding[i]);
	free_percpu(lf_cc_stats);
	return ret;
}

static void __exit lf_cc_exit(void)
{
	int i;

	/*
	 * Every connection holds a reference on this module (tcp_cong.c), so
	 * none is left here; unregistering waits for a grace period.
	 */
	for (i = 0; i < LF_CC_NALGO; i++)
		tcp_unregister_congestion_control(lf_cc_all[i]);
	lf_cc_user_exit();
	lf_cc_dummy_cleanup();
	for (i = 0; i < LF_CC_NALGO; i++)
		lf_binding_stop(&lf_cc_binding[i]);
	rcu_barrier();		/* kfree_rcu of connection states and tables */
	lf_cc_mocc_exit();
	free_percpu(lf_cc_stats);
}

module_init(lf_cc_init);
module_exit(lf_cc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow TCP congestion control: Aurora, MOCC and a dummy NN on lf_core");
MODULE_ALIAS("tcp_lf_aurora");
MODULE_ALIAS("tcp_lf_mocc");
MODULE_ALIAS("tcp_lf_aurora_user");
MODULE_ALIAS("tcp_lf_dummy");
