// SPDX-License-Identifier: GPL-2.0
/*
 * lf_fs_flow.c - lf_fs's flow table: flows are created by their SYN, get a
 * prediction at their first data packet (one lf_query_model() per flow, or
 * one userspace request), are classified on every packet, and end at FIN,
 * RST or the idle timeout, when their real size goes to lf_core's collector
 * as the label of the query's inputs.
 *
 * The table is a fixed array of buckets (flow_buckets, set at load), each a
 * list under a spinlock taken with BH off; entries are bounded by max_flows
 * (a SYN beyond it is not tracked and counted) and aged by a delayed work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/tcp.h>
#include "lf_fs.h"

static unsigned int flow_buckets = 16384;
module_param(flow_buckets, uint, 0444);
MODULE_PARM_DESC(flow_buckets, "flow table buckets (power of two, set at load)");

#define LF_FS_PAIRS 1024	/* host-pair history slots (hashed) */
#define LF_FS_LG_MAX (48 << LF_FS_LG_SHIFT)

struct lf_fs_bucket {
	spinlock_t lock;
	struct hlist_head head;
};

static struct lf_fs_bucket *lf_fs_tbl;
static u32 lf_fs_mask;
static atomic_t lf_fs_nflows = ATOMIC_INIT(0);
static struct kmem_cache *lf_fs_cache;
static siphash_key_t lf_fs_hkey;
static u16 *lf_fs_port_hist;		/* per destination port, Q8 */
static u16 lf_fs_pair_hist[LF_FS_PAIRS];	/* per host pair (hashed), Q8 */
static struct delayed_work lf_fs_age_work;

/**
 * lf_fs_lg() - piecewise-linear log2: exponent plus 8 bits of mantissa
 * @x: value (0 gives 0)
 *
 * Return: log2(@x) in Q8, exact at powers of two (examples/fs/train_ffnn.py
 * computes the same function).
 */
u32 lf_fs_lg(u64 x)
{
	u32 e;

	if (!x)
		return 0;
	e = ilog2(x);
	return (e << LF_FS_LG_SHIFT) +
	       (u32)(e >= 8 ? (x - BIT_ULL(e)) >> (e - 8) :
			      ((x - BIT_ULL(e)) << 8) >> e);
}

/* inverse of lf_fs_lg() */
static u64 lf_fs_exp2(u32 q)
{
	u32 e = q >> LF_FS_LG_SHIFT, m = q & 0xff;

	if (e >= 48)
		return BIT_ULL(48);
	return BIT_ULL(e) + ((BIT_ULL(e) * m) >> 8);
}

u32 lf_fs_class_of(u64 bytes)
{
	u32 c = 0, n = READ_ONCE(lf_fs_tun.nthr);

	while (c < n && bytes >= READ_ONCE(lf_fs_tun.thr[c]))
		c++;
	return c;
}

/* Q8 value -> model format (saturating) */
static s32 lf_fs_to_fmt(u32 v, s8 frac)
{
	s64 x = v;

	if (frac >= LF_FS_LG_SHIFT)
		x <<= min(frac - LF_FS_LG_SHIFT, 40);
	else
		x >>= min(LF_FS_LG_SHIFT - frac, 40);
	return (s32)clamp_t(s64, x, S32_MIN, S32_MAX);
}

/* model format -> Q8 value in [0, LF_FS_LG_MAX] */
static u32 lf_fs_from_fmt(s32 o, s8 frac)
{
	s64 x = o;

	if (frac >= LF_FS_LG_SHIFT)
		x >>= min(frac - LF_FS_LG_SHIFT, 40);
	else
		x <<= min(LF_FS_LG_SHIFT - frac, 16);
	return (u32)clamp_t(s64, x, 0, LF_FS_LG_MAX);
}

u64 lf_fs_key(const struct in6_addr *s, const struct in6_addr *d, __be16 sp,
	      __be16 dp)
{
	struct {
		struct in6_addr s, d;
		__be16 sp, dp;
		u32 pad;
	} t = { *s, *d, sp, dp, 0 };

	return siphash(&t, sizeof(t), &lf_fs_hkey);
}

