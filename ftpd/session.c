/*
 * session.c: the control connection: reading commands, queueing replies,
 * holding commands back during transfers, and tearing down; see session.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <limits.h>
#include <stdatomic.h>
#include <openssl/err.h>
#include <event2/event.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "cmds.h"
#include "cmdtab.h"
#include "config.h"
#include "authpool.h"
#include "connlimit.h"
#include "dataconn.h"
#include "homes.h"
#include "listfmt.h"
#include "log.h"
#include "metrics.h"
#include "reply.h"
#include "tls.h"
#include "vhost.h"
#include "session.h"
#include "worker.h"
#include "xfer.h"

#define REPLY_MAX (1024 * 1024)
/*
 * Commands sent during a transfer wait in s->held (bounded: a few lines)
 * while reading goes on, so that an ABOR sent after them is still seen.
 */
#define HELD_MAX (4 * (CTRL_LINE_MAX + 2))
/* Replies a cork holds (session_cork): a 150 and a 226, with room. */
#define CORK_MAX 2048

/*
 * Stop reading commands while this much output (plaintext or encrypted)
 * waits for the peer; read again once it is down to the low mark.
 */
#define OUTPUT_HIGH_WATER (256 * 1024)
#define OUTPUT_LOW_WATER (64 * 1024)

static void ctrl_read_cb(struct bufferevent *bev, void *arg);
static void ctrl_write_cb(struct bufferevent *bev, void *arg);
static void ctrl_event_cb(struct bufferevent *bev, short what, void *arg);
static void run_cb(evutil_socket_t fd, short what, void *arg);

void
session_idle_timeout(struct session *s, int on)
{
	struct timeval tv = { (time_t)s->cfg->idle_timeout, 0 };

	bufferevent_set_timeouts(s->ctrl, on ? &tv : NULL, NULL);
}

/* Session ids: unique in the process, so that log lines tell apart the
 * sessions of one address (a parallel download opens eight). */
static _Atomic unsigned long long last_session_id;

/* Counts and logs a connection a limit turned away. */
static void
limit_refused(enum connlimit_verdict v, const struct sockaddr_storage *peer)
{
	static const enum metric kind[] = {
		[CONNLIMIT_TOO_MANY_SESSIONS] = M_LIMIT_MAX_SESSIONS,
		[CONNLIMIT_TOO_MANY_FROM_IP] = M_LIMIT_PER_IP,
	};
	struct sockaddr_storage a = *peer;
	char who[64];

	if ((size_t)v < ARRAY_LEN(kind) && v != CONNLIMIT_OK)
		metrics_inc(kind[v]);
	addr_unmap(&a);
	if (addr_ntop(&a, who, sizeof(who)) < 0)
		snprintf(who, sizeof(who), "?");
	log_msg("refused connection from %s: %s", who, connlimit_reason(v));
}

/* Refuses a connection with a 421 written straight to the socket. */
static void
refuse(int fd, const char *why)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%d %s\r\n",
	    R_421_SERVICE_UNAVAILABLE, why);

	if (n > 0)
		(void)send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void
login_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;

	(void)fd;
	(void)what;
	session_log(s, "no login within %u s", s->cfg->login_timeout);
	session_close_after(s, R_421_SERVICE_UNAVAILABLE,
	    "Login timeout: closing control connection.");
}

