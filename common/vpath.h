/*
 * vpath: virtual paths as a client names them.
 *
 * A session sees its home as "/". vpath_resolve turns a client argument,
 * relative to the session's current directory or absolute, into one
 * canonical absolute virtual path: no ".", no "..", no empty or repeated
 * components, never above "/". The kernel then opens that path beneath the
 * home (see ftpd/vfs), so this lexical step is about meaning, and the
 * confinement does not rest on it alone.
 */
#ifndef FTP_VPATH_H
#define FTP_VPATH_H

#include <stddef.h>

#include "compat.h"

#define VPATH_MAX 4096

/*
 * Resolves arg against cwd (itself canonical, starting with '/') into out.
 * An empty arg means cwd. Returns 0, or -1 with errno ENAMETOOLONG when the
 * result does not fit in outsz bytes.
 */
int vpath_resolve(const char *cwd, const char *arg, char *out, size_t outsz) WARN_UNUSED;

/*
 * The path relative to the home for *at() calls: "/" becomes ".", and
 * "/a/b" becomes "a/b". Points into path.
 */
const char *vpath_relative(const char *path);

/* The last component of a canonical path ("/" for the root itself). */
const char *vpath_basename(const char *path);

#endif
