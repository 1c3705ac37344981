/*
 * session: one FTP control connection and everything it owns.
 *
 * A session lives on one worker thread's event loop from accept to close;
 * only that thread touches it. The command handlers receive it and reply
 * through session_reply; the dispatcher (session.c) reads lines, enforces
 * the command table's rules and holds back commands while a transfer runs.
 */
#ifndef FTPD_SESSION_H
#define FTPD_SESSION_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "compat.h"
#include "ctrlio.h"
#include "ratelimit.h"
#include "userlimits.h"
#include "vpath.h"

struct bufferevent;
struct event;
struct worker;
struct config;
struct xfer;
struct dataconn;
struct hash_state;
struct ssl_st;
struct evbuffer_cb_entry;
struct user_usage;

enum login_state {
	LOGIN_NEED_USER,
	LOGIN_NEED_PASS,
	LOGIN_DONE,
};

struct session {
	struct worker *worker;
	/*
	 * The settings: cfg is the host the session chose (HOST, or SNI on
	 * TLS; vhost.h), base the snapshot it started with, which is the
	 * default host and holds the table of hosts. Both are read-only.
	 */
	const struct config *cfg;
	const struct config *base;
	unsigned host_given : 1;	/* HOST (or SNI) chose cfg */
	unsigned greet_pending : 1;	/* implicit TLS: 220 after handshake */
	struct session *next, *prev;	/* the worker's list */
	unsigned long long id;		/* unique in the process, from 1 */
	time_t since;			/* when it connected */
	const char *verb;		/* the command running (cmdtab), or NULL */
	char cmd[96];			/* the last command, PASS masked (who) */

	struct bufferevent *ctrl;
	struct sockaddr_storage peer;	/* control peer, unmapped */
	struct sockaddr_storage local;	/* our end of the control connection */
	char peer_str[64];		/* "1.2.3.4" or "::1" for logs */
	struct ctrl_reader reader;
	struct buf held;		/* commands waiting for a transfer to end,
					   each NUL-terminated, in order */
	unsigned closing : 1;		/* close once the output is flushed */
	unsigned paused : 1;		/* no commands read (login delay) */
	unsigned running : 1;		/* inside session_run */
	unsigned corked : 1;		/* replies wait in s->cork */
	struct buf cork;		/* replies held by session_cork */
	struct event *run_ev;		/* makes session_run run soon */
	struct evbuffer_cb_entry *under_cb;	/* AUTH TLS: see session.c */
	unsigned char close_polls;	/* waits for TLS output to drain */
	unsigned long commands;		/* command lines seen */
	struct event *login_ev;		/* login timeout, until logged in */
	struct event *pause_ev;		/* failed-login delay */
	struct event *hangup_ev;	/* the peer's end while suspended */
	void (*pause_done)(struct session *);
	struct auth_job *auth_job;	/* lookup and password check in flight */
	uint64_t check_slot_ms;		/* its tarpit booking (connlimit.h) */

	enum login_state login;
	char *user;			/* name given to USER */
	unsigned anonymous : 1;
	unsigned writable : 1;
	unsigned failed_logins;
	int root_fd;			/* the home, O_PATH */
	char *cwd;			/* canonical virtual path */

	unsigned type_ascii : 1;
	unsigned epsv_all : 1;
	unsigned mlst_facts;
	off_t rest;			/* REST offset for the next transfer */
	char *rnfr;			/* source of a pending rename */

	struct dataconn *dc;		/* the data connection (dataconn.h) */
	struct xfer *xfer;		/* the transfer in progress */
	struct hash_state *hash;	/* HASH settings and job (cmd_hash.c) */

	/* FTPS (RFC 4217) */
	unsigned tls_active : 1;	/* the control connection is encrypted */
	unsigned tls_counted : 1;	/* its handshake's end was counted */
	unsigned pbsz_done : 1;
	unsigned prot_private : 1;	/* PROT P: data connections use TLS */
	unsigned char tls_sid[16];	/* session-id context, see tls.h */

