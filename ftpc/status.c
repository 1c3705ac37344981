/*
 * status.c: see status.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include "status.h"

const char *
fc_status_name(enum fc_status st)
{
	switch (st) {
	case FC_OK: return "success";
	case FC_FAIL: return "command failed";
	case FC_USAGE: return "usage error";
	case FC_CONNECT: return "connection failed";
	case FC_LOGIN: return "login failed";
	case FC_REMOTE: return "remote file error";
	case FC_XFER: return "transfer failed";
	case FC_LOCAL: return "local file error";
	}
	return "unknown";
}

void
fc_errf(char *dst, size_t dstsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, dstsz, fmt, ap);
	va_end(ap);
}
