/*
 * xfer.c: moving a transfer's bytes over the data connection; see xfer.h.
 *
 * Return convention of the movers (send_*, recv_*, flush_out): 1 when
 * they must wait for the socket (budget used up or EAGAIN), WAIT_TOKENS
 * when a rate limit ran dry (x->wait_ns says how long), 0 at the end of
 * the data, -1 on failure with errno and *local_err telling our side's
 * failures (disk, quota) from the peer's.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dataconn.h"
#include "listing.h"
#include "log.h"
#include "metrics.h"
#include "reply.h"
#include "session.h"
#include "worker.h"
#include "xfer.h"
#include "xferlimits.h"

#define IOBUF_SIZE (256 * 1024)
#define LIST_SLICE (64 * 1024)
/* Per callback, so that one fast transfer cannot starve other sessions. */
#define SEND_BUDGET (4 * 1024 * 1024)
#define SENDFILE_CHUNK (1024 * 1024)
#define PIPE_SIZE (1024 * 1024)
#define WAIT_TOKENS 2
/* TLS RETR reads this much at a time: four full records. */
#define TLS_SLICE (64 * 1024)
/* Downloads up to this size go out corked (see data_ready). */
#define CORK_FILE_MAX (64 * 1024)

struct xfer *
xfer_new(enum xfer_kind kind, const char *verb)
{
	struct xfer *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->kind = kind;
	x->verb = verb;
	x->file_fd = -1;
	x->dir_fd = -1;
	x->pipe_fd[0] = x->pipe_fd[1] = -1;
	x->final_size = -1;
	ascii_init(&x->as);
	buf_init(&x->out, 4 * IOBUF_SIZE);
	return x;
}

/* Closes and frees everything x holds; removes an unfinished temp file. */
static void
xfer_free(struct xfer *x)
{
	if (x->file_fd >= 0)
		close(x->file_fd);
	if (x->temp_name != NULL && x->dir_fd >= 0)
		(void)unlinkat(x->dir_fd, x->temp_name, 0);
	if (x->dir_fd >= 0)
		close(x->dir_fd);
	listing_free(x->list);
	buf_free(&x->out);
	free(x->iobuf);
	free(x->vpath);
	free(x->temp_name);
	free(x->target_name);
	free(x);
}

void
xfer_discard(struct xfer *x)
{
	xfer_free(x);
}

/* Writes an xferlog line (the wu-ftpd format that log analysers read). */
static void
log_xfer(struct session *s, struct xfer *x, int complete)
{
	struct timespec now;
	char when[64], line[1600];
	time_t t = time(NULL);
	struct tm tm;
	long secs;

	if (x->kind == XFER_SEND_LIST)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (long)(now.tv_sec - x->started.tv_sec);
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm);
	snprintf(line, sizeof(line), "%s %ld %s %llu %s %c _ %c %c %s ftp 0 * %c",
	    when, secs < 1 ? 1 : secs, s->peer_str, x->bytes,
	    x->vpath != NULL ? x->vpath : "-", x->ascii ? 'a' : 'b',
	    x->kind == XFER_SEND_FILE ? 'o' : 'i', s->anonymous ? 'a' : 'r',
	    s->user != NULL ? s->user : "-", complete ? 'c' : 'i');
	log_xfer_line(line);
}

/* Counts a finished transfer's bytes and result (metrics.h). */
static void
count_xfer(const struct xfer *x, int complete)
{
	static const enum metric result[][2] = {
		[XFER_SEND_FILE] = { M_DOWNLOADS_FAILED, M_DOWNLOADS_OK },
		[XFER_RECV_FILE] = { M_UPLOADS_FAILED, M_UPLOADS_OK },
		[XFER_SEND_LIST] = { M_LISTINGS_FAILED, M_LISTINGS_OK },
	};

	metrics_add(x->kind == XFER_RECV_FILE ? M_BYTES_IN : M_BYTES_OUT,
	    x->bytes);
	metrics_inc(result[x->kind][complete ? 1 : 0]);
}

