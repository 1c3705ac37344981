/*
 * xfer.c: data connections; see xfer.h.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "ascii.h"
#include "tlsconn.h"
#include "xfer.h"

#define XFER_CHUNK (64 * 1024)

/* Connects d to the control peer at port. */
static enum fc_status
connect_peer(struct proto *s, struct transport *d, unsigned port)
{
	struct sockaddr_storage ss = s->peer;

	addr_set_port(&ss, port);
	if (transport_connect_addr(d, &ss) < 0) {
		fc_errf(s->err, sizeof(s->err), "data connection to port %u: %s", port,
		    strerror(errno));
		return FC_XFER;
	}
	return FC_OK;
}

static enum fc_status
open_passive(struct proto *s, struct transport *d)
{
	struct sockaddr_storage named;
	unsigned port;
	int code;

	if (!s->epsv_bad) {
		code = proto_cmd(s, "EPSV");
		if (code == R_229_EXTENDED_PASSIVE &&
		    addr_parse_epsv_reply(proto_reply_last(s), &port) == 0)
			return connect_peer(s, d, port);
		if (code < 0 || code == R_421_SERVICE_UNAVAILABLE)
			return proto_fail(s, code);
		s->epsv_bad = 1;
	}
	if (s->peer.ss_family != AF_INET) {
		fc_errf(s->err, sizeof(s->err), "EPSV refused, and PASV cannot reach an IPv6 server");
		return FC_XFER;
	}
	code = proto_cmd(s, "PASV");
	if (code != R_227_PASSIVE)
		return code < 0 ? FC_CONNECT : (proto_fail(s, code), FC_XFER);
	if (addr_parse_pasv_reply(proto_reply_last(s), &named) < 0) {
		fc_errf(s->err, sizeof(s->err), "cannot parse the PASV reply");
		return FC_XFER;
	}
	/* Only the port is taken from the reply; see xfer.h. */
	return connect_peer(s, d, addr_port(&named));
}

static enum fc_status
open_active(struct proto *s, int *lfd)
{
	struct sockaddr_storage ss = s->local;
	socklen_t len = sizeof(ss);
	char arg[128];
	int fd, code = -1;

	addr_set_port(&ss, 0);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, addr_len(&ss)) < 0 ||
	    listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		fc_errf(s->err, sizeof(s->err), "active mode listener: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return FC_XFER;
	}
	addr_unmap(&ss);
	if (!s->eprt_bad && addr_format_eprt(&ss, arg, sizeof(arg)) == 0) {
		code = proto_cmd(s, "EPRT %s", arg);
		if (code >= 500 && ss.ss_family == AF_INET)
			s->eprt_bad = 1;
	}
	if (s->eprt_bad && addr_format_port(&ss, arg, sizeof(arg)) == 0)
		code = proto_cmd(s, "PORT %s", arg);
	if (!proto_ok(code)) {
		close(fd);
		if (code >= 0)
			return proto_fail(s, code), FC_XFER;
		return FC_CONNECT;
	}
	*lfd = fd;
	return FC_OK;
}

