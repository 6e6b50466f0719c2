/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lf_bind.h - a datapath module's binding to an lf_core model by name.
 *
 * Every LiteFlow application (lf_cc's algorithms, lf_fs, lf_lb) is told the
 * name of the model it queries through a module parameter, binds to it in
 * process context (at load, when the parameter is written, and once a second
 * while the named model does not exist yet) and reads the binding from the
 * datapath under RCU.  lf_core implements this once (kmod/core/lf_bind.c).
 *
 *	static LF_BINDING(lf_fs_binding, "lf_fs", "ffnn", 4, 4, 1, 16);
 *	module_param_cb(model, &lf_binding_param_ops, &lf_fs_binding, 0644);
 *
 *	init:     lf_binding_start(&lf_fs_binding);
 *	datapath: rcu_read_lock(); bd = lf_binding_deref(&lf_fs_binding);
 *	          if (bd) lf_query_model(bd->model, key, in, out); ...
 *	exit:     lf_binding_stop(&lf_fs_binding);
 */
#ifndef _LF_BIND_H
#define _LF_BIND_H

#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "lf_core.h"

/**
 * struct lf_bound - the model a binding holds, with its formats
 * @model: lf_core reference (lf_query_model(), lf_collect_sample(), ...)
 * @n_in: the model's inputs
 * @n_out: the model's outputs
 * @in_frac: @n_in input formats (fractional bits)
 * @out_frac: @n_out output formats
 * @frac: storage of @in_frac and @out_frac
 *
 * Read under rcu_read_lock() through lf_binding_deref(); freed one RCU grace
 * period after it was unpublished, so a reader may use it until
 * rcu_read_unlock().
 */
struct lf_bound {
	struct lf_model *model;
	u32 n_in;
	u32 n_out;
	s8 *in_frac;
	s8 *out_frac;
	s8 frac[];
};

/**
 * struct lf_binding - an application's binding to an lf_core model by name
 * @owner: who binds, in messages ("lf_fs", "lf_aurora")
 * @n_in: inputs the application feeds; 0: any number up to @n_in_max
 * @n_in_max: with @n_in 0, the most inputs it can feed
 * @n_out_min: fewest outputs it reads (at least 1)
 * @n_out_max: most outputs it accepts
 * @name: the model's name; empty: bound to nothing
 * @lock: serialises name changes, binding and unbinding
 * @live: between lf_binding_start() and lf_binding_stop()
 * @bound: the binding, published with RCU; NULL when unbound
 * @retry: binds again every second while the named model is missing
 *
 * Define with LF_BINDING() (or LF_BINDING_INIT() in an array initialiser).
 * A model of the wrong shape is refused with one message naming it and is
 * not retried until the name is written again.
 */
struct lf_binding {
	const char *owner;
	u32 n_in;
	u32 n_in_max;
	u32 n_out_min;
	u32 n_out_max;
	char name[LF_NAME_MAX];
	struct mutex lock;
	bool live;
	struct lf_bound __rcu *bound;
	struct delayed_work retry;
};

#define LF_BINDING_INIT(var, owner_, model_, n_in_, n_in_max_, n_out_min_,	\
			n_out_max_)						\
	{									\
		.owner = (owner_), .n_in = (n_in_), .n_in_max = (n_in_max_),	\
		.n_out_min = (n_out_min_), .n_out_max = (n_out_max_),		\
		.name = model_, .lock = __MUTEX_INITIALIZER(var.lock),		\
	}

#define LF_BINDING(var, owner_, model_, n_in_, n_in_max_, n_out_min_,		\
		   n_out_max_)							\
	struct lf_binding var = LF_BINDING_INIT(var, owner_, model_, n_in_,	\
						n_in_max_, n_out_min_, n_out_max_)

/**
 * lf_binding_start() - bind now, or keep trying every second
 * @b: the binding
 *
 * From module init, before the datapath can read @b.  Process context.
 */
void lf_binding_start(struct lf_binding *b);

/**
 * lf_binding_stop() - unbind and stop retrying
 * @b: the binding
 *
 * Returns when no reader can still see the old binding (an RCU grace period)
 * and its model reference is dropped.  From module exit, after the datapath
 * stopped calling in.  Process context; may sleep.
 */
void lf_binding_stop(struct lf_binding *b);

/**
 * lf_binding_set() - name another model (module parameter write)
 * @b: the binding
 * @val: the name; a trailing newline is ignored; empty unbinds
 *
 * The old binding is dropped first (readers see none for a moment: the
 * application's fallback), then the new model is bound or retried.
 *
 * Return: 0; -EINVAL for a name of LF_NAME_MAX bytes or more.
 */
int lf_binding_set(struct lf_binding *b, const char *val);

/**
 * lf_binding_show() - the model's name and a newline, for sysfs
 * @b: the binding
 * @buf: a sysfs page
 *
 * Return: the bytes written.
 */
int lf_binding_show(struct lf_binding *b, char *buf);

/* module_param_cb() ops of a model name parameter: kp->arg is the binding */
extern const struct kernel_param_ops lf_binding_param_ops;

/**
 * lf_binding_deref() - the current binding, for the datapath
 * @b: the binding
 *
 * Return: the bound model and formats, or NULL (no name, model missing or
 * of the wrong shape).  Caller holds rcu_read_lock().
 */
static inline struct lf_bound *lf_binding_deref(struct lf_binding *b)
{
	return rcu_dereference(b->bound);
}

#endif /* _LF_BIND_H */
