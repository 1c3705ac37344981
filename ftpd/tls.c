/*
 * tls.c: the server TLS context; see tls.h.
 */
#include <openssl/err.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "tls.h"

/*
 * A host's context for new handshakes. Worker threads take a reference
 * under the lock (SSL_new counts one), so a reload can swap it and drop
 * its own reference while SSL objects made from the old one keep it alive.
 */
struct tls_server {
	SSL_CTX *ctx;
	pthread_mutex_t lock;
};

static int enabled;
static struct tls_server *(*sni_pick)(void *owner, const char *name);

/*
 * Per-SSL data: the owner for the SNI hook, and the context a control
 * connection's handshake started on (SNI may switch it to another one, but
 * its sessions and tickets stay with the first: data connections start
 * there too). The control SSL holds a reference to both contexts.
 */
static int owner_idx = -1, first_ctx_idx = -1;
static pthread_once_t idx_once = PTHREAD_ONCE_INIT;

static void
make_indexes(void)
{
	owner_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	first_ctx_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* SNI: answers with the context the hook picks for the name. */
static int
servername_cb(SSL *ssl, int *al, void *arg)
{
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	void *owner = SSL_get_ex_data(ssl, owner_idx);
	struct tls_server *to;

	(void)al;
	(void)arg;
	if (name == NULL || owner == NULL || sni_pick == NULL ||
	    (to = sni_pick(owner, name)) == NULL)
		return SSL_TLSEXT_ERR_NOACK;
	pthread_mutex_lock(&to->lock);
	if (SSL_get_SSL_CTX(ssl) != to->ctx &&
	    SSL_set_SSL_CTX(ssl, to->ctx) == NULL) {
		pthread_mutex_unlock(&to->lock);
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	}
	pthread_mutex_unlock(&to->lock);
	return SSL_TLSEXT_ERR_OK;
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
		/* Control connections carry their first context. */
		if (first_ctx_idx >= 0 &&
		    SSL_get_ex_data(ssl, first_ctx_idx) != NULL &&
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
	SSL_CTX_set_tlsext_servername_callback(c, servername_cb);
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

struct tls_server *
tls_server_new(const struct config *cfg, char *err, size_t errsz)
{
	struct tls_server *t = calloc(1, sizeof(*t));

	(void)pthread_once(&idx_once, make_indexes);
	if (t == NULL || pthread_mutex_init(&t->lock, NULL) != 0) {
		free(t);
		snprintf(err, errsz, "TLS setup: out of memory");
		return NULL;
	}
	if (build_ctx(cfg, &t->ctx, err, errsz) < 0) {
		tls_server_free(t);
		return NULL;
	}
	return t;
}

int
tls_server_reload(struct tls_server *t, const struct config *cfg, char *err,
    size_t errsz)
{
	SSL_CTX *fresh, *old;

	if (build_ctx(cfg, &fresh, err, errsz) < 0)
		return -1;
	pthread_mutex_lock(&t->lock);
	old = t->ctx;
	t->ctx = fresh;
	pthread_mutex_unlock(&t->lock);
	SSL_CTX_free(old);
	return 0;
}

void
tls_server_free(struct tls_server *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

void
tls_set_sni_hook(struct tls_server *(*pick)(void *owner, const char *name))
{
	sni_pick = pick;
}

void
tls_set_enabled(int on)
{
	__atomic_store_n(&enabled, on, __ATOMIC_RELEASE);
}

int
tls_enabled(void)
{
	return __atomic_load_n(&enabled, __ATOMIC_ACQUIRE);
}

void
tls_new_sid(unsigned char sid[TLS_SID_LEN])
{
	if (RAND_bytes(sid, TLS_SID_LEN) != 1)
		memset(sid, 0, TLS_SID_LEN);	/* still works, just shared */
}

/* Binds ssl to the session-id context id. ssl, or NULL (freed) on error. */
static SSL *
bind_sid(SSL *ssl, const unsigned char *id, unsigned int len)
{
	if (ssl != NULL &&
	    SSL_set_session_id_context(ssl, id, len) != 1) {
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

SSL *
tls_server_ssl(struct tls_server *t, void *owner,
    const unsigned char sid[TLS_SID_LEN])
{
	SSL *ssl;

	pthread_mutex_lock(&t->lock);
	ssl = SSL_new(t->ctx);
	if (ssl != NULL && (SSL_set_ex_data(ssl, first_ctx_idx, t->ctx) != 1 ||
	    SSL_set_ex_data(ssl, owner_idx, owner) != 1)) {
		SSL_free(ssl);
		ssl = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	return bind_sid(ssl, sid, TLS_SID_LEN);
}

SSL *
tls_new(SSL *peer, const unsigned char sid[TLS_SID_LEN])
{
	SSL_CTX *now = SSL_get_SSL_CTX(peer), *first;
	const unsigned char *id = sid;
	unsigned int len = TLS_SID_LEN;
	SSL_SESSION *ps;
	SSL *ssl;

	/* A resumed control connection took its ticket's context. */
	if ((ps = SSL_get0_session(peer)) != NULL &&
	    ((id = SSL_SESSION_get0_id_context(ps, &len)) == NULL || len == 0)) {
		id = sid;
		len = TLS_SID_LEN;
	}
	if ((first = SSL_get_ex_data(peer, first_ctx_idx)) == NULL)
		first = now;
	if ((ssl = SSL_new(first)) == NULL)
		return NULL;
	/* The certificate SNI chose; the session cache stays the first's. */
	if (now != first && SSL_set_SSL_CTX(ssl, now) == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	return bind_sid(ssl, id, len);
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

