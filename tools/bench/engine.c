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
#include <openssl/err.h>

#include "btls.h"
#include "engine_int.h"

static const char *const phase_names[] = {
	"free", "connect", "banner", "AUTH TLS", "TLS handshake", "USER",
	"PASS", "PBSZ", "PROT", "TYPE", "ready", "barrier", "PASV",
	"transfer start", "transfer", "QUIT", "NOOP", "done",
};

double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
eng_fail(struct engine *e, const struct sess *s, const char *fmt, ...)
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

int
eng_watch(struct engine *e, struct sess *s, int data, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events };

	ev.data.u64 = tag(e, s, data);
	if (epoll_ctl(e->ep, op, data ? s->data : s->ctrl, &ev) < 0) {
		eng_fail(e, s, "epoll_ctl: %s", strerror(errno));
		return -1;
	}
	*(data ? &s->data_ev : &s->ctrl_ev) = events;
	return 0;
}

/* Asks epoll for other events on a watched socket, if they differ. */
int
eng_want(struct engine *e, struct sess *s, int data, uint32_t events)
{
	if ((data ? s->data_ev : s->ctrl_ev) == events)
		return 0;
	return eng_watch(e, s, data, events, EPOLL_CTL_MOD);
}

void
eng_close_data(struct sess *s)
{
	btls_free(s->dssl);
	s->dssl = NULL;
	s->data_hs = s->draining = 0;
	s->wpend = 0;
	if (s->data >= 0) {
		close(s->data);	/* also leaves the epoll set */
		s->data = -1;
		s->data_gen++;
	}
}

