/*
 * recount: counting a user's quota usage from the files in the home.
 *
 * The usage (usage.h) of every user with a quota is counted from the
 * home when the server starts and when it reloads (SIGHUP), on a thread
 * of its own so that large homes hold up neither startup nor serving.
 * Until a user's count is done, that user's quota is not enforced; the
 * count replaces the usage when it ends ("quota: usage of NAME counted:
 * N bytes, M files" in the log, uploads in progress included). An upload
 * in progress during the whole count keeps its charge (usage.h: the count
 * skips its file and adds its share back); one that starts or ends while
 * the home is walked may be counted or not: the next recount settles it.
 *
 * A user the backend could not list (a database's) is counted at its first
 * login instead (recount_user); a reload recounts the database's users
 * that logged in since startup (those with a usage entry).
 *
 * `ftpd user recount NAME [--config FILE]` counts one user's home from
 * the command line and prints the usage; a running server picks up the
 * truth at its next start or SIGHUP (it does not read this output).
 */
#ifndef FTPD_RECOUNT_H
#define FTPD_RECOUNT_H

#include "compat.h"

struct config;

/*
 * Counts the regular files beneath the folder dirfd (taken and closed)
 * and their sizes: symlinks are not followed, temporary uploads are
 * skipped, at most RECOUNT_DEPTH folders deep. 0, or -1 with errno when
 * dirfd cannot be read (subfolders that cannot be read are skipped).
 */
#define RECOUNT_DEPTH 64
int recount_dir(int dirfd, long long *bytes, long long *files) WARN_UNUSED;

/*
 * Starts (or, when one runs, queues once more) the background count of
 * every user with a quota (userdb_each; for a database, the users with
 * a usage entry; userdb_find). cfg must outlive
 * the thread (recount_stop). 0, or -1 when no thread can start (logged).
 */
int recount_start(const struct config *cfg);

/*
 * Queues one user's count (a user the backend could not list at startup,
 * such as a database's, logging in before being counted). At most
 * RECOUNT_QUEUE_MAX wait; more are dropped (counted at a later login).
 */
#define RECOUNT_QUEUE_MAX 1024
int recount_user(const struct config *cfg, const char *name);

/* Stops the background count and waits for its thread (at exit). */
void recount_stop(void);

/*
 * `ftpd user recount NAME [--config FILE] [--users FILE] [--root DIR]`:
 * argv[0] is "recount"; cfg holds the config files already read. Looks
 * NAME up through the users backend (a file or a database), counts its
 * home and prints "NAME: B bytes, F files (quota_bytes=...)". Returns the
 * exit code (0; 1 for an unknown user, a database that cannot answer or
 * an unreadable home; 2 for bad arguments, or no NAME with a database,
 * which cannot list its users).
 */
int recount_main(int argc, char **argv, struct config *cfg);

#endif
