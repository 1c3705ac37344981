/*
 * userrow: checks one row of the users table (docs/users.sql) and turns
 * it into a struct user_info, with the same rules as a users file line
 * (users.h): a crypt(3) hash, or one starting with '!' or '*' for a
 * locked account; a home inside the root (no ".." component); perms "rw"
 * or "ro"; limits that are whole numbers >= 0 (0 or NULL: none).
 *
 * No libpq here, so that the rules are unit-tested without a database.
 */
#ifndef FTPD_USERROW_H
#define FTPD_USERROW_H

#include <stddef.h>

#include "compat.h"
#include "users.h"

/* The columns, in the order userdb_pg.c selects them. */
enum userrow_col {
	USERROW_HASH, USERROW_HOME, USERROW_PERMS, USERROW_LOCKED,
	USERROW_RATE_DOWN, USERROW_RATE_UP, USERROW_QUOTA_BYTES,
	USERROW_QUOTA_FILES, USERROW_NCOLS
};

/* The column names, for the query and for messages. */
extern const char *const userrow_names[USERROW_NCOLS];

/*
 * Fills *info from the text of one row (NULL for SQL NULL; locked is
 * PostgreSQL's "t" or "f"). A locked account gets the hash "!", which
 * never matches (users_check_password). Returns 0, or -1 with the reason
 * in why (naming the column) and *info holding nothing to free.
 */
int userrow_parse(const char *const val[USERROW_NCOLS],
    struct user_info *info, char *why, size_t whysz) WARN_UNUSED;

#endif
