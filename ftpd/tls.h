/*
 * tls: the server's TLS context (OpenSSL 3) for FTPS (RFC 4217).
 *
 * One SSL_CTX per virtual host serves its sessions: TLS 1.2 or newer, no renegotiation,
 * session resumption on (cache and tickets), so that a data connection can
 * resume its control connection's session. Each FTP session gets a random
 * session-id context that its control and data connections share: OpenSSL
 * resumes a session only within the context it was made in, so a data
 * connection can resume only the session of its own control connection,
 * and with tls_require_reuse one that does not is refused (522).
 *
 * A control connection, though, resumes any valid ticket of the server:
 * it then takes on the ticket's session-id context, and so do its data
 * connections. A client that reconnects skips the full handshake; data
 * connections still resume only sessions whose secret their own control
 * connection holds.
 */
#ifndef FTPD_TLS_H
#define FTPD_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

#include "compat.h"

struct config;

#define TLS_SID_LEN 16

/*
 * One certificate and key: a virtual host's context (vhost.h), swapped
 * whole on reload. New handshakes take the current context; sessions keep
 * the one they started with (OpenSSL counts its references).
 */
struct tls_server;

/*
 * A context with cfg's tls_cert and tls_key. NULL with the reason in err.
 */
struct tls_server *tls_server_new(const struct config *cfg, char *err,
    size_t errsz);

/*
 * SIGHUP: loads cfg's certificate and key (renewed files, or new paths)
 * into a new context that new handshakes use. 0, or -1 with the reason in
 * err: the old context stays.
 */
int tls_server_reload(struct tls_server *t, const struct config *cfg,
    char *err, size_t errsz) WARN_UNUSED;

/* Frees t (NULL: nothing); handshakes made from it keep their context. */
void tls_server_free(struct tls_server *t);

/*
 * A new server-side SSL for a control connection on t's current context,
 * bound to the session-id context sid. owner is handed to the SNI hook
 * (tls_set_sni_hook) when the client names a server. NULL on error.
 */
SSL *tls_server_ssl(struct tls_server *t, void *owner,
    const unsigned char sid[TLS_SID_LEN]) WARN_UNUSED;

/*
 * Server Name Indication: when a client names a server in its hello,
 * pick(owner, name) returns the context to answer with (the host's), or
 * NULL to keep the one the handshake started on (an unknown name gets
 * the default host). Runs on the thread doing the handshake.
 */
void tls_set_sni_hook(struct tls_server *(*pick)(void *owner,
    const char *name));

/* Whether TLS is configured (tls optional or required); set at startup. */
void tls_set_enabled(int on);
int tls_enabled(void);

/*
 * A new server-side SSL for a data connection of the control connection
 * peer, bound to the session-id context sid (or, when peer resumed a
 * ticket, the context it took on from that ticket), made on peer's
 * contexts (the one its handshake started on and the one SNI may have
 * switched it to), so that it can resume peer's session: only that
 * context's cache and ticket keys can, even after a reload replaced the
 * current one. NULL on error.
 */
SSL *tls_new(SSL *peer, const unsigned char sid[TLS_SID_LEN]) WARN_UNUSED;

/*
 * Called when a data connection's handshake is done: with TLS 1.3 on the
 * control connection ctrl, queues one new session ticket there, sent
 * before the next reply. TLS 1.3 clients use a ticket once (curl 7.88
 * offers each ticket on one data connection only, then nothing), so every
 * data connection needs a fresh one, and it must come on the control
 * connection: a client that uploads never reads its data connection, and
 * a ticket left unread there makes its close a reset that loses the end
 * of the upload. The ticket carries this session's id context, so only
 * this session's data connections can resume it. No-op for TLS 1.2
 * (session ids and tickets there can be resumed again and again).
 */
void tls_renew_ticket(SSL *ctrl);

/* Fills sid with random bytes. */
void tls_new_sid(unsigned char sid[TLS_SID_LEN]);

/* The most recent OpenSSL error as text (for logs). */
const char *tls_error_string(char *buf, size_t len);

#endif
