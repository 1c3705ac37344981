/*
 * listing: the bytes of a LIST, NLST, MLSD or STAT listing, produced a
 * slice at a time so that a huge directory never sits in memory as text.
 * Names are read and sorted up front (bounded by max_entries), each line
 * is formatted when its slice is asked for.
 */
#ifndef FTPD_LISTING_H
#define FTPD_LISTING_H

#include <stddef.h>
#include <sys/stat.h>

#include "buf.h"
#include "compat.h"

enum listing_style {
	LISTING_LONG,	/* LIST: ls -l */
	LISTING_NAMES,	/* NLST: names only */
	LISTING_MLSD,	/* MLSD: facts and names */
};

struct listing_opts {
	enum listing_style style;
	int show_hidden;	/* dot files (LIST -a); MLSD always shows them */
	unsigned facts;		/* MLSD facts */
	int writable;		/* for MLSD perm facts */
	int hide_ids;		/* owner/group as "ftp" */
	size_t max_entries;	/* cap on names read */
	const char *pattern;	/* glob filter, or NULL */
	const char *prefix;	/* prepended to NLST names ("dir/"), or NULL */
};

struct listing;

/*
 * Lists the directory open at fd (O_RDONLY | O_DIRECTORY; the listing takes
 * it over). Returns NULL with errno on failure.
 */
struct listing *listing_dir(int fd, const struct listing_opts *o) WARN_UNUSED;

/* A listing of one entry (LIST of a file). link_target may be NULL. */
struct listing *listing_single(const char *name, const struct stat *st,
    const char *link_target, const struct listing_opts *o) WARN_UNUSED;

/*
 * Appends lines to out until about budget bytes were added. Returns 1 when
 * more lines remain, 0 when the listing is complete, -1 on error.
 */
int listing_next(struct listing *l, struct buf *out, size_t budget) WARN_UNUSED;

/* How many entries were cut off by max_entries. */
size_t listing_truncated(const struct listing *l);

void listing_free(struct listing *l);

#endif
