/*
 * engine.c: the benchmark's FTP client sessions; see engine.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

enum phase {
	P_FREE, P_CONNECT, P_BANNER, P_USER, P_PASS, P_TYPE, P_READY,
	P_BARRIER, P_PASV, P_START, P_XFER, P_QUIT, P_NOOP, P_DONE,
};

static const char *const phase_names[] = {
	"free", "connect", "banner", "USER", "PASS", "TYPE", "ready",
	"barrier", "PASV", "transfer start", "transfer", "QUIT", "NOOP", "done",
};

struct sess {
	enum job job;
	enum phase phase;
	int ctrl, data;
	uint32_t ctrl_gen, data_gen;
	int logged;		/* counted in engine.logged_in */
	int done;		/* counted in engine.done */
	char in[8192];		/* control bytes not yet taken as a reply */
	size_t inlen;
	char cmd[64];		/* the last command, for messages */
	int got_final;		/* 226 seen for the current transfer */
	int data_over;		/* data end seen (GET) or all sent (PUT) */
	uint64_t xfer_bytes;	/* of the current file */
	off_t src_off;
	unsigned file;
	double noop_sent, noop_lat;
	struct sess_result r;
};

struct engine {
	struct engine_cfg cfg;
	int ep;
	struct sockaddr_in addr;
	struct sess *s;
	unsigned max, n;
	unsigned logged_in, done, logins;
	int stop_logins, go, failed;
	char block[4096];	/* upload data when there is no source file */
};

#define KIND_DATA ((uint64_t)1 << 32)
#define EXTRA_TAG UINT64_MAX