static u32 lf_fs_pair(const struct lf_fs_flow *f)
{
	struct {
		struct in6_addr s, d;
	} t = { f->saddr, f->daddr };

	return (u32)siphash(&t, sizeof(t), &lf_fs_hkey) & (LF_FS_PAIRS - 1);
}

u32 lf_fs_flow_count(void)
{
	return atomic_read(&lf_fs_nflows);
}

static void lf_fs_set_pred(struct lf_fs_flow *f, s32 out, s8 out_frac)
{
	f->out = out;
	f->pred = lf_fs_from_fmt(out, out_frac);
	f->pred_cls = lf_fs_class_of(lf_fs_exp2(f->pred));
	f->state = LF_FS_PREDICTED;
}

/*
 * The flow's first data packet: build the features and ask the predictor
 * (the in-kernel snapshot or userspace).  Bucket lock held, BH off, under
 * RCU (netfilter hooks run in an RCU read-side section).
 */
static void lf_fs_predict(struct lf_fs_flow *f, u32 payload, u8 flags, int mode)
{
	struct lf_bound *bm;
	s32 out[LF_FS_OUT_MAX];
	u32 feat[LF_FS_N_IN];
	int i, ret;

	f->state = LF_FS_NOPRED;
	if (mode != LF_FS_NN && mode != LF_FS_USER)
		return;
	bm = lf_fs_model_rcu();
	if (!bm) {
		lf_fs_count(LF_FS_ST_NOMODEL);
		return;
	}
	feat[0] = lf_fs_lg(payload);
	feat[1] = flags & LF_FS_F_PSH ? 1 << LF_FS_LG_SHIFT : 0;
	feat[2] = READ_ONCE(lf_fs_port_hist[ntohs(f->dport)]);
	feat[3] = READ_ONCE(lf_fs_pair_hist[lf_fs_pair(f)]);
	for (i = 0; i < LF_FS_N_IN; i++)
		f->in[i] = lf_fs_to_fmt(feat[i], bm->in_frac[i]);
	if (mode == LF_FS_NN) {
		lf_fs_count(LF_FS_ST_QUERIES);
		ret = lf_query_model(bm->model, f->key, f->in, out);
		if (ret) {
			lf_fs_count(LF_FS_ST_QERRORS);
			return;
		}
		lf_fs_set_pred(f, out[0], bm->out_frac[0]);
		return;
	}
	/* waiting before the query: its answer may come at once */
	f->state = LF_FS_WAIT;
	if (lf_fs_user_request(bm->model, f->key, f->in)) {
		f->state = LF_FS_NOPRED;
		lf_fs_count(LF_FS_ST_UPFAIL);
		return;
	}
	lf_fs_count(LF_FS_ST_UPCALLS);
}

/*
 * The flow's class after it has sent @sent bytes: the predicted class until
 * it has sent more than its predicted size, then PIAS's class by bytes sent
 * if lower (so a wrong prediction cannot starve other flows); without a
 * prediction, the default class with the same demotion (PIAS when the
 * default class is 0).
 */
static u32 lf_fs_classify(struct lf_fs_flow *f, u32 sent)
{
	u32 c, p;

	if (f->state == LF_FS_PREDICTED) {
		c = f->pred_cls;
		if (sent <= lf_fs_exp2(f->pred))
			return c;
	} else {
		c = min(READ_ONCE(lf_fs_tun.default_class), lf_fs_tun.nthr);
	}
	p = lf_fs_class_of(sent);
	if (p > c) {
		if (f->state == LF_FS_PREDICTED && f->cls <= c)
			lf_fs_count(LF_FS_ST_DEMOTIONS);
		c = p;
	}
	return c;
}

static struct lf_fs_flow *lf_fs_find(struct lf_fs_bucket *b, u64 key,
				     const struct in6_addr *s,
				     const struct in6_addr *d, __be16 sp,
				     __be16 dp)
{
	struct lf_fs_flow *f;

	hlist_for_each_entry(f, &b->head, node)
		if (f->key == key && f->sport == sp && f->dport == dp &&
		    ipv6_addr_equal(&f->saddr, s) && ipv6_addr_equal(&f->daddr, d))
			return f;
	return NULL;
}

