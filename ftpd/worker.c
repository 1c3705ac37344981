/*
 * worker.c: event-loop threads and the hand-off of new connections; see
 * worker.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "proxyconn.h"
#include "reply.h"
#include "session.h"
#include "worker.h"

/* A connection on its way from the acceptor to a worker. */
struct pending_conn {
	struct worker *w;
	int fd;
	struct sockaddr_storage addr;
	socklen_t len;
	int implicit_tls;
};

struct posted_call {
	void (*fn)(void *);
	void *arg;
	struct posted_call *next;
};

struct worker {
	pthread_t thread;
	struct event_base *base;
	const struct config *cfg;
	/*
	 * The one way in from other threads: new connections, finished
	 * password checks and the stop request are all posted calls.
	 */
	struct event *mailbox_ev;
	pthread_mutex_t lock;		/* guards calls */
	struct posted_call *calls, *calls_tail;	/* in order of posting */
	struct session *sessions;	/* this thread only */
	int splice_pipe[2];		/* see worker_splice_pipe */
	unsigned nsessions;
	int stopping;
};

static struct worker *workers;
static unsigned nworkers;
static unsigned next_worker;

unsigned
workers_count(void)
{
	return nworkers;
}

struct worker *
workers_get(unsigned i)
{
	return i < nworkers ? &workers[i] : NULL;
}

struct session *
worker_sessions(struct worker *w)
{
	return w->sessions;
}

struct event_base *
worker_base(struct worker *w)
{
	return w->base;
}

int
worker_stopping(const struct worker *w)
{
	return w->stopping;
}

const struct config *
worker_settings(const struct worker *w)
{
	return config_current() != NULL ? config_current() : w->cfg;
}

void
worker_add_session(struct worker *w, struct session *s)
{
	/* A reload publishes new settings; this session keeps these. */
	if (s->cfg == NULL)
		s->base = s->cfg = worker_settings(w);
	s->next = w->sessions;
	s->prev = NULL;
	if (w->sessions != NULL)
		w->sessions->prev = s;
	w->sessions = s;
	w->nsessions++;
}

void
worker_remove_session(struct worker *w, struct session *s)
{
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		w->sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	w->nsessions--;
	if (w->stopping && w->nsessions == 0)
		event_base_loopbreak(w->base);
}

/* Runs and frees a list of posted calls, in order. */
static void
run_calls(struct posted_call *calls)
{
	struct posted_call *c;

	while ((c = calls) != NULL) {
		calls = c->next;
		c->fn(c->arg);
		free(c);
	}
}

static void
mailbox_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct posted_call *calls;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&w->lock);
	calls = w->calls;
	w->calls = w->calls_tail = NULL;
	pthread_mutex_unlock(&w->lock);
	run_calls(calls);
}

/* A handed-off connection arrives on its worker. */
static void
start_conn(void *arg)
{
	struct pending_conn *p = arg;

	if (p->w->stopping)
		close(p->fd);
	else
		proxyconn_start(p->w, p->fd, (struct sockaddr *)&p->addr,
		    p->len, p->implicit_tls);
	free(p);
}

static void
stop_work(void *arg)
{
	struct worker *w = arg;
	struct session *s, *next;
	struct timeval tv = { (time_t)(config_current() != NULL ?
	    config_current() : w->cfg)->shutdown_timeout, 0 };

	w->stopping = 1;
	/* Sessions with a transfer finish it; session_resume closes them. */
	for (s = w->sessions; s != NULL; s = next) {
		next = s->next;
		if (s->xfer == NULL)
			session_close_after(s, R_421_SERVICE_UNAVAILABLE,
			    "Server shutting down.");
	}
	if (w->nsessions == 0)
		event_base_loopbreak(w->base);
	else
		event_base_loopexit(w->base, &tv);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_loop(w->base, EVLOOP_NO_EXIT_ON_EMPTY);
	/* Past the shutdown timeout: whatever is left is cut off. */
	while (w->sessions != NULL)
		session_free(w->sessions);
	proxyconn_drop(w);
	return NULL;
}

