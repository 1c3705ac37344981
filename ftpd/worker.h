/*
 * worker: event-loop threads. Each worker owns an event_base and the
 * sessions on it; the acceptor hands each new connection to one worker,
 * and from then on only that worker's thread touches the session.
 */
#ifndef FTPD_WORKER_H
#define FTPD_WORKER_H

#include <sys/socket.h>

#include "compat.h"

struct config;
struct session;
struct event_base;

struct worker;

/* Starts n worker threads. Returns 0 or -1 (message already logged). */
int workers_start(const struct config *cfg, unsigned n) WARN_UNUSED;

/*
 * Hands an accepted connection to the next worker (round robin). Called
 * from the acceptor thread; closes fd if no worker can take it.
 */
void workers_hand_off(int fd, const struct sockaddr *sa, socklen_t salen,
    int implicit_tls);

/*
 * Asks every worker to stop: idle sessions get 421 and close, running
 * transfers may finish within the shutdown timeout. Waits for all threads.
 */
void workers_stop(void);

/*
 * Runs fn(arg) on w's thread soon (or, once the worker has stopped, when
 * workers_stop cleans up). Callable from any thread. Returns 0, or -1
 * (ENOMEM: fn will not run).
 */
int worker_post(struct worker *w, void (*fn)(void *), void *arg) WARN_UNUSED;

/* The running workers, for calls posted to each (main thread). */
unsigned workers_count(void);
struct worker *workers_get(unsigned i);

/* Per-worker calls, made on the worker's own thread. */

/* The worker's first session (then s->next), for `ftpd who`. */
struct session *worker_sessions(struct worker *w);

/*
 * The worker's pipe for splice(2) uploads, made on first use. Every
 * upload callback empties it before returning, so one pipe serves all
 * the worker's uploads. Returns 0 with fds set, or -1.
 */
int worker_splice_pipe(struct worker *w, int fds[2]);

/* Discards the pipe (it may hold stray bytes after an error). */
void worker_splice_pipe_reset(struct worker *w);
struct event_base *worker_base(struct worker *w);
/*
 * The settings a session starting now takes: the ones published last
 * (config_publish), or the startup ones.
 */
const struct config *worker_settings(const struct worker *w);

void worker_add_session(struct worker *w, struct session *s);
void worker_remove_session(struct worker *w, struct session *s);
int worker_stopping(const struct worker *w);

#endif
