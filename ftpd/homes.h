/*
 * homes: the server root and the home folders beneath it.
 *
 * The root is a path, not a descriptor held from startup: each login
 * resolves the root and then the home afresh, so an admin who replaces
 * the root (rm -rf and recreate, or switch a symlink such as
 * /srv/ftp -> releases/v2) or a home is seen at the next login, as
 * vsftpd, pure-ftpd and ProFTPD do. Sessions already logged in keep the
 * folder they entered. The lookups run as the run_as user: when a folder
 * above the root is closed to it, logins fall back to the root opened at
 * startup (logged once), and replacements are seen only after a restart.
 *
 * An idle session would otherwise hold two descriptors (its control
 * socket and its home), halving how many sessions a descriptor limit
 * allows: sessions whose homes are the same folder (same device and
 * inode) share one O_PATH descriptor instead, counted.
 */
#ifndef FTPD_HOMES_H
#define FTPD_HOMES_H

#include <stddef.h>

#include "compat.h"

/*
 * One root and the homes beneath it: each virtual host (vhost.h) has its
 * own. The table of shared descriptors is the process's, for every host.
 */
struct homes;

/*
 * Remembers root for later logins (made absolute against the current
 * folder, since a daemon changes to /) and opens it now, for the fallback
 * above. NULL with the reason in err.
 */
struct homes *homes_new(const char *root, char *err, size_t errsz);

/* Frees h (NULL: nothing). Descriptors given out stay valid. */
void homes_free(struct homes *h);

/* h's root as opened by homes_new; owned by h. -1 for NULL. */
int homes_root(const struct homes *h);

/*
 * Resolves h's root, then home beneath it (RESOLVE_BENEATH), now. Returns
 * a descriptor of that folder, shared with the sessions that have the same
 * folder open. -1 with errno on failure.
 */
int homes_enter(struct homes *h, const char *home) WARN_UNUSED;

/* Gives back a descriptor from homes_enter; the last user closes it. */
void homes_release(int fd);

#endif
