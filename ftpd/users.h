/*
 * users: the users file and password checks.
 *
 * One line per user, "name:crypt-hash:home:perms[:limits]", home relative
 * to the server root, perms "rw" or "ro", limits the user's own rates and
 * quotas as userlimits.h parses them (optional); '#' starts a comment. The loaded table
 * is shared by every worker thread and replaced whole on SIGHUP, so a
 * lookup copies what it needs under a lock.
 */
#ifndef FTPD_USERS_H
#define FTPD_USERS_H

#include <stddef.h>

#include "compat.h"
#include "userlimits.h"

#define USER_NAME_MAX 64

/* What a session learns about a user; the caller owns the strings. */
struct user_info {
	char *hash;
	char *home;
	int writable;
	struct user_limits limits;	/* the user's own; all 0: none */
};

/*
 * One users file's table, replaced whole on reload. Each virtual host
 * (vhost.h) has its own; the users_* functions without an instance work
 * on one process-wide table (the command-line tools and unit tests).
 */
struct users;

/* A new, empty instance, or NULL (ENOMEM). */
struct users *users_new(void);

/* Frees u and its tables (NULL: nothing). */
void users_free(struct users *u);

/* users_load, users_lookup, users_revert, users_foreach, on u. */
int users_load_in(struct users *u, const char *path, char *err,
    size_t errsz) WARN_UNUSED;
int users_lookup_in(struct users *u, const char *name,
    struct user_info *info) WARN_UNUSED;
int users_revert_in(struct users *u) WARN_UNUSED;
int users_foreach_in(struct users *u, int (*fn)(void *arg, const char *path,
    unsigned line, const char *name, const char *home), void *arg);

/*
 * users_check_password with u's decoy (NULL u: the default decoy, as for
 * a users database).
 */
int users_check_password_in(struct users *u, const char *hash,
    const char *password);

/*
 * Loads path and makes it the current table (replacing any previous one).
 * Returns 0, or -1 with "path:line: reason" in err (a bad line, a home with
 * "..", a user listed twice) or "users file path: reason"; on failure the
 * previous table stays in force. Also makes the decoy hash (see
 * users_check_password), which takes one hash's time.
 */
int users_load(const char *path, char *err, size_t errsz) WARN_UNUSED;

/* Copies the entry for name into *info. 0 if found, -1 if not (or ENOMEM). */
int users_lookup(const char *name, struct user_info *info) WARN_UNUSED;

void users_info_free(struct user_info *info);

/* Frees the current table (at exit). */
void users_unload(void);

/*
 * Puts back the table the last users_load replaced (a reload that a later
 * check refused). 0, or -1 when there is none.
 */
int users_revert(void) WARN_UNUSED;

/*
 * Checks password against a crypt(3) hash with crypt_r. Returns 1 on a
 * match, 0 otherwise. Takes a while by design (yescrypt/sha512-crypt).
 * A hash that does not start with '$' ("!..." or "*": a locked account;
 * pass "*" for a user who does not exist) never matches, but is checked
 * against a decoy hash with the method and cost most common in the users
 * file (yescrypt when there is none), so that the time to the answer does
 * not tell unknown, locked and real users apart.
 */
int users_check_password(const char *hash, const char *password);

/*
 * The decoy's method and cost ("$y$j9T$", "$6$", ...) into out. 0, or -1
 * when no users file is loaded or out is too small.
 */
int users_decoy_cost(char *out, size_t outsz) WARN_UNUSED;

/* Whether a users-file home leaves the root (it has a ".." component). */
int users_home_escapes(const char *home);

/*
 * Calls fn for each user of the current table, under the table's lock
 * (fn must not call back into users_*), until fn returns non-zero; returns
 * that value, or 0. path and line say where the user is defined.
 */
int users_foreach(int (*fn)(void *arg, const char *path, unsigned line,
    const char *name, const char *home), void *arg);

/*
 * Whether the users backend can list every user at startup (a file can;
 * a directory service could not), so that startup checks see every home.
 */
int users_listable(void);

/*
 * Makes a new hash of password: yescrypt by default, sha512-crypt when
 * method is "sha512". Returns 0 with the hash in out, or -1.
 */
int users_hash_password(const char *password, const char *method, char *out,
    size_t outsz) WARN_UNUSED;

/* Overwrites memory in a way the compiler does not optimise away. */
void users_wipe(void *p, size_t n);

#endif
