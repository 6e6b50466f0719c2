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
 *   lf_nltest chunks MODEL FILE MODE   a chunked push of FILE (32 KiB chunks)
 *                            that goes wrong: MODE partial (half the chunks,
 *                            no commit), gap (chunk 0, then chunk 2: EINVAL,
 *                            then COMMIT: ENOENT), early (chunk 0, then
 *                            COMMIT: EINVAL), other (another socket's chunk
 *                            in between: EINVAL).  Exits non-zero on an
 *                            unexpected answer.
 *   lf_nltest answer V       joins the "queries" group, waits (10 s) for one
 *                            userspace query and answers it malformed
 *                            (EINVAL, the query keeps waiting), then with
 *                            n_out copies of V (0), again (stale: 0) and for
 *                            an unknown sequence number (stale: 0); checks
 *                            lf_core's UQ_* counters moved by exactly that.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "lfnl/lfnl.h"

#define LF_IO_MAX_TEST 1024

static struct lfnl *h;

static struct nl_msg *new_msg(uint8_t cmd, int flags)
{
	return lfnl_msg(h, cmd, flags, 80 * 1024);
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

static struct reply request(struct nl_msg *msg)
{
	struct reply r = { .err = lfnl_request(h, msg, NULL, NULL) };

	return r;
}

/* the state a malformed message must not change: model lin and the config */
static struct reply state(void)
{
	struct reply r = { 0 };
	struct lfnl_model *m;
	struct lfnl_config c;
	size_t n;

	if (!lfnl_get_models(h, "lin", &m, &n) && n == 1) {
		r.active = m->active;
		r.standby = m->standby;
		r.switches = m->stat[LF_ATTR_STAT_SWITCHES];
		r.pushes = m->stat[LF_ATTR_STAT_PUSHES];
		lfnl_free_models(m, n);
	}
	if (!lfnl_get_config(h, &c)) {
		r.cache_size = c.cache_size;
		r.ageing = c.ageing_ms;
	}
	return r;
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

