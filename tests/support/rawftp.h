/*
 * rawftp: a bare control connection for the tests that libcurl cannot
 * express: sending ABOR in the middle of a transfer, breaking a data
 * connection on purpose, STOU, over-long or oddly terminated lines.
 *
 * Every socket gets 10 s send and receive timeouts, so a server that does
 * not answer fails the test instead of hanging it.
 */
#ifndef FTP_RAWFTP_H
#define FTP_RAWFTP_H

#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

#define RAWFTP_TIMEOUT 10

struct rawftp {
	int fd;
	char in[8192];		/* received bytes not yet taken as a reply */
	size_t len;
	int code;		/* code of the last reply */
	char text[16384];	/* the last reply, its lines joined by '\n' */
};

/* Connects to the server and reads its greeting; returns its code or -1. */
int rawftp_connect(struct rawftp *c, const struct server *srv);

/* USER user, PASS secret; returns the code of the last reply or -1. */
int rawftp_login(struct rawftp *c, const char *user);

/* Sends bytes exactly as given. Returns 0 or -1. */
int rawftp_write(struct rawftp *c, const void *p, size_t n);

/*
 * Reads one whole reply (all lines of a multi-line one) into c->text and
 * returns its code, or -1 on timeout or end of stream.
 */
int rawftp_reply(struct rawftp *c);

/* Sends a formatted line and CRLF, then reads the reply (rawftp_reply). */
int rawftp_cmd(struct rawftp *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * EPSV, then connects to the port it names. Returns the data socket (with
 * the timeouts set) or -1.
 */
int rawftp_epsv(struct rawftp *c);

/*
 * Reads a data socket to its end into a malloc'd buffer (*len set; NULL
 * allowed to discard). Returns 0, or -1 on a timeout or error.
 */
int rawftp_read_all(int fd, char **data, size_t *len);

/* Whether the server has closed the control connection (within the timeout). */
int rawftp_closed(struct rawftp *c);

/* Closes the control connection. */
void rawftp_close(struct rawftp *c);

/* Closes a socket with an RST instead of a FIN (SO_LINGER 0). */
void rawftp_reset(int fd);

#endif
