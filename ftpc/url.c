/*
 * url.c: see url.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "url.h"

int
url_is_url(const char *s)
{
	return strncasecmp(s, "ftp://", 6) == 0 ||
	    strncasecmp(s, "ftps://", 7) == 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
url_decode(const char *in, size_t n, char *out, size_t outsz)
{
	size_t i, o = 0;
	int hi, lo;
	char c;

	for (i = 0; i < n; i++) {
		c = in[i];
		if (c == '%') {
			if (i + 2 >= n)
				return -1;
			hi = hexval(in[i + 1]);
			lo = hexval(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (c == '\r' || c == '\n' || c == '\0')
			return -1;
		if (o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

/* Splits off a trailing ";type=X" (curl's FTP URL type). */
static int
take_type(struct ftp_url *u, const char *path, size_t *plen)
{
	const char *semi;

	semi = memchr(path, ';', *plen);
	if (semi == NULL)
		return 0;
	if ((size_t)(path + *plen - semi) != 7 ||
	    strncasecmp(semi, ";type=", 6) != 0)
		return -1;
	u->type = (char)tolower((unsigned char)semi[6]);
	if (u->type != 'a' && u->type != 'i' && u->type != 'd')
		return -1;
	*plen = (size_t)(semi - path);
	return 0;
}

/* where says what h came from in messages: " in URL", or "". */
static int
parse_host_port(struct ftp_url *u, const char *h, size_t n, const char *where,
    char *err, size_t errsz)
{
	const char *colon = NULL, *end = h + n, *close;
	unsigned long port;
	char *e, num[8];
	size_t hl;

	if (n > 0 && h[0] == '[') {
		close = memchr(h, ']', n);
		if (close == NULL) {
			snprintf(err, errsz, "unclosed '[' in host");
			return -1;
		}
		hl = (size_t)(close - h - 1);
		if (hl == 0 || hl >= sizeof(u->host))
			goto bad_host;
		memcpy(u->host, h + 1, hl);
		u->host[hl] = '\0';
		if (close + 1 < end) {
			if (close[1] != ':')
				goto bad_host;
			colon = close + 1;
		}
	} else {
		colon = memchr(h, ':', n);
		hl = colon != NULL ? (size_t)(colon - h) : n;
		if (hl == 0 || hl >= sizeof(u->host))
			goto bad_host;
		memcpy(u->host, h, hl);
		u->host[hl] = '\0';
	}
	if (strpbrk(u->host, " \t\r\n%@/") != NULL)
		goto bad_host;
	u->port = u->implicit_tls ? 990 : 21;
	if (colon != NULL) {
		if ((size_t)(end - colon - 1) >= sizeof(num) || colon + 1 == end)
			goto bad_port;
		memcpy(num, colon + 1, (size_t)(end - colon - 1));
		num[end - colon - 1] = '\0';
		errno = 0;
		port = strtoul(num, &e, 10);
		if (errno != 0 || *e != '\0' || !isdigit((unsigned char)num[0]) ||
		    port == 0 || port > 65535)
			goto bad_port;
		u->port = (unsigned)port;
		u->has_port = 1;
	}
	return 0;
bad_host:
	snprintf(err, errsz, "bad host%s", where);
	return -1;
bad_port:
	snprintf(err, errsz, "bad port%s", where);
	return -1;
}

int
url_parse(const char *s, struct ftp_url *u, char *err, size_t errsz)
{
	const char *auth, *slash, *at, *colon, *path;
	size_t alen, plen;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(s, "ftps://", 7) == 0) {
		u->implicit_tls = 1;
		auth = s + 7;
	} else if (strncasecmp(s, "ftp://", 6) == 0) {
		auth = s + 6;
	} else {
		snprintf(err, errsz, "not an ftp:// or ftps:// URL");
		return -1;
	}
	slash = strchr(auth, '/');
	alen = slash != NULL ? (size_t)(slash - auth) : strlen(auth);
	if (memchr(auth, '?', alen) != NULL || memchr(auth, '#', alen) != NULL) {
		snprintf(err, errsz, "queries and fragments are not FTP");
		return -1;
	}
	/* The last '@' ends the user info: a password may hold a raw '@'. */
	at = NULL;
	for (path = auth; path < auth + alen; path++)
		if (*path == '@')
			at = path;
	if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (url_decode(auth, (size_t)((colon ? colon : at) - auth),
		    u->user, sizeof(u->user)) < 0)
			goto bad_cred;
		u->has_user = 1;
		if (colon != NULL) {
			if (url_decode(colon + 1, (size_t)(at - colon - 1),
			    u->pass, sizeof(u->pass)) < 0)
				goto bad_cred;
			u->has_pass = 1;
		}
		alen -= (size_t)(at + 1 - auth);
		auth = at + 1;
	}
	if (parse_host_port(u, auth, alen, " in URL", err, errsz) < 0)
		return -1;
	if (slash == NULL) {
		u->is_dir = 1;
		return 0;
	}
	path = slash + 1;
	plen = strlen(path);
	if (take_type(u, path, &plen) < 0) {
		snprintf(err, errsz, "bad ;type= in URL");
		return -1;
	}
	if (url_decode(path, plen, u->path, sizeof(u->path)) < 0) {
		snprintf(err, errsz, "bad path in URL (bad escape, CR, LF or NUL)");
		return -1;
	}
	plen = strlen(u->path);
	u->is_dir = plen == 0 || u->path[plen - 1] == '/' || u->type == 'd';
	return 0;
bad_cred:
	url_clear(u);
	snprintf(err, errsz, "bad user or password in URL");
	return -1;
}

int
url_parse_host(const char *host, const char *port, struct ftp_url *u,
    char *err, size_t errsz)
{
	const char *first = strchr(host, ':'), *after = strchr(host, ']');
	char word[URL_FIELD_MAX + 8];

	memset(u, 0, sizeof(*u));
	if (host[0] != '[' && first != NULL && strchr(first + 1, ':') != NULL) {
		/* A bare IPv6 address: the port, if any, is a word of its own. */
		if (xstrlcpy(u->host, host, sizeof(u->host)) < 0 ||
		    strpbrk(u->host, " \t\r\n%@/[]") != NULL) {
			snprintf(err, errsz, "bad host");
			return -1;
		}
		if (port == NULL) {
			u->port = 21;
			return 0;
		}
		if (xsnprintf(word, sizeof(word), "[%s]:%s", host, port) < 0) {
			snprintf(err, errsz, "bad host");
			return -1;
		}
	} else if (port != NULL) {
		if (strchr(host[0] == '[' && after != NULL ? after : host,
		    ':') != NULL) {
			snprintf(err, errsz, "port given twice");
			return -1;
		}
		if (xsnprintf(word, sizeof(word), "%s:%s", host, port) < 0) {
			snprintf(err, errsz, "bad host");
			return -1;
		}
	} else if (xstrlcpy(word, host, sizeof(word)) < 0) {
		snprintf(err, errsz, "bad host");
		return -1;
	}
	return parse_host_port(u, word, strlen(word), "", err, errsz);
}

void
url_clear(struct ftp_url *u)
{
	explicit_bzero(u->pass, sizeof(u->pass));
}
