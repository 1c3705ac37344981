/*
 * proxy: the PROXY protocol header (HAProxy, versions 1 and 2) that a
 * load balancer puts before the client's bytes to say whom it relays.
 *
 * The reader must never take a byte that belongs to the connection after
 * the header, so parsing is in two steps: proxy_header_length says how
 * long the header is from what has arrived so far (peeked, not read),
 * then proxy_parse reads exactly that many bytes.
 */
#ifndef FTP_PROXY_H
#define FTP_PROXY_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "compat.h"

/* The longest header we take: v1's 107 bytes, or v2 with TLVs. */
#define PROXY_V1_MAX 107
#define PROXY_V2_MAX (16 + 536)

/* Which versions a listener accepts. */
enum proxy_versions { PROXY_OFF, PROXY_V1, PROXY_V2, PROXY_ANY };

struct proxy_header {
	int version;			/* 1 or 2 */
	/*
	 * Whether the header names a relayed connection. 0 for v2 LOCAL
	 * (the balancer's own health check) and v1 UNKNOWN: the connection
	 * is the balancer's, with no client behind it.
	 */
	int relayed;
	struct sockaddr_storage src;	/* the client (when relayed) */
	struct sockaddr_storage dst;	/* the address it connected to */
};

/*
 * Looks at the first n bytes of a connection. Returns the whole header's
 * length once it can tell (v2: from its length field; v1: at the CRLF),
 * 0 when more bytes are needed to tell, or -1 when these bytes cannot
 * start a header of an accepted version, or it would be too long.
 */
ssize_t proxy_header_length(const unsigned char *p, size_t n,
    enum proxy_versions accept) WARN_UNUSED;

/*
 * Parses a complete header of exactly n bytes (as proxy_header_length
 * measured it). Returns 0 with *h filled, or -1 for a malformed header:
 * bad syntax, an address family other than TCP over IPv4 or IPv6, an
 * address that does not parse, or a port out of range.
 */
int proxy_parse(const unsigned char *p, size_t n, struct proxy_header *h) WARN_UNUSED;

/* A header being read from a socket, a piece at a time. */
struct proxy_reader {
	unsigned char buf[PROXY_V2_MAX];
	size_t got;
};

/*
 * Reads the header from a non-blocking socket into r (zeroed before the
 * first call) without ever taking a byte past it: bytes are peeked, and
 * only those that are certainly header are taken. Returns 1 with *h once
 * the header is complete and valid, 0 when the rest has not arrived
 * (wait for the socket to be readable and call again), or -1: errno
 * EPROTO for a malformed or too long header, ECONNRESET when the peer
 * closed first, or recv's own errno.
 */
int proxy_recv(int fd, struct proxy_reader *r, enum proxy_versions accept,
    struct proxy_header *h) WARN_UNUSED;

#endif
