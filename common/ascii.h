/*
 * ascii: TYPE A line-ending conversion (RFC 959 section 3.1.1.1).
 *
 * On the wire every line ends in CRLF; on disk in LF. Both directions are
 * streaming: state carries across chunk boundaries, so a CRLF split
 * between two reads is still recognised.
 */
#ifndef FTP_ASCII_H
#define FTP_ASCII_H

#include <stddef.h>

struct ascii_state {
	unsigned char last_cr;	/* the previous byte seen was a CR */
};

void ascii_init(struct ascii_state *st);

/*
 * Disk to wire: a LF not already preceded by CR becomes CRLF. out must
 * hold 2 * n bytes. Returns the bytes written to out.
 */
size_t ascii_to_net(struct ascii_state *st, const char *in, size_t n, char *out);

/*
 * Wire to disk: CRLF becomes LF; any other CR is kept. A CR at the end of a
 * chunk is held until the next byte is seen. out must hold n + 1 bytes.
 */
size_t ascii_from_net(struct ascii_state *st, const char *in, size_t n, char *out);

/* Ends a wire-to-disk stream: writes a held CR, if any, to out (1 byte). */
size_t ascii_from_net_finish(struct ascii_state *st, char *out);

#endif
