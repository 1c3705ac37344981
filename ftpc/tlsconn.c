/*
 * tlsconn.c: the client TLS context and transport; see tlsconn.h.
 *
 * The socket is non-blocking while TLS runs on it, so that every wait,
 * in the handshake as in reads and writes, goes through transport_wait:
 * bounded by the timeout and ended by ^C.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "status.h"
#include "tlsconn.h"

/* The oldest error OpenSSL queued, as text; "" when there is none. */
static void
ssl_error_text(char *out, size_t outsz)
{
	unsigned long e = ERR_get_error();

	out[0] = '\0';
	if (e != 0)
		ERR_error_string_n(e, out, outsz);
	ERR_clear_error();
}

SSL_CTX *
tlsconn_ctx_new(const char *cacert, int insecure, char *err, size_t errsz)
{
	char why[256];
	SSL_CTX *ctx;

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* Sessions are kept by hand, one control connection at a time. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (insecure) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return ctx;
	}
	if (cacert != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cacert, NULL) != 1) {
			ssl_error_text(why, sizeof(why));
			fc_errf(err, errsz, "--cacert %s: cannot load it%s%s",
			    cacert, why[0] ? ": " : "", why);
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
fail:
	ssl_error_text(why, sizeof(why));
	fc_errf(err, errsz, "TLS setup failed: %s", why);
	SSL_CTX_free(ctx);
	return NULL;
}

int
tlsconn_ctx_verifies(const SSL_CTX *ctx)
{
	return (SSL_CTX_get_verify_mode(ctx) & SSL_VERIFY_PEER) != 0;
}

/*
 * Waits for what SSL_get_error says the call needs. Returns 0 to retry,
 * or -1 with errno set (ETIMEDOUT, EINTR, EPROTO, ECONNRESET) when the
 * call failed for good; *closed is set on a clean close (close_notify).
 */
static int
ssl_wait(struct transport *t, SSL *ssl, int r, int *closed)
{
	int e = SSL_get_error(ssl, r), w, saved = errno;

	switch (e) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		w = transport_wait(t->fd, e == SSL_ERROR_WANT_READ ? POLLIN :
		    POLLOUT, t->timeout_ms);
		if (w > 0)
			return 0;
		if (w == 0)
			errno = ETIMEDOUT;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		*closed = 1;
		return -1;
	case SSL_ERROR_SYSCALL:
		errno = saved != 0 ? saved : ECONNRESET;
		return -1;
	default:
		errno = EPROTO;
		return -1;
	}
}

static ssize_t
tls_read(struct transport *t, void *p, size_t n)
{
	SSL *ssl = t->impl;
	int r, closed = 0;

	if (n > INT_MAX)
		n = INT_MAX;
	for (;;) {
		ERR_clear_error();
		r = SSL_read(ssl, p, (int)n);
		if (r > 0)
			return r;
		if (ssl_wait(t, ssl, r, &closed) < 0)
			return closed ? 0 : -1;
	}
}

static ssize_t
tls_write(struct transport *t, const void *p, size_t n)
{
	SSL *ssl = t->impl;
	int r, closed = 0;

	if (n > INT_MAX)
		n = INT_MAX;
	for (;;) {
		ERR_clear_error();
		r = SSL_write(ssl, p, (int)n);
		if (r > 0)
			return r;
		if (ssl_wait(t, ssl, r, &closed) < 0) {
			if (closed)
				errno = EPIPE;
			return -1;
		}
	}
}

/* Sends close_notify once (not waiting for the peer's), then half-closes. */
static void
tls_shutdown(struct transport *t)
{
	SSL *ssl = t->impl;
	int r, closed = 0;

	if (!(SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN)) {
		ERR_clear_error();
		r = SSL_shutdown(ssl);
		/* A full send buffer: one bounded wait, then give up. */
		if (r < 0 && SSL_get_error(ssl, r) == SSL_ERROR_WANT_WRITE &&
		    ssl_wait(t, ssl, r, &closed) == 0)
			(void)SSL_shutdown(ssl);
		ERR_clear_error();
	}
	(void)shutdown(t->fd, SHUT_WR);
}

static void
tls_release(struct transport *t)
{
	SSL_free(t->impl);
	t->impl = NULL;
}

