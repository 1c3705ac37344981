/*
 * pidfile.c: the pid file; see pidfile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pidfile.h"

static int pid_fd = -1;
static char *pid_path;

int
pidfile_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	struct stat st;

	if (fd < 0)
		return -1;
	/*
	 * Root truncates it later: never a file that is also elsewhere (a
	 * hard link planted in a folder others may write) or not a file.
	 */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	/*
	 * The lock says a server is running with this file; daemon(3)'s
	 * child keeps it (same open file), and it ends with the process.
	 */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		errno = errno == EWOULDBLOCK ? EBUSY : errno;
		return -1;
	}
	if ((pid_path = strdup(path)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	pid_fd = fd;
	return 0;
}

int
pidfile_write(void)
{
	char line[32];
	int n;

	if (pid_fd < 0)
		return 0;
	n = snprintf(line, sizeof(line), "%d\n", (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	/* Truncated only now: a stale pid never sits beside a new one. */
	if (ftruncate(pid_fd, 0) < 0 ||
	    pwrite(pid_fd, line, (size_t)n, 0) != (ssize_t)n)
		return -1;
	return 0;
}

void
pidfile_remove(void)
{
	if (pid_fd < 0)
		return;
	/* Nothing more can be done about a failure at exit. */
	if (unlink(pid_path) < 0 && ftruncate(pid_fd, 0) < 0)
		errno = 0;
	close(pid_fd);
	pid_fd = -1;
	free(pid_path);
	pid_path = NULL;
}
