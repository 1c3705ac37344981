/*
 * authpool.c: hashing threads; see authpool.h.
 */
#include <event2/event.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "authpool.h"
#include "log.h"
#include "metrics.h"
#include "userdb.h"
#include "users.h"
#include "worker.h"

#define HASHER_NICE 10

struct auth_job {
	struct auth_job *next;
	struct worker *w;
	struct userdb *db;	/* the host's users; lives until exit */
	char *user;
	char *password;
	void (*done)(void *, struct auth_result *);
	void *arg;
	struct auth_result result;
	int cancelled;		/* touched only on the worker's thread */
	struct event *delay_ev;	/* tarpit: not queued until it fires */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct auth_job *head, *tail;
static int stopping;
static pthread_t *threads;
static unsigned nthreads;

static void
job_free(struct auth_job *job)
{
	if (job->delay_ev != NULL)
		event_free(job->delay_ev);
	if (job->password != NULL) {
		users_wipe(job->password, strlen(job->password));
		free(job->password);
	}
	free(job->user);
	users_info_free(&job->result.info);
	free(job);
}

/* Runs on the worker's thread. */
static void
job_finished(void *arg)
{
	struct auth_job *job = arg;

	if (!job->cancelled)
		job->done(job->arg, &job->result);
	job_free(job);
}

static void *
hasher_main(void *unused)
{
	struct auth_job *job;

	(void)unused;
	/*
	 * Hashing is slow on purpose; the event loops are not. On a loaded
	 * machine the loops should win the CPU, so that commands of logged-in
	 * sessions are not delayed behind someone's password check. Raising
	 * one's own nice value needs no privilege.
	 */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), HASHER_NICE);
	for (;;) {
		pthread_mutex_lock(&lock);
		while (head == NULL && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (stopping) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		job = head;
		metrics_auth_queue_delta(-1);
		head = job->next;
		if (head == NULL)
			tail = NULL;
		pthread_mutex_unlock(&lock);
		authpool_check_in(job->db, job->user, job->password,
		    &job->result);
		users_wipe(job->password, strlen(job->password));
		/* Out of memory: the session stays suspended until it ends. */
		if (worker_post(job->w, job_finished, job) < 0)
			log_msg("password check result lost: out of memory");
	}
}

/* Matched by no crypt(3) hash: a user who does not exist. */
#define NO_SUCH_USER_HASH "*"

void
authpool_check_in(struct userdb *db, const char *user, const char *password,
    struct auth_result *r)
{
	enum userdb_status st;
	const char *hash = NO_SUCH_USER_HASH;

	r->why[0] = '\0';
	st = userdb_find(db, user, &r->info, r->why, sizeof(r->why));
	if (st == USERDB_UNAVAILABLE) {
		r->outcome = AUTH_UNAVAILABLE;
		return;
	}
	if (st == USERDB_FOUND)
		hash = r->info.hash;
	if (userdb_password_ok(db, hash, password))
		r->outcome = AUTH_OK;
	else if (st == USERDB_NO_SUCH_USER)
		r->outcome = AUTH_NO_SUCH_USER;
	else if (st == USERDB_REFUSED)
		r->outcome = AUTH_REFUSED;
	else if (hash[0] != '$')
		r->outcome = AUTH_LOCKED;
	else
		r->outcome = AUTH_WRONG_PASSWORD;
	if (r->outcome != AUTH_OK)
		users_info_free(&r->info);
}

int
authpool_start(unsigned n)
{
	unsigned i;

	if ((threads = calloc(n, sizeof(*threads))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (pthread_create(&threads[i], NULL, hasher_main, NULL) != 0)
			return -1;
		nthreads++;
	}
	return 0;
}

static void
enqueue(struct auth_job *job)
{
	pthread_mutex_lock(&lock);
	if (tail != NULL)
		tail->next = job;
	else
		head = job;
	tail = job;
	metrics_auth_queue_delta(1);
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* The tarpit delay is over (on the worker's thread). */
static void
delay_over(evutil_socket_t fd, short what, void *arg)
{
	struct auth_job *job = arg;

	(void)fd;
	(void)what;
	event_free(job->delay_ev);
	job->delay_ev = NULL;
	enqueue(job);
}

struct auth_job *
authpool_submit(struct worker *w, struct userdb *db, const char *user,
    const char *password, unsigned delay_ms,
    void (*done)(void *, struct auth_result *), void *arg)
{
	struct timeval tv = { (time_t)(delay_ms / 1000),
	    (suseconds_t)(delay_ms % 1000) * 1000 };
	struct auth_job *job = calloc(1, sizeof(*job));

	if (job == NULL)
		return NULL;
	job->w = w;
	job->db = db;
	job->done = done;
	job->arg = arg;
	job->user = strdup(user);
	job->password = strdup(password);
	if (job->user == NULL || job->password == NULL) {
		job_free(job);
		return NULL;
	}
	if (delay_ms == 0) {
		enqueue(job);
		return job;
	}
	job->delay_ev = evtimer_new(worker_base(w), delay_over, job);
	if (job->delay_ev == NULL || evtimer_add(job->delay_ev, &tv) < 0) {
		job_free(job);
		return NULL;
	}
	return job;
}

int
authpool_cancel(struct auth_job *job)
{
	struct auth_job **pp, *prev = NULL;

	/* Still waiting out its delay: no thread knows it yet. */
	if (job->delay_ev != NULL) {
		job_free(job);
		return 1;
	}
	/* Still queued: no thread took it, none will. */
	pthread_mutex_lock(&lock);
	for (pp = &head; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
		if (*pp != job)
			continue;
		*pp = job->next;
		if (tail == job)
			tail = prev;
		metrics_auth_queue_delta(-1);
		pthread_mutex_unlock(&lock);
		job_free(job);
		return 1;
	}
	pthread_mutex_unlock(&lock);
	job->cancelled = 1;
	return 0;
}

void
authpool_stop(void)
{
	unsigned i;

	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	threads = NULL;
	nthreads = 0;
	/*
	 * Queued jobs are left alone: their sessions may still point at
	 * them, and the process is about to end.
	 */
}
