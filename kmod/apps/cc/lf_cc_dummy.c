// SPDX-License-Identifier: GPL-2.0
/*
 * lf_cc_dummy.c - lf_dummy: the kernel's own BBR, plus one NN query per ACK
 * whose result is ignored (the LiteFlow paper's LF-Dummy-NN).  It measures
 * what the framework costs a datapath: compare its goodput and CPU with bbr.
 *
 * The BBR used is the kernel's: at load, a throw-away kernel socket selects
 * "bbr" (autoloading tcp_bbr), and lf_dummy takes a reference on that
 * module and reuses its callbacks; only cong_control is wrapped.  The query
 * uses the model bound to dummy_model (default "aurora") and the connection's
 * 4-tuple hash as flow key; its inputs are an empty Aurora history in the
 * model's formats.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/net.h>
#include <linux/in.h>
#include <net/inet_sock.h>
#include "lf_cc.h"

static const struct tcp_congestion_ops *lf_cc_bbr;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
static void lf_cc_dummy_cong_control(struct sock *sk, u32 ack, int flag,
				     const struct rate_sample *rs)
#else
static void lf_cc_dummy_cong_control(struct sock *sk,
				     const struct rate_sample *rs)
#endif
{
	const struct inet_sock *inet = inet_sk(sk);
	s32 in[LF_CC_IN_MAX], out[LF_CC_OUT_MAX];
	struct lf_bound *b;
	u64 key;
	u32 i;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	lf_cc_bbr->cong_control(sk, ack, flag, rs);
#else
	lf_cc_bbr->cong_control(sk, rs);
#endif
	rcu_read_lock();
	b = lf_cc_model_rcu(LF_CC_DUMMY);
	if (b) {
		for (i = 0; i < b->n_in; i++)
			in[i] = (i % LF_CC_NFEAT) ?
				(b->in_frac[i] >= 0 && b->in_frac[i] < 31 ?
				 1 << b->in_frac[i] : 0) : 0;
		key = ((u64)sk->sk_hash << 32) ^ ((u64)ntohs(inet->inet_sport) << 16) ^
		      ntohs(inet->inet_dport);
		lf_cc_count(LF_CC_DUMMY, LF_CC_ST_QUERIES);
		if (lf_query_model(b->model, key, in, out))
			lf_cc_count(LF_CC_DUMMY, LF_CC_ST_QERRORS);
	} else {
		lf_cc_count(LF_CC_DUMMY, LF_CC_ST_NOMODEL);
	}
	rcu_read_unlock();
}

static void lf_cc_dummy_init(struct sock *sk)
{
	lf_cc_count(LF_CC_DUMMY, LF_CC_ST_CONNS);
	if (lf_cc_bbr->init)
		lf_cc_bbr->init(sk);
}

struct tcp_congestion_ops lf_cc_dummy_ops = {
	.name	= "lf_dummy",
	.owner	= THIS_MODULE,
};

/* find the kernel's BBR through a kernel socket's TCP_CONGESTION */
int lf_cc_dummy_setup(void)
{
	char name[] = "bbr";
	const struct tcp_congestion_ops *ca;
	struct socket *sock;
	int ret;

	ret = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &sock);
	if (ret)
		return ret;
	ret = sock->ops->setsockopt(sock, SOL_TCP, TCP_CONGESTION,
				    KERNEL_SOCKPTR(name), sizeof(name) - 1);
	ca = inet_csk(sock->sk)->icsk_ca_ops;
	if (!ret && (strcmp(ca->name, name) || !ca->cong_control ||
		     !try_module_get(ca->owner)))
		ret = -ENOENT;
	sock_release(sock);
	if (ret) {
		pr_err("lf_dummy: the kernel's bbr is not available (%d)\n", ret);
		return ret;
	}
	lf_cc_bbr = ca;
	lf_cc_dummy_ops.flags = ca->flags;
	lf_cc_dummy_ops.init = lf_cc_dummy_init;
	lf_cc_dummy_ops.release = ca->release;
	lf_cc_dummy_ops.ssthresh = ca->ssthresh;
	lf_cc_dummy_ops.cong_avoid = ca->cong_avoid;
	lf_cc_dummy_ops.set_state = ca->set_state;
	lf_cc_dummy_ops.cwnd_event = ca->cwnd_event;
	lf_cc_dummy_ops.in_ack_event = ca->in_ack_event;
	lf_cc_dummy_ops.pkts_acked = ca->pkts_acked;
	lf_cc_dummy_ops.min_tso_segs = ca->min_tso_segs;
	lf_cc_dummy_ops.undo_cwnd = ca->undo_cwnd;
	lf_cc_dummy_ops.sndbuf_expand = ca->sndbuf_expand;
	lf_cc_dummy_ops.get_info = ca->get_info;
	lf_cc_dummy_ops.cong_control = lf_cc_dummy_cong_control;
	return 0;
}

void lf_cc_dummy_cleanup(void)
{
	if (lf_cc_bbr)
		module_put(lf_cc_bbr->owner);
	lf_cc_bbr = NULL;
}
