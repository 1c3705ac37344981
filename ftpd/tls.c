/*
 * tls.c: the server TLS context; see tls.h.
 */
#include <openssl/err.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "tls.h"

static SSL_CTX *ctx;

int
tls_init(const struct config *cfg, char *err, size_t errsz)
{
	char why[256];

	if (config_tls_mode(cfg) == TLS_OFF)
		return 0;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		goto fail;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_COMPRESSION);
	/* Idle sessions keep no I/O buffers; writes may be partial. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_sess_set_cache_size(ctx, 100000);
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert) != 1) {
		snprintf(err, errsz, "tls_cert %s: %s", cfg->tls_cert,
		    tls_error_string(why, sizeof(why)));
		return -1;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errsz, "tls_key %s: %s", cfg->tls_key,
		    tls_error_string(why, sizeof(why)));
		return -1;
	}
	return 0;
fail:
	snprintf(err, errsz, "TLS setup: %s", tls_error_string(why, sizeof(why)));
	return -1;
}

int
tls_enabled(void)
{
	return ctx != NULL;
}

void
tls_new_sid(unsigned char sid[TLS_SID_LEN])
{
	if (RAND_bytes(sid, TLS_SID_LEN) != 1)
		memset(sid, 0, TLS_SID_LEN);	/* still works, just shared */
}

SSL *
tls_new(const unsigned char sid[TLS_SID_LEN])
{
	SSL *ssl;

	if (ctx == NULL || (ssl = SSL_new(ctx)) == NULL)
		return NULL;
	if (SSL_set_session_id_context(ssl, sid, TLS_SID_LEN) != 1) {
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
