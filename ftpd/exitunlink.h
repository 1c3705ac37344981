/*
 * exitunlink: removing a file that root made when the server ends, after
 * the server has become run_as.
 *
 * The admin socket lives in a root-owned folder (/run/ftpd): run_as may
 * not remove entries there, and a descriptor of the folder opened while
 * root does not help (unlink checks the caller's rights when it runs).
 * Giving run_as the folder would let a compromised server replace the
 * socket that root's `ftpd who` talks to. So, while still root, ftpd
 * forks a helper that keeps root, closes every descriptor but the read
 * end of a pipe, ignores the stop signals and waits: when the last copy
 * of the write end goes (the server exits, cleanly or killed, detached or
 * not), it removes the file, only if the folder entry is still the very
 * socket ftpd made (exitunlink_same: never a later server's, even one
 * that got the freed inode number), and exits. It reads nothing else and takes no input but the end of file.
 *
 * Return convention: 0, or -1 with a reason in err.
 */
#ifndef FTPD_EXITUNLINK_H
#define FTPD_EXITUNLINK_H

#include <stddef.h>
#include <sys/stat.h>

#include "compat.h"

/*
 * Starts the helper for the socket at path (made just now). Call as root
 * before the privilege drop and before any thread starts.
 */
int exitunlink_watch(const char *path, char *err, size_t errsz) WARN_UNUSED;

/*
 * Whether a and b (lstat) are the same socket: device, inode and change
 * time (inode numbers are reused as soon as a file goes).
 */
int exitunlink_same(const struct stat *a, const struct stat *b);

#endif
