/*
 * dataconn: a session's data connection, from PORT/PASV to the end of
 * the transfer that uses it.
 *
 * One object per session owns everything the data connection needs: the
 * descriptor (passive listener, connecting socket, then the connection),
 * its SSL*, one event and one timer. Its state changes only through one
 * function in dataconn.c, which can trace every change (-DDC_TRACE):
 *
 *   IDLE --dc_passive--> LISTENING --accept--> ACCEPTED
 *   LISTENING --accept from a balancer--> PROXY_HEADER --client's--> ACCEPTED
 *   PROXY_HEADER --bad header or another client's--> LISTENING
 *   IDLE --dc_active--> PORT_SET --dc_open--> CONNECTING --> ACCEPTED
 *   ACCEPTED --(PROT P)--> HANDSHAKING --> READY
 *   ACCEPTED --(PROT C)----------------> READY
 *   any --dc_close, timeout, failure--> IDLE
 *
 * With PROT P a passive listener accepts as soon as the client connects
 * and the TLS handshake starts before the transfer command (curl finishes
 * it first, ftplib and lftp after the 150); plain listeners accept only
 * when the transfer command comes (the connection waits in the backlog).
 * A listener accepts only the control peer's address (no PASV port theft)
 * and lives for data_timeout.
 *
 * dc_open asks for the connection for one transfer and calls done exactly
 * once, always from the event loop, never from inside dc_open: once the
 * connection is READY and, with TLS, its session reuse is checked, or
 * when it failed. Each PORT/PASV serves one transfer: dc_open uses it up.
 * Once READY, bytes move through dc_send/dc_recv (plain or TLS behind one
 * small operations table), or straight on dc_fd with sendfile/splice when
 * dc_raw says there is no TLS in between.
 *
 * Return convention: int functions return 0, or -1 with errno set.
 * dc_send/dc_recv return the bytes moved, 0 at the end of the data
 * (recv), or -1 with errno (EAGAIN: wait for the direction dc_want gives).
 */
#ifndef FTPD_DATACONN_H
#define FTPD_DATACONN_H

#include <sys/socket.h>
#include <sys/types.h>

#include "compat.h"

struct session;
struct dataconn;

enum dc_status {
	DC_OK,			/* READY: move the bytes */
	DC_ERR_CONNECT,		/* could not connect or accept (why says) */
	DC_ERR_TIMEOUT,		/* nothing came within data_timeout */
	DC_ERR_TLS,		/* the TLS handshake failed */
	DC_ERR_REUSE,		/* TLS did not resume the control session */
};

/* Called once per dc_open, from the event loop. why is for replies. */
typedef void (*dc_done_fn)(void *arg, enum dc_status status, const char *why);

/* Called when the READY connection can move bytes (EV_TIMEOUT: stalled). */
typedef void (*dc_io_fn)(void *arg, short what);

/* A new IDLE data connection for s. NULL when out of memory. */
struct dataconn *dc_new(struct session *s) WARN_UNUSED;

/* Closes whatever dc holds and frees it. NULL is fine. */
void dc_free(struct dataconn *dc);

/*
 * PASV/EPSV: closes anything open, then listens on a port of the range,
 * on the control connection's local address, and stores that address in
 * bound. family is 0 or the AF_ the client asked for; another family
 * than the control connection's fails with EAFNOSUPPORT.
 */
int dc_passive(struct dataconn *dc, int family,
    struct sockaddr_storage *bound) WARN_UNUSED;

/* PORT/EPRT: closes anything open and stores the (checked) address. */
void dc_active(struct dataconn *dc, const struct sockaddr_storage *to);

/* Whether a PORT/PASV waits to be used by a transfer. */
int dc_armed(const struct dataconn *dc);

/*
 * Gets the connection for one transfer (dc must be armed), with TLS when
 * tls is set, and calls done(arg, ...) once, later. dc_close before that
 * cancels the call.
 */
void dc_open(struct dataconn *dc, int tls, dc_done_fn done, void *arg);

/*
 * Whether dc_open's answer is already queued (the connection was there):
 * done runs in this turn of the event loop, before any wait.
 */
int dc_answering(const struct dataconn *dc);

/* Whether a transfer waits for its connection (for STAT). */
int dc_waiting(const struct dataconn *dc);

/* I/O on a READY connection; see the return convention above. */
ssize_t dc_send(struct dataconn *dc, const void *p, size_t n);
ssize_t dc_recv(struct dataconn *dc, void *p, size_t n);

/* Whether bytes may go straight to the socket (no TLS): sendfile, splice. */
int dc_raw(const struct dataconn *dc);

/*
 * Whether the kernel encrypts this TLS connection's output (kTLS, when
 * the kernel offers the "tls" ULP and the cipher suits it); then
 * dc_sendfile moves file bytes without a copy through user space.
 */
int dc_ktls_send(const struct dataconn *dc);

/* SSL_sendfile of n bytes of fd at off (dc_ktls_send). As dc_send. */
ssize_t dc_sendfile(struct dataconn *dc, int fd, off_t off, size_t n);

/* Whether TLS holds received bytes that dc_recv returns without a read. */
int dc_pending(const struct dataconn *dc);

/* The connected socket (READY). */
int dc_fd(const struct dataconn *dc);

/* The direction TLS asked for in the last dc_send/dc_recv, or 0 (the natural one). */
short dc_want(const struct dataconn *dc);

/*
 * Waits (EV_PERSIST) for what on the READY connection and calls io; a
 * stall of data_timeout calls io with EV_TIMEOUT.
 */
int dc_wait(struct dataconn *dc, short what, dc_io_fn io, void *arg) WARN_UNUSED;

/* Calls io from the event loop's queue at once, without asking epoll. */
int dc_kick(struct dataconn *dc, short what, dc_io_fn io, void *arg) WARN_UNUSED;

/*
 * Stops waiting on the READY connection for tv (a rate limit ran out of
 * tokens), then calls io(arg, what) from the timer. dc_wait or dc_kick
 * after it wait on the connection again; dc_close cancels the pause.
 */
struct timeval;
int dc_pause(struct dataconn *dc, const struct timeval *tv, short what,
    dc_io_fn io, void *arg) WARN_UNUSED;

/* Sends TLS close_notify, without waiting for the peer's. */
void dc_shutdown(struct dataconn *dc);

/* Closes everything and goes back to IDLE (also uses up a PORT/PASV). */
void dc_close(struct dataconn *dc);

#endif
