// SPDX-License-Identifier: GPL-2.0
/*
 * lf_lb_path.c - lf_lb's paths: statistics updated from the datapath (every
 * packet the hook routes: bytes, packets, retransmissions, the sending
 * socket's smoothed RTT), turned into the MLP's features by a 100 ms tick
 * (rate, loss), and each path's state.
 *
 * A path goes down when the device its route leaves through goes down or is
 * unregistered (netdevice notifier: the path learns its device from the
 * first packet routed on it), when re-routing a packet on it fails (its
 * table has no usable route: lf_lb_hook.c), or by hand (parameter
 * path_state).  A down path gets no new flows, and the flows on it move to an
 * up path at their next packet (lf_lb_flow.c).  It comes back up when its
 * device comes up again, or by hand.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include "lf_lb.h"

#define LF_LB_TICK_MS	100

/**
 * struct lf_lb_path - one path
 * @bytes: bytes routed on the path
 * @pkts: packets routed on the path
 * @retx: of @pkts, retransmissions (TCP sequence below the flow's highest)
 * @flows: flows on the path now
 * @assigned: flows ever put on the path (by a first pick, a flowlet or a
 *            re-path)
 * @srtt_q8: EWMA (1/8) of lg(srtt in us) of the sockets sending on it, Q8
 * @loss_q8: loss in percent, Q8 (EWMA of the ticks)
 * @rate_kbps: sending rate over the last tick (EWMA 1/2)
 * @thr_q8: EWMA (1/4) of lg(kbit/s) the flows that ended on it got, Q8
 * @down: the path is down
 * @downs: times it went down
 * @ifindex: device of the path's route (0: not seen yet)
 * @net_cookie: that device's network namespace
 * @last_bytes: @bytes at the last tick (tick only)
 * @last_pkts: @pkts at the last tick (tick only)
 * @last_retx: @retx at the last tick (tick only)
 */
struct lf_lb_path {
	atomic64_t bytes;
	atomic64_t pkts;
	atomic64_t retx;
	atomic_t flows;
	atomic64_t assigned;
	u32 srtt_q8;
	u32 loss_q8;
	u32 rate_kbps;
	u32 thr_q8;
	u32 down;
	u32 downs;
	int ifindex;
	u64 net_cookie;
	u64 last_bytes, last_pkts, last_retx;
};

static struct lf_lb_path lf_lb_paths[LF_LB_PATHS_MAX];
static struct delayed_work lf_lb_tick_work;
static DEFINE_SPINLOCK(lf_lb_dev_lock);	/* ifindex/net_cookie pairs */

bool lf_lb_path_up(u32 i)
{
	return i < READ_ONCE(lf_lb_tun.npaths) && !READ_ONCE(lf_lb_paths[i].down);
}

u32 lf_lb_paths_up(void)
{
	u32 i, n = READ_ONCE(lf_lb_tun.npaths), m = 0;

	for (i = 0; i < n; i++)
		if (!READ_ONCE(lf_lb_paths[i].down))
			m |= BIT(i);
	return m;
}

void lf_lb_path_set_down(u32 i, bool down, const char *why)
{
	struct lf_lb_path *p;

	if (i >= LF_LB_PATHS_MAX)
		return;
	p = &lf_lb_paths[i];
	/* one caller wins the change (the datapath may race the notifier) */
	if (cmpxchg(&p->down, !down, down) != !down)
		return;
	if (down)
		WRITE_ONCE(p->downs, p->downs + 1);
	pr_info("path %u %s (%s)\n", i, down ? "down" : "up", why);
}

void lf_lb_path_seen_dev(u32 i, const struct net_device *dev)
{
	struct lf_lb_path *p = &lf_lb_paths[i];
	u64 cookie = dev_net(dev)->net_cookie;

	if (likely(READ_ONCE(p->ifindex) == dev->ifindex &&
		   READ_ONCE(p->net_cookie) == cookie))
		return;
	spin_lock_bh(&lf_lb_dev_lock);
	WRITE_ONCE(p->ifindex, dev->ifindex);
	WRITE_ONCE(p->net_cookie, cookie);
	spin_unlock_bh(&lf_lb_dev_lock);
}

