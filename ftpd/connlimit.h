/*
 * connlimit: per-address accounting shared by all threads: how many sessions
 * each client address holds and how many logins it failed recently. The
 * acceptor asks before handing a connection to a worker, so a refused
 * client gets a 421 at once and costs no session.
 *
 * Failed logins never refuse a connection (one script with a stale
 * password must not lock out everyone behind the same NAT address).
 * Instead, once an address has failed max_ip_failures times within
 * ip_failure_window seconds, its password checks are spaced: at most one
 * starts per login_tarpit_delay seconds, in the order asked, so guessing
 * slows to a crawl while the right password still gets in after the
 * delay plus the checks queued before it.
 *
 * An "address" is an IPv4 address or an IPv6 /64, for every limit here.
 */
#ifndef FTPD_CONNLIMIT_H
#define FTPD_CONNLIMIT_H

#include <stdint.h>
#include <sys/socket.h>

#include "compat.h"

struct config;

enum connlimit_verdict {
	CONNLIMIT_OK,
	CONNLIMIT_TOO_MANY_SESSIONS,	/* server-wide cap */
	CONNLIMIT_TOO_MANY_FROM_IP,	/* per-address cap */
};

#define CONNLIMIT_KEY_LEN 16

/*
 * The key an address is counted under: an IPv4 address (plain or mapped)
 * as ::ffff:a.b.c.d, an IPv6 address as its /64 with the rest zero.
 */
void connlimit_key(const struct sockaddr_storage *addr,
    unsigned char key[CONNLIMIT_KEY_LEN]);

/* The session cap when max_sessions is 0 (unset), descriptors allowing. */
#define CONNLIMIT_DEFAULT_SESSIONS 20000

/*
 * Sets the limits (the config outlives every call). max_fds, the process's
 * descriptor limit, may lower max_sessions so that accept() never fails.
 */
void connlimit_init(const struct config *cfg, unsigned long max_fds);

/*
 * SIGHUP: the per-address limits from now on come from cfg (which
 * outlives every call); the session cap stays what connlimit_init made.
 */
void connlimit_reconfigure(const struct config *cfg);

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

/*
 * Books a password check for addr (which holds a session) and returns how
 * many milliseconds it must wait before it starts: 0 unless the address is
 * over max_ip_failures, then until login_tarpit_delay seconds after the
 * check booked before it. *slot (unless NULL) receives the booking, for
 * connlimit_check_dropped.
 */
unsigned connlimit_check_delay_ms(const struct sockaddr_storage *addr,
    uint64_t *slot);

/*
 * Gives back the slot of a check that never ran (its session ended while
 * it waited), when it is the last one booked: the next check from addr
 * then waits for the one before it only. A slot with later bookings stays
 * (they keep their turns).
 */
void connlimit_check_dropped(const struct sockaddr_storage *addr,
    uint64_t slot);

/* The text of a 421 reply for a verdict. */
const char *connlimit_reason(enum connlimit_verdict v);

#endif
