/*
 * test_reply.c: the reply writer and the client's reply parser.
 */
#include <string.h>

#include "testutil.h"
#include "reply.h"

/* Formats one reply into a fresh buffer and compares it with want. */
static void
check_format(int code, const char *text, const char *want)
{
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(reply_format(&b, code, text), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), want);
	buf_free(&b);
}

/* Feeds a C string line to the parser. */
static int
feed(struct reply_parser *p, const char *line)
{
	return reply_parser_feed(p, line, strlen(line));
}

static void
test_format_single(void)
{
	check_format(R_200_OK, "Command okay.", "200 Command okay.\r\n");
	check_format(R_230_LOGGED_IN, "User logged in, proceed.",
	    "230 User logged in, proceed.\r\n");
	check_format(R_550_FILE_UNAVAILABLE, "", "550 \r\n");
}

static void
test_format_appends(void)
{
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(buf_puts(&b, "prior"), 0);
	CU_ASSERT_EQUAL(reply_format(&b, R_221_GOODBYE, "Bye."), 0);
	CU_ASSERT_EQUAL(reply_format(&b, R_200_OK, "x"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "prior221 Bye.\r\n200 x\r\n");
	buf_free(&b);
}

static void
test_format_multi(void)
{
	check_format(R_211_SYSTEM_STATUS, "Features:\nMDTM\nSIZE\nEnd",
	    "211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n");
	/* Two lines: no middle lines at all. */
	check_format(R_214_HELP, "first\nlast", "214-first\r\n214 last\r\n");
	/* Empty middle and last lines. */
	check_format(R_214_HELP, "a\n\nb\n", "214-a\r\n \r\n b\r\n214 \r\n");
}

static void
test_format_middle_line_cannot_close(void)
{
	/*
	 * A middle line that looks like a closing line ("211 x") must be
	 * indented so that a client never takes it for the end of the reply.
	 */
	check_format(R_211_SYSTEM_STATUS, "start\n211 fake end\n211-also\nend",
	    "211-start\r\n 211 fake end\r\n 211-also\r\n211 end\r\n");
}

static void
test_format_nul_ends_text(void)
{
	/* A NUL ends the C string: nothing after it can reach the wire. */
	check_format(R_200_OK, "a\0\r\n200 b", "200 a\r\n");
}

static void
test_format_neutralises_cr(void)
{
	/* A CR inside the text becomes a space on every kind of line. */
	check_format(R_200_OK, "a\rb", "200 a b\r\n");
	check_format(R_200_OK, "x\r\n200 injected",
	    "200-x \r\n200 200 injected\r\n");
	check_format(R_211_SYSTEM_STATUS, "f\rirst\nmid\rdle\nla\rst",
	    "211-f irst\r\n mid dle\r\n211 la st\r\n");
	check_format(R_200_OK, "\r\r", "200   \r\n");
}

static void
test_format_no_raw_crlf(void)
{
	static const char *const texts[] = {
		"plain", "a\rb", "a\nb", "a\r\nb\r\nc", "\n\n\n", "\r", "\n",
		"x\n226 Transfer complete\ny",
	};
	size_t i, j;
	struct buf b;

	/*
	 * Whatever the text, every CR in the output is followed by LF, every
	 * LF follows a CR, and each line after the first that starts with a
	 * digit is the closing line.
	 */
	for (i = 0; i < ARRAY_LEN(texts); i++) {
		const char *s;
		size_t closing = 0;

		buf_init(&b, 4096);
		CU_ASSERT_EQUAL_FATAL(reply_format(&b, 250, texts[i]), 0);
		s = buf_cstr(&b);
		for (j = 0; j < b.len; j++) {
			if (s[j] == '\r')
				CU_ASSERT_EQUAL(s[j + 1], '\n');
			if (s[j] == '\n')
				CU_ASSERT(j > 0 && s[j - 1] == '\r');
			if ((j == 0 || s[j - 1] == '\n') &&
			    strncmp(s + j, "250 ", 4) == 0)
				closing++;
		}
		CU_ASSERT_EQUAL(closing, 1);
		CU_ASSERT(b.len >= 2 && s[b.len - 2] == '\r' &&
		    s[b.len - 1] == '\n');
		buf_free(&b);
	}
}

static void
test_format_bad_code(void)
{
	/* An impossible code never reaches the wire as such. */
	check_format(42, "oops", "451 oops\r\n");
	check_format(600, "oops", "451 oops\r\n");
	check_format(-1, "oops", "451 oops\r\n");
	check_format(100, "ok", "100 ok\r\n");
	check_format(599, "ok", "599 ok\r\n");
}

static void
test_format_cap(void)
{
	struct buf b;

	/* The reply does not fit: -1 and the buffer exactly as before. */
	buf_init(&b, 20);
	CU_ASSERT_EQUAL(buf_puts(&b, "keep"), 0);
	CU_ASSERT_EQUAL(reply_format(&b, R_200_OK,
	    "this text is far too long"), -1);
	CU_ASSERT_EQUAL(b.len, 4);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "keep");
	/* A multi-line reply that fails half-way is rolled back too. */
	CU_ASSERT_EQUAL(reply_format(&b, R_211_SYSTEM_STATUS,
	    "a\nb\nccccccccccccccc"), -1);
	CU_ASSERT_EQUAL(b.len, 4);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "keep");
	/* Something short still fits afterwards. */
	CU_ASSERT_EQUAL(reply_format(&b, R_200_OK, "ok"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "keep200 ok\r\n");
	buf_free(&b);
}

