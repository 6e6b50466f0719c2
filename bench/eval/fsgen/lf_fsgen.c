// SPDX-License-Identifier: GPL-2.0
/*
 * lf_fsgen - the flow-scheduling evaluation's traffic generator: an epoll
 * client that opens TCP flows with sizes drawn from a flow-size CDF file at
 * Poisson arrivals for a given load of the bottleneck, and an epoll server
 * that sinks them.  One line per flow: its size and completion time.
 *
 *   lf_fsgen server [--port P] [--services K]
 *   lf_fsgen client --dst ADDR --cdf FILE --load L --rate-mbit R
 *                   (--flows N | --duration S) [--port P] [--services K]
 *                   [--scale X] [--max-size B] [--seed S] [--drain S]
 *                   [--oracle T1,T2,...] [--out FILE]
 *   lf_fsgen check-cdf FILE      validate a CDF file, print its mean size
 *
 * Flows: a flow draws u ~ U(0,1), its size is the CDF's inverse at u (the
 * first size below the first probability, linear between points), times
 * --scale, at most --max-size bytes.  With K services the flow goes to port
 * P + floor(u K): each service (destination port) carries one quantile band
 * of the distribution, the structure FLUX-style predictors learn from
 * history; the sizes of all flows still follow the CDF.  The client connects,
 * writes the size's bytes, shuts its side down and waits for the server's
 * close: FCT = connect() to end of file at the client (size plus about one
 * RTT of handshake and one of teardown).
 *
 * Arrivals: Poisson with rate load x rate / mean size (the mean of the scaled,
 * truncated distribution, by Monte Carlo with the same draws).  --oracle
 * marks each flow's socket with the DSCP class of its true size (IP_TOS
 * (class + 1) << 5, lf_fs's marking), the shortest-job-first oracle.
 *
 * Output (--out, default stdout): "flow ID size BYTES service K start_us T
 * fct_us F" per finished flow; a summary line on stderr.  User errors: one
 * line on stderr naming the thing at fault, exit 1 (a CDF line that does not
 * parse, sizes that do not increase, probabilities that decrease or leave
 * (0, 1], a last probability that is not 1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXPTS 256
#define MAXSVC 64
#define MAXCONC 8192
#define CHUNK (256 * 1024)

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("lf_fsgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

/* xorshift64*: reproducible draws from --seed */
static uint64_t rng_s = 88172645463325252ull;
static double urand(void)
{
	rng_s ^= rng_s >> 12;
	rng_s ^= rng_s << 25;
	rng_s ^= rng_s >> 27;
	return ((rng_s * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

static double cdf_x[MAXPTS], cdf_p[MAXPTS];
static int cdf_n;

static void read_cdf(const char *path)
{
	char line[512];
	int ln = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *h = strchr(line, '#'), *p = line, extra[2];
		double x, q;

		ln++;
		if (h)
			*h = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			continue;
		if (sscanf(p, "%lf %lf %1s", &x, &q, extra) != 2 || !(x >= 1))
			die("%s:%d: expected 'SIZE_BYTES PROBABILITY' with a size >= 1", path, ln);
		if (!(q > 0 && q <= 1))
			die("%s:%d: probability %g outside (0, 1]", path, ln, q);
		if (cdf_n && x <= cdf_x[cdf_n - 1])
			die("%s:%d: size %g does not increase (previous %g): not monotone",
			    path, ln, x, cdf_x[cdf_n - 1]);
		if (cdf_n && q < cdf_p[cdf_n - 1])
			die("%s:%d: probability %g decreases (previous %g): not monotone",
			    path, ln, q, cdf_p[cdf_n - 1]);
		if (cdf_n == MAXPTS)
			die("%s:%d: more than %d points", path, ln, MAXPTS);
		cdf_x[cdf_n] = x;
		cdf_p[cdf_n++] = q;
	}
	fclose(f);
	if (!cdf_n)
		die("%s: no points", path);
	if (cdf_p[cdf_n - 1] != 1)
		die("%s:%d: the last probability is %g, not 1", path, ln, cdf_p[cdf_n - 1]);
}

static double scale = 1, max_size = 1e12;

static uint64_t size_at(double u)
{
	double s = cdf_x[0];
	int i;

	for (i = 1; i < cdf_n; i++) {
		if (u <= cdf_p[i]) {
			double w = cdf_p[i] - cdf_p[i - 1];

			s = u <= cdf_p[i - 1] ? cdf_x[i - 1] :
			    cdf_x[i - 1] + (cdf_x[i] - cdf_x[i - 1]) * (w > 0 ? (u - cdf_p[i - 1]) / w : 1);
			break;
		}
	}
	s = fmin(round(s * scale), max_size);
	return s < 1 ? 1 : (uint64_t)s;
}

static double mean_size(void)
{
	uint64_t save = rng_s;
	double sum = 0;
	int i, n = 200000;

	rng_s = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < n; i++)
		sum += size_at(urand());
	rng_s = save;
	return sum / n;
}

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static double num(const char *opt, const char *v, double lo, double hi)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || !(d >= lo && d <= hi))
		die("%s: '%s' is not a number in [%g, %g]", opt, v, lo, hi);
	return d;
}

