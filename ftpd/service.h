/*
 * service: what ftpd says to and takes from a service manager (systemd):
 * readiness, reload and stop notifications (sd_notify), and listening
 * sockets handed over by socket activation (sd_listen_fds_with_names).
 * Outside systemd every call is a no-op and no socket is inherited.
 */
#ifndef FTPD_SERVICE_H
#define FTPD_SERVICE_H

#include "compat.h"

/* What an inherited socket is for, from its FileDescriptorName=. */
enum service_socket_kind {
	SERVICE_SOCKET_FTP,		/* "ftp" (or unnamed): plain control */
	SERVICE_SOCKET_FTPS_IMPLICIT,	/* "ftps-implicit": TLS from byte one */
	SERVICE_SOCKET_METRICS,		/* "metrics": Prometheus over HTTP */
};

struct service_socket {
	int fd;
	enum service_socket_kind kind;
};

#define SERVICE_SOCKETS_MAX 16

/*
 * Takes the listening sockets systemd handed us (LISTEN_FDS), at most
 * max. Returns how many (0 when not socket-activated), or -1 with a
 * message in err: a name we do not know, a socket that is not a
 * listening TCP socket, or too many.
 */
int service_sockets(struct service_socket *out, unsigned max, char *err,
    size_t errsz) WARN_UNUSED;

/* The service is up: listeners bound, privileges dropped, workers running. */
void service_ready(void);

/* A SIGHUP reload begins (service_ready ends it). */
void service_reloading(void);

/* A shutdown began. */
void service_stopping(void);

#endif
