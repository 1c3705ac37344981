/*
 * progress: the transfer progress bar (name, bytes, percent, rate, ETA)
 * drawn on a terminal, the one summary line that ends every transfer,
 * and the pure formatting behind both.
 *
 * The bar is first drawn when the first bytes move, so it starts on its
 * own line after the transfer command's 150 reply (shown under -v), and
 * it is erased before the final reply is read, so no reply is ever
 * written into it. It leaves three columns free at the right, so that
 * the terminal's "^C" echo never wraps onto the next line.
 */
#ifndef FTPC_PROGRESS_H
#define FTPC_PROGRESS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct progress {
	char name[128];
	off_t total;		/* expected final size, -1 if unknown */
	off_t offset;		/* bytes already there when we started */
	off_t bytes;		/* bytes there now, offset included */
	double t0;		/* when the transfer started */
	double last;		/* when the bar was last drawn */
	double t1;		/* when the transfer ended (progress_end) */
	int enabled;
	int drawn;		/* something is on the line */
	FILE *out;
};

/* Seconds on a monotonic clock. */
double progress_now(void);

/* "512 B", "1.5 KiB", "12.3 MiB", "2.0 GiB": always fits in 12 bytes. */
void progress_human(off_t n, char *out, size_t outsz);

/* "00:05", "12:34", "1:02:03", "--:--" for a negative or absurd value. */
void progress_eta(double seconds, char *out, size_t outsz);

/*
 * Formats one bar line of at most width columns (no newline): name,
 * a bar and percent when total is known, bytes, rate, and ETA (or the
 * elapsed time when done). rate is in bytes per second.
 */
void progress_format(char *out, size_t outsz, const char *name, off_t bytes,
    off_t total, double rate, double elapsed, int done, int width);

/*
 * The summary line of a finished transfer, without newline:
 * "NAME: 104857600 bytes received in 5.0 s (19.99 MiB/s)" ("sent" when
 * upload). bytes are those moved by this transfer; seconds its duration.
 */
void progress_summary(char *out, size_t outsz, const char *name, off_t bytes,
    double seconds, int upload);

/*
 * Starts a transfer's accounting for name, shown as it is (mirror shows
 * the path below its root, "sub/deep.txt"); nothing is drawn yet.
 * enabled 0 draws no bar (the counters still run for the summary). out
 * is normally stderr.
 */
void progress_begin(struct progress *p, const char *name, off_t total,
    off_t offset, int enabled, FILE *out);

/* The name a bar shows for a local path: its last component. */
const char *progress_basename(const char *path);

/* Notes that bytes (offset included) are now there; redraws at most 10/s. */
void progress_update(struct progress *p, off_t bytes);

/* Erases the bar, if one is drawn, leaving the cursor at column 0. */
void progress_clear(struct progress *p);

/* Ends the transfer: erases the bar and draws no more. */
void progress_end(struct progress *p);

/* Prints the summary line of p (see progress_summary) on f. */
void progress_report(const struct progress *p, FILE *f, int upload);

/* The same with suffix appended (", verified SHA-256"); NULL for none. */
void progress_report_with(const struct progress *p, FILE *f, int upload,
    const char *suffix);

#endif
