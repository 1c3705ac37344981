/*
 * uploadtmp: the temporary files an upload is written to before it is
 * renamed over its target (".ftpd-upload.<random>.<target>").
 *
 * They belong to the server, not to any client: vfs refuses every client
 * path that names one, and listings hide them. The upload that writes a
 * temporary file holds an exclusive flock(2) on it until the file is
 * renamed into place or removed, so a starting server, which removes the
 * temporary files that a crash (kill -9, power loss) left behind, can tell
 * them from the ones another live server on the same root is writing.
 */
#ifndef FTPD_UPLOADTMP_H
#define FTPD_UPLOADTMP_H

#include <sys/types.h>

#include "compat.h"

#define UPLOADTMP_PREFIX ".ftpd-upload."

/* Whether name (one path component) is a temporary upload file's name. */
int uploadtmp_is_name(const char *name);

/*
 * Creates a new temporary file for target in the folder dirfd (O_WRONLY,
 * O_EXCL, mode), locked with flock(LOCK_EX). Returns the descriptor (the
 * lock lives as long as it is open) and sets *name to the file's name
 * (malloc'd, the caller frees it). -1 with errno on failure.
 */
int uploadtmp_create(int dirfd, const char *target, mode_t mode,
    char **name) WARN_UNUSED;

/*
 * Removes the stale temporary files beneath the folder root: those no
 * process holds a lock on. Never follows symlinks; descends at most
 * UPLOADTMP_SWEEP_DEPTH folders deep. Returns how many it removed; logs
 * each one and what it could not read.
 */
#define UPLOADTMP_SWEEP_DEPTH 64
unsigned long uploadtmp_sweep(const char *root);

/*
 * The same sweep on a thread of its own, so that a large root does not
 * hold up startup (systemd would time out waiting for READY=1). root is
 * opened now, with the caller's privileges; the thread walks it as the
 * server runs, and logs "stale uploads: sweep of ROOT done, N removed".
 * Returns 0, or -1 (logged) when root cannot be opened.
 */
int uploadtmp_sweep_start(const char *root);

#endif
