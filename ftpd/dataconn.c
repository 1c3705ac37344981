/*
 * dataconn.c: a session's data connection; see dataconn.h.
 *
 * A passive listener accepts one connection, only from the control
 * connection's peer address (no PASV port theft), and closes after it or
 * after the data timeout. An active connection goes only where cmd_data.c
 * allowed (the control peer's own address unless allow_foreign_data: no
 * FTP bounce). Passive sockets never use SO_REUSEPORT, which lets two
 * sockets share a port and so swap data between clients.
 *
 * The one event watches the descriptor for whatever the state needs:
 * the listener, the connect, the handshake, then the transfer's I/O. The
 * one timer bounds the listener's life, the connect and the handshake,
 * and also delivers dc_open's answer from the event loop (report/deliver),
 * so that no caller ever sees its callback run inside its own call.
 */
#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "addr.h"
#include "config.h"
#include "dataconn.h"
#include "metrics.h"
#include "proxyconn.h"
#include "session.h"
#include "tls.h"
#include "worker.h"

/* A TLS data connection reads up to this much per call (read_ahead). */
#define TLS_READ_BUFFER (64 * 1024)

enum dc_state {
	DC_IDLE,		/* no PORT/PASV */
	DC_PORT_SET,		/* PORT/EPRT address stored */
	DC_LISTENING,		/* PASV/EPSV listener open */
	DC_PROXY_HEADER,	/* from a balancer: reading its PROXY header */
	DC_CONNECTING,		/* active connect in progress */
	DC_ACCEPTED,		/* connected, TLS not begun */
	DC_HANDSHAKING,		/* TLS handshake in progress */
	DC_READY,		/* bytes can move */
};

#ifdef DC_TRACE
static const char *const state_names[] = {
	"idle", "port set", "listening", "proxy header", "connecting", "accepted",
	"handshaking", "ready",
};
#endif

struct dc_ops {
	ssize_t (*send)(struct dataconn *dc, const void *p, size_t n);
	ssize_t (*recv)(struct dataconn *dc, void *p, size_t n);
};

struct dataconn {
	struct session *s;
	enum dc_state state;
	int fd;			/* listener, connecting socket or connection */
	int listen_fd;		/* the listener, kept while a header is read */
	struct proxy_reader *proxy;	/* that header so far */
	SSL *ssl;		/* PROT P */
	const struct dc_ops *ops;
	struct event *ev;	/* the descriptor's one event */
	short ev_what;
	event_callback_fn ev_cb;
	struct event *timer;	/* data_timeout, and deferred answers */
	struct sockaddr_storage port_addr;
	short want;		/* direction TLS asked for, or 0 */
	unsigned opened : 1;	/* dc_open was called: PORT/PASV used up */
	unsigned tls : 1;	/* the transfer wants TLS */
	unsigned reporting : 1;	/* the timer carries an answer, not a timeout */
	unsigned pausing : 1;	/* the timer ends a dc_pause */
	short pause_what;	/* what io gets when the pause ends */
	enum dc_status status;	/* the answer being reported */
	char why[160];
	dc_done_fn done;
	void *done_arg;
	dc_io_fn io;
	void *io_arg;
};

static void timer_cb(evutil_socket_t fd, short what, void *arg);
static void handshake_cb(evutil_socket_t fd, short what, void *arg);

static void
set_state(struct dataconn *dc, enum dc_state st)
{
#ifdef DC_TRACE
	if (st != dc->state)
		session_log(dc->s, "data connection: %s -> %s",
		    state_names[dc->state], state_names[st]);
#endif
	dc->state = st;
}

/* Plain and TLS I/O: the operations table. */

static ssize_t
plain_send(struct dataconn *dc, const void *p, size_t n)
{
	return send(dc->fd, p, n, MSG_NOSIGNAL);
}

static ssize_t
plain_recv(struct dataconn *dc, void *p, size_t n)
{
	return recv(dc->fd, p, n, 0);
}

/*
 * Turns an SSL_read/SSL_write/handshake failure into errno: EAGAIN with
 * dc->want set when TLS waits for the socket, else EPROTO or ECONNRESET.
 */
