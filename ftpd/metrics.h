/*
 * metrics: the server's counters, and the Prometheus text exposition of
 * them on metrics_listen (GET /metrics).
 *
 * Counters are process-wide and updated from any thread with relaxed
 * atomic adds: a scrape may see one counter a moment ahead of another,
 * never a torn value. Each counter is a named constant, so that every
 * place that counts says what it counts; the table in metrics.c gives
 * each its metric name, labels and help text.
 */
#ifndef FTPD_METRICS_H
#define FTPD_METRICS_H

#include <stddef.h>

#include "compat.h"

struct buf;
struct event_base;

enum metric {
	M_SESSIONS_TOTAL,
	M_LOGINS_OK,
	M_LOGINS_FAILED,
	M_BYTES_IN,
	M_BYTES_OUT,
	M_DOWNLOADS_OK,
	M_DOWNLOADS_FAILED,
	M_UPLOADS_OK,
	M_UPLOADS_FAILED,
	M_LISTINGS_OK,
	M_LISTINGS_FAILED,
	M_TLS_CONTROL_OK,
	M_TLS_CONTROL_FAILED,
	M_TLS_DATA_OK,
	M_TLS_DATA_FAILED,
	M_TLS_REUSE_FAILED,
	M_LIMIT_MAX_SESSIONS,
	M_LIMIT_PER_IP,
	M_LIMIT_LOGIN_FAILURES,
	M_LIMIT_IP_FAILURES,
	M_LIMIT_TARPIT,
	M_COMMAND_UNKNOWN,
	M__COUNT
};

/* Adds n to a counter. Any thread. */
void metrics_add(enum metric m, unsigned long long n);
#define metrics_inc(m) metrics_add((m), 1)

/* Counts one command by its index in cmdtab. Any thread. */
void metrics_count_command(size_t cmdtab_index);

/* The gauges: sessions open now (+1/-1), and password checks waiting. */
void metrics_sessions_delta(int delta);
void metrics_auth_queue_delta(int delta);

/* The value of a counter (tests, `ftpd who`). */
unsigned long long metrics_get(enum metric m);

/*
 * Writes every metric in the Prometheus text format (version 0.0.4).
 * Returns 0, or -1 when out grew past its cap.
 */
int metrics_render(struct buf *out) WARN_UNUSED;

/*
 * Serves GET /metrics over HTTP/1.1 on base: on the listening socket fd
 * when fd >= 0 (socket activation), else bound to addr ("IP:PORT" or
 * "[IPv6]:PORT"; port 0 picks a free one). Returns 0 with the address
 * served in *bound, or -1 with a message in err.
 */
struct sockaddr_storage;
int metrics_serve(struct event_base *base, int fd, const char *addr,
    struct sockaddr_storage *bound, char *err, size_t errsz) WARN_UNUSED;

/* Stops serving (shutdown). */
void metrics_stop(void);

#endif
