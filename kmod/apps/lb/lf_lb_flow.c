// SPDX-License-Identifier: GPL-2.0
/*
 * lf_lb_flow.c - lf_lb's flow table: a TCP flow is created by its SYN, gets
 * its path there (mode ecmp: a hash; flowlet: a random up path; nn: one
 * lf_query_model() with the flow key and the argmax of the scores over the
 * up paths; user: the default path and one userspace request), keeps it
 * (new path at flowlet gaps in mode flowlet, and in mode nn when
 * nn_flowlet_us is set: one query per flowlet), leaves a path that went down
 * at its next packet (the next best score, or the hash over the up paths),
 * and ends with the ACK of the peer's FIN after its own FIN (or RST, or
 * the idle timeout).  At its end the throughput it got on its path becomes
 * the label of its query (lf_lb.h).
 *
 * The table is a fixed array of buckets (flow_buckets, set at load), each a
 * list under a spinlock taken with BH off; entries are bounded by max_flows
 * (a SYN beyond it is counted in "full" and its flow is routed by the
 * stateless hash, like every untracked packet) and aged by a delayed work.
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
#include "lf_lb.h"

static unsigned int flow_buckets = 16384;
module_param(flow_buckets, uint, 0444);
MODULE_PARM_DESC(flow_buckets, "flow table buckets (power of two, set at load)");

#define LF_LB_LG_MAX (48 << LF_LB_Q)

struct lf_lb_bucket {
	spinlock_t lock;
	struct hlist_head head;
};

enum lf_lb_state {
	LF_LB_UNSCORED,		/* path by hash or at random: no scores */
	LF_LB_WAIT,		/* waiting for the userspace answer */
	LF_LB_SCORED,		/* @out holds the model's scores */
};

/**
 * struct lf_lb_flow - one tracked TCP flow (the sending side's view)
 * @node: bucket list
 * @key: siphash of the 5-tuple: table key and lf_core flow key
 * @saddr: source address
 * @daddr: destination address
 * @sport: source port
 * @dport: destination port
 * @isn: initial sequence number (from the SYN)
 * @end: highest sequence number sent + 1
 * @start_ns: time of the SYN
 * @last_ns: time of the last packet
 * @req_ns: time of the userspace request (mode user)
 * @in: the query's inputs (model formats)
 * @out: the scores (model formats), valid in state LF_LB_SCORED
 * @path: the flow's path
 * @state: enum lf_lb_state
 * @fin: the flow has sent its FIN
 * @queried: the inputs were computed (a query or a request was made)
 */
struct lf_lb_flow {
	struct hlist_node node;
	u64 key;
	__be32 saddr, daddr;
	__be16 sport, dport;
	u32 isn;
	u32 end;
	u64 start_ns;
	u64 last_ns;
	u64 req_ns;
	s32 in[LF_LB_N_IN];
	s32 out[LF_LB_N_OUT];
	u8 path;
	u8 state;
	u8 fin;
	u8 queried;
};

static struct lf_lb_bucket *lf_lb_tbl;
static u32 lf_lb_mask;
static atomic_t lf_lb_nflows = ATOMIC_INIT(0);
static struct kmem_cache *lf_lb_cache;
static siphash_key_t lf_lb_hkey;
static struct delayed_work lf_lb_age_work;

/**
 * lf_lb_lg() - piecewise-linear log2: exponent plus 8 bits of mantissa
 * @x: value (0 gives 0)
 *
 * Return: log2(@x) in Q8, exact at powers of two (examples/lb/train_mlp.py
 * computes the same function).
 */
u32 lf_lb_lg(u64 x)
{
	u32 e;

	if (!x)
		return 0;
	e = ilog2(x);
	return (e << LF_LB_Q) +
	       (u32)(e >= 8 ? (x - BIT_ULL(e)) >> (e - 8) :
			      ((x - BIT_ULL(e)) << 8) >> e);
}