static ssize_t
tls_io_error(struct dataconn *dc, int r)
{
	switch (SSL_get_error(dc->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		dc->want = EV_READ;
		errno = EAGAIN;
		break;
	case SSL_ERROR_WANT_WRITE:
		dc->want = EV_WRITE;
		errno = EAGAIN;
		break;
	case SSL_ERROR_SYSCALL:
		if (errno == 0 || errno == EAGAIN)
			errno = ECONNRESET;
		break;
	default:
		errno = EPROTO;
		break;
	}
	return -1;
}

static ssize_t
tls_send(struct dataconn *dc, const void *p, size_t n)
{
	int r;

	ERR_clear_error();
	r = SSL_write(dc->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
	return r > 0 ? r : tls_io_error(dc, r);
}

static ssize_t
tls_recv(struct dataconn *dc, void *p, size_t n)
{
	int r;

	ERR_clear_error();
	r = SSL_read(dc->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
	if (r > 0)
		return r;
	if (SSL_get_error(dc->ssl, r) == SSL_ERROR_ZERO_RETURN)
		return 0;	/* close_notify: a clean end */
	return tls_io_error(dc, r);
}

/*
 * Says once per process which way TLS data leaves: kernel TLS, or
 * OpenSSL in user space (the kernel has no "tls" ULP, or OpenSSL was
 * built without it); and once more if the other way turns up later.
 */
static void
log_tls_path(struct dataconn *dc)
{
	static _Atomic int said[2];
	int k = BIO_get_ktls_send(SSL_get_wbio(dc->ssl)) ? 1 : 0;

	if (atomic_exchange(&said[k], 1) == 0)
		session_log(dc->s, k ? "TLS data connections: kernel TLS "
		    "(sendfile, %s)" : "TLS data connections: OpenSSL in user "
		    "space, kernel TLS not available (%s)",
		    SSL_get_cipher_name(dc->ssl));
}

int
dc_pending(const struct dataconn *dc)
{
	return dc->ssl != NULL && SSL_has_pending(dc->ssl);
}

int
dc_ktls_send(const struct dataconn *dc)
{
	return dc->ssl != NULL && BIO_get_ktls_send(SSL_get_wbio(dc->ssl));
}

ssize_t
dc_sendfile(struct dataconn *dc, int fd, off_t off, size_t n)
{
	ossl_ssize_t r;

	dc->want = 0;
	ERR_clear_error();
	r = SSL_sendfile(dc->ssl, fd, off, n, 0);
	return r > 0 ? (ssize_t)r : tls_io_error(dc, (int)r);
}

static const struct dc_ops plain_ops = { plain_send, plain_recv };
static const struct dc_ops tls_ops = { tls_send, tls_recv };

/* The event and the timer. */

/* Points the one event at the descriptor for what, calling cb. */
static int
set_event(struct dataconn *dc, short what, event_callback_fn cb)
{
	if (dc->ev != NULL && dc->ev_what == what && dc->ev_cb == cb)
		return 0;
	if (dc->ev != NULL)
		event_free(dc->ev);
	dc->ev_what = what;
	dc->ev_cb = cb;
	dc->ev = event_new(worker_base(dc->s->worker), dc->fd, what, cb, dc);
	return dc->ev != NULL ? 0 : -1;
}

/* Waits for what (unless already waiting for it), with timeout tv. */
static int
watch(struct dataconn *dc, short what, event_callback_fn cb,
    const struct timeval *tv)
{
	if (dc->ev != NULL && dc->ev_what == what && dc->ev_cb == cb &&
	    event_pending(dc->ev, EV_READ | EV_WRITE, NULL))
		return 0;
	if (set_event(dc, what, cb) < 0)
		return -1;
	return event_add(dc->ev, tv);
}

static struct timeval
data_timeout(const struct dataconn *dc)
{
	struct timeval tv = { (time_t)dc->s->cfg->data_timeout, 0 };

	return tv;
}

static int
timer_start(struct dataconn *dc)
{
	struct timeval tv = data_timeout(dc);

	return evtimer_add(dc->timer, &tv);
}

/*
 * Answers dc_open: the answer leaves from the event loop (timer_cb), so
 * that dc_open never calls back inside its caller.
 */
static void
report(struct dataconn *dc, enum dc_status status, const char *why)
{
	dc->reporting = 1;
	dc->status = status;
	snprintf(dc->why, sizeof(dc->why), "%s", why != NULL ? why : "");
	evtimer_del(dc->timer);
	event_active(dc->timer, EV_TIMEOUT, 0);
}

static void
deliver(struct dataconn *dc)
{
	enum dc_status status = dc->status;
	dc_done_fn done = dc->done;
	void *arg = dc->done_arg;
	char why[sizeof(dc->why)];

	memcpy(why, dc->why, sizeof(why));
	dc->reporting = 0;
	dc->done = NULL;
	if (status != DC_OK)
		dc_close(dc);
	if (done != NULL)
		done(arg, status, why);
}

/* Closes the descriptor, its TLS and its event; the state stays. */
static void
close_fd(struct dataconn *dc)
{
	if (dc->ev != NULL) {
		event_free(dc->ev);
		dc->ev = NULL;
	}
	if (dc->ssl != NULL) {
		SSL_free(dc->ssl);
		dc->ssl = NULL;
	}
	if (dc->fd >= 0) {
		close(dc->fd);
		dc->fd = -1;
	}
	if (dc->listen_fd >= 0) {
		close(dc->listen_fd);
		dc->listen_fd = -1;
	}
	free(dc->proxy);
	dc->proxy = NULL;
	dc->ops = &plain_ops;
	dc->want = 0;
}

struct dataconn *
dc_new(struct session *s)
{
	struct dataconn *dc = calloc(1, sizeof(*dc));

	if (dc == NULL)
		return NULL;
	dc->s = s;
	dc->fd = -1;
	dc->listen_fd = -1;
	dc->ops = &plain_ops;
	dc->timer = evtimer_new(worker_base(s->worker), timer_cb, dc);
	if (dc->timer == NULL) {
		free(dc);
		return NULL;
	}
	return dc;
}

void
dc_close(struct dataconn *dc)
{
	close_fd(dc);
	evtimer_del(dc->timer);
	dc->reporting = 0;
	dc->pausing = 0;
	dc->opened = 0;
	dc->done = NULL;
	dc->io = NULL;
	set_state(dc, DC_IDLE);
}

void
dc_free(struct dataconn *dc)
{
	if (dc == NULL)
		return;
	dc_close(dc);
	event_free(dc->timer);
	free(dc);
}

/* Session reuse: with tls_require_reuse, the one proof of the session. */
static void
ready(struct dataconn *dc)
{
	if (dc->ssl != NULL && dc->s->cfg->tls_require_reuse &&
	    !SSL_session_reused(dc->ssl)) {
		session_log(dc->s, "data TLS did not reuse the control session");
		metrics_inc(M_TLS_REUSE_FAILED);
		report(dc, DC_ERR_REUSE,
		    "SSL connection failed: session reuse required.");
		return;
	}
	report(dc, DC_OK, NULL);
}

/* A handshake that cannot go on. */
static void
handshake_failed(struct dataconn *dc, const char *why)
{
	char err[256];

	session_log(dc->s, "data TLS handshake failed: %s",
	    why != NULL ? why : tls_error_string(err, sizeof(err)));
	metrics_inc(M_TLS_DATA_FAILED);
	if (dc->opened)
		report(dc, DC_ERR_TLS,
		    "TLS handshake failed on the data connection.");
	else
		dc_close(dc);
}

/* Drives the TLS handshake one step; the one driver for every path. */
static void
handshake_step(struct dataconn *dc)
{
	int r;

	ERR_clear_error();
	r = SSL_do_handshake(dc->ssl);
	if (r == 1) {
		dc->want = 0;
		metrics_inc(M_TLS_DATA_OK);
		log_tls_path(dc);
		/* TLS 1.3 tickets are used once: send the next one. */
		tls_renew_ticket(session_ctrl_ssl(dc->s));
		if (dc->ev != NULL)
			event_del(dc->ev);
		set_state(dc, DC_READY);
		if (dc->opened)
			ready(dc);
		return;
	}
	if (tls_io_error(dc, r) < 0 && errno == EAGAIN) {
		if (watch(dc, dc->want, handshake_cb, NULL) < 0)
			handshake_failed(dc, "out of memory");
		return;
	}
	handshake_failed(dc, NULL);
}

static void
handshake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	handshake_step(arg);
}

/* The data connection is there: begin TLS, or it is ready. */
static void
connected(struct dataconn *dc, int fd)
{
	if (fd != dc->fd) {
		close_fd(dc);	/* the listener */
		dc->fd = fd;
	}
	set_state(dc, DC_ACCEPTED);
	/* Bounds the handshake, or the wait for the transfer command. */
	evtimer_del(dc->timer);
	if (timer_start(dc) < 0) {
		handshake_failed(dc, "out of memory");
		return;
	}
	if (!(dc->opened ? dc->tls : dc->s->prot_private)) {
		set_state(dc, DC_READY);
		if (dc->opened)
			ready(dc);
		return;
	}
	if ((dc->ssl = tls_new(session_ctrl_ssl(dc->s), dc->s->tls_sid)) == NULL ||
	    SSL_set_fd(dc->ssl, fd) != 1) {
		handshake_failed(dc, "cannot create TLS state");
		return;
	}
	/* Tickets go on the control connection: see tls_renew_ticket. */
	SSL_set_num_tickets(dc->ssl, 0);
	/*
	 * Kernel TLS where the kernel has it (OpenSSL falls back by itself
	 * when setting the "tls" ULP fails; log_tls_path says which way).
	 * Reads take whole records and what follows them in one call
	 * instead of a header and then a body.
	 */
	SSL_set_options(dc->ssl, SSL_OP_ENABLE_KTLS);
	SSL_set_read_ahead(dc->ssl, 1);
	SSL_set_default_read_buffer_len(dc->ssl, TLS_READ_BUFFER);
	SSL_set_accept_state(dc->ssl);
	dc->ops = &tls_ops;
	set_state(dc, DC_HANDSHAKING);
	handshake_step(dc);
}

/*
 * Accepts the client's data connection from the passive listener, turning
 * away anyone else who raced it there (PASV port theft). A connection
 * from a balancer (proxy_protocol) is taken too, with *relayed set: whose
 * it is, its PROXY header will say. Returns the fd, or -1 with errno
 * (EAGAIN: not there yet).
 */
static int
accept_peer(struct dataconn *dc, int *relayed)
{
	struct sockaddr_storage peer;
	socklen_t len;
	char who[64];
	int fd;

	*relayed = 0;
	for (;;) {
		len = sizeof(peer);
		fd = accept4(dc->fd, (struct sockaddr *)&peer, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return -1;
		if (proxyconn_enabled() && proxyconn_from_balancer(&peer)) {
			*relayed = 1;
			return fd;
		}
		if (addr_same_host(&peer, &dc->s->peer))
			return fd;
		addr_unmap(&peer);
		if (addr_ntop(&peer, who, sizeof(who)) < 0)
			snprintf(who, sizeof(who), "?");
		session_log(dc->s, "refused data connection from %s", who);
		close(fd);
	}
}

static void accept_cb(evutil_socket_t lfd, short what, void *arg);

/*
 * A relayed data connection was not the client's (or its header was
 * bad): turn it away and listen on, as for any stranger.
 */
static void
refuse_relayed(struct dataconn *dc, const char *why)
{
	session_log(dc->s, "refused relayed data connection: %s", why);
	if (dc->ev != NULL) {
		event_free(dc->ev);
		dc->ev = NULL;
	}
	close(dc->fd);
	free(dc->proxy);
	dc->proxy = NULL;
	dc->fd = dc->listen_fd;
	dc->listen_fd = -1;
	set_state(dc, DC_LISTENING);
	if ((dc->opened || dc->s->prot_private) &&
	    watch(dc, EV_READ | EV_PERSIST, accept_cb, NULL) < 0 && dc->opened)
		report(dc, DC_ERR_CONNECT, strerror(ENOMEM));
}

static void
proxy_header_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dataconn *dc = arg;
	struct proxy_header h;
	int r;

	(void)fd;
	(void)what;
	r = proxy_recv(dc->fd, dc->proxy, proxyconn_versions(), &h);
	if (r == 0)
		return;
	if (r < 0) {
		refuse_relayed(dc, errno == EPROTO ? "malformed PROXY header" :
		    "closed before its PROXY header ended");
		return;
	}
	if (!h.relayed || !addr_same_host(&h.src, &dc->s->peer)) {
		refuse_relayed(dc, h.relayed ? "it names another client" :
		    "a LOCAL header");
		return;
	}
	free(dc->proxy);
	dc->proxy = NULL;
	event_free(dc->ev);
	dc->ev = NULL;
	close(dc->listen_fd);
	dc->listen_fd = -1;
	connected(dc, dc->fd);
}

/* A connection came off the listener: the client's, or a balancer's. */
static void
took(struct dataconn *dc, int fd, int relayed)
{
	if (!relayed) {
		connected(dc, fd);
		return;
	}
	/* The listener stays open until the header proves the client. */
	if ((dc->proxy = calloc(1, sizeof(*dc->proxy))) == NULL) {
		close(fd);
		if (dc->opened)
			report(dc, DC_ERR_CONNECT, strerror(ENOMEM));
		return;
	}
	if (dc->ev != NULL) {
		event_free(dc->ev);
		dc->ev = NULL;
	}
	dc->listen_fd = dc->fd;
	dc->fd = fd;
	set_state(dc, DC_PROXY_HEADER);
	/* The data timer still runs: it bounds the header too. */
	if (watch(dc, EV_READ | EV_PERSIST, proxy_header_cb, NULL) < 0)
		refuse_relayed(dc, "out of memory");
}

static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct dataconn *dc = arg;
	int fd, relayed;

	(void)lfd;
	(void)what;
	if ((fd = accept_peer(dc, &relayed)) >= 0)
		took(dc, fd, relayed);
	/* else EAGAIN, ECONNABORTED: keep listening */
}

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dataconn *dc = arg;

	(void)fd;
	(void)what;
	if (dc->reporting) {
		deliver(dc);
		return;
	}
	if (dc->pausing) {
		dc->pausing = 0;
		dc->want = 0;
		dc->io(dc->io_arg, dc->pause_what);
		return;
	}
	session_log(dc->s, "data connection not made within %u s",
	    dc->s->cfg->data_timeout);
	if (dc->opened) {
		dc->status = DC_ERR_TIMEOUT;
		snprintf(dc->why, sizeof(dc->why), "Data connection timed out.");
		deliver(dc);
		return;
	}
	dc_close(dc);
}

