/*
 * userdb_file.c: the users file (users.h) as a userdb backend.
 *
 * The table is loaded whole at open and on SIGHUP; lookups copy an entry
 * under the table's lock, so they are quick and never fail for want of
 * the file. Each instance has its own table (struct users).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userdb.h"

struct file_db {
	char *path;		/* for SIGHUP */
	struct users *users;
};

static void
file_close(void *impl)
{
	struct file_db *f = impl;

	if (f == NULL)
		return;
	users_free(f->users);
	free(f->path);
	free(f);
}

static void *
file_open(const char *spec, char *err, size_t errsz)
{
	struct file_db *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->path = strdup(spec)) == NULL ||
	    (f->users = users_new()) == NULL) {
		snprintf(err, errsz, "users file %s: out of memory", spec);
		file_close(f);
		return NULL;
	}
	if (users_load_in(f->users, spec, err, errsz) < 0) {
		file_close(f);
		return NULL;
	}
	return f;
}

static enum userdb_status
file_lookup(void *impl, const char *user, struct user_info *info, char *why,
    size_t whysz)
{
	struct file_db *f = impl;

	(void)why;
	(void)whysz;
	return users_lookup_in(f->users, user, info) == 0 ? USERDB_FOUND :
	    USERDB_NO_SUCH_USER;
}

static int
file_reload(void *impl, char *err, size_t errsz)
{
	struct file_db *f = impl;

	return users_load_in(f->users, f->path, err, errsz);
}

static int
file_revert(void *impl)
{
	struct file_db *f = impl;

	return users_revert_in(f->users);
}

static int
file_check(void *impl, char *err, size_t errsz)
{
	(void)impl;
	(void)err;
	(void)errsz;
	return 0;	/* open has read every line already */
}

static int
file_listable(void *impl)
{
	(void)impl;
	return users_listable();
}

static int
file_foreach(void *impl, userdb_foreach_fn *fn, void *arg)
{
	struct file_db *f = impl;

	return users_foreach_in(f->users, fn, arg);
}

static int
file_password_ok(void *impl, const char *hash, const char *password)
{
	struct file_db *f = impl;

	return users_check_password_in(f->users, hash, password);
}

const struct userdb_ops userdb_file_ops = {
	"users file", file_open, file_lookup, file_reload, file_revert,
	file_check, file_listable, file_foreach, file_password_ok, file_close,
};
