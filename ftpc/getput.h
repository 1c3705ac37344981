/*
 * getput: one file down or up, with the local-file side of it.
 *
 * A download into a regular file (or a new name) goes into
 * "LOCAL.ftpc-part" and is renamed to LOCAL only when complete, so an
 * interrupted download never leaves a truncated file under the real name;
 * a resumed download (reget) continues the part file. A target that is
 * not a regular file (a device, a FIFO) is written through, never
 * replaced; a symlink is resolved and the same rule applies to what it
 * points to, as curl, lftp and tnftp do. These run on any session, so
 * mirror and pget can use them from worker threads.
 */
#ifndef FTPC_GETPUT_H
#define FTPC_GETPUT_H

#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "proto.h"
#include "status.h"
#include "verify.h"

#define GETPUT_PART_SUFFIX ".ftpc-part"

struct getput_opts {
	int ascii;
	int resume;		/* download: continue a part file; upload: reput */
	int append;		/* upload with APPE */
	int progress;		/* draw a bar on stderr */
	FILE *report;		/* where the summary line goes; NULL: none */
	off_t size;		/* remote size if known, else -1 (SIZE is asked) */
	time_t mtime;		/* remote mtime if known, else -1 (MDTM is asked) */
	const char *label;	/* name on screen; NULL: the local base name */
	enum verify_mode verify; /* check with the server's HASH (verify.h) */
	FILE *notes;		/* -v: why a transfer is not verified */
};

void getput_defaults(struct getput_opts *o);

/*
 * Fetches remote into local ("-" is stdout). Returns FC_OK, or the
 * failure with the reason in s->err.
 */
enum fc_status getput_download(struct proto *s, const char *remote,
    const char *local, const struct getput_opts *o);

/* Sends local to remote (STOR, APPE, or resumed). Same return. */
enum fc_status getput_upload(struct proto *s, const char *local,
    const char *remote, const struct getput_opts *o);

/* How a download reaches its local target. */
enum getput_target {
	GT_RENAME,		/* regular file or new name: part file, rename */
	GT_THROUGH,		/* device, FIFO, dangling symlink: write through */
};

/*
 * Classifies local and, for GT_RENAME, writes into out the name to build
 * the part file for and rename to: local itself, or the regular file a
 * symlink resolves to. Returns the kind, or -1 (errno set) when the
 * resolved name does not fit.
 */
int getput_classify(const char *local, char *out, size_t outsz) WARN_UNUSED;

/* The part-file name for local. Returns 0 or -1 when too long. */
int getput_part_name(const char *local, char *out, size_t outsz) WARN_UNUSED;

#endif