static void
test_parse_single(void)
{
	struct reply_parser p;

	reply_parser_init(&p);
	CU_ASSERT_EQUAL(feed(&p, "220 Service ready"), 1);
	CU_ASSERT_EQUAL(p.code, 220);
	CU_ASSERT_EQUAL(p.multi, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&p.text), "220 Service ready");
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "Service ready");
	reply_parser_reset(&p);
	CU_ASSERT_EQUAL(p.code, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&p.text), "");
	/* A bare code is a complete reply too. */
	CU_ASSERT_EQUAL(feed(&p, "200"), 1);
	CU_ASSERT_EQUAL(p.code, 200);
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "");
	reply_parser_free(&p);
}

static void
test_parse_uses_len(void)
{
	struct reply_parser p;

	/* Only len bytes count, not the whole C string. */
	reply_parser_init(&p);
	CU_ASSERT_EQUAL(reply_parser_feed(&p, "331 Password\r\nxyz", 12), 1);
	CU_ASSERT_EQUAL(p.code, 331);
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "Password");
	reply_parser_free(&p);
}

static void
test_parse_multi(void)
{
	struct reply_parser p;

	reply_parser_init(&p);
	CU_ASSERT_EQUAL(feed(&p, "211-Features:"), 0);
	CU_ASSERT_EQUAL(p.multi, 1);
	CU_ASSERT_EQUAL(p.code, 211);
	CU_ASSERT_EQUAL(feed(&p, " MDTM"), 0);
	CU_ASSERT_EQUAL(feed(&p, " SIZE"), 0);
	CU_ASSERT_EQUAL(feed(&p, "211 End"), 1);
	CU_ASSERT_EQUAL(p.code, 211);
	CU_ASSERT_EQUAL(p.multi, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&p.text),
	    "211-Features:\n MDTM\n SIZE\n211 End");
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "End");
	reply_parser_free(&p);
}

static void
test_parse_multi_inner_codes(void)
{
	struct reply_parser p;

	/*
	 * RFC 959: inner lines may start with other codes, or with the same
	 * code followed by '-'; only "ddd " with the opening code ends it.
	 */
	reply_parser_init(&p);
	CU_ASSERT_EQUAL(feed(&p, "230-Welcome"), 0);
	CU_ASSERT_EQUAL(feed(&p, "220 not the end"), 0);
	CU_ASSERT_EQUAL(feed(&p, "530 still not"), 0);
	CU_ASSERT_EQUAL(feed(&p, "230-same code, dash"), 0);
	CU_ASSERT_EQUAL(feed(&p, "230x neither"), 0);
	CU_ASSERT_EQUAL(feed(&p, "23 short"), 0);
	CU_ASSERT_EQUAL(feed(&p, ""), 0);
	CU_ASSERT_EQUAL(feed(&p, "free text 230 "), 0);
	CU_ASSERT_EQUAL(p.multi, 1);
	CU_ASSERT_EQUAL(feed(&p, "230 Logged in"), 1);
	CU_ASSERT_EQUAL(p.code, 230);
	CU_ASSERT_EQUAL(p.multi, 0);
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "Logged in");
	CU_ASSERT_STRING_EQUAL(buf_cstr(&p.text),
	    "230-Welcome\n220 not the end\n530 still not\n"
	    "230-same code, dash\n230x neither\n23 short\n\n"
	    "free text 230 \n230 Logged in");
	reply_parser_free(&p);
}

