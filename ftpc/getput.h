/*
 * getput: one file down or up, with the local-file side of it.
 *
 * A download goes into "LOCAL.ftpc-part" and is renamed to LOCAL only
 * when complete, so an interrupted download never leaves a truncated file
 * under the real name; a resumed download (reget) continues the part
 * file. These run on any session, so mirror and pget can use them from
 * worker threads.
 */
#ifndef FTPC_GETPUT_H
#define FTPC_GETPUT_H

#include <sys/types.h>
#include <time.h>

#include "proto.h"
#include "status.h"

#define GETPUT_PART_SUFFIX ".ftpc-part"

struct getput_opts {
	int ascii;
	int resume;		/* download: continue a part file; upload: reput */
	int append;		/* upload with APPE */
	int progress;		/* draw a bar on stderr */
	off_t size;		/* remote size if known, else -1 (SIZE is asked) */
	time_t mtime;		/* remote mtime if known, else -1 (MDTM is asked) */
	const char *label;	/* name on screen; NULL: the local base name */
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

/* The part-file name for local. Returns 0 or -1 when too long. */
int getput_part_name(const char *local, char *out, size_t outsz) WARN_UNUSED;

#endif
