// SPDX-License-Identifier: GPL-2.0
/*
 * lf_collect_test.c - a test datapath for lf-runtime: queries a 2-input,
 * 1-output model of lf_core with random inputs in [-2, 2], sends every query
 * as a training sample labelled with a target function, and measures the
 * mean |output - target| of the kernel's answers.
 *
 *   phase 0: y = 0.5 x0 + 0.25 x1        phase 1: y = -0.5 x0 + 0.25 x1 + 0.5
 *
 * Parameters: model (name), in_frac / out_frac (the snapshot's formats),
 * rate (queries per 10 ms tick), phase (rw), err_ppm (ro: mean abs error x 1e6
 * of every query since the phase last changed, whatever snapshot answered),
 * phase_queries (ro: how many queries that mean covers), queries (ro).
 * Samples are collected while the query's flow is pinned, so lf_core stamps
 * them with the serving snapshot; lf-runtime keeps the error per snapshot.
 */
#include <linux/module.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include "lf_core.h"

static char *model = "rtdemo";
module_param(model, charp, 0444);
static int in_frac = 16;
module_param(in_frac, int, 0444);
static int out_frac = 16;
module_param(out_frac, int, 0444);
static int rate = 20;
module_param(rate, int, 0444);
static int phase;
module_param(phase, int, 0644);
static long err_ppm = -1;
module_param(err_ppm, long, 0444);
static long queries;
module_param(queries, long, 0444);
static long phase_queries;
module_param(phase_queries, long, 0444);

static int cur_phase = -1;	/* the phase this tick runs */

static struct lf_model *m;
static struct delayed_work work;
static u64 flow;
static s64 err_sum;	/* in out_frac units, since the phase changed */
static long err_n;

/* target in Q(out_frac) from inputs in Q(in_frac) */
static s64 target(const s32 *in)
{
	s64 x0 = in[0], x1 = in[1], y;

	if (cur_phase == 0)
		y = x0 * 2 + x1;			/* 4 * (0.5 x0 + 0.25 x1) */
	else
		y = -x0 * 2 + x1 + (2LL << in_frac);	/* 4 * (-0.5 x0 + 0.25 x1 + 0.5) */
	/* y is 4 * value in Q(in_frac): to Q(out_frac) */
	if (out_frac >= in_frac + 2)
		return y << (out_frac - in_frac - 2);
	return div_s64(y, 1 << (in_frac + 2 - out_frac));
}

static void tick(struct work_struct *w)
{
	s32 in[2], out[1], label[1];
	int i;

	if (READ_ONCE(phase) != cur_phase) {
		cur_phase = READ_ONCE(phase);
		err_sum = 0;
		err_n = 0;
		WRITE_ONCE(err_ppm, -1);
	}
	for (i = 0; i < rate; i++) {
		s64 t;

		in[0] = (s32)div_s64(((s64)(get_random_u32() % 4001) - 2000) << in_frac, 1000);
		in[1] = (s32)div_s64(((s64)(get_random_u32() % 4001) - 2000) << in_frac, 1000);
		flow++;
		if (lf_query_model(m, flow, in, out))
			continue;
		t = target(in);
		label[0] = (s32)t;
		/* while pinned, so the sample names the snapshot that answered */
		lf_collect_sample(m, flow, in, out, label, 1);
		lf_flow_forget(m, flow);
		err_sum += abs((s64)out[0] - t);
		err_n++;
		WRITE_ONCE(err_ppm, (long)((div_s64(err_sum, err_n) * 1000000) >> out_frac));
		WRITE_ONCE(phase_queries, err_n);
		WRITE_ONCE(queries, queries + 1);
	}
	schedule_delayed_work(&work, msecs_to_jiffies(10));
}

static int __init lf_collect_init(void)
{
	if (in_frac < 0 || in_frac > 29 || out_frac < 0 || out_frac > 30 || rate < 1)
		return -EINVAL;
	m = lf_model_get(model);
	if (!m)
		return -ENOENT;
	INIT_DELAYED_WORK(&work, tick);
	schedule_delayed_work(&work, 1);
	return 0;
}

static void __exit lf_collect_exit(void)
{
	cancel_delayed_work_sync(&work);
	lf_model_put(m);
}

module_init(lf_collect_init);
module_exit(lf_collect_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("lf-runtime test collector");
