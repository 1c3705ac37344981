/*
 * rawftp.c: a bare FTP control connection for tests; see rawftp.h.
 */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "rawftp.h"

static void
set_timeouts(int fd)
{
	struct timeval tv = { RAWFTP_TIMEOUT, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Connects to host:port with the timeouts set; returns the fd or -1. */
static int
dial(const char *host, unsigned port)
{
	struct addrinfo hints, *res, *ai;
	char service[16];
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		set_timeouts(fd);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
rawftp_connect(struct rawftp *c, const struct server *srv)
{
	memset(c, 0, sizeof(*c));
	c->fd = dial(srv->host, srv->port);
	if (c->fd < 0)
		return -1;
	return rawftp_reply(c);
}

int
rawftp_login(struct rawftp *c, const char *user)
{
	int code = rawftp_cmd(c, "USER %s", user);

	if (code != 331)
		return code;
	return rawftp_cmd(c, "PASS secret");
}

int
rawftp_write(struct rawftp *c, const void *p, size_t n)
{
	const char *q = p;

	while (n > 0) {
		ssize_t w = send(c->fd, q, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
vsend_line(struct rawftp *c, const char *fmt, va_list ap)
{
	char line[8192];
	int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);

	if (n < 0 || (size_t)n >= sizeof(line) - 2)
		return -1;
	memcpy(line + n, "\r\n", 2);
	return rawftp_write(c, line, (size_t)n + 2);
}

/* Takes one line (without CRLF) from the input; 0, or -1 on EOF/timeout. */
static int
read_line(struct rawftp *c, char *line, size_t linesz)
{
	for (;;) {
		char *nl = memchr(c->in, '\n', c->len);
		ssize_t n;

		if (nl != NULL) {
			size_t used = (size_t)(nl - c->in) + 1, keep = used - 1;

			if (keep > 0 && c->in[keep - 1] == '\r')
				keep--;
			if (keep >= linesz)
				keep = linesz - 1;
			memcpy(line, c->in, keep);
			line[keep] = '\0';
			memmove(c->in, c->in + used, c->len - used);
			c->len -= used;
			return 0;
		}
		if (c->len == sizeof(c->in))
			c->len = 0;	/* an absurd line: drop it */
		n = recv(c->fd, c->in + c->len, sizeof(c->in) - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		c->len += (size_t)n;
	}
}

int
rawftp_reply(struct rawftp *c)
{
	char line[4096];
	size_t used = 0;
	int code = -1;

	c->text[0] = '\0';
	for (;;) {
		int n;

		if (read_line(c, line, sizeof(line)) < 0)
			return c->code = -1;
		n = snprintf(c->text + used, sizeof(c->text) - used, "%s%s",
		    used > 0 ? "\n" : "", line);
		if (n > 0 && (size_t)n < sizeof(c->text) - used)
			used += (size_t)n;
		if (!isdigit((unsigned char)line[0]) ||
		    !isdigit((unsigned char)line[1]) ||
		    !isdigit((unsigned char)line[2]))
			continue;
		if (code < 0) {
			code = atoi(line);
			if (line[3] != '-')
				break;
		} else if (atoi(line) == code && line[3] == ' ')
			break;
	}
	return c->code = code;
}

int
rawftp_cmd(struct rawftp *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vsend_line(c, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	return rawftp_reply(c);
}

int
rawftp_epsv(struct rawftp *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[64];
	const char *p;
	unsigned port;

	if (rawftp_cmd(c, "EPSV") != 229 || (p = strstr(c->text, "(|||")) == NULL)
		return -1;
	port = (unsigned)strtoul(p + 4, NULL, 10);
	if (getpeername(c->fd, (struct sockaddr *)&ss, &len) < 0 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0,
	    NI_NUMERICHOST) != 0)
		return -1;
	return dial(host, port);
}

int
rawftp_read_all(int fd, char **data, size_t *len)
{
	size_t n = 0, cap = 0;
	char *d = NULL, chunk[65536];

	for (;;) {
		ssize_t r = recv(fd, chunk, sizeof(chunk), 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(d);
			return -1;
		}
		if (r == 0)
			break;
		if (data == NULL)
			continue;
		if (n + (size_t)r + 1 > cap) {
			char *g = realloc(d, cap = 2 * (n + (size_t)r + 1));

			if (g == NULL) {
				free(d);
				return -1;
			}
			d = g;
		}
		memcpy(d + n, chunk, (size_t)r);
		n += (size_t)r;
	}
	if (data != NULL) {
		if (d == NULL && (d = malloc(1)) == NULL)
			return -1;
		d[n] = '\0';
		*data = d;
		*len = n;
	}
	return 0;
}

int
rawftp_closed(struct rawftp *c)
{
	char b[256];

	for (;;) {
		ssize_t n = recv(c->fd, b, sizeof(b), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 1;
		if (n < 0)
			return 0;	/* timed out: still open */
	}
}

void
rawftp_close(struct rawftp *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void
rawftp_reset(int fd)
{
	struct linger lg = { 1, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}
