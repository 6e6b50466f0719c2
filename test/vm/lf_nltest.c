// SPDX-License-Identifier: GPL-2.0
/*
 * lf_nltest - send malformed and random messages to the "liteflow" family.
 *
 *   lf_nltest bad            malformed/oversized/unknown attributes must get
 *                            EINVAL (ERANGE for out-of-range integers) and
 *                            change no state; exits non-zero on a mismatch.
 *                            Expects model "lin" with an active and a
 *                            standby snapshot.
 *   lf_nltest fuzz SECS [SEED]   random messages for SECS seconds
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "uapi/liteflow.h"

static struct nl_sock *sk;
static int family;

static struct nl_msg *new_msg(uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(80 * 1024);

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, LF_GENL_VERSION);
	return msg;
}

/* raw attribute: any type, any length */
static void put_raw(struct nl_msg *msg, int type, const void *data, int len)
{
	struct nlattr *a = nlmsg_reserve(msg, NLA_HDRLEN + len, NLA_ALIGNTO);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

struct reply {
	int err;
	uint32_t active, standby;
	uint64_t switches, pushes;
	uint32_t cache_size, ageing;
};

static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	((struct reply *)arg)->err = e->error;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->err = 0;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;
	struct nlattr *tb[LF_ATTR_MAX + 1], *a;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, LF_ATTR_MAX, NULL))
		return NL_OK;
	if (tb[LF_ATTR_ACTIVE_VERSION])
		r->active = nla_get_u32(tb[LF_ATTR_ACTIVE_VERSION]);
	if (tb[LF_ATTR_STANDBY_VERSION])
		r->standby = nla_get_u32(tb[LF_ATTR_STANDBY_VERSION]);
	if (tb[LF_ATTR_CACHE_SIZE])
		r->cache_size = nla_get_u32(tb[LF_ATTR_CACHE_SIZE]);
	if (tb[LF_ATTR_AGEING_MS])
		r->ageing = nla_get_u32(tb[LF_ATTR_AGEING_MS]);
	if (tb[LF_ATTR_STATS])
		nla_for_each_nested(a, tb[LF_ATTR_STATS], rem) {
			if (nla_type(a) == LF_ATTR_STAT_SWITCHES)
				r->switches = nla_get_u64(a);
			if (nla_type(a) == LF_ATTR_STAT_PUSHES)
				r->pushes = nla_get_u64(a);
		}
	return NL_OK;
}

static struct reply request(struct nl_msg *msg)
{
	struct reply r = { .err = 1 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &r);
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	if (nl_send_auto(sk, msg) < 0) {
		fprintf(stderr, "send failed\n");
		exit(1);
	}
	nlmsg_free(msg);
	while (r.err > 0)
		if (nl_recvmsgs(sk, cb) < 0 && r.err > 0)
			break;
	nl_cb_put(cb);
	return r;
}

static struct reply state(void)
{
	struct nl_msg *msg = new_msg(LF_CMD_GET_MODEL, 0);
	struct reply m, c;

	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	m = request(msg);
	c = request(new_msg(LF_CMD_GET_CONFIG, 0));
	m.cache_size = c.cache_size;
	m.ageing = c.ageing;
	return m;
}

static int failures;

static void expect(const char *what, struct nl_msg *msg, int want)
{
	struct reply before = state(), r = request(msg), after = state();
	int same = before.active == after.active && before.standby == after.standby &&
		   before.switches == after.switches && before.pushes == after.pushes &&
		   before.cache_size == after.cache_size && before.ageing == after.ageing;

	if (r.err != -want || !same) {
		printf("FAIL %s: got %d (%s), want -%d (%s), state %s\n", what, r.err,
		       strerror(-r.err), want, strerror(want), same ? "unchanged" : "CHANGED");
		failures++;
	} else {
		printf("ok   %s: %s, state unchanged\n", what, strerror(want));
	}
}

