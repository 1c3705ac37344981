/*
 * userlimits: a user's own limits (bandwidth and quota), the optional
 * fifth field of a users file line and the matching columns of the
 * PostgreSQL backend:
 *
 *   alice:$y$...:/alice:rw:rate_down=10M,rate_up=1M,quota_bytes=5G,quota_files=10000
 *
 * Sizes are bytes (per second for rates) with an optional K, M, G or T
 * suffix, powers of 1024. 0 or absent means no limit of the user's own
 * (the server-wide settings still apply).
 */
#ifndef FTPD_USERLIMITS_H
#define FTPD_USERLIMITS_H

#include <stddef.h>

#include "compat.h"

struct user_limits {
	unsigned long long rate_down;	/* bytes per second, 0: none */
	unsigned long long rate_up;
	unsigned long long quota_bytes;	/* 0: none */
	unsigned long long quota_files;
};

/*
 * Parses "key=size[,key=size...]" (an empty string is no limits) into
 * out. Returns 0, or -1 with the reason in err (an unknown key, a bad
 * size, a key given twice).
 */
int userlimits_parse(const char *text, struct user_limits *out, char *err,
    size_t errsz) WARN_UNUSED;

/*
 * Parses a size: digits and an optional K, M, G or T (powers of 1024;
 * lower case too). Returns 0, or -1 for bad syntax or overflow.
 */
int userlimits_parse_size(const char *text, unsigned long long *out) WARN_UNUSED;

/* Formats lim back as "key=size,..." (only the limits set; "" for none). */
void userlimits_format(const struct user_limits *lim, char *out, size_t outsz);

#endif
