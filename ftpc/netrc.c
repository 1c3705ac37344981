/*
 * netrc.c: see netrc.h.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "netrc.h"

struct lexer {
	const char *p;
	char tok[NETRC_FIELD_MAX];
};

/* Reads the next token; 1, 0 at the end, -1 when a token is too long. */
static int
next_token(struct lexer *lx)
{
	size_t n = 0;
	int quoted = 0;

	while (*lx->p != '\0' && isspace((unsigned char)*lx->p))
		lx->p++;
	if (*lx->p == '\0')
		return 0;
	if (*lx->p == '"') {
		quoted = 1;
		lx->p++;
	}
	while (*lx->p != '\0') {
		char c = *lx->p;

		if (quoted && c == '"') {
			lx->p++;
			break;
		}
		if (!quoted && isspace((unsigned char)c))
			break;
		if (c == '\\' && lx->p[1] != '\0') {
			lx->p++;
			c = *lx->p;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
		}
		if (n + 1 >= sizeof(lx->tok))
			return -1;
		lx->tok[n++] = c;
		lx->p++;
	}
	lx->tok[n] = '\0';
	return 1;
}

/* Skips a macdef body: everything up to an empty line. */
static void
skip_macdef(struct lexer *lx)
{
	const char *e = strstr(lx->p, "\n\n");

	lx->p = e != NULL ? e + 2 : lx->p + strlen(lx->p);
}

enum { M_NONE, M_MACHINE, M_DEFAULT };

/* Decides on the entry just read; 1 when it is the answer. */
static int
entry_matches(int kind, int host_match, const char *user,
    const struct netrc_entry *cur)
{
	if (kind == M_NONE || (kind == M_MACHINE && !host_match))
		return 0;
	if (user != NULL && cur->has_login && strcmp(user, cur->login) != 0)
		return 0;
	return 1;
}

int
netrc_lookup_text(const char *text, const char *host, const char *user,
    struct netrc_entry *e)
{
	struct lexer lx;
	struct netrc_entry cur, def;
	int kind = M_NONE, host_match = 0, have_def = 0, rc;

	memset(e, 0, sizeof(*e));
	memset(&cur, 0, sizeof(cur));
	memset(&def, 0, sizeof(def));
	lx.p = text;
	for (;;) {
		rc = next_token(&lx);
		if (rc < 0)
			goto fail;
		if (rc == 0 || strcmp(lx.tok, "machine") == 0 ||
		    strcmp(lx.tok, "default") == 0) {
			/* The previous entry is complete. */
			if (entry_matches(kind, host_match, user, &cur)) {
				if (kind == M_MACHINE) {
					*e = cur;
					rc = 1;
					goto done;
				}
				if (!have_def) {
					def = cur;
					have_def = 1;
				}
			}
			netrc_clear(&cur);
			memset(&cur, 0, sizeof(cur));
			if (rc == 0)
				break;
			if (strcmp(lx.tok, "default") == 0) {
				kind = M_DEFAULT;
				continue;
			}
			kind = M_MACHINE;
			if (next_token(&lx) != 1)
				goto fail;
			host_match = strcasecmp(lx.tok, host) == 0;
		} else if (strcmp(lx.tok, "login") == 0) {
			if (next_token(&lx) != 1)
				goto fail;
			memcpy(cur.login, lx.tok, sizeof(cur.login));
			cur.has_login = 1;
		} else if (strcmp(lx.tok, "password") == 0 ||
		    strcmp(lx.tok, "passwd") == 0) {
			if (next_token(&lx) != 1)
				goto fail;
			memcpy(cur.password, lx.tok, sizeof(cur.password));
			cur.has_password = 1;
		} else if (strcmp(lx.tok, "account") == 0) {
			if (next_token(&lx) != 1)
				goto fail;
		} else if (strcmp(lx.tok, "macdef") == 0) {
			if (next_token(&lx) != 1)
				goto fail;
			skip_macdef(&lx);
		} else if (kind == M_NONE) {
			goto fail;	/* a stray word before any entry */
		}
	}
	rc = 0;
	if (have_def) {
		*e = def;
		rc = 1;
	}
done:
	netrc_clear(&def);
	netrc_clear(&cur);
	explicit_bzero(lx.tok, sizeof(lx.tok));
	return rc;
fail:
	netrc_clear(&def);
	netrc_clear(&cur);
	explicit_bzero(lx.tok, sizeof(lx.tok));
	return -1;
}

int
netrc_lookup(const char *path, const char *host, const char *user,
    struct netrc_entry *e)
{
	char def[4096], chunk[4096];
	struct buf text;
	const char *home;
	ssize_t n;
	int fd, rc;

	memset(e, 0, sizeof(*e));
	if (path == NULL)
		path = getenv("NETRC");
	if (path == NULL || *path == '\0') {
		home = getenv("HOME");
		if (home == NULL ||
		    xsnprintf(def, sizeof(def), "%s/.netrc", home) < 0)
			return 0;
		path = def;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	buf_init(&text, NETRC_FILE_MAX);
	rc = 0;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&text, chunk, (size_t)n) < 0) {
			rc = -1;
			break;
		}
	close(fd);
	if (n < 0)
		rc = -1;
	if (rc == 0)
		rc = netrc_lookup_text(buf_cstr(&text), host, user, e);
	if (text.data != NULL)
		explicit_bzero(text.data, text.len);
	explicit_bzero(chunk, sizeof(chunk));
	buf_free(&text);
	return rc;
}

void
netrc_clear(struct netrc_entry *e)
{
	explicit_bzero(e->password, sizeof(e->password));
}