void
session_start(struct worker *w, int fd, const struct sockaddr *sa,
    socklen_t salen, int implicit_tls)
{
	SSL *ssl = NULL;
	struct sockaddr_storage peer;
	const struct config *cfg;
	enum connlimit_verdict v;
	struct session *s;
	struct timeval tv;
	socklen_t len;
	int one = 1;

	memset(&peer, 0, sizeof(peer));
	memcpy(&peer, sa, salen < sizeof(peer) ? salen : sizeof(peer));
	if ((v = connlimit_session_open(&peer)) != CONNLIMIT_OK) {
		limit_refused(v, &peer);
		refuse(fd, connlimit_reason(v));
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		connlimit_session_closed(&peer);
		refuse(fd, "Out of memory.");
		return;
	}
	s->worker = w;
	s->id = atomic_fetch_add(&last_session_id, 1) + 1;
	s->since = time(NULL);
	s->root_fd = -1;
	s->mlst_facts = FACT_ALL;
	buf_init(&s->held, HELD_MAX);
	buf_init(&s->cork, CORK_MAX);
	s->peer = peer;
	addr_unmap(&s->peer);
	len = sizeof(s->local);
	if (getsockname(fd, (struct sockaddr *)&s->local, &len) < 0) {
		connlimit_session_closed(&peer);
		free(s);
		close(fd);
		return;
	}
	addr_unmap(&s->local);
	if (addr_ntop(&s->peer, s->peer_str, sizeof(s->peer_str)) < 0)
		snprintf(s->peer_str, sizeof(s->peer_str), "?");
	/* Urgent data (TELNET Synch before ABOR) stays in the stream. */
	(void)setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	tls_new_sid(s->tls_sid);
	s->base = s->cfg = worker_settings(w);
	if (implicit_tls) {
		/*
		 * Implicit FTPS: TLS from the first byte, data private. The
		 * handshake starts on the default host's certificate; SNI may
		 * choose another host's (cmd_host_sni).
		 */
		if (vhost_tls(s->cfg->vhost) != NULL &&
		    (ssl = tls_server_ssl(vhost_tls(s->cfg->vhost), s,
		    s->tls_sid)) != NULL)
			s->ctrl = bufferevent_openssl_socket_new(worker_base(w),
			    fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
			    BEV_OPT_CLOSE_ON_FREE);
		s->tls_active = 1;
		s->pbsz_done = 1;
		s->prot_private = 1;
	} else {
		s->ctrl = bufferevent_socket_new(worker_base(w), fd,
		    BEV_OPT_CLOSE_ON_FREE);
	}
	if (s->ctrl == NULL) {
		if (ssl != NULL)
			SSL_free(ssl);
		connlimit_session_closed(&peer);
		free(s);
		close(fd);
		return;
	}
	worker_add_session(w, s);
	metrics_inc(M_SESSIONS_TOTAL);
	metrics_sessions_delta(1);
	cfg = s->cfg;
	if ((s->run_ev = event_new(worker_base(w), -1, 0, run_cb, s)) == NULL ||
	    (s->dc = dc_new(s)) == NULL) {
		session_free(s);
		return;
	}
	tv.tv_sec = (time_t)cfg->login_timeout;
	tv.tv_usec = 0;
	s->login_ev = evtimer_new(worker_base(w), login_timeout_cb, s);
	if (s->login_ev != NULL)
		evtimer_add(s->login_ev, &tv);
	ctrl_reader_init(&s->reader, CTRL_LINE_MAX, 1);
	bufferevent_setcb(s->ctrl, ctrl_read_cb, ctrl_write_cb, ctrl_event_cb, s);
	session_idle_timeout(s, 1);
	bufferevent_enable(s->ctrl, EV_READ | EV_WRITE);
	session_log(s, "connect");
	/*
	 * Implicit FTPS greets once the handshake is done: SNI may choose a
	 * virtual host during it, whose banner is the one to send.
	 */
	if (implicit_tls)
		s->greet_pending = 1;
	else
		session_reply_text(s, R_220_READY, cfg->banner);
}

/*
 * Sends a reply straight to a plain socket when nothing is queued before
 * it: going through the bufferevent costs an epoll round (arm EPOLLOUT,
 * wait, write, disarm) for every reply, a third of a small transfer's
 * system calls. Returns how much was sent; the rest goes through the
 * bufferevent, which also sees any error.
 */
