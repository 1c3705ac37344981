/*
 * tls.c: the server TLS context; see tls.h.
 */
#include <openssl/err.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "tls.h"

/*
 * The context for new handshakes. Worker threads take a reference under
 * the lock (SSL_new counts one), so a reload can swap it and drop its own
 * reference while SSL objects made from the old one keep it alive.
 */
static SSL_CTX *ctx;
static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Control connections are marked (ex_data) so that the ticket callback
 * below can tell them from data connections.
 */
static int ctrl_mark_idx = -1;
static pthread_once_t ctrl_mark_once = PTHREAD_ONCE_INIT;

static void
make_ctrl_mark(void)
{
	ctrl_mark_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/*
 * A ticket was decrypted. On a control connection a valid one is used
 * whatever FTP session it came from: the connection takes on the
 * ticket's session-id context, so OpenSSL's context check passes and a
 * client that reconnects skips the full handshake (its key exchange and
 * signature), and that FTP session's data connections resume in that
 * context too (tls_new takes it from the control connection). A data
 * connection keeps its own context: it resumes only its control
 * connection's sessions (tls.h). The rest is OpenSSL's default answer.
 */
static SSL_TICKET_RETURN
ticket_decrypted(SSL *ssl, SSL_SESSION *sess, const unsigned char *keyname,
    size_t keyname_len, SSL_TICKET_STATUS status, void *arg)
{
	const unsigned char *sid;
	unsigned int len;

	(void)keyname;
	(void)keyname_len;
	(void)arg;
	switch (status) {
	case SSL_TICKET_SUCCESS:
	case SSL_TICKET_SUCCESS_RENEW:
		if (ctrl_mark_idx >= 0 &&
		    SSL_get_ex_data(ssl, ctrl_mark_idx) != NULL &&
		    (sid = SSL_SESSION_get0_id_context(sess, &len)) != NULL &&
		    len > 0 &&
		    SSL_set_session_id_context(ssl, sid, len) != 1)
			return SSL_TICKET_RETURN_IGNORE_RENEW;
		return status == SSL_TICKET_SUCCESS ? SSL_TICKET_RETURN_USE :
		    SSL_TICKET_RETURN_USE_RENEW;
	case SSL_TICKET_EMPTY:
	case SSL_TICKET_NO_DECRYPT:
		return SSL_TICKET_RETURN_IGNORE_RENEW;
	default:
		return SSL_TICKET_RETURN_ABORT;
	}
}

/*
 * Cipher order, the server's: AES-128-GCM first (with AES-NI the fastest
 * per byte, some 30 % cheaper than AES-256-GCM, which OpenSSL puts
 * first), then the rest of OpenSSL's defaults. A client that puts
 * ChaCha20 first (a CPU without AES instructions) gets it.
 */
static int
prefer_fast_ciphers(SSL_CTX *c)
{
	SSL_CTX_set_options(c, SSL_OP_PRIORITIZE_CHACHA);
	return SSL_CTX_set_ciphersuites(c, "TLS_AES_128_GCM_SHA256:"
	    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") == 1 &&
	    SSL_CTX_set_cipher_list(c, "ECDHE+AES128+AESGCM:DEFAULT") == 1 ?
	    0 : -1;
}

/* Makes a context with cfg's certificate and key into *out. 0 or -1. */
static int
build_ctx(const struct config *cfg, SSL_CTX **out, char *err, size_t errsz)
{
	SSL_CTX *c;
	char why[256];

	ERR_clear_error();
	if ((c = *out = SSL_CTX_new(TLS_server_method())) == NULL)
		goto fail;
	if (!SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) ||
	    prefer_fast_ciphers(c) < 0 ||
	    SSL_CTX_set_session_ticket_cb(c, NULL, ticket_decrypted, NULL) != 1)
		goto fail;
	SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_COMPRESSION);
	/* Idle sessions keep no I/O buffers; writes may be partial. */
	SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_SERVER);
	SSL_CTX_sess_set_cache_size(c, 100000);
	if (SSL_CTX_use_certificate_chain_file(c, cfg->tls_cert) != 1) {
		snprintf(err, errsz, "tls_cert %s: %s", cfg->tls_cert,
		    tls_error_string(why, sizeof(why)));
		goto undo;
	}
	if (SSL_CTX_use_PrivateKey_file(c, cfg->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(c) != 1) {
		snprintf(err, errsz, "tls_key %s: %s", cfg->tls_key,
		    tls_error_string(why, sizeof(why)));
		goto undo;
	}
	return 0;
fail:
	snprintf(err, errsz, "TLS setup: %s", tls_error_string(why, sizeof(why)));
undo:
	SSL_CTX_free(c);
	*out = NULL;
	return -1;
}

int
tls_init(const struct config *cfg, char *err, size_t errsz)
{
	if (config_tls_mode(cfg) == TLS_OFF)
		return 0;
	return build_ctx(cfg, &ctx, err, errsz);
}

int
tls_reload(const struct config *cfg, char *err, size_t errsz)
{
	SSL_CTX *fresh, *old;

	if (ctx == NULL)
		return 0;
	if (build_ctx(cfg, &fresh, err, errsz) < 0)
		return -1;
	pthread_mutex_lock(&ctx_lock);
	old = ctx;
	__atomic_store_n(&ctx, fresh, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctx_lock);
	SSL_CTX_free(old);
	return 0;
}

int
tls_enabled(void)
{
	return __atomic_load_n(&ctx, __ATOMIC_ACQUIRE) != NULL;
}

void
tls_new_sid(unsigned char sid[TLS_SID_LEN])
{
	if (RAND_bytes(sid, TLS_SID_LEN) != 1)
		memset(sid, 0, TLS_SID_LEN);	/* still works, just shared */
}

SSL *
tls_new(SSL *peer, const unsigned char sid[TLS_SID_LEN])
{
	const unsigned char *ctx_id = sid;
	unsigned int ctx_len = TLS_SID_LEN;
	SSL_SESSION *ps;
	SSL *ssl;

	(void)pthread_once(&ctrl_mark_once, make_ctrl_mark);
	if (peer != NULL) {
		ssl = SSL_new(SSL_get_SSL_CTX(peer));
		/* A resumed control connection took its ticket's context. */
		if ((ps = SSL_get0_session(peer)) != NULL &&
		    (ctx_id = SSL_SESSION_get0_id_context(ps, &ctx_len)) == NULL) {
			ctx_id = sid;
			ctx_len = TLS_SID_LEN;
		}
	} else {
		pthread_mutex_lock(&ctx_lock);
		ssl = ctx != NULL ? SSL_new(ctx) : NULL;
		pthread_mutex_unlock(&ctx_lock);
		if (ssl != NULL && (ctrl_mark_idx < 0 ||
		    SSL_set_ex_data(ssl, ctrl_mark_idx, (void *)1) != 1)) {
			SSL_free(ssl);
			return NULL;
		}
	}
	if (ssl == NULL)
		return NULL;
	if (ctx_len == 0 ||
	    SSL_set_session_id_context(ssl, ctx_id, ctx_len) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

void
tls_renew_ticket(SSL *ctrl)
{
	if (ctrl != NULL && SSL_version(ctrl) == TLS1_3_VERSION)
		(void)SSL_new_session_ticket(ctrl);	/* best effort */
}

const char *
tls_error_string(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "unknown TLS error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

void
tls_free(void)
{
	SSL_CTX_free(ctx);
	ctx = NULL;
}
