/*
 * log.c: line logger; see log.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_fd = 2;
static int xfer_fd = -1;
static int quiet;
/* Where log_fd and xfer_fd point, for log_reopen; NULL: stderr / none. */
static char *log_path, *xfer_path;

static int
open_append(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

int
log_open(const char *path)
{
	int fd;

	if (path == NULL) {
		log_fd = 2;
		return 0;
	}
	if ((fd = open_append(path)) < 0)
		return -1;
	free(log_path);
	if ((log_path = strdup(path)) == NULL) {
		close(fd);
		return -1;
	}
	log_fd = fd;
	return 0;
}

int
log_open_xferlog(const char *path)
{
	int fd;

	if (path == NULL) {
		xfer_fd = -1;
		return 0;
	}
	if ((fd = open_append(path)) < 0)
		return -1;
	free(xfer_path);
	if ((xfer_path = strdup(path)) == NULL) {
		close(fd);
		return -1;
	}
	xfer_fd = fd;
	return 0;
}

/*
 * Opens path again and puts the new file under fd with dup2, which is
 * atomic: a thread writing a line meanwhile writes to the old file or to
 * the new one, never to a closed descriptor.
 */
static int
reopen_onto(int fd, const char *path)
{
	int nfd;

	if (path == NULL || fd < 0)
		return 0;
	if ((nfd = open_append(path)) < 0)
		return -1;
	if (dup3(nfd, fd, O_CLOEXEC) < 0) {
		int saved = errno;

		close(nfd);
		errno = saved;
		return -1;
	}
	close(nfd);
	return 0;
}

int
log_reopen(const char **failed)
{
	*failed = NULL;
	if (reopen_onto(log_fd == 2 ? -1 : log_fd, log_path) < 0) {
		*failed = log_path;
		return -1;
	}
	if (reopen_onto(xfer_fd, xfer_path) < 0) {
		*failed = xfer_path;
		return -1;
	}
	return 0;
}

void
log_set_quiet(int q)
{
	quiet = q;
}

/* Writes all of line; a log line that cannot be written is dropped. */
static void
write_line(int fd, const char *line, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, line, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		line += n;
		len -= (size_t)n;
	}
}

void
log_msg(const char *fmt, ...)
{
	char line[2048];
	struct tm tm;
	time_t now = time(NULL);
	va_list ap;
	size_t n;
	int m;

	if (quiet)
		return;
	gmtime_r(&now, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	m = snprintf(line + n, sizeof(line) - n, "ftpd[%d]: ", (int)getpid());
	if (m > 0)
		n += (size_t)m;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (m > 0)
		n += (size_t)m;
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;	/* truncated: still one line */
	line[n++] = '\n';
	write_line(log_fd, line, n);
}

void
log_xfer_line(const char *line)
{
	char out[2048];
	int n;

	if (quiet)
		return;
	n = snprintf(out, sizeof(out), "%s\n", line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out)) {
		n = sizeof(out) - 1;
		out[n - 1] = '\n';
	}
	write_line(xfer_fd >= 0 ? xfer_fd : log_fd, out, (size_t)n);
}
