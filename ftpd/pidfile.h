/*
 * pidfile: the pid_file setting. The file is created while ftpd is still
 * root (its folder, such as /run/ftpd, is usually root's), but the pid
 * it must hold is the detached process's, known only after daemon(3):
 * so the descriptor is kept open across the privilege drop and written
 * once the pid is final.
 *
 * Return convention: 0, or -1 with errno set.
 */
#ifndef FTPD_PIDFILE_H
#define FTPD_PIDFILE_H

#include "compat.h"

/*
 * Opens or creates path and locks it (flock) for as long as the server
 * runs. -1 with EBUSY when another running server holds it, ELOOP for a
 * symbolic link, EPERM for a file with other hard links or not a
 * regular file.
 */
int pidfile_open(const char *path) WARN_UNUSED;

/* Writes getpid() and a newline into the file opened by pidfile_open. */
int pidfile_write(void) WARN_UNUSED;

/*
 * At a clean exit: removes the file, or empties it when the folder does
 * not let this (unprivileged) user remove it, so no stale pid is read.
 * Nothing happens without pidfile_open.
 */
void pidfile_remove(void);

#endif
