/*
 * curlreq: one libcurl FTP request against the test server, with the
 * control-channel transcript captured.
 *
 * curlreq_open makes an easy handle for the server and a path, logged in
 * as a user, with bounded timeouts, the body collected in memory and every
 * command and reply line recorded; the test adds its own options and calls
 * curlreq_run, which performs the request and closes the handle (so that
 * the QUIT exchange is part of the transcript too).
 */
#ifndef FTP_CURLREQ_H
#define FTP_CURLREQ_H

#include <curl/curl.h>
#include <stddef.h>

#include "harness.h"

/* Every libcurl request ends within this many seconds. */
#define CURLREQ_TIMEOUT 30

struct curlreq {
	CURLcode rc;			/* what curl_easy_perform returned */
	long code;			/* the last reply code */
	curl_off_t length;		/* size learnt by SIZE (or -1) */
	curl_off_t filetime;		/* time learnt by MDTM (or -1) */
	char *body;			/* bytes received (NUL-terminated) */
	size_t body_len;
	/* Lines "> CMD" sent and "< 200 text" received, each ending in '\n'. */
	char *log;
	size_t log_len;
	const unsigned char *up;	/* upload source, see curlreq_upload */
	size_t up_len, up_pos;
	struct curl_slist *lists[3];	/* quote lists, freed by curlreq_run */
	char error[CURL_ERROR_SIZE];
	unsigned failures_before;	/* CUnit failures at curlreq_open */
};

/*
 * Zeroes r and returns a handle for path (relative to the login
 * directory; a leading '/' makes it absolute; names are URL-encoded here,
 * "." and ".." segments included, so they reach the server as written).
 * user NULL means curl's anonymous login; a user's password is "secret".
 * Aborts the program when libcurl cannot make a handle.
 */
CURL *curlreq_open(const struct server *srv, const char *user,
    const char *path, struct curlreq *r);

/* Makes the request an upload of len bytes from data (kept by the caller). */
void curlreq_upload(CURL *h, struct curlreq *r, const void *data, size_t len);

/*
 * Sets CURLOPT_QUOTE, CURLOPT_PREQUOTE or CURLOPT_POSTQUOTE to the given
 * NULL-terminated commands (a leading '*' lets a command fail). The list
 * belongs to r.
 */
void curlreq_quote(CURL *h, struct curlreq *r, CURLoption which,
    const char *first, ...);

/*
 * A request that only sends commands: logs in as user, sends the
 * NULL-terminated quote commands (a leading '*' lets one fail) and quits.
 * Fills r; returns what curl returned.
 */
CURLcode curlreq_commands(const struct server *srv, const char *user,
    struct curlreq *r, const char *first, ...);

/* Performs the request, fills r and cleans the handle up. Returns r->rc. */
CURLcode curlreq_run(CURL *h, struct curlreq *r);

/*
 * Prints the transcript when an assertion failed since curlreq_open (or
 * always when CURLREQ_DUMP is set in the environment), then frees what r
 * holds.
 */
void curlreq_done(struct curlreq *r);

/*
 * The reply to the n-th (from 0) command sent that starts with cmd, any
 * case ("PWD" matches "PWD" and "pwd /x" but not "XPWD", nor "PWDX": a cmd
 * that ends in a letter or digit ends a word): its code, and its first
 * line copied into text (may be NULL). Returns -1 when there is none.
 */
int curlreq_reply(const struct curlreq *r, const char *cmd, unsigned n,
    char *text, size_t textsz);

/* Like curlreq_reply for the first such command; just the code. */
int curlreq_code(const struct curlreq *r, const char *cmd);

/* Whether a received line contains text. */
int curlreq_saw(const struct curlreq *r, const char *text);

/* Whether a received line is exactly text (without its CRLF). */
int curlreq_line(const struct curlreq *r, const char *text);

/* Whether the body is exactly the len bytes at data (compared by SHA-256). */
int curlreq_body_equals(const struct curlreq *r, const void *data, size_t len);

/*
 * Whether the body holds a line that is exactly text (lines end in LF;
 * a CR before it is ignored, as curl turns listings' CRLF into LF).
 */
int curlreq_body_line(const struct curlreq *r, const char *text);

/* Whether a command starting with prefix was sent. */
int curlreq_sent(const struct curlreq *r, const char *prefix);

/* A command and the reply code it must get. */
struct curlreq_case {
	const char *cmd;
	int code;
};

/*
 * Logs in as user, sends the n commands in one session (as quote commands
 * allowed to fail) and checks the reply to each, in order. Every mismatch
 * is a CUnit failure that names the command.
 */
void curlreq_check_replies(const struct server *srv, const char *user,
    const struct curlreq_case *cases, size_t n);

/* Prints the transcript (for a failed test). */
void curlreq_dump(const struct curlreq *r);

#endif