/*
 * A cheap per-thread generator for picking passive ports: where in the
 * range a search starts need not be secret (the port is announced in
 * the reply), only spread out. Seeded once from the kernel.
 */
static unsigned
port_random(void)
{
	static __thread uint64_t state;
	uint64_t z;

	if (state == 0 && getrandom(&state, sizeof(state), 0) != sizeof(state))
		state = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull;
	state += 0x9E3779B97F4A7C15ull;	/* splitmix64 */
	z = state;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (unsigned)(z ^ (z >> 31));
}

/* Tries ports of the configured range from a random start. */
static int
bind_passive(const struct config *cfg, int fd, struct sockaddr_storage *ss)
{
	unsigned span = cfg->pasv_max - cfg->pasv_min + 1, i;
	unsigned start = port_random();

	for (i = 0; i < span; i++) {
		addr_set_port(ss, cfg->pasv_min + (start + i) % span);
		if (bind(fd, (struct sockaddr *)ss, addr_len(ss)) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	errno = EADDRINUSE;
	return -1;
}

int
dc_passive(struct dataconn *dc, int family, struct sockaddr_storage *bound)
{
	struct sockaddr_storage ss = dc->s->local;
	int fd, one = 1, saved;

	dc_close(dc);
	if (family != 0 && family != ss.ss_family) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/*
	 * SO_REUSEADDR lets a port whose last connection is in TIME_WAIT
	 * serve again (busy servers cycle through the range quickly); unlike
	 * SO_REUSEPORT it never lets two sockets listen on one port.
	 */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind_passive(dc->s->cfg, fd, &ss) < 0 || listen(fd, 1) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	dc->fd = fd;
	set_state(dc, DC_LISTENING);
	/*
	 * Plain sessions accept only when the transfer command comes (the
	 * connection waits in the backlog meanwhile, and no epoll round is
	 * spent on it); PROT P sessions accept at once, to begin the TLS
	 * handshake early.
	 */
	if (timer_start(dc) < 0 || (dc->s->prot_private &&
	    watch(dc, EV_READ | EV_PERSIST, accept_cb, NULL) < 0)) {
		dc_close(dc);
		errno = ENOMEM;
		return -1;
	}
	*bound = ss;
	return 0;
}

void
dc_active(struct dataconn *dc, const struct sockaddr_storage *to)
{
	dc_close(dc);
	dc->port_addr = *to;
	set_state(dc, DC_PORT_SET);
}

int
dc_armed(const struct dataconn *dc)
{
	return dc->state != DC_IDLE && !dc->opened;
}

int
dc_answering(const struct dataconn *dc)
{
	return dc->reporting;
}

int
dc_waiting(const struct dataconn *dc)
{
	return dc->opened && (dc->state != DC_READY || dc->reporting);
}

static void
connect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dataconn *dc = arg;
	socklen_t len = sizeof(int);
	int err = 0;

	(void)what;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		report(dc, DC_ERR_CONNECT, strerror(err));
		return;
	}
	connected(dc, (int)fd);
}