double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
fail(struct engine *e, const struct sess *s, const char *fmt, ...)
{
	va_list ap;

	if (e->failed)
		return;
	fprintf(stderr, "ftpbench: session %u (%s, after \"%s\"): ",
	    (unsigned)(s - e->s), phase_names[s->phase], s->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	e->failed = 1;
}

static uint64_t
tag(const struct engine *e, const struct sess *s, int data)
{
	uint32_t gen = data ? s->data_gen : s->ctrl_gen;

	return (uint64_t)(s - e->s) | (data ? KIND_DATA : 0) |
	    ((uint64_t)(gen & 0x7fffffff) << 33);
}

static int
watch(struct engine *e, struct sess *s, int data, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events };

	ev.data.u64 = tag(e, s, data);
	if (epoll_ctl(e->ep, op, data ? s->data : s->ctrl, &ev) < 0) {
		fail(e, s, "epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
close_data(struct sess *s)
{
	if (s->data >= 0) {
		close(s->data);	/* also leaves the epoll set */
		s->data = -1;
		s->data_gen++;
	}
}

static void
close_ctrl(struct engine *e, struct sess *s)
{
	close_data(s);
	if (s->ctrl >= 0) {
		close(s->ctrl);
		s->ctrl = -1;
		s->ctrl_gen++;
	}
	if (s->logged) {
		s->logged = 0;
		e->logged_in--;
	}
	s->inlen = 0;
}

static void
mark_done(struct engine *e, struct sess *s)
{
	if (!s->done) {
		s->done = 1;
		e->done++;
	}
}

/* Sends one command line; commands are small, so one write does it. */
static int
send_cmd(struct engine *e, struct sess *s, enum phase next, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2) {
		fail(e, s, "command too long");
		return -1;
	}
	snprintf(s->cmd, sizeof(s->cmd), "%.*s", n, line);
	if (strncmp(line, "PASS ", 5) == 0)
		snprintf(s->cmd, sizeof(s->cmd), "PASS ****");
	memcpy(line + n, "\r\n", 2);
	n += 2;
	if (write(s->ctrl, line, (size_t)n) != n) {
		fail(e, s, "sending the command: %s", strerror(errno));
		return -1;
	}
	s->phase = next;
	return 0;
}

static int
start_connect(struct engine *e, struct sess *s)
{
	int one = 1;

	s->ctrl = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->ctrl < 0) {
		fail(e, s, "socket: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(s->ctrl, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	snprintf(s->cmd, sizeof(s->cmd), "connect");
	s->phase = P_CONNECT;
	if (connect(s->ctrl, (struct sockaddr *)&e->addr, sizeof(e->addr)) < 0 &&
	    errno != EINPROGRESS) {
		fail(e, s, "connect: %s", strerror(errno));
		return -1;
	}
	return watch(e, s, 0, EPOLLOUT | EPOLLIN, EPOLL_CTL_ADD);
}

static void
remote_name(const struct engine *e, const struct sess *s, char *out, size_t n)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(out, n, e->cfg.name_fmt, s->file);
#pragma GCC diagnostic pop
}

static void
next_file(struct engine *e, struct sess *s)
{
	if (s->file >= e->cfg.nfiles) {
		s->r.t_done = now_s();
		s->phase = P_READY;
		mark_done(e, s);
		return;
	}
	(void)send_cmd(e, s, P_PASV, "PASV");
}

static void
start_files(struct engine *e, struct sess *s)
{
	s->r.t_start = now_s();
	next_file(e, s);
}

static void
logged_in(struct engine *e, struct sess *s)
{
	s->logged = 1;
	e->logged_in++;
	e->logins++;
	s->r.logins++;
	switch (s->job) {
	case JOB_IDLE:
	case JOB_NOOP:
		s->phase = P_READY;
		break;
	case JOB_LOGINS:
		(void)send_cmd(e, s, P_QUIT, "QUIT");
		break;
	case JOB_GET:
	case JOB_PUT:
		(void)send_cmd(e, s, P_TYPE, "TYPE I");
		break;
	case JOB_PROBE:
		(void)send_cmd(e, s, P_PASV, "PASV");
		break;
	}
}

static void
file_done(struct engine *e, struct sess *s)
{
	if (e->cfg.get_size != 0 && s->job == JOB_GET &&
	    s->xfer_bytes != e->cfg.get_size) {
		fail(e, s, "got %llu bytes, expected %llu",
		    (unsigned long long)s->xfer_bytes,
		    (unsigned long long)e->cfg.get_size);
		return;
	}
	s->r.bytes += s->xfer_bytes;
	s->r.files++;
	s->file++;
	if (s->job == JOB_PROBE) {
		s->r.t_done = now_s();
		mark_done(e, s);
		(void)send_cmd(e, s, P_QUIT, "QUIT");
		return;
	}
	next_file(e, s);
}

/* 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2): open the data socket. */
static int
open_data(struct engine *e, struct sess *s, const char *text)
{
	unsigned h[4], p1, p2;
	struct sockaddr_in a = e->addr;
	const char *lp = strchr(text, '(');

	if (lp == NULL || sscanf(lp, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1],
	    &h[2], &h[3], &p1, &p2) != 6 || p1 > 255 || p2 > 255) {
		fail(e, s, "cannot parse PASV reply: %s", text);
		return -1;
	}
	a.sin_port = htons((uint16_t)(p1 * 256 + p2));
	s->data = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->data < 0) {
		fail(e, s, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(s->data, (struct sockaddr *)&a, sizeof(a)) < 0 &&
	    errno != EINPROGRESS) {
		fail(e, s, "data connect: %s", strerror(errno));
		return -1;
	}
	s->got_final = 0;
	s->data_over = 0;
	s->xfer_bytes = 0;
	s->src_off = 0;
	/* Uploads wait for the 150 before they ask for EPOLLOUT. */
	return watch(e, s, 1, s->job == JOB_PUT ? 0 : EPOLLIN, EPOLL_CTL_ADD);
}

static void
on_pasv(struct engine *e, struct sess *s, const char *text)
{
	char name[512];

	if (open_data(e, s, text) < 0)
		return;
	if (s->job == JOB_PROBE) {
		(void)send_cmd(e, s, P_START, "LIST");
		return;
	}
	remote_name(e, s, name, sizeof(name));
	(void)send_cmd(e, s, P_START, "%s %s",
	    s->job == JOB_PUT ? "STOR" : "RETR", name);
}

static void
on_quit(struct engine *e, struct sess *s)
{
	close_ctrl(e, s);
	if (s->job == JOB_LOGINS && !e->stop_logins) {
		(void)start_connect(e, s);
		return;
	}
	s->phase = P_DONE;
	mark_done(e, s);
}

static void
on_reply(struct engine *e, struct sess *s, int code, const char *text)
{
	switch (s->phase) {
	case P_BANNER:
		if (code == 220) {
			(void)send_cmd(e, s, P_USER, "USER %s", e->cfg.user);
			return;
		}
		if (code == 120)
			return;
		break;
	case P_USER:
		if (code == 331) {
			(void)send_cmd(e, s, P_PASS, "PASS %s", e->cfg.pass);
			return;
		}
		if (code == 230) {
			logged_in(e, s);
			return;
		}
		break;
	case P_PASS:
		if (code == 230) {
			logged_in(e, s);
			return;
		}
		break;
	case P_TYPE:
		if (code == 200) {
			if (e->cfg.barrier && !e->go)
				s->phase = P_BARRIER;
			else
				start_files(e, s);
			return;
		}
		break;
	case P_PASV:
		if (code == 227) {
			on_pasv(e, s, text);
			return;
		}
		break;
	case P_START:
		if (code == 150 || code == 125) {
			s->phase = P_XFER;
			if (s->job == JOB_PUT)
				(void)watch(e, s, 1, EPOLLOUT, EPOLL_CTL_MOD);
			return;
		}
		break;
	case P_XFER:
		if (code == 226 || code == 250) {
			s->got_final = 1;
			if (s->data_over)
				file_done(e, s);
			return;
		}
		break;
	case P_QUIT:
		if (code == 221) {
			on_quit(e, s);
			return;
		}
		break;
	case P_NOOP:
		if (code == 200) {
			s->noop_lat = now_s() - s->noop_sent;
			s->phase = P_READY;
			return;
		}
		break;
	default:
		break;
	}
	fail(e, s, "unexpected reply: %s", text);
}

/*
 * Takes one whole reply (all lines of a multi-line one) from s->in.
 * Returns its code with the last line in text, 0 when incomplete, -1 when
 * the bytes are not an FTP reply.
 */
static int
take_reply(struct sess *s, char *text, size_t textsz)
{
	char *p = s->in, *end = s->in + s->inlen, *nl;
	int code = -1;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		char *line = p;
		size_t len = (size_t)(nl - line);

		p = nl + 1;
		if (code < 0) {
			if (len < 3 || line[0] < '1' || line[0] > '5' ||
			    line[1] < '0' || line[1] > '9' ||
			    line[2] < '0' || line[2] > '9')
				return -1;
			code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
			    (line[2] - '0');
			if (len > 3 && line[3] == '-')
				continue;
		} else if (len < 4 || line[3] != ' ' ||
		    strncmp(line, s->in, 3) != 0) {
			continue;	/* a middle line of a multi-line reply */
		}
		if (len > 0 && line[len - 1] == '\r')
			len--;
		snprintf(text, textsz, "%.*s", (int)len, line);
		s->inlen = (size_t)(end - p);
		memmove(s->in, p, s->inlen);
		return code;
	}
	return 0;
}