/* Q8 value -> model format (saturating) */
s32 lf_lb_to_fmt(u32 v, s8 frac)
{
	s64 x = v;

	if (frac >= LF_LB_Q)
		x <<= min(frac - LF_LB_Q, 40);
	else
		x >>= min(LF_LB_Q - frac, 40);
	return (s32)clamp_t(s64, x, S32_MIN, S32_MAX);
}

/* model format -> Q8 value in [0, LF_LB_LG_MAX] */
u32 lf_lb_from_fmt(s32 o, s8 frac)
{
	s64 x = o;

	if (frac >= LF_LB_Q)
		x >>= min(frac - LF_LB_Q, 40);
	else
		x <<= min(LF_LB_Q - frac, 16);
	return (u32)clamp_t(s64, x, 0, LF_LB_LG_MAX);
}

static u64 lf_lb_key(__be32 s, __be32 d, __be16 sp, __be16 dp)
{
	return siphash_3u32((__force u32)s, (__force u32)d,
			    ((__force u32)sp << 16) | (__force u32)dp, &lf_lb_hkey);
}

u32 lf_lb_flow_count(void)
{
	return atomic_read(&lf_lb_nflows);
}

/* the up path with the highest score (scores in the model's formats) */
static int lf_lb_best(const s32 *out, const struct lf_bound *bm, u32 up)
{
	int i, best = -1;
	s64 bv = 0;

	for (i = 0; i < LF_LB_N_OUT; i++) {
		s64 v;

		if (!(up & BIT(i)))
			continue;
		/* compare in Q16 whatever each output's format */
		v = bm->out_frac[i] >= 16 ? (s64)out[i] >> (bm->out_frac[i] - 16) :
					    (s64)out[i] << (16 - bm->out_frac[i]);
		if (best < 0 || v > bv) {
			best = i;
			bv = v;
		}
	}
	return best;
}

static void lf_lb_move(struct lf_lb_flow *f, u32 path)
{
	if (f->path == path)
		return;
	lf_lb_path_flow(f->path, -1);
	lf_lb_path_flow(path, 1);
	f->path = path;
}

/*
 * Ask the model about @f: in mode nn the in-kernel snapshot (the flow's
 * pinned one), in mode user userspace.  Bucket lock held, BH off, under RCU
 * (netfilter hooks run in an RCU read-side section).
 * Return: the path to use now.
 */
static u32 lf_lb_ask(struct lf_lb_flow *f, int mode, u32 up)
{
	u32 feat[LF_LB_N_IN];
	struct lf_bound *bm;
	int i, best;

	bm = lf_lb_model_rcu();
	if (!bm) {
		lf_lb_count(LF_LB_ST_NOMODEL);
		f->state = LF_LB_UNSCORED;
		return lf_lb_path_pick_hash(f->key, up);
	}
	lf_lb_path_features(feat);
	for (i = 0; i < LF_LB_N_IN; i++)
		f->in[i] = lf_lb_to_fmt(feat[i], bm->in_frac[i]);
	f->queried = 1;
	if (mode == LF_LB_USER) {
		u32 d = READ_ONCE(lf_lb_tun.default_path);

		/* waiting before the request: its answer may come at once */
		f->state = LF_LB_WAIT;
		f->req_ns = ktime_get_ns();
		if (lf_lb_user_request(bm->model, f->key, f->in)) {
			lf_lb_count(LF_LB_ST_UPFAIL);
			f->state = LF_LB_UNSCORED;
		} else {
			lf_lb_count(LF_LB_ST_UPCALLS);
		}
		return up & BIT(d) ? d : lf_lb_path_pick_hash(f->key, up);
	}
	lf_lb_count(LF_LB_ST_QUERIES);
	if (lf_query_model(bm->model, f->key, f->in, f->out)) {
		lf_lb_count(LF_LB_ST_QERRORS);
		f->state = LF_LB_UNSCORED;
		return lf_lb_path_pick_hash(f->key, up);
	}
	f->state = LF_LB_SCORED;
	best = lf_lb_best(f->out, bm, up);
	return best < 0 ? lf_lb_path_pick_hash(f->key, up) : best;
}

