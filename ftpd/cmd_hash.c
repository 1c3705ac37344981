/*
 * cmd_hash.c: file hashes: HASH and OPTS HASH (draft-bryan-ftpext-hash-02),
 * RANG for HASH (draft-bryan-ftp-range-08), and the older XSHA256, XSHA1
 * and XMD5 that some clients send.
 *
 * A hash runs on the hash threads (hashpool.h); meanwhile the session is
 * suspended like during a password check, and the reply comes when the
 * result is posted back. RANG selects the bytes of the HASH that follows
 * it at once; transfers keep using REST (RETR and STOR do not honour
 * RANG, which is why FEAT does not announce "RANG STREAM").
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmds.h"
#include "config.h"
#include "digest.h"
#include "hashpool.h"
#include "reply.h"
#include "session.h"
#include "vfs.h"

enum hash_style {
	STYLE_HASH,	/* 213 SHA-256 0-49 <hex> <path> */
	STYLE_X,	/* 250 <HEX>, as ProFTPD's mod_digest answers X* */
};

/* A session's hash settings and the hash in flight (s->hash). */
struct hash_state {
	enum digest_algo algo;		/* OPTS HASH; SHA-256 by default */
	unsigned long rang_at;		/* s->commands at RANG; 0: none */
	off_t rang_start, rang_last;	/* inclusive, as RANG gives them */
	struct hash_task *task;
	enum hash_style style;		/* of the hash in flight */
	enum digest_algo hashing;	/* its algorithm */
	char *arg;			/* the path as the client wrote it */
	off_t start, end;		/* bytes hashed: [start, end) */
};

/* The session's hash state, made on first use; NULL after replying. */
static struct hash_state *
state(struct session *s)
{
	if (s->hash == NULL &&
	    (s->hash = calloc(1, sizeof(*s->hash))) == NULL) {
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return NULL;
	}
	return s->hash;
}

void
cmd_hash_end(struct session *s)
{
	if (s->hash == NULL)
		return;
	if (s->hash->task != NULL)
		hashpool_cancel(s->hash->task);
	free(s->hash->arg);
	free(s->hash);
	s->hash = NULL;
}

static void
reply_failure(struct session *s, const struct hash_state *st, int err)
{
	switch (err) {
	case ENODATA:
		session_reply(s, R_451_LOCAL_ERROR,
		    "%s: the file changed while it was hashed.", st->arg);
		break;
	case ESHUTDOWN:
		session_reply(s, R_451_LOCAL_ERROR, "Server shutting down.");
		break;
	default:
		session_reply(s, R_451_LOCAL_ERROR, "%s: cannot hash: %s.",
		    st->arg, strerror(err));
		break;
	}
}

/* The hash is done (worker thread): reply, then take commands again. */
static void
hash_done(void *arg, const struct hash_result *r)
{
	struct session *s = arg;
	struct hash_state *st = s->hash;
	char hex[DIGEST_HEX_MAX];
	size_t i;

	st->task = NULL;
	if (r->err != 0) {
		reply_failure(s, st, r->err);
	} else if (st->style == STYLE_X) {
		for (i = 0; r->hex[i] != '\0' && i + 1 < sizeof(hex); i++)
			hex[i] = (char)toupper((unsigned char)r->hex[i]);
		hex[i] = '\0';
		session_reply(s, R_250_FILE_ACTION_OK, "%s", hex);
	} else {
		/* The range's end is inclusive, as in RANG. */
		session_reply(s, R_213_FILE_STATUS, "%s %jd-%jd %s %s",
		    digest_name(st->hashing), (intmax_t)st->start,
		    (intmax_t)(st->end > st->start ? st->end - 1 : st->start),
		    r->hex, st->arg);
	}
	free(st->arg);
	st->arg = NULL;
	session_continue(s);
}

/* Whether a RANG came as the command just before this one. */
static int
rang_pending(const struct session *s, const struct hash_state *st)
{
	return st->rang_at != 0 && st->rang_at + 1 == s->commands;
}

/*
 * Picks the bytes to hash into st->start/end. Returns 0, or -1 after
 * replying (a range that starts past the end, or over hash_max_bytes).
 */
static int
choose_range(struct session *s, struct hash_state *st, const char *arg,
    off_t size)
{
	unsigned long long max = s->cfg->hash_max_bytes;

	st->start = 0;
	st->end = size;
	if (st->style == STYLE_HASH && rang_pending(s, st)) {
		if (st->rang_start >= size && st->rang_start > 0) {
			session_reply(s, R_554_INVALID_REST,
			    "%s: range starts beyond the end of the file "
			    "(%jd bytes).", arg, (intmax_t)size);
			return -1;
		}
		st->start = st->rang_start;
		/* Past the end: up to the end (the draft's RETR rule). */
		if (st->rang_last < size - 1)
			st->end = st->rang_last + 1;
	}
	st->rang_at = 0;
	if (max != 0 && (unsigned long long)(st->end - st->start) > max) {
		session_reply(s, R_556_HASH_TOO_BIG,
		    "%s: %jd bytes to hash, over this server's limit "
		    "(hash_max_bytes %llu).", arg,
		    (intmax_t)(st->end - st->start), max);
		return -1;
	}
	return 0;
}

