/*
 * datachan.c: getting a data connection: passive listeners (PASV/EPSV)
 * and active connects (PORT/EPRT); see xfer.h.
 *
 * A passive listener accepts one connection, only from the control
 * connection's peer address (no PASV port theft), and closes after it or
 * after the data timeout. An active connection goes only to the control
 * peer's own address unless allow_foreign_data is set (no FTP bounce).
 * Passive sockets never use SO_REUSEPORT, which lets two sockets share a
 * port and so swap data between clients.
 */
#include <errno.h>
#include <event2/event.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "addr.h"
#include "config.h"
#include "reply.h"
#include "session.h"
#include "tls.h"
#include "worker.h"
#include "xfer.h"

static void
close_setup(struct session *s)
{
	if (s->setup_ev != NULL) {
		event_free(s->setup_ev);
		s->setup_ev = NULL;
	}
	if (s->setup_timer != NULL) {
		event_free(s->setup_timer);
		s->setup_timer = NULL;
	}
	if (s->setup_fd >= 0) {
		close(s->setup_fd);
		s->setup_fd = -1;
	}
}

static void
close_early(struct session *s)
{
	if (s->early_ev != NULL) {
		event_free(s->early_ev);
		s->early_ev = NULL;
	}
	if (s->early_ssl != NULL) {
		SSL_free(s->early_ssl);
		s->early_ssl = NULL;
	}
}

void
data_reset(struct session *s)
{
	close_setup(s);
	close_early(s);
	if (s->data_fd >= 0) {
		close(s->data_fd);
		s->data_fd = -1;
	}
	s->data_mode = DATA_NONE;
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

	if (state == 0 && getrandom(&state, sizeof(state), 0) != sizeof(state))
		state = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull;
	state += 0x9E3779B97F4A7C15ull;	/* splitmix64 */
	{
		uint64_t z = state;

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		return (unsigned)(z ^ (z >> 31));
	}
}

/* Tries ports of the configured range from a random start. */
static int
bind_passive(struct session *s, int fd, struct sockaddr_storage *ss)
{
	const struct config *cfg = s->cfg;
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

static void
setup_timeout(struct session *s)
{
	session_log(s, "data connection not made within %u s",
	    s->cfg->data_timeout);
	close_setup(s);
	s->data_mode = DATA_NONE;
	if (s->xfer != NULL)
		xfer_connect_failed(s, "Data connection timed out.");
}

static void early_tls_cb(evutil_socket_t fd, short what, void *arg);

/* (Re)arms the early handshake's event for the direction TLS wants. */
static int
early_wait(struct session *s, short what)
{
	struct timeval tv = { (time_t)s->cfg->data_timeout, 0 };

	if (s->early_ev != NULL)
		event_free(s->early_ev);
	s->early_ev = event_new(worker_base(s->worker), s->data_fd, what,
	    early_tls_cb, s);
	return s->early_ev != NULL && event_add(s->early_ev, &tv) == 0 ? 0 : -1;
}

/* Gives up on an accepted connection whose handshake failed. */
static void
drop_early(struct session *s, const char *why)
{
	char err[256];

	session_log(s, "data TLS before the command failed: %s",
	    why != NULL ? why : tls_error_string(err, sizeof(err)));
	close_early(s);
	close(s->data_fd);
	s->data_fd = -1;
}

/*
 * Some clients finish the data connection's TLS handshake before they
 * send the transfer command: drive it as soon as the connection is
 * accepted. The transfer takes the SSL over, done or not.
 */
static void
early_tls_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	int r;

	(void)fd;
	if (what & EV_TIMEOUT) {
		drop_early(s, "timed out");
		return;
	}
	ERR_clear_error();
	r = SSL_do_handshake(s->early_ssl);
	if (r == 1) {
		event_free(s->early_ev);
		s->early_ev = NULL;
		return;
	}
	switch (SSL_get_error(s->early_ssl, r)) {
	case SSL_ERROR_WANT_READ:
		if (early_wait(s, EV_READ) < 0)
			drop_early(s, "out of memory");
		return;
	case SSL_ERROR_WANT_WRITE:
		if (early_wait(s, EV_WRITE) < 0)
			drop_early(s, "out of memory");
		return;
	default:
		drop_early(s, NULL);
		return;
	}
}