/* the flow's path is down: the next best up path */
static u32 lf_lb_repath(struct lf_lb_flow *f, u32 up)
{
	struct lf_bound *bm = lf_lb_model_rcu();
	int best = -1;

	if (f->state == LF_LB_SCORED && bm)
		best = lf_lb_best(f->out, bm, up);
	return best < 0 ? lf_lb_path_pick_hash(f->key, up) : best;
}

static struct lf_lb_flow *lf_lb_find(struct lf_lb_bucket *b, u64 key,
				     __be32 s, __be32 d, __be16 sp, __be16 dp)
{
	struct lf_lb_flow *f;

	hlist_for_each_entry(f, &b->head, node)
		if (f->key == key && f->sport == sp && f->dport == dp &&
		    f->saddr == s && f->daddr == d)
			return f;
	return NULL;
}

/* A flow has ended (unlinked): path count, label, lf_core cache, free. */
static void lf_lb_flow_end(struct lf_lb_flow *f, enum lf_lb_stat why, u64 now)
{
	u32 bytes = f->end - f->isn - 1;
	struct lf_bound *bm;

	u64 fct_us = div_u64(now - f->start_ns, NSEC_PER_USEC);
	bool done = bytes && fct_us && (why == LF_LB_ST_END_FIN);
	/* what the flow got, kbit/s = bytes x 8 / us x 1000 */
	u32 lg = done ? lf_lb_lg(div64_u64((u64)bytes * 8000, fct_us)) : 0;

	lf_lb_count(why);
	lf_lb_path_flow(f->path, -1);
	if (done)
		lf_lb_path_flow_done(f->path, lg);
	rcu_read_lock();
	bm = lf_lb_model_rcu();
	if (bm && f->queried) {
		s32 label[LF_LB_N_OUT];
		int i, ret;

		/*
		 * The MLP's outputs describe the throughput a flow of about
		 * label_bytes would get on the path: a smaller flow's is set
		 * by its size (slow start's round trips), not by the path,
		 * and would teach the MLP the size mix of each path's flows.
		 */
		if (f->state == LF_LB_SCORED && done &&
		    bytes >= READ_ONCE(lf_lb_tun.label_bytes)) {
			for (i = 0; i < LF_LB_N_OUT; i++)
				label[i] = f->out[i];
			label[f->path] = lf_lb_to_fmt(lg, bm->out_frac[f->path]);
			ret = lf_collect_sample(bm->model, f->key, f->in, f->out,
						label, LF_LB_N_OUT);
			if (!ret)
				lf_lb_count(LF_LB_ST_LABELS);
			else if (ret == -ENOBUFS)
				lf_lb_count(LF_LB_ST_LABEL_DROPS);
		}
		lf_flow_forget(bm->model, f->key);
	}
	rcu_read_unlock();
	kmem_cache_free(lf_lb_cache, f);
}

static struct lf_lb_flow *lf_lb_new(u64 key, __be32 s, __be32 d, __be16 sp,
				    __be16 dp, u32 seq, u64 now)
{
	struct lf_lb_flow *f;

	if (atomic_read(&lf_lb_nflows) >= READ_ONCE(lf_lb_tun.max_flows)) {
		lf_lb_count(LF_LB_ST_FULL);
		return NULL;
	}
	f = kmem_cache_zalloc(lf_lb_cache, GFP_ATOMIC);
	if (!f) {
		lf_lb_count(LF_LB_ST_NOMEM);
		return NULL;
	}
	f->key = key;
	f->saddr = s;
	f->daddr = d;
	f->sport = sp;
	f->dport = dp;
	f->isn = seq;
	f->end = seq + 1;
	f->start_ns = now;
	f->last_ns = now;
	return f;
}

/**
 * lf_lb_flow_packet() - the path of one TCP packet leaving the host
 * @s: source address
 * @d: destination address
 * @sp: source port
 * @dp: destination port
 * @seq: sequence number
 * @payload: payload bytes
 * @flags: LF_LB_F_* of the packet; LF_LB_F_PEERFIN when the sending socket
 *         has received the peer's FIN (or is not a full socket)
 * @retry: the packet's previous path failed (now marked down): only pick
 *         again, count nothing
 * @retx: set when the packet retransmits data
 *
 * Return: the path (0..npaths - 1); -1 if no path is up.
 */
