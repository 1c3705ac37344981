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

/*
 * Output bounds. A caller sizes its output buffer with these, or picks its
 * input size from the room it has: ascii_from_net can write one byte more
 * than it reads (a CR held from the previous chunk that turns out not to
 * start a CRLF), so n input bytes need ASCII_FROM_NET_MAX(n) output bytes,
 * and an output buffer of room bytes takes ASCII_FROM_NET_IN_MAX(room).
 */
#define ASCII_TO_NET_MAX(n) (2 * (size_t)(n))
#define ASCII_TO_NET_IN_MAX(room) ((size_t)(room) / 2)
#define ASCII_FROM_NET_MAX(n) ((size_t)(n) + 1)
#define ASCII_FROM_NET_IN_MAX(room) ((size_t)(room) - 1)

void ascii_init(struct ascii_state *st);

/*
 * Disk to wire: a LF not already preceded by CR becomes CRLF. out must
 * hold ASCII_TO_NET_MAX(n) bytes. Returns the bytes written to out.
 */
size_t ascii_to_net(struct ascii_state *st, const char *in, size_t n, char *out);

/*
 * Wire to disk: CRLF becomes LF; any other CR is kept. A CR at the end of a
 * chunk is held until the next byte is seen, so out must hold
 * ASCII_FROM_NET_MAX(n) bytes: the held CR of the previous chunk can come
 * out with this one. Returns the bytes written to out.
 */
size_t ascii_from_net(struct ascii_state *st, const char *in, size_t n, char *out);

/* Ends a wire-to-disk stream: writes a held CR, if any, to out (1 byte). */
size_t ascii_from_net_finish(struct ascii_state *st, char *out);

#endif
