/*
 * tmptree.h: throw-away folder trees for unit tests that need a real file
 * system (vfs, listing). Header-only so that a suite includes it without a
 * build change. Every helper aborts the test program when the file system
 * refuses: a half-built fixture would only make later failures confusing.
 */
#ifndef FTP_TMPTREE_H
#define FTP_TMPTREE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMPTREE_PATH_MAX 512

/* Makes a fresh folder /tmp/NAME.XXXXXX; its path goes into base. */
static inline void
tmptree_create(char *base, size_t basesz, const char *name)
{
	snprintf(base, basesz, "/tmp/%s.XXXXXX", name);
	if (mkdtemp(base) == NULL)
		abort();
}

/* base/rel as a path in out (static storage, overwritten by each call). */
static inline const char *
tmptree_path(const char *base, const char *rel)
{
	static char out[TMPTREE_PATH_MAX];

	if ((size_t)snprintf(out, sizeof(out), "%s/%s", base, rel) >= sizeof(out))
		abort();
	return out;
}

/* Writes text into the file base/rel. */
static inline void
tmptree_put(const char *base, const char *rel, const char *text)
{
	FILE *f = fopen(tmptree_path(base, rel), "w");

	if (f == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

static inline void
tmptree_mkdir(const char *base, const char *rel)
{
	if (mkdir(tmptree_path(base, rel), 0755) < 0)
		abort();
}

/* Makes base/rel a symlink to target (taken as is). */
static inline void
tmptree_symlink(const char *base, const char *target, const char *rel)
{
	if (symlink(target, tmptree_path(base, rel)) < 0)
		abort();
}

static inline int
tmptree_rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes base and everything in it, never following symlinks. */
static inline void
tmptree_remove(const char *base)
{
	if (base[0] != '\0')
		(void)nftw(base, tmptree_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