static size_t
write_through(struct session *s, const char *p, size_t n)
{
	ssize_t w;

	if (s->tls_active ||
	    evbuffer_get_length(bufferevent_get_output(s->ctrl)) > 0)
		return 0;
	w = send(bufferevent_getfd(s->ctrl), p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	return w > 0 ? (size_t)w : 0;
}

struct ssl_st *
session_ctrl_ssl(struct session *s)
{
	return s->tls_active ? bufferevent_openssl_get_ssl(s->ctrl) : NULL;
}

/* Queues formatted reply bytes: straight to the socket when it can. */
static void
send_reply_bytes(struct session *s, const char *p, size_t n)
{
	size_t sent = write_through(s, p, n);

	if (sent < n && bufferevent_write(s->ctrl, p + sent, n - sent) < 0)
		s->closing = 1;
}

void
session_cork(struct session *s)
{
	s->corked = 1;
}

void
session_uncork(struct session *s)
{
	if (!s->corked)
		return;
	s->corked = 0;
	if (s->cork.len > 0)
		send_reply_bytes(s, s->cork.data, s->cork.len);
	buf_reset(&s->cork);
}

void
session_reply_text(struct session *s, int code, const char *text)
{
	struct buf out;

	buf_init(&out, REPLY_MAX);
	if (reply_format(&out, code, text) < 0) {
		buf_reset(&out);
		if (reply_format(&out, R_451_LOCAL_ERROR, "Reply too long.") < 0)
			return;
	}
	if (s->cfg->log_commands)
		session_log(s, "reply: %d %.*s", code, (int)strcspn(text, "\n"),
		    text);
	/* Corked: held, unless it does not fit (then all goes, in order). */
	if (!s->corked || buf_append(&s->cork, out.data, out.len) < 0) {
		session_uncork(s);
		send_reply_bytes(s, out.data, out.len);
	}
	buf_free(&out);
}

void
session_reply(struct session *s, int code, const char *fmt, ...)
{
	struct buf text;
	va_list ap;
	int rc;

	buf_init(&text, REPLY_MAX);
	va_start(ap, fmt);
	rc = buf_vprintf(&text, fmt, ap);
	va_end(ap);
	session_reply_text(s, rc < 0 ? R_451_LOCAL_ERROR : code,
	    rc < 0 ? "Reply too long." : buf_cstr(&text));
	buf_free(&text);
}

void
session_close_after(struct session *s, int code, const char *text)
{
	if (s->closing)
		return;
	if (code != 0)
		session_reply_text(s, code, text);
	session_uncork(s);
	s->closing = 1;
	bufferevent_disable(s->ctrl, EV_READ);
	/*
	 * The write callback frees the session once the reply is out; make
	 * sure it runs (deferred, so no caller sees the session vanish).
	 */
	if (evbuffer_get_length(bufferevent_get_output(s->ctrl)) == 0)
		bufferevent_trigger(s->ctrl, EV_WRITE,
		    BEV_TRIG_IGNORE_WATERMARKS | BEV_OPT_DEFER_CALLBACKS);
}

void
session_free(struct session *s)
{
	if (s->xfer != NULL)
		xfer_cancel(s);
	dc_free(s->dc);
	session_log(s, "disconnect (%llu bytes in, %llu bytes out)",
	    s->bytes_in, s->bytes_out);
	/* A check that never ran (the login timeout, a hangup) gives its
	 * tarpit turn back. */
	if (s->auth_job != NULL && authpool_cancel(s->auth_job)) {
		connlimit_check_dropped(&s->peer, s->check_slot_ms);
		session_log(s, "password check for %s dropped: the session "
		    "ended before it ran", s->user != NULL ? s->user : "-");
	}
	cmd_hash_end(s);
	if (s->login_ev != NULL)
		event_free(s->login_ev);
	if (s->hangup_ev != NULL)
		event_free(s->hangup_ev);
	if (s->pause_ev != NULL)
		event_free(s->pause_ev);
	if (s->run_ev != NULL)
		event_free(s->run_ev);
	if (s->under_cb != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(
		    bufferevent_get_underlying(s->ctrl)), s->under_cb);
	connlimit_session_closed(&s->peer);
	metrics_sessions_delta(-1);
	worker_remove_session(s->worker, s);
	bufferevent_free(s->ctrl);
	ctrl_reader_free(&s->reader);
	if (s->root_fd >= 0)
		homes_release(s->root_fd);
	buf_free(&s->held);
	buf_free(&s->cork);
	free(s->user);
	free(s->cwd);
	free(s->rnfr);
	free(s);
}

/* Whether one more line of any length fits in the held queue. */
static int
held_room(const struct session *s)
{
	return s->held.len + CTRL_LINE_MAX + 2 <= HELD_MAX;
}

/* Takes the oldest held command and runs it. */
static void
run_held(struct session *s)
{
	char *line = strdup(s->held.data);

	buf_consume(&s->held, strlen(s->held.data) + 1);
	if (s->held.len == 0)
		buf_free(&s->held);
	if (line == NULL) {
		session_close_after(s, R_421_SERVICE_UNAVAILABLE, "Out of memory.");
		return;
	}
	cmd_dispatch(s, line);
	free(line);
}

/*
 * Bytes of control output not yet handed to the kernel. With AUTH TLS the
 * control connection is a filter over the socket's bufferevent: its own
 * output drains at once into encrypted bytes that wait below it.
 */
static size_t
output_backlog(struct session *s)
{
	struct bufferevent *under = bufferevent_get_underlying(s->ctrl);
	size_t n = evbuffer_get_length(bufferevent_get_output(s->ctrl));

	if (under != NULL)
		n += evbuffer_get_length(bufferevent_get_output(under));
	return n;
}

/* Marks the session runnable: session_run runs soon from the event loop. */
static void
schedule_run(struct session *s)
{
	if (s->run_ev != NULL)
		event_active(s->run_ev, EV_TIMEOUT, 0);
}

void
session_resume(struct session *s)
{
	if (s->closing)
		return;
	if (session_shutting_down(s)) {
		session_close_after(s, R_421_SERVICE_UNAVAILABLE,
		    "Server shutting down.");
		return;
	}
	session_idle_timeout(s, 1);
	schedule_run(s);
}

/* One complete line from the peer. */
static void
handle_line(struct session *s, char *line)
{
	if (s->xfer != NULL && !cmd_runs_during_transfer(line)) {
		/* session_run made sure there is room. */
		if (buf_append(&s->held, line, strlen(line) + 1) < 0)
			session_close_after(s, R_421_SERVICE_UNAVAILABLE,
			    "Out of memory.");
		return;
	}
	cmd_dispatch(s, line);
}

/*
 * Reads one line's worth of input and acts on it. Returns 0 to go on,
 * -1 when there is nothing more to do now.
 */
static int
feed_input(struct session *s)
{
	/* s->ctrl changes under us when AUTH TLS wraps it: re-read it. */
	struct evbuffer *in = bufferevent_get_input(s->ctrl);
	struct evbuffer_iovec v;
	enum ctrl_result r;
	size_t used;

	if (evbuffer_get_length(in) == 0 || evbuffer_peek(in, -1, NULL, &v, 1) < 1)
		return -1;
	r = ctrl_feed(&s->reader, v.iov_base, v.iov_len, &used);
	evbuffer_drain(in, used);
	switch (r) {
	case CTRL_NEED_MORE:
		break;
	case CTRL_TOO_LONG:
		session_reply(s, R_500_SYNTAX_ERROR,
		    "Command line too long (at most %d bytes).", CTRL_LINE_MAX);
		break;
	case CTRL_BAD_BYTE:
		session_reply(s, R_500_SYNTAX_ERROR,
		    "Command line holds a NUL byte.");
		break;
	case CTRL_LINE:
		handle_line(s, s->reader.line.data != NULL ?
		    s->reader.line.data : (char *)"");
		break;
	}
	return 0;
}

/*
 * The session's one input loop: held commands first (in order), then new
 * lines, until a transfer holds commands back, the session pauses or
 * closes, or the peer stops reading replies. Reading stops while the
 * held queue is full or the output backlog is above OUTPUT_HIGH_WATER,
 * so TCP pushes back on the peer. Nothing called from here re-enters it:
 * a transfer or password check that ends marks the session runnable
 * (schedule_run) and returns, and a nested call finds s->running set.
 */
static void
session_run(struct session *s)
{
	if (s->running)
		return;
	s->running = 1;
	while (!s->closing && !s->paused) {
		if (s->xfer == NULL && s->held.len > 0) {
			run_held(s);
			continue;
		}
		if ((s->xfer != NULL && !held_room(s)) ||
		    output_backlog(s) > OUTPUT_HIGH_WATER) {
			bufferevent_disable(s->ctrl, EV_READ);
			break;
		}
		if (!(bufferevent_get_enabled(s->ctrl) & EV_READ))
			bufferevent_enable(s->ctrl, EV_READ);
		if (feed_input(s) < 0)
			break;
	}
	s->running = 0;
}

static void
run_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	session_run(arg);
}

