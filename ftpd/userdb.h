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
 * userdb_lookup from the hashing threads (authpool.h), never from an
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
 * One backend. open takes the `users` value; check verifies what
 * --check-config can (a database reachable, its table's columns);
 * listable says whether foreach sees every user; reload is SIGHUP's.
 * Ints are 0 or -1 with a reason in err.
 */
struct userdb_ops {
	const char *name;	/* for logs: "users file", "users database" */
	int (*open)(const char *spec, char *err, size_t errsz);
	enum userdb_status (*lookup)(const char *user, struct user_info *info,
	    char *why, size_t whysz);
	int (*reload)(char *err, size_t errsz);
	int (*revert)(void);
	int (*check)(char *err, size_t errsz);
	int (*listable)(void);
	int (*foreach)(userdb_foreach_fn *fn, void *arg);
	void (*close)(void);
};

extern const struct userdb_ops userdb_file_ops;
extern const struct userdb_ops userdb_pg_ops;

/* The backend that spec names (see above). */
const struct userdb_ops *userdb_backend_for(const char *spec);

/*
 * Opens the backend spec names and makes it current (closing any other).
 * A users file is loaded now; a database is not contacted (see
 * userdb_check). Returns 0, or -1 with a reason in err.
 */
int userdb_open(const char *spec, char *err, size_t errsz) WARN_UNUSED;

/* The current backend's name ("users file", "users database"); "none". */
const char *userdb_name(void);

/*
 * Looks user up. Without a backend (anonymous-only server): no such
 * user. USERDB_REFUSED and USERDB_UNAVAILABLE put a reason in why.
 */
enum userdb_status userdb_lookup(const char *user, struct user_info *info,
    char *why, size_t whysz);

/*
 * SIGHUP: the users file is read again (0, or -1 with err and the old
 * table kept); a database needs nothing, each lookup reads the table.
 */
int userdb_reload(char *err, size_t errsz) WARN_UNUSED;

/* Undoes the last reload (users_revert); -1 when there is nothing to undo. */
int userdb_revert(void) WARN_UNUSED;

/* 0, or -1 with a reason: the database unreachable or its table wrong. */
int userdb_check(char *err, size_t errsz) WARN_UNUSED;

/* Whether userdb_foreach sees every user (a file; a database: no). */
int userdb_listable(void);

/* Calls fn for each user the backend can list (see users_foreach). */
int userdb_foreach(userdb_foreach_fn *fn, void *arg);

/* Closes the current backend (at exit). */
void userdb_close(void);

#endif