static void
test_parse_multi_bare_code_ends(void)
{
	struct reply_parser p;

	reply_parser_init(&p);
	CU_ASSERT_EQUAL(feed(&p, "226-a"), 0);
	CU_ASSERT_EQUAL(feed(&p, "226"), 1);
	CU_ASSERT_EQUAL(p.code, 226);
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "");
	reply_parser_free(&p);
}

static void
test_parse_malformed_first(void)
{
	static const char *const bad[] = {
		"", "2", "22", "abc def", " 220 x", "22a x", "620 x", "020 x",
		"-220 x", "x220",
	};
	struct reply_parser p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		reply_parser_init(&p);
		CU_ASSERT_EQUAL(feed(&p, bad[i]), -1);
		CU_ASSERT_EQUAL(p.multi, 0);
		reply_parser_free(&p);
	}
}

static void
test_parse_reset_between(void)
{
	struct reply_parser p;

	reply_parser_init(&p);
	CU_ASSERT_EQUAL(feed(&p, "150-Opening"), 0);
	CU_ASSERT_EQUAL(feed(&p, "150 ok"), 1);
	reply_parser_reset(&p);
	CU_ASSERT_EQUAL(p.multi, 0);
	CU_ASSERT_EQUAL(feed(&p, "226 Transfer complete"), 1);
	CU_ASSERT_EQUAL(p.code, 226);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&p.text), "226 Transfer complete");
	/* A reset in the middle of a multi-line reply forgets it. */
	reply_parser_reset(&p);
	CU_ASSERT_EQUAL(feed(&p, "211-x"), 0);
	reply_parser_reset(&p);
	CU_ASSERT_EQUAL(feed(&p, "200 y"), 1);
	CU_ASSERT_EQUAL(p.code, 200);
	reply_parser_free(&p);
}

static void
test_parse_round_trip(void)
{
	struct reply_parser p;
	struct buf b;
	const char *s, *nl;
	int rc = 0;

	/* What the writer produces, the parser reads back as one reply. */
	buf_init(&b, 4096);
	CU_ASSERT_EQUAL_FATAL(reply_format(&b, R_214_HELP,
	    "The commands are:\n214 USER PASS\n214-QUIT\nDirect comments"), 0);
	reply_parser_init(&p);
	for (s = buf_cstr(&b); (nl = strstr(s, "\r\n")) != NULL; s = nl + 2) {
		CU_ASSERT_EQUAL(rc, 0);
		rc = reply_parser_feed(&p, s, (size_t)(nl - s));
	}
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_EQUAL(*s, '\0');
	CU_ASSERT_EQUAL(p.code, 214);
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "Direct comments");
	reply_parser_free(&p);
	buf_free(&b);
}

static void
test_last_line_empty_parser(void)
{
	struct reply_parser p;

	reply_parser_init(&p);
	CU_ASSERT_STRING_EQUAL(reply_last_line(&p), "");
	reply_parser_free(&p);
}

static void
test_parse_text_cap(void)
{
	struct reply_parser p;
	char line[1025];
	int rc = 0, i;

	/* An endless multi-line reply cannot grow memory without bound. */
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	reply_parser_init(&p);
	CU_ASSERT_EQUAL(feed(&p, "211-start"), 0);
	for (i = 0; i < 10000 && rc == 0; i++)
		rc = feed(&p, line);
	CU_ASSERT_EQUAL(rc, -1);
	CU_ASSERT(i < 10000);
	CU_ASSERT(p.text.len <= p.text.max);
	reply_parser_free(&p);
}

void
suite_register(void)
{
	ADD_SUITE("reply", NULL, NULL,
	    TEST(test_format_single),
	    TEST(test_format_appends),
	    TEST(test_format_multi),
	    TEST(test_format_middle_line_cannot_close),
	    TEST(test_format_nul_ends_text),
	    TEST(test_format_neutralises_cr),
	    TEST(test_format_no_raw_crlf),
	    TEST(test_format_bad_code),
	    TEST(test_format_cap),
	    TEST(test_parse_single),
	    TEST(test_parse_uses_len),
	    TEST(test_parse_multi),
	    TEST(test_parse_multi_inner_codes),
	    TEST(test_parse_multi_bare_code_ends),
	    TEST(test_parse_malformed_first),
	    TEST(test_parse_reset_between),
	    TEST(test_parse_round_trip),
	    TEST(test_last_line_empty_parser),
	    TEST(test_parse_text_cap));
}