static void
ctrl_read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	session_run(arg);
}

/*
 * Watches the encrypted bytes below an AUTH TLS filter: when they drain
 * below the mark, reading may go on (the filter's own write callback
 * fires long before, as soon as its plaintext is encrypted).
 */
static void
under_output_cb(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct session *s = arg;

	(void)buf;
	if (info->n_deleted > 0 && !s->closing && !s->paused &&
	    !(bufferevent_get_enabled(s->ctrl) & EV_READ) &&
	    output_backlog(s) <= OUTPUT_LOW_WATER)
		schedule_run(s);
}

static void close_when_flushed(struct session *s);

static void
close_poll_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	close_when_flushed(arg);
}

/* Frees a closing session once its last reply has left, or after ~2 s. */
static void
close_when_flushed(struct session *s)
{
	struct timeval tv = { 0, 10 * 1000 };

	if (output_backlog(s) == 0 || s->close_polls >= 200) {
		session_free(s);
		return;
	}
	s->close_polls++;
	if (s->pause_ev != NULL)
		event_free(s->pause_ev);
	s->pause_ev = evtimer_new(worker_base(s->worker), close_poll_cb, s);
	if (s->pause_ev == NULL || evtimer_add(s->pause_ev, &tv) < 0)
		session_free(s);
}

