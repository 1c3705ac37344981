/*
 * userdb.c: picks the users backend and forwards to it; see userdb.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "userdb.h"

static const struct userdb_ops *current;

const struct userdb_ops *
userdb_backend_for(const char *spec)
{
	/* The two URI schemes libpq itself accepts. */
	if (strncasecmp(spec, "postgresql://", 13) == 0 ||
	    strncasecmp(spec, "postgres://", 11) == 0)
		return &userdb_pg_ops;
	return &userdb_file_ops;
}

int
userdb_open(const char *spec, char *err, size_t errsz)
{
	const struct userdb_ops *ops = userdb_backend_for(spec);

	if (current != NULL && current != ops)
		userdb_close();
	if (ops->open(spec, err, errsz) < 0)
		return -1;
	current = ops;
	return 0;
}

const char *
userdb_name(void)
{
	return current != NULL ? current->name : "none";
}

enum userdb_status
userdb_lookup(const char *user, struct user_info *info, char *why,
    size_t whysz)
{
	memset(info, 0, sizeof(*info));
	if (current == NULL)
		return USERDB_NO_SUCH_USER;
	return current->lookup(user, info, why, whysz);
}

int
userdb_reload(char *err, size_t errsz)
{
	if (current == NULL) {
		snprintf(err, errsz, "no users backend");
		return -1;
	}
	return current->reload(err, errsz);
}

int
userdb_revert(void)
{
	return current != NULL ? current->revert() : -1;
}

int
userdb_check(char *err, size_t errsz)
{
	return current != NULL ? current->check(err, errsz) : 0;
}

int
userdb_listable(void)
{
	return current != NULL ? current->listable() : 1;
}

int
userdb_foreach(userdb_foreach_fn *fn, void *arg)
{
	return current != NULL ? current->foreach(fn, arg) : 0;
}

void
userdb_close(void)
{
	if (current != NULL)
		current->close();
	current = NULL;
}
