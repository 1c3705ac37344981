/*
 * engine: many FTP client sessions driven by one epoll loop, for the
 * benchmark (tools/bench/README.md).
 *
 * Each session is a small state machine over a non-blocking control
 * connection and, while a transfer runs, one passive data connection
 * (PASV, a new one per file, as ordinary clients do). Downloads are
 * discarded in the kernel (recv with MSG_TRUNC) and uploads come from a
 * file with sendfile(2) or from one 4 KiB buffer, so that the client costs
 * as little CPU as it can and is never the bottleneck. Any reply the job
 * does not expect ends the run with a message naming the session, the
 * command and the reply.
 *
 * With cfg.tls set, sessions speak explicit FTPS (RFC 4217): AUTH TLS
 * after the greeting, PBSZ 0 and PROT P before the first data
 * connection, and every data connection resumes the newest TLS session
 * of its FTP session, first the control connection's (servers may
 * require it: vsftpd's require_ssl_reuse, ftpd's tls_require_reuse). TLS downloads are
 * decrypted (SSL_read into one buffer, then dropped); TLS uploads encrypt
 * one 64 KiB buffer over and over.
 */
#ifndef BENCH_ENGINE_H
#define BENCH_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a session does once logged in. */
enum job {
	JOB_IDLE,	/* stay logged in and quiet */
	JOB_LOGINS,	/* QUIT, reconnect and log in again, until stopped */
	JOB_GET,	/* RETR each file of the list, then wait */
	JOB_PUT,	/* STOR each file of the list, then wait */
	JOB_PROBE,	/* LIST the home folder once, then QUIT */
	JOB_NOOP,	/* send NOOP whenever engine_noop is called */
};

struct engine_cfg {
	const char *host;		/* numeric IPv4 address */
	unsigned port;
	const char *user, *pass;
	const char *name_fmt;		/* remote name, may hold one %u */
	unsigned nfiles;		/* files per GET/PUT session */
	uint64_t put_size;		/* bytes per uploaded file */
	int put_src_fd;			/* sendfile source, or -1: a buffer */
	uint64_t get_size;		/* expected bytes per file, 0: any */
	int barrier;			/* GET/PUT wait for engine_go */
	int tls;			/* 0: plain; 12, 13: FTPS, that TLS version */
	int tls_resume;			/* reconnects resume the last control session */
};

/* What the TLS connections of a run negotiated, for the report. */
struct engine_tls_stats {
	char version[16], cipher[64];	/* of the first control connection */
	unsigned ctrl, ctrl_resumed;	/* control handshakes, of them resumed */
	unsigned data, data_resumed;	/* data handshakes, of them resumed */
};

struct engine;

/* Per-session results, valid after the session finished its job. */
struct sess_result {
	double t_start, t_done;		/* monotonic seconds */
	uint64_t bytes;			/* data bytes moved */
	unsigned files;			/* files completed */
	unsigned logins;		/* logins completed (JOB_LOGINS) */
};

/*
 * Creates an engine for up to max_sessions sessions (the caller raises
 * RLIMIT_NOFILE first). Returns NULL with a message on stderr.
 */
struct engine *engine_new(const struct engine_cfg *cfg, unsigned max_sessions);

/* Closes every connection and frees the engine. */
void engine_free(struct engine *e);

/*
 * Starts a new session with the given job: it connects and logs in.
 * Returns its index, or -1 when the table is full.
 */
int engine_start(struct engine *e, enum job job);

/*
 * Runs the loop for at most timeout_ms (0: one non-blocking pass, -1: no
 * limit) or until stop() returns non-zero (checked after every batch of
 * events; may be NULL). Also watches extra_fd (-1: none) and returns 1
 * when it is readable. Returns 0 when stopped or timed out, -1 on a
 * session error (message printed).
 */
int engine_run(struct engine *e, int timeout_ms, int (*stop)(struct engine *),
    int extra_fd);

/* Counters, for stop conditions and reports. */
unsigned engine_logged_in(const struct engine *e);	/* now logged in */
unsigned engine_done(const struct engine *e);		/* jobs finished */
unsigned engine_logins(const struct engine *e);		/* logins ever */
unsigned engine_sessions(const struct engine *e);	/* started */
int engine_waiting(const struct engine *e);		/* logins in flight */

/* Describes how many sessions are in which phase, e.g. "banner 3". */
void engine_phases(const struct engine *e, char *out, size_t n);

/* Releases the barrier: every waiting GET/PUT session starts now. */
void engine_go(struct engine *e);

/* Makes session idx (a JOB_NOOP one that is idle) send NOOP; 0 or -1. */
int engine_noop(struct engine *e, int idx);

/* Latency of the last NOOP answered on session idx, or -1 if pending. */
double engine_noop_latency(const struct engine *e, int idx);

/* Closes session idx (QUIT is not sent). */
void engine_close(struct engine *e, int idx);

/* Stops JOB_LOGINS sessions from starting another round. */
void engine_stop_logins(struct engine *e);

const struct sess_result *engine_result(const struct engine *e, int idx);

/* The TLS figures so far (all zero for plain FTP). */
const struct engine_tls_stats *engine_tls(const struct engine *e);

/* Monotonic clock in seconds. */
double now_s(void);

#endif