int
workers_start(const struct config *cfg, unsigned n)
{
	unsigned i;

	if (evthread_use_pthreads() < 0) {
		log_msg("cannot enable libevent threading");
		return -1;
	}
	if ((workers = calloc(n, sizeof(*workers))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		struct worker *w = &workers[i];

		w->cfg = cfg;
		w->splice_pipe[0] = w->splice_pipe[1] = -1;
		pthread_mutex_init(&w->lock, NULL);
		w->base = event_base_new();
		if (w->base == NULL)
			return -1;
		w->mailbox_ev = event_new(w->base, -1, EV_PERSIST, mailbox_cb, w);
		if (w->mailbox_ev == NULL || event_add(w->mailbox_ev, NULL) < 0)
			return -1;
		if ((errno = pthread_create(&w->thread, NULL, worker_main, w)) != 0) {
			log_msg("cannot start worker thread: %s", strerror(errno));
			return -1;
		}
		nworkers++;
	}
	return 0;
}

void
workers_hand_off(int fd, const struct sockaddr *sa, socklen_t salen,
    int implicit_tls)
{
	struct pending_conn *p;
	struct worker *w;

	if (nworkers == 0 || (p = calloc(1, sizeof(*p))) == NULL) {
		close(fd);
		return;
	}
	w = &workers[next_worker++ % nworkers];
	p->w = w;
	p->fd = fd;
	p->implicit_tls = implicit_tls;
	p->len = salen < sizeof(p->addr) ? salen : sizeof(p->addr);
	memcpy(&p->addr, sa, p->len);
	if (worker_post(w, start_conn, p) < 0) {
		close(fd);
		free(p);
	}
}

int
worker_splice_pipe(struct worker *w, int fds[2])
{
	if (w->splice_pipe[0] < 0) {
		if (pipe2(w->splice_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
			return -1;
		/* A bigger pipe means fewer round trips per megabyte. */
		(void)fcntl(w->splice_pipe[1], F_SETPIPE_SZ, 1024 * 1024);
	}
	fds[0] = w->splice_pipe[0];
	fds[1] = w->splice_pipe[1];
	return 0;
}

void
worker_splice_pipe_reset(struct worker *w)
{
	if (w->splice_pipe[0] >= 0) {
		close(w->splice_pipe[0]);
		close(w->splice_pipe[1]);
		w->splice_pipe[0] = w->splice_pipe[1] = -1;
	}
}

int
worker_post(struct worker *w, void (*fn)(void *), void *arg)
{
	struct posted_call *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return -1;
	c->fn = fn;
	c->arg = arg;
	pthread_mutex_lock(&w->lock);
	if (w->calls_tail != NULL)
		w->calls_tail->next = c;
	else
		w->calls = c;
	w->calls_tail = c;
	pthread_mutex_unlock(&w->lock);
	event_active(w->mailbox_ev, EV_READ, 0);
	return 0;
}

void
workers_stop(void)
{
	unsigned i;

	for (i = 0; i < nworkers; i++)
		if (worker_post(&workers[i], stop_work, &workers[i]) < 0)
			event_base_loopbreak(workers[i].base);
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		pthread_join(w->thread, NULL);
		/*
		 * Calls posted too late still run, here: connections get
		 * closed (stopping is set), results for the sessions that are
		 * gone only free their jobs (they were cancelled).
		 */
		w->stopping = 1;
		run_calls(w->calls);
		w->calls = w->calls_tail = NULL;
		worker_splice_pipe_reset(w);
		event_free(w->mailbox_ev);
		event_base_free(w->base);
		pthread_mutex_destroy(&w->lock);
	}
	free(workers);
	workers = NULL;
	nworkers = 0;
}