/* Ends the transfer with a reply, then lets the session go on. */
static void
xfer_end(struct session *s, int code, const char *text, int complete)
{
	struct xfer *x = s->xfer;

	if (x->kind == XFER_SEND_FILE) {
		s->bytes_out += x->bytes;
		s->files_out += complete;
	} else if (x->kind == XFER_RECV_FILE) {
		s->bytes_in += x->bytes;
		s->files_in += complete;
		xferlimits_settle(x, complete);
	}
	log_xfer(s, x, complete);
	count_xfer(x, complete);
	/* An ABOR ends with 226 and is logged by xfer_abort. */
	if (!complete && text != NULL && code >= 400)
		session_log(s, "%s %s failed: %d %s", x->verb,
		    x->vpath != NULL ? x->vpath : "", code, text);
	s->xfer = NULL;
	dc_close(s->dc);
	xfer_free(x);
	if (text != NULL)
		session_reply_text(s, code, text);
	session_uncork(s);
	session_resume(s);
}

/* Finishes an upload: cut (REST), then move the temp file into place. */
static int
finish_upload(struct xfer *x)
{
	char tail[1];
	size_t n;

	if (x->ascii && (n = ascii_from_net_finish(&x->as, tail)) > 0 &&
	    write(x->file_fd, tail, n) != (ssize_t)n)
		return -1;
	if (x->truncate_at_end) {
		off_t pos = lseek(x->file_fd, 0, SEEK_CUR);

		if (pos < 0 || ftruncate(x->file_fd, pos) < 0)
			return -1;
	}
	if (x->usage != NULL) {
		struct stat st;

		if (fstat(x->file_fd, &st) == 0)
			x->final_size = st.st_size;
	}
	/* Renamed while open: its flock (uploadtmp.h) must cover the rename. */
	if (x->temp_name != NULL) {
		if (renameat(x->dir_fd, x->temp_name, x->dir_fd,
		    x->target_name) < 0)
			return -1;
		free(x->temp_name);
		x->temp_name = NULL;
	}
	if (close(x->file_fd) < 0) {
		x->file_fd = -1;
		return -1;
	}
	x->file_fd = -1;
	return 0;
}

static void
complete(struct session *s)
{
	struct xfer *x = s->xfer;
	char text[256];

	if (x->kind == XFER_RECV_FILE && finish_upload(x) < 0) {
		snprintf(text, sizeof(text), "Could not store file: %s.",
		    strerror(errno));
		xfer_end(s, errno == ENOSPC ? R_452_INSUFFICIENT_STORAGE :
		    R_451_LOCAL_ERROR, text, 0);
		return;
	}
	if (x->kind == XFER_SEND_LIST && x->list_truncated > 0) {
		snprintf(text, sizeof(text),
		    "Transfer complete (listing cut at %u entries).",
		    s->cfg->max_list_entries);
		xfer_end(s, R_226_CLOSING_DATA, text, 1);
		return;
	}
	xfer_end(s, R_226_CLOSING_DATA, "Transfer complete.", 1);
}

static void
fail_peer(struct session *s, int err)
{
	char text[256];

	snprintf(text, sizeof(text), "Connection closed; transfer aborted (%s).",
	    strerror(err));
	xfer_end(s, R_426_TRANSFER_ABORTED, text, 0);
}

static void
fail_local(struct session *s, int err)
{
	char text[256];

	if (err == EDQUOT)
		snprintf(text, sizeof(text), "Quota exceeded; upload stopped.");
	else
		snprintf(text, sizeof(text), "Local error: %s.", strerror(err));
	xfer_end(s, err == ENOSPC || err == EDQUOT ? R_552_EXCEEDED_STORAGE :
	    R_451_LOCAL_ERROR, text, 0);
}

/* Sends pending bytes of x->out. 1 when all sent, 0 when blocked, -1 error. */
static int
flush_out(struct xfer *x)
{
	while (x->out.len > 0) {
		ssize_t n = dc_send(x->s->dc, x->out.data, x->out.len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return (errno == EAGAIN) ? 0 : -1;
		}
		x->bytes += (unsigned long long)n;
		buf_consume(&x->out, (size_t)n);
	}
	return 1;
}