static void
ctrl_write_cb(struct bufferevent *bev, void *arg)
{
	struct session *s = arg;

	(void)bev;
	if (s->closing) {
		if (evbuffer_get_length(bufferevent_get_output(s->ctrl)) > 0)
			return;
		close_when_flushed(s);
		return;
	}
	/* Output drained: take commands again. */
	if (!s->paused && !(bufferevent_get_enabled(s->ctrl) & EV_READ) &&
	    output_backlog(s) <= OUTPUT_LOW_WATER)
		schedule_run(s);
}

/*
 * Counts the end of the control connection's TLS handshake (implicit or
 * AUTH TLS): BEV_EVENT_CONNECTED when it succeeds, an error or EOF
 * before that when it fails.
 */
static void
count_ctrl_handshake(struct session *s, short what)
{
	if (!s->tls_active || s->tls_counted)
		return;
	if (what & BEV_EVENT_CONNECTED) {
		metrics_inc(M_TLS_CONTROL_OK);
		/* SNI may have chosen a host: its idle_timeout now. */
		if (s->host_given)
			session_idle_timeout(s, 1);
		if (s->greet_pending) {
			s->greet_pending = 0;
			session_reply_text(s, R_220_READY, s->cfg->banner);
		}
	} else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		metrics_inc(M_TLS_CONTROL_FAILED);
	else
		return;
	s->tls_counted = 1;
}

