/*
 * userdb: where users come from, behind one interface.
 *
 * Two backends: the users file (users.h; the default) and a PostgreSQL
 * table (userdb_pg.c). The `users` setting picks one: a value that starts
 * with "postgresql://" or "postgres://" is a libpq connection URI, any
 * other value a users file's path. The rest of the server asks only this
 * module, so it does not know which backend is in use.
 *
 * Lookups may block (a database round trip, a reconnect): call
 * userdb_find from the hashing threads (authpool.h), never from an
 * event loop. The other functions run on the main thread.
 */
#ifndef FTPD_USERDB_H
#define FTPD_USERDB_H

#include <stddef.h>

#include "compat.h"
#include "users.h"

/* What a lookup found. */
enum userdb_status {
	USERDB_FOUND,		/* *info filled; the caller frees it */
	USERDB_NO_SUCH_USER,
	USERDB_REFUSED,		/* the user's entry breaks the rules (why) */
	USERDB_UNAVAILABLE	/* the backend cannot answer now (why) */
};

typedef int userdb_foreach_fn(void *arg, const char *path, unsigned line,
    const char *name, const char *home);

/*
 * One backend. open takes the `users` value and returns the backend's
 * state for one instance (NULL with a reason in err); the others take
 * that state. check verifies what --check-config can (a database
 * reachable, its table's columns); listable says whether foreach sees
 * every user; reload is SIGHUP's; password_ok checks a password against
 * a hash the way users_check_password does, with this instance's decoy.
 * Ints are 0 or -1 with a reason in err.
 */
struct userdb_ops {
	const char *name;	/* for logs: "users file", "users database" */
	void *(*open)(const char *spec, char *err, size_t errsz);
	enum userdb_status (*lookup)(void *impl, const char *user,
	    struct user_info *info, char *why, size_t whysz);
	int (*reload)(void *impl, char *err, size_t errsz);
	int (*revert)(void *impl);
	int (*check)(void *impl, char *err, size_t errsz);
	int (*listable)(void *impl);
	int (*foreach)(void *impl, userdb_foreach_fn *fn, void *arg);
	int (*password_ok)(void *impl, const char *hash, const char *password);
	void (*close)(void *impl);
};

extern const struct userdb_ops userdb_file_ops;
extern const struct userdb_ops userdb_pg_ops;

/* The backend that spec names (see above). */
const struct userdb_ops *userdb_backend_for(const char *spec);

/*
 * One users backend opened on one `users` value: each virtual host
 * (vhost.h) has its own, so that hosts never see each other's users.
 */
struct userdb;

/*
 * Opens the backend spec names. A users file is loaded now; a database
 * is not contacted (see userdb_verify). NULL with a reason in err.
 */
struct userdb *userdb_new(const char *spec, char *err, size_t errsz);

/* Closes db (NULL: nothing). */
void userdb_free(struct userdb *db);

/* db's backend name ("users file", "users database"); "none" for NULL. */
const char *userdb_kind(const struct userdb *db);

/*
 * Looks user up in db. A NULL db (anonymous-only host): no such user.
 * USERDB_REFUSED and USERDB_UNAVAILABLE put a reason in why.
 */
enum userdb_status userdb_find(struct userdb *db, const char *user,
    struct user_info *info, char *why, size_t whysz);

/*
 * Checks password against hash ("*" for no such user) with db's decoy,
 * so that unknown and locked users take a real user's time. 1 on a
 * match, else 0.
 */
int userdb_password_ok(struct userdb *db, const char *hash,
    const char *password);

/*
 * SIGHUP for db: a users file is read again (0, or -1 with err and the
 * old table kept); a database needs nothing, each lookup reads the table.
 */
int userdb_reread(struct userdb *db, char *err, size_t errsz) WARN_UNUSED;

/* Undoes db's last reread; -1 when there is nothing to undo. */
int userdb_undo(struct userdb *db) WARN_UNUSED;

/* 0, or -1 with a reason: db's database unreachable or its table wrong (NULL: 0). */
int userdb_verify(struct userdb *db, char *err, size_t errsz) WARN_UNUSED;

/* Whether userdb_each sees every user of db (NULL: yes, none). */
int userdb_can_list(struct userdb *db);

/* Calls fn for each user db can list (see users_foreach). */
int userdb_each(struct userdb *db, userdb_foreach_fn *fn, void *arg);

#endif
