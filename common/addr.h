/*
 * addr: the data-connection address syntaxes of RFC 959 (PORT, PASV) and
 * RFC 2428 (EPRT, EPSV), for both the server and the client side, plus a
 * few sockaddr helpers.
 */
#ifndef FTP_ADDR_H
#define FTP_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

#include "compat.h"

/* Parses "h1,h2,h3,h4,p1,p2" (PORT argument) into an IPv4 sockaddr. */
int addr_parse_port(const char *arg, struct sockaddr_storage *ss) WARN_UNUSED;

/* Parses "|af|addr|port|" (EPRT argument; any delimiter 33..126). */
int addr_parse_eprt(const char *arg, struct sockaddr_storage *ss) WARN_UNUSED;

/* Formats an IPv4 address and port as "h1,h2,h3,h4,p1,p2". */
int addr_format_port(const struct sockaddr_storage *ss, char *out, size_t outsz) WARN_UNUSED;

/* Formats "|1|a.b.c.d|port|" or "|2|v6|port|" for EPRT. */
int addr_format_eprt(const struct sockaddr_storage *ss, char *out, size_t outsz) WARN_UNUSED;

/*
 * Client side: finds "(h1,h2,h3,h4,p1,p2)" (or the bare six numbers) in a
 * 227 reply text; fills ss with that IPv4 address and port.
 */
int addr_parse_pasv_reply(const char *text, struct sockaddr_storage *ss) WARN_UNUSED;

/* Client side: finds "(|||port|)" in a 229 reply text. */
int addr_parse_epsv_reply(const char *text, unsigned *port) WARN_UNUSED;

/* Port of an AF_INET or AF_INET6 address, host order. */
unsigned addr_port(const struct sockaddr_storage *ss);
void addr_set_port(struct sockaddr_storage *ss, unsigned port);

/* socklen_t for the family of ss. */
socklen_t addr_len(const struct sockaddr_storage *ss);

/*
 * Turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into plain IPv4, so
 * that comparisons and PASV replies see the address the peer really uses.
 */
void addr_unmap(struct sockaddr_storage *ss);

/* Whether a and b have the same address (ports ignored). */
int addr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* "1.2.3.4" or "::1" (no port). Returns 0 or -1. */
int addr_ntop(const struct sockaddr_storage *ss, char *out, size_t outsz) WARN_UNUSED;

/* Parses a numeric IPv4 or IPv6 address with a port into ss. */
int addr_pton(const char *host, unsigned port, struct sockaddr_storage *ss) WARN_UNUSED;

/* A network: an address and how many leading bits of it count. */
struct addr_cidr {
	struct sockaddr_storage net;
	unsigned bits;
};

/*
 * Parses "192.0.2.0/24", "2001:db8::/32" or a bare address (all its
 * bits). Returns 0, or -1 for bad syntax or a prefix longer than the
 * address.
 */
int addr_cidr_parse(const char *text, struct addr_cidr *out) WARN_UNUSED;

/* Whether a (IPv4-mapped IPv6 counts as IPv4) lies in the network c. */
int addr_in_cidr(const struct sockaddr_storage *a, const struct addr_cidr *c);

#endif