static void
ctrl_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session *s = arg;

	(void)bev;
	count_ctrl_handshake(s, what);
	if ((what & BEV_EVENT_TIMEOUT) && !s->closing) {
		session_log(s, "idle timeout");
		session_close_after(s, R_421_SERVICE_UNAVAILABLE,
		    "Timeout: closing control connection.");
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		unsigned long e = bufferevent_get_openssl_error(s->ctrl);

		if (e != 0) {
			char buf[256];

			ERR_error_string_n(e, buf, sizeof(buf));
			session_log(s, "TLS error on the control connection: %s", buf);
		}
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		session_free(s);
}

/*
 * The 234 has left: TLS takes the socket over from the plain bufferevent,
 * which goes (one bufferevent instead of a filter over another: an idle
 * TLS session took 26 KiB that way, 17 KiB this way, as implicit TLS).
 * NULL when out of memory; the plain bufferevent then still has the fd.
 */
static struct bufferevent *
take_over_socket(struct session *s, struct bufferevent *under, SSL *ssl)
{
	evutil_socket_t fd = bufferevent_getfd(under);
	struct bufferevent *tls;

	bufferevent_disable(under, EV_READ | EV_WRITE);
	if (bufferevent_setfd(under, -1) < 0)
		return NULL;
	tls = bufferevent_openssl_socket_new(worker_base(s->worker), fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (tls == NULL) {
		(void)bufferevent_setfd(under, fd);
		return NULL;
	}
	bufferevent_free(under);	/* after this callback, if inside one */
	return tls;
}

int
session_start_tls(struct session *s)
{
	struct bufferevent *under = s->ctrl, *tls;
	struct evbuffer *in = bufferevent_get_input(under);
	SSL *ssl;

	/* Anything after "AUTH TLS" came in plaintext: never run it. */
	evbuffer_drain(in, evbuffer_get_length(in));
	bufferevent_set_timeouts(under, NULL, NULL);
	/* The certificate of the host HOST chose, if any (RFC 7151). */
	if (vhost_tls(s->cfg->vhost) == NULL ||
	    (ssl = tls_server_ssl(vhost_tls(s->cfg->vhost), s,
	    s->tls_sid)) == NULL)
		goto fail;
	if (evbuffer_get_length(bufferevent_get_output(under)) == 0)
		tls = take_over_socket(s, under, ssl);
	else {
		/* The 234 still waits: TLS goes on top, behind it. */
		tls = bufferevent_openssl_filter_new(worker_base(s->worker),
		    under, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		if (tls != NULL)
			s->under_cb = evbuffer_add_cb(
			    bufferevent_get_output(under), under_output_cb, s);
	}
	if (tls == NULL) {
		SSL_free(ssl);
		goto fail;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(tls, 1);
	s->ctrl = tls;
	s->tls_active = 1;
	bufferevent_setcb(s->ctrl, ctrl_read_cb, ctrl_write_cb, ctrl_event_cb, s);
	session_idle_timeout(s, 1);
	bufferevent_enable(s->ctrl, EV_READ | EV_WRITE);
	return 0;
fail:
	session_log(s, "cannot start TLS");
	session_close_after(s, 0, NULL);
	return -1;
}

void
session_logged_in(struct session *s)
{
	metrics_inc(M_LOGINS_OK);
	if (s->login_ev != NULL) {
		event_free(s->login_ev);
		s->login_ev = NULL;
	}
}

static void
pause_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	void (*done)(struct session *) = s->pause_done;

	(void)fd;
	(void)what;
	s->paused = 0;
	s->pause_done = NULL;
	if (done != NULL)
		done(s);
	if (!s->paused)
		session_continue(s);
}

/* The peer hung up while the session was suspended (worker thread). */
static void
hangup_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;

	(void)fd;
	(void)what;
	session_log(s, "client hung up while waiting for %s: cancelled",
	    s->auth_job != NULL ? "a password check" : "a hash");
	session_free(s);	/* cancels the hash or the check */
}

/*
 * With reading off, the end of the connection would be seen only once
 * the work ends (a long hash): watch for it on its own (EPOLLRDHUP), so
 * that a hangup frees the hash thread at the hash's next chunk.
 */
static void
watch_hangup(struct session *s)
{
	struct event_base *base = worker_base(s->worker);
	evutil_socket_t fd = bufferevent_getfd(s->ctrl);

	if (s->hangup_ev == NULL && fd >= 0 &&
	    (event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE))
		s->hangup_ev = event_new(base, fd, EV_CLOSED, hangup_cb, s);
	if (s->hangup_ev != NULL)
		(void)event_add(s->hangup_ev, NULL);
}

void
session_suspend(struct session *s)
{
	s->paused = 1;
	bufferevent_disable(s->ctrl, EV_READ);
	watch_hangup(s);
}

void
session_continue(struct session *s)
{
	s->paused = 0;
	if (s->hangup_ev != NULL)
		(void)event_del(s->hangup_ev);
	if (!s->closing)
		schedule_run(s);
}

void
session_pause(struct session *s, unsigned ms, void (*done)(struct session *))
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	if (s->pause_ev == NULL)
		s->pause_ev = evtimer_new(worker_base(s->worker), pause_cb, s);
	if (s->pause_ev == NULL) {
		if (done != NULL)
			done(s);
		return;
	}
	s->pause_done = done;
	s->paused = 1;
	bufferevent_disable(s->ctrl, EV_READ);
	evtimer_add(s->pause_ev, &tv);
}