static void
on_ctrl(struct engine *e, struct sess *s, uint32_t events)
{
	char text[512];
	ssize_t n;
	int code;

	if (s->phase == P_CONNECT) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		(void)getsockopt(s->ctrl, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			fail(e, s, "connect: %s", strerror(err));
			return;
		}
		s->phase = P_BANNER;
		if (watch(e, s, 0, EPOLLIN, EPOLL_CTL_MOD) < 0)
			return;
	}
	n = read(s->ctrl, s->in + s->inlen, sizeof(s->in) - s->inlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (s->phase == P_QUIT) {
			on_quit(e, s);
			return;
		}
		fail(e, s, "control connection %s",
		    n == 0 ? "closed by the server" : strerror(errno));
		return;
	}
	s->inlen += (size_t)n;
	while (s->ctrl >= 0 && !e->failed &&
	    (code = take_reply(s, text, sizeof(text))) != 0) {
		if (code < 0) {
			fail(e, s, "not an FTP reply: %.80s", s->in);
			return;
		}
		on_reply(e, s, code, text);
	}
	if (s->ctrl >= 0 && s->inlen == sizeof(s->in))
		fail(e, s, "reply longer than %zu bytes", sizeof(s->in));
}

static void
data_finished(struct engine *e, struct sess *s)
{
	close_data(s);
	s->data_over = 1;
	if (s->got_final)
		file_done(e, s);
}

