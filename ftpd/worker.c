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
#include "reply.h"
#include "session.h"
#include "worker.h"

int server_root_fd = -1;

struct pending_conn {
	int fd;
	struct sockaddr_storage addr;
	socklen_t len;
	int implicit_tls;
	struct pending_conn *next;
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
	struct event *inbox_ev;		/* activated by the acceptor */
	struct event *stop_ev;		/* activated by workers_stop */
	pthread_mutex_t lock;		/* guards inbox */
	struct pending_conn *inbox;
	struct posted_call *calls, *calls_tail;	/* in order of posting */
	struct session *sessions;	/* this thread only */
	int splice_pipe[2];		/* see worker_splice_pipe */
	unsigned nsessions;
	int stopping;
};

static struct worker *workers;
static unsigned nworkers;
static unsigned next_worker;
static unsigned long session_total;	/* guarded by count_lock */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;

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

void
worker_add_session(struct worker *w, struct session *s)
{
	s->cfg = w->cfg;
	s->next = w->sessions;
	s->prev = NULL;
	if (w->sessions != NULL)
		w->sessions->prev = s;
	w->sessions = s;
	w->nsessions++;
	pthread_mutex_lock(&count_lock);
	session_total++;
	pthread_mutex_unlock(&count_lock);
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
	pthread_mutex_lock(&count_lock);
	session_total--;
	pthread_mutex_unlock(&count_lock);
	if (w->stopping && w->nsessions == 0)
		event_base_loopbreak(w->base);
}

unsigned
workers_session_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&count_lock);
	n = session_total;
	pthread_mutex_unlock(&count_lock);
	return (unsigned)n;
}

static void
inbox_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct pending_conn *list, *p;
	struct posted_call *calls, *c;

	(void)fd;
	(void)what;

	pthread_mutex_lock(&w->lock);
	list = w->inbox;
	w->inbox = NULL;
	calls = w->calls;
	w->calls = w->calls_tail = NULL;
	pthread_mutex_unlock(&w->lock);
	while ((c = calls) != NULL) {
		calls = c->next;
		c->fn(c->arg);
		free(c);
	}
	while ((p = list) != NULL) {
		list = p->next;
		if (w->stopping)
			close(p->fd);
		else
			session_start(w, p->fd, (struct sockaddr *)&p->addr,
			    p->len, p->implicit_tls);
		free(p);
	}
}

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct session *s, *next;
	struct timeval tv = { (time_t)w->cfg->shutdown_timeout, 0 };

	(void)fd;
	(void)what;
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
		w->inbox_ev = event_new(w->base, -1, EV_PERSIST, inbox_cb, w);
		w->stop_ev = event_new(w->base, -1, 0, stop_cb, w);
		if (w->inbox_ev == NULL || w->stop_ev == NULL ||
		    event_add(w->inbox_ev, NULL) < 0)
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
	p->fd = fd;
	p->implicit_tls = implicit_tls;
	p->len = salen < sizeof(p->addr) ? salen : sizeof(p->addr);
	memcpy(&p->addr, sa, p->len);
	pthread_mutex_lock(&w->lock);
	p->next = w->inbox;
	w->inbox = p;
	pthread_mutex_unlock(&w->lock);
	event_active(w->inbox_ev, EV_READ, 0);
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

void
worker_post(struct worker *w, void (*fn)(void *), void *arg)
{
	struct posted_call *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return;
	c->fn = fn;
	c->arg = arg;
	pthread_mutex_lock(&w->lock);
	if (w->calls_tail != NULL)
		w->calls_tail->next = c;
	else
		w->calls = c;
	w->calls_tail = c;
	pthread_mutex_unlock(&w->lock);
	event_active(w->inbox_ev, EV_READ, 0);
}

void
workers_stop(void)
{
	unsigned i;

	for (i = 0; i < nworkers; i++)
		event_active(workers[i].stop_ev, EV_READ, 0);
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		struct pending_conn *p;

		pthread_join(w->thread, NULL);
		while ((p = w->inbox) != NULL) {
			w->inbox = p->next;
			close(p->fd);
			free(p);
		}
		while (w->calls != NULL) {
			struct posted_call *c = w->calls;

			w->calls = c->next;
			free(c);	/* its target is gone with the worker */
		}
		worker_splice_pipe_reset(w);
		event_free(w->inbox_ev);
		event_free(w->stop_ev);
		event_base_free(w->base);
		pthread_mutex_destroy(&w->lock);
	}
	free(workers);
	workers = NULL;
	nworkers = 0;
}
