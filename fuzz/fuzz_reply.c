/*
 * fuzz_reply.c: the client's reply reading, and the server's reply writer.
 *
 * Input: byte 0 chooses the half. Reading: the rest is what a server
 * sends; it goes through the line reader and reply parser the way ftpc's
 * proto_read_reply does (no TELNET, lines that cannot start a reply are
 * skipped), and each complete reply is checked: its code is the one its
 * last line starts with, and the last line's text and an MDTM-style date
 * read from it stay inside the buffer. Writing: bytes 1-2 are a code and
 * the rest a text; reply_format's output must be CRLF lines with no other
 * CR or LF, which the parser reads back as one reply with the same code
 * (451 for a code out of range) and the same text lines.
 */
#include <time.h>

#include "ctrlio.h"
#include "fuzz.h"
#include "proto.h"
#include "reply.h"

/* ftpc/proto.c's PROTO_LINE_MAX, which that file keeps to itself. */
#define FTPC_LINE_MAX 8192

static int
code_of(const char *line, size_t len)
{
	if (len < 3 || line[0] < '1' || line[0] > '5' || line[1] < '0' ||
	    line[1] > '9' || line[2] < '0' || line[2] > '9')
		return -1;
	return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

/* Checks one complete reply; line is its last line. */
static void
check_reply(const struct reply_parser *p, const char *line, size_t len)
{
	const char *text = buf_cstr(&p->text), *last = reply_last_line(p);
	time_t when;

	FUZZ_CHECK(p->code >= 100 && p->code <= 599 && !p->multi);
	FUZZ_CHECK(code_of(line, len) == p->code);
	FUZZ_CHECK(len == 3 || line[3] != '-');
	FUZZ_CHECK(code_of(text, p->text.len) == p->code);
	/* The text after "ddd " of the last line, or a constant "". */
	if (len > 4)
		FUZZ_CHECK(last == text + p->text.len - len + 4);
	else
		FUZZ_CHECK(*last == '\0');
	(void)proto_parse_time(last, &when);
}

static void
fuzz_read(const uint8_t *data, size_t size)
{
	struct ctrl_reader rd;
	struct reply_parser p;
	size_t pos = 0;

	ctrl_reader_init(&rd, FTPC_LINE_MAX, 0);
	reply_parser_init(&p);
	while (pos < size) {
		enum ctrl_result r;
		const char *line;
		size_t used, len;
		int multi = p.multi, over, rc;
		size_t prev = p.text.len;

		r = ctrl_feed(&rd, data + pos, size - pos, &used);
		pos += used;
		if (r != CTRL_LINE)
			continue;
		line = buf_cstr(&rd.line);
		len = rd.line.len;
		rc = reply_parser_feed(&p, line, len);
		over = prev + (prev > 0) + len > p.text.max;
		if (rc < 0) {
			/* Outside a reply, or the text outgrew its cap. */
			FUZZ_CHECK(over || (!multi && code_of(line, len) < 0));
			reply_parser_reset(&p);
		} else if (rc == 0) {
			FUZZ_CHECK(p.multi && !over);
			FUZZ_CHECK(code_of(buf_cstr(&p.text), p.text.len) == p.code);
		} else {
			FUZZ_CHECK(!over);
			check_reply(&p, line, len);
			reply_parser_reset(&p);
		}
	}
	reply_parser_free(&p);
	ctrl_reader_free(&rd);
}

static void
fuzz_write(const uint8_t *data, size_t size)
{
	struct reply_parser p;
	struct buf out;
	char *text, *line, *end;
	const char *t;
	int code, want, rc = 0;
	size_t nlines = 1, i;

	if (size < 2 || size > 65536)
		return;
	code = (int16_t)(data[0] << 8 | data[1]);
	want = code >= 100 && code <= 599 ? code : R_451_LOCAL_ERROR;
	text = fuzz_cstr(data + 2, size - 2);
	for (t = text; (t = strchr(t, '\n')) != NULL; t++)
		nlines++;
	buf_init(&out, 1 << 20);
	FUZZ_CHECK(reply_format(&out, code, text) == 0);
	line = out.data;
	reply_parser_init(&p);
	t = text;
	for (i = 0; i < nlines; i++) {
		size_t tl = strcspn(t, "\n"), j;

		end = strstr(line, "\r\n");
		FUZZ_CHECK(end != NULL);
		FUZZ_CHECK(memchr(line, '\r', (size_t)(end - line)) == NULL);
		FUZZ_CHECK(memchr(line, '\n', (size_t)(end - line)) == NULL);
		FUZZ_CHECK(rc == 0);
		rc = reply_parser_feed(&p, line, (size_t)(end - line));
		/* "ddd-" first, " " in the middle, "ddd " last. */
		if (i == 0 || i == nlines - 1) {
			FUZZ_CHECK(code_of(line, 4) == want);
			FUZZ_CHECK(line[3] == (i == nlines - 1 ? ' ' : '-'));
			line += 4;
		} else {
			FUZZ_CHECK(line[0] == ' ');
			line++;
		}
		/* The text itself, with CR made a space. */
		FUZZ_CHECK((size_t)(end - line) == tl);
		for (j = 0; j < tl; j++)
			FUZZ_CHECK(line[j] == (t[j] == '\r' ? ' ' : t[j]));
		t += tl + 1;
		line = end + 2;
	}
	FUZZ_CHECK(*line == '\0' && line == out.data + out.len);
	FUZZ_CHECK(rc == 1 && p.code == want);
	reply_parser_free(&p);
	buf_free(&out);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_write(data + 1, size - 1);
	else
		fuzz_read(data + 1, size - 1);
	return 0;
}