int lf_lb_flow_packet(__be32 s, __be32 d, __be16 sp, __be16 dp, u32 seq,
		      u32 payload, u8 flags, bool retry, bool *retx)
{
	u64 key = lf_lb_key(s, d, sp, dp);
	struct lf_lb_bucket *b = &lf_lb_tbl[key & lf_lb_mask];
	int mode = READ_ONCE(lf_lb_tun.mode);
	enum lf_lb_stat why = LF_LB_ST_END_FIN;
	struct lf_lb_flow *f, *gone = NULL;
	u32 up = lf_lb_paths_up();
	u64 now = ktime_get_ns(), gap;
	int path;

	*retx = false;
	if (!up)
		return -1;
	spin_lock_bh(&b->lock);
	f = lf_lb_find(b, key, s, d, sp, dp);
	if (!retry && (flags & LF_LB_F_SYN) && !(flags & LF_LB_F_ACK)) {
		if (f && f->isn == seq) {	/* retransmitted SYN */
			*retx = true;
			goto have;
		}
		if (f) {			/* the tuple's old flow is over */
			hlist_del(&f->node);
			atomic_dec(&lf_lb_nflows);
			gone = f;
			why = LF_LB_ST_END_REUSE;
		}
		f = lf_lb_new(key, s, d, sp, dp, seq, now);
		if (!f)
			goto untracked;
		switch (mode) {
		case LF_LB_NN:
		case LF_LB_USER:
			path = lf_lb_ask(f, mode, up);
			break;
		case LF_LB_FLOWLET:
			path = lf_lb_path_pick_random(up);
			break;
		default:
			path = lf_lb_path_pick_hash(key, up);
			break;
		}
		f->path = path;
		lf_lb_path_flow(path, 1);
		hlist_add_head(&f->node, &b->head);
		atomic_inc(&lf_lb_nflows);
		lf_lb_count(LF_LB_ST_FLOWS);
		goto out;
	}
	if (!f)
		goto untracked;
have:
	if (!(up & BIT(f->path))) {
		lf_lb_move(f, lf_lb_repath(f, up));
		lf_lb_count(LF_LB_ST_REPATH);
	}
	if (retry)
		goto keep;
	gap = now - f->last_ns;
	if (mode == LF_LB_FLOWLET &&
	    gap > (u64)READ_ONCE(lf_lb_tun.flowlet_us) * NSEC_PER_USEC) {
		lf_lb_move(f, lf_lb_path_pick_random(up));
		lf_lb_count(LF_LB_ST_FLOWLETS);
	} else if (mode == LF_LB_NN && READ_ONCE(lf_lb_tun.nn_flowlet_us) &&
		   gap > (u64)READ_ONCE(lf_lb_tun.nn_flowlet_us) * NSEC_PER_USEC) {
		lf_lb_move(f, lf_lb_ask(f, mode, up));
		lf_lb_count(LF_LB_ST_FLOWLETS);
	}
	f->last_ns = now;
	if (payload) {
		if (after(seq + payload, f->end))
			f->end = seq + payload;
		else
			*retx = true;
	}
	if (flags & LF_LB_F_FIN)
		f->fin = 1;
	if ((flags & LF_LB_F_RST) || (f->fin && (flags & LF_LB_F_PEERFIN))) {
		hlist_del(&f->node);
		atomic_dec(&lf_lb_nflows);
		why = flags & LF_LB_F_RST ? LF_LB_ST_END_RST : LF_LB_ST_END_FIN;
		path = f->path;
		gone = f;
		goto out;
	}
keep:
	path = f->path;
	goto out;
untracked:
	path = lf_lb_path_pick_hash(key, up);
out:
	spin_unlock_bh(&b->lock);
	if (gone)
		lf_lb_flow_end(gone, why, now);
	return path;
}

