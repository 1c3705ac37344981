/*
 * jobpool: a few threads that run slow, blocking work (password hashing,
 * file hashing, database lookups) off the event loops, and hand each
 * result back to the worker thread that asked.
 *
 * A job's life: jobpool_submit queues it (bounded); run(arg) runs on a
 * pool thread; then finish(arg, cancelled) runs once on the worker's own
 * thread, where the requester may look at its session again. finish
 * always runs (it owns arg and frees it); cancelled is 1 when the
 * requester called jobpool_cancel meanwhile (its session is gone).
 */
#ifndef FTPD_JOBPOOL_H
#define FTPD_JOBPOOL_H

#include "compat.h"

struct jobpool;
struct job;
struct worker;

/*
 * Starts a pool of n threads whose queue holds at most queue_max jobs
 * waiting (0: no bound). nice is added to the threads' priority, so that
 * on a loaded machine the event loops win the CPU. Returns NULL on
 * failure (errno set).
 */
struct jobpool *jobpool_new(unsigned n, unsigned queue_max, int nice) WARN_UNUSED;

/*
 * Queues a job for worker w. Returns it, or NULL with errno EAGAIN when
 * the queue is full, ENOMEM otherwise; then nothing will be called and
 * arg stays the caller's.
 */
struct job *jobpool_submit(struct jobpool *p, struct worker *w,
    void (*run)(void *arg), void (*finish)(void *arg, int cancelled),
    void *arg) WARN_UNUSED;

/* The requester goes away: finish will get cancelled = 1. Worker thread. */
void jobpool_cancel(struct job *job);

/* Jobs waiting for a thread now (metrics). */
unsigned jobpool_waiting(const struct jobpool *p);

/*
 * Stops the threads after the jobs they are running; queued jobs are
 * dropped without a finish (the process is ending). Frees the pool.
 */
void jobpool_stop(struct jobpool *p);

#endif
