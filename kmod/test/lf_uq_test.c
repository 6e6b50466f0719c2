// SPDX-License-Identifier: GPL-2.0
/*
 * lf_uq_test.c - ask userspace for a model's answers, as a datapath module's
 * userspace deployment does: lf_model_get(@model), then one lf_user_query()
 * per row of @in (raw integers in the model's input formats, n_in a row) at
 * load time and whenever a number is written to @fire.  Answers land in the
 * read-only parameter @out (n_out a row, the row's latest answer); @r_sent
 * counts the queries sent, @r_answered the answers received, @r_rc is the
 * first non-zero return code of lf_user_query().  Unloading cancels the
 * queries still waiting (lf_user_cancel()).
 *
 *   insmod lf_uq_test.ko model=aurora in=1,2,3,...
 *   cat /sys/module/lf_uq_test/parameters/out
 *   echo 1 > /sys/module/lf_uq_test/parameters/fire
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "lf_core.h"

#define UQ_MAX LF_IO_MAX

static char *model = "aurora";
module_param(model, charp, 0444);
MODULE_PARM_DESC(model, "model to ask");
static int in[UQ_MAX];
static unsigned int n_in_vals;
module_param_array_named(in, in, int, &n_in_vals, 0444);
MODULE_PARM_DESC(in, "inputs, raw integers, n_in per row");
static int out[UQ_MAX];
static unsigned int n_out_vals;
module_param_array_named(out, out, int, &n_out_vals, 0444);
MODULE_PARM_DESC(out, "the latest answer of each row, n_out per row");
static int r_rc;
module_param(r_rc, int, 0444);
static atomic_t r_sent = ATOMIC_INIT(0), r_answered = ATOMIC_INIT(0);
module_param_named(r_sent, r_sent.counter, int, 0444);
module_param_named(r_answered, r_answered.counter, int, 0444);

static struct lf_model *uq_m;
static struct lf_model_info uq_info;
static unsigned int uq_rows;
static bool uq_ready;

static void uq_answer(u64 cookie, const s32 *o, u32 n_out, u64 wait_ns)
{
	if (cookie >= uq_rows || n_out != uq_info.n_out)
		return;
	memcpy(&out[cookie * n_out], o, n_out * sizeof(*o));
	atomic_inc(&r_answered);
}

static const struct lf_user_ops uq_ops = {
	.answer = uq_answer,
};

static void uq_fire(void)
{
	unsigned int r;
	int ret;

	for (r = 0; r < uq_rows; r++) {
		ret = lf_user_query(uq_m, r, &in[r * uq_info.n_in], uq_info.n_in,
				    &uq_ops, r);
		if (ret && !r_rc)
			r_rc = ret;
		if (!ret)
			atomic_inc(&r_sent);
	}
}

static int uq_fire_set(const char *val, const struct kernel_param *kp)
{
	if (!READ_ONCE(uq_ready))
		return -EAGAIN;
	uq_fire();
	return 0;
}

static const struct kernel_param_ops uq_fire_ops = {
	.set = uq_fire_set,
};
module_param_cb(fire, &uq_fire_ops, NULL, 0200);
MODULE_PARM_DESC(fire, "write anything: send every row again");

static int __init uq_init(void)
{
	uq_m = lf_model_get(model);
	if (!uq_m) {
		pr_err("no model %s\n", model);
		return -ENOENT;
	}
	lf_model_info(uq_m, &uq_info);
	if (!n_in_vals || n_in_vals % uq_info.n_in ||
	    n_in_vals / uq_info.n_in * uq_info.n_out > UQ_MAX) {
		pr_err("%u inputs given, model %s takes %u a row (at most %u outputs)\n",
		       n_in_vals, model, uq_info.n_in, UQ_MAX);
		lf_model_put(uq_m);
		return -EINVAL;
	}
	uq_rows = n_in_vals / uq_info.n_in;
	n_out_vals = uq_rows * uq_info.n_out;
	uq_fire();
	WRITE_ONCE(uq_ready, true);
	return 0;
}

static void __exit uq_exit(void)
{
	lf_user_cancel(&uq_ops);
	lf_model_put(uq_m);
}

module_init(uq_init);
module_exit(uq_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow test: userspace queries (lf_user_query) from a module");
