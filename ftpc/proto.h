/*
 * proto: the client end of one FTP control connection.
 *
 * A session owns its control transport, the line reader and the reply
 * parser. Its protocol state changes only through proto_set_state, which
 * also traces the change when debugging, so the state can be followed in
 * one place. Every command sent is checked for CR, LF and NUL first: no
 * argument can smuggle a second command onto the wire.
 *
 * FTPS (RFC 4217): with tls set to PT_EXPLICIT the session sends AUTH TLS
 * after the greeting and runs the handshake on the control connection;
 * with PT_IMPLICIT the handshake comes first, before the greeting. After
 * login it sends PBSZ 0 and PROT P, so that every data connection is TLS
 * too (xfer.c), resuming the control connection's session.
 */
#ifndef FTPC_PROTO_H
#define FTPC_PROTO_H

#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/types.h>

#include "compat.h"
#include "ctrlio.h"
#include "reply.h"
#include "status.h"
#include "transport.h"

enum proto_state {
	PS_DISCONNECTED,	/* no control connection */
	PS_CONNECTED,		/* greeting read, not logged in */
	PS_USER_SENT,		/* USER accepted, PASS expected */
	PS_LOGGED_IN,		/* ready for commands */
	PS_TRANSFER,		/* a data transfer is in progress */
};

/* Features learnt from FEAT. */
enum proto_feat {
	PF_MLSD = 1 << 0,
	PF_SIZE = 1 << 1,
	PF_MDTM = 1 << 2,
	PF_REST = 1 << 3,
	PF_EPSV = 1 << 4,
	PF_UTF8 = 1 << 5,
	PF_MFMT = 1 << 6,
	PF_FEAT = 1 << 7,	/* FEAT itself answered 211 */
	PF_HASH = 1 << 8,	/* HASH (draft-bryan-ftpext-hash) */
	PF_HOST = 1 << 9,	/* HOST (RFC 7151, virtual hosts) */
};

/* What the session asks for on connect. */
enum proto_tls {
	PT_NONE,		/* plain FTP */
	PT_EXPLICIT,		/* AUTH TLS after the greeting */
	PT_IMPLICIT,		/* TLS from the first byte (ftps://, port 990) */
};

#define PROTO_HOST_MAX 256
#define PROTO_CRED_MAX 256

struct proto {
	struct transport ctrl;
	struct ctrl_reader rd;
	struct reply_parser rp;
	unsigned char in[4096];		/* bytes read but not yet fed */
	size_t in_len, in_pos;
	enum proto_state state;
	int code;			/* code of the last reply, -1 if none */
	char host[PROTO_HOST_MAX];
	unsigned port;
	char user[PROTO_CRED_MAX];
	char pass[PROTO_CRED_MAX];	/* kept for extra sessions; wiped */
	struct sockaddr_storage peer;	/* the control connection's peer */
	struct sockaddr_storage local;	/* our end of it */
	unsigned feat;
	unsigned hash_algos;		/* 1 << enum digest_algo, from FEAT */
	int hash_sel;			/* the server's HASH algorithm; -1 unknown */
	int passive;			/* passive data connections */
	int epsv_bad;			/* EPSV refused once: use PASV */
	int eprt_bad;			/* EPRT refused once: use PORT */
	int type_ascii;			/* TYPE on the server; -1 unknown */
	int verbose;			/* echo replies */
	int debug;			/* also echo commands and states */
	long rate_limit;		/* bytes per second, 0 = none */
	enum proto_tls tls;		/* set before proto_connect */
	SSL_CTX *tls_ctx;		/* not owned; needed unless PT_NONE */
	int prot_p;			/* PROT P accepted: data over TLS */
	int timeout_ms;
	char cwd[4096];			/* from the last PWD: for a reconnect */
	FILE *echo;			/* where replies are echoed */
	char err[512];			/* why the last call failed */
};

/* Sets up a disconnected session; timeout_ms bounds every network wait. */
void proto_init(struct proto *s, int timeout_ms);

/* Closes the connection and wipes the credentials. */
void proto_free(struct proto *s);

/* The only way to change s->state. */
void proto_set_state(struct proto *s, enum proto_state st);
const char *proto_state_name(enum proto_state st);

/*
 * Connects and reads the greeting; with s->tls set, also brings up TLS
 * on the control connection (before the greeting for PT_IMPLICIT, by
 * AUTH TLS after it for PT_EXPLICIT). Before AUTH it asks FEAT (RFC 2389
 * allows it before login) and, when the server announces HOST (RFC 7151),
 * sends HOST with the host name (an IP address in brackets), so that a
 * server with virtual hosts picks this host's certificate and users; a
 * refused HOST leaves the server's default host, as on a server without
 * HOST. Features read in the clear before AUTH TLS are forgotten after
 * it (a man in the middle could have forged them): s->feat is then 0 and
 * the caller asks FEAT again after login. Returns FC_OK, or FC_CONNECT
 * with the reason in s->err: a refused AUTH TLS and a certificate that
 * does not verify are connection failures.
 */
