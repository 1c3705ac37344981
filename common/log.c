/*
 * log.c: line logger; see log.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>


#include "json.h"
#include "log.h"

static int log_fd = 2;
static int xfer_fd = -1;
static int quiet;
static int use_syslog;
static enum log_format format = LOG_FORMAT_TEXT;

#define LINE_MAX_BYTES 2048
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
log_set_format(enum log_format f)
{
	format = f;
}

void
log_to_syslog(void)
{
	openlog("ftpd", LOG_PID | LOG_NDELAY, LOG_FTP);
	use_syslog = 1;
}

/*
 * A line being built on the stack: appends that do not fit are cut, so a
 * log line costs no allocation and can never grow past LINE_MAX_BYTES.
 */
struct line {
	char data[LINE_MAX_BYTES + 1];	/* + the newline */
	size_t len;
};

static void
put(struct line *l, const void *p, size_t n)
{
	if (n > LINE_MAX_BYTES - l->len)
		n = LINE_MAX_BYTES - l->len;
	memcpy(l->data + l->len, p, n);
	l->len += n;
}

static void
putf(struct line *l, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void
putf(struct line *l, const char *fmt, ...)
{
	char tmp[LINE_MAX_BYTES];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(l, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void
json_field(struct line *l, const char *name, const char *value)
{
	char esc[LINE_MAX_BYTES];
	size_t room;

	putf(l, ",\"%s\":\"", name);
	/*
	 * A long value is cut (between whole escapes) so that its closing
	 * quote and the object's brace always fit: every line stays JSON.
	 */
	room = l->len + 2 < LINE_MAX_BYTES ? LINE_MAX_BYTES - l->len - 2 : 0;
	put(l, esc, json_escape(esc, room < sizeof(esc) ? room + 1 :
	    sizeof(esc), value));
	put(l, "\"", 1);
}

/*
 * The process id for log lines, read once: getpid is a system call, and
 * a small transfer writes two lines. A fork (daemon(), the helpers)
 * clears it in the child.
 */
static pid_t cached_pid;

static void
forget_pid(void)
{
	cached_pid = 0;
}

static void
register_forget(void)
{
	(void)pthread_atfork(NULL, NULL, forget_pid);
}

static int
log_pid(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (cached_pid == 0) {
		(void)pthread_once(&once, register_forget);
		cached_pid = getpid();
	}
	return (int)cached_pid;
}

/*
 * Formats and writes one line. The text form leads with the time and
 * "ftpd[pid]: " (syslog adds its own); who may be NULL.
 */
static void
log_line(int fd, const struct log_who *who, const char *field,
    const char *fmt, va_list ap)
{
	char msg[LINE_MAX_BYTES], when[32];
	struct line l;
	struct tm tm;
	time_t now = time(NULL);
	int to_syslog = use_syslog && fd == 2;

	if (quiet)
		return;
	l.len = 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (format == LOG_FORMAT_JSON) {
		putf(&l, "{\"time\":\"%s\",\"pid\":%d", when, log_pid());
		if (who != NULL) {
			putf(&l, ",\"session\":%llu", who->session);
			json_field(&l, "client", who->client);
			if (who->user != NULL)
				json_field(&l, "user", who->user);
		}
		json_field(&l, field, msg);
		/* json_field left room for this, even on a cut line. */
		put(&l, "}", 1);
	} else {
		if (!to_syslog)
			putf(&l, "%s ftpd[%d]: ", when, log_pid());
		if (who != NULL)
			putf(&l, "[s%llu] %s %s: ", who->session, who->client,
			    who->user != NULL ? who->user : "-");
		put(&l, msg, strlen(msg));
	}
	if (to_syslog) {
		l.data[l.len] = '\0';
		syslog(LOG_INFO, "%s", l.data);
		return;
	}
	l.data[l.len++] = '\n';
	write_line(fd, l.data, l.len);
}

void
log_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(log_fd, NULL, "msg", fmt, ap);
	va_end(ap);
}

void
log_session(const struct log_who *who, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(log_fd, who, "msg", fmt, ap);
	va_end(ap);
}

/* log_line for a preformatted string. */
static void
log_plain(int fd, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(fd, NULL, field, fmt, ap);
	va_end(ap);
}

void
log_xfer_line(const char *line)
{
	char out[LINE_MAX_BYTES];
	int n;

	if (quiet)
		return;
	if (xfer_fd < 0) {
		/* Into the main log: a line of its kind, in its format. */
		log_plain(log_fd, "xferlog", "%s", line);
		return;
	}
	/* An xferlog file keeps the wu-ftpd format analysers read. */
	n = snprintf(out, sizeof(out), "%s\n", line);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(out)) {
		n = sizeof(out) - 1;
		out[n - 1] = '\n';
	}
	write_line(xfer_fd, out, (size_t)n);
}