/* Waits for the server's data connection; only the control peer may come. */
static enum fc_status
accept_active(struct proto *s, int lfd, struct transport *d)
{
	struct sockaddr_storage from;
	socklen_t len;
	int fd, w;

	for (;;) {
		w = transport_wait(lfd, POLLIN, s->timeout_ms);
		if (w <= 0) {
			fc_errf(s->err, sizeof(s->err), "no data connection from the server%s",
			    w == 0 ? " (timed out)" : "");
			return FC_XFER;
		}
		len = sizeof(from);
		fd = accept4(lfd, (struct sockaddr *)&from, &len, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		addr_unmap(&from);
		if (addr_same_host(&from, &s->peer)) {
			transport_attach(d, fd);
			return FC_OK;
		}
		close(fd);	/* a stranger: keep waiting for the server */
	}
}

/* Sleeps as long as needed to keep the average under the rate limit. */
static void
throttle(const struct proto *s, off_t moved, double t0)
{
	double due, now;
	struct timespec ts;

	if (s->rate_limit <= 0)
		return;
	due = t0 + (double)moved / (double)s->rate_limit;
	now = progress_now();
	if (due <= now)
		return;
	ts.tv_sec = (time_t)(due - now);
	ts.tv_nsec = (long)((due - now - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/*
 * Whether ^C came. Checked before every chunk: a TLS read that finds
 * bytes already buffered, or a write with room, never waits, so the
 * wait's own check alone would let a fast or throttled transfer run on.
 */
static int
interrupted(struct proto *s)
{
	if (!transport_interrupt)
		return 0;
	fc_errf(s->err, sizeof(s->err), "interrupted");
	return 1;
}

static enum fc_status
pump_down_with(struct proto *s, struct transport *d, int ascii,
    struct xfer_io *io, int *cut, char *in, char *out);

/* Copies the data connection to io->sink until EOF or io->limit. */
static enum fc_status
pump_down(struct proto *s, struct transport *d, int ascii, struct xfer_io *io,
    int *cut)
{
	char *mem = malloc(2 * XFER_CHUNK + 1);
	enum fc_status st;

	if (mem == NULL) {
		fc_errf(s->err, sizeof(s->err), "out of memory");
		return FC_LOCAL;
	}
	st = pump_down_with(s, d, ascii, io, cut, mem, mem + XFER_CHUNK);
	free(mem);
	return st;
}

static enum fc_status
pump_down_with(struct proto *s, struct transport *d, int ascii,
    struct xfer_io *io, int *cut, char *in, char *out)
{
	struct ascii_state as;
	double t0 = progress_now();
	off_t moved = 0, start = io->done;
	size_t n, w;
	ssize_t r;

	ascii_init(&as);
	for (;;) {
		n = XFER_CHUNK;
		if (io->limit >= 0 && io->limit - (io->done - start) < (off_t)n)
			n = (size_t)(io->limit - (io->done - start));
		if (n == 0) {
			*cut = 1;
			break;
		}
		if (interrupted(s))
			return FC_XFER;
		r = transport_read(d, in, n);
		if (r < 0) {
			fc_errf(s->err, sizeof(s->err), "data connection: %s", strerror(errno));
			return FC_XFER;
		}
		if (r == 0)
			break;
		moved += r;
		if (ascii) {
			w = ascii_from_net(&as, in, (size_t)r, out);
			if (io->sink(io->ctx, out, w) < 0)
				return FC_LOCAL;
			io->done += (off_t)w;
		} else {
			if (io->sink(io->ctx, in, (size_t)r) < 0)
				return FC_LOCAL;
			io->done += r;
		}
		if (io->prog != NULL)
			progress_update(io->prog, io->prog->offset + io->done - start);
		throttle(s, moved, t0);
	}
	if (ascii && (w = ascii_from_net_finish(&as, out)) > 0) {
		if (io->sink(io->ctx, out, w) < 0)
			return FC_LOCAL;
		io->done += (off_t)w;
	}
	return FC_OK;
}

static enum fc_status
pump_up_with(struct proto *s, struct transport *d, int ascii,
    struct xfer_io *io, char *in, char *out);

/* Copies io->source to the data connection until the source ends. */
static enum fc_status
pump_up(struct proto *s, struct transport *d, int ascii, struct xfer_io *io)
{
	char *mem = malloc(3 * XFER_CHUNK);
	enum fc_status st;

	if (mem == NULL) {
		fc_errf(s->err, sizeof(s->err), "out of memory");
		return FC_LOCAL;
	}
	st = pump_up_with(s, d, ascii, io, mem, mem + XFER_CHUNK);
	free(mem);
	return st;
}

static enum fc_status
pump_up_with(struct proto *s, struct transport *d, int ascii,
    struct xfer_io *io, char *in, char *out)
{
	struct ascii_state as;
	double t0 = progress_now();
	off_t moved = 0, start = io->done;
	ssize_t r;
	size_t w;

	ascii_init(&as);
	for (;;) {
		if (interrupted(s))
			return FC_XFER;
		r = io->source(io->ctx, in, XFER_CHUNK);
		if (r < 0)
			return FC_LOCAL;
		if (r == 0)
			break;
		if (ascii) {
			w = ascii_to_net(&as, in, (size_t)r, out);
			if (transport_write_all(d, out, w) < 0)
				goto fail;
			moved += (off_t)w;
		} else {
			if (transport_write_all(d, in, (size_t)r) < 0)
				goto fail;
			moved += r;
		}
		io->done += r;
		if (io->prog != NULL)
			progress_update(io->prog, io->prog->offset + io->done - start);
		throttle(s, moved, t0);
	}
	return FC_OK;
fail:
	fc_errf(s->err, sizeof(s->err), "data connection: %s", strerror(errno));
	return FC_XFER;
}

#define ABORT_WAIT_MS 10000

/*
 * After a failed or interrupted transfer: ABOR first, while the data
 * connection is still open, then a reset of the data connection (never a
 * clean close, which would tell the server that an upload is complete),
 * then the replies to both, checked with NOOP (see proto.h). Returns the
 * status the transfer ends with, given st, the failure so far.
 */
static enum fc_status
abort_transfer(struct proto *s, struct transport *d, enum fc_status st)
{
	sig_atomic_t saved = transport_interrupt;
	char why[sizeof(s->err)];
	int rc = -1;

	memcpy(why, s->err, sizeof(why));
	transport_interrupt = 0;
	if (proto_send_abor(s) == 0) {
		transport_abort(d);
		rc = proto_abort_replies(s, ABORT_WAIT_MS);
	} else {
		transport_abort(d);
		rc = proto_reconnect(s) == FC_OK ? 1 : -1;
	}
	transport_interrupt = saved;
	if (rc < 0) {
		fc_errf(s->err, sizeof(s->err), "%.200s; connection lost after "
		    "the abort: %.200s", why, s->err);
		return FC_CONNECT;
	}
	if (rc == 1)
		fc_errf(s->err, sizeof(s->err), "%.400s (reconnected)", why);
	else
		memcpy(s->err, why, sizeof(why));
	return st;
}

/* Reads the reply ending a transfer; skips any further preliminary ones. */
static enum fc_status
final_reply(struct proto *s)
{
	int code;

	do {
		code = proto_read_reply(s);
	} while (code >= 100 && code < 200);
	if (!proto_ok(code)) {
		if (code >= 0)
			fc_errf(s->err, sizeof(s->err), "%d %s", code, proto_reply_last(s));
		return code < 0 ? FC_CONNECT : (code >= 500 && code != 530 ?
		    (code == R_552_EXCEEDED_STORAGE ? FC_XFER : FC_REMOTE) :
		    FC_XFER);
	}
	return FC_OK;
}

/*
 * The final reply once every byte has moved. A ^C now comes too late to
 * abort anything: the reply is still read (the wait bounded as for an
 * abort), so that the session stays in step.
 */
static enum fc_status
final_reply_after_data(struct proto *s)
{
	sig_atomic_t saved = transport_interrupt;
	enum fc_status st;

	if (saved) {
		transport_interrupt = 0;
		s->ctrl.timeout_ms = s->timeout_ms < ABORT_WAIT_MS ?
		    s->timeout_ms : ABORT_WAIT_MS;
	}
	st = final_reply(s);
	s->ctrl.timeout_ms = s->timeout_ms;
	transport_interrupt = saved;
	return st;
}

/*
 * The data connection's TLS handshake, resuming the control connection's
 * session (taken now, so that TLS 1.3 tickets read since are in it).
 * Called only once the transfer command's 1xx reply is in, and in active
 * mode once the server's connection is accepted: pyftpdlib resets a
 * handshake that begins before its 150, and every server accepts this
 * order. On failure the server's reply to the broken transfer is read,
 * so that the next command gets its own reply.
 */
static enum fc_status
start_data_tls(struct proto *s, struct transport *d)
{
	SSL_SESSION *sess = tlsconn_session(&s->ctrl);
	char why[sizeof(s->err)];
	int rc, code;

	rc = tlsconn_start(d, s->tls_ctx, s->host, sess, why, sizeof(why));
	SSL_SESSION_free(sess);
	if (rc == 0) {
		if (s->debug && s->echo != NULL) {
			tlsconn_describe(d, why, sizeof(why));
			fprintf(s->echo, "data TLS: %s (%s)\n", why,
			    tlsconn_resumed(d) ? "session resumed" : "new session");
		}
		return FC_OK;
	}
	transport_close(d);
	s->ctrl.timeout_ms = s->timeout_ms < 5000 ? s->timeout_ms : 5000;
	do {
		code = proto_read_reply(s);
	} while (code >= 100 && code < 200);
	s->ctrl.timeout_ms = s->timeout_ms;
	if (code >= 0)
		fc_errf(s->err, sizeof(s->err), "data connection: %s (server: %d %s)",
		    why, code, proto_reply_last(s));
	else
		fc_errf(s->err, sizeof(s->err), "data connection: %s", why);
	return FC_XFER;
}

static enum fc_status
prepare(struct proto *s, int ascii, off_t rest)
{
	enum fc_status st;
	int code;

	if (s->state != PS_LOGGED_IN) {
		fc_errf(s->err, sizeof(s->err), "not logged in");
		return s->state == PS_DISCONNECTED ? FC_CONNECT : FC_LOGIN;
	}
	if (s->tls != PT_NONE && !s->prot_p) {
		/* Never fall back to data in the clear. */
		fc_errf(s->err, sizeof(s->err), "data connections are not protected");
		return FC_CONNECT;
	}
	st = proto_type(s, ascii);
	if (st != FC_OK)
		return st;
	if (rest > 0) {
		code = proto_cmd(s, "REST %lld", (long long)rest);
		if (code != R_350_PENDING)
			return proto_fail(s, code) == FC_CONNECT ?
			    FC_CONNECT : FC_XFER;
	}
	return FC_OK;
}

enum fc_status
xfer_run(struct proto *s, int ascii, off_t rest, const char *cmd,
    const char *arg, int upload, struct xfer_io *io)
{
	struct transport d;
	enum fc_status st;
	int lfd = -1, code, cut = 0;

	st = prepare(s, ascii, rest);
	if (st != FC_OK)
		return st;
	transport_init(&d, s->timeout_ms);
	st = s->passive ? open_passive(s, &d) : open_active(s, &lfd);
	if (st != FC_OK)
		return st;
	if (arg != NULL)
		code = proto_send(s, "%s %s", cmd, arg);
	else
		code = proto_send(s, "%s", cmd);
	if (code == 0)
		code = proto_read_reply(s);
	if (code != R_150_OPENING_DATA && code != R_125_DATA_OPEN_STARTING) {
		st = proto_fail(s, code);
		if (st == FC_OK)
			st = FC_XFER;
		goto out;
	}
	proto_set_state(s, PS_TRANSFER);
	if (lfd >= 0 && (st = accept_active(s, lfd, &d)) != FC_OK) {
		st = abort_transfer(s, &d, st);
		goto out;
	}
	if (s->prot_p && (st = start_data_tls(s, &d)) != FC_OK)
		goto out;
	st = upload ? pump_up(s, &d, ascii, io) : pump_down(s, &d, ascii, io, &cut);
	/* The bar goes before any reply to the transfer is shown. */
	if (io->prog != NULL)
		progress_end(io->prog);
	if (cut) {
		/* pget: the rest of the file is someone else's; drop the session. */
		transport_close(&d);
		proto_close(s);
		goto out;
	}
	if (st != FC_OK || transport_interrupt) {
		if (transport_interrupt)
			fc_errf(s->err, sizeof(s->err), "interrupted");
		st = abort_transfer(s, &d, st != FC_OK ? st : FC_XFER);
		goto out;
	}
	/* Not seeing the server close is not fatal: its reply decides. */
	if (upload && transport_finish(&d) < 0 && s->debug && s->echo != NULL)
		fprintf(s->echo, "data connection not closed by the server: %s\n",
		    strerror(errno));
	transport_close(&d);
	st = final_reply_after_data(s);
out:
	if (s->state == PS_TRANSFER)
		proto_set_state(s, PS_LOGGED_IN);
	transport_close(&d);
	if (lfd >= 0)
		close(lfd);
	return st;
}

static int
buf_sink(void *ctx, const char *p, size_t n)
{
	return buf_append(ctx, p, n);
}

enum fc_status
xfer_list(struct proto *s, const char *cmd, const char *path, struct buf *out)
{
	struct xfer_io io;
	enum fc_status st;

	memset(&io, 0, sizeof(io));
	io.sink = buf_sink;
	io.ctx = out;
	io.limit = -1;
	st = xfer_run(s, 1, 0, cmd, path, 0, &io);
	if (st == FC_LOCAL)
		fc_errf(s->err, sizeof(s->err), "listing too long");
	return st;
}
