// SPDX-License-Identifier: GPL-2.0
/*
 * lf_fs_responder - the userspace half of lf_fs's mode "user" (the userspace
 * deployment baseline): answers every LF_FS_CMD_QUERY of lf_fs.ko with the
 * flow-size predictor's output, computed by the snapshot's own C (the lfc
 * package of the bundled FFNN, selected by lf_snap_sel.h at build time:
 * bit-exact with the kernel's snapshot), and sends LF_FS_CMD_ANSWER back.
 *
 * Protocol (uapi/lf_fs.h): QUERY {FLOW u64, INPUTS 4 x s32 in the model's
 * input formats} arrives on multicast group "query" of family "lf_fs";
 * ANSWER {FLOW u64, OUTPUT s32 lg(size) in the model's output format} is a
 * unicast request to the kernel (CAP_NET_ADMIN).  No acks are requested.
 *
 * Usage: lf_fs_responder [--count N] [--delay-us D]
 *   --count N     exit after N answers (default: run until killed)
 *   --delay-us D  wait D microseconds before each answer (a busier userspace)
 * On exit prints "lf_fs_responder: answered N errors E" on stderr.
 * Errors: one line on stderr, exit 1.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "lf_snap_sel.h"
#include "uapi/lf_fs.h"

static struct nl_sock *sk;
static int family;
static long left = -1, answered, errors;
static long delay_us;
static volatile sig_atomic_t stop;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "lf_fs_responder: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_query(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[LF_FS_ATTR_MAX + 1];
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	int32_t in[LF_SEL_N_IN], out[LF_SEL_N_OUT];
	struct nl_msg *ans;
	uint64_t flow;

	(void)arg;
	if (gh->cmd != LF_FS_CMD_QUERY ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_FS_ATTR_MAX, NULL) ||
	    !tb[LF_FS_ATTR_FLOW] || !tb[LF_FS_ATTR_INPUTS] ||
	    nla_len(tb[LF_FS_ATTR_INPUTS]) != (int)sizeof(in)) {
		errors++;
		return NL_SKIP;
	}
	flow = nla_get_u64(tb[LF_FS_ATTR_FLOW]);
	memcpy(in, nla_data(tb[LF_FS_ATTR_INPUTS]), sizeof(in));
	if (LF_SEL_INFER(&LF_SEL_PARAMS, in, out)) {
		errors++;
		return NL_SKIP;
	}
	if (delay_us) {
		struct timespec ts = { delay_us / 1000000, (delay_us % 1000000) * 1000 };

		nanosleep(&ts, NULL);
	}
	ans = nlmsg_alloc();
	if (!ans || !genlmsg_put(ans, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 LF_FS_CMD_ANSWER, LF_FS_GENL_VERSION) ||
	    nla_put_u64(ans, LF_FS_ATTR_FLOW, flow) ||
	    nla_put_s32(ans, LF_FS_ATTR_OUTPUT, out[0]) || nl_send_auto(sk, ans) < 0)
		errors++;
	else
		answered++;
	nlmsg_free(ans);
	if (left > 0 && --left == 0)
		stop = 1;
	return NL_OK;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	int i, grp, ret;

	_Static_assert(LF_SEL_N_IN == LF_FS_N_IN, "the predictor must take lf_fs's inputs");
	for (i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			left = strtol(argv[++i], &end, 10);
			if (*end || left <= 0)
				die("--count: '%s' is not a positive integer", argv[i]);
		} else if (!strcmp(argv[i], "--delay-us") && i + 1 < argc) {
			delay_us = strtol(argv[++i], &end, 10);
			if (*end || delay_us < 0)
				die("--delay-us: '%s' is not a non-negative integer", argv[i]);
		} else {
			die("unknown argument '%s' (usage: lf_fs_responder [--count N] [--delay-us D])",
			    argv[i]);
		}
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk))
		die("cannot open a generic netlink socket%s", "");
	family = genl_ctrl_resolve(sk, LF_FS_GENL_NAME);
	if (family < 0)
		die("generic netlink family '%s' not found: is lf_fs loaded?", LF_FS_GENL_NAME);
	grp = genl_ctrl_resolve_grp(sk, LF_FS_GENL_NAME, LF_FS_MCGRP_QUERY);
	if (grp < 0)
		die("multicast group '%s' not found", LF_FS_MCGRP_QUERY);
	nl_socket_disable_seq_check(sk);
	nl_socket_disable_auto_ack(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_query, NULL);
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	ret = nl_socket_add_membership(sk, grp);
	if (ret == -NLE_PERM)
		die("permission denied: CAP_NET_ADMIN required%s", "");
	if (ret < 0)
		die("cannot join the query group: %s", nl_geterror(ret));
	fprintf(stderr, "lf_fs_responder: answering %s queries\n", LF_FS_GENL_NAME);
	nl_socket_set_nonblocking(sk);
	while (!stop) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(sk), .events = POLLIN };

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		ret = nl_recvmsgs_default(sk);
		if (ret < 0 && ret != -NLE_INTR && ret != -NLE_AGAIN && ret != -NLE_NOMEM) {
			fprintf(stderr, "lf_fs_responder: receive: %s\n", nl_geterror(ret));
			errors++;
		}
	}
	fprintf(stderr, "lf_fs_responder: answered %ld errors %ld\n", answered, errors);
	return 0;
}
