/*
 * status: what a command, a transfer or the whole program ends with.
 * The numbers are ftpc's exit codes (docs/ftpc.md lists them), so a
 * script can tell a refused login from a missing file.
 */
#ifndef FTPC_STATUS_H
#define FTPC_STATUS_H

#include <stddef.h>

enum fc_status {
	FC_OK = 0,		/* everything asked for was done */
	FC_FAIL = 1,		/* a command failed for another reason */
	FC_USAGE = 2,		/* bad options, arguments or URL */
	FC_CONNECT = 3,		/* no connection, or it was lost */
	FC_LOGIN = 4,		/* login refused */
	FC_REMOTE = 5,		/* the server refused a file operation (5xx) */
	FC_XFER = 6,		/* a data transfer failed or was cut short */
	FC_LOCAL = 7,		/* a local file could not be read or written */
};

/* A short name for messages ("usage error", "login failed", ...). */
const char *fc_status_name(enum fc_status st);

/*
 * Formats a message into dst, truncating silently: for error texts,
 * where a cut-off path is better than no message.
 */
void fc_errf(char *dst, size_t dstsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
