/*
 * transport: one byte stream (control or data connection) behind a small
 * table of operations, plain TCP here and TLS in tlsconn.h, so that the
 * protocol code does not know which one it talks through.
 *
 * Every read and write waits at most timeout_ms for the socket; a peer
 * that stalls longer makes the call fail with ETIMEDOUT.
 */
#ifndef FTPC_TRANSPORT_H
#define FTPC_TRANSPORT_H

#include <signal.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "compat.h"

struct transport;

struct transport_ops {
	const char *name;
	/* Like read(2): bytes read, 0 at end of stream, -1 with errno. */
	ssize_t (*read)(struct transport *t, void *p, size_t n);
	/* Like write(2), but may write fewer bytes; -1 with errno. */
	ssize_t (*write)(struct transport *t, const void *p, size_t n);
	/* Ends the stream politely (TLS close_notify, or shutdown). */
	void (*shutdown)(struct transport *t);
	/* Releases the per-transport state (the fd is closed by the caller). */
	void (*release)(struct transport *t);
	/*
	 * Before an abortive close: marks the stream finished without telling
	 * the peer (TLS: a quiet shutdown, so that the session stays good for
	 * resumption, yet no close_notify is sent). NULL when nothing to do.
	 */
	void (*abandon)(struct transport *t);
};

struct transport {
	int fd;				/* -1 when closed */
	int timeout_ms;			/* per read/write wait */
	const struct transport_ops *ops;
	void *impl;			/* TLS session, when there is one */
};

/*
 * Set by a SIGINT handler: a wait that the signal interrupts then fails
 * with EINTR instead of resuming, so a transfer can be abandoned.
 */
extern volatile sig_atomic_t transport_interrupt;

/* Plain TCP. */
extern const struct transport_ops transport_plain;

/* An unconnected transport (fd -1, plain). */
void transport_init(struct transport *t, int timeout_ms);

/* Takes ownership of a connected socket fd. */
void transport_attach(struct transport *t, int fd);

/*
 * Resolves host (name or numeric, IPv4 or IPv6) and connects to the first
 * address that answers, within the transport's timeout per address.
 * On failure returns -1 and writes a reason into err.
 */
int transport_connect(struct transport *t, const char *host, unsigned port,
    char *err, size_t errsz) WARN_UNUSED;

/* Connects to one numeric address. */
int transport_connect_addr(struct transport *t,
    const struct sockaddr_storage *ss) WARN_UNUSED;

/* Reads up to n bytes (see transport_ops.read). */
ssize_t transport_read(struct transport *t, void *p, size_t n) WARN_UNUSED;

/* Writes all n bytes or fails with -1. */
int transport_write_all(struct transport *t, const void *p, size_t n) WARN_UNUSED;

/*
 * Ends the stream gracefully: the ops' shutdown (close_notify for TLS,
 * then a half-close), then reads and discards whatever the peer still
 * sends until it closes its end, each wait bounded by the timeout.
 * After an upload this makes sure our last bytes arrive: closing a
 * socket with unread input (a TLS 1.3 session ticket, say) resets the
 * connection, and the reset may destroy data still in flight.
 * Returns 0 once the peer has closed, -1 (errno set) on error or timeout.
 * The caller still calls transport_close.
 */
int transport_finish(struct transport *t) WARN_UNUSED;

/* Shuts the stream down, closes the fd; safe to call twice. */
void transport_close(struct transport *t);

/*
 * Closes with a reset (SO_LINGER 0) and, on TLS, without close_notify,
 * so that the peer sees an abort and never an end of file: in stream
 * mode a clean close of an upload's data connection means "complete".
 * Safe on a closed transport.
 */
void transport_abort(struct transport *t);

/*
 * Sends TELNET IP and Synch as BSD ftp does before ABOR: IAC IP and IAC
 * in band, then DM as TCP urgent data (MSG_OOB), so that a server that
 * notices ABOR only through SIGURG (vsftpd) sees it. Plain TCP only:
 * urgent data cannot pass through TLS, so on a TLS transport nothing is
 * sent and 1 is returned (ABOR then goes in band alone). 0 when sent,
 * -1 (errno set) on failure.
 */
int transport_send_synch(struct transport *t) WARN_UNUSED;

/*
 * Waits until fd is readable (events POLLIN) or writable (POLLOUT) for
 * at most timeout_ms. Returns 1 when ready, 0 on timeout, -1 on error.
 */
int transport_wait(int fd, short events, int timeout_ms);

#endif
