// SPDX-License-Identifier: GPL-2.0
/*
 * lf_bench.c - cost of an inference (a bench, not a test):
 *  - direct: the lin snapshot function called through a function pointer,
 *    as a datapath module linked to one fixed snapshot would call it;
 *  - router: lf_query_model() on model @model (flow cache hits, @keys keys);
 *  - batch: lf_query_model_batch() on the same model, BENCH_BATCH queries
 *    per call (one router lookup and one FPU section per call);
 *  - upcall: a kernel -> userspace -> kernel round trip.  The module sends
 *    the inputs on generic netlink family "lf_bench", multicast group "req";
 *    test/vm/lf_bench_user computes the same function (lf_snap_lin.h, V1
 *    weights) and answers with LF_BENCH_CMD_REPLY; the kthread waits for the
 *    answer and checks it.
 * Results are read-only parameters in picoseconds (ps) per query.
 *
 * Built with -DLF_BENCH_SNAP (examples/aurora/build.sh: lf_bench_aurora.ko)
 * the function is a generated snapshot's instead: its C (NAME.c) is linked
 * into this module and lf_snap_sel.h names it (LF_SEL_*); the inputs are
 * @base (raw integers, n_in of them) plus a small per-iteration offset, and
 * lf_bench_user is built against the same NAME.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/timekeeping.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <net/genetlink.h>
#include "lf_core.h"
#ifdef LF_BENCH_SNAP
#include "lf_snap_sel.h"
#define B_IN LF_SEL_N_IN
#define B_OUT LF_SEL_N_OUT
#define b_params LF_SEL_PARAMS
static unsigned long long r_scalar_ps;
module_param(r_scalar_ps, ullong, 0444);
#ifdef LF_BENCH_AVX2_OBJ
/*
 * The package also builds NAME_avx2.c (-mavx2) and its glue registers a
 * dispatcher: AVX2 inside kernel_fpu_begin/end when usable, else scalar.
 * The same dispatch here, so "direct" runs exactly what the router runs.
 */
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
static bool b_avx2;
static int b_compute(const void *p, const s32 *in, s32 *out)
{
	int ret;

	if (!b_avx2 || !irq_fpu_usable())
		return LF_SEL_INFER(p, in, out);
	kernel_fpu_begin();
	ret = LF_SEL_INFER_AVX2(p, in, out);
	kernel_fpu_end();
	return ret;
}
#else
#define b_compute(p, in, out) LF_SEL_INFER(p, in, out)
#endif
static int base[LF_SEL_N_IN];
static unsigned int n_base;
module_param_array(base, int, &n_base, 0444);

/* base[k] plus an offset in [-512, 511] that changes with i */
static void b_input(unsigned int i, s32 *in)
{
	unsigned int k;

	for (k = 0; k < B_IN; k++)
		in[k] = base[k] + (s32)(((i + 1) * 2654435761u + k * 40503u) >> 22) - 512;
}
#else
#include "lf_snap_lin.h"
#define B_IN LIN_IN
#define B_OUT LIN_OUT
static const struct lf_lin_params bench_params = LIN_PARAMS_V1;
#define b_params bench_params
#define b_compute(p, in, out) lf_lin_compute(p, in, out)
#endif

enum { LF_BENCH_A_UNSPEC, LF_BENCH_A_INPUTS, LF_BENCH_A_OUTPUTS, LF_BENCH_A_SEQ,
       __LF_BENCH_A_MAX };
#define LF_BENCH_A_MAX (__LF_BENCH_A_MAX - 1)
enum { LF_BENCH_CMD_UNSPEC, LF_BENCH_CMD_REQ, LF_BENCH_CMD_REPLY,
       LF_BENCH_CMD_DONE, __LF_BENCH_CMD_MAX };

static char *model = "lin";
module_param(model, charp, 0444);
static unsigned int iters = 500000;
module_param(iters, uint, 0444);
static unsigned int rt_iters = 2000;
module_param(rt_iters, uint, 0444);
static unsigned int keys = 64;
module_param(keys, uint, 0444);
static unsigned int rounds = 3;
module_param(rounds, uint, 0444);

static unsigned long long r_direct_ps, r_router_ps, r_upcall_ps, r_batch_ps;
module_param(r_batch_ps, ullong, 0444);
/* direct call on a kvmalloc'd copy of the weights, as lf_core keeps them */
static unsigned long long r_direct_copy_ps;
module_param(r_direct_copy_ps, ullong, 0444);
static unsigned int r_upcall_done, r_upcall_errors, r_upcall_count;
module_param(r_direct_ps, ullong, 0444);
module_param(r_router_ps, ullong, 0444);
module_param(r_upcall_ps, ullong, 0444);
module_param(r_upcall_done, uint, 0444);
module_param(r_upcall_errors, uint, 0444);
module_param(r_upcall_count, uint, 0444);

