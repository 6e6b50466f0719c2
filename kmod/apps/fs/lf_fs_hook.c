// SPDX-License-Identifier: GPL-2.0
/*
 * lf_fs_hook.c - lf_fs's netfilter hooks: NF_INET_LOCAL_OUT for IPv4 and
 * IPv6 in every network namespace.
 *
 * Why LOCAL_OUT: flow scheduling is decided by the sending host, for its own
 * flows.  LOCAL_OUT sees every locally generated packet, starting with the
 * SYN, in the sender's context and before any qdisc, so the class it writes
 * (DSCP and skb->priority) drives the host's own qdisc and every hop after
 * it; forwarded traffic never passes it, and nothing has to be attached per
 * device (a tc clsact filter would need one per egress device and sees
 * packets only after routing picked that device).  POST_ROUTING would work
 * too but also sees forwarded packets.
 *
 * Only TCP is classified (IPv6: when TCP directly follows the fixed header).
 * A GSO packet counts with its whole payload; its segments inherit the mark.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "lf_fs.h"

static u8 lf_fs_tcp_flags(const struct tcphdr *th)
{
	return (th->fin ? LF_FS_F_FIN : 0) | (th->syn ? LF_FS_F_SYN : 0) |
	       (th->rst ? LF_FS_F_RST : 0) | (th->psh ? LF_FS_F_PSH : 0) |
	       (th->ack ? LF_FS_F_ACK : 0);
}

static void lf_fs_mark(struct sk_buff *skb, int cls, bool v6)
{
	u8 ds = (cls + 1) << 5;		/* CS(cls + 1), ECN bits kept */

	this_cpu_inc(lf_fs_stats->pkts[cls]);
	skb->priority = cls;
	if (skb_ensure_writable(skb, skb_network_offset(skb) +
				(v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr))))
		return;
	if (v6)
		ipv6_change_dsfield(ipv6_hdr(skb), INET_ECN_MASK, ds);
	else
		ipv4_change_dsfield(ip_hdr(skb), INET_ECN_MASK, ds);
}

static int lf_fs_tcp(struct sk_buff *skb, unsigned int l4off, u32 l3len,
		     const struct in6_addr *s, const struct in6_addr *d,
		     bool v6)
{
	struct tcphdr _th;
	const struct tcphdr *th;
	u32 thlen;
	int cls;

	th = skb_header_pointer(skb, l4off, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	thlen = th->doff * 4;
	if (thlen < sizeof(*th) || l3len < thlen)
		return NF_ACCEPT;
	cls = lf_fs_flow_packet(s, d, th->source, th->dest, ntohl(th->seq),
				l3len - thlen, lf_fs_tcp_flags(th));
	if (cls >= 0)
		lf_fs_mark(skb, cls, v6);
	return NF_ACCEPT;
}

static unsigned int lf_fs_out4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct in6_addr s, d;
	u32 ihl;

	if (READ_ONCE(lf_fs_tun.mode) == LF_FS_OFF || iph->protocol != IPPROTO_TCP ||
	    ip_is_fragment(iph))
		return NF_ACCEPT;
	ihl = iph->ihl * 4;
	if (ntohs(iph->tot_len) < ihl)
		return NF_ACCEPT;
	ipv6_addr_set_v4mapped(iph->saddr, &s);
	ipv6_addr_set_v4mapped(iph->daddr, &d);
	return lf_fs_tcp(skb, skb_network_offset(skb) + ihl,
			 ntohs(iph->tot_len) - ihl, &s, &d, false);
}

static unsigned int lf_fs_out6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6 = ipv6_hdr(skb);

	if (READ_ONCE(lf_fs_tun.mode) == LF_FS_OFF || ip6->nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	/* a GSO packet's payload_len may be 0 (jumbogram): use the skb */
	return lf_fs_tcp(skb, skb_network_offset(skb) + sizeof(*ip6),
			 skb->len - skb_network_offset(skb) - sizeof(*ip6),
			 &ip6->saddr, &ip6->daddr, true);
}

static const struct nf_hook_ops lf_fs_ops[] = {
	{
		.hook = lf_fs_out4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_MANGLE,
	},
	{
		.hook = lf_fs_out6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_MANGLE,
	},
};

static int __net_init lf_fs_net_init(struct net *net)
{
	return nf_register_net_hooks(net, lf_fs_ops, ARRAY_SIZE(lf_fs_ops));
}

static void __net_exit lf_fs_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, lf_fs_ops, ARRAY_SIZE(lf_fs_ops));
}

static struct pernet_operations lf_fs_net_ops = {
	.init = lf_fs_net_init,
	.exit = lf_fs_net_exit,
};

int lf_fs_hook_init(void)
{
	return register_pernet_subsys(&lf_fs_net_ops);
}

void lf_fs_hook_exit(void)
{
	unregister_pernet_subsys(&lf_fs_net_ops);
}
