/*
 * homes: one descriptor per home folder, shared by all its sessions.
 *
 * Every session resolves paths beneath its home's O_PATH descriptor. An
 * idle session would otherwise hold two descriptors (its control socket
 * and its home), halving how many sessions a descriptor limit allows;
 * sessions of the same user (and all anonymous ones) share one instead.
 */
#ifndef FTPD_HOMES_H
#define FTPD_HOMES_H

#include "compat.h"

/*
 * Returns a descriptor of home (a path beneath the server root, opened
 * with RESOLVE_BENEATH), shared and counted. -1 with errno on failure.
 */
int homes_open(const char *home) WARN_UNUSED;

/* Gives back a descriptor from homes_open; the last user closes it. */
void homes_release(int fd);

#endif