static void
start_early_tls(struct session *s)
{
	if ((s->early_ssl = tls_new(s->tls_sid)) == NULL ||
	    SSL_set_fd(s->early_ssl, s->data_fd) != 1) {
		drop_early(s, "cannot create TLS state");
		return;
	}
	SSL_set_num_tickets(s->early_ssl, 0);
	SSL_set_accept_state(s->early_ssl);
	if (early_wait(s, EV_READ) < 0)
		drop_early(s, "out of memory");
}

/*
 * Accepts the client's data connection from the passive listener, turning
 * away anyone else who raced it there (PASV port theft). Returns the fd,
 * or -1 with errno (EAGAIN: not there yet).
 */
static int
accept_peer(struct session *s)
{
	struct sockaddr_storage peer;
	socklen_t len;
	char who[64];
	int fd;

	for (;;) {
		len = sizeof(peer);
		fd = accept4(s->setup_fd, (struct sockaddr *)&peer, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return -1;
		if (addr_same_host(&peer, &s->peer))
			return fd;
		addr_unmap(&peer);
		if (addr_ntop(&peer, who, sizeof(who)) < 0)
			snprintf(who, sizeof(who), "?");
		session_log(s, "refused data connection from %s", who);
		close(fd);
	}
}

static void
setup_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	setup_timeout(arg);
}

static void
accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct session *s = arg;
	int fd;

	(void)lfd;
	(void)what;
	if ((fd = accept_peer(s)) < 0)
		return;		/* EAGAIN, ECONNABORTED: keep listening */
	close_setup(s);
	if (s->xfer != NULL && s->xfer->waiting) {
		xfer_connected(s, fd);
		return;
	}
	s->data_fd = fd;	/* the transfer command comes next */
	if (s->prot_private)
		start_early_tls(s);
}

/* Wakes accept_cb when a connection arrives on the passive listener. */
static int
watch_listener(struct session *s)
{
	if (s->setup_ev == NULL)
		s->setup_ev = event_new(worker_base(s->worker), s->setup_fd,
		    EV_READ | EV_PERSIST, accept_cb, s);
	return s->setup_ev != NULL && event_add(s->setup_ev, NULL) == 0 ? 0 : -1;
}

void
data_passive(struct session *s, int extended, int family)
{
	struct sockaddr_storage ss = s->local, adv;
	struct timeval tv = { (time_t)s->cfg->data_timeout, 0 };
	char text[128];
	int fd, one = 1;

	data_reset(s);
	if (family != 0 && family != ss.ss_family) {
		session_reply(s, R_522_PROTOCOL_NOT_SUPPORTED,
		    "Network protocol not supported, use (%d)",
		    ss.ss_family == AF_INET ? 1 : 2);
		return;
	}
	if (!extended && ss.ss_family != AF_INET) {
		session_reply(s, R_522_PROTOCOL_NOT_SUPPORTED,
		    "PASV is IPv4 only; use EPSV.");
		return;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	/*
	 * SO_REUSEADDR lets a port whose last connection is in TIME_WAIT
	 * serve again (busy servers cycle through the range quickly); unlike
	 * SO_REUSEPORT it never lets two sockets listen on one port.
	 */
	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind_passive(s, fd, &ss) < 0 || listen(fd, 1) < 0) {
		if (fd >= 0)
			close(fd);
		session_reply(s, R_425_CANT_OPEN_DATA,
		    "Cannot open passive connection.");
		return;
	}
	s->setup_fd = fd;
	/*
	 * The listener lives for data_timeout at most. Plain sessions accept
	 * only when the transfer command comes (the connection waits in the
	 * backlog meanwhile, and no epoll round is spent on it); PROT P
	 * sessions accept at once, to begin the TLS handshake early.
	 */
	s->setup_timer = evtimer_new(worker_base(s->worker), setup_timer_cb, s);
	if (s->setup_timer == NULL || evtimer_add(s->setup_timer, &tv) < 0 ||
	    (s->prot_private && watch_listener(s) < 0)) {
		data_reset(s);
		session_reply(s, R_425_CANT_OPEN_DATA,
		    "Cannot open passive connection.");
		return;
	}
	s->data_mode = DATA_PASSIVE;
	if (extended) {
		session_reply(s, R_229_EXTENDED_PASSIVE,
		    "Entering Extended Passive Mode (|||%u|)", addr_port(&ss));
		return;
	}
	adv = ss;
	if (s->cfg->pasv_address != NULL &&
	    addr_pton(s->cfg->pasv_address, addr_port(&ss), &adv) < 0)
		adv = ss;
	if (addr_format_port(&adv, text, sizeof(text)) < 0) {
		data_reset(s);
		session_reply(s, R_425_CANT_OPEN_DATA, "Cannot format address.");
		return;
	}
	session_reply(s, R_227_PASSIVE, "Entering Passive Mode (%s).", text);
}

