/*
 * btls.c: the benchmark client's TLS context; see btls.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <openssl/err.h>

#include "btls.h"

SSL_CTX *
btls_ctx_new(int version, int (*new_session)(SSL *, SSL_SESSION *))
{
	int v = version == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());

	if (c == NULL || (version != 12 && version != 13) ||
	    !SSL_CTX_set_min_proto_version(c, v) ||
	    !SSL_CTX_set_max_proto_version(c, v)) {
		fprintf(stderr, "ftpbench: cannot make a TLS 1.%d context\n",
		    version % 10);
		SSL_CTX_free(c);
		return NULL;
	}
	SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	/* A server that closes without close_notify has still ended the file. */
	SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
	/*
	 * Read ahead: one read(2) takes several records instead of a header
	 * and a body each; the engine reads until WANT_READ, so nothing
	 * buffered inside OpenSSL is forgotten by the level-triggered epoll.
	 */
	SSL_CTX_set_read_ahead(c, 1);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(c, new_session);
	return c;
}

int
btls_step(SSL *ssl, int ret, uint32_t *events, char *why, size_t whysz)
{
	unsigned long code;

	if (ret > 0)
		return 1;
	switch (SSL_get_error(ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		*events = EPOLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*events = EPOLLOUT;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return 2;
	case SSL_ERROR_SYSCALL:
		if (errno == EAGAIN || errno == EINTR) {
			*events = EPOLLIN;
			return 0;
		}
		snprintf(why, whysz, "TLS: %s", errno ? strerror(errno) :
		    "connection closed");
		ERR_clear_error();
		return -1;
	default:
		code = ERR_get_error();
		snprintf(why, whysz, "TLS: %s", code ?
		    ERR_reason_error_string(code) : "protocol error");
		ERR_clear_error();
		return -1;
	}
}

void
btls_free(SSL *ssl)
{
	if (ssl == NULL)
		return;
	/*
	 * Freed without a shutdown, OpenSSL would mark the session not
	 * resumable; the benchmark closes on purpose, so say it is shut.
	 */
	SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_free(ssl);
}