/*
 * A quiet shutdown: OpenSSL counts the connection as closed properly, so
 * the session it resumed (the control connection's) stays resumable, and
 * no close_notify goes out, so the server never reads an end of file.
 */
static void
tls_abandon(struct transport *t)
{
	SSL *ssl = t->impl;

	SSL_set_quiet_shutdown(ssl, 1);
	ERR_clear_error();
	(void)SSL_shutdown(ssl);
	ERR_clear_error();
}

const struct transport_ops transport_tls = {
	"tls", tls_read, tls_write, tls_shutdown, tls_release, tls_abandon,
};

/* Names the certificate must carry: an address, or a host name (+ SNI). */
static int
set_peer_name(SSL *ssl, const char *host)
{
	unsigned char a[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1
		    ? 0 : -1;
	if (SSL_set_tlsext_host_name(ssl, host) != 1 ||
	    SSL_set1_host(ssl, host) != 1)
		return -1;
	return 0;
}

/* Words for a failed handshake: the certificate's fault, or the link's. */
static void
handshake_error(SSL *ssl, const char *host, int err_no, char *err,
    size_t errsz)
{
	long v = SSL_get_verify_result(ssl);
	char why[256];

	ssl_error_text(why, sizeof(why));
	if (v != X509_V_OK)
		fc_errf(err, errsz, "TLS: the certificate of %s was not "
		    "accepted: %s", host, X509_verify_cert_error_string(v));
	else if (why[0] != '\0')
		fc_errf(err, errsz, "TLS handshake with %s failed: %s", host,
		    why);
	else if (err_no == ECONNRESET)
		fc_errf(err, errsz, "TLS handshake with %s failed: the "
		    "connection was closed", host);
	else
		fc_errf(err, errsz, "TLS handshake with %s failed: %s", host,
		    strerror(err_no));
}

int
tlsconn_start(struct transport *t, SSL_CTX *ctx, const char *host,
    SSL_SESSION *resume, char *err, size_t errsz)
{
	SSL *ssl;
	int r, closed = 0, flags;

	ERR_clear_error();
	flags = fcntl(t->fd, F_GETFL);
	if (flags < 0 || fcntl(t->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		fc_errf(err, errsz, "TLS: %s", strerror(errno));
		return -1;
	}
	ssl = SSL_new(ctx);
	if (ssl == NULL) {
		fc_errf(err, errsz, "TLS: out of memory");
		goto fail;
	}
	if (SSL_set_fd(ssl, t->fd) != 1 ||
	    set_peer_name(ssl, host) < 0 ||
	    (resume != NULL && SSL_set_session(ssl, resume) != 1)) {
		handshake_error(ssl, host, ENOMEM, err, errsz);
		goto fail;
	}
	SSL_set_connect_state(ssl);
	for (;;) {
		ERR_clear_error();
		r = SSL_do_handshake(ssl);
		if (r == 1)
			break;
		if (ssl_wait(t, ssl, r, &closed) < 0) {
			handshake_error(ssl, host, closed ? ECONNRESET : errno,
			    err, errsz);
			goto fail;
		}
	}
	t->ops = &transport_tls;
	t->impl = ssl;
	return 0;
fail:
	SSL_free(ssl);
	(void)fcntl(t->fd, F_SETFL, flags);
	return -1;
}

int
tlsconn_active(const struct transport *t)
{
	return t->fd >= 0 && t->ops == &transport_tls;
}

SSL_SESSION *
tlsconn_session(const struct transport *t)
{
	SSL_SESSION *sess;

	if (!tlsconn_active(t))
		return NULL;
	sess = SSL_get1_session(t->impl);
	if (sess != NULL && !SSL_SESSION_is_resumable(sess)) {
		SSL_SESSION_free(sess);
		return NULL;
	}
	return sess;
}

int
tlsconn_resumed(const struct transport *t)
{
	return tlsconn_active(t) && SSL_session_reused(t->impl);
}

void
tlsconn_describe(const struct transport *t, char *out, size_t outsz)
{
	if (!tlsconn_active(t)) {
		fc_errf(out, outsz, "none");
		return;
	}
	fc_errf(out, outsz, "%s, %s", SSL_get_version(t->impl),
	    SSL_get_cipher_name(t->impl));
}
