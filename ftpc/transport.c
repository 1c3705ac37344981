/*
 * transport.c: plain TCP streams with timeouts; see transport.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "transport.h"

volatile sig_atomic_t transport_interrupt;

int
transport_wait(int fd, short events, int timeout_ms)
{
	struct pollfd pfd;
	int rc;

	pfd.fd = fd;
	pfd.events = events;
	pfd.revents = 0;
	do {
		if (transport_interrupt) {
			errno = EINTR;
			return -1;
		}
		rc = poll(&pfd, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	return rc > 0 ? 1 : 0;
}

static ssize_t
plain_read(struct transport *t, void *p, size_t n)
{
	ssize_t r;
	int w = transport_wait(t->fd, POLLIN, t->timeout_ms);

	if (w <= 0) {
		if (w == 0)
			errno = ETIMEDOUT;
		return -1;
	}
	do {
		r = recv(t->fd, p, n, 0);
	} while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t
plain_write(struct transport *t, const void *p, size_t n)
{
	ssize_t r;
	int w = transport_wait(t->fd, POLLOUT, t->timeout_ms);

	if (w <= 0) {
		if (w == 0)
			errno = ETIMEDOUT;
		return -1;
	}
	do {
		r = send(t->fd, p, n, MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	return r;
}

static void
plain_shutdown(struct transport *t)
{
	(void)shutdown(t->fd, SHUT_WR);
}

static void
plain_release(struct transport *t)
{
	t->impl = NULL;
}

const struct transport_ops transport_plain = {
	"plain", plain_read, plain_write, plain_shutdown, plain_release, NULL,
};

void
transport_init(struct transport *t, int timeout_ms)
{
	t->fd = -1;
	t->timeout_ms = timeout_ms;
	t->ops = &transport_plain;
	t->impl = NULL;
}

void
transport_attach(struct transport *t, int fd)
{
	int one = 1;

	t->fd = fd;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* A non-blocking connect bounded by timeout_ms; returns the fd or -1. */
static int
connect_bounded(const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	int fd, flags, err = 0, w;
	socklen_t elen = sizeof(err);

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		goto fail;
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		w = transport_wait(fd, POLLOUT, timeout_ms);
		if (w <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	if (fcntl(fd, F_SETFL, flags) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int
transport_connect(struct transport *t, const char *host, unsigned port,
    char *err, size_t errsz)
{
	struct addrinfo hints, *res = NULL, *ai;
	char service[16];
	int rc, fd = -1, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc == EAI_NONAME || rc == EAI_ADDRFAMILY || rc == EAI_NODATA) {
		/* AI_ADDRCONFIG hides ::1 on hosts with no IPv6 route. */
		hints.ai_flags = 0;
		rc = getaddrinfo(host, service, &hints, &res);
	}
	if (rc != 0) {
		snprintf(err, errsz, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = connect_bounded(ai->ai_addr, ai->ai_addrlen, t->timeout_ms);
		if (fd >= 0)
			break;
		saved = errno;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, errsz, "connect to %s port %u: %s", host, port,
		    strerror(saved));
		return -1;
	}
	transport_attach(t, fd);
	return 0;
}

int
transport_connect_addr(struct transport *t, const struct sockaddr_storage *ss)
{
	int fd = connect_bounded((const struct sockaddr *)ss, addr_len(ss),
	    t->timeout_ms);

	if (fd < 0)
		return -1;
	transport_attach(t, fd);
	return 0;
}

ssize_t
transport_read(struct transport *t, void *p, size_t n)
{
	return t->ops->read(t, p, n);
}

int
transport_write_all(struct transport *t, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = t->ops->write(t, c, n);
		if (w < 0)
			return -1;
		if (w == 0) {
			errno = EPIPE;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
transport_finish(struct transport *t)
{
	char junk[4096];
	ssize_t r;
	int w;

	if (t->fd < 0) {
		errno = EBADF;
		return -1;
	}
	t->ops->shutdown(t);
	for (;;) {
		w = transport_wait(t->fd, POLLIN, t->timeout_ms);
		if (w <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		r = recv(t->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (r == 0)
			return 0;
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
	}
}

void
transport_close(struct transport *t)
{
	if (t->fd < 0)
		return;
	t->ops->shutdown(t);
	t->ops->release(t);
	close(t->fd);
	t->fd = -1;
	t->ops = &transport_plain;
}

void
transport_abort(struct transport *t)
{
	struct linger lg = { 1, 0 };

	if (t->fd < 0)
		return;
	(void)setsockopt(t->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	if (t->ops->abandon != NULL)
		t->ops->abandon(t);
	t->ops->release(t);	/* no shutdown: no close_notify, no FIN */
	close(t->fd);
	t->fd = -1;
	t->ops = &transport_plain;
}

int
transport_send_synch(struct transport *t)
{
	static const unsigned char ip[] = { 255, 244, 255 };	/* IAC IP IAC */
	static const unsigned char dm = 242;			/* DM */
	ssize_t r;
	int w;

	if (t->ops != &transport_plain)
		return 1;
	if (transport_write_all(t, ip, sizeof(ip)) < 0)
		return -1;
	w = transport_wait(t->fd, POLLOUT, t->timeout_ms);
	if (w <= 0) {
		if (w == 0)
			errno = ETIMEDOUT;
		return -1;
	}
	do {
		r = send(t->fd, &dm, 1, MSG_OOB | MSG_NOSIGNAL);
	} while (r < 0 && errno == EINTR);
	return r == 1 ? 0 : -1;
}
