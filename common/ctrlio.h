/*
 * ctrlio: the control-channel line reader.
 *
 * Bytes go in as they arrive from the socket, in whatever pieces TCP
 * delivers; whole command lines come out. The reader strips TELNET IAC
 * sequences (RFC 854) as RFC 959 requires of a server, accepts CRLF and a
 * bare LF as the end of a line, and enforces a hard maximum: an over-long
 * line is swallowed up to its end and reported once, so its tail can never
 * be taken for a second command whatever the segmenting.
 */
#ifndef FTP_CTRLIO_H
#define FTP_CTRLIO_H

#include <stddef.h>

#include "buf.h"

#define CTRL_LINE_MAX 4096

enum ctrl_result {
	CTRL_NEED_MORE,	/* all input consumed, no complete line yet */
	CTRL_LINE,	/* r->line holds a complete line */
	CTRL_TOO_LONG,	/* a line exceeded the maximum and was dropped */
	CTRL_BAD_BYTE,	/* a line held a NUL byte and was dropped */
};

struct ctrl_reader {
	struct buf line;	/* the current line, without CR/LF */
	size_t max;		/* longest accepted line */
	unsigned char telnet;	/* telnet parser state */
	unsigned char pending_cr;
	unsigned char overflow;	/* discarding the rest of a long line */
	unsigned char bad_byte;
	unsigned char telnet_enabled;
};

/* Prepares a reader for lines of at most max bytes; telnet: strip IAC. */
void ctrl_reader_init(struct ctrl_reader *r, size_t max, int telnet);
void ctrl_reader_free(struct ctrl_reader *r);

/*
 * Consumes bytes from data[0..n) up to and including the end of the first
 * line; *used says how many. Returns CTRL_LINE with the line in r->line (it
 * stays valid until the next call), CTRL_TOO_LONG or CTRL_BAD_BYTE for a
 * dropped line, or CTRL_NEED_MORE when all n bytes were consumed.
 */
enum ctrl_result ctrl_feed(struct ctrl_reader *r, const unsigned char *data,
    size_t n, size_t *used);

#endif
