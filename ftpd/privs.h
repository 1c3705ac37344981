/*
 * privs: giving up root. ftpd started as root (to bind port 21) binds its
 * listeners, opens the root folder, logs and keys and reads the users
 * file, then becomes an unprivileged user for good.
 */
#ifndef FTPD_PRIVS_H
#define FTPD_PRIVS_H

#include <stddef.h>

#include "compat.h"

/*
 * Becomes user (supplementary groups: the user's own from the group
 * database, then gid, then uid, each checked), and checks that root
 * cannot be regained. Returns 0, or -1
 * with the reason in err.
 */
int privs_drop(const char *user, char *err, size_t errsz) WARN_UNUSED;

/*
 * As root, makes path (a file ftpd just created) owned by user and its
 * group, so that it can reopen it after the drop. 0 (also when not
 * root), or -1 with errno.
 */
int privs_give(const char *path, const char *user) WARN_UNUSED;

/*
 * The startup rule: as root, a run_as user is required; as anyone else,
 * run_as must be absent or name the current user. Returns 0, or -1 with
 * the reason in err.
 */
int privs_check_startup(const char *run_as, char *err, size_t errsz) WARN_UNUSED;

#endif