/*
 * RETR in binary: the kernel copies file pages straight to the socket.
 * The transfer ends at the size the 150 announced (x->end): no call to
 * learn of the end of the file, which was one in eight of a small
 * download's system calls.
 */
static int
send_file_binary(struct xfer *x)
{
	size_t sent = 0;

	while (sent < SEND_BUDGET) {
		size_t want;
		ssize_t n;

		if (x->offset >= x->end)
			return 0;
		if ((want = xfer_allow(x, SENDFILE_CHUNK)) == 0)
			return WAIT_TOKENS;
		if ((off_t)want > x->end - x->offset)
			want = (size_t)(x->end - x->offset);
		n = sendfile(dc_fd(x->s->dc), x->file_fd, &x->offset, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 1 : -1;
		}
		if (n == 0)
			return 0;	/* end of file */
		xfer_used(x, (size_t)n);
		x->bytes += (unsigned long long)n;
		sent += (size_t)n;
	}
	return 1;
}

/*
 * Binary RETR over TLS: read a slice of the file into iobuf and encrypt
 * it from there (the one copy TLS needs; going through x->out cost a
 * second one, 8 % of the server's CPU). SSL_write cuts full 16 KiB
 * records. With kernel TLS the kernel encrypts straight from the page
 * cache (dc_sendfile).
 */
static int
send_file_tls(struct xfer *x, int *local_err)
{
	size_t sent = 0;

	while (sent < SEND_BUDGET) {
		size_t want;
		ssize_t n;

		if (x->io_off < x->io_len) {
			n = dc_send(x->s->dc, x->iobuf + x->io_off,
			    x->io_len - x->io_off);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return errno == EAGAIN ? 1 : -1;
			}
			x->io_off += (size_t)n;
			x->bytes += (unsigned long long)n;
			sent += (size_t)n;
			continue;
		}
		if (x->offset >= x->end)
			return 0;
		if ((want = xfer_allow(x, TLS_SLICE)) == 0)
			return WAIT_TOKENS;
		if ((off_t)want > x->end - x->offset)
			want = (size_t)(x->end - x->offset);
		if (dc_ktls_send(x->s->dc)) {
			n = dc_sendfile(x->s->dc, x->file_fd, x->offset, want);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return errno == EAGAIN ? 1 : -1;
			}
			x->offset += n;
			x->bytes += (unsigned long long)n;
		} else {
			n = pread(x->file_fd, x->iobuf, want, x->offset);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				*local_err = 1;
				return -1;
			}
			x->offset += n;
			x->io_off = 0;
			x->io_len = (size_t)n;
		}
		if (n == 0)
			return 0;	/* the file shrank */
		xfer_used(x, (size_t)n);
		sent += (size_t)n;
	}
	return 1;
}

/*
 * RETR through a buffer, for TYPE A (LF to CRLF) or TLS (no sendfile):
 * read a slice, convert it if needed, send it.
 */
static int
send_file_buffered(struct xfer *x, int *local_err)
{
	size_t sent = 0;
	int rc;

	while (sent < SEND_BUDGET) {
		char *conv = x->iobuf + IOBUF_SIZE / 2;
		size_t want;
		ssize_t n;
		size_t m;

		if ((rc = flush_out(x)) <= 0)
			return rc < 0 ? -1 : 1;
		/* A quarter of iobuf: its CRLF form fits in the upper half. */
		if ((want = xfer_allow(x, IOBUF_SIZE / 4)) == 0)
			return WAIT_TOKENS;
		n = read(x->file_fd, x->iobuf, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*local_err = 1;
			return -1;
		}
		if (n == 0)
			return 0;
		xfer_used(x, (size_t)n);
		if (x->ascii)
			m = ascii_to_net(&x->as, x->iobuf, (size_t)n, conv);
		else {
			conv = x->iobuf;
			m = (size_t)n;
		}
		if (buf_append(&x->out, conv, m) < 0) {
			*local_err = 1;
			return -1;
		}
		sent += (size_t)n;
	}
	return 1;
}