/* Opens arg for hashing. Returns the descriptor, or -1 after replying. */
static int
open_regular(struct session *s, const char *arg, enum hash_style style,
    off_t *size)
{
	char path[VPATH_MAX];
	struct stat st;
	int fd;

	if (session_path(s, arg, path) < 0)
		return -1;
	/* Opened like RETR opens: confined, never blocking on a FIFO. */
	if ((fd = vfs_open(s->root_fd, path, O_RDONLY | O_NONBLOCK, 0)) < 0) {
		session_reply_errno(s, errno, arg);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		/* The draft's code for "not a file" is 553; X* used 550. */
		session_reply(s, style == STYLE_HASH ? R_553_NAME_NOT_ALLOWED :
		    R_550_FILE_UNAVAILABLE, "%s: Not a regular file.", arg);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/* Starts hashing arg with algo, or replies why not. */
static void
start_hash(struct session *s, struct hash_state *st, const char *arg,
    enum hash_style style, enum digest_algo algo)
{
	off_t size;
	int fd;

	st->style = style;
	st->hashing = algo;
	if ((fd = open_regular(s, arg, style, &size)) < 0) {
		st->rang_at = 0;
		return;
	}
	if (choose_range(s, st, arg, size) < 0) {
		close(fd);
		return;
	}
	if ((st->arg = strdup(arg)) == NULL) {
		close(fd);
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return;
	}
	st->task = hashpool_submit(s->worker, fd, algo, st->start, st->end,
	    hash_done, s);
	if (st->task == NULL) {
		close(fd);
		if (errno == EAGAIN)
			session_reply(s, R_450_FILE_UNAVAILABLE,
			    "%s: the server is busy hashing; try again later.",
			    arg);
		else
			session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		free(st->arg);
		st->arg = NULL;
		return;
	}
	session_suspend(s);
}

void
cmd_hash(struct session *s, char *arg)
{
	struct hash_state *st = state(s);

	if (st != NULL)
		start_hash(s, st, arg, STYLE_HASH, st->algo);
}

/* The X commands name their algorithm; the session's choice stays. */
static void
x_hash(struct session *s, const char *arg, enum digest_algo algo)
{
	struct hash_state *st = state(s);

	if (st != NULL)
		start_hash(s, st, arg, STYLE_X, algo);
}

void
cmd_xsha256(struct session *s, char *arg)
{
	x_hash(s, arg, DIGEST_SHA256);
}

void
cmd_xsha1(struct session *s, char *arg)
{
	x_hash(s, arg, DIGEST_SHA1);
}

void
cmd_xmd5(struct session *s, char *arg)
{
	x_hash(s, arg, DIGEST_MD5);
}

/* Reads a RANG number: digits only, at most INT64_MAX. */
static int
parse_point(const char *p, const char **end, off_t *out)
{
	uintmax_t v;
	char *e;

	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtoumax(p, &e, 10);
	if (errno != 0 || v > (uintmax_t)INT64_MAX)
		return -1;
	*out = (off_t)v;
	*end = e;
	return 0;
}

void
cmd_rang(struct session *s, char *arg)
{
	struct hash_state *st = state(s);
	off_t start, last;
	const char *p;

	if (st == NULL)
		return;
	st->rang_at = 0;
	if (parse_point(arg, &p, &start) < 0 || *p != ' ' ||
	    parse_point(p + 1, &p, &last) < 0 || *p != '\0') {
		session_reply(s, R_501_ARG_SYNTAX_ERROR,
		    "RANG needs a start and an end byte: RANG 0 99.");
		return;
	}
	if (start == 1 && last == 0) {
		/* The draft's way to reset the range. */
		session_reply(s, R_350_PENDING, "Range reset to the whole file.");
		return;
	}
	if (start > last) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR,
		    "RANG start %jd is past its end %jd; range reset.",
		    (intmax_t)start, (intmax_t)last);
		return;
	}
	st->rang_at = s->commands;
	st->rang_start = start;
	st->rang_last = last;
	session_reply(s, R_350_PENDING,
	    "Restarting at %jd. End Byte range at %jd (for HASH only).",
	    (intmax_t)start, (intmax_t)last);
}

void
cmd_opts_hash(struct session *s, const char *value)
{
	struct hash_state *st = state(s);
	enum digest_algo a;

	if (st == NULL)
		return;
	if (value == NULL) {
		session_reply(s, R_200_OK, "%s", digest_name(st->algo));
		return;
	}
	if (digest_lookup(value, &a) < 0) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR,
		    "Unknown algorithm, current selection not changed.");
		return;
	}
	st->algo = a;
	session_reply(s, R_200_OK, "%s", digest_name(a));
}

int
cmd_hash_feat(struct buf *t, const struct session *s)
{
	enum digest_algo cur = s->hash != NULL ? s->hash->algo : DIGEST_SHA256;
	unsigned i;
	int rc = 0;

	for (i = 0; i < DIGEST_ALGO_COUNT; i++) {
		rc |= buf_puts(t, i == 0 ? " " : ";");
		rc |= buf_puts(t, digest_name((enum digest_algo)i));
		if (i == (unsigned)cur)
			rc |= buf_puts(t, "*");
	}
	return rc;
}