static struct lf_model *lf_m;
static struct task_struct *upcall_task;
static DECLARE_COMPLETION(rt_reply);
static DEFINE_SPINLOCK(rt_lock);
static u32 rt_seq;
static s32 rt_out[B_OUT];
static struct genl_family bench_family;

static int bench_infer(const void *params, const s32 *in, s32 *out)
{
	return b_compute(params, in, out);
}

static int (*volatile bench_fp)(const void *, const s32 *, s32 *) = bench_infer;
#ifdef LF_BENCH_SNAP
static int (*volatile scalar_fp)(const void *, const s32 *, s32 *) = LF_SEL_INFER;
#endif

static int bench_reply(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[LF_BENCH_A_OUTPUTS] || !info->attrs[LF_BENCH_A_SEQ] ||
	    nla_len(info->attrs[LF_BENCH_A_OUTPUTS]) != sizeof(rt_out))
		return -EINVAL;
	spin_lock_bh(&rt_lock);
	memcpy(rt_out, nla_data(info->attrs[LF_BENCH_A_OUTPUTS]), sizeof(rt_out));
	rt_seq = nla_get_u32(info->attrs[LF_BENCH_A_SEQ]);
	spin_unlock_bh(&rt_lock);
	complete(&rt_reply);
	return 0;
}

static const struct nla_policy bench_policy[LF_BENCH_A_MAX + 1] = {
	[LF_BENCH_A_OUTPUTS] = { .type = NLA_BINARY, .len = sizeof(rt_out) },
	[LF_BENCH_A_SEQ] = { .type = NLA_U32 },
};

static const struct genl_ops bench_ops[] = {
	{ .cmd = LF_BENCH_CMD_REPLY, .doit = bench_reply, .flags = GENL_ADMIN_PERM },
};

static const struct genl_multicast_group bench_mcgrps[] = {
	{ .name = "req" },
};

static struct genl_family bench_family = {
	.name = "lf_bench",
	.version = 1,
	.maxattr = LF_BENCH_A_MAX,
	.policy = bench_policy,
	.module = THIS_MODULE,
	.ops = bench_ops,
	.n_ops = ARRAY_SIZE(bench_ops),
	.resv_start_op = __LF_BENCH_CMD_MAX,
	.mcgrps = bench_mcgrps,
	.n_mcgrps = ARRAY_SIZE(bench_mcgrps),
};

static int bench_send(u8 cmd, u32 seq, const s32 *in)
{
	struct sk_buff *skb = genlmsg_new(64 + B_IN * sizeof(s32), GFP_KERNEL);
	void *hdr;

	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &bench_family, 0, cmd);
	if (!hdr || nla_put_u32(skb, LF_BENCH_A_SEQ, seq) ||
	    (in && nla_put(skb, LF_BENCH_A_INPUTS, B_IN * sizeof(s32), in))) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_multicast(&bench_family, skb, 0, 0, GFP_KERNEL);
}

