/*
 * json.c: JSON string escaping; see json.h.
 */
#include <stdio.h>
#include <string.h>

#include "json.h"

/*
 * The length of the valid UTF-8 sequence of two bytes or more at p, or 0:
 * strict (RFC 3629), so no overlong form and no surrogate, which JSON
 * readers refuse, gets through.
 */
static size_t
utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n = 0, i;

	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	if (*p == 0xe0)
		lo = 0xa0;
	else if (*p == 0xed)
		hi = 0x9f;
	else if (*p == 0xf0)
		lo = 0x90;
	else if (*p == 0xf4)
		hi = 0x8f;
	if (n > 1 && (p[1] < lo || p[1] > hi))
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t
json_escape(char *out, size_t outsz, const char *in)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t len = 0;

	if (outsz == 0)
		return 0;
	while (*p != '\0') {
		char esc[8];
		const char *piece = esc;
		size_t n = utf8_len(p), used = n;

		if (n > 1) {
			piece = (const char *)p;
		} else if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			n = 2;
			used = 1;
		} else if (*p < 0x20 || *p >= 0x7f) {
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", *p);
			used = 1;
		} else {
			piece = (const char *)p;
			n = used = 1;
		}
		if (n >= outsz - len)
			break;
		memcpy(out + len, piece, n);
		len += n;
		p += used;
	}
	out[len] = '\0';
	return len;
}
