/*
 * userdb_file.c: the users file (users.h) as a userdb backend.
 *
 * The table is loaded whole at open and on SIGHUP; lookups copy an entry
 * under the table's lock, so they are quick and never fail for want of
 * the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userdb.h"

static char *path;	/* for SIGHUP */

static int
file_open(const char *spec, char *err, size_t errsz)
{
	char *copy = strdup(spec);

	if (copy == NULL) {
		snprintf(err, errsz, "users file %s: out of memory", spec);
		return -1;
	}
	if (users_load(spec, err, errsz) < 0) {
		free(copy);
		return -1;
	}
	free(path);
	path = copy;
	return 0;
}

static enum userdb_status
file_lookup(const char *user, struct user_info *info, char *why,
    size_t whysz)
{
	(void)why;
	(void)whysz;
	return users_lookup(user, info) == 0 ? USERDB_FOUND :
	    USERDB_NO_SUCH_USER;
}

static int
file_reload(char *err, size_t errsz)
{
	return users_load(path, err, errsz);
}

static int
file_check(char *err, size_t errsz)
{
	(void)err;
	(void)errsz;
	return 0;	/* open has read every line already */
}

static int
file_listable(void)
{
	return users_listable();
}

static int
file_foreach(userdb_foreach_fn *fn, void *arg)
{
	return users_foreach(fn, arg);
}

static void
file_close(void)
{
	users_unload();
	free(path);
	path = NULL;
}

const struct userdb_ops userdb_file_ops = {
	"users file", file_open, file_lookup, file_reload, users_revert,
	file_check, file_listable, file_foreach, file_close,
};
