/*
 * ctrlio.c: control line reader; see ctrlio.h.
 */
#include "ctrlio.h"

#define TELNET_IAC 255
#define TELNET_WILL 251
#define TELNET_DONT 254

enum { TN_DATA, TN_IAC, TN_OPTION };

void
ctrl_reader_init(struct ctrl_reader *r, size_t max, int telnet)
{
	buf_init(&r->line, max + 1);	/* room for a CR before the LF */
	r->max = max;
	r->telnet = TN_DATA;
	r->pending_cr = 0;
	r->overflow = 0;
	r->bad_byte = 0;
	r->telnet_enabled = telnet ? 1 : 0;
}

void
ctrl_reader_free(struct ctrl_reader *r)
{
	buf_free(&r->line);
}

/* Adds one data byte to the line, or notes that the line is lost. */
static void
put_byte(struct ctrl_reader *r, unsigned char c)
{
	if (r->overflow)
		return;
	if (c == '\0')
		r->bad_byte = 1;
	if (buf_append(&r->line, &c, 1) < 0)
		r->overflow = 1;
}

enum ctrl_result
ctrl_feed(struct ctrl_reader *r, const unsigned char *data, size_t n,
    size_t *used)
{
	enum ctrl_result res;
	size_t i;

	if (r->pending_cr == 2) {
		/* The previous call returned a line; start a fresh one. */
		buf_reset(&r->line);
		r->pending_cr = 0;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = data[i];

		if (r->telnet == TN_IAC) {
			r->telnet = TN_DATA;
			if (c == TELNET_IAC)
				goto data_byte;
			if (c >= TELNET_WILL && c <= TELNET_DONT)
				r->telnet = TN_OPTION;
			continue;	/* IP, DM, AYT...: commands, not data */
		}
		if (r->telnet == TN_OPTION) {
			r->telnet = TN_DATA;
			continue;
		}
		if (c == TELNET_IAC && r->telnet_enabled) {
			r->telnet = TN_IAC;
			continue;
		}
data_byte:
		if (c == '\n') {
			/* A CR just before the LF belongs to the line ending. */
			if (!r->overflow && r->line.len > 0 &&
			    r->line.data[r->line.len - 1] == '\r') {
				r->line.len--;
				r->line.data[r->line.len] = '\0';
			}
			*used = i + 1;
			res = CTRL_LINE;
			if (r->overflow)
				res = CTRL_TOO_LONG;
			else if (r->bad_byte)
				res = CTRL_BAD_BYTE;
			r->overflow = 0;
			r->bad_byte = 0;
			r->pending_cr = 2;
			if (res != CTRL_LINE)
				buf_reset(&r->line);
			return res;
		}
		/* Allow one byte beyond max for a CR that ends the line. */
		if (!r->overflow && r->line.len >= r->max &&
		    !(r->line.len == r->max && c == '\r')) {
			r->overflow = 1;
			continue;
		}
		put_byte(r, c);
	}
	*used = n;
	return CTRL_NEED_MORE;
}
