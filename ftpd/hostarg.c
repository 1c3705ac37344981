/*
 * hostarg.c: HOST's argument; see hostarg.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "hostarg.h"

/* Whether s (n bytes) is an IPv4 or IPv6 address. */
static int
is_address(const char *s, size_t n)
{
	unsigned char bin[16];
	char tmp[64];

	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET, tmp, bin) == 1 ||
	    inet_pton(AF_INET6, tmp, bin) == 1;
}

/* Whether s (n bytes, no final dot) follows RFC 1123's host name rules. */
static int
is_host_name(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n == 0 || n > HOSTARG_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-')
			return 0;
		if (c == '-' && label == 0)
			return 0;
		if (++label > 63)
			return 0;
	}
	return s[n - 1] != '-';
}

enum hostarg_kind
hostarg_parse(const char *arg, char *out, size_t outsz)
{
	size_t n = strlen(arg), i;

	if (outsz < HOSTARG_NAME_MAX + 1)
		return HOSTARG_BAD;
	out[0] = '\0';
	if (n >= 2 && arg[0] == '[' && arg[n - 1] == ']') {
		if (!is_address(arg + 1, n - 2))
			return HOSTARG_BAD;
		memcpy(out, arg + 1, n - 2);
		out[n - 2] = '\0';
		return HOSTARG_LITERAL;
	}
	if (is_address(arg, n)) {
		memcpy(out, arg, n + 1);
		return HOSTARG_LITERAL;
	}
	if (n > 1 && arg[n - 1] == '.')
		n--;			/* the root label: same host */
	if (!is_host_name(arg, n))
		return HOSTARG_BAD;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)arg[i]);
	out[n] = '\0';
	return HOSTARG_NAME;
}
