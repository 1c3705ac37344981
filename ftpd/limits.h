/*
 * limits: per-address accounting shared by all threads: how many sessions
 * each client address holds and how many logins it failed recently. The
 * acceptor asks before handing a connection to a worker, so a refused
 * client gets a 421 at once and costs no session.
 */
#ifndef FTPD_LIMITS_H
#define FTPD_LIMITS_H

#include <sys/socket.h>

#include "compat.h"

struct config;

enum limits_verdict {
	LIMITS_OK,
	LIMITS_TOO_MANY_SESSIONS,	/* server-wide cap */
	LIMITS_TOO_MANY_FROM_IP,	/* per-address cap */
	LIMITS_TOO_MANY_FAILURES,	/* address failed too many logins */
};

/* Sets the limits (the config outlives every call). */
void limits_init(const struct config *cfg);

/*
 * Counts a new session from addr unless a limit refuses it. On LIMITS_OK
 * the caller must call limits_session_closed(addr) when it ends.
 */
enum limits_verdict limits_session_open(const struct sockaddr_storage *addr) WARN_UNUSED;
void limits_session_closed(const struct sockaddr_storage *addr);

/* Records a failed login from addr; returns its failures in the window. */
unsigned limits_login_failed(const struct sockaddr_storage *addr);

/* Whether addr has failed too many logins within the window. */
int limits_ip_blocked(const struct sockaddr_storage *addr);

/* The text of a 421 reply for a verdict. */
const char *limits_reason(enum limits_verdict v);

#endif
