// SPDX-License-Identifier: GPL-2.0
/*
 * lf_bench_user - userspace half of lf_bench's upcall round trip: receives
 * inputs on family "lf_bench" group "req", computes the lin snapshot
 * function (the same code as the kernel module, kmod/test/lf_snap_lin.h, V1
 * weights) and sends the outputs back.  Exits on the DONE message or after
 * 60 s without requests.
 * Built with -DLF_BENCH_SNAP (examples/aurora/build.sh) it computes a
 * generated snapshot's function instead (NAME.c linked in, lf_snap_sel.h),
 * as lf_bench.ko built the same way does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#ifdef LF_BENCH_SNAP
#include "lf_snap_sel.h"
typedef int32_t s32;
#define B_IN LF_SEL_N_IN
#define B_OUT LF_SEL_N_OUT
#define b_params LF_SEL_PARAMS
#define b_compute(p, in, out) LF_SEL_INFER(p, in, out)
#else
#include "lf_snap_lin.h"
#define B_IN LIN_IN
#define B_OUT LIN_OUT
static const struct lf_lin_params params = LIN_PARAMS_V1;
#define b_params params
#define b_compute(p, in, out) lf_lin_compute(p, in, out)
#endif

enum { A_UNSPEC, A_INPUTS, A_OUTPUTS, A_SEQ, A_MAX = A_SEQ };
enum { C_UNSPEC, C_REQ, C_REPLY, C_DONE };

static struct nl_sock *tx;
static int family, done;
static unsigned long served;

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = genlmsg_hdr(nlmsg_hdr(msg));
	struct nlattr *tb[A_MAX + 1];
	s32 in[B_IN], out[B_OUT];
	struct nl_msg *r;

	(void)arg;
	if (gh->cmd == C_DONE) {
		done = 1;
		return NL_STOP;
	}
	if (gh->cmd != C_REQ || genlmsg_parse(nlmsg_hdr(msg), 0, tb, A_MAX, NULL) ||
	    !tb[A_INPUTS] || !tb[A_SEQ] || nla_len(tb[A_INPUTS]) != sizeof(in))
		return NL_SKIP;
	memcpy(in, nla_data(tb[A_INPUTS]), sizeof(in));
	b_compute(&b_params, in, out);
	r = nlmsg_alloc();
	genlmsg_put(r, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0, C_REPLY, 1);
	nla_put_u32(r, A_SEQ, nla_get_u32(tb[A_SEQ]));
	nla_put(r, A_OUTPUTS, sizeof(out), out);
	nl_send_auto(tx, r);
	nlmsg_free(r);
	served++;
	return NL_OK;
}

int main(void)
{
	struct nl_sock *rx = nl_socket_alloc();
	int grp;

	tx = nl_socket_alloc();
	if (!rx || !tx || genl_connect(rx) || genl_connect(tx)) {
		fprintf(stderr, "lf_bench_user: no netlink\n");
		return 1;
	}
	family = genl_ctrl_resolve(tx, "lf_bench");
	grp = genl_ctrl_resolve_grp(rx, "lf_bench", "req");
	if (family < 0 || grp < 0) {
		fprintf(stderr, "lf_bench_user: family lf_bench not found (lf_bench.ko loaded?)\n");
		return 1;
	}
	nl_socket_disable_auto_ack(tx);
	nl_socket_disable_seq_check(rx);
	nl_socket_modify_cb(rx, NL_CB_VALID, NL_CB_CUSTOM, on_msg, NULL);
	if (nl_socket_add_membership(rx, grp)) {
		fprintf(stderr, "lf_bench_user: cannot join group\n");
		return 1;
	}
	while (!done)
		if (nl_recvmsgs_default(rx) < 0)
			break;
	printf("lf_bench_user: served %lu requests\n", served);
	return 0;
}