/* PORT/EPRT: connects from the address the client talks to. */
static void
start_connect(struct dataconn *dc)
{
	struct sockaddr_storage local = dc->s->local;
	int fd;

	fd = socket(dc->port_addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report(dc, DC_ERR_CONNECT, strerror(errno));
		return;
	}
	dc->fd = fd;
	if (local.ss_family == dc->port_addr.ss_family) {
		addr_set_port(&local, 0);
		(void)bind(fd, (struct sockaddr *)&local, addr_len(&local));
	}
	if (connect(fd, (struct sockaddr *)&dc->port_addr,
	    addr_len(&dc->port_addr)) == 0) {
		connected(dc, fd);
		return;
	}
	if (errno != EINPROGRESS) {
		report(dc, DC_ERR_CONNECT, strerror(errno));
		return;
	}
	set_state(dc, DC_CONNECTING);
	if (watch(dc, EV_WRITE, connect_cb, NULL) < 0 || timer_start(dc) < 0)
		report(dc, DC_ERR_CONNECT, strerror(ENOMEM));
}

void
dc_open(struct dataconn *dc, int tls, dc_done_fn done, void *arg)
{
	int fd, relayed;

	BUG_ON(!dc_armed(dc));
	dc->opened = 1;
	dc->tls = tls ? 1 : 0;
	dc->done = done;
	dc->done_arg = arg;
	switch (dc->state) {
	case DC_PORT_SET:
		start_connect(dc);
		break;
	case DC_LISTENING:
		if ((fd = accept_peer(dc, &relayed)) >= 0)
			took(dc, fd, relayed);
		else if (errno != EAGAIN && errno != ECONNABORTED)
			report(dc, DC_ERR_CONNECT, strerror(errno));
		else if (watch(dc, EV_READ | EV_PERSIST, accept_cb, NULL) < 0)
			report(dc, DC_ERR_CONNECT, strerror(ENOMEM));
		break;
	case DC_PROXY_HEADER:
		/* Accepted before the command; proxy_header_cb goes on. */
		break;
	case DC_HANDSHAKING:
		/* Begun before the command; handshake_step answers. */
		if (!dc->tls)
			report(dc, DC_ERR_TLS, "TLS began on a PROT C connection.");
		break;
	case DC_READY:
		if (!dc->tls != (dc->ssl == NULL))
			report(dc, DC_ERR_TLS, "PROT changed after PASV.");
		else
			ready(dc);
		break;
	default:
		report(dc, DC_ERR_CONNECT, "No data connection.");
		break;
	}
}

