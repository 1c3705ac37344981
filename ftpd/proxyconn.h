/*
 * proxyconn: connections that come through a load balancer speaking the
 * PROXY protocol (proxy_protocol, proxy_from).
 *
 * With proxy_protocol on, a control connection from an address in
 * proxy_from must start with a PROXY header (read within login_timeout,
 * never a byte past it); the session then starts as the client the header
 * names, so logs, limits, the login tarpit and the PORT/PASV peer checks
 * all see the client, never the balancer. A v2 LOCAL or v1 UNKNOWN header
 * (the balancer's health check) gets the 220 greeting and the connection
 * ends there: no session, no log line.
 * Connections from other addresses, and missing, malformed or truncated
 * headers, are closed without a greeting and logged.
 */
#ifndef FTPD_PROXYCONN_H
#define FTPD_PROXYCONN_H

#include <sys/socket.h>

#include "compat.h"
#include "proxy.h"

struct config;
struct worker;

/*
 * Takes the settings (restart-only). Returns 0, or -1 with a message in
 * err for a bad proxy_protocol or proxy_from.
 */
int proxyconn_init(const struct config *cfg, char *err, size_t errsz) WARN_UNUSED;

/* Whether proxy_protocol is on. */
int proxyconn_enabled(void);

/* The versions accepted (PROXY_OFF when off). */
enum proxy_versions proxyconn_versions(void);

/* Whether peer is one of the balancers in proxy_from. */
int proxyconn_from_balancer(const struct sockaddr_storage *peer);

/*
 * Takes over an accepted control connection on worker w's thread: reads
 * the header when one is due, then calls session_start with the client's
 * address; or closes fd. Without proxy_protocol it is session_start.
 */
void proxyconn_start(struct worker *w, int fd, const struct sockaddr *sa,
    socklen_t salen, int implicit_tls);

/*
 * Closes worker w's connections still waiting for a header; on w's
 * thread, when it stops.
 */
void proxyconn_drop(struct worker *w);

#endif
