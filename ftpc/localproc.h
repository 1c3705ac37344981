/*
 * localproc: local programs that the shell runs for the user (!, lls, the
 * pager of more), started with the signal dispositions a program expects
 * rather than ftpc's own (SIGPIPE ignored, SIGINT caught).
 */
#ifndef FTPC_LOCALPROC_H
#define FTPC_LOCALPROC_H

#include <sys/types.h>

#include "compat.h"

/*
 * Starts argv[0] (looked up in PATH) with argv; when in_fd >= 0 it
 * becomes the program's standard input. Returns the pid, or -1 with
 * errno set.
 */
pid_t localproc_spawn(char *const argv[], int in_fd) WARN_UNUSED;

/*
 * Waits for pid, through interrupted waits (Ctrl-C reaches the program,
 * not us). Returns its exit status, 128 + the signal that ended it, or
 * -1 when it cannot be waited for.
 */
int localproc_wait(pid_t pid);

/* The user's shell: $SHELL, else /bin/sh. */
const char *localproc_shell(void);

#endif
