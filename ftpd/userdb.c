/*
 * userdb.c: picks the users backend and forwards to it; see userdb.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "userdb.h"

struct userdb {
	const struct userdb_ops *ops;
	void *impl;		/* the backend's state */
};

const struct userdb_ops *
userdb_backend_for(const char *spec)
{
	/* The two URI schemes libpq itself accepts. */
	if (strncasecmp(spec, "postgresql://", 13) == 0 ||
	    strncasecmp(spec, "postgres://", 11) == 0)
		return &userdb_pg_ops;
	return &userdb_file_ops;
}

struct userdb *
userdb_new(const char *spec, char *err, size_t errsz)
{
	struct userdb *db = calloc(1, sizeof(*db));

	if (db == NULL) {
		snprintf(err, errsz, "users %s: out of memory", spec);
		return NULL;
	}
	db->ops = userdb_backend_for(spec);
	if ((db->impl = db->ops->open(spec, err, errsz)) == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

void
userdb_free(struct userdb *db)
{
	if (db == NULL)
		return;
	db->ops->close(db->impl);
	free(db);
}

const char *
userdb_kind(const struct userdb *db)
{
	return db != NULL ? db->ops->name : "none";
}

enum userdb_status
userdb_find(struct userdb *db, const char *user, struct user_info *info,
    char *why, size_t whysz)
{
	memset(info, 0, sizeof(*info));
	if (db == NULL)
		return USERDB_NO_SUCH_USER;
	return db->ops->lookup(db->impl, user, info, why, whysz);
}

int
userdb_password_ok(struct userdb *db, const char *hash, const char *password)
{
	if (db == NULL)
		return users_check_password_in(NULL, hash, password);
	return db->ops->password_ok(db->impl, hash, password);
}

int
userdb_reread(struct userdb *db, char *err, size_t errsz)
{
	if (db == NULL) {
		snprintf(err, errsz, "no users backend");
		return -1;
	}
	return db->ops->reload(db->impl, err, errsz);
}

int
userdb_undo(struct userdb *db)
{
	return db != NULL ? db->ops->revert(db->impl) : -1;
}

int
userdb_verify(struct userdb *db, char *err, size_t errsz)
{
	return db != NULL ? db->ops->check(db->impl, err, errsz) : 0;
}

int
userdb_can_list(struct userdb *db)
{
	return db != NULL ? db->ops->listable(db->impl) : 1;
}

int
userdb_each(struct userdb *db, userdb_foreach_fn *fn, void *arg)
{
	return db != NULL ? db->ops->foreach(db->impl, fn, arg) : 0;
}
