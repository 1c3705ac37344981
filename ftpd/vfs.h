/*
 * vfs: opening virtual paths beneath a session's home.
 *
 * Every path a client names goes through vpath_resolve (lexical), then
 * through these calls, which ask the kernel to resolve it beneath the
 * home's directory descriptor with openat2(RESOLVE_BENEATH): "..", absolute
 * symlinks and symlinks that lead outside fail with EXDEV, race-free, and
 * magic links in /proc are refused. Operations on a name (mkdir, unlink,
 * rename) open the parent the same way and act with the *at() calls.
 *
 * A path with a component that names a temporary upload file (uploadtmp.h)
 * fails with ENOENT, as if it did not exist: those files are the server's.
 */
#ifndef FTPD_VFS_H
#define FTPD_VFS_H

#include <sys/stat.h>
#include <sys/types.h>

#include "compat.h"

/*
 * Opens the canonical virtual path vpath beneath rootfd with open flags
 * (O_CLOEXEC is added, and O_NONBLOCK unless O_PATH: opening a FIFO or a
 * device must never block a worker thread). Returns a descriptor, or -1
 * with errno. Callers that transfer check that it is a regular file.
 */
int vfs_open(int rootfd, const char *vpath, int flags, mode_t mode) WARN_UNUSED;

/*
 * Opens the parent directory of vpath and points *name at its last
 * component. Fails with EPERM for "/" itself (it has no name to act on).
 */
int vfs_open_parent(int rootfd, const char *vpath, const char **name) WARN_UNUSED;

/* stat(2) of vpath, following symlinks only beneath rootfd. */
int vfs_stat(int rootfd, const char *vpath, struct stat *st) WARN_UNUSED;

/*
 * Whether vpath has a component that is the server's own (a temporary
 * upload file): such paths do not exist for clients.
 */
int vfs_reserved(const char *vpath);

/* Whether the running kernel supports openat2 (Linux 5.6+). */
int vfs_available(void);

#endif
