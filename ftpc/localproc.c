/*
 * localproc.c: see localproc.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "localproc.h"

pid_t
localproc_spawn(char *const argv[], int in_fd)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (in_fd >= 0 && in_fd != STDIN_FILENO) {
		if (dup2(in_fd, STDIN_FILENO) < 0)
			_exit(127);
		close(in_fd);
	}
	execvp(argv[0], argv);
	_exit(127);
}

int
localproc_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

const char *
localproc_shell(void)
{
	const char *sh = getenv("SHELL");

	return sh != NULL && *sh != '\0' ? sh : "/bin/sh";
}
