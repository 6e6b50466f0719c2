// SPDX-License-Identifier: GPL-2.0
/*
 * lf_query_test.c - query a model from the kernel, as a datapath module does:
 * lf_model_get(@model), then one lf_query_model() per row of @in (raw
 * integers in the model's input formats, n_in values a row), at load time.
 * The outputs (raw integers, n_out a row) are printed to the kernel log and
 * kept in the read-only parameter @out; @r_version is the active snapshot
 * version seen before the queries, @r_rc the first non-zero return code.
 *
 *   insmod lf_query_test.ko model=aurora in=1,2,3,...
 *   cat /sys/module/lf_query_test/parameters/out
 *
 * Each row is its own flow: @flow + row (@flow 0: derived from the clock, so
 * a reload never hits flow cache entries of an earlier load).  With @batch=1
 * all rows go through one lf_query_model_batch() call on flow @flow instead
 * (same outputs, printed and kept the same way).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/timekeeping.h>
#include "lf_core.h"

#define QT_MAX LF_IO_MAX

static char *model = "aurora";
module_param(model, charp, 0444);
MODULE_PARM_DESC(model, "model to query");
static int in[QT_MAX];
static unsigned int n_in_vals;
module_param_array_named(in, in, int, &n_in_vals, 0444);
MODULE_PARM_DESC(in, "inputs, raw integers, n_in per row");
static unsigned long long flow;
module_param(flow, ullong, 0444);
MODULE_PARM_DESC(flow, "flow key of the first row (0: from the clock)");
static int out[QT_MAX];
static unsigned int n_out_vals;
module_param_array_named(out, out, int, &n_out_vals, 0444);
static bool batch;
module_param(batch, bool, 0444);
MODULE_PARM_DESC(batch, "all rows in one lf_query_model_batch() call");
static int r_rc;
module_param(r_rc, int, 0444);
static unsigned int r_version, r_rows;
module_param(r_version, uint, 0444);
module_param(r_rows, uint, 0444);

static struct lf_model *lf_m;
static s32 res[QT_MAX];

static int __init qt_init(void)
{
	struct lf_model_info info;
	unsigned int rows, r;

	lf_m = lf_model_get(model);
	if (!lf_m) {
		pr_err("no model %s\n", model);
		return -ENOENT;
	}
	lf_model_info(lf_m, &info);
	if (!info.n_in || n_in_vals % info.n_in || !n_in_vals) {
		pr_err("%u inputs given, model %s takes %u a row\n", n_in_vals, model, info.n_in);
		goto err;
	}
	rows = n_in_vals / info.n_in;
	if (rows * info.n_out > QT_MAX) {
		pr_err("%u rows of %u outputs do not fit\n", rows, info.n_out);
		goto err;
	}
	if (!flow)
		flow = ktime_get_ns() | 1;
	r_version = info.active_version;
	if (batch) {
		int rc = lf_query_model_batch(lf_m, flow, in, res, rows);

		for (r = 0; r < rows * info.n_out; r++)
			out[r] = rc ? 0 : res[r];
		r_rc = rc;
		pr_info("%s v%u: %u rows in one batch: rc %d\n", model, info.active_version,
			rows, rc);
		goto done;
	}
	for (r = 0; r < rows; r++) {
		unsigned int j;
		int rc = lf_query_model(lf_m, flow + r, in + r * info.n_in, res);

		if (rc && !r_rc)
			r_rc = rc;
		for (j = 0; j < info.n_out; j++)
			out[r * info.n_out + j] = rc ? 0 : res[j];
		pr_info("%s v%u row %u: rc %d out[0] %d%s\n", model, info.active_version, r, rc,
			rc ? 0 : res[0], info.n_out > 1 ? " ..." : "");
	}
done:
	n_out_vals = rows * info.n_out;
	r_rows = rows;
	return 0;
err:
	lf_model_put(lf_m);
	return -EINVAL;
}

static void __exit qt_exit(void)
{
	lf_model_put(lf_m);
}

module_init(qt_init);
module_exit(qt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow: lf_query_model() from a kernel module, with given inputs");