/* Whether ss holds the unspecified address, 0.0.0.0 or "::". */
static int
is_unspecified(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

void
data_active(struct session *s, const struct sockaddr_storage *ss)
{
	struct sockaddr_storage to = *ss;

	data_reset(s);
	addr_unmap(&to);
	/*
	 * lftp sends "EPRT |2|::|port|" when its data socket listens on the
	 * wildcard (it does on ::1). The only sensible reading is "my own
	 * address", the one address we connect to anyway.
	 */
	if (is_unspecified(&to) && to.ss_family == s->peer.ss_family) {
		unsigned port = addr_port(&to);

		to = s->peer;
		addr_set_port(&to, port);
	}
	if (!s->cfg->allow_foreign_data && !addr_same_host(&to, &s->peer)) {
		session_reply(s, R_500_SYNTAX_ERROR,
		    "Illegal PORT command: data connections go only to your own address.");
		return;
	}
	if (addr_port(&to) < 1024) {
		session_reply(s, R_500_SYNTAX_ERROR,
		    "Illegal PORT command: privileged port.");
		return;
	}
	s->port_addr = to;
	s->data_mode = DATA_ACTIVE;
	session_reply(s, R_200_OK, "PORT command successful. Consider using EPSV.");
}

static void
connect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	socklen_t len = sizeof(int);
	int err = 0;

	if (what & EV_TIMEOUT) {
		setup_timeout(s);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		close_setup(s);
		s->data_mode = DATA_NONE;
		xfer_connect_failed(s, strerror(err));
		return;
	}
	/* Hand the socket over before close_setup would close it. */
	s->setup_fd = -1;
	close_setup(s);
	xfer_connected(s, (int)fd);
}

int
data_connect(struct session *s)
{
	struct timeval tv = { (time_t)s->cfg->data_timeout, 0 };
	struct sockaddr_storage local = s->local;
	int fd;

	if (s->data_mode == DATA_PASSIVE) {
		if (s->data_fd >= 0) {
			fd = s->data_fd;
			s->data_fd = -1;
			return fd;
		}
		if (s->setup_fd < 0) {
			errno = ENOTCONN;
			return -2;
		}
		if ((fd = accept_peer(s)) >= 0) {
			close_setup(s);
			return fd;
		}
		if (watch_listener(s) < 0)
			return -2;
		return -1;	/* accept_cb will call xfer_connected */
	}
	if (s->data_mode != DATA_ACTIVE) {
		errno = ENOTCONN;
		return -2;
	}
	fd = socket(s->port_addr.ss_family,
	    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -2;
	/* Connect from the address the client talks to. */
	if (local.ss_family == s->port_addr.ss_family) {
		addr_set_port(&local, 0);
		(void)bind(fd, (struct sockaddr *)&local, addr_len(&local));
	}
	if (connect(fd, (struct sockaddr *)&s->port_addr,
	    addr_len(&s->port_addr)) == 0) {
		s->data_mode = DATA_NONE;
		return fd;
	}
	if (errno != EINPROGRESS) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -2;
	}
	s->setup_fd = fd;
	s->setup_ev = event_new(worker_base(s->worker), fd, EV_WRITE,
	    connect_cb, s);
	if (s->setup_ev == NULL || event_add(s->setup_ev, &tv) < 0) {
		close_setup(s);
		errno = ENOMEM;
		return -2;
	}
	s->data_mode = DATA_NONE;
	return -1;
}