	unsigned long long bytes_in, bytes_out;
	unsigned files_in, files_out;

	/* Bandwidth and quotas (usage.h): the user's own limits (from the
	 * users backend), the user's shared state, the session's buckets. */
	struct user_limits limits;
	struct user_usage *usage;	/* NULL: anonymous, not logged in */
	struct rl_bucket rl_down, rl_up;
};

/*
 * Takes over a connected control socket: makes the session, sends the
 * greeting and registers it with the worker. Closes fd on failure.
 */
void session_start(struct worker *w, int fd, const struct sockaddr *sa,
    socklen_t salen, int implicit_tls);

/*
 * After "234" to AUTH TLS: throws away whatever the client sent after the
 * AUTH command (it arrived in plaintext and could be injected), then runs
 * the control connection through TLS. Returns 0, or -1 (session closing).
 */
int session_start_tls(struct session *s);

/*
 * Queues a reply (text may hold '\n' for a multi-line reply). printf-style.
 */
void session_reply(struct session *s, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);

/*
 * Holds the replies that follow in the session until session_uncork,
 * which sends them in one write. A transfer that starts and ends within
 * one turn of the event loop (a small file) then costs one write and one
 * wake-up of the client for "150" and "226" together, instead of two.
 * Whoever corks must uncork before the session waits on anything the
 * client may hold back until it has seen the replies (the data
 * connection, its handshake, its flow control).
 */
void session_cork(struct session *s);
void session_uncork(struct session *s);

/* The control connection's SSL, or NULL while it is plain. */
struct ssl_st *session_ctrl_ssl(struct session *s);

/* Queues a reply whose text is given as-is (no format processing). */
void session_reply_text(struct session *s, int code, const char *text);

/*
 * Replies code (none when code is 0), then closes the session once the
 * output is sent. The session stays valid until the event loop runs.
 */
void session_close_after(struct session *s, int code, const char *text);

/*
 * Stops reading commands for ms milliseconds, then calls done(s) and reads
 * on (unless done closed the session). Used to slow down password guessing.
 */
void session_pause(struct session *s, unsigned ms, void (*done)(struct session *));

/*
 * Stops reading commands until session_continue (a password check or a
 * hash runs meanwhile). Commands already received wait, in order. A
 * hangup meanwhile frees the session at once (cancelling the work, see
 * session_free), rather than when the work ends. session_continue marks
 * the session runnable; the input loop goes on from the event loop.
 */
void session_suspend(struct session *s);
void session_continue(struct session *s);

/* Ends the login timeout (the session logged in). */
void session_logged_in(struct session *s);

/* Closes the session at once and frees it. */
void session_free(struct session *s);

/*
 * Called when a transfer ends: marks the session runnable, so that its
 * input loop runs the commands held back and reads on from the event
 * loop (never from inside the caller: no re-entry).
 */
void session_resume(struct session *s);

/*
 * Resolves a client path argument against the cwd into out (VPATH_MAX).
 * Replies 553 and returns -1 when it is too long.
 */
int session_path(struct session *s, const char *arg, char *out) WARN_UNUSED;

/* Sets a new current directory (canonical path). */
int session_set_cwd(struct session *s, const char *path) WARN_UNUSED;

/*
 * Replies 550 with a reason derived from errno for action on path, and
 * logs the failure with the command's verb ("DELE x failed: ...").
 */
void session_reply_errno(struct session *s, int err, const char *path);

/*
 * Replies 550 "path: why." to a request refused by policy rather than
 * by the file system (a FIFO as a transfer's target), and logs it as
 * "VERB path refused: why".
 */
void session_refuse(struct session *s, const char *path, const char *why);

/*
 * Writes a session log line: its id, the peer and the user (log.h,
 * log_session).
 */
void session_log(struct session *s, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Turns the control connection's idle timeout on or off. */
void session_idle_timeout(struct session *s, int on);

/* Whether the worker is shutting down (new transfers are refused). */
int session_shutting_down(const struct session *s);

#endif
