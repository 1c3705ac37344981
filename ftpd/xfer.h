/*
 * xfer: data connections and the transfers that run over them.
 *
 * A handler prepares a struct xfer (the open file or the listing) and
 * calls xfer_start, which replies 150, gets the data connection (the
 * passive one already accepted or awaited, or an active connect), and
 * runs the transfer from the worker's event loop: sendfile for binary
 * downloads, streamed reads for uploads, incremental listings. The end of
 * a transfer replies 226 (or 426/451/552) and resumes the session.
 */
#ifndef FTPD_XFER_H
#define FTPD_XFER_H

#include <sys/types.h>

#include <openssl/ssl.h>

#include "ascii.h"
#include "buf.h"
#include "compat.h"

struct session;
struct listing;
struct event;

enum xfer_kind {
	XFER_SEND_FILE,		/* RETR */
	XFER_RECV_FILE,		/* STOR, APPE, STOU */
	XFER_SEND_LIST,		/* LIST, NLST, MLSD */
};

struct xfer {
	enum xfer_kind kind;
	const char *verb;	/* "RETR"... for logs */
	char *vpath;		/* the virtual path, for logs and replies */
	int file_fd;
	off_t offset;		/* next file offset (RETR) / start (STOR) */
	off_t end;		/* file size when RETR started */
	int ascii;
	struct ascii_state as;
	struct listing *list;
	size_t list_truncated;	/* entries the listing cap left out */
	struct buf out;		/* wire bytes not yet sent */
	char *iobuf;
	/* Safe upload: write temp_name, then rename it to target_name. */
	int dir_fd;
	char *temp_name;
	char *target_name;
	int truncate_at_end;	/* REST+STOR: cut the file where we stop */
	int append;		/* APPE: the file is O_APPEND */
	/* Connection state. */
	int data_fd;
	struct event *ev;
	short ev_what;		/* the direction ev waits for */
	short want;		/* direction TLS asked for, or 0 */
	int waiting;		/* for the data connection */
	SSL *ssl;		/* PROT P: TLS over the data connection */
	int pipe_fd[2];		/* the worker's splice pipe, borrowed */
	size_t in_pipe;		/* bytes spliced into the pipe, not yet out */
	int handshaking;
	unsigned long long bytes;
	struct timespec started;
	struct session *s;
};

/* A zeroed transfer of the given kind with file_fd, dir_fd and data_fd -1. */
struct xfer *xfer_new(enum xfer_kind kind, const char *verb);

/* Frees a transfer that never started (closes what it holds). */
void xfer_discard(struct xfer *x);

/*
 * Starts x for s (s takes ownership): replies 425 and discards it when
 * there is no PORT/PASV, else replies 150 and runs it.
 */
void xfer_start(struct session *s, struct xfer *x);

/* ABOR: ends the transfer with 426 then 226; or 225 when there is none. */
void xfer_abort(struct session *s);

/* Ends the transfer silently (the session is going away). */
void xfer_cancel(struct session *s);

/* A one-line description of the transfer in progress, for STAT. */
void xfer_describe(const struct session *s, char *out, size_t outsz);

/* Data connection setup (datachan.c). */

/* PASV (extended = 0) or EPSV (1): listens and replies 227/229. */
void data_passive(struct session *s, int extended, int family);

/* Stores an active address after checks; replies 200 or an error. */
void data_active(struct session *s, const struct sockaddr_storage *ss);

/* Closes any passive listener or unused data connection. */
void data_reset(struct session *s);

/*
 * Gets the data connection for the transfer: returns a connected fd, or -1
 * when the transfer must wait (it then gets xfer_connected later), or -2
 * on failure (errno set).
 */
int data_connect(struct session *s);

/* Called by datachan when the awaited data connection is there (or not). */
void xfer_connected(struct session *s, int fd);
void xfer_connect_failed(struct session *s, const char *why);

#endif
