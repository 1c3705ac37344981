/*
 * listparse: directory listings as servers send them, turned into entries.
 *
 * MLSD (RFC 3659) is exact and preferred. LIST has no standard format; we
 * read the Unix "ls -l" layout (with or without a group column, NetWare's
 * bracketed rights, ACL markers), the Windows/IIS "MM-DD-YY hh:mmAM <DIR>"
 * layout and EPLF. Anything else is skipped, never guessed at.
 */
#ifndef FTPC_LISTPARSE_H
#define FTPC_LISTPARSE_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "compat.h"

enum lp_type { LP_UNKNOWN, LP_FILE, LP_DIR, LP_LINK };

#define LP_NAME_MAX 1024

struct lp_entry {
	char name[LP_NAME_MAX];
	char target[LP_NAME_MAX];	/* symlink target from LIST, or "" */
	enum lp_type type;
	off_t size;			/* -1 when unknown */
	time_t mtime;			/* UTC; -1 when unknown */
	int mode;			/* permission bits, -1 when unknown */
};

struct lp_list {
	struct lp_entry *v;
	size_t n;
	size_t cap;
};

/*
 * One MLSD line ("facts name"). Returns 1 with e filled, 0 for a line to
 * skip (the cdir and pdir entries), -1 when the line is not MLSD.
 */
int listparse_mlsd_line(const char *line, struct lp_entry *e);

/*
 * One LIST line. now decides the year of Unix dates given without one.
 * Returns 1, 0 for a line that is not an entry ("total 12", blank), -1
 * when the format is not recognised.
 */
int listparse_list_line(const char *line, time_t now, struct lp_entry *e);

/*
 * Splits a whole listing (CRLF or LF lines) into out, appending; "." and
 * ".." are left out. Returns the number of lines that could not be read,
 * or -1 when out of memory.
 */
int listparse_buffer(const char *text, int mlsd, time_t now,
    struct lp_list *out) WARN_UNUSED;

void listparse_free(struct lp_list *l);

/* The entry named name, or NULL. */
const struct lp_entry *listparse_find(const struct lp_list *l, const char *name);

#endif
