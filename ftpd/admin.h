/*
 * admin: the server side of `ftpd who`, on a Unix socket (admin_socket).
 *
 * The socket is made while ftpd is still root (mode 0600, owned by
 * root) and served on the main thread's event base; it is never on the
 * network. A request is one short line: "who json" or "who text", or
 * "reload" (answered "ok: ..." or "error: ...", see admin_set_reload). The
 * answer, the live sessions, is gathered from every worker by a call
 * posted to it (worker_post) that copies its sessions' fields into a
 * shared result under a mutex; the last worker to finish wakes the main
 * thread, which sorts the sessions by id, writes the answer and closes.
 *
 * The main event base must be made after evthread_use_pthreads(): the
 * workers wake it from their threads.
 */
#ifndef FTPD_ADMIN_H
#define FTPD_ADMIN_H

#include <stddef.h>

#include "compat.h"

struct event_base;

/*
 * Creates the socket at path (replacing a stale socket, making a missing
 * folder with mode 0755) and serves it on base. As root, also starts the
 * helper that removes it when the server exits (exitunlink.h): call before
 * the privilege drop and before any thread starts. Returns 0, or -1 with a
 * message in err.
 */
int admin_listen(struct event_base *base, const char *path, char *err,
    size_t errsz) WARN_UNUSED;

/*
 * What "reload" runs (on the main thread): fn returns 0 or -1 with a
 * one-line summary in msg. Without it, "reload" is answered with an error.
 */
void admin_set_reload(int (*fn)(char *msg, size_t msgsz));

/*
 * Closes the socket, frees open requests and removes the socket file when
 * this user may (else the helper does at exit); after workers_stop.
 */
void admin_stop(void);

#endif
