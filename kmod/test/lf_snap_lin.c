// SPDX-License-Identifier: GPL-2.0
/*
 * lf_snap_lin.c - hand-written test snapshot module, laid out like the glue
 * lfc generates (a struct lf_snapshot_desc registered in module_init).
 * Built several times with a different LIN_VARIANT:
 *   1: lf_snap_lin_v1       version 1, weights V1
 *   2: lf_snap_lin_v2       version 2, weights V2
 *   3: lf_snap_lin_badarch  version 3, a different arch hash (must be refused)
 *   4: lf_snap_lin_dup      version 1 again (must be refused)
 *   5: lf_snap_lin_v3       version 3, weights V1
 */
#include <linux/module.h>
#include "lf_core.h"
#include "lf_snap_lin.h"

#if LIN_VARIANT == 1
#define LIN_VERSION 1
#define LIN_HASH LIN_ARCH_HASH
static const struct lf_lin_params lin_params = LIN_PARAMS_V1;
#elif LIN_VARIANT == 2
#define LIN_VERSION 2
#define LIN_HASH LIN_ARCH_HASH
static const struct lf_lin_params lin_params = LIN_PARAMS_V2;
#elif LIN_VARIANT == 3
#define LIN_VERSION 3
#define LIN_HASH (LIN_ARCH_HASH ^ 1)
static const struct lf_lin_params lin_params = LIN_PARAMS_V2;
#elif LIN_VARIANT == 4
#define LIN_VERSION 1
#define LIN_HASH LIN_ARCH_HASH
static const struct lf_lin_params lin_params = LIN_PARAMS_V2;
#else
#define LIN_VERSION 3
#define LIN_HASH LIN_ARCH_HASH
static const struct lf_lin_params lin_params = LIN_PARAMS_V1;
#endif

static const s8 lin_in_frac[LIN_IN] = { LIN_FRAC, LIN_FRAC, LIN_FRAC, LIN_FRAC };
static const s8 lin_out_frac[LIN_OUT] = { LIN_FRAC, LIN_FRAC, LIN_FRAC };

static int lf_lin_infer(const void *params, const s32 *in, s32 *out)
{
	return lf_lin_compute(params, in, out);
}

static struct lf_snapshot_desc lin_desc = {
	.model = "lin",
	.version = LIN_VERSION,
	.arch_hash = LIN_HASH,
	.n_in = LIN_IN,
	.n_out = LIN_OUT,
	.in_frac = lin_in_frac,
	.out_frac = lin_out_frac,
	.params_size = sizeof(lin_params),
	.params = &lin_params,
	.infer = lf_lin_infer,
	.stack_bytes = 32,
	.owner = THIS_MODULE,
};

static int __init lin_init(void)
{
	return lf_register_snapshot(&lin_desc);
}

static void __exit lin_exit(void)
{
	lf_unregister_snapshot(&lin_desc);
}

module_init(lin_init);
module_exit(lin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LiteFlow test snapshot: integer linear layer");