static void
close_ctrl(struct engine *e, struct sess *s)
{
	eng_close_data(s);
	btls_free(s->cssl);
	s->cssl = NULL;
	s->prot = 0;
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
		eng_fail(e, s, "command too long");
		return -1;
	}
	snprintf(s->cmd, sizeof(s->cmd), "%.*s", n, line);
	if (strncmp(line, "PASS ", 5) == 0)
		snprintf(s->cmd, sizeof(s->cmd), "PASS ****");
	memcpy(line + n, "\r\n", 2);
	n += 2;
	if (s->cssl != NULL ? SSL_write(s->cssl, line, n) != n :
	    write(s->ctrl, line, (size_t)n) != n) {
		eng_fail(e, s, "sending the command: %s", strerror(errno));
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
		eng_fail(e, s, "socket: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(s->ctrl, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	snprintf(s->cmd, sizeof(s->cmd), "connect");
	s->phase = P_CONNECT;
	if (connect(s->ctrl, (struct sockaddr *)&e->addr, sizeof(e->addr)) < 0 &&
	    errno != EINPROGRESS) {
		eng_fail(e, s, "connect: %s", strerror(errno));
		return -1;
	}
	return eng_watch(e, s, 0, EPOLLOUT | EPOLLIN, EPOLL_CTL_ADD);
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

/* Logged in, and with FTPS the data channel protected: start the job. */
static void
start_job(struct engine *e, struct sess *s)
{
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
logged_in(struct engine *e, struct sess *s)
{
	s->logged = 1;
	e->logged_in++;
	e->logins++;
	s->r.logins++;
	if (s->cssl != NULL && !s->prot && (s->job == JOB_GET ||
	    s->job == JOB_PUT || s->job == JOB_PROBE)) {
		(void)send_cmd(e, s, P_PBSZ, "PBSZ 0");
		return;
	}
	start_job(e, s);
}

/*
 * A connection of session s got a new TLS session: the next data
 * connection offers it. Like curl, the client keeps the newest one, from
 * the control or a data connection: a server with single-use TLS 1.3
 * tickets (vsftpd) sends a fresh one on every data connection and
 * accepts no ticket twice.
 */
static int
on_new_session(SSL *ssl, SSL_SESSION *sess)
{
	struct sess *s = SSL_get_app_data(ssl);

	if (s == NULL)
		return 0;
	SSL_SESSION_free(s->tls_sess);
	s->tls_sess = sess;
	return 1;
}

static void
ctrl_handshake(struct engine *e, struct sess *s)
{
	char why[160];
	uint32_t ev = 0;

	switch (btls_step(s->cssl, SSL_connect(s->cssl), &ev, why, sizeof(why))) {
	case 1:
		if (e->tls.ctrl++ == 0) {
			snprintf(e->tls.version, sizeof(e->tls.version), "%s",
			    SSL_get_version(s->cssl));
			snprintf(e->tls.cipher, sizeof(e->tls.cipher), "%s",
			    SSL_get_cipher_name(s->cssl));
		}
		e->tls.ctrl_resumed += SSL_session_reused(s->cssl) != 0;
		if (eng_want(e, s, 0, EPOLLIN) == 0)
			(void)send_cmd(e, s, P_USER, "USER %s", e->cfg.user);
		return;
	case 0:
		(void)eng_want(e, s, 0, ev);
		return;
	default:
		eng_fail(e, s, "control %s", why);
	}
}

/* 234 to AUTH TLS: the control connection turns into TLS. */
static void
ctrl_tls_start(struct engine *e, struct sess *s)
{
	if ((s->cssl = SSL_new(e->ctx)) == NULL ||
	    SSL_set_fd(s->cssl, s->ctrl) != 1) {
		eng_fail(e, s, "SSL_new failed");
		return;
	}
	SSL_set_app_data(s->cssl, s);
	/* Thousands of idle sessions: no TLS buffers while nothing moves. */
	if (s->job == JOB_IDLE)
		SSL_set_mode(s->cssl, SSL_MODE_RELEASE_BUFFERS);
	if (e->cfg.tls_resume && s->tls_sess != NULL)
		(void)SSL_set_session(s->cssl, s->tls_sess);
	s->phase = P_HANDSHAKE;
	snprintf(s->cmd, sizeof(s->cmd), "TLS handshake");
	ctrl_handshake(e, s);
}

void
eng_file_done(struct engine *e, struct sess *s)
{
	if (e->cfg.get_size != 0 && s->job == JOB_GET &&
	    s->xfer_bytes != e->cfg.get_size) {
		eng_fail(e, s, "got %llu bytes, expected %llu",
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

static void
on_pasv(struct engine *e, struct sess *s, const char *text)
{
	char name[512];

	if (data_open(e, s, text) < 0)
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
		if (code == 220 && e->ctx != NULL) {
			(void)send_cmd(e, s, P_AUTH, "AUTH TLS");
			return;
		}
		if (code == 220) {
			(void)send_cmd(e, s, P_USER, "USER %s", e->cfg.user);
			return;
		}
		if (code == 120)
			return;
		break;
	case P_AUTH:
		if (code == 234) {
			ctrl_tls_start(e, s);
			return;
		}
		break;
	case P_PBSZ:
		if (code == 200) {
			(void)send_cmd(e, s, P_PROT, "PROT P");
			return;
		}
		break;
	case P_PROT:
		if (code == 200) {
			s->prot = 1;
			start_job(e, s);
			return;
		}
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
			data_start(e, s);
			return;
		}
		break;
	case P_XFER:
		if (code == 226 || code == 250) {
			s->got_final = 1;
			if (s->data_over)
				eng_file_done(e, s);
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
	eng_fail(e, s, "unexpected reply: %s", text);
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

/*
 * Reads control bytes into s->in: returns how many, 0 when there are
 * none now, -1 when the connection closed or failed (text in why).
 */
static ssize_t
ctrl_read(struct engine *e, struct sess *s, char *why, size_t whysz)
{
	size_t room = sizeof(s->in) - s->inlen;
	uint32_t ev = 0;
	ssize_t n;
	int r;

	if (s->cssl == NULL) {
		n = read(s->ctrl, s->in + s->inlen, room);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0)
			snprintf(why, whysz, "%s", n == 0 ? "closed by the server" :
			    strerror(errno));
		return n > 0 ? n : -1;
	}
	r = SSL_read(s->cssl, s->in + s->inlen, (int)room);
	switch (btls_step(s->cssl, r, &ev, why, whysz)) {
	case 1:
		return r;
	case 0:
		(void)eng_want(e, s, 0, ev);
		return 0;
	case 2:
		snprintf(why, whysz, "closed by the server");
		return -1;
	default:
		return -1;
	}
}

static void
on_ctrl(struct engine *e, struct sess *s, uint32_t events)
{
	char text[512], why[160];
	ssize_t n;
	int code;

	if (s->phase == P_CONNECT) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		(void)getsockopt(s->ctrl, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			eng_fail(e, s, "connect: %s", strerror(err));
			return;
		}
		s->phase = P_BANNER;
		if (eng_watch(e, s, 0, EPOLLIN, EPOLL_CTL_MOD) < 0)
			return;
	}
	if (s->phase == P_HANDSHAKE) {
		ctrl_handshake(e, s);
		return;
	}
	/*
	 * TLS keeps read-ahead records of its own that epoll does not see:
	 * read until there is nothing left (one read is enough for plain).
	 */
	do {
		n = ctrl_read(e, s, why, sizeof(why));
		if (n == 0)
			return;
		if (n < 0) {
			if (s->phase == P_QUIT)
				on_quit(e, s);
			else
				eng_fail(e, s, "control connection %s", why);
			return;
		}
		s->inlen += (size_t)n;
		while (s->ctrl >= 0 && !e->failed &&
		    (code = take_reply(s, text, sizeof(text))) != 0) {
			if (code < 0) {
				eng_fail(e, s, "not an FTP reply: %.80s", s->in);
				return;
			}
			on_reply(e, s, code, text);
		}
		if (s->ctrl >= 0 && s->inlen == sizeof(s->in)) {
			eng_fail(e, s, "reply longer than %zu bytes", sizeof(s->in));
			return;
		}
	} while (s->cssl != NULL && s->ctrl >= 0 && !e->failed &&
	    s->phase != P_HANDSHAKE);
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
	if (s->data >= 0)
		data_event(e, s, ev->events);
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
	if (cfg->tls != 0 && (e->ctx = btls_ctx_new(cfg->tls, on_new_session)) == NULL) {
		engine_free(e);
		return NULL;
	}
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
	for (i = 0; i < e->n; i++) {
		close_ctrl(e, &e->s[i]);
		SSL_SESSION_free(e->s[i].tls_sess);
	}
	SSL_CTX_free(e->ctx);
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

const struct engine_tls_stats *
engine_tls(const struct engine *e)
{
	return &e->tls;
}
