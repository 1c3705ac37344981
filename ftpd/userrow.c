/*
 * userrow.c: one row of the users table into a user_info; see userrow.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userrow.h"

const char *const userrow_names[USERROW_NCOLS] = {
	"hash", "home", "permissions", "locked",
	"rate_down", "rate_up", "quota_bytes", "quota_files",
};

/* A bigint column: NULL or a whole number >= 0. Returns 0 or -1. */
static int
parse_limit(const char *s, unsigned long long *out)
{
	const char *p;
	char *end;

	*out = 0;
	if (s == NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return -1;	/* a sign, a fraction: not a limit */
	if (p == s)
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

static int
refuse(char *why, size_t whysz, const char *col, const char *reason)
{
	snprintf(why, whysz, "column %s: %s", col, reason);
	return -1;
}

int
userrow_parse(const char *const val[USERROW_NCOLS], struct user_info *info,
    char *why, size_t whysz)
{
	unsigned long long lim[4];
	const char *hash = val[USERROW_HASH], *home = val[USERROW_HOME];
	const char *perms = val[USERROW_PERMS];
	int locked, i;

	if (hash == NULL)
		return refuse(why, whysz, "hash", "NULL (use '!' to lock)");
	if (hash[0] != '$' && hash[0] != '!' && hash[0] != '*')
		return refuse(why, whysz, "hash", "not a crypt(3) hash "
		    "(see ftpd --hash-password)");
	if (home == NULL || home[0] == '\0')
		return refuse(why, whysz, "home", "empty");
	if (users_home_escapes(home))
		return refuse(why, whysz, "home", "outside the root "
		    "(it may not hold \"..\")");
	if (perms == NULL || (strcmp(perms, "rw") != 0 &&
	    strcmp(perms, "ro") != 0))
		return refuse(why, whysz, "permissions", "must be rw or ro");
	for (i = 0; i < 4; i++)
		if (parse_limit(val[USERROW_RATE_DOWN + i], &lim[i]) < 0)
			return refuse(why, whysz,
			    userrow_names[USERROW_RATE_DOWN + i],
			    "must be a whole number >= 0, or NULL");
	locked = val[USERROW_LOCKED] != NULL &&
	    strcmp(val[USERROW_LOCKED], "t") == 0;
	memset(info, 0, sizeof(*info));
	info->hash = strdup(locked ? "!" : hash);
	info->home = strdup(home);
	info->writable = strcmp(perms, "rw") == 0;
	info->limits.rate_down = lim[0];
	info->limits.rate_up = lim[1];
	info->limits.quota_bytes = lim[2];
	info->limits.quota_files = lim[3];
	if (info->hash == NULL || info->home == NULL) {
		users_info_free(info);
		return refuse(why, whysz, "hash", "out of memory");
	}
	return 0;
}
