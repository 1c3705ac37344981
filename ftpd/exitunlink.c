/*
 * exitunlink.c: a root helper that removes a socket at exit; see
 * exitunlink.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitunlink.h"

/* Closes every descriptor from 2 up (the helper holds nothing else). */
static void
close_from_2(void)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd;

	if (close_range(2, ~0U, 0) == 0)
		return;
	for (fd = 2; fd < (max > 0 && max < INT_MAX ? (int)max : 1024); fd++)
		(void)close(fd);
}

int
exitunlink_same(const struct stat *a, const struct stat *b)
{
	return S_ISSOCK(a->st_mode) && S_ISSOCK(b->st_mode) &&
	    a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The helper: waits for the end of file on rd, then removes the entry. */
static void __attribute__((noreturn))
helper(int rd, int dirfd, const char *name, const struct stat *made)
{
	static const int ignored[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1,
	    SIGPIPE, 0 };
	struct stat st;
	char buf[64];
	ssize_t n;
	int i;

	for (i = 0; ignored[i] != 0; i++)
		(void)signal(ignored[i], SIG_IGN);
	(void)prctl(PR_SET_NAME, "ftpd-unlink", 0, 0, 0);
	/* The pipe and the folder's descriptor become 0 and 1 (by way of
	 * numbers above 2, so that neither overwrites the other). */
	if ((rd = fcntl(rd, F_DUPFD, 3)) < 0 ||
	    (dirfd = fcntl(dirfd, F_DUPFD, 3)) < 0 ||
	    dup2(rd, 0) < 0 || dup2(dirfd, 1) < 0)
		_exit(1);
	close_from_2();
	while ((n = read(0, buf, sizeof(buf))) != 0)
		if (n < 0 && errno != EINTR)
			break;
	if (fstatat(1, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    exitunlink_same(&st, made))
		(void)unlinkat(1, name, 0);
	_exit(0);
}

int
exitunlink_watch(const char *path, char *err, size_t errsz)
{
	char dir[PATH_MAX];
	const char *name, *slash = strrchr(path, '/');
	struct stat st;
	int p[2], dirfd;
	pid_t pid;

	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
		name = path;
	} else {
		snprintf(dir, sizeof(dir), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
		name = slash + 1;
	}
	if ((dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(err, errsz, "admin_socket %s: %s", path,
		    strerror(errno));
		if (dirfd >= 0)
			close(dirfd);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		p[0] = p[1] = -1;
		pid = -1;
	} else
		pid = fork();
	if (pid < 0) {
		snprintf(err, errsz, "admin_socket %s: no helper to remove it "
		    "at exit: %s", path, strerror(errno));
		close(dirfd);
		if (p[0] >= 0) {
			close(p[0]);
			close(p[1]);
		}
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		helper(p[0], dirfd, name, &st);
	}
	/* The write end stays open until the server (and its copy after
	 * daemon(3)) exits: that end of file is the helper's signal. */
	close(p[0]);
	close(dirfd);
	return 0;
}
