/*
 * who.c: `ftpd who`; see who.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "who.h"

#define WHO_TIMEOUT 10

static void
who_usage(FILE *f)
{
	fprintf(f, "usage: ftpd who [--json] [--admin-socket PATH] "
	    "[--config FILE]\n");
}

int
who_connect(const char *path, const char *prog)
{
	struct timeval tv = { WHO_TIMEOUT, 0 };
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (xsnprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) < 0) {
		fprintf(stderr, "%s: %s: path too long\n", prog, path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "%s: cannot connect to %s: %s%s\n", prog, path,
		    strerror(errno), errno == ECONNREFUSED || errno == ENOENT ?
		    " (is ftpd running?)" : errno == EACCES ?
		    " (run it as root)" : "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends the request and copies the answer to stdout. 0 or 1. */
static int
ask(int fd, int json)
{
	const char *req = json ? "who json\n" : "who text\n";
	char chunk[8192];
	ssize_t n;

	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		fprintf(stderr, "ftpd who: send: %s\n", strerror(errno));
		return 1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "ftpd who: no answer: %s\n",
			    strerror(errno));
			return 1;
		}
		if (fwrite(chunk, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

int
who_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "admin-socket", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *file = NULL;
	struct config cfg;
	char err[512];
	int c, json = 0, fd, rc;

	while ((c = getopt_long(argc, argv, "jc:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 's': path = optarg; break;
		case 'c': file = optarg; break;
		case 'h': who_usage(stdout); return 0;
		default: who_usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		who_usage(stderr);
		return 2;
	}
	config_defaults(&cfg);
	if (file != NULL && config_load(&cfg, file, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftpd who: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	if (path == NULL)
		path = cfg.admin_socket;
	if (path == NULL || *path == '\0') {
		fprintf(stderr, "ftpd who: admin_socket is off\n");
		config_free(&cfg);
		return 1;
	}
	fd = who_connect(path, "ftpd who");
	config_free(&cfg);	/* path may point into it: not used below */
	if (fd < 0)
		return 1;
	rc = ask(fd, json);
	close(fd);
	return rc;
}
