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

/* Writes "2026-11-25T15:00:00Z ftpd[pid]: message". */
void log_msg(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Writes one preformatted xferlog line (the newline is added). */
void log_xfer_line(const char *line);

/* Makes log lines quiet (tests of the library code). */
void log_set_quiet(int quiet);

#endif
