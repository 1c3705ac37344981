/*
 * url: ftp:// URLs as curl writes them.
 *
 *   ftp://[user[:password]@]host[:port][/path][;type=a|i|d]
 *
 * user, password and path are percent-decoded; host may be an IPv6
 * literal in brackets. The path is relative to the login directory, as in
 * curl: "ftp://h/a/b" names "a/b", and "ftp://h/%2Fetc/x" the absolute
 * "/etc/x". A decoded CR, LF or NUL is refused, since the path goes into
 * FTP commands.
 *
 * ftps:// means implicit TLS, on port 990 unless the URL names one (as in
 * curl); explicit TLS (AUTH TLS) is asked for with ftp:// and --tls.
 */
#ifndef FTPC_URL_H
#define FTPC_URL_H

#include <stddef.h>

#include "compat.h"

#define URL_FIELD_MAX 256
#define URL_PATH_MAX 4096

struct ftp_url {
	char user[URL_FIELD_MAX];
	char pass[URL_FIELD_MAX];
	int has_user;
	int has_pass;
	char host[URL_FIELD_MAX];	/* without brackets */
	unsigned port;			/* 21 (ftps: 990) unless given */
	int has_port;			/* the URL named the port */
	int implicit_tls;		/* ftps:// */
	char path[URL_PATH_MAX];	/* decoded; "" for the login directory */
	int is_dir;			/* empty path, or one ending in '/' */
	char type;			/* 'a', 'i', 'd' from ;type=, or 0 */
};

/* Whether s starts with a URL scheme ftpc knows ("ftp://", "ftps://"). */
int url_is_url(const char *s);

/* Parses s into u. Returns 0, or -1 with a reason in err. */
int url_parse(const char *s, struct ftp_url *u, char *err, size_t errsz) WARN_UNUSED;

/*
 * Decodes n bytes of %XX escapes from in into out (NUL-terminated).
 * Returns 0, or -1 on a bad escape, a decoded CR/LF/NUL, or no room.
 */
int url_decode(const char *in, size_t n, char *out, size_t outsz) WARN_UNUSED;

/*
 * Parses a server as typed after open or on the command line: host is
 * "host", "host:port", "[v6]:port", "[v6]", or a bare IPv6 address (two
 * or more colons and no brackets: all of it is the host); port, when not
 * NULL, is the port as a word of its own (then host must not name one
 * too). Fills u->host, and u->port with u->has_port when a port was
 * given. Returns 0, or -1 with a reason in err.
 */
int url_parse_host(const char *host, const char *port, struct ftp_url *u,
    char *err, size_t errsz) WARN_UNUSED;

/* Wipes the password. */
void url_clear(struct ftp_url *u);

#endif