enum fc_status proto_connect(struct proto *s, const char *host, unsigned port);

/*
 * USER, then PASS when asked for it. The credentials are copied into the
 * session. On a TLS control connection, then PBSZ 0 and PROT P; a server
 * refusing them gives FC_CONNECT, since data would otherwise go in the
 * clear. Returns FC_OK, FC_LOGIN (refused) or FC_CONNECT.
 */
enum fc_status proto_login(struct proto *s, const char *user, const char *pass);

/*
 * Sends FEAT and records the features; harmless when FEAT is refused
 * (s->feat is then 0, without PF_FEAT).
 */
void proto_feat(struct proto *s);

/*
 * Sends one command. Refuses (-1, s->err set) a command holding CR, LF or
 * NUL, or one too long; -1 too when the connection fails.
 */
int proto_send(struct proto *s, const char *fmt, ...) PRINTF_LIKE(2, 3) WARN_UNUSED;

/*
 * Reads one complete reply. Returns its code, or -1 when the connection
 * failed or timed out (the session is then disconnected). A 421 reply
 * also disconnects the session after it is returned.
 */
int proto_read_reply(struct proto *s);

/* proto_send then proto_read_reply: the reply code, or -1. */
int proto_cmd(struct proto *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* The whole text of the last reply (lines '\n'-separated, codes included). */
const char *proto_reply_text(const struct proto *s);
/* The last line of the last reply, after its code. */
const char *proto_reply_last(const struct proto *s);

/* Sets TYPE A or TYPE I unless the server already has it. */
enum fc_status proto_type(struct proto *s, int ascii);

/* PWD: copies the quoted directory of the 257 reply into out. */
enum fc_status proto_pwd(struct proto *s, char *out, size_t outsz);

/* SIZE: *size, or -1 (and FC_REMOTE) when unknown. */
enum fc_status proto_size(struct proto *s, const char *path, off_t *size);

/* MDTM: the time as UTC seconds. */
enum fc_status proto_mdtm(struct proto *s, const char *path, time_t *when);

/*
 * Sends ABOR the way BSD ftp does: on plain TCP after TELNET IP and Synch
 * (see transport_send_synch); over TLS in band alone, since urgent data
 * cannot pass through TLS. The caller then resets the data connection
 * and calls proto_abort_replies. 0, or -1 when the connection failed.
 */
int proto_send_abor(struct proto *s) WARN_UNUSED;

/*
 * After ABOR: reads exactly the replies the server sends for it, by
 * RFC 959's rules (426 then 226, 426 then 225, 226 then 225, 226 alone,
 * 225 alone), each wait bounded by wait_ms; then sends NOOP and reads up
 * to its reply, dropping any late 225/226 on the way, so that the next
 * command gets its own reply. When the session cannot be proved in step
 * (a timeout, a reply that fits nothing), it is reconnected with
 * proto_reconnect. Returns 0 in step, 1 in step after a reconnect, -1
 * disconnected (s->err says why).
 */
int proto_abort_replies(struct proto *s, int wait_ms);

/*
 * Drops the connection and opens it again with the same host, port,
 * credentials and TLS mode, then returns to the last directory PWD
 * reported. FC_OK, or the failure with s->err set (then disconnected).
 */
enum fc_status proto_reconnect(struct proto *s);

/* QUIT politely (bounded), then close. */
void proto_quit(struct proto *s);

/* Drops the connection without QUIT. */
void proto_close(struct proto *s);

/*
 * The status a failed reply stands for: FC_CONNECT for -1 or 421, FC_LOGIN
 * for 530, FC_REMOTE for other 5xx, FC_XFER for 4xx.
 */
enum fc_status proto_status_of(int code);

/* Sets s->err to the last reply ("550 No such file") and returns its status. */
enum fc_status proto_fail(struct proto *s, int code);

/* Whether code is a positive completion (2xx). */
static inline int
proto_ok(int code)
{
	return code >= 200 && code < 300;
}

/*
 * Opens a second session to the same server, as the same user, with the
 * same TLS mode and context.
 */
enum fc_status proto_clone(struct proto *dst, const struct proto *src);

/* "off", "explicit (AUTH TLS)" or "implicit". */
const char *proto_tls_mode_name(enum proto_tls tls);

/*
 * One line on the session's security for `status`: "off", or the TLS
 * mode, version and cipher, whether the certificate was checked, and
 * whether data connections are protected.
 */
void proto_tls_describe(const struct proto *s, char *out, size_t outsz);

/* Parses "YYYYMMDDHHMMSS[.sss]" (MDTM, MLSD modify=) as UTC. */
int proto_parse_time(const char *s, time_t *when) WARN_UNUSED;

#endif
