/*
 * hashpool.c: HASH jobs on their own jobpool; see hashpool.h.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "filehash.h"
#include "hashpool.h"
#include "jobpool.h"

/* Hash threads yield to the event loops on a busy machine. */
#define HASH_NICE 5

struct hash_task {
	struct job *job;
	int fd;
	enum digest_algo algo;
	off_t start, end;
	atomic_int cancel;	/* set by the worker, read by the hash thread */
	void (*done)(void *, const struct hash_result *);
	void *arg;
	struct hash_result result;
};

static struct jobpool *pool;
/* Set while stopping: every running hash ends at its next chunk. */
static atomic_int stopping;

/* Whether a running hash should stop: its session left, or we stop. */
static int
task_cancelled(void *arg)
{
	struct hash_task *t = arg;

	return atomic_load(&t->cancel) || atomic_load(&stopping);
}

/* The hash thread's part. */
static void
task_run(void *arg)
{
	struct hash_task *t = arg;

	t->result.err = 0;
	if (atomic_load(&stopping))
		t->result.err = ECANCELED;
	else if (filehash_range(t->fd, t->algo, t->start, t->end,
	    task_cancelled, t, t->result.hex) < 0)
		t->result.err = errno;
	if (t->result.err == ECANCELED && atomic_load(&stopping))
		t->result.err = ESHUTDOWN;
}

/* Back on the worker's thread. */
static void
task_finish(void *arg, int cancelled)
{
	struct hash_task *t = arg;

	close(t->fd);
	if (!cancelled && !atomic_load(&t->cancel))
		t->done(t->arg, &t->result);
	free(t);
}

int
hashpool_start(unsigned n)
{
	if (n == 0)
		n = 1;
	atomic_store(&stopping, 0);
	pool = jobpool_new(n, n * HASHPOOL_QUEUE_PER_THREAD, HASH_NICE);
	return pool != NULL ? 0 : -1;
}

void
hashpool_stop(void)
{
	unsigned i;

	if (pool == NULL)
		return;
	atomic_store(&stopping, 1);
	/*
	 * Queued tasks now end at once; let the threads take them, so that
	 * each one's finish reaches its worker (which frees it) rather than
	 * being dropped by jobpool_stop. Bounded: a stuck read wins.
	 */
	for (i = 0; i < 200 && jobpool_waiting(pool) > 0; i++)
		usleep(10 * 1000);
	jobpool_stop(pool);
	pool = NULL;
}

struct hash_task *
hashpool_submit(struct worker *w, int fd, enum digest_algo algo, off_t start,
    off_t end, void (*done)(void *, const struct hash_result *), void *arg)
{
	struct hash_task *t;

	if (pool == NULL || atomic_load(&stopping)) {
		errno = EAGAIN;
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	t->fd = fd;
	t->algo = algo;
	t->start = start;
	t->end = end;
	t->done = done;
	t->arg = arg;
	atomic_init(&t->cancel, 0);
	/*
	 * The worker sets cancel and the hash thread reads it; the task is
	 * freed only by task_finish on the worker's thread, after the run.
	 */
	if ((t->job = jobpool_submit(pool, w, task_run, task_finish, t)) == NULL) {
		int e = errno;

		free(t);
		errno = e;
		return NULL;
	}
	return t;
}

void
hashpool_cancel(struct hash_task *t)
{
	atomic_store(&t->cancel, 1);
	jobpool_cancel(t->job);
}