ssize_t
dc_send(struct dataconn *dc, const void *p, size_t n)
{
	dc->want = 0;	/* what the handshake or an earlier call wanted */
	return dc->ops->send(dc, p, n);
}

ssize_t
dc_recv(struct dataconn *dc, void *p, size_t n)
{
	dc->want = 0;
	return dc->ops->recv(dc, p, n);
}

int
dc_raw(const struct dataconn *dc)
{
	return dc->ssl == NULL;
}

int
dc_fd(const struct dataconn *dc)
{
	return dc->fd;
}

short
dc_want(const struct dataconn *dc)
{
	return dc->want;
}

static void
io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct dataconn *dc = arg;

	(void)fd;
	dc->want = 0;
	dc->io(dc->io_arg, what);
}

int
dc_wait(struct dataconn *dc, short what, dc_io_fn io, void *arg)
{
	struct timeval tv = data_timeout(dc);

	dc->io = io;
	dc->io_arg = arg;
	return watch(dc, what | EV_PERSIST, io_cb, &tv);
}

int
dc_kick(struct dataconn *dc, short what, dc_io_fn io, void *arg)
{
	dc->io = io;
	dc->io_arg = arg;
	if (set_event(dc, what | EV_PERSIST, io_cb) < 0)
		return -1;
	event_active(dc->ev, what, 0);
	return 0;
}

int
dc_pause(struct dataconn *dc, const struct timeval *tv, short what,
    dc_io_fn io, void *arg)
{
	/* A READY connection's timer is free: the stall timeout rides on
	 * the event, which is off while paused. */
	if (dc->ev != NULL)
		event_del(dc->ev);
	dc->io = io;
	dc->io_arg = arg;
	dc->pause_what = what;
	dc->pausing = 1;
	evtimer_del(dc->timer);
	return evtimer_add(dc->timer, tv);
}

void
dc_shutdown(struct dataconn *dc)
{
	if (dc->ssl != NULL)
		(void)SSL_shutdown(dc->ssl);	/* close_notify, no wait */
}