/* A flow has ended (unlinked): history, label, lf_core cache, free. */
static void lf_fs_flow_end(struct lf_fs_flow *f, enum lf_fs_stat why)
{
	u32 size = f->end - f->isn - 1;
	struct lf_bound *bm;
	u32 lg, pi;
	u16 h;

	lf_fs_count(why);
	if (f->state == LF_FS_NEW || !size)
		goto out;
	lg = lf_fs_lg(size);
	h = READ_ONCE(lf_fs_port_hist[ntohs(f->dport)]);
	WRITE_ONCE(lf_fs_port_hist[ntohs(f->dport)],
		   h ? h + ((s32)lg - h) / 4 : lg);
	pi = lf_fs_pair(f);
	h = READ_ONCE(lf_fs_pair_hist[pi]);
	WRITE_ONCE(lf_fs_pair_hist[pi], h ? h + ((s32)lg - h) / 16 : lg);

	rcu_read_lock();
	bm = lf_fs_model_rcu();
	if (bm && f->state != LF_FS_NOPRED) {	/* inputs were computed */
		s32 label = lf_fs_to_fmt(lg, bm->out_frac[0]);
		int ret;

		if (f->state == LF_FS_PREDICTED)
			lf_fs_add(LF_FS_ST_ABS_ERR, abs((s32)f->pred - (s32)lg));
		ret = lf_collect_sample(bm->model, f->key, f->in,
					f->state == LF_FS_PREDICTED ? &f->out : NULL,
					&label, 1);
		if (!ret)
			lf_fs_count(LF_FS_ST_LABELS);
		else if (ret == -ENOBUFS)
			lf_fs_count(LF_FS_ST_LABEL_DROPS);
		lf_flow_forget(bm->model, f->key);
	}
	rcu_read_unlock();
out:
	kmem_cache_free(lf_fs_cache, f);
}

int lf_fs_flow_packet(const struct in6_addr *s, const struct in6_addr *d,
		      __be16 sp, __be16 dp, u32 seq, u32 payload, u8 flags)
{
	u64 key = lf_fs_key(s, d, sp, dp);
	struct lf_fs_bucket *b = &lf_fs_tbl[key & lf_fs_mask];
	int mode = READ_ONCE(lf_fs_tun.mode);
	enum lf_fs_stat why = LF_FS_ST_END_FIN;
	struct lf_fs_flow *f, *gone = NULL;
	int cls = -1;
	u32 sent;

	spin_lock_bh(&b->lock);
	f = lf_fs_find(b, key, s, d, sp, dp);
	if ((flags & LF_FS_F_SYN) && !(flags & LF_FS_F_ACK)) {
		if (f && f->isn == seq) {	/* retransmitted SYN */
			f->last = jiffies;
			cls = f->cls;
			goto out;
		}
		if (f) {			/* the tuple's old flow is over */
			hlist_del(&f->node);
			atomic_dec(&lf_fs_nflows);
			gone = f;
			why = LF_FS_ST_END_REUSE;
		}
		cls = min(READ_ONCE(lf_fs_tun.default_class), lf_fs_tun.nthr);
		if (atomic_read(&lf_fs_nflows) >= READ_ONCE(lf_fs_tun.max_flows)) {
			lf_fs_count(LF_FS_ST_FULL);
			goto out;
		}
		f = kmem_cache_zalloc(lf_fs_cache, GFP_ATOMIC);
		if (!f) {
			lf_fs_count(LF_FS_ST_NOMEM);
			goto out;
		}
		f->key = key;
		f->saddr = *s;
		f->daddr = *d;
		f->sport = sp;
		f->dport = dp;
		f->isn = seq;
		f->end = seq + 1;
		f->last = jiffies;
		f->state = LF_FS_NEW;
		f->cls = cls;
		hlist_add_head(&f->node, &b->head);
		atomic_inc(&lf_fs_nflows);
		lf_fs_count(LF_FS_ST_FLOWS);
		goto out;
	}
	if (!f)
		goto out;
	f->last = jiffies;
	sent = f->end - f->isn - 1;
	if (payload && after(seq + payload, f->end))
		f->end = seq + payload;
	if (payload && f->state == LF_FS_NEW)
		lf_fs_predict(f, payload, flags, mode);
	cls = lf_fs_classify(f, sent);
	f->cls = cls;
	if (flags & (LF_FS_F_FIN | LF_FS_F_RST)) {
		hlist_del(&f->node);
		atomic_dec(&lf_fs_nflows);
		gone = f;
		why = flags & LF_FS_F_RST ? LF_FS_ST_END_RST : LF_FS_ST_END_FIN;
	}
out:
	spin_unlock_bh(&b->lock);
	if (gone)
		lf_fs_flow_end(gone, why);
	return cls;
}

