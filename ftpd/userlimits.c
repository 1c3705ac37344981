/*
 * userlimits.c: per-user limits; see userlimits.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "userlimits.h"

static const struct {
	const char *key;
	size_t offset;
} keys[] = {
	{ "rate_down", offsetof(struct user_limits, rate_down) },
	{ "rate_up", offsetof(struct user_limits, rate_up) },
	{ "quota_bytes", offsetof(struct user_limits, quota_bytes) },
	{ "quota_files", offsetof(struct user_limits, quota_files) },
};

int
userlimits_parse_size(const char *text, unsigned long long *out)
{
	static const char units[] = "KMGT";
	unsigned long long v, mult = 1;
	const char *u;
	char *end;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		/* strchr would also find the terminator: check for a letter. */
		if (end[1] != '\0' || (end[0] & ~0x20) < 'A' ||
		    (u = strchr(units, end[0] & ~0x20)) == NULL)
			return -1;
		mult = 1ULL << (10 * (unsigned)(u - units + 1));
	}
	if (v > ~0ULL / mult)
		return -1;
	*out = v * mult;
	return 0;
}

int
userlimits_parse(const char *text, struct user_limits *out, char *err,
    size_t errsz)
{
	char *copy, *tok, *save = NULL, *eq;
	unsigned seen = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (*text == '\0')
		return 0;
	if ((copy = strdup(text)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			snprintf(err, errsz, "'%s' is not key=size", tok);
			goto fail;
		}
		*eq = '\0';
		for (i = 0; i < ARRAY_LEN(keys); i++)
			if (strcmp(tok, keys[i].key) == 0)
				break;
		if (i == ARRAY_LEN(keys)) {
			snprintf(err, errsz, "unknown limit '%s' (rate_down, "
			    "rate_up, quota_bytes, quota_files)", tok);
			goto fail;
		}
		if (seen & (1u << i)) {
			snprintf(err, errsz, "%s given twice", tok);
			goto fail;
		}
		seen |= 1u << i;
		if (userlimits_parse_size(eq + 1, (unsigned long long *)
		    ((char *)out + keys[i].offset)) < 0) {
			snprintf(err, errsz, "%s: '%s' is not a size (digits "
			    "and K, M, G or T)", tok, eq + 1);
			goto fail;
		}
	}
	free(copy);
	return 0;
fail:
	free(copy);
	memset(out, 0, sizeof(*out));
	return -1;
}

void
userlimits_format(const struct user_limits *lim, char *out, size_t outsz)
{
	size_t i, n = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	for (i = 0; i < ARRAY_LEN(keys); i++) {
		unsigned long long v = *(const unsigned long long *)
		    ((const char *)lim + keys[i].offset);
		int w;

		if (v == 0)
			continue;
		w = snprintf(out + n, outsz - n, "%s%s=%llu", n ? "," : "",
		    keys[i].key, v);
		if (w < 0 || (size_t)w >= outsz - n)
			return;
		n += (size_t)w;
	}
}
