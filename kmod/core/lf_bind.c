// SPDX-License-Identifier: GPL-2.0
/*
 * lf_bind.c - datapath modules' bindings to models by name (lf_bind.h).
 *
 * A binding takes a model reference and the model's formats in process
 * context and publishes them with RCU; the datapath only dereferences the
 * pointer.  Changing the name unpublishes the old binding, waits for readers
 * (synchronize_rcu()) and drops its reference before binding the new model.
 * While the named model does not exist a delayed work tries again once a
 * second; a model of the wrong shape is a user error, reported once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "lf_bind.h"

static void lf_bound_free(struct lf_bound *bd)
{
	if (!bd)
		return;
	lf_model_put(bd->model);
	kfree(bd);
}

/* unpublish the binding; free it when no reader can see it.  @b->lock held. */
static void lf_binding_drop(struct lf_binding *b)
{
	struct lf_bound *old;

	old = rcu_dereference_protected(b->bound, lockdep_is_held(&b->lock));
	if (!old)
		return;
	RCU_INIT_POINTER(b->bound, NULL);
	synchronize_rcu();
	lf_bound_free(old);
}

static bool lf_binding_fits(const struct lf_binding *b,
			    const struct lf_model_info *info)
{
	bool in_ok = b->n_in ? info->n_in == b->n_in : info->n_in <= b->n_in_max;

	return in_ok && info->n_out >= b->n_out_min &&
	       info->n_out <= b->n_out_max;
}

/*
 * Bind to the named model.  @b->lock held, nothing bound.
 * Return: true if bound or not worth retrying (no name, a wrong shape).
 */
static bool lf_binding_bind(struct lf_binding *b)
{
	struct lf_model_info info;
	struct lf_bound *bd;
	struct lf_model *m;

	if (!b->name[0])
		return true;
	m = lf_model_get(b->name);
	if (!m)
		return false;
	lf_model_info(m, &info);
	if (!lf_binding_fits(b, &info)) {
		if (b->n_in)
			pr_err("%s: model %s has %u inputs and %u outputs, want %u and %u..%u\n",
			       b->owner, b->name, info.n_in, info.n_out, b->n_in,
			       b->n_out_min, b->n_out_max);
		else
			pr_err("%s: model %s has %u inputs and %u outputs, want at most %u and %u..%u\n",
			       b->owner, b->name, info.n_in, info.n_out,
			       b->n_in_max, b->n_out_min, b->n_out_max);
		lf_model_put(m);
		return true;
	}
	bd = kzalloc(struct_size(bd, frac, info.n_in + info.n_out), GFP_KERNEL);
	if (!bd) {
		lf_model_put(m);
		return false;
	}
	bd->model = m;
	bd->n_in = info.n_in;
	bd->n_out = info.n_out;
	bd->in_frac = bd->frac;
	bd->out_frac = bd->frac + info.n_in;
	if (lf_model_formats(m, bd->in_frac, info.n_in, bd->out_frac,
			     info.n_out)) {
		lf_bound_free(bd);
		return false;
	}
	pr_info("%s: bound to model %s (%u inputs, %u outputs, out_frac %d)\n",
		b->owner, b->name, bd->n_in, bd->n_out, bd->out_frac[0]);
	rcu_assign_pointer(b->bound, bd);
	return true;
}

static void lf_binding_retry(struct work_struct *w)
{
	struct lf_binding *b = container_of(to_delayed_work(w),
					    struct lf_binding, retry);

	mutex_lock(&b->lock);
	if (b->live && !rcu_access_pointer(b->bound) && !lf_binding_bind(b))
		schedule_delayed_work(&b->retry, HZ);
	mutex_unlock(&b->lock);
}

void lf_binding_start(struct lf_binding *b)
{
	INIT_DELAYED_WORK(&b->retry, lf_binding_retry);
	mutex_lock(&b->lock);
	b->live = true;
	if (!lf_binding_bind(b))
		schedule_delayed_work(&b->retry, HZ);
	mutex_unlock(&b->lock);
}
EXPORT_SYMBOL_GPL(lf_binding_start);

void lf_binding_stop(struct lf_binding *b)
{
	mutex_lock(&b->lock);
	b->live = false;
	mutex_unlock(&b->lock);
	cancel_delayed_work_sync(&b->retry);
	mutex_lock(&b->lock);
	lf_binding_drop(b);
	mutex_unlock(&b->lock);
}
EXPORT_SYMBOL_GPL(lf_binding_stop);

int lf_binding_set(struct lf_binding *b, const char *val)
{
	size_t len = strcspn(val, "\n");

	if (len >= LF_NAME_MAX) {
		pr_err("%s: model name '%.*s' longer than %d bytes\n", b->owner,
		       (int)len, val, LF_NAME_MAX - 1);
		return -EINVAL;
	}
	mutex_lock(&b->lock);
	memcpy(b->name, val, len);
	b->name[len] = 0;
	if (b->live) {
		lf_binding_drop(b);
		if (!lf_binding_bind(b))
			schedule_delayed_work(&b->retry, HZ);
	}
	mutex_unlock(&b->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(lf_binding_set);

int lf_binding_show(struct lf_binding *b, char *buf)
{
	int n;

	mutex_lock(&b->lock);
	n = sysfs_emit(buf, "%s\n", b->name);
	mutex_unlock(&b->lock);
	return n;
}
EXPORT_SYMBOL_GPL(lf_binding_show);

static int lf_binding_param_set(const char *val, const struct kernel_param *kp)
{
	return lf_binding_set(kp->arg, val);
}

static int lf_binding_param_get(char *buf, const struct kernel_param *kp)
{
	return lf_binding_show(kp->arg, buf);
}

const struct kernel_param_ops lf_binding_param_ops = {
	.set = lf_binding_param_set,
	.get = lf_binding_param_get,
};
EXPORT_SYMBOL_GPL(lf_binding_param_ops);
