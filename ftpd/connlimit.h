/*
 * connlimit: per-address accounting shared by all threads: how many sessions
 * each client address holds and how many logins it failed recently. The
 * acceptor asks before handing a connection to a worker, so a refused
 * client gets a 421 at once and costs no session.
 */
#ifndef FTPD_CONNLIMIT_H
#define FTPD_CONNLIMIT_H

#include <sys/socket.h>

#include "compat.h"

struct config;

enum connlimit_verdict {
	CONNLIMIT_OK,
	CONNLIMIT_TOO_MANY_SESSIONS,	/* server-wide cap */
	CONNLIMIT_TOO_MANY_FROM_IP,	/* per-address cap */
	CONNLIMIT_TOO_MANY_FAILURES,	/* address failed too many logins */
};

/*
 * Sets the limits (the config outlives every call). max_fds, the process's
 * descriptor limit, may lower max_sessions so that accept() never fails.
 */
void connlimit_init(const struct config *cfg, unsigned long max_fds);

/* The server-wide session cap in force. */
unsigned long connlimit_session_cap(void);

/*
 * Counts a new session from addr unless a limit refuses it. On CONNLIMIT_OK
 * the caller must call connlimit_session_closed(addr) when it ends.
 */
enum connlimit_verdict connlimit_session_open(const struct sockaddr_storage *addr) WARN_UNUSED;
void connlimit_session_closed(const struct sockaddr_storage *addr);

/* Records a failed login from addr; returns its failures in the window. */
unsigned connlimit_login_failed(const struct sockaddr_storage *addr);

/* Whether addr has failed too many logins within the window. */
int connlimit_ip_blocked(const struct sockaddr_storage *addr);

/* The text of a 421 reply for a verdict. */
const char *connlimit_reason(enum connlimit_verdict v);

#endif
