// SPDX-License-Identifier: GPL-2.0
/*
 * lf_main.c - LiteFlow kernel core: module parameters, runtime configuration,
 * init and exit.  See lf_private.h for the files and the locking.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/jiffies.h>

#include "lf_private.h"

#define CREATE_TRACE_POINTS
#include "lf_trace.h"

static unsigned int flow_buckets = 4096;
module_param(flow_buckets, uint, 0444);
MODULE_PARM_DESC(flow_buckets, "initial flow cache hash table size (it grows and shrinks)");

unsigned int lf_cache_size = LF_CACHE_SIZE_DEF;
unsigned int lf_ageing_ms = LF_AGEING_MS_DEF;
unsigned long lf_ageing;
unsigned int lf_batch_size = LF_BATCH_DEF;
unsigned int lf_flush_ms = LF_FLUSH_MS_DEF;
unsigned int lf_uq_max = LF_UQ_MAX_DEF;
unsigned int lf_uq_timeout_ms = LF_UQ_TIMEOUT_MS_DEF;

static int __init lf_core_init(void)
{
	int ret;

	lf_ageing = msecs_to_jiffies(lf_ageing_ms);
	ret = lf_flow_init(flow_buckets);
	if (ret)
		return ret;
	ret = lf_nl_init();
	if (ret) {
		lf_flow_exit();
		return ret;
	}
	pr_info("loaded: cache size %u, ageing %u ms\n", lf_cache_size, lf_ageing_ms);
	return 0;
}

static void __exit lf_core_exit(void)
{
	lf_nl_exit();
	lf_uq_exit();
	lf_flow_exit();
}

module_init(lf_core_init);
module_exit(lf_core_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("LiteFlow");
MODULE_DESCRIPTION("LiteFlow core: in-kernel NN snapshot router, flow cache, netlink");
