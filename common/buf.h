/*
 * buf: a growable byte buffer with a hard cap.
 *
 * Every buffer that holds peer data is a buf with an explicit maximum, so
 * no input can make it grow without bound. The contents are always
 * NUL-terminated (the terminator is not counted in len), so a buf can be
 * handed to C string functions when it holds text.
 */
#ifndef FTP_BUF_H
#define FTP_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "compat.h"

struct buf {
	char *data;	/* NULL until the first append */
	size_t len;	/* bytes in use, excluding the terminator */
	size_t cap;	/* bytes allocated */
	size_t max;	/* len may never exceed this */
};

/* Sets up an empty buffer that may hold at most max bytes. */
void buf_init(struct buf *b, size_t max);

/* Releases the memory; the buffer is empty and reusable afterwards. */
void buf_free(struct buf *b);

/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);

/* Appends n bytes. Returns 0, or -1 (buffer unchanged) past max or on ENOMEM. */
int buf_append(struct buf *b, const void *p, size_t n) WARN_UNUSED;

/* Appends a C string. Same failures as buf_append. */
int buf_puts(struct buf *b, const char *s) WARN_UNUSED;

/* Appends formatted text. Returns 0, or -1 with the buffer unchanged. */
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3) WARN_UNUSED;
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) WARN_UNUSED;

/* Drops the first n bytes (all of them when n >= len). */
void buf_consume(struct buf *b, size_t n);

/* The contents as a C string; "" for an empty buffer. */
const char *buf_cstr(const struct buf *b);

/*
 * snprintf that refuses truncation: returns 0 when the whole text fit,
 * -1 otherwise (dst then holds a truncated but terminated string).
 */
int xsnprintf(char *dst, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4) WARN_UNUSED;

/* strlcpy-like copy that refuses truncation: 0 when it fit, -1 otherwise. */
int xstrlcpy(char *dst, const char *src, size_t size) WARN_UNUSED;

#endif
