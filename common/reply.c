/*
 * reply.c: reply formatting and parsing; see reply.h.
 */
#include <ctype.h>
#include <string.h>

#include "reply.h"

#define REPLY_TEXT_MAX (256 * 1024)

/* Appends one line of text with CR, LF and NUL made harmless. */
static int
append_clean(struct buf *out, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != '\r' && s[i] != '\0')
			continue;
		if (buf_append(out, s + start, i - start) < 0 ||
		    buf_append(out, " ", 1) < 0)
			return -1;
		start = i + 1;
	}
	return buf_append(out, s + start, n - start);
}

int
reply_format(struct buf *out, int code, const char *text)
{
	const char *line = text, *nl;
	size_t saved = out->len;

	if (code < 100 || code > 599)
		code = R_451_LOCAL_ERROR;
	nl = strchr(line, '\n');
	if (nl == NULL) {
		if (buf_printf(out, "%d ", code) < 0 ||
		    append_clean(out, line, strlen(line)) < 0 ||
		    buf_append(out, "\r\n", 2) < 0)
			goto fail;
		return 0;
	}
	if (buf_printf(out, "%d-", code) < 0 ||
	    append_clean(out, line, (size_t)(nl - line)) < 0 ||
	    buf_append(out, "\r\n", 2) < 0)
		goto fail;
	for (line = nl + 1; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		if (buf_append(out, " ", 1) < 0 ||
		    append_clean(out, line, (size_t)(nl - line)) < 0 ||
		    buf_append(out, "\r\n", 2) < 0)
			goto fail;
	}
	if (buf_printf(out, "%d ", code) < 0 ||
	    append_clean(out, line, strlen(line)) < 0 ||
	    buf_append(out, "\r\n", 2) < 0)
		goto fail;
	return 0;
fail:
	out->len = saved;
	if (out->data != NULL)
		out->data[saved] = '\0';
	return -1;
}

void
reply_parser_init(struct reply_parser *p)
{
	p->code = 0;
	p->multi = 0;
	buf_init(&p->text, REPLY_TEXT_MAX);
}

void
reply_parser_free(struct reply_parser *p)
{
	buf_free(&p->text);
}

void
reply_parser_reset(struct reply_parser *p)
{
	p->code = 0;
	p->multi = 0;
	buf_reset(&p->text);
}

/* Returns the code if line starts with three digits, else -1. */
static int
leading_code(const char *line, size_t len)
{
	if (len < 3 || !isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) || !isdigit((unsigned char)line[2]))
		return -1;
	if (line[0] < '1' || line[0] > '5')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

int
reply_parser_feed(struct reply_parser *p, const char *line, size_t len)
{
	int code = leading_code(line, len);

	if (p->text.len > 0 && buf_append(&p->text, "\n", 1) < 0)
		return -1;
	if (buf_append(&p->text, line, len) < 0)
		return -1;
	if (!p->multi) {
		if (code < 0)
			return -1;
		p->code = code;
		if (len > 3 && line[3] == '-') {
			p->multi = 1;
			return 0;
		}
		return 1;
	}
	/* Inside a multi-line reply only "ddd " with the same code ends it. */
	if (code == p->code && (len == 3 || line[3] == ' ')) {
		p->multi = 0;
		return 1;
	}
	return 0;
}

const char *
reply_last_line(const struct reply_parser *p)
{
	const char *t = buf_cstr(&p->text);
	const char *last = strrchr(t, '\n');

	last = last != NULL ? last + 1 : t;
	if (strlen(last) >= 4)
		return last + 4;
	return "";
}
