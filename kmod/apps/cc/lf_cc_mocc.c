// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_mocc.c - MOCC's objective weights per connection, chosen by the
 * socket's cgroup (v2).
 *
 * MOCC's inputs end with the objective weights (throughput, latency, loss)
 * the policy optimises for.  They belong to the application, and Linux's
 * name for an application is its cgroup: systemd puts every service in one,
 * containers get theirs, and an administrator can give a service other
 * weights without changing its code (TCP_CONGESTION carries no argument, and
 * a per-netns table would give every application of a namespace the same
 * objective).  The table maps cgroup ids (the inode number of the cgroup's
 * directory, `stat -c %i`) to weights; a connection takes the weights of the
 * nearest cgroup in the table, its socket's own first, then its ancestors,
 * else the module-wide mocc_w_* parameters, once when it starts.
 *
 *   echo "ID THR LAT LOSS" > /sys/module/lf_cc/parameters/mocc_weights  (per mille)
 *   echo "ID -" > ...   remove        echo clear > ...   remove all
 *   cat /sys/module/lf_cc/parameters/mocc_weights     one "ID THR LAT LOSS" a line
 *
 * The table (at most LF_CC_WTAB_MAX entries) is replaced as a whole under a
 * mutex and read under RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include "lf_cc.h"

#define LF_CC_WTAB_MAX 64

struct lf_cc_wtab {
	u32 n;
	struct {
		u64 id;
		u16 w[LF_CC_NW];
	} e[LF_CC_WTAB_MAX];
	struct rcu_head rcu;
};

static struct lf_cc_wtab __rcu *lf_cc_wtab;
static DEFINE_MUTEX(lf_cc_wtab_lock);

/* the table's weights for @id, or NULL; RCU held */
static const u16 *lf_cc_wtab_find(const struct lf_cc_wtab *t, u64 id)
{
	u32 i;

	for (i = 0; t && i < t->n; i++)
		if (t->e[i].id == id)
			return t->e[i].w;
	return NULL;
}

void lf_cc_mocc_weights(struct sock *sk, u16 *w)
{
	const struct lf_cc_wtab *t;
	const u16 *found = NULL;
	struct cgroup *cg;
	int j;

	rcu_read_lock();
	t = rcu_dereference(lf_cc_wtab);
	if (t && t->n) {
		/* the socket pins its cgroup, a cgroup its ancestors */
		for (cg = sock_cgroup_ptr(&sk->sk_cgrp_data); cg && !found;
		     cg = cgroup_parent(cg))
			found = lf_cc_wtab_find(t, cgroup_id(cg));
	}
	for (j = 0; j < LF_CC_NW; j++)
		w[j] = found ? found[j] : READ_ONCE(lf_cc_tun.mocc_w[j]);
	rcu_read_unlock();
	if (found)
		lf_cc_count(LF_CC_MOCC, LF_CC_ST_CG_WEIGHTS);
}

static int lf_cc_wtab_set(const char *val, const struct kernel_param *kp)
{
	int len = strcspn(val, "\n");
	struct lf_cc_wtab *old, *t;
	unsigned int w[LF_CC_NW];
	unsigned long long id;
	char dash[2];
	u32 i, j;
	bool del;
	int n;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	mutex_lock(&lf_cc_wtab_lock);
	old = rcu_dereference_protected(lf_cc_wtab, lockdep_is_held(&lf_cc_wtab_lock));
	if (len == 5 && !strncmp(val, "clear", 5))
		goto publish;
	if (old)
		*t = *old;
	n = sscanf(val, "%llu %u %u %u", &id, &w[0], &w[1], &w[2]);
	del = n == 1 && sscanf(val, "%llu %1s", &id, dash) == 2 && dash[0] == '-';
	if (!del && (n != 4 || w[0] > 1000 || w[1] > 1000 || w[2] > 1000)) {
		pr_err("mocc_weights: '%.*s': want 'CGROUP_ID THR LAT LOSS' (per mille, 0..1000), 'CGROUP_ID -' or 'clear'\n",
		       len, val);
		goto err;
	}
	for (i = 0; i < t->n && t->e[i].id != id; i++)
		;
	if (del) {
		if (i == t->n) {
			pr_err("mocc_weights: cgroup %llu has no weights\n", id);
			goto err;
		}
		t->e[i] = t->e[--t->n];
		goto publish;
	}
	if (i == LF_CC_WTAB_MAX) {
		pr_err("mocc_weights: table full (%d cgroups)\n", LF_CC_WTAB_MAX);
		kfree(t);
		mutex_unlock(&lf_cc_wtab_lock);
		return -ENOSPC;
	}
	t->e[i].id = id;
	for (j = 0; j < LF_CC_NW; j++)
		t->e[i].w[j] = w[j];
	if (i == t->n)
		t->n++;
publish:
	rcu_assign_pointer(lf_cc_wtab, t);
	mutex_unlock(&lf_cc_wtab_lock);
	if (old)
		kfree_rcu(old, rcu);
	return 0;
err:
	mutex_unlock(&lf_cc_wtab_lock);
	kfree(t);
	return -EINVAL;
}

static int lf_cc_wtab_get(char *buf, const struct kernel_param *kp)
{
	const struct lf_cc_wtab *t;
	int n = 0;
	u32 i;

	rcu_read_lock();
	t = rcu_dereference(lf_cc_wtab);
	for (i = 0; t && i < t->n; i++)
		n += sysfs_emit_at(buf, n, "%llu %u %u %u\n", t->e[i].id,
				   t->e[i].w[0], t->e[i].w[1], t->e[i].w[2]);
	rcu_read_unlock();
	return n;
}

static const struct kernel_param_ops lf_cc_wtab_ops = {
	.set = lf_cc_wtab_set,
	.get = lf_cc_wtab_get,
};
module_param_cb(mocc_weights, &lf_cc_wtab_ops, NULL, 0644);
MODULE_PARM_DESC(mocc_weights,
		 "MOCC weights by cgroup: 'CGROUP_ID THR LAT LOSS' (per mille) sets, 'CGROUP_ID -' removes, 'clear'");

/* module exit: no connection reads the table any more */
void lf_cc_mocc_exit(void)
{
	kfree(rcu_dereference_protected(lf_cc_wtab, 1));
}
