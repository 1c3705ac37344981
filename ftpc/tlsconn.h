/*
 * tlsconn: FTPS for ftpc (RFC 4217) — the client TLS context and the
 * TLS transport that slots into transport.h's operations table.
 *
 * ftpc is always the TLS client, on the control connection and on every
 * data connection, passive or active. The certificate is checked against
 * the name or address the user gave (never against anything the server
 * says later). A data connection resumes the control connection's
 * session, as vsftpd's require_ssl_reuse and our ftpd demand, so that a
 * third party cannot slip in a data connection of its own.
 *
 * The prefix is tlsconn_, not tls_: the test programs link ftpd's tls.c
 * into the same binaries.
 */
#ifndef FTPC_TLSCONN_H
#define FTPC_TLSCONN_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "compat.h"
#include "transport.h"

/* The TLS transport; t->impl is its SSL. */
extern const struct transport_ops transport_tls;

/*
 * Makes the client context: TLS 1.2 or newer, no compression, no
 * renegotiation. Unless insecure, the peer's certificate must chain to
 * cacert (a PEM file), or to the system's CA store when cacert is NULL.
 * Returns the context (the caller frees it with SSL_CTX_free), or NULL
 * with the reason in err (e.g. an unreadable cacert).
 */
SSL_CTX *tlsconn_ctx_new(const char *cacert, int insecure, char *err,
    size_t errsz) WARN_UNUSED;

/* Whether ctx checks the peer's certificate. */
int tlsconn_ctx_verifies(const SSL_CTX *ctx);

/*
 * Runs a TLS client handshake on t's connected socket, each wait bounded
 * by t->timeout_ms. host (a name, or an IPv4/IPv6 literal) is sent as SNI
 * when it is a name and is what the certificate must name. resume, when
 * not NULL, is a session to resume (the caller keeps its reference).
 * On success t reads and writes through TLS and 0 is returned; on failure
 * -1 with the reason in err (certificate errors say why the certificate
 * was refused); t is then still a plain, open socket for the caller to
 * close.
 */
int tlsconn_start(struct transport *t, SSL_CTX *ctx, const char *host,
    SSL_SESSION *resume, char *err, size_t errsz) WARN_UNUSED;

/* Whether t currently runs TLS. */
int tlsconn_active(const struct transport *t);

/*
 * The session of t's TLS connection, for a data connection to resume: a
 * new reference (SSL_SESSION_free it), or NULL when t has none that can
 * be resumed. With TLS 1.3 the server sends its tickets after the
 * handshake, so this is taken just before each data connection, by which
 * time replies read on t have carried them in.
 */
SSL_SESSION *tlsconn_session(const struct transport *t);

/* Whether t's handshake resumed a session. */
int tlsconn_resumed(const struct transport *t);

/* "TLSv1.3, TLS_AES_256_GCM_SHA384" for t, or "none". */
void tlsconn_describe(const struct transport *t, char *out, size_t outsz);

#endif
