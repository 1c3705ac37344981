/*
 * usage: what the users of this server process share across sessions:
 * each user's rate buckets and quota usage, and the server's buckets.
 *
 * A user's entry is made at its first login (or the first recount) and
 * lives until usage_shutdown; there is one per user name, whatever the
 * backend (users file or database), shared by that user's sessions on
 * every worker thread. Limits count per server process.
 *
 * Quota usage is the bytes and the regular files beneath the user's
 * home. It is counted from the home at startup and on SIGHUP (recount.h)
 * and kept up to date by uploads, DELE and RNTO. Until the first count of
 * a user is done, the quota is not enforced for that user (usage_counted).
 *
 * An upload in progress is on disk only in part (a temporary file the
 * count skips, or a file being written in place), while its charges are
 * in the usage. So each one is registered (struct usage_upload) from its
 * first byte to its settling: a count skips the file it writes in place
 * (usage_uploading) and usage_set_counted adds what the registered uploads
 * hold back to the fresh figure. An upload that runs across a recount is
 * then neither lost nor counted twice when it settles.
 *
 * Return convention: int functions return 0, or -1 (the quota is
 * exceeded; nothing was charged).
 */
#ifndef FTPD_USAGE_H
#define FTPD_USAGE_H

#include <stddef.h>
#include <sys/types.h>

#include "compat.h"
#include "ratelimit.h"
#include "userlimits.h"

struct config;
struct user_usage;

/* Room for usage_name's result. */
#define USAGE_NAME_MAX 320

/*
 * The realm host's users are counted in (vhost_realm): "" for the default
 * host and the hosts that share its root and users, else a host name.
 */
const char *usage_realm(const struct config *host);

/*
 * The name a user's entry goes by: the user's name in the default host's
 * realm, "REALM/NAME" in another (usage_realm), so that users of the same
 * name on two hosts share nothing unless the hosts share their root and
 * users, where they are one account. -1 when user holds a '/' (no users
 * file allows one, nor the database schema, but a table without its check
 * could: "b.example/alice" of the default host would be alice of
 * b.example) or out is too small; else 0.
 */
int usage_name(const struct config *host, const char *user, char *out,
    size_t outsz) WARN_UNUSED;

/* Sets the server-wide rate limits (at startup and reload). */
void usage_server_rates(unsigned long long down, unsigned long long up);

/* The server's bucket for a direction (up: uploads). */
struct rl_shared *usage_server_bucket(int up);

/*
 * The entry for name, made if needed, with its limits set from lim (the
 * user's own) and cfg (quota_bytes/quota_files when lim has none).
 * NULL when out of memory.
 */
struct user_usage *usage_user(const char *name, const struct user_limits *lim,
    const struct config *cfg);

/* The entry for name, or NULL when there is none yet. */
struct user_usage *usage_find(const char *name);

/* The user's bucket for a direction. */
struct rl_shared *usage_user_bucket(struct user_usage *u, int up);

/* The user's effective quotas (0: none). */
void usage_quotas(struct user_usage *u, unsigned long long *bytes,
    unsigned long long *files);

/* Whether u has any quota. */
int usage_has_quota(struct user_usage *u);

/* The usage now, and whether it has been counted yet. */
void usage_get(struct user_usage *u, long long *bytes, long long *files,
    int *counted);

/*
 * Replaces the usage with a fresh count (made skipping the files of the
 * uploads in progress) plus what those uploads hold.
 */
void usage_set_counted(struct user_usage *u, long long bytes, long long files);

/*
 * One upload in progress, embedded in its transfer (xfer.h) and zeroed
 * with it. bytes and files are what it adds to the usage beyond what a
 * count of the home sees: for a temporary file, its charges (and the new
 * file it made); for a file written in place, which a count skips, also
 * the file's size before the upload (and the file itself). The fields are
 * usage.c's, under the user's lock.
 */
struct usage_upload {
	struct usage_upload *next;
	dev_t dev;
	ino_t ino;		/* the file written in place; 0: none */
	long long bytes, files;
	int linked;
};

/*
 * Registers up as in progress for u with what it holds already (see
 * above); ino is the file written in place (0 for a temporary file).
 */
void usage_upload_begin(struct user_usage *u, struct usage_upload *up,
    dev_t dev, ino_t ino, long long bytes, long long files);

/*
 * Ends up (when registered) and adds delta bytes and files to the usage,
 * in one step, so that no count sees one without the other.
 */
void usage_upload_end(struct user_usage *u, struct usage_upload *up,
    long long bytes, long long files);

/* Whether the file dev/ino is one that an upload of u writes in place. */
int usage_uploading(struct user_usage *u, dev_t dev, ino_t ino);

/*
 * Whether the caller should have u counted now: 1 (once, until the count
 * is done or given up with usage_count_failed) when u was never counted,
 * else 0.
 */
int usage_claim_count(struct user_usage *u);
void usage_count_failed(struct user_usage *u);

/*
 * Charges n bytes of an upload. credit is what the upload gives back
 * when it ends (the old file it replaces). Returns how many of the n fit
 * under the quota (all of them without a quota or before the first count)
 * and charges those, to the upload up as well when it is registered.
 */
unsigned long long usage_charge_bytes(struct user_usage *u,
    struct usage_upload *up, unsigned long long n, unsigned long long credit);

/* How many bytes still fit (with credit), capped at max. */
unsigned long long usage_room(struct user_usage *u, unsigned long long credit,
    unsigned long long max);

/* Adds delta bytes and files (negative: freed) without a check. */
void usage_adjust(struct user_usage *u, long long bytes, long long files);

/* Takes one new file. 0, or -1 when quota_files is reached. */
int usage_take_file(struct user_usage *u) WARN_UNUSED;

/*
 * Calls fn with each user's name that has an entry (each user logged in
 * since startup), until fn returns non-zero (returned). fn runs under the
 * registry's lock: it must not call usage_user or usage_find.
 */
int usage_foreach(int (*fn)(void *arg, const char *name), void *arg);

/* Frees every entry (at exit). */
void usage_shutdown(void);

#endif
