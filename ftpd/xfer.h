/*
 * xfer: the transfers that run over a session's data connection.
 *
 * A handler prepares a struct xfer (the open file or the listing) and
 * calls xfer_start, which replies 150 and asks the session's data
 * connection (dataconn.h) for a ready connection; xfer then only moves
 * bytes, from the worker's event loop: sendfile for plain binary
 * downloads, splice for plain binary uploads, buffered reads and writes
 * otherwise, incremental listings. The end of a transfer replies 226 (or
 * 425/426/451/522/552), closes the data connection (each PORT/PASV serves
 * one transfer) and marks the session runnable; it never runs commands
 * itself.
 */
#ifndef FTPD_XFER_H
#define FTPD_XFER_H

#include <sys/types.h>
#include <time.h>

#include "ascii.h"
#include "buf.h"
#include "compat.h"
#include "ratelimit.h"
#include "usage.h"

struct session;
struct listing;
struct user_usage;

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
	size_t io_off, io_len;	/* TLS RETR: iobuf[io_off, io_len) not yet sent */
	/* Safe upload: write temp_name, then rename it to target_name. */
	int dir_fd;
	char *temp_name;
	char *target_name;
	int truncate_at_end;	/* REST+STOR: cut the file where we stop */
	int append;		/* APPE: the file is O_APPEND */
	int pipe_fd[2];		/* the worker's splice pipe, borrowed */
	size_t in_pipe;		/* bytes spliced into the pipe, not yet out */
	unsigned long long bytes;
	/* Bandwidth: the buckets that apply (limited: any), and how long
	 * the empty one needs to refill. */
	struct rl_gate gate;
	int limited;
	uint64_t wait_ns;
	/* Quota (usage set: the user has one): what the upload replaces,
	 * what it charged so far, whether it took a new file's place. */
	struct user_usage *usage;
	unsigned long long quota_credit;
	unsigned long long charged;
	off_t old_size;
	off_t final_size;	/* -1 until known */
	int via_temp;
	int new_file;
	struct usage_upload inflight;	/* registered while data flows */
	struct timespec started;
	struct session *s;
};

/* A zeroed transfer of the given kind with file_fd and dir_fd -1. */
struct xfer *xfer_new(enum xfer_kind kind, const char *verb);

/* Frees a transfer that never started (closes what it holds). */
void xfer_discard(struct xfer *x);

/*
 * Starts x for s (s takes ownership): replies 150 and runs it over the
 * PORT/PASV waiting (a transfer uses one up). Only from a handler with
 * CMD_DATA, whose rule saw that one waits (cmdtab.h).
 */
void xfer_start(struct session *s, struct xfer *x);

/* ABOR: ends the transfer with 426 then 226; or 225 when there is none. */
void xfer_abort(struct session *s);

/* Ends the transfer silently (the session is going away). */
void xfer_cancel(struct session *s);

/* A one-line description of the transfer in progress, for STAT. */
void xfer_describe(const struct session *s, char *out, size_t outsz);

#endif
