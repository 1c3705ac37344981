/*
 * listfmt: directory listing lines, made in-process (never by running ls).
 *
 * LIST uses the Unix "ls -l" layout that curl, lftp, FileZilla and every
 * browser-era client parse; MLSD/MLST use RFC 3659 facts.
 */
#ifndef FTP_LISTFMT_H
#define FTP_LISTFMT_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"

/* RFC 3659 facts, as a bit mask (OPTS MLST chooses among them). */
enum listfmt_fact {
	FACT_TYPE = 1 << 0,
	FACT_SIZE = 1 << 1,
	FACT_MODIFY = 1 << 2,
	FACT_PERM = 1 << 3,
	FACT_UNIQUE = 1 << 4,
	FACT_UNIX_MODE = 1 << 5,
	FACT_ALL = (1 << 6) - 1,
};

/*
 * Appends one "ls -l" line ending in CRLF. link_target is the symlink's
 * target or NULL; owner and group are the names to show. Dates within six
 * months of now show the time, older or future ones the year, in UTC.
 */
int listfmt_unix(struct buf *out, const struct stat *st, const char *name,
    const char *link_target, const char *owner, const char *group,
    time_t now) WARN_UNUSED;

/*
 * Appends the facts of one entry, "type=file;size=3;...;" with no trailing
 * space or name. cdir marks the listed directory itself (type=cdir);
 * writable says whether the session may change the entry.
 */
int listfmt_facts(struct buf *out, const struct stat *st, unsigned facts,
    int writable, int cdir) WARN_UNUSED;

/* Appends an MLSD line: facts, a space, the name, CRLF. */
int listfmt_mlsd(struct buf *out, const struct stat *st, const char *name,
    unsigned facts, int writable, int cdir) WARN_UNUSED;

/*
 * Appends the FEAT form of the facts list: "type*;size*;...;" where '*'
 * marks the facts enabled in `enabled`.
 */
int listfmt_facts_feat(struct buf *out, unsigned enabled) WARN_UNUSED;

/*
 * Parses the argument of OPTS MLST ("type;size;" — case-insensitive,
 * unknown facts ignored as RFC 3659 says) into a mask.
 */
unsigned listfmt_parse_facts(const char *arg);

/*
 * Appends the facts in mask as "type;size;" (the OPTS MLST reply).
 */
int listfmt_facts_names(struct buf *out, unsigned mask) WARN_UNUSED;

/*
 * Shell-style pattern match for listing arguments: '*', '?' and [...]
 * classes. Runs in O(len(pattern) * len(name)) time whatever the input, so
 * a hostile pattern cannot make it exponential. Names starting with '.' are
 * matched only by a pattern starting with '.'.
 */
int listfmt_glob_match(const char *pattern, const char *name);

/* Whether s contains glob metacharacters. */
int listfmt_has_glob(const char *s);

#endif
