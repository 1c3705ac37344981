/*
 * log: one line per event, to stderr or a file, safe from any thread
 * (each line is a single write(2) on an O_APPEND descriptor).
 */
#ifndef FTP_LOG_H
#define FTP_LOG_H

#include "compat.h"

/* Sends log lines to path (appending), or to stderr when path is NULL. */
int log_open(const char *path) WARN_UNUSED;

/* Sends transfer lines (xferlog format) to path, or the main log if NULL. */
int log_open_xferlog(const char *path) WARN_UNUSED;

/*
 * Opens the log files again under the same descriptors (after logrotate
 * moved them away; SIGUSR1). Returns 0, or -1 with errno and *failed
 * naming the file that could not be opened (the old one stays in use).
 */
int log_reopen(const char **failed) WARN_UNUSED;

/* How lines look: text (the default) or one JSON object a line. */
enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };
void log_set_format(enum log_format f);

/*
 * Sends log lines (and xferlog lines without an xferlog file) to syslog,
 * facility LOG_FTP, instead of stderr: for a detached server without a
 * log file, whose stderr is gone.
 */
void log_to_syslog(void);

/*
 * Writes a server line: "2026-11-25T15:00:00Z ftpd[pid]: message", or
 * {"time":"…","pid":N,"msg":"…"} in JSON.
 */
void log_msg(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Who a session line is about. */
struct log_who {
	unsigned long long session;	/* the session id, from 1 */
	const char *client;		/* the client's address */
	const char *user;		/* NULL before login */
};

/*
 * Writes a session line: "… ftpd[pid]: [s42] 1.2.3.4 alice: message"
 * ("-" for no user), or in JSON the fields session, client and user
 * beside time, pid and msg.
 */
void log_session(const struct log_who *who, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* Writes one preformatted xferlog line (the newline is added). */
void log_xfer_line(const char *line);

/* Makes log lines quiet (tests of the library code). */
void log_set_quiet(int quiet);

#endif