bool lf_lb_flow_answer(u64 key, const s32 *out, u32 n_out)
{
	struct lf_lb_bucket *b = &lf_lb_tbl[key & lf_lb_mask];
	struct lf_bound *bm;
	struct lf_lb_flow *f;
	bool done = false;
	int best;

	if (n_out != LF_LB_N_OUT)
		return false;
	rcu_read_lock();
	bm = lf_lb_model_rcu();
	spin_lock_bh(&b->lock);
	hlist_for_each_entry(f, &b->head, node) {
		if (f->key != key || f->state != LF_LB_WAIT)
			continue;
		if (bm) {
			memcpy(f->out, out, sizeof(f->out));
			f->state = LF_LB_SCORED;
			best = lf_lb_best(f->out, bm, lf_lb_paths_up());
			if (best >= 0)
				lf_lb_move(f, best);
			lf_lb_add(LF_LB_ST_UPCALL_US,
				  div_u64(ktime_get_ns() - f->req_ns, NSEC_PER_USEC));
			done = true;
		}
		break;
	}
	spin_unlock_bh(&b->lock);
	rcu_read_unlock();
	return done;
}

static void lf_lb_age(struct work_struct *w)
{
	u64 idle = (u64)READ_ONCE(lf_lb_tun.idle_ms) * NSEC_PER_MSEC;
	u64 now = ktime_get_ns();
	struct lf_lb_flow *f;
	struct hlist_node *t;
	HLIST_HEAD(old);
	u32 i;

	for (i = 0; i <= lf_lb_mask; i++) {
		struct lf_lb_bucket *b = &lf_lb_tbl[i];

		if (hlist_empty(&b->head))
			continue;
		spin_lock_bh(&b->lock);
		hlist_for_each_entry_safe(f, t, &b->head, node) {
			if (now - f->last_ns < idle)
				continue;
			hlist_del(&f->node);
			atomic_dec(&lf_lb_nflows);
			hlist_add_head(&f->node, &old);
		}
		spin_unlock_bh(&b->lock);
		hlist_for_each_entry_safe(f, t, &old, node) {
			hlist_del(&f->node);
			lf_lb_flow_end(f, LF_LB_ST_END_IDLE, now);
		}
		cond_resched();
	}
	schedule_delayed_work(&lf_lb_age_work,
			      clamp(msecs_to_jiffies(READ_ONCE(lf_lb_tun.idle_ms)) / 2,
				    1UL, (unsigned long)HZ));
}

int lf_lb_flow_init(void)
{
	u32 i, n = flow_buckets;

	if (n < 16 || n > (1U << 22) || !is_power_of_2(n)) {
		pr_err("flow_buckets %u: want a power of two in 16..4194304\n", n);
		return -EINVAL;
	}
	get_random_bytes(&lf_lb_hkey, sizeof(lf_lb_hkey));
	lf_lb_tbl = kvcalloc(n, sizeof(*lf_lb_tbl), GFP_KERNEL);
	lf_lb_cache = KMEM_CACHE(lf_lb_flow, 0);
	if (!lf_lb_tbl || !lf_lb_cache) {
		kvfree(lf_lb_tbl);
		kmem_cache_destroy(lf_lb_cache);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		spin_lock_init(&lf_lb_tbl[i].lock);
		INIT_HLIST_HEAD(&lf_lb_tbl[i].head);
	}
	lf_lb_mask = n - 1;
	INIT_DELAYED_WORK(&lf_lb_age_work, lf_lb_age);
	schedule_delayed_work(&lf_lb_age_work, HZ / 10);
	return 0;
}

/* after the hooks and the userspace transport are gone: nothing adds flows */
void lf_lb_flow_exit(void)
{
	struct lf_lb_flow *f;
	struct hlist_node *t;
	u32 i;

	cancel_delayed_work_sync(&lf_lb_age_work);
	for (i = 0; i <= lf_lb_mask; i++)
		hlist_for_each_entry_safe(f, t, &lf_lb_tbl[i].head, node) {
			hlist_del(&f->node);
			lf_lb_path_flow(f->path, -1);
			kmem_cache_free(lf_lb_cache, f);
		}
	kvfree(lf_lb_tbl);
	kmem_cache_destroy(lf_lb_cache);
}