static void
on_data_in(struct engine *e, struct sess *s)
{
	for (;;) {
		/* MSG_TRUNC: TCP drops the bytes without copying them. */
		ssize_t n = recv(s->data, NULL, 1 << 30, MSG_TRUNC | MSG_DONTWAIT);

		if (n > 0) {
			s->xfer_bytes += (uint64_t)n;
			continue;
		}
		if (n == 0) {
			data_finished(e, s);
			return;
		}
		if (errno == EAGAIN || errno == EINTR)
			return;
		fail(e, s, "data connection: %s", strerror(errno));
		return;
	}
}

static void
on_data_out(struct engine *e, struct sess *s)
{
	uint64_t want = e->cfg.put_size;

	while (s->xfer_bytes < want) {
		uint64_t left = want - s->xfer_bytes;
		ssize_t n;

		if (e->cfg.put_src_fd >= 0) {
			n = sendfile(s->data, e->cfg.put_src_fd, &s->src_off,
			    left > (1u << 30) ? (1u << 30) : (size_t)left);
		} else {
			n = write(s->data, e->block,
			    left > sizeof(e->block) ? sizeof(e->block) : (size_t)left);
		}
		if (n > 0) {
			s->xfer_bytes += (uint64_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		fail(e, s, "sending data: %s", n == 0 ? "source file too short" :
		    strerror(errno));
		return;
	}
	data_finished(e, s);
}

static void
dispatch(struct engine *e, const struct epoll_event *ev)
{
	uint64_t u = ev->data.u64;
	unsigned idx = (unsigned)(u & 0xffffffff);
	int data = (u & KIND_DATA) != 0;
	uint32_t gen = (uint32_t)(u >> 33);
	struct sess *s;

	if (idx >= e->n)
		return;
	s = &e->s[idx];
	if (gen != ((data ? s->data_gen : s->ctrl_gen) & 0x7fffffff))
		return;		/* an event for a socket closed meanwhile */
	if (!data) {
		if (s->ctrl >= 0)
			on_ctrl(e, s, ev->events);
		return;
	}
	if (s->data < 0)
		return;
	if (s->job == JOB_PUT) {
		if (ev->events & (EPOLLERR | EPOLLHUP))
			fail(e, s, "data connection closed by the server");
		else if (s->phase == P_XFER && (ev->events & EPOLLOUT))
			on_data_out(e, s);
		return;
	}
	on_data_in(e, s);
}

struct engine *
engine_new(const struct engine_cfg *cfg, unsigned max_sessions)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->cfg = *cfg;
	e->max = max_sessions;
	e->s = calloc(max_sessions, sizeof(*e->s));
	e->ep = epoll_create1(EPOLL_CLOEXEC);
	e->addr.sin_family = AF_INET;
	e->addr.sin_port = htons((uint16_t)cfg->port);
	memset(e->block, 'x', sizeof(e->block));
	if (e->s == NULL || e->ep < 0 ||
	    inet_pton(AF_INET, cfg->host, &e->addr.sin_addr) != 1) {
		fprintf(stderr, "ftpbench: cannot set up the client for %s\n",
		    cfg->host);
		engine_free(e);
		return NULL;
	}
	return e;
}

void
engine_free(struct engine *e)
{
	unsigned i;

	if (e == NULL)
		return;
	for (i = 0; i < e->n; i++)
		close_ctrl(e, &e->s[i]);
	if (e->ep >= 0)
		close(e->ep);
	free(e->s);
	free(e);
}

int
engine_start(struct engine *e, enum job job)
{
	struct sess *s;

	if (e->n >= e->max)
		return -1;
	s = &e->s[e->n++];
	s->job = job;
	s->ctrl = s->data = -1;
	s->r.t_start = now_s();
	if (start_connect(e, s) < 0)
		return -1;
	return (int)(s - e->s);
}

int
engine_run(struct engine *e, int timeout_ms, int (*stop)(struct engine *),
    int extra_fd)
{
	struct epoll_event evs[256];
	double deadline = now_s() + timeout_ms / 1000.0;
	int extra = 0, i, n;

	if (extra_fd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN };

		ev.data.u64 = EXTRA_TAG;
		if (epoll_ctl(e->ep, EPOLL_CTL_ADD, extra_fd, &ev) < 0)
			return -1;
	}
	for (;;) {
		int wait = -1;

		if (e->failed || (stop != NULL && stop(e)))
			break;
		if (timeout_ms >= 0) {
			double left = deadline - now_s();

			wait = left <= 0 ? 0 : (int)(left * 1000) + 1;
		}
		n = epoll_wait(e->ep, evs, (int)(sizeof(evs) / sizeof(evs[0])), wait);
		if (n < 0 && errno != EINTR) {
			perror("ftpbench: epoll_wait");
			e->failed = 1;
			break;
		}
		for (i = 0; i < n && !e->failed; i++) {
			if (evs[i].data.u64 == EXTRA_TAG)
				extra = 1;
			else
				dispatch(e, &evs[i]);
		}
		if (extra || (timeout_ms >= 0 && now_s() >= deadline))
			break;
	}
	if (extra_fd >= 0)
		(void)epoll_ctl(e->ep, EPOLL_CTL_DEL, extra_fd, NULL);
	if (e->failed)
		return -1;
	return extra;
}

