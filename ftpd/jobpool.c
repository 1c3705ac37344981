/*
 * jobpool.c: threads for blocking work; see jobpool.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "jobpool.h"
#include "log.h"
#include "worker.h"

struct job {
	struct job *next;
	struct worker *w;
	void (*run)(void *);
	void (*finish)(void *, int);
	void *arg;
	int cancelled;		/* touched only on the worker's thread */
};

struct jobpool {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job *head, *tail;
	_Atomic unsigned waiting;
	unsigned queue_max;
	int nice;
	int stopping;
	pthread_t *threads;
	unsigned nthreads;
};

/* Runs on the worker's thread. */
static void
job_finished(void *arg)
{
	struct job *job = arg;

	job->finish(job->arg, job->cancelled);
	free(job);
}

static struct job *
next_job(struct jobpool *p)
{
	struct job *job;

	pthread_mutex_lock(&p->lock);
	while (p->head == NULL && !p->stopping)
		pthread_cond_wait(&p->wake, &p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	job = p->head;
	p->head = job->next;
	if (p->head == NULL)
		p->tail = NULL;
	p->waiting--;
	pthread_mutex_unlock(&p->lock);
	return job;
}

static void *
pool_main(void *arg)
{
	struct jobpool *p = arg;
	struct job *job;

	/* Raising one's own nice value needs no privilege. */
	if (p->nice != 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), p->nice);
	while ((job = next_job(p)) != NULL) {
		job->run(job->arg);
		/* Out of memory: the requester waits until its session ends. */
		if (worker_post(job->w, job_finished, job) < 0)
			log_msg("a background job's result is lost: out of memory");
	}
	return NULL;
}

struct jobpool *
jobpool_new(unsigned n, unsigned queue_max, int nice)
{
	struct jobpool *p = calloc(1, sizeof(*p));
	unsigned i;

	if (p == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	p->queue_max = queue_max;
	p->nice = nice;
	if ((p->threads = calloc(n, sizeof(*p->threads))) == NULL) {
		jobpool_stop(p);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		int rc = pthread_create(&p->threads[i], NULL, pool_main, p);

		if (rc != 0) {
			jobpool_stop(p);
			errno = rc;
			return NULL;
		}
		p->nthreads++;
	}
	return p;
}

struct job *
jobpool_submit(struct jobpool *p, struct worker *w, void (*run)(void *),
    void (*finish)(void *, int), void *arg)
{
	struct job *job;

	if ((job = calloc(1, sizeof(*job))) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	job->w = w;
	job->run = run;
	job->finish = finish;
	job->arg = arg;
	pthread_mutex_lock(&p->lock);
	if (p->queue_max != 0 && p->waiting >= p->queue_max) {
		pthread_mutex_unlock(&p->lock);
		free(job);
		errno = EAGAIN;
		return NULL;
	}
	if (p->tail != NULL)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	p->waiting++;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	return job;
}

void
jobpool_cancel(struct job *job)
{
	job->cancelled = 1;
}

unsigned
jobpool_waiting(const struct jobpool *p)
{
	return atomic_load_explicit(&p->waiting, memory_order_relaxed);
}

void
jobpool_stop(struct jobpool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	/*
	 * Queued jobs are left alone: their sessions may still point at
	 * them, and the process is about to end.
	 */
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}
