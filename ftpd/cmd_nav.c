/*
 * cmd_nav.c: the directory tree: PWD, CWD, CDUP, MKD, RMD, DELE, RNFR,
 * RNTO, MFMT and SITE. Every path goes through session_path (lexical) and
 * vfs (the kernel, beneath the home).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmds.h"
#include "cmdtab.h"
#include "config.h"
#include "reply.h"
#include "session.h"
#include "usage.h"
#include "vfs.h"

/* Quotes a path for 257 replies: embedded '"' doubled (RFC 959). */
static void
reply_257(struct session *s, const char *path, const char *what)
{
	struct buf q;
	const char *p;

	buf_init(&q, 2 * VPATH_MAX + 8);
	for (p = path; *p; p++)
		if (buf_append(&q, p, 1) < 0 ||
		    (*p == '"' && buf_append(&q, p, 1) < 0))
			break;
	session_reply(s, R_257_PATH_CREATED, "\"%s\" %s", buf_cstr(&q), what);
	buf_free(&q);
}

void
cmd_pwd(struct session *s, char *arg)
{
	(void)arg;
	reply_257(s, s->cwd, "is the current directory");
}

static void
change_dir(struct session *s, const char *arg)
{
	char path[VPATH_MAX];
	int fd;

	if (session_path(s, arg, path) < 0)
		return;
	fd = vfs_open(s->root_fd, path, O_PATH | O_DIRECTORY, 0);
	if (fd < 0) {
		session_reply_errno(s, errno, arg);
		return;
	}
	close(fd);
	if (session_set_cwd(s, path) < 0) {
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return;
	}
	session_reply(s, R_250_FILE_ACTION_OK, "Directory successfully changed.");
}

void
cmd_cwd(struct session *s, char *arg)
{
	change_dir(s, arg != NULL ? arg : "/");
}

void
cmd_cdup(struct session *s, char *arg)
{
	(void)arg;
	change_dir(s, "..");
}

/*
 * Resolves arg and opens its parent. Returns the parent's fd with *name
 * set, or -1 after replying.
 */
static int
open_parent(struct session *s, const char *arg, char *path, const char **name)
{
	int fd;

	if (session_path(s, arg, path) < 0)
		return -1;
	fd = vfs_open_parent(s->root_fd, path, name);
	if (fd < 0)
		session_reply_errno(s, errno, arg);
	return fd;
}

void
cmd_mkd(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	const char *name;
	int dfd = open_parent(s, arg, path, &name);

	if (dfd < 0)
		return;
	if (mkdirat(dfd, name, s->cfg->dir_mode) < 0) {
		session_reply_errno(s, errno, arg);
	} else {
		session_log(s, "MKD %s", path);
		reply_257(s, path, "created");
	}
	close(dfd);
}

/*
 * For a user with a quota: whether name in dfd is a regular file, which
 * counts in the usage, and its size. Folders do not count (RMD removes
 * only empty ones), nor do symlinks.
 */
static int
quota_counted(struct session *s, int dfd, const char *name, off_t *size)
{
	struct stat st;

	if (s->usage == NULL || !usage_has_quota(s->usage) ||
	    fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	*size = st.st_size;
	return 1;
}

static void
remove_entry(struct session *s, const char *arg, int flags, const char *ok)
{
	char path[VPATH_MAX];
	const char *name;
	off_t size = 0;
	int dfd = open_parent(s, arg, path, &name), counted;

	if (dfd < 0)
		return;
	counted = quota_counted(s, dfd, name, &size);
	if (unlinkat(dfd, name, flags) < 0) {
		session_reply_errno(s, errno, arg);
	} else {
		if (counted)
			usage_adjust(s->usage, -(long long)size, -1);
		session_log(s, "%s %s", flags ? "RMD" : "DELE", path);
		session_reply(s, R_250_FILE_ACTION_OK, "%s", ok);
	}
	close(dfd);
}

void
cmd_rmd(struct session *s, char *arg)
{
	remove_entry(s, arg, AT_REMOVEDIR, "Remove directory operation successful.");
}

void
cmd_dele(struct session *s, char *arg)
{
	remove_entry(s, arg, 0, "Delete operation successful.");
}

void
cmd_rnfr(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	const char *name;
	struct stat st;
	int dfd = open_parent(s, arg, path, &name);

	if (dfd < 0)
		return;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		session_reply_errno(s, errno, arg);
		close(dfd);
		return;
	}
	close(dfd);
	free(s->rnfr);
	if ((s->rnfr = strdup(path)) == NULL) {
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return;
	}
	session_reply(s, R_350_PENDING, "Ready for RNTO.");
}

