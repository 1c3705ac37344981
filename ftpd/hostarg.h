/*
 * hostarg: the argument of HOST (RFC 7151) and the name of a [host NAME]
 * config section.
 *
 * RFC 7151 takes a domain name (RFC 1123 host name syntax: labels of
 * letters, digits and hyphens, 1 to 63 characters each, neither starting
 * nor ending with a hyphen, 253 characters in all, an optional final dot)
 * or an IP literal: an IPv4 or IPv6 address in brackets, "[192.0.2.1]",
 * "[2001:db8::1]". Host names compare without regard to case, so the name
 * is returned in lower case, without the final dot.
 */
#ifndef FTPD_HOSTARG_H
#define FTPD_HOSTARG_H

#include <stddef.h>

#include "compat.h"

/* Longest host name (RFC 1035), without the final dot. */
#define HOSTARG_NAME_MAX 253

enum hostarg_kind {
	HOSTARG_BAD = -1,	/* neither a host name nor an IP literal */
	HOSTARG_NAME,		/* out holds the name, lower case */
	HOSTARG_LITERAL,	/* out holds the address, without brackets */
};

/*
 * Parses arg. out (at least HOSTARG_NAME_MAX + 1 bytes) gets the name or
 * the address. A bare address without brackets is taken as an IP literal
 * too (a lenient client's spelling; it is no host name either way).
 */
enum hostarg_kind hostarg_parse(const char *arg, char *out, size_t outsz);

#endif
