/*
 * tls: the server's TLS context (OpenSSL 3) for FTPS (RFC 4217).
 *
 * One SSL_CTX serves every session: TLS 1.2 or newer, no renegotiation,
 * session resumption on (cache and tickets), so that a data connection can
 * resume its control connection's session. Each FTP session gets a random
 * session-id context that its control and data connections share: OpenSSL
 * resumes a session only within the context it was made in, so a data
 * connection can resume only the session of its own control connection,
 * and with tls_require_reuse one that does not is refused (522).
 */
#ifndef FTPD_TLS_H
#define FTPD_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

#include "compat.h"

struct config;

#define TLS_SID_LEN 16

/* Loads the certificate and key. 0, or -1 with the reason in err. */
int tls_init(const struct config *cfg, char *err, size_t errsz) WARN_UNUSED;

/* Whether TLS is configured (tls optional or required). */
int tls_enabled(void);

/* A new server-side SSL bound to the session-id context sid. NULL on error. */
SSL *tls_new(const unsigned char sid[TLS_SID_LEN]) WARN_UNUSED;

/* Fills sid with random bytes. */
void tls_new_sid(unsigned char sid[TLS_SID_LEN]);

/* The most recent OpenSSL error as text (for logs). */
const char *tls_error_string(char *buf, size_t len);

void tls_free(void);

#endif
