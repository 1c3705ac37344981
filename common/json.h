/*
 * json: the inside of a JSON string, for log lines and `ftpd who`.
 */
#ifndef FTP_JSON_H
#define FTP_JSON_H

#include <stddef.h>

/*
 * Writes in as the inside of a JSON string (no quotes) to out, which
 * always ends with a NUL: quotes, backslashes and control characters
 * escaped, and bytes that are not UTF-8 (file names may hold anything)
 * written as \u00XX, so the result is valid JSON whatever in holds. What
 * does not fit is cut before a whole character or escape. Returns the
 * length written.
 */
size_t json_escape(char *out, size_t outsz, const char *in);

#endif
