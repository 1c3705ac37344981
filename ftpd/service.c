/*
 * service.c: sd_notify and socket activation; see service.h.
 *
 * libsystemd does this rather than a hand-written NOTIFY_SOCKET client:
 * it handles abstract socket names, credentials and the LISTEN_PID check
 * the way systemd expects, and its calls do nothing outside systemd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "service.h"

static const struct {
	const char *name;
	enum service_socket_kind kind;
} names[] = {
	{ "ftp", SERVICE_SOCKET_FTP },
	{ "ftps-implicit", SERVICE_SOCKET_FTPS_IMPLICIT },
	{ "metrics", SERVICE_SOCKET_METRICS },
	/* systemd's name for a socket without FileDescriptorName=. */
	{ "unknown", SERVICE_SOCKET_FTP },
};

static int
kind_of(const char *name, enum service_socket_kind *kind)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		if (strcmp(names[i].name, name) == 0) {
			*kind = names[i].kind;
			return 0;
		}
	}
	return -1;
}

static void
free_names(char **v, int n)
{
	int i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
service_sockets(struct service_socket *out, unsigned max, char *err,
    size_t errsz)
{
	char **fdnames = NULL;
	int n, i, rc = 0;

	n = sd_listen_fds_with_names(1, &fdnames);
	if (n < 0) {
		snprintf(err, errsz, "socket activation: %s", strerror(-n));
		return -1;
	}
	if ((unsigned)n > max) {
		snprintf(err, errsz, "socket activation: %d sockets, at most %u",
		    n, max);
		rc = -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		const char *name = fdnames != NULL && fdnames[i] != NULL ?
		    fdnames[i] : "unknown";

		if (kind_of(name, &out[i].kind) < 0) {
			snprintf(err, errsz, "socket activation: socket %d is "
			    "named '%s'; ftpd knows 'ftp', 'ftps-implicit' and 'metrics'",
			    fd, name);
			rc = -1;
		} else if (sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1, 0) <= 0) {
			snprintf(err, errsz, "socket activation: socket %d "
			    "('%s') is not a listening TCP socket", fd, name);
			rc = -1;
		}
		out[i].fd = fd;
	}
	free_names(fdnames, n);
	return rc < 0 ? -1 : n;
}

void
service_ready(void)
{
	(void)sd_notifyf(0, "READY=1\nSTATUS=serving\nMAINPID=%lu",
	    (unsigned long)getpid());
}

void
service_reloading(void)
{
	(void)sd_notify(0, "RELOADING=1");
}

void
service_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1");
}
