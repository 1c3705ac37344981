/*
 * proxy.c: PROXY protocol v1 and v2 headers; see proxy.h and HAProxy's
 * proxy-protocol.txt.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proxy.h"

static const unsigned char v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};
static const char v1_sig[] = "PROXY ";

#define V2_HEAD 16

/* Whether the n bytes at p are a prefix of (or all of) sig. */
static int
prefix_of(const unsigned char *p, size_t n, const void *sig, size_t siglen)
{
	return memcmp(p, sig, n < siglen ? n : siglen) == 0;
}

static ssize_t
v1_length(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && i + 2 <= PROXY_V1_MAX; i++)
		if (p[i] == '\r')
			return p[i + 1] == '\n' ? (ssize_t)(i + 2) : -1;
	/* No CRLF within the longest header a v1 sender may write. */
	return n >= PROXY_V1_MAX ? -1 : 0;
}

ssize_t
proxy_header_length(const unsigned char *p, size_t n,
    enum proxy_versions accept)
{
	int v1 = accept == PROXY_V1 || accept == PROXY_ANY;
	int v2 = accept == PROXY_V2 || accept == PROXY_ANY;
	size_t len;

	if (n == 0)
		return 0;
	if (v2 && prefix_of(p, n, v2_sig, sizeof(v2_sig))) {
		if (n < V2_HEAD)
			return 0;
		len = V2_HEAD + ((size_t)p[14] << 8 | p[15]);
		return len > PROXY_V2_MAX ? -1 : (ssize_t)len;
	}
	if (v1 && prefix_of(p, n, v1_sig, sizeof(v1_sig) - 1)) {
		if (n < sizeof(v1_sig) - 1)
			return 0;
		return v1_length(p, n);
	}
	return -1;
}

/* A decimal port, 0 to 65535, no sign, no leading zero but "0". */
static int
parse_port(const char *s, unsigned *port)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] != '\0') ||
	    strlen(s) > 5)
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

static int
set_addr(struct sockaddr_storage *ss, int family, const char *text,
    const char *port_text)
{
	unsigned port;

	memset(ss, 0, sizeof(*ss));
	if (parse_port(port_text, &port) < 0)
		return -1;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, text, &in->sin_addr) == 1 ? 0 : -1;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, text, &in6->sin6_addr) == 1 ? 0 : -1;
	}
}

/* "PROXY TCP4 src dst sport dport\r\n", or "PROXY UNKNOWN…\r\n". */
static int
parse_v1(const unsigned char *p, size_t n, struct proxy_header *h)
{
	char line[PROXY_V1_MAX + 1], *field[6], *save = NULL, *tok;
	int nfields = 0, family;

	if (n < 8 || n > PROXY_V1_MAX || p[n - 2] != '\r' || p[n - 1] != '\n')
		return -1;
	memcpy(line, p, n - 2);
	line[n - 2] = '\0';
	if (memchr(line, '\0', n - 2) != NULL)
		return -1;
	h->version = 1;
	/* Exactly one space between fields, as the specification demands. */
	if (strstr(line, "  ") != NULL || line[n - 3] == ' ')
		return -1;
	for (tok = strtok_r(line, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		if (nfields == 6)
			return -1;
		field[nfields++] = tok;
	}
	if (nfields >= 2 && strcmp(field[1], "UNKNOWN") == 0) {
		h->relayed = 0;
		return 0;
	}
	if (nfields != 6)
		return -1;
	if (strcmp(field[1], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(field[1], "TCP6") == 0)
		family = AF_INET6;
	else
		return -1;
	if (set_addr(&h->src, family, field[2], field[4]) < 0 ||
	    set_addr(&h->dst, family, field[3], field[5]) < 0)
		return -1;
	h->relayed = 1;
	return 0;
}

static int
parse_v2(const unsigned char *p, size_t n, struct proxy_header *h)
{
	size_t len;
	unsigned char cmd, fam;

	if (n < V2_HEAD || memcmp(p, v2_sig, sizeof(v2_sig)) != 0)
		return -1;
	len = (size_t)p[14] << 8 | p[15];
	if (V2_HEAD + len != n)
		return -1;
	if ((p[12] & 0xf0) != 0x20)
		return -1;		/* version 2 */
	cmd = p[12] & 0x0f;
	fam = p[13];
	h->version = 2;
	if (cmd == 0x0) {
		/* LOCAL: the balancer's own connection; addresses ignored. */
		h->relayed = 0;
		return 0;
	}
	if (cmd != 0x1)
		return -1;
	memset(&h->src, 0, sizeof(h->src));
	memset(&h->dst, 0, sizeof(h->dst));
	if (fam == 0x11) {		/* TCP over IPv4 */
		struct sockaddr_in *s = (struct sockaddr_in *)&h->src;
		struct sockaddr_in *d = (struct sockaddr_in *)&h->dst;

		if (len < 12)
			return -1;
		s->sin_family = d->sin_family = AF_INET;
		memcpy(&s->sin_addr, p + 16, 4);
		memcpy(&d->sin_addr, p + 20, 4);
		memcpy(&s->sin_port, p + 24, 2);
		memcpy(&d->sin_port, p + 26, 2);
	} else if (fam == 0x21) {	/* TCP over IPv6 */
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&h->src;
		struct sockaddr_in6 *d = (struct sockaddr_in6 *)&h->dst;

		if (len < 36)
			return -1;
		s->sin6_family = d->sin6_family = AF_INET6;
		memcpy(&s->sin6_addr, p + 16, 16);
		memcpy(&d->sin6_addr, p + 32, 16);
		memcpy(&s->sin6_port, p + 48, 2);
		memcpy(&d->sin6_port, p + 50, 2);
	} else {
		return -1;	/* UNSPEC, UDP and UNIX sockets: not for FTP */
	}
	/* The rest are TLVs (SSL, unique id...), which we do not need. */
	h->relayed = 1;
	return 0;
}

int
proxy_parse(const unsigned char *p, size_t n, struct proxy_header *h)
{
	memset(h, 0, sizeof(*h));
	if (n >= sizeof(v2_sig) && memcmp(p, v2_sig, sizeof(v2_sig)) == 0)
		return parse_v2(p, n, h);
	if (n >= sizeof(v1_sig) - 1 && memcmp(p, v1_sig, sizeof(v1_sig) - 1) == 0)
		return parse_v1(p, n, h);
	return -1;
}

int
proxy_recv(int fd, struct proxy_reader *r, enum proxy_versions accept,
    struct proxy_header *h)
{
	unsigned char peek[PROXY_V2_MAX];
	ssize_t n, len;
	size_t take;

	for (;;) {
		n = recv(fd, peek, sizeof(r->buf) - r->got, MSG_PEEK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		memcpy(r->buf + r->got, peek, (size_t)n);
		len = proxy_header_length(r->buf, r->got + (size_t)n, accept);
		if (len < 0) {
			errno = EPROTO;
			return -1;
		}
		/*
		 * Undecided, or a v2 header longer than what came: every byte
		 * seen is header, take them all. Decided: take up to its end.
		 */
		take = len == 0 || (size_t)len > r->got + (size_t)n ?
		    (size_t)n : (size_t)len - r->got;
		if (recv(fd, r->buf + r->got, take, 0) != (ssize_t)take) {
			errno = EPROTO;
			return -1;
		}
		r->got += take;
		if (len > 0 && r->got == (size_t)len)
			break;
		if (r->got == sizeof(r->buf)) {
			errno = EPROTO;
			return -1;
		}
	}
	if (proxy_parse(r->buf, r->got, h) < 0) {
		errno = EPROTO;
		return -1;
	}
	return 1;
}
