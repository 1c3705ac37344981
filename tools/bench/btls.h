/*
 * btls: the benchmark client's TLS context and the one question every
 * non-blocking TLS call ends with ("done, wait for which event, or
 * failed?"), for the engine's explicit FTPS sessions (engine.h).
 */
#ifndef BENCH_BTLS_H
#define BENCH_BTLS_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>

/*
 * A client context that offers exactly one TLS version (12: TLS 1.2,
 * 13: TLS 1.3) with OpenSSL's default ciphers, checks no certificate
 * (the benchmark's is self-signed), and hands every new session of a
 * connection to new_session (OpenSSL's new-session callback: return 1 to
 * keep the session). Returns NULL with a message on stderr.
 */
SSL_CTX *btls_ctx_new(int version, int (*new_session)(SSL *, SSL_SESSION *));

/*
 * Classifies the result ret of a non-blocking SSL call on ssl:
 * 1 when it succeeded, 0 when it has to wait (*events: EPOLLIN or
 * EPOLLOUT), 2 when the peer closed the TLS stream (close_notify or
 * plain EOF), -1 on an error (text in why).
 */
int btls_step(SSL *ssl, int ret, uint32_t *events, char *why, size_t whysz);

/* Frees ssl without sending close_notify and without spoiling its session for reuse. */
void btls_free(SSL *ssl);

#endif