void
cmd_rnto(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	const char *from_name, *to_name;
	int from_dfd, to_dfd, replaced;
	off_t size = 0;

	from_dfd = vfs_open_parent(s->root_fd, s->rnfr, &from_name);
	if (from_dfd < 0) {
		session_reply_errno(s, errno, s->rnfr);
		return;
	}
	to_dfd = open_parent(s, arg, path, &to_name);
	if (to_dfd < 0) {
		close(from_dfd);
		return;
	}
	/* A file the rename replaces leaves the usage. */
	replaced = quota_counted(s, to_dfd, to_name, &size);
	if (renameat(from_dfd, from_name, to_dfd, to_name) < 0) {
		session_reply_errno(s, errno, arg);
	} else {
		if (replaced)
			usage_adjust(s->usage, -(long long)size, -1);
		session_log(s, "RNFR %s RNTO %s", s->rnfr, path);
		session_reply(s, R_250_FILE_ACTION_OK, "Rename successful.");
	}
	close(from_dfd);
	close(to_dfd);
}

/* The value of n decimal digits at p (already checked to be digits). */
static int
digits(const char *p, size_t n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*p++ - '0');
	return v;
}

/* Parses YYYYMMDDHHMMSS (UTC) into a time_t. */
static int
parse_timeval(const char *p, size_t n, time_t *out)
{
	struct tm tm;
	size_t i;

	if (n != 14)
		return -1;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits(p, 4) - 1900;
	tm.tm_mon = digits(p + 4, 2) - 1;
	tm.tm_mday = digits(p + 6, 2);
	tm.tm_hour = digits(p + 8, 2);
	tm.tm_min = digits(p + 10, 2);
	tm.tm_sec = digits(p + 12, 2);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	*out = timegm(&tm);
	return *out == (time_t)-1 ? -1 : 0;
}

void
cmd_mfmt(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	const char *sp = strchr(arg, ' '), *name;
	struct timespec times[2];
	time_t t;
	int dfd;

	if (sp == NULL || sp[1] == '\0' || parse_timeval(arg, (size_t)(sp - arg), &t) < 0) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR,
		    "Usage: MFMT YYYYMMDDHHMMSS path");
		return;
	}
	if ((dfd = open_parent(s, sp + 1, path, &name)) < 0)
		return;
	times[0].tv_sec = 0;
	times[0].tv_nsec = UTIME_OMIT;
	times[1].tv_sec = t;
	times[1].tv_nsec = 0;
	if (utimensat(dfd, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		session_reply_errno(s, errno, sp + 1);
	else
		session_reply(s, R_213_FILE_STATUS, "Modify=%.14s; %s", arg,
		    sp + 1);
	close(dfd);
}

static void
site_chmod(struct session *s, char *arg)
{
	char path[VPATH_MAX], *end;
	const char *name;
	unsigned long mode;
	int dfd;

	mode = strtoul(arg, &end, 8);
	if (end == arg || *end != ' ' || end[1] == '\0' || mode > 07777) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR,
		    "Usage: SITE CHMOD <octal mode> <path>");
		return;
	}
	if ((dfd = open_parent(s, end + 1, path, &name)) < 0)
		return;
	/* Never follow a symlink: it could name a file we must not touch. */
	if (fchmodat(dfd, name, (mode_t)mode & 0777, AT_SYMLINK_NOFOLLOW) < 0)
		session_reply_errno(s, errno == EOPNOTSUPP ? EPERM : errno, end + 1);
	else
		session_reply(s, R_200_OK, "SITE CHMOD command ok.");
	close(dfd);
}

static void
site_help(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, R_214_HELP,
	    "The following SITE commands are recognized:\nCHMOD HELP\nHelp OK.");
}

static const struct site_command {
	const char *name;
	void (*handler)(struct session *, char *);
	int needs_arg;
	int writes;		/* refused for read-only accounts */
} site_commands[] = {
	{ "CHMOD", site_chmod, 1, 1 },
	{ "HELP", site_help, 0, 0 },
};

void
cmd_site(struct session *s, char *arg)
{
	char *sp = strchr(arg, ' '), name[32];
	size_t n = sp != NULL ? (size_t)(sp - arg) : strlen(arg), i;

	for (i = 0; i < ARRAY_LEN(site_commands); i++) {
		const struct site_command *c = &site_commands[i];

		if (strlen(c->name) != n || strncasecmp(c->name, arg, n) != 0)
			continue;
		if (c->needs_arg && (sp == NULL || sp[1] == '\0')) {
			session_reply(s, R_501_ARG_SYNTAX_ERROR,
			    "SITE %s needs an argument.", c->name);
			return;
		}
		/* The same rule, and words, as the dispatcher's. */
		snprintf(name, sizeof(name), "SITE %s", c->name);
		if (c->writes && cmd_refuse_read_only(s, name,
		    sp != NULL ? sp + 1 : NULL) < 0)
			return;
		c->handler(s, sp != NULL ? sp + 1 : NULL);
		return;
	}
	session_reply(s, R_500_SYNTAX_ERROR, "Unknown SITE command.");
}
