/*
 * hashpool: the threads that compute HASH replies, off the event loops.
 *
 * Hashing a big file takes seconds of CPU and disk; on a worker's loop it
 * would stall every session of that worker. A small pool of its own
 * (jobpool.h; never the password-check threads, so logins never wait
 * behind a hash) does the reading and posts each result back to the
 * worker that asked. At most hash_jobs files are hashed at once server-
 * wide; a bounded number wait behind them (HASHPOOL_QUEUE_PER_THREAD per
 * thread), and a request beyond that is refused at once.
 */
#ifndef FTPD_HASHPOOL_H
#define FTPD_HASHPOOL_H

#include <sys/types.h>

#include "compat.h"
#include "digest.h"

struct worker;
struct hash_task;

/* Requests that may wait for a hash thread, per thread. */
#define HASHPOOL_QUEUE_PER_THREAD 4

/* Starts n hash threads. Returns 0, or -1 with errno. */
int hashpool_start(unsigned n) WARN_UNUSED;

/*
 * Stops the threads: running hashes end early (as failed), queued ones
 * are dropped. Call before the workers stop, so results still reach them.
 */
void hashpool_stop(void);

/* What a hash came to: err is 0 (hex holds the digest) or an errno. */
struct hash_result {
	int err;
	char hex[DIGEST_HEX_MAX];
};

/*
 * Queues the hash of bytes [start, end) of fd, which it takes (and closes
 * when done). done(arg, result) runs later on w's thread unless the task
 * is cancelled first. Returns the task, or NULL with errno EAGAIN (the
 * queue is full) or ENOMEM; then nothing is called and fd stays the
 * caller's.
 */
struct hash_task *hashpool_submit(struct worker *w, int fd,
    enum digest_algo algo, off_t start, off_t end,
    void (*done)(void *arg, const struct hash_result *r), void *arg) WARN_UNUSED;

/*
 * The requester goes away (worker thread): done is never called, and
 * the hash stops at its next chunk.
 */
void hashpool_cancel(struct hash_task *t);

#endif
