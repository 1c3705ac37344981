/*
 * netrc: credentials from ~/.netrc, read the way curl and tnftp read it.
 *
 * Tokens are separated by white space; a token may be "quoted" with
 * backslash escapes. Keywords: machine NAME, default, login, password,
 * account (ignored) and macdef NAME (its body, up to an empty line, is
 * skipped). The first machine entry naming the host (and, when a user is
 * asked for, that login) wins; default applies only when none matched.
 */
#ifndef FTPC_NETRC_H
#define FTPC_NETRC_H

#include <stddef.h>

#include "compat.h"

#define NETRC_FIELD_MAX 256
#define NETRC_FILE_MAX (1024 * 1024)

struct netrc_entry {
	char login[NETRC_FIELD_MAX];
	char password[NETRC_FIELD_MAX];
	int has_login;
	int has_password;
};

/*
 * Looks host up in the text of a netrc file. user, when not NULL, must
 * match the entry's login. Returns 1 (found, e filled), 0 (no entry), or
 * -1 on a syntax error.
 */
int netrc_lookup_text(const char *text, const char *host, const char *user,
    struct netrc_entry *e) WARN_UNUSED;

/*
 * The same for a file; path NULL means $NETRC or ~/.netrc. A missing
 * file is "no entry". Returns 1, 0 or -1.
 */
int netrc_lookup(const char *path, const char *host, const char *user,
    struct netrc_entry *e) WARN_UNUSED;

/* Wipes the password. */
void netrc_clear(struct netrc_entry *e);

#endif