static int run_server(int port, int svc)
{
	static char buf[CHUNK];
	struct epoll_event ev, evs[256];
	int ep = epoll_create1(0), i, one = 1;

	for (i = 0; i < svc; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port + i) };
		int l = socket(AF_INET, SOCK_STREAM, 0);

		setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4096))
			die("port %d: %s", port + i, strerror(errno));
		nonblock(l);
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)l << 1 | 1;
		epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	}
	fprintf(stderr, "lf_fsgen: serving ports %d..%d\n", port, port + svc - 1);
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		for (i = 0; i < n; i++) {
			int fd = evs[i].data.u64 >> 1;

			if (evs[i].data.u64 & 1) {
				int c;

				while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					ev.events = EPOLLIN;
					ev.data.u64 = (uint64_t)c << 1;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			for (;;) {
				ssize_t r = read(fd, buf, sizeof(buf));

				if (r > 0)
					continue;
				if (r < 0 && errno == EAGAIN)
					break;
				close(fd);	/* end of file (or error): done */
				break;
			}
		}
	}
	return 0;
}

struct flow {
	int fd;
	int svc;
	uint64_t size, sent, start;
	unsigned int id;
	int done_writing;
};

int main(int argc, char **argv)
{
	const char *dst = NULL, *cdf = NULL, *out = NULL, *oracle = NULL;
	double load = -1, rate = -1, duration = 0, drain = 60;
	long flows = 0;
	int port = 5001, svc = 4, i;
	double thr[8];
	int nthr = 0;

	if (argc < 2)
		die("usage: lf_fsgen server|client|check-cdf ... (see the source's header)");
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "check-cdf")) {
		if (argc != 3)
			die("usage: lf_fsgen check-cdf FILE");
		read_cdf(argv[2]);
		printf("%d points, mean %.0f bytes\n", cdf_n, mean_size());
		return 0;
	}
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			die("%s: missing value", o);
		i++;
		if (!strcmp(o, "--port"))
			port = num(o, v, 1, 65000);
		else if (!strcmp(o, "--services"))
			svc = num(o, v, 1, MAXSVC);
		else if (!strcmp(o, "--dst"))
			dst = v;
		else if (!strcmp(o, "--cdf"))
			cdf = v;
		else if (!strcmp(o, "--load"))
			load = num(o, v, 0.01, 1);
		else if (!strcmp(o, "--rate-mbit"))
			rate = num(o, v, 0.1, 100000);
		else if (!strcmp(o, "--flows"))
			flows = num(o, v, 1, 1e7);
		else if (!strcmp(o, "--duration"))
			duration = num(o, v, 0.1, 1e6);
		else if (!strcmp(o, "--scale"))
			scale = num(o, v, 1e-6, 1e6);
		else if (!strcmp(o, "--max-size"))
			max_size = num(o, v, 1, 1e12);
		else if (!strcmp(o, "--seed"))
			rng_s ^= (uint64_t)num(o, v, 0, 1e15) * 0x9e3779b97f4a7c15ull;
		else if (!strcmp(o, "--drain"))
			drain = num(o, v, 0, 1e6);
		else if (!strcmp(o, "--out"))
			out = v;
		else if (!strcmp(o, "--oracle"))
			oracle = v;
		else
			die("unknown option '%s'", o);
	}
	if (!strcmp(argv[1], "server"))
		return run_server(port, svc);
	if (strcmp(argv[1], "client"))
		die("unknown command '%s' (server, client or check-cdf)", argv[1]);
	if (!dst || !cdf || load < 0 || rate < 0 || (!flows && !duration))
		die("client needs --dst, --cdf, --load, --rate-mbit and --flows or --duration");
	if (oracle) {
		char *s = strdup(oracle), *t, *p = s;

		while ((t = strsep(&p, ",")) != NULL) {
			if (nthr == 6)
				die("--oracle: at most 6 thresholds (DSCP CS1..CS7)");
			thr[nthr] = num("--oracle", t, 1, 1e12);
			if (nthr && thr[nthr] <= thr[nthr - 1])
				die("--oracle: thresholds must increase ('%s')", t);
			nthr++;
		}
		free(s);
	}
	read_cdf(cdf);
	FILE *fo = out ? fopen(out, "w") : stdout;
	if (!fo)
		die("%s: %s", out, strerror(errno));

	struct sockaddr_in da = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, dst, &da.sin_addr) != 1)
		die("--dst: '%s' is not an IPv4 address", dst);
	double mean = mean_size();
	double lambda = load * rate * 1e6 / 8 / mean;	/* flows per second */
	static struct flow fl[MAXCONC];
	static char zero[CHUNK];
	int ep = epoll_create1(0), nact = 0;
	long started = 0, finished = 0, failed = 0, skipped = 0;
	uint64_t t0 = now_us(), next = t0, stop_at = duration ? t0 + duration * 1e6 : 0;
	uint64_t drain_end = 0;

	for (i = 0; i < MAXCONC; i++)
		fl[i].fd = -1;
	fprintf(stderr, "lf_fsgen: mean size %.0f bytes, %.2f flows/s\n", mean, lambda);
	for (;;) {
		uint64_t now = now_us();
		int more = flows ? started + skipped < flows : now < stop_at;

		while (more && now >= next) {
			double u = urand();
			struct flow *f = NULL;
			int s = (int)(u * svc);

			next += (uint64_t)(-log(1 - urand()) / lambda * 1e6);
			for (i = 0; i < MAXCONC; i++)
				if (fl[i].fd < 0) {
					f = &fl[i];
					break;
				}
			if (!f) {
				skipped++;
				goto more;
			}
			f->size = size_at(u);
			f->svc = s < svc ? s : svc - 1;
			f->sent = 0;
			f->done_writing = 0;
			f->start = now_us();
			f->id = started;
			f->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (f->fd < 0)
				die("socket: %s", strerror(errno));
			if (nthr) {
				int c = 0, tos;

				while (c < nthr && f->size >= thr[c])
					c++;
				tos = (c + 1) << 5;
				setsockopt(f->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
			}
			da.sin_port = htons(port + f->svc);
			if (connect(f->fd, (struct sockaddr *)&da, sizeof(da)) && errno != EINPROGRESS)
				die("connect %s:%d: %s", dst, port + f->svc, strerror(errno));
			struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN, .data.u32 = f - fl };
			epoll_ctl(ep, EPOLL_CTL_ADD, f->fd, &ev);
			started++;
			nact++;
more:
			more = flows ? started + skipped < flows : now < stop_at;
		}
		if (!more && !nact)
			break;
		if (!more && !drain_end)
			drain_end = now + drain * 1e6;
		if (drain_end && now > drain_end)
			break;
		int wait_ms = more ? (int)((next > now ? next - now : 0) / 1000) : 100;
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, wait_ms);

		for (i = 0; i < n; i++) {
			struct flow *f = &fl[evs[i].data.u32];
			char b[4096];

			if (f->fd < 0)
				continue;
			if ((evs[i].events & EPOLLOUT) && !f->done_writing) {
				while (f->sent < f->size) {
					size_t k = f->size - f->sent < CHUNK ? f->size - f->sent : CHUNK;
					ssize_t w = write(f->fd, zero, k);

					if (w <= 0)
						break;
					f->sent += w;
				}
				if (f->sent == f->size) {
					struct epoll_event ev = { .events = EPOLLIN, .data.u32 = f - fl };

					shutdown(f->fd, SHUT_WR);
					f->done_writing = 1;
					epoll_ctl(ep, EPOLL_CTL_MOD, f->fd, &ev);
				}
			}
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
				ssize_t r = read(f->fd, b, sizeof(b));

				if (r > 0 || (r < 0 && errno == EAGAIN))
					continue;
				if (r == 0 && f->done_writing) {
					fprintf(fo, "flow %u size %llu service %d start_us %llu fct_us %llu\n",
						f->id, (unsigned long long)f->size, f->svc,
						(unsigned long long)(f->start - t0),
						(unsigned long long)(now_us() - f->start));
					finished++;
				} else {
					failed++;
				}
				close(f->fd);
				f->fd = -1;
				nact--;
			}
		}
	}
	fflush(fo);
	fprintf(stderr, "lf_fsgen: started %ld finished %ld failed %ld unfinished %d skipped %ld\n",
		started, finished, failed, nact, skipped);
	return 0;
}
