/*
 * listing: the bytes of a LIST, NLST, MLSD or STAT listing, produced a
 * slice at a time so that a huge directory never sits in memory, as names
 * or as text. One listing holds at most LISTING_ARENA bytes of names
 * (LISTING_NAMES_MAX of them) besides its DIR stream: a folder whose
 * wanted names fit is listed sorted by name; a bigger one is listed in
 * directory order, read from the directory as the slices are asked for.
 * Either way the listing stops after max_entries matching entries, and
 * then says it was cut without reading (or counting) the rest.
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
	size_t max_entries;	/* cap on matching entries listed */
	const char *pattern;	/* glob filter, or NULL */
	const char *prefix;	/* prepended to NLST names ("dir/"), or NULL */
};

#define LISTING_ARENA (128 * 1024)
#define LISTING_NAMES_MAX 16384
#define LISTING_NAME_ROOM 256	/* one more name: NAME_MAX + 1 */

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

/*
 * Nonzero when the listing stopped at max_entries with at least one more
 * matching entry in the folder (the rest is not counted).
 */
size_t listing_truncated(const struct listing *l);

/* How many entries listing_next has produced so far. */
size_t listing_count(const struct listing *l);

void listing_free(struct listing *l);

#endif
