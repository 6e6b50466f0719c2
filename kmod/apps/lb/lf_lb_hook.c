// SPDX-License-Identifier: GPL-2.0
/*
 * lf_lb_hook.c - lf_lb's datapath: an NF_INET_LOCAL_OUT hook (IPv4) in the
 * network namespaces lf_lb is attached to, which sets the packet mark of
 * the flow's path and routes the packet again.
 *
 * Why a packet mark and policy routing rather than a tc redirect: the path
 * is then an ordinary route (ip rule fwmark -> table -> next hop and
 * device), so the kernel's FIB picks the device, the next hop and its
 * neighbour entry (the right destination MAC), and `ip route get ... mark M`
 * shows what a path is.  A tc redirect from one device's egress to another
 * device would carry the link-layer header built for the first device's
 * next hop: every path would need its own header rewrite (pedit) kept in
 * step with its neighbour, and a path whose route is gone would not be
 * noticed.  Re-routing at LOCAL_OUT (ip_route_me_harder(), what iptables'
 * MARK target in the mangle table triggers) also tells the module at once
 * when a path has no route: the packet is routed on another path before it
 * leaves, and the path is marked down (no flow is black-holed by a deleted
 * link).  The cost is one FIB lookup per packet.
 *
 * Attaching per namespace (parameter netns, written from inside it) keeps
 * the hook out of namespaces whose marks and routes lf_lb does not own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/tcp.h>
#include "lf_lb.h"

struct lf_lb_net {
	bool attached;
};

static unsigned int lf_lb_net_id __read_mostly;
static DEFINE_MUTEX(lf_lb_attach_lock);
static atomic_t lf_lb_nattached = ATOMIC_INIT(0);

static u8 lf_lb_tcp_flags(const struct tcphdr *th, const struct sock *sk)
{
	u8 f = (th->fin ? LF_LB_F_FIN : 0) | (th->syn ? LF_LB_F_SYN : 0) |
	       (th->rst ? LF_LB_F_RST : 0) | (th->ack ? LF_LB_F_ACK : 0);

	/*
	 * The flow's last packet: the ACK of the peer's FIN, sent by the
	 * socket after it received that FIN (RCV_SHUTDOWN), or by the
	 * namespace's control socket once the socket is in TIME_WAIT.
	 */
	if (!sk || (sk->sk_shutdown & RCV_SHUTDOWN) ||
	    ((1 << sk->sk_state) & (TCPF_TIME_WAIT | TCPF_CLOSE | TCPF_LAST_ACK)))
		f |= LF_LB_F_PEERFIN;
	return f;
}

/* the packet's TCP socket, if it is a full one (not a control socket) */
static struct sock *lf_lb_tcp_sock(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	if (!sk || !sk_fullsock(sk) || sk->sk_type != SOCK_STREAM ||
	    sk->sk_protocol != IPPROTO_TCP)
		return NULL;
	return sk;
}

static unsigned int lf_lb_out4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	u32 mask, base, ihl, l3len, thlen, seq, payload, srtt = 0;
	const struct tcphdr *th;
	__be32 saddr, daddr;
	__be16 sport, dport;
	struct tcphdr _th;
	struct sock *sk;
	int path, tries;
	bool retx;
	u8 flags;

	if (READ_ONCE(lf_lb_tun.mode) == LF_LB_OFF ||
	    iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
		return NF_ACCEPT;
	ihl = iph->ihl * 4;
	l3len = ntohs(iph->tot_len);
	if (l3len < ihl)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, skb_network_offset(skb) + ihl, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || l3len - ihl < thlen)
		return NF_ACCEPT;
	sk = lf_lb_tcp_sock(skb);
	if (sk)
		srtt = tcp_sk(sk)->srtt_us >> 3;
	flags = lf_lb_tcp_flags(th, sk);
	saddr = iph->saddr;
	daddr = iph->daddr;
	sport = th->source;
	dport = th->dest;
	seq = ntohl(th->seq);
	/* a GSO packet counts with its whole payload */
	payload = skb->len - skb_network_offset(skb) - ihl - thlen;
	mask = READ_ONCE(lf_lb_tun.mark_mask);
	base = READ_ONCE(lf_lb_tun.mark_base);
	for (tries = 0; tries <= LF_LB_PATHS_MAX; tries++) {
		path = lf_lb_flow_packet(saddr, daddr, sport, dport, seq,
					 payload, flags, tries > 0, &retx);
		if (path < 0)
			break;
		skb->mark = (skb->mark & ~mask) | ((base + path) & mask);
		/* iph and th may be stale after this (headroom expansion) */
		if (!ip_route_me_harder(state->net, state->sk, skb, RTN_UNSPEC)) {
			lf_lb_path_seen_dev(path, skb_dst(skb)->dev);
			lf_lb_path_packet(path, skb->len, retx, srtt);
			return NF_ACCEPT;
		}
		lf_lb_count(LF_LB_ST_NOROUTE);
		lf_lb_path_set_down(path, true, "no route");
	}
	/* no path is up: the packet keeps the route it came with */
	skb->mark &= ~mask;
	return NF_ACCEPT;
}

static const struct nf_hook_ops lf_lb_ops[] = {
	{
		.hook = lf_lb_out4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_MANGLE,
	},
};

/**
 * lf_lb_attach() - attach lf_lb to, or detach it from, the caller's netns
 * @attach: true to attach
 *
 * Return: 0 (also when nothing changes), -EPERM without CAP_NET_ADMIN in the
 * namespace, or the error of nf_register_net_hooks().
 */
int lf_lb_attach(bool attach)
{
	struct net *net = current->nsproxy->net_ns;
	struct lf_lb_net *ln = net_generic(net, lf_lb_net_id);
	int ret = 0;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	mutex_lock(&lf_lb_attach_lock);
	if (attach && !ln->attached) {
		ret = nf_register_net_hooks(net, lf_lb_ops, ARRAY_SIZE(lf_lb_ops));
		if (!ret) {
			ln->attached = true;
			atomic_inc(&lf_lb_nattached);
		}
	} else if (!attach && ln->attached) {
		nf_unregister_net_hooks(net, lf_lb_ops, ARRAY_SIZE(lf_lb_ops));
		ln->attached = false;
		atomic_dec(&lf_lb_nattached);
	}
	mutex_unlock(&lf_lb_attach_lock);
	return ret;
}

u32 lf_lb_attached(void)
{
	return atomic_read(&lf_lb_nattached);
}

static void __net_exit lf_lb_net_exit(struct net *net)
{
	struct lf_lb_net *ln = net_generic(net, lf_lb_net_id);

	mutex_lock(&lf_lb_attach_lock);
	if (ln->attached) {
		nf_unregister_net_hooks(net, lf_lb_ops, ARRAY_SIZE(lf_lb_ops));
		ln->attached = false;
		atomic_dec(&lf_lb_nattached);
	}
	mutex_unlock(&lf_lb_attach_lock);
}

static struct pernet_operations lf_lb_net_ops = {
	.exit = lf_lb_net_exit,
	.id = &lf_lb_net_id,
	.size = sizeof(struct lf_lb_net),
};

int lf_lb_hook_init(void)
{
	return register_pernet_subsys(&lf_lb_net_ops);
}

/* detaches from every namespace; waits for running hooks */
void lf_lb_hook_exit(void)
{
	unregister_pernet_subsys(&lf_lb_net_ops);
}
