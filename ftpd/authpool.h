/*
 * authpool: password checks off the event loops.
 *
 * crypt_r with yescrypt or sha512-crypt takes milliseconds to tens of
 * milliseconds by design; run on a worker's event loop it would stall
 * every other session of that worker. A few dedicated threads do the
 * hashing and post each result back to the worker that asked, which then
 * finishes the login on its own thread.
 */
#ifndef FTPD_AUTHPOOL_H
#define FTPD_AUTHPOOL_H

#include "compat.h"

struct worker;
struct auth_job;

/* Starts n hashing threads. Returns 0 or -1. */
int authpool_start(unsigned n) WARN_UNUSED;

/*
 * Queues a check of password against hash (both copied; the caller may
 * wipe its own) after delay_ms milliseconds (the tarpit, see connlimit.h;
 * 0: at once), timed on worker w's event loop, so no hashing thread waits.
 * done(arg, ok) runs later on w's thread, unless the job was cancelled.
 * Returns the job, or NULL (nothing will be called).
 */
struct auth_job *authpool_submit(struct worker *w, const char *hash,
    const char *password, unsigned delay_ms, void (*done)(void *arg, int ok),
    void *arg) WARN_UNUSED;

/*
 * Makes sure done is never called (the session is going away); on w's
 * thread. The job must not be used afterwards (one still in its delay is
 * freed at once).
 */
void authpool_cancel(struct auth_job *job);

/* Stops the threads; jobs still queued are dropped without callbacks. */
void authpool_stop(void);

#endif
