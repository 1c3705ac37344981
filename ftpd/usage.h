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
 * Return convention: int functions return 0, or -1 (the quota is
 * exceeded; nothing was charged).
 */
#ifndef FTPD_USAGE_H
#define FTPD_USAGE_H

#include <stddef.h>

#include "compat.h"
#include "ratelimit.h"
#include "userlimits.h"

struct config;
struct user_usage;

/* Room for usage_name's result. */
#define USAGE_NAME_MAX 320

/*
 * The name a user's entry goes by: the user's name on the default host,
 * "HOST/NAME" on a virtual host (vhost.h), so that users of the same name
 * on two hosts share nothing ('/' is in no user or host name). 0, or -1
 * when out is too small.
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

/* Replaces the usage with a fresh count. */
void usage_set_counted(struct user_usage *u, long long bytes, long long files);

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
 * and charges those.
 */
unsigned long long usage_charge_bytes(struct user_usage *u,
    unsigned long long n, unsigned long long credit);

/* How many bytes still fit (with credit), capped at max. */
unsigned long long usage_room(struct user_usage *u, unsigned long long credit,
    unsigned long long max);

/* Adds delta bytes and files (negative: freed) without a check. */
void usage_adjust(struct user_usage *u, long long bytes, long long files);

/* Takes one new file. 0, or -1 when quota_files is reached. */
int usage_take_file(struct user_usage *u) WARN_UNUSED;

/* Frees every entry (at exit). */
void usage_shutdown(void);

#endif