void
engine_phases(const struct engine *e, char *out, size_t n)
{
	unsigned count[P_DONE + 1] = { 0 }, i;
	size_t len = 0;

	for (i = 0; i < e->n; i++)
		count[e->s[i].phase]++;
	out[0] = '\0';
	for (i = 0; i <= P_DONE && len < n; i++)
		if (count[i] != 0)
			len += (size_t)snprintf(out + len, n - len, "%s%s %u",
			    len ? ", " : "", phase_names[i], count[i]);
}

unsigned engine_logged_in(const struct engine *e) { return e->logged_in; }
unsigned engine_done(const struct engine *e) { return e->done; }
unsigned engine_logins(const struct engine *e) { return e->logins; }
unsigned engine_sessions(const struct engine *e) { return e->n; }

int
engine_waiting(const struct engine *e)
{
	unsigned i;
	int w = 0;

	for (i = 0; i < e->n; i++)
		w += e->s[i].phase == P_BARRIER;
	return w;
}

void
engine_go(struct engine *e)
{
	unsigned i;

	e->go = 1;
	for (i = 0; i < e->n; i++)
		if (e->s[i].phase == P_BARRIER)
			start_files(e, &e->s[i]);
}

int
engine_noop(struct engine *e, int idx)
{
	struct sess *s = &e->s[idx];

	if (s->phase != P_READY)
		return -1;
	s->noop_sent = now_s();
	s->noop_lat = -1;
	return send_cmd(e, s, P_NOOP, "NOOP");
}

double
engine_noop_latency(const struct engine *e, int idx)
{
	return e->s[idx].noop_lat;
}

void
engine_close(struct engine *e, int idx)
{
	close_ctrl(e, &e->s[idx]);
	e->s[idx].phase = P_DONE;
}

void
engine_stop_logins(struct engine *e)
{
	e->stop_logins = 1;
}

const struct sess_result *
engine_result(const struct engine *e, int idx)
{
	return &e->s[idx].r;
}