static int
send_listing(struct xfer *x, int *local_err)
{
	size_t rounds;
	int rc, more;

	for (rounds = 0; rounds < 64; rounds++) {
		if ((rc = flush_out(x)) <= 0)
			return rc < 0 ? -1 : 1;
		if (x->list == NULL)
			return 0;
		more = listing_next(x->list, &x->out, LIST_SLICE);
		if (more < 0) {
			*local_err = 1;
			return -1;
		}
		if (more == 0) {
			x->list_truncated = listing_truncated(x->list);
			listing_free(x->list);
			x->list = NULL;
		}
	}
	return 1;
}

/* Writes all of buf to the file (files take short writes too). */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Moves len bytes of the pipe into the file (a blocking regular file). */
static int
drain_pipe(struct xfer *x, size_t len)
{
	while (len > 0) {
		ssize_t n = splice(x->pipe_fd[0], NULL, x->file_fd, NULL,
		    len, SPLICE_F_MOVE);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		x->in_pipe -= (size_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* The upload passed its quota: errno for the 552. */
static int
over_quota(int *local_err)
{
	*local_err = 1;
	errno = EDQUOT;
	return -1;
}

/*
 * STOR without TLS or TYPE A: the kernel moves socket pages into a pipe
 * and from there into the file, without a copy through user space.
 */
static int
recv_file_splice(struct xfer *x, int *local_err)
{
	size_t got = 0;

	while (got < SEND_BUDGET) {
		size_t want = xfer_allow(x, PIPE_SIZE), fit;
		ssize_t n;

		if (want == 0)
			return WAIT_TOKENS;
		n = splice(dc_fd(x->s->dc), NULL, x->pipe_fd[1], NULL,
		    xfer_recv_size(x, want),
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 1 : -1;
		}
		if (n == 0)
			return 0;
		xfer_used(x, (size_t)n);
		x->in_pipe = (size_t)n;
		fit = xfer_charge(x, (size_t)n);
		if (drain_pipe(x, fit) < 0 || fit < (size_t)n) {
			/* Bytes may be stuck in the shared pipe: replace it. */
			worker_splice_pipe_reset(x->s->worker);
			x->in_pipe = 0;
			x->bytes += fit;
			if (fit < (size_t)n)
				return over_quota(local_err);
			*local_err = 1;
			return -1;
		}
		x->bytes += (unsigned long long)n;
		got += (size_t)n;
	}
	return 1;
}

/*
 * Reads up to n bytes: TLS hands out one 16 KiB record per read, so it
 * goes on while records already received wait (dc_pending), and the file
 * gets one write per slice instead of one per record.
 */
static ssize_t
recv_some(struct dataconn *dc, char *p, size_t n)
{
	ssize_t got = dc_recv(dc, p, n), more;

	while (got > 0 && (size_t)got < n && dc_pending(dc)) {
		if ((more = dc_recv(dc, p + got, n - (size_t)got)) <= 0)
			break;	/* the next call sees the end or the error */
		got += more;
	}
	return got;
}

/* STOR: socket to file. */
static int
recv_file(struct xfer *x, int *local_err)
{
	size_t got = 0;

	while (got < SEND_BUDGET) {
		/* TYPE A can write one byte more than it reads (ascii.h). */
		size_t want = xfer_allow(x, x->ascii ?
		    ASCII_FROM_NET_IN_MAX(IOBUF_SIZE / 2) : IOBUF_SIZE / 2), fit;
		const char *p = x->iobuf;
		ssize_t n;
		size_t len;

		if (want == 0)
			return WAIT_TOKENS;
		n = recv_some(x->s->dc, x->iobuf, xfer_recv_size(x, want));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 1 : -1;
		}
		if (n == 0)
			return 0;
		xfer_used(x, (size_t)n);
		len = (size_t)n;
		if (x->ascii) {
			len = ascii_from_net(&x->as, x->iobuf, len,
			    x->iobuf + IOBUF_SIZE / 2);
			p = x->iobuf + IOBUF_SIZE / 2;
		}
		fit = xfer_charge(x, len);
		if (write_all(x->file_fd, p, fit) < 0) {
			*local_err = 1;
			return -1;
		}
		if (fit < len) {
			x->bytes += fit;
			return over_quota(local_err);
		}
		x->bytes += (unsigned long long)n;
		got += (size_t)n;
	}
	return 1;
}

/* The direction a transfer of this kind waits for when TLS does not say. */
static short
natural_direction(const struct xfer *x)
{
	return x->kind == XFER_RECV_FILE ? EV_READ : EV_WRITE;
}

/* Moves the bytes the data connection can take now; see the convention. */
static void
xfer_io(void *arg, short what)
{
	struct session *s = arg;
	struct xfer *x = s->xfer;
	int rc, local_err = 0;

	if (what & EV_TIMEOUT) {
		session_log(s, "data connection stalled for %u s",
		    s->cfg->data_timeout);
		xfer_end(s, R_426_TRANSFER_ABORTED,
		    "Data connection timed out; transfer aborted.", 0);
		return;
	}
	switch (x->kind) {
	case XFER_SEND_FILE:
		if (x->ascii)
			rc = send_file_buffered(x, &local_err);
		else if (!dc_raw(s->dc))
			rc = send_file_tls(x, &local_err);
		else
			rc = send_file_binary(x);
		if (rc == 0 && flush_out(x) == 0)
			rc = 1;
		break;
	case XFER_SEND_LIST:
		rc = send_listing(x, &local_err);
		break;
	case XFER_RECV_FILE:
		if (x->pipe_fd[0] >= 0)
			rc = recv_file_splice(x, &local_err);
		else
			rc = recv_file(x, &local_err);
		break;
	default:
		rc = -1;
		break;
	}
	if (rc == WAIT_TOKENS) {
		struct timeval tv;

		tv.tv_sec = (time_t)(x->wait_ns / 1000000000ULL);
		tv.tv_usec = (suseconds_t)(x->wait_ns % 1000000000ULL / 1000);
		if (tv.tv_sec == 0 && tv.tv_usec < 1000)
			tv.tv_usec = 1000;
		session_uncork(s);
		if (dc_pause(s->dc, &tv, natural_direction(x), xfer_io, s) < 0)
			fail_local(s, ENOMEM);
		return;
	}
	if (rc > 0) {
		short want = dc_want(s->dc);

		/* The client may wait for the 150 before it reads on. */
		session_uncork(s);
		if (dc_wait(s->dc, want ? want : natural_direction(x), xfer_io,
		    s) < 0)
			fail_local(s, ENOMEM);
		return;
	}
	if (rc == 0) {
		dc_shutdown(s->dc);
		complete(s);
		return;
	}
	if (local_err)
		fail_local(s, errno);
	else
		fail_peer(s, errno);
}

/* dc_open's answer: the data connection is ready (or not). */
static void
data_ready(void *arg, enum dc_status status, const char *why)
{
	struct session *s = arg;
	struct xfer *x = s->xfer;
	char text[256];

	switch (status) {
	case DC_OK:
		break;
	case DC_ERR_REUSE:
		xfer_end(s, R_522_PROTOCOL_NOT_SUPPORTED, why, 0);
		return;
	case DC_ERR_TLS:
	case DC_ERR_TIMEOUT:
		xfer_end(s, R_425_CANT_OPEN_DATA, why, 0);
		return;
	case DC_ERR_CONNECT:
	default:
		snprintf(text, sizeof(text), "Cannot open data connection: %s", why);
		xfer_end(s, R_425_CANT_OPEN_DATA, text, 0);
		return;
	}
	if (x->kind == XFER_RECV_FILE && !x->ascii && dc_raw(s->dc) &&
	    !x->append && worker_splice_pipe(s->worker, x->pipe_fd) == 0) {
		/* splice(2); it cannot write to an O_APPEND file (APPE). */
	} else if ((x->kind == XFER_RECV_FILE || x->ascii || !dc_raw(s->dc)) &&
	    (x->iobuf = malloc(IOBUF_SIZE)) == NULL) {
		fail_local(s, ENOMEM);
		return;
	}
	/*
	 * A small binary download ends within this turn: with the socket
	 * corked its last bytes wait for the close and leave with the FIN,
	 * one segment (and one wake-up of the client) instead of two.
	 */
	if (x->kind == XFER_SEND_FILE && !x->ascii && dc_raw(s->dc) &&
	    x->end - x->offset <= CORK_FILE_MAX) {
		int one = 1;

		(void)setsockopt(dc_fd(s->dc), IPPROTO_TCP, TCP_CORK, &one,
		    sizeof(one));
	}
	xferlimits_setup(s, x);
	/*
	 * A fresh data connection is almost always ready: move bytes now
	 * (this runs from the event loop), and arm the event only when the
	 * socket makes us wait.
	 */
	xfer_io(s, natural_direction(x));
}

void
xfer_start(struct session *s, struct xfer *x)
{
	char text[VPATH_MAX + 128];

	BUG_ON(s->xfer != NULL);
	/* The dispatcher checked (CMD_DATA), before the file was opened. */
	BUG_ON(!dc_armed(s->dc));
	x->s = s;
	x->ascii = s->type_ascii && x->kind != XFER_SEND_LIST;
	clock_gettime(CLOCK_MONOTONIC, &x->started);
	s->xfer = x;
	s->rest = 0;
	/* The control connection is not idle while data flows. */
	session_idle_timeout(s, 0);
	if (x->kind == XFER_SEND_LIST)
		snprintf(text, sizeof(text), "Here comes the directory listing.");
	else if (x->kind == XFER_SEND_FILE)
		snprintf(text, sizeof(text),
		    "Opening %s mode data connection for %s (%jd bytes).",
		    x->ascii ? "ASCII" : "BINARY", x->vpath,
		    (intmax_t)(x->end - x->offset));
	else
		snprintf(text, sizeof(text), "Ok to send data.");
	if (strcmp(x->verb, "STOU") == 0)
		snprintf(text, sizeof(text), "FILE: %s", x->target_name);
	/*
	 * A download's 150 waits for the 226 when the connection is there
	 * and the transfer ends at once (a small file): one write, one
	 * wake-up of the client. Any wait sends it first (xfer_io), as does
	 * a connection still to come: the client may make it only once it
	 * has seen the 150 (active mode, a TLS handshake after the 150).
	 * An upload's 150 leaves at once: clients send only after it.
	 */
	if (x->kind != XFER_RECV_FILE)
		session_cork(s);
	session_reply_text(s, R_150_OPENING_DATA, text);
	dc_open(s->dc, s->prot_private, data_ready, s);
	if (!dc_answering(s->dc))
		session_uncork(s);
}

void
xfer_abort(struct session *s)
{
	if (s->xfer == NULL) {
		dc_close(s->dc);
		session_reply(s, R_225_DATA_OPEN_NO_XFER, "No transfer to abort.");
		return;
	}
	session_log(s, "%s %s aborted by client", s->xfer->verb,
	    s->xfer->vpath != NULL ? s->xfer->vpath : "");
	dc_close(s->dc);
	session_reply(s, R_426_TRANSFER_ABORTED,
	    "Connection closed; transfer aborted.");
	xfer_end(s, R_226_CLOSING_DATA, "ABOR successful.", 0);
}

void
xfer_cancel(struct session *s)
{
	struct xfer *x = s->xfer;

	if (x == NULL)
		return;
	if (x->kind == XFER_RECV_FILE)
		xferlimits_settle(x, 0);	/* a dropped temp file gives back */
	log_xfer(s, x, 0);
	count_xfer(x, 0);
	s->xfer = NULL;
	dc_close(s->dc);
	xfer_free(x);
}

void
xfer_describe(const struct session *s, char *out, size_t outsz)
{
	const struct xfer *x = s->xfer;

	if (x == NULL) {
		snprintf(out, outsz, "No data connection");
		return;
	}
	snprintf(out, outsz, "%s %s: %llu bytes transferred%s", x->verb,
	    x->vpath != NULL ? x->vpath : "", x->bytes,
	    dc_waiting(s->dc) ? " (waiting for the data connection)" : "");
}