int
session_path(struct session *s, const char *arg, char *out)
{
	if (vpath_resolve(s->cwd != NULL ? s->cwd : "/", arg != NULL ? arg : "",
	    out, VPATH_MAX) < 0) {
		session_reply(s, R_553_NAME_NOT_ALLOWED, "Path too long.");
		return -1;
	}
	return 0;
}

int
session_set_cwd(struct session *s, const char *path)
{
	char *p = strdup(path);

	if (p == NULL)
		return -1;
	free(s->cwd);
	s->cwd = p;
	return 0;
}

void
session_reply_errno(struct session *s, int err, const char *path)
{
	const char *why;

	switch (err) {
	case ENOENT: why = "No such file or directory"; break;
	case EXDEV:
	case ELOOP: why = "Path leads outside your home"; break;
	case EACCES:
	case EPERM: why = "Permission denied"; break;
	case EEXIST: why = "File exists"; break;
	case ENOTDIR: why = "Not a directory"; break;
	case EISDIR: why = "Is a directory"; break;
	case ENOTEMPTY: why = "Directory not empty"; break;
	case ENAMETOOLONG: why = "File name too long"; break;
	case ENOSPC: why = "No space left on device"; break;
	case EDQUOT: why = "Quota exceeded"; break;
	case EROFS: why = "Read-only file system"; break;
	default: why = strerror(err); break;
	}
	session_log(s, "%s %s failed: %s", s->verb != NULL ? s->verb : "?",
	    path, why);
	session_reply(s, R_550_FILE_UNAVAILABLE, "%s: %s.", path, why);
}

void
session_refuse(struct session *s, const char *path, const char *why)
{
	session_log(s, "%s %s refused: %s", s->verb != NULL ? s->verb : "?",
	    path, why);
	session_reply(s, R_550_FILE_UNAVAILABLE, "%s: %s.", path, why);
}

void
session_log(struct session *s, const char *fmt, ...)
{
	struct log_who who;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	who.session = s->id;
	who.client = s->peer_str;
	who.user = s->login == LOGIN_DONE ? s->user : NULL;
	log_session(&who, "%s", msg);
}

int
session_shutting_down(const struct session *s)
{
	return worker_stopping(s->worker);
}
