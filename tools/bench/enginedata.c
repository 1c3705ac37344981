/*
 * enginedata.c: the engine's data connections, plain and TLS; see
 * engine.h for what they do and engine_int.h for how they fit in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>

#include "btls.h"
#include "engine_int.h"

/* 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2): open the data socket. */
int
data_open(struct engine *e, struct sess *s, const char *text)
{
	unsigned h[4], p1, p2;
	struct sockaddr_in a = e->addr;
	const char *lp = strchr(text, '(');

	if (lp == NULL || sscanf(lp, "(%u,%u,%u,%u,%u,%u)", &h[0], &h[1],
	    &h[2], &h[3], &p1, &p2) != 6 || p1 > 255 || p2 > 255) {
		eng_fail(e, s, "cannot parse PASV reply: %s", text);
		return -1;
	}
	a.sin_port = htons((uint16_t)(p1 * 256 + p2));
	s->data = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->data < 0) {
		eng_fail(e, s, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(s->data, (struct sockaddr *)&a, sizeof(a)) < 0 &&
	    errno != EINPROGRESS) {
		eng_fail(e, s, "data connect: %s", strerror(errno));
		return -1;
	}
	s->got_final = 0;
	s->data_over = 0;
	s->xfer_bytes = 0;
	s->src_off = 0;
	if (s->cssl != NULL) {
		/* The handshake starts now; the server answers it when it is ready. */
		if ((s->dssl = SSL_new(e->ctx)) == NULL ||
		    SSL_set_fd(s->dssl, s->data) != 1) {
			eng_fail(e, s, "SSL_new failed");
			return -1;
		}
		SSL_set_app_data(s->dssl, s);
		if (s->tls_sess != NULL)
			(void)SSL_set_session(s->dssl, s->tls_sess);
		s->data_hs = 1;
		return eng_watch(e, s, 1, EPOLLOUT, EPOLL_CTL_ADD);
	}
	/* Uploads wait for the 150 before they ask for EPOLLOUT. */
	return eng_watch(e, s, 1, s->job == JOB_PUT ? 0 : EPOLLIN, EPOLL_CTL_ADD);
}

static void
data_finished(struct engine *e, struct sess *s)
{
	eng_close_data(s);
	s->data_over = 1;
	if (s->got_final)
		eng_file_done(e, s);
}

/* Decrypts what the data connection has into e->sink and drops it. */
static void
on_tls_data_in(struct engine *e, struct sess *s)
{
	char why[160];
	uint32_t ev = 0;

	for (;;) {
		int n = SSL_read(s->dssl, e->sink, (int)sizeof(e->sink));

		switch (btls_step(s->dssl, n, &ev, why, sizeof(why))) {
		case 1:
			if (!s->draining)
				s->xfer_bytes += (uint64_t)n;
			continue;
		case 0:
			(void)eng_want(e, s, 1, ev);
			return;
		case 2:
			data_finished(e, s);
			return;
		default:
			/* After an upload, a reset is the server's way to close. */
			if (s->draining)
				data_finished(e, s);
			else
				eng_fail(e, s, "data connection %s", why);
			return;
		}
	}
}

static void
on_data_in(struct engine *e, struct sess *s)
{
	if (s->dssl != NULL) {
		on_tls_data_in(e, s);
		return;
	}
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
		eng_fail(e, s, "data connection: %s", strerror(errno));
		return;
	}
}

/*
 * All of a TLS upload is written: close_notify and a half-close tell the
 * server the file ended; the data connection stays until the server
 * closes it, so that nothing it sent (TLS 1.3 tickets) makes our close
 * a reset.
 */
static void
tls_upload_end(struct engine *e, struct sess *s)
{
	(void)SSL_shutdown(s->dssl);
	ERR_clear_error();
	if (shutdown(s->data, SHUT_WR) < 0) {
		eng_fail(e, s, "shutdown: %s", strerror(errno));
		return;
	}
	s->draining = 1;
	if (eng_want(e, s, 1, EPOLLIN) == 0)
		on_tls_data_in(e, s);
}

static void
on_tls_data_out(struct engine *e, struct sess *s)
{
	uint64_t size = e->cfg.put_size;
	char why[160];
	uint32_t ev = 0;

	while (s->xfer_bytes < size) {
		uint64_t left = size - s->xfer_bytes;
		size_t len = s->wpend ? s->wpend : left > sizeof(e->block) ?
		    sizeof(e->block) : (size_t)left;
		int n = SSL_write(s->dssl, e->block, (int)len);

		switch (btls_step(s->dssl, n, &ev, why, sizeof(why))) {
		case 1:
			s->xfer_bytes += (uint64_t)n;
			s->wpend = 0;
			continue;
		case 0:
			s->wpend = len;	/* OpenSSL wants the same call again */
			(void)eng_want(e, s, 1, ev);
			return;
		default:
			eng_fail(e, s, "sending data: %s", why);
			return;
		}
	}
	tls_upload_end(e, s);
}

static void
on_data_out(struct engine *e, struct sess *s)
{
	uint64_t want = e->cfg.put_size;

	if (s->dssl != NULL) {
		on_tls_data_out(e, s);
		return;
	}

	while (s->xfer_bytes < want) {
		uint64_t left = want - s->xfer_bytes;
		ssize_t n;

		if (e->cfg.put_src_fd >= 0) {
			n = sendfile(s->data, e->cfg.put_src_fd, &s->src_off,
			    left > (1u << 30) ? (1u << 30) : (size_t)left);
		} else {
			n = write(s->data, e->block,
			    left > 4096 ? 4096 : (size_t)left);
		}
		if (n > 0) {
			s->xfer_bytes += (uint64_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		eng_fail(e, s, "sending data: %s", n == 0 ? "source file too short" :
		    strerror(errno));
		return;
	}
	data_finished(e, s);
}

static void
data_handshake(struct engine *e, struct sess *s)
{
	char why[160];
	uint32_t ev = 0;

	switch (btls_step(s->dssl, SSL_connect(s->dssl), &ev, why, sizeof(why))) {
	case 1:
		s->data_hs = 0;
		e->tls.data++;
		e->tls.data_resumed += SSL_session_reused(s->dssl) != 0;
		if (s->job != JOB_PUT) {
			if (eng_want(e, s, 1, EPOLLIN) == 0)
				on_tls_data_in(e, s);
		} else if (s->phase == P_XFER) {
			if (eng_want(e, s, 1, EPOLLOUT) == 0)
				on_tls_data_out(e, s);
		} else {
			(void)eng_want(e, s, 1, 0);		/* until the 150 */
		}
		return;
	case 0:
		(void)eng_want(e, s, 1, ev);
		return;
	default:
		eng_fail(e, s, "data %s", why);
	}
}


void
data_event(struct engine *e, struct sess *s, uint32_t events)
{
	if (s->data_hs) {
		data_handshake(e, s);
		return;
	}
	if (s->job == JOB_PUT && !s->draining) {
		if (events & (EPOLLERR | EPOLLHUP))
			eng_fail(e, s, "data connection closed by the server");
		else if (s->phase == P_XFER && (events & (EPOLLOUT | EPOLLIN)))
			on_data_out(e, s);
		return;
	}
	on_data_in(e, s);
}

void
data_start(struct engine *e, struct sess *s)
{
	if (s->job == JOB_PUT && !s->data_hs)
		(void)eng_want(e, s, 1, EPOLLOUT);
}