static int cmd_bad(void)
{
	char big[200], nonul[8] = "linlinli";
	uint16_t two = 1;
	uint64_t eight = 1;
	uint32_t zero = 0, four = 4;
	struct nl_msg *msg;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u32(msg, LF_ATTR_MAX + 5, 1);
	expect("activate + unknown attribute type", msg, EINVAL);

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u32(msg, LF_ATTR_OUTPUTS, 1);
	expect("activate + reply-only attribute", msg, EINVAL);

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, big);
	expect("activate, 199-byte model name", msg, EINVAL);

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	put_raw(msg, LF_ATTR_MODEL_NAME, nonul, sizeof(nonul));
	expect("activate, model name without NUL", msg, EINVAL);

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	put_raw(msg, LF_ATTR_MODEL_ID, &two, sizeof(two));
	expect("activate, 2-byte u32 model id", msg, EINVAL);

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	put_raw(msg, LF_ATTR_VERSION, &eight, sizeof(eight));
	expect("activate, 8-byte u32 version", msg, EINVAL);

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	{
		/* attribute header claiming more bytes than the message has */
		struct nlattr *a = nlmsg_reserve(msg, 8, NLA_ALIGNTO);

		a->nla_type = LF_ATTR_VERSION;
		a->nla_len = 200;
	}
	expect("activate, truncated attribute", msg, EINVAL);

	msg = new_msg(LF_CMD_EVAL, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	put_raw(msg, LF_ATTR_INPUTS, big, 6);
	expect("eval, 6-byte s32 array", msg, EINVAL);

	msg = new_msg(LF_CMD_EVAL, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	put_raw(msg, LF_ATTR_INPUTS, big, 12);
	expect("eval, 3 inputs for a 4-input model", msg, EINVAL);

	msg = new_msg(LF_CMD_EVAL, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	put_raw(msg, LF_ATTR_INPUTS, big, 16);
	nla_put_u8(msg, LF_ATTR_SLOT, 7);
	expect("eval, slot 7", msg, ERANGE);

	msg = new_msg(LF_CMD_PUSH, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u64(msg, LF_ATTR_ARCH_HASH, 0x4c494e0004000003ULL);
	put_raw(msg, LF_ATTR_PARAMS, NULL, 0);
	expect("push, empty params", msg, EINVAL);

	msg = new_msg(LF_CMD_PUSH, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u64(msg, LF_ATTR_ARCH_HASH, 0x4c494e0004000003ULL);
	put_raw(msg, LF_ATTR_PARAMS, big, 60);
	expect("push, params of the wrong size", msg, EINVAL);

	msg = new_msg(LF_CMD_PUSH, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u64(msg, LF_ATTR_ARCH_HASH, 0x1234);
	put_raw(msg, LF_ATTR_PARAMS, big, 64);
	expect("push, wrong arch hash", msg, EINVAL);

	msg = new_msg(LF_CMD_SET_CONFIG, 0);
	put_raw(msg, LF_ATTR_CACHE_SIZE, &zero, sizeof(zero));
	expect("config, cache-size 0", msg, ERANGE);

	msg = new_msg(LF_CMD_SET_CONFIG, 0);
	put_raw(msg, LF_ATTR_AGEING_MS, &eight, sizeof(eight));
	expect("config, 8-byte ageing", msg, EINVAL);

	msg = new_msg(LF_CMD_SET_CONFIG, 0);
	nla_put_u32(msg, LF_ATTR_AGEING_MS, 500);
	put_raw(msg, LF_ATTR_CACHE_SIZE, &four, 3);
	expect("config, valid ageing + 3-byte cache-size", msg, EINVAL);

	msg = new_msg(LF_CMD_GET_CONFIG, 0);
	nla_put_u32(msg, LF_ATTR_MAX + 1, 1);
	expect("get-config + unknown attribute", msg, EINVAL);

	msg = new_msg(LF_CMD_GET_MODEL, NLM_F_DUMP);
	nla_put_u32(msg, LF_ATTR_SAMPLES, 1);
	expect("dump models + reply-only attribute", msg, EINVAL);

	msg = new_msg(77, 0);
	expect("unknown command", msg, EOPNOTSUPP);

	/* genlmsghdr.reserved must be zero (strict header validation) */
	msg = new_msg(LF_CMD_ACTIVATE, 0);
	((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->reserved = 1;
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	expect("activate, non-zero genlmsghdr.reserved", msg, EINVAL);

	msg = new_msg(LF_CMD_ACTIVATE, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "nosuchmodel");
	expect("activate unknown model", msg, ENOENT);

	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

static int cmd_fuzz(int secs)
{
	static char buf[70000];
	time_t end = time(NULL) + secs;
	unsigned long sent = 0, errs = 0;
	int fd = nl_socket_get_fd(sk);

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (time(NULL) < end) {
		int i, n = rnd(7);
		uint8_t cmd = rnd(5) ? 1 + rnd(LF_CMD_MAX + 1) : rnd(256);
		struct nl_msg *msg = new_msg(cmd, rnd(4) == 0 ? NLM_F_DUMP : 0);

		for (i = 0; i < n; i++) {
			int type = rnd(8) ? rnd(LF_ATTR_MAX + 3) : rnd(65536);
			int len;
			char data[512];

			switch (rnd(6)) {
			case 0:
				len = 0;
				break;
			case 1:
				len = 4;
				break;
			case 2:
				len = 8;
				break;
			case 3:
				len = 1 + rnd(sizeof(data));
				break;
			case 4:
				len = 16 * (1 + rnd(8));
				break;
			default:
				len = 1 + rnd(40);
				break;
			}
			for (int j = 0; j < len; j++)
				data[j] = rnd(3) ? (char)rnd(256) : 0;
			if (rnd(3) == 0) {
				nla_put_string(msg, LF_ATTR_MODEL_NAME, rnd(2) ? "lin" : "nope");
				continue;
			}
			if (rnd(10) == 0) {	/* small sane integers for config */
				uint32_t v = 1 + rnd(5000);

				put_raw(msg, type, &v, 4);
				continue;
			}
			put_raw(msg, type, data, len);
		}
		if (rnd(20) == 0) {	/* truncated tail */
			struct nlattr *a = nlmsg_reserve(msg, 4, NLA_ALIGNTO);

			a->nla_len = 4 + rnd(1000);
			a->nla_type = rnd(LF_ATTR_MAX + 2);
		}
		if (nl_send_auto(sk, msg) >= 0)
			sent++;
		else
			errs++;
		nlmsg_free(msg);
		while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
	}
	printf("fuzz: %lu messages sent in %d s (%lu send errors)\n", sent, secs, errs);
	return 0;
}

int main(int argc, char **argv)
{
	int one = 1;

	if (argc < 2)
		goto usage;
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "lf_nltest: no netlink\n");
		return 1;
	}
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	family = genl_ctrl_resolve(sk, LF_GENL_NAME);
	if (family < 0) {
		fprintf(stderr, "lf_nltest: family %s not found\n", LF_GENL_NAME);
		return 1;
	}
	if (!strcmp(argv[1], "bad"))
		return cmd_bad();
	if (!strcmp(argv[1], "fuzz") && argc >= 3) {
		if (argc >= 4)
			rng ^= strtoull(argv[3], NULL, 0) * 0x9E3779B97F4A7C15ULL;
		return cmd_fuzz(atoi(argv[2]));
	}
usage:
	fprintf(stderr, "usage: lf_nltest bad | fuzz SECS [SEED]\n");
	return 2;
}