void lf_lb_path_packet(u32 i, u32 bytes, bool retx, u32 srtt_us)
{
	struct lf_lb_path *p = &lf_lb_paths[i];

	atomic64_add(bytes, &p->bytes);
	atomic64_inc(&p->pkts);
	if (retx)
		atomic64_inc(&p->retx);
	if (srtt_us) {
		u32 lg = lf_lb_lg(srtt_us), old = READ_ONCE(p->srtt_q8);

		/* racing writers may lose an update: it is an estimate */
		WRITE_ONCE(p->srtt_q8, old ? old + ((s32)(lg - old)) / 8 : lg);
	}
}

void lf_lb_path_flow(u32 i, int delta)
{
	atomic_add(delta, &lf_lb_paths[i].flows);
	if (delta > 0)
		atomic64_add(delta, &lf_lb_paths[i].assigned);
}

void lf_lb_path_flow_done(u32 i, u32 lg_kbps)
{
	struct lf_lb_path *p = &lf_lb_paths[i];
	u32 old = READ_ONCE(p->thr_q8);

	WRITE_ONCE(p->thr_q8, old ? old + ((s32)(lg_kbps - old)) / 4 : lg_kbps);
}

void lf_lb_path_features(u32 feat[LF_LB_N_IN])
{
	u32 i, n = READ_ONCE(lf_lb_tun.npaths), min = U32_MAX;

	memset(feat, 0, sizeof(u32) * LF_LB_N_IN);
	for (i = 0; i < n; i++) {
		u32 s = READ_ONCE(lf_lb_paths[i].srtt_q8);

		if (!READ_ONCE(lf_lb_paths[i].down) && s && s < min)
			min = s;
	}
	for (i = 0; i < n; i++) {
		struct lf_lb_path *p = &lf_lb_paths[i];
		u32 *f = feat + i * LF_LB_NFEAT, s = READ_ONCE(p->srtt_q8);
		int fl = atomic_read(&p->flows);

		if (READ_ONCE(p->down))
			continue;
		f[0] = 1 << LF_LB_Q;
		f[1] = s && min != U32_MAX && s > min ? s - min : 0;
		f[2] = READ_ONCE(p->loss_q8);
		f[3] = lf_lb_lg((u64)READ_ONCE(p->rate_kbps) + 1);
		f[4] = clamp(fl, 0, 255) << LF_LB_Q;
		f[5] = READ_ONCE(p->thr_q8);
	}
}

/* a uniformly random path of the mask @up (not 0) */
u32 lf_lb_path_pick_random(u32 up)
{
	u32 k = get_random_u32_below(hweight32(up));

	while (k--)
		up &= up - 1;
	return __ffs(up);
}

/* the path of @hash among the paths of @up (not 0): ECMP's choice */
u32 lf_lb_path_pick_hash(u64 hash, u32 up)
{
	u32 k = (u32)(hash % hweight32(up));

	while (k--)
		up &= up - 1;
	return __ffs(up);
}

static void lf_lb_tick(struct work_struct *w)
{
	u32 i, n = READ_ONCE(lf_lb_tun.npaths), min = U32_MAX;

	for (i = 0; i < n; i++) {
		u32 s = READ_ONCE(lf_lb_paths[i].srtt_q8);

		if (!READ_ONCE(lf_lb_paths[i].down) && s && s < min)
			min = s;
	}
	for (i = 0; i < LF_LB_PATHS_MAX; i++) {
		struct lf_lb_path *p = &lf_lb_paths[i];
		u64 b = atomic64_read(&p->bytes), k = atomic64_read(&p->pkts);
		u64 r = atomic64_read(&p->retx);
		u64 db = b - p->last_bytes, dk = k - p->last_pkts;
		u64 dr = r - p->last_retx;
		/* kbit/s over the tick: bytes x 8 / 100 ms */
		u32 kbps = (u32)min_t(u64, div_u64(db * 8, LF_LB_TICK_MS), U32_MAX);
		u32 old = READ_ONCE(p->loss_q8);

		p->last_bytes = b;
		p->last_pkts = k;
		p->last_retx = r;
		WRITE_ONCE(p->rate_kbps, (READ_ONCE(p->rate_kbps) + kbps) / 2);
		if (dk) {
			u32 loss = (u32)div64_u64(dr * (100 << LF_LB_Q), dk);

			WRITE_ONCE(p->loss_q8, old + ((s32)(loss - old)) / 4);
		} else {
			/*
			 * No traffic: what the path showed ages toward what
			 * the best path shows, so it is tried again.
			 */
			u32 s = READ_ONCE(p->srtt_q8);

			WRITE_ONCE(p->loss_q8, old - old / 32);
			if (s && min != U32_MAX && s > min)
				WRITE_ONCE(p->srtt_q8, s - (s - min + 31) / 32);
		}
	}
	schedule_delayed_work(&lf_lb_tick_work, msecs_to_jiffies(LF_LB_TICK_MS));
}