bool lf_fs_flow_answer(u64 key, s32 out)
{
	struct lf_fs_bucket *b = &lf_fs_tbl[key & lf_fs_mask];
	struct lf_bound *bm;
	struct lf_fs_flow *f;
	bool done = false;

	rcu_read_lock();
	bm = lf_fs_model_rcu();
	spin_lock_bh(&b->lock);
	hlist_for_each_entry(f, &b->head, node) {
		if (f->key != key || f->state != LF_FS_WAIT)
			continue;
		if (bm) {
			lf_fs_set_pred(f, out, bm->out_frac[0]);
			done = true;
		}
		break;
	}
	spin_unlock_bh(&b->lock);
	rcu_read_unlock();
	return done;
}

static void lf_fs_age(struct work_struct *w)
{
	unsigned long idle = msecs_to_jiffies(READ_ONCE(lf_fs_tun.idle_ms));
	struct lf_fs_flow *f;
	struct hlist_node *t;
	HLIST_HEAD(old);
	u32 i;

	for (i = 0; i <= lf_fs_mask; i++) {
		struct lf_fs_bucket *b = &lf_fs_tbl[i];

		if (hlist_empty(&b->head))
			continue;
		spin_lock_bh(&b->lock);
		hlist_for_each_entry_safe(f, t, &b->head, node) {
			if (time_before(jiffies, f->last + idle))
				continue;
			hlist_del(&f->node);
			atomic_dec(&lf_fs_nflows);
			hlist_add_head(&f->node, &old);
		}
		spin_unlock_bh(&b->lock);
		hlist_for_each_entry_safe(f, t, &old, node) {
			hlist_del(&f->node);
			lf_fs_flow_end(f, LF_FS_ST_END_IDLE);
		}
		cond_resched();
	}
	/* at least every second, so a shorter idle_ms takes effect soon */
	schedule_delayed_work(&lf_fs_age_work, clamp(idle / 2, 1UL, (unsigned long)HZ));
}

int lf_fs_flow_init(void)
{
	u32 i, n = flow_buckets;

	if (n < 16 || n > (1U << 22) || !is_power_of_2(n)) {
		pr_err("flow_buckets %u: want a power of two in 16..4194304\n", n);
		return -EINVAL;
	}
	get_random_bytes(&lf_fs_hkey, sizeof(lf_fs_hkey));
	lf_fs_tbl = kvcalloc(n, sizeof(*lf_fs_tbl), GFP_KERNEL);
	lf_fs_port_hist = kvcalloc(65536, sizeof(u16), GFP_KERNEL);
	lf_fs_cache = KMEM_CACHE(lf_fs_flow, 0);
	if (!lf_fs_tbl || !lf_fs_port_hist || !lf_fs_cache) {
		kvfree(lf_fs_tbl);
		kvfree(lf_fs_port_hist);
		kmem_cache_destroy(lf_fs_cache);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		spin_lock_init(&lf_fs_tbl[i].lock);
		INIT_HLIST_HEAD(&lf_fs_tbl[i].head);
	}
	lf_fs_mask = n - 1;
	INIT_DELAYED_WORK(&lf_fs_age_work, lf_fs_age);
	schedule_delayed_work(&lf_fs_age_work, HZ / 10);
	return 0;
}

/* after the hooks and the netlink family are gone: nothing adds flows */
void lf_fs_flow_exit(void)
{
	struct lf_fs_flow *f;
	struct hlist_node *t;
	u32 i;

	cancel_delayed_work_sync(&lf_fs_age_work);
	for (i = 0; i <= lf_fs_mask; i++)
		hlist_for_each_entry_safe(f, t, &lf_fs_tbl[i].head, node) {
			hlist_del(&f->node);
			kmem_cache_free(lf_fs_cache, f);
		}
	kvfree(lf_fs_tbl);
	kvfree(lf_fs_port_hist);
	kmem_cache_destroy(lf_fs_cache);
}