	msg = new_msg(LF_CMD_DEACTIVATE, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u32(msg, LF_ATTR_SAMPLE_COUNT, 1);
	expect("deactivate + reply-only attribute", msg, EINVAL);

	msg = new_msg(LF_CMD_DEACTIVATE, 0);
	put_raw(msg, LF_ATTR_MODEL_ID, &two, sizeof(two));
	expect("deactivate, 2-byte u32 model id", msg, EINVAL);

	msg = new_msg(LF_CMD_PUSH_CHUNK, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u32(msg, LF_ATTR_OFFSET, 0);
	nla_put_u32(msg, LF_ATTR_TOTAL, 0);
	put_raw(msg, LF_ATTR_PARAMS, big, 64);
	expect("push chunk, TOTAL 0", msg, ERANGE);

	msg = new_msg(LF_CMD_PUSH_CHUNK, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u32(msg, LF_ATTR_OFFSET, 64);
	nla_put_u32(msg, LF_ATTR_TOTAL, 128);
	put_raw(msg, LF_ATTR_PARAMS, big, 64);
	expect("push chunk, no push started", msg, EINVAL);

	msg = new_msg(LF_CMD_PUSH_COMMIT, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, "lin");
	nla_put_u64(msg, LF_ATTR_ARCH_HASH, 0x4c494e0004000003ULL);
	expect("push commit, nothing staged", msg, ENOENT);

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
	struct nl_sock *sk = lfnl_sock(h);
	int fd = nl_socket_get_fd(sk);

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (time(NULL) < end) {
		int i, n = rnd(7);
		uint8_t cmd = rnd(5) ? 1 + rnd(LF_CMD_MAX + 1) : rnd(256);

		/* a valid DEACTIVATE legitimately fails the stress module's
		 * queries; its malformed forms are in cmd_bad() */
		if (cmd == LF_CMD_DEACTIVATE)
			continue;
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

static struct nl_msg *chunk_msg(const char *model, uint32_t off, uint32_t total,
				 const char *buf, uint32_t n)
{
	struct nl_msg *msg = new_msg(LF_CMD_PUSH_CHUNK, 0);

	nla_put_string(msg, LF_ATTR_MODEL_NAME, model);
	nla_put_u32(msg, LF_ATTR_OFFSET, off);
	nla_put_u32(msg, LF_ATTR_TOTAL, total);
	nla_put(msg, LF_ATTR_PARAMS, n, buf + off);
	return msg;
}

static int want(const char *what, struct reply r, int err)
{
	if (r.err == -err) {
		printf("ok   %s: %s\n", what, strerror(err));
		return 0;
	}
	printf("FAIL %s: got %d, want -%d\n", what, r.err, err);
	return 1;
}

static int cmd_chunks(const char *model, const char *path, const char *mode)
{
	enum { CH = 32768 };
	static char buf[1 << 20];
	FILE *f = fopen(path, "rb");
	uint32_t size, off;
	struct nl_msg *msg;
	int bad = 0;

	if (!f)
		return 2;
	size = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (size < 3 * CH)
		return 2;
	if (!strcmp(mode, "partial")) {
		for (off = 0; off < size / 2; off += CH)
			bad |= want("chunk", request(chunk_msg(model, off, size, buf, CH)), 0);
		return bad;
	}
	bad |= want("chunk 0", request(chunk_msg(model, 0, size, buf, CH)), 0);
	if (!strcmp(mode, "gap")) {
		bad |= want("chunk 2 after chunk 0",
			    request(chunk_msg(model, 2 * CH, size, buf, CH)), EINVAL);
	} else if (!strcmp(mode, "early")) {
		/* nothing to do: commit now */
	} else if (!strcmp(mode, "other")) {
		struct lfnl *mine = h;

		h = lfnl_open();
		if (!h || lfnl_family(h) < 0)
			return 2;
		bad |= want("chunk 1 from another socket",
			    request(chunk_msg(model, CH, size, buf, CH)), EINVAL);
		lfnl_close(h);
		h = mine;
		bad |= want("chunk 1 from the first socket",
			    request(chunk_msg(model, CH, size, buf, CH)), 0);
	} else {
		return 2;
	}
	msg = new_msg(LF_CMD_PUSH_COMMIT, 0);
	nla_put_string(msg, LF_ATTR_MODEL_NAME, model);
	nla_put_u64(msg, LF_ATTR_ARCH_HASH, 0x4c494e0004000003ULL);
	bad |= want("commit", request(msg), !strcmp(mode, "gap") ? ENOENT : EINVAL);
	return bad;
}

static struct lfnl_query got;
static int32_t got_in[LF_IO_MAX_TEST];
static int got_n;

static int on_query(struct nl_msg *msg, void *arg)
{
	struct lfnl_query q;

	(void)arg;
	if (got_n || lfnl_parse_query(msg, &q) || q.n_in > LF_IO_MAX_TEST)
		return NL_SKIP;
	got = q;
	memcpy(got_in, q.in, q.n_in * sizeof(*got_in));
	got.in = got_in;
	got.model = NULL;
	got_n = 1;
	return NL_OK;
}

static struct nl_msg *answer_msg(uint32_t id, uint64_t seq, const int32_t *v, int n)
{
	struct nl_msg *msg = new_msg(LF_CMD_ANSWER, 0);

	nla_put_u32(msg, LF_ATTR_MODEL_ID, id);
	nla_put_u64(msg, LF_ATTR_QUERY_SEQ, seq);
	if (n >= 0)
		put_raw(msg, LF_ATTR_ANSWER, v, n * (int)sizeof(*v));
	return msg;
}

static int cmd_answer(int32_t val)
{
	struct lfnl *q = lfnl_open();
	struct lfnl_config c0, c1;
	struct lfnl_model *m;
	int32_t v[LF_IO_MAX_TEST + 1];
	uint32_t n_out;
	struct pollfd pfd;
	size_t nm;
	int i;

	if (!q || lfnl_family(q) < 0 || lfnl_join_queries(q)) {
		fprintf(stderr, "lf_nltest: %s\n", q ? lfnl_error(q) : "out of memory");
		return 1;
	}
	nl_socket_disable_seq_check(lfnl_sock(q));
	nl_socket_modify_cb(lfnl_sock(q), NL_CB_VALID, NL_CB_CUSTOM, on_query, NULL);
	printf("joined\n");
	fflush(stdout);
	pfd.fd = nl_socket_get_fd(lfnl_sock(q));
	pfd.events = POLLIN;
	while (!got_n) {
		if (poll(&pfd, 1, 10000) <= 0) {
			printf("FAIL no query within 10 s\n");
			return 1;
		}
		nl_recvmsgs_default(lfnl_sock(q));
	}
	if (lfnl_get_models(h, NULL, &m, &nm))
		return 1;
	n_out = 0;
	for (i = 0; i < (int)nm; i++)
		if (m[i].id == got.model_id)
			n_out = m[i].n_out;
	lfnl_free_models(m, nm);
	if (!n_out || n_out > LF_IO_MAX_TEST) {
		printf("FAIL query for model id %u: no such model\n", got.model_id);
		return 1;
	}
	printf("query: model id %u seq %llu, %u inputs\n", got.model_id,
	       (unsigned long long)got.seq, got.n_in);
	for (i = 0; i <= LF_IO_MAX_TEST; i++)
		v[i] = val;
	lfnl_get_config(h, &c0);
	{
		struct nl_msg *msg = new_msg(LF_CMD_ANSWER, 0);

		nla_put_u32(msg, LF_ATTR_MODEL_ID, got.model_id);
		put_raw(msg, LF_ATTR_ANSWER, v, n_out * sizeof(*v));
		expect("answer without QUERY_SEQ", msg, EINVAL);
	}
	{
		struct nl_msg *msg = new_msg(LF_CMD_ANSWER, 0);
		uint32_t four = 1;

		nla_put_u32(msg, LF_ATTR_MODEL_ID, got.model_id);
		put_raw(msg, LF_ATTR_QUERY_SEQ, &four, sizeof(four));
		put_raw(msg, LF_ATTR_ANSWER, v, n_out * sizeof(*v));
		expect("answer, 4-byte u64 QUERY_SEQ", msg, EINVAL);
	}
	{
		struct nl_msg *msg = answer_msg(got.model_id, got.seq, NULL, -1);

		put_raw(msg, LF_ATTR_ANSWER, v, 3);
		expect("answer, 3-byte ANSWER", msg, EINVAL);
	}
	expect("answer, empty ANSWER", answer_msg(got.model_id, got.seq, v, 0), EINVAL);
	expect("answer for another model", answer_msg(got.model_id + 1000, got.seq, v, n_out),
	       EINVAL);
	expect("answer with n_out + 1 values", answer_msg(got.model_id, got.seq, v, n_out + 1),
	       EINVAL);
	expect("answer", answer_msg(got.model_id, got.seq, v, n_out), 0);
	expect("the same answer again (stale)", answer_msg(got.model_id, got.seq, v, n_out), 0);
	expect("answer to an unknown query (stale)",
	       answer_msg(got.model_id, got.seq + 1000000, v, n_out), 0);
	lfnl_get_config(h, &c1);
	printf("uq: answered +%llu stale +%llu bad +%llu\n",
	       (unsigned long long)(c1.uq_answered - c0.uq_answered),
	       (unsigned long long)(c1.uq_stale - c0.uq_stale),
	       (unsigned long long)(c1.uq_bad - c0.uq_bad));
	if (c1.uq_answered - c0.uq_answered != 1 || c1.uq_stale - c0.uq_stale != 2 ||
	    c1.uq_bad - c0.uq_bad != 2) {
		printf("FAIL counters: want answered +1 stale +2 bad +2\n");
		failures++;
	}
	lfnl_close(q);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		goto usage;
	h = lfnl_open();
	if (!h || lfnl_family(h) < 0) {
		fprintf(stderr, "lf_nltest: %s\n", h ? lfnl_error(h) : "out of memory");
		return 1;
	}
	if (!strcmp(argv[1], "bad"))
		return cmd_bad();
	if (!strcmp(argv[1], "answer") && argc == 3)
		return cmd_answer((int32_t)strtol(argv[2], NULL, 0));
	if (!strcmp(argv[1], "chunks") && argc == 5)
		return cmd_chunks(argv[2], argv[3], argv[4]);
	if (!strcmp(argv[1], "fuzz") && argc >= 3) {
		if (argc >= 4)
			rng ^= strtoull(argv[3], NULL, 0) * 0x9E3779B97F4A7C15ULL;
		return cmd_fuzz(atoi(argv[2]));
	}
usage:
	fprintf(stderr, "usage: lf_nltest bad | fuzz SECS [SEED] | chunks MODEL FILE MODE | answer V\n");
	return 2;
}