static int upcall_fn(void *arg)
{
	s32 in[B_IN], want[B_OUT], got[B_OUT];
	u64 total = 0;
	unsigned int i, n = 0, waited;
	u32 seq;

	for (waited = 0; waited < 300 && !kthread_should_stop(); waited++) {
		if (genl_has_listeners(&bench_family, &init_net, 0))
			break;
		msleep(100);
	}
	for (i = 0; i < rt_iters && !kthread_should_stop(); i++) {
		u64 t0;

#ifdef LF_BENCH_SNAP
		b_input(i, in);
#else
		in[0] = i;
		in[1] = -(s32)i * 3;
		in[2] = 77;
		in[3] = i & 255;
#endif
		b_compute(&b_params, in, want);
		reinit_completion(&rt_reply);
		t0 = ktime_get_ns();
		if (bench_send(LF_BENCH_CMD_REQ, i, in) ||
		    !wait_for_completion_timeout(&rt_reply, HZ)) {
			r_upcall_errors++;
			continue;
		}
		total += ktime_get_ns() - t0;
		spin_lock_bh(&rt_lock);
		seq = rt_seq;
		memcpy(got, rt_out, sizeof(got));
		spin_unlock_bh(&rt_lock);
		if (seq != i || memcmp(got, want, sizeof(got)))
			r_upcall_errors++;
		n++;
	}
	bench_send(LF_BENCH_CMD_DONE, 0, NULL);
	r_upcall_count = n;
	r_upcall_ps = n ? div64_u64(total * 1000, n) : 0;
	pr_info("upcall round trip: %llu ps/query over %u, errors %u\n",
		r_upcall_ps, n, r_upcall_errors);
	smp_store_release(&r_upcall_done, 1);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static u64 bench_loop(int mode, const void *params)
{
#ifdef LF_BENCH_SNAP
	s32 in[B_IN], out[B_OUT];
#else
	s32 in[LIN_IN] = { 256, -128, 64, 32 }, out[LIN_OUT];
#endif
	u64 t0, sink = 0;
	unsigned int i;

	t0 = ktime_get_ns();
	for (i = 0; i < iters; i++) {
#ifdef LF_BENCH_SNAP
		b_input(i, in);
#else
		in[0] = i;
#endif
		if (mode == 1)
			lf_query_model(lf_m, i % keys, in, out);
#ifdef LF_BENCH_SNAP
		else if (mode == 2)
			scalar_fp(params, in, out);
#endif
		else
			bench_fp(params, in, out);
		sink += out[0];
		if (!(i & 4095))
			cond_resched();
	}
	t0 = ktime_get_ns() - t0;
	barrier_data(&sink);
	return div64_u64(t0 * 1000, max(iters, 1U));
}

#define BENCH_BATCH 32

/* lf_query_model_batch(): BENCH_BATCH rows per call, same inputs as above */
static u64 bench_batch(void)
{
	static s32 in[BENCH_BATCH * B_IN], out[BENCH_BATCH * B_OUT];
	unsigned int i, j, n = 0;
	u64 t0, sink = 0;

	t0 = ktime_get_ns();
	for (i = 0; i < iters; i += BENCH_BATCH) {
		for (j = 0; j < BENCH_BATCH; j++) {
#ifdef LF_BENCH_SNAP
			b_input(i + j, in + j * B_IN);
#else
			s32 *r = in + j * B_IN;

			r[0] = i + j;
			r[1] = -128;
			r[2] = 64;
			r[3] = 32;
#endif
		}
		lf_query_model_batch(lf_m, i % keys, in, out, BENCH_BATCH);
		sink += out[0];
		n += BENCH_BATCH;
		if (!(i & 4095))
			cond_resched();
	}
	t0 = ktime_get_ns() - t0;
	barrier_data(&sink);
	return div64_u64(t0 * 1000, max(n, 1U));
}

static int __init bench_init(void)
{
	unsigned int i;
	void *copy;
	int ret;

	lf_m = lf_model_get(model);
	if (!lf_m) {
		pr_err("no model %s\n", model);
		return -ENOENT;
	}
	/* warm up the flow cache and the code, then measure */
	copy = kvmalloc(sizeof(b_params), GFP_KERNEL);
	if (!copy) {
		lf_model_put(lf_m);
		return -ENOMEM;
	}
	memcpy(copy, &b_params, sizeof(b_params));
#ifdef LF_BENCH_AVX2_OBJ
	b_avx2 = boot_cpu_has(X86_FEATURE_AVX2) &&
		cpu_has_xfeatures(XFEATURE_MASK_SSE | XFEATURE_MASK_YMM, NULL);
#endif
	bench_loop(1, NULL);
	bench_loop(0, &b_params);
	bench_loop(0, copy);
	/* interleaved rounds, best of each: robust against a noisy host (TCG) */
	r_direct_ps = r_direct_copy_ps = r_router_ps = r_batch_ps = ULLONG_MAX;
	bench_batch();
	for (i = 0; i < rounds; i++) {
		r_direct_ps = min(r_direct_ps, bench_loop(0, &b_params));
		r_direct_copy_ps = min(r_direct_copy_ps, bench_loop(0, copy));
		r_router_ps = min(r_router_ps, bench_loop(1, NULL));
		r_batch_ps = min(r_batch_ps, bench_batch());
	}
#ifdef LF_BENCH_SNAP
	r_scalar_ps = bench_loop(2, copy);
#endif
	kvfree(copy);
	pr_info("direct %llu ps/query (weights copy %llu), router %llu ps/query, batch %llu ps/query (%u iterations)\n",
		r_direct_ps, r_direct_copy_ps, r_router_ps, r_batch_ps, iters);

	ret = genl_register_family(&bench_family);
	if (ret)
		goto err_put;
	upcall_task = kthread_run(upcall_fn, NULL, "lf_bench_rt");
	if (IS_ERR(upcall_task)) {
		ret = PTR_ERR(upcall_task);
		goto err_unreg;
	}
	return 0;
err_unreg:
	genl_unregister_family(&bench_family);
err_put:
	lf_model_put(lf_m);
	return ret;
}

static void __exit bench_exit(void)
{
	kthread_stop(upcall_task);
	genl_unregister_family(&bench_family);
	lf_model_put(lf_m);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow router and upcall benchmark");
