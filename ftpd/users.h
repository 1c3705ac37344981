/*
 * users: the users file and password checks.
 *
 * One line per user, "name:crypt-hash:home:perms", home relative to the
 * server root, perms "rw" or "ro"; '#' starts a comment. The loaded table
 * is shared by every worker thread and replaced whole on SIGHUP, so a
 * lookup copies what it needs under a lock.
 */
#ifndef FTPD_USERS_H
#define FTPD_USERS_H

#include <stddef.h>

#include "compat.h"

#define USER_NAME_MAX 64

/* What a session learns about a user; the caller owns the strings. */
struct user_info {
	char *hash;
	char *home;
	int writable;
};

/*
 * Loads path and makes it the current table (replacing any previous one).
 * Returns 0, or -1 with "path:line: reason" in err; on failure the
 * previous table stays in force.
 */
int users_load(const char *path, char *err, size_t errsz) WARN_UNUSED;

/* Copies the entry for name into *info. 0 if found, -1 if not (or ENOMEM). */
int users_lookup(const char *name, struct user_info *info) WARN_UNUSED;

void users_info_free(struct user_info *info);

/* Frees the current table (at exit). */
void users_unload(void);

/*
 * Checks password against a crypt(3) hash with crypt_r. Returns 1 on a
 * match, 0 otherwise. Takes a while by design (yescrypt/sha512-crypt).
 */
int users_check_password(const char *hash, const char *password);

/*
 * Makes a new hash of password: yescrypt by default, sha512-crypt when
 * method is "sha512". Returns 0 with the hash in out, or -1.
 */
int users_hash_password(const char *password, const char *method, char *out,
    size_t outsz) WARN_UNUSED;

/* Overwrites memory in a way the compiler does not optimise away. */
void users_wipe(void *p, size_t n);

#endif