/* inverse of lf_lb_lg() (0 for 0) */
static u64 lf_lb_exp2(u32 q)
{
	u32 e = q >> LF_LB_Q, m = q & 0xff;

	if (!q)
		return 0;
	if (e >= 48)
		return BIT_ULL(48);
	return BIT_ULL(e) + ((BIT_ULL(e) * m) >> 8);
}

/* the configured paths, one line each (parameter path_state) */
int lf_lb_path_show(char *buf)
{
	u32 i, n = READ_ONCE(lf_lb_tun.npaths);
	int len = 0;

	for (i = 0; i < n; i++) {
		struct lf_lb_path *p = &lf_lb_paths[i];

		len += sysfs_emit_at(buf, len,
				     "path %u state %s flows %d assigned %lld bytes %lld pkts %lld retx %lld srtt_us %llu loss_pct_q8 %u rate_kbps %u flow_kbps %llu downs %u ifindex %d\n",
				     i, READ_ONCE(p->down) ? "down" : "up",
				     atomic_read(&p->flows),
				     (s64)atomic64_read(&p->assigned),
				     (s64)atomic64_read(&p->bytes),
				     (s64)atomic64_read(&p->pkts),
				     (s64)atomic64_read(&p->retx),
				     lf_lb_exp2(READ_ONCE(p->srtt_q8)),
				     READ_ONCE(p->loss_q8), READ_ONCE(p->rate_kbps),
				     lf_lb_exp2(READ_ONCE(p->thr_q8)),
				     READ_ONCE(p->downs), READ_ONCE(p->ifindex));
	}
	return len;
}

static int lf_lb_netdev_event(struct notifier_block *nb, unsigned long ev,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	u64 cookie = dev_net(dev)->net_cookie;
	bool down;
	u32 i;

	switch (ev) {
	case NETDEV_GOING_DOWN:
	case NETDEV_DOWN:
	case NETDEV_UNREGISTER:
		down = true;
		break;
	case NETDEV_UP:
		down = false;
		break;
	case NETDEV_CHANGE:
		down = !netif_carrier_ok(dev);
		break;
	default:
		return NOTIFY_DONE;
	}
	for (i = 0; i < LF_LB_PATHS_MAX; i++) {
		struct lf_lb_path *p = &lf_lb_paths[i];
		bool match;

		spin_lock_bh(&lf_lb_dev_lock);
		match = p->ifindex == dev->ifindex && p->net_cookie == cookie;
		if (match && ev == NETDEV_UNREGISTER)
			p->ifindex = 0;	/* the index may be reused */
		spin_unlock_bh(&lf_lb_dev_lock);
		if (match)
			lf_lb_path_set_down(i, down, netdev_cmd_to_name(ev));
	}
	return NOTIFY_DONE;
}

static struct notifier_block lf_lb_netdev_nb = {
	.notifier_call = lf_lb_netdev_event,
};

int lf_lb_path_init(void)
{
	int ret = register_netdevice_notifier(&lf_lb_netdev_nb);

	if (ret)
		return ret;
	INIT_DELAYED_WORK(&lf_lb_tick_work, lf_lb_tick);
	schedule_delayed_work(&lf_lb_tick_work, msecs_to_jiffies(LF_LB_TICK_MS));
	return 0;
}

void lf_lb_path_exit(void)
{
	cancel_delayed_work_sync(&lf_lb_tick_work);
	unregister_netdevice_notifier(&lf_lb_netdev_nb);
}
