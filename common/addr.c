/*
 * addr.c: PORT/EPRT/PASV/EPSV syntaxes; see addr.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "buf.h"

/* Reads up to max_count decimal numbers 0..255 separated by commas. */
static int
parse_six(const char *p, unsigned v[6], const char **end)
{
	int i;

	for (i = 0; i < 6; i++) {
		unsigned long n;
		char *e;

		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		errno = 0;
		n = strtoul(p, &e, 10);
		if (errno != 0 || n > 255 || e - p > 3)
			return -1;
		v[i] = (unsigned)n;
		p = e;
		while (*p == ' ')
			p++;
		if (i < 5) {
			if (*p != ',')
				return -1;
			p++;
		}
	}
	*end = p;
	return 0;
}

static void
six_to_addr(const unsigned v[6], struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl((uint32_t)v[0] << 24 | v[1] << 16 |
	    v[2] << 8 | v[3]);
	sin->sin_port = htons((uint16_t)(v[4] << 8 | v[5]));
}

int
addr_parse_port(const char *arg, struct sockaddr_storage *ss)
{
	unsigned v[6];
	const char *end;

	if (parse_six(arg, v, &end) < 0 || *end != '\0')
		return -1;
	six_to_addr(v, ss);
	return 0;
}

int
addr_parse_eprt(const char *arg, struct sockaddr_storage *ss)
{
	char delim, host[INET6_ADDRSTRLEN + 1];
	const char *p = arg, *q;
	unsigned long af, port;
	char *e;
	size_t n;

	delim = *p++;
	if (delim < 33 || delim > 126 || isdigit((unsigned char)delim))
		return -1;
	errno = 0;
	af = strtoul(p, &e, 10);
	if (errno != 0 || e == p || *e != delim || (af != 1 && af != 2))
		return -1;
	p = e + 1;
	q = strchr(p, delim);
	if (q == NULL || (n = (size_t)(q - p)) == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, p, n);
	host[n] = '\0';
	p = q + 1;
	if (!isdigit((unsigned char)*p))
		return -1;
	port = strtoul(p, &e, 10);
	if (errno != 0 || *e != delim || e[1] != '\0' || port == 0 ||
	    port > 65535)
		return -1;
	if (addr_pton(host, (unsigned)port, ss) < 0)
		return -1;
	if ((af == 1) != (ss->ss_family == AF_INET))
		return -1;
	return 0;
}

int
addr_format_port(const struct sockaddr_storage *ss, char *out, size_t outsz)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	uint32_t a;
	unsigned port;

	if (ss->ss_family != AF_INET)
		return -1;
	a = ntohl(sin->sin_addr.s_addr);
	port = ntohs(sin->sin_port);
	return xsnprintf(out, outsz, "%u,%u,%u,%u,%u,%u", a >> 24,
	    (a >> 16) & 255, (a >> 8) & 255, a & 255, port >> 8, port & 255);
}

int
addr_format_eprt(const struct sockaddr_storage *ss, char *out, size_t outsz)
{
	char host[INET6_ADDRSTRLEN];

	if (addr_ntop(ss, host, sizeof(host)) < 0)
		return -1;
	return xsnprintf(out, outsz, "|%d|%s|%u|",
	    ss->ss_family == AF_INET ? 1 : 2, host, addr_port(ss));
}

int
addr_parse_pasv_reply(const char *text, struct sockaddr_storage *ss)
{
	const char *p;
	unsigned v[6];
	const char *end;

	/* Servers vary: "(h,h,h,h,p,p)", "=h,h,...", or bare numbers. */
	for (p = text; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		if (p > text && isdigit((unsigned char)p[-1]))
			continue;
		if (parse_six(p, v, &end) == 0) {
			six_to_addr(v, ss);
			return 0;
		}
	}
	return -1;
}

int
addr_parse_epsv_reply(const char *text, unsigned *port)
{
	const char *p = strchr(text, '(');
	unsigned long n;
	char d, *e;

	if (p == NULL)
		return -1;
	d = p[1];
	if (d < 33 || d > 126 || p[2] != d || p[3] != d)
		return -1;
	p += 4;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	n = strtoul(p, &e, 10);
	if (errno != 0 || *e != d || e[1] != ')' || n == 0 || n > 65535)
		return -1;
	*port = (unsigned)n;
	return 0;
}

unsigned
addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

void
addr_set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

socklen_t
addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	    : sizeof(struct sockaddr_in);
}

void
addr_unmap(struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in sin;

	if (ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = sin6->sin6_port;
	memcpy(&sin.sin_addr, &sin6->sin6_addr.s6_addr[12], 4);
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &sin, sizeof(sin));
}

int
addr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	struct sockaddr_storage x = *a, y = *b;

	addr_unmap(&x);
	addr_unmap(&y);
	if (x.ss_family != y.ss_family)
		return 0;
	if (x.ss_family == AF_INET)
		return ((struct sockaddr_in *)&x)->sin_addr.s_addr ==
		    ((struct sockaddr_in *)&y)->sin_addr.s_addr;
	if (x.ss_family == AF_INET6)
		return memcmp(&((struct sockaddr_in6 *)&x)->sin6_addr,
		    &((struct sockaddr_in6 *)&y)->sin6_addr,
		    sizeof(struct in6_addr)) == 0;
	return 0;
}

int
addr_ntop(const struct sockaddr_storage *ss, char *out, size_t outsz)
{
	const void *a;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	else
		return -1;
	return inet_ntop(ss->ss_family, a, out, (socklen_t)outsz) ? 0 : -1;
}

int
addr_pton(const char *host, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

int
addr_cidr_parse(const char *text, struct addr_cidr *out)
{
	char host[64];
	const char *slash = strchr(text, '/');
	size_t n = slash != NULL ? (size_t)(slash - text) : strlen(text);
	unsigned long bits;
	unsigned max;
	char *end;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	if (addr_pton(host, 0, &out->net) < 0)
		return -1;
	addr_unmap(&out->net);
	max = out->net.ss_family == AF_INET ? 32 : 128;
	if (slash == NULL) {
		out->bits = max;
		return 0;
	}
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	errno = 0;
	bits = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || bits > max)
		return -1;
	out->bits = (unsigned)bits;
	return 0;
}

/* Whether the first bits bits of a and b (n bytes each) are equal. */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[whole] ^ b[whole]) & (0xff << (8 - rest))) == 0;
}

int
addr_in_cidr(const struct sockaddr_storage *a, const struct addr_cidr *c)
{
	struct sockaddr_storage x = *a;

	addr_unmap(&x);
	if (x.ss_family != c->net.ss_family)
		return 0;
	if (x.ss_family == AF_INET)
		return prefix_equal((const unsigned char *)
		    &((struct sockaddr_in *)&x)->sin_addr,
		    (const unsigned char *)
		    &((const struct sockaddr_in *)&c->net)->sin_addr, c->bits);
	return prefix_equal((const unsigned char *)
	    &((struct sockaddr_in6 *)&x)->sin6_addr, (const unsigned char *)
	    &((const struct sockaddr_in6 *)&c->net)->sin6_addr, c->bits);
}
