/*
 * test_ctrlio.c: the control-channel line reader.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "ctrlio.h"

#define IAC 255
#define DONT 254
#define DO 253
#define WONT 252
#define WILL 251
#define IP 244
#define DM 242
#define AYT 246

#define MAX_EVENTS 64

/* What came out of the reader: one entry per non-NEED_MORE result. */
struct events {
	int n;
	enum ctrl_result res[MAX_EVENTS];
	char *line[MAX_EVENTS];		/* copy of r->line, or NULL */
	size_t len[MAX_EVENTS];
};

static void
events_free(struct events *ev)
{
	int i;

	for (i = 0; i < ev->n; i++)
		free(ev->line[i]);
	ev->n = 0;
}

/*
 * Feeds data[0..n) to r, calling ctrl_feed until every byte is used, and
 * records each result. Checks that *used always makes progress and never
 * exceeds what was offered.
 */
static void
feed_all(struct ctrl_reader *r, const void *data, size_t n, struct events *ev)
{
	const unsigned char *p = data;
	size_t off = 0;

	for (;;) {
		size_t used = (size_t)-1;
		enum ctrl_result res = ctrl_feed(r, p + off, n - off, &used);

		CU_ASSERT_FATAL(used <= n - off);
		if (res == CTRL_NEED_MORE) {
			CU_ASSERT_EQUAL(used, n - off);
			return;
		}
		CU_ASSERT_FATAL(used > 0);
		off += used;
		CU_ASSERT_FATAL(ev->n < MAX_EVENTS);
		ev->res[ev->n] = res;
		ev->line[ev->n] = NULL;
		ev->len[ev->n] = 0;
		if (res == CTRL_LINE) {
			ev->len[ev->n] = r->line.len;
			ev->line[ev->n] = malloc(r->line.len + 1);
			CU_ASSERT_PTR_NOT_NULL_FATAL(ev->line[ev->n]);
			memcpy(ev->line[ev->n], buf_cstr(&r->line),
			    r->line.len + 1);
		}
		ev->n++;
		if (off == n)
			return;
	}
}

/* Checks that event i is a line equal to the C string want. */
static void
expect_line(const struct events *ev, int i, const char *want)
{
	CU_ASSERT_FATAL(i < ev->n);
	CU_ASSERT_EQUAL(ev->res[i], CTRL_LINE);
	if (ev->res[i] == CTRL_LINE && ev->line[i] != NULL)
		CU_ASSERT_STRING_EQUAL(ev->line[i], want);
}

/* Checks that event i is a line of exactly n bytes equal to want. */
static void
expect_bytes(const struct events *ev, int i, const void *want, size_t n)
{
	CU_ASSERT_FATAL(i < ev->n);
	CU_ASSERT_EQUAL(ev->res[i], CTRL_LINE);
	CU_ASSERT_EQUAL(ev->len[i], n);
	if (ev->res[i] == CTRL_LINE && ev->line[i] != NULL && ev->len[i] == n)
		CU_ASSERT_EQUAL(memcmp(ev->line[i], want, n), 0);
}

/* Feeds data in pieces of `chunk` bytes (1 = byte by byte). */
static void
feed_chunked(struct ctrl_reader *r, const void *data, size_t n, size_t chunk,
    struct events *ev)
{
	const unsigned char *p = data;
	size_t off;

	for (off = 0; off < n; off += chunk)
		feed_all(r, p + off, n - off < chunk ? n - off : chunk, ev);
}

static void
test_crlf_line(void)
{
	struct ctrl_reader r;
	size_t used = 0;

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"USER bob\r\n",
	    10, &used), CTRL_LINE);
	CU_ASSERT_EQUAL(used, 10);
	CU_ASSERT_EQUAL(r.line.len, 8);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "USER bob");
	ctrl_reader_free(&r);
}

static void
test_bare_lf_line(void)
{
	struct ctrl_reader r;
	size_t used = 0;

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"NOOP\n", 5,
	    &used), CTRL_LINE);
	CU_ASSERT_EQUAL(used, 5);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "NOOP");
	/* An empty line is still a line. */
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"\r\n", 2,
	    &used), CTRL_LINE);
	CU_ASSERT_EQUAL(used, 2);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "");
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"\n", 1,
	    &used), CTRL_LINE);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "");
	ctrl_reader_free(&r);
}

static void
test_need_more(void)
{
	struct ctrl_reader r;
	size_t used = 99;

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"PWD", 3, &used),
	    CTRL_NEED_MORE);
	CU_ASSERT_EQUAL(used, 3);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"", 0, &used),
	    CTRL_NEED_MORE);
	CU_ASSERT_EQUAL(used, 0);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"\r", 1, &used),
	    CTRL_NEED_MORE);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"\n", 1, &used),
	    CTRL_LINE);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "PWD");
	ctrl_reader_free(&r);
}

static void
test_inner_cr_kept(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };

	/* Only a CR right before the LF is part of the line ending. */
	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, "A\rB\r\n", 5, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 1);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_LINE);
	expect_line(&ev, 0, "A\rB");
	events_free(&ev);
	feed_all(&r, "C\r\r\n", 4, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 1);
	expect_line(&ev, 0, "C\r");
	events_free(&ev);
	ctrl_reader_free(&r);
}

static void
test_several_lines_one_feed(void)
{
	static const char in[] = "USER a\r\nPASS b\nCWD /x\r\nPWD";
	struct ctrl_reader r;
	const unsigned char *p = (const unsigned char *)in;
	size_t n = sizeof(in) - 1, used;

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	CU_ASSERT_EQUAL(ctrl_feed(&r, p, n, &used), CTRL_LINE);
	CU_ASSERT_EQUAL(used, 8);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "USER a");
	p += used;
	n -= used;
	CU_ASSERT_EQUAL(ctrl_feed(&r, p, n, &used), CTRL_LINE);
	CU_ASSERT_EQUAL(used, 7);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "PASS b");
	p += used;
	n -= used;
	CU_ASSERT_EQUAL(ctrl_feed(&r, p, n, &used), CTRL_LINE);
	CU_ASSERT_EQUAL(used, 8);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "CWD /x");
	p += used;
	n -= used;
	CU_ASSERT_EQUAL(ctrl_feed(&r, p, n, &used), CTRL_NEED_MORE);
	CU_ASSERT_EQUAL(used, 3);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"\r\n", 2,
	    &used), CTRL_LINE);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "PWD");
	ctrl_reader_free(&r);
}

/* The same input must give the same lines whatever the segmenting. */
static void
test_any_chunking(void)
{
	static const char in[] = "USER anonymous\r\nPASS a@b\r\nSYST\n"
	    "\r\nTYPE I\r\nRETR some file\r\nQUIT\r\n";
	static const char *const want[] = {
		"USER anonymous", "PASS a@b", "SYST", "", "TYPE I",
		"RETR some file", "QUIT",
	};
	size_t chunk, i;

	for (chunk = 1; chunk <= sizeof(in); chunk++) {
		struct ctrl_reader r;
		struct events ev = { 0 };

		ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
		feed_chunked(&r, in, sizeof(in) - 1, chunk, &ev);
		CU_ASSERT_EQUAL(ev.n, (int)ARRAY_LEN(want));
		for (i = 0; i < ARRAY_LEN(want) && (int)i < ev.n; i++) {
			CU_ASSERT_EQUAL(ev.res[i], CTRL_LINE);
			expect_line(&ev, i, want[i]);
		}
		events_free(&ev);
		ctrl_reader_free(&r);
	}
}

static void
test_random_chunking(void)
{
	static const char in[] = "CWD a\r\nLIST\nMKD b c\r\nRNFR x\r\nRNTO y\n";
	static const char *const want[] = {
		"CWD a", "LIST", "MKD b c", "RNFR x", "RNTO y",
	};
	unsigned seed = 12345;
	int round;
	size_t i;

	for (round = 0; round < 200; round++) {
		struct ctrl_reader r;
		struct events ev = { 0 };
		size_t off = 0, n = sizeof(in) - 1;

		ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
		while (off < n) {
			size_t k;

			seed = seed * 1103515245u + 12345u;
			k = 1 + (seed >> 16) % 9;
			if (k > n - off)
				k = n - off;
			feed_all(&r, in + off, k, &ev);
			off += k;
		}
		CU_ASSERT_EQUAL(ev.n, (int)ARRAY_LEN(want));
		for (i = 0; i < ARRAY_LEN(want) && (int)i < ev.n; i++)
			expect_line(&ev, i, want[i]);
		events_free(&ev);
		ctrl_reader_free(&r);
	}
}

static void
test_telnet_iac_iac(void)
{
	static const unsigned char in[] = {
		'S', 'T', 'O', 'R', ' ', 'a', IAC, IAC, 'b', '\r', '\n',
	};
	struct ctrl_reader r;
	struct events ev = { 0 };

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, in, sizeof(in), &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 1);
	expect_bytes(&ev, 0, "STOR a\xff" "b", 8);
	events_free(&ev);
	ctrl_reader_free(&r);
}

static void
test_telnet_ip_dm_dropped(void)
{
	/* What a client sends before ABOR: IAC IP, IAC DM (urgent). */
	static const unsigned char in[] = {
		IAC, IP, IAC, DM, 'A', 'B', IAC, AYT, 'O', 'R', '\r', '\n',
	};
	struct ctrl_reader r;
	struct events ev = { 0 };

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, in, sizeof(in), &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 1);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_LINE);
	expect_line(&ev, 0, "ABOR");
	events_free(&ev);
	ctrl_reader_free(&r);
}

static void
test_telnet_negotiation_dropped(void)
{
	/* The option byte after WILL/WONT/DO/DONT is dropped too, even 'X'. */
	static const unsigned char in[] = {
		IAC, WILL, 'X', 'N', IAC, DO, 1, 'O', IAC, WONT, IAC,
		'O', IAC, DONT, '\r', 'P', '\r', '\n',
	};
	struct ctrl_reader r;
	struct events ev = { 0 };

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, in, sizeof(in), &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 1);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_LINE);
	expect_line(&ev, 0, "NOOP");
	events_free(&ev);
	ctrl_reader_free(&r);
}

static void
test_telnet_split_across_feeds(void)
{
	static const unsigned char in[] = {
		'a', IAC, IAC, 'b', IAC, IP, 'c', IAC, WILL, 'Z', 'd', '\r',
		'\n',
	};
	size_t cut;

	/* Every place the input can be cut gives the same line. */
	for (cut = 0; cut <= sizeof(in); cut++) {
		struct ctrl_reader r;
		struct events ev = { 0 };

		ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
		feed_all(&r, in, cut, &ev);
		feed_all(&r, in + cut, sizeof(in) - cut, &ev);
		CU_ASSERT_EQUAL(ev.n, 1);
		if (ev.n == 1) {
			expect_bytes(&ev, 0, "a\xff" "bcd", 5);
		}
		events_free(&ev);
		ctrl_reader_free(&r);
	}
}

static void
test_telnet_byte_by_byte(void)
{
	static const unsigned char in[] = {
		IAC, IP, IAC, DM, 'A', 'B', 'O', 'R', '\r', '\n',
		'X', IAC, IAC, '\n',
	};
	struct ctrl_reader r;
	struct events ev = { 0 };

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_chunked(&r, in, sizeof(in), 1, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 2);
	expect_line(&ev, 0, "ABOR");
	expect_line(&ev, 1, "X\xff");
	events_free(&ev);
	ctrl_reader_free(&r);
}

static void
test_telnet_disabled(void)
{
	static const unsigned char in[] = { 'a', IAC, IP, IAC, IAC, '\n' };
	struct ctrl_reader r;
	struct events ev = { 0 };

	/* Without TELNET, 0xFF is an ordinary byte. */
	ctrl_reader_init(&r, CTRL_LINE_MAX, 0);
	feed_all(&r, in, sizeof(in), &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 1);
	expect_bytes(&ev, 0, in, 5);
	events_free(&ev);
	ctrl_reader_free(&r);
}

/* A buffer of n copies of c followed by the string tail. */
static unsigned char *
make_line(size_t n, char c, const char *tail, size_t *len)
{
	size_t t = strlen(tail);
	unsigned char *p = malloc(n + t);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, c, n);
	memcpy(p + n, tail, t);
	*len = n + t;
	return p;
}

static void
test_exact_max_crlf(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };
	unsigned char *in;
	size_t n, chunk;

	in = make_line(CTRL_LINE_MAX, 'A', "\r\nNOOP\r\n", &n);
	for (chunk = 1; chunk <= n; chunk = chunk * 3 + 1) {
		ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
		feed_chunked(&r, in, n, chunk, &ev);
		CU_ASSERT_EQUAL(ev.n, 2);
		if (ev.n == 2) {
			expect_bytes(&ev, 0, in, CTRL_LINE_MAX);
			CU_ASSERT_EQUAL(ev.res[1], CTRL_LINE);
			expect_line(&ev, 1, "NOOP");
		}
		events_free(&ev);
		ctrl_reader_free(&r);
	}
	free(in);
}

static void
test_exact_max_lf(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };
	unsigned char *in;
	size_t n;

	in = make_line(CTRL_LINE_MAX, 'B', "\n", &n);
	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, in, n, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 1);
	expect_bytes(&ev, 0, in, CTRL_LINE_MAX);
	events_free(&ev);
	ctrl_reader_free(&r);
	free(in);
}

static void
test_too_long_once(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };
	unsigned char *in;
	size_t n;

	/* One byte over: dropped, reported once, next line fine. */
	in = make_line(CTRL_LINE_MAX + 1, 'C', "\r\nNOOP\r\n", &n);
	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, in, n, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 2);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_TOO_LONG);
	CU_ASSERT_EQUAL(ev.res[1], CTRL_LINE);
	expect_line(&ev, 1, "NOOP");
	events_free(&ev);
	ctrl_reader_free(&r);
	free(in);
}

static void
test_too_long_max_plus_cr_then_byte(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };
	unsigned char *in;
	size_t n;

	/* The grace byte is only for a CR that really ends the line. */
	in = make_line(CTRL_LINE_MAX, 'D', "\rX\r\nPWD\n", &n);
	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, in, n, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 2);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_TOO_LONG);
	CU_ASSERT_EQUAL(ev.res[1], CTRL_LINE);
	expect_line(&ev, 1, "PWD");
	events_free(&ev);
	ctrl_reader_free(&r);
	free(in);
}

static void
test_too_long_tail_in_later_feeds(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };
	unsigned char *in;
	size_t n, chunk;

	/*
	 * 10000 bytes of "DELE x" padding, then a tail that looks like a
	 * command: however TCP cuts it, the tail must never come out as a
	 * line of its own, and TOO_LONG must be reported exactly once.
	 */
	in = make_line(10000, 'E', "DELE important\r\nNOOP\r\n", &n);
	for (chunk = 1; chunk <= n;
	    chunk = chunk < 64 ? chunk + 1 : chunk * 2) {
		ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
		feed_chunked(&r, in, n, chunk, &ev);
		CU_ASSERT_EQUAL(ev.n, 2);
		if (ev.n == 2) {
			CU_ASSERT_EQUAL(ev.res[0], CTRL_TOO_LONG);
			CU_ASSERT_EQUAL(ev.res[1], CTRL_LINE);
			expect_line(&ev, 1, "NOOP");
		}
		events_free(&ev);
		ctrl_reader_free(&r);
	}
	free(in);
}

static void
test_too_long_split_at_max(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };
	unsigned char *head, *tail;
	size_t hn, tn;

	/* The first feed is exactly the maximum; the tail comes later. */
	head = make_line(CTRL_LINE_MAX, 'F', "", &hn);
	tail = make_line(0, 'x', "RMD /\r\nQUIT\r\n", &tn);
	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	feed_all(&r, head, hn, &ev);
	CU_ASSERT_EQUAL(ev.n, 0);
	feed_all(&r, tail, tn, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 2);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_TOO_LONG);
	CU_ASSERT_EQUAL(ev.res[1], CTRL_LINE);
	expect_line(&ev, 1, "QUIT");
	events_free(&ev);
	ctrl_reader_free(&r);
	free(head);
	free(tail);
}

static void
test_too_long_unterminated_then_more(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };
	unsigned char *junk;
	size_t n;
	int i;

	/* Megabytes without a newline: never a line, never a report yet. */
	junk = make_line(65536, 'G', "", &n);
	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	for (i = 0; i < 32; i++)
		feed_all(&r, junk, n, &ev);
	CU_ASSERT_EQUAL(ev.n, 0);
	CU_ASSERT(r.line.len <= CTRL_LINE_MAX + 1);
	feed_all(&r, "STOR x\r\nSTAT\r\n", 14, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 2);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_TOO_LONG);
	CU_ASSERT_EQUAL(ev.res[1], CTRL_LINE);
	expect_line(&ev, 1, "STAT");
	events_free(&ev);
	ctrl_reader_free(&r);
	free(junk);
}

static void
test_small_max(void)
{
	struct ctrl_reader r;
	struct events ev = { 0 };

	ctrl_reader_init(&r, 4, 1);
	feed_all(&r, "ABCD\r\nABCDE\r\nAB\n", 17, &ev);
	CU_ASSERT_EQUAL_FATAL(ev.n, 3);
	CU_ASSERT_EQUAL(ev.res[0], CTRL_LINE);
	expect_line(&ev, 0, "ABCD");
	CU_ASSERT_EQUAL(ev.res[1], CTRL_TOO_LONG);
	CU_ASSERT_EQUAL(ev.res[2], CTRL_LINE);
	expect_line(&ev, 2, "AB");
	events_free(&ev);
	ctrl_reader_free(&r);
}

static void
test_nul_byte(void)
{
	static const unsigned char in[] = {
		'U', 'S', 'E', 'R', ' ', 'a', 0, 'b', '\r', '\n',
		'P', 'W', 'D', '\r', '\n', 0, '\n',
	};
	struct ctrl_reader r;
	struct events ev = { 0 };
	size_t chunk;

	for (chunk = 1; chunk <= sizeof(in); chunk++) {
		ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
		feed_chunked(&r, in, sizeof(in), chunk, &ev);
		CU_ASSERT_EQUAL(ev.n, 3);
		if (ev.n == 3) {
			CU_ASSERT_EQUAL(ev.res[0], CTRL_BAD_BYTE);
			CU_ASSERT_EQUAL(ev.res[1], CTRL_LINE);
			expect_line(&ev, 1, "PWD");
			CU_ASSERT_EQUAL(ev.res[2], CTRL_BAD_BYTE);
		}
		events_free(&ev);
		ctrl_reader_free(&r);
	}
}

static void
test_line_valid_until_next_call(void)
{
	struct ctrl_reader r;
	size_t used;

	ctrl_reader_init(&r, CTRL_LINE_MAX, 1);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"ONE\r\nTW", 7,
	    &used), CTRL_LINE);
	CU_ASSERT_EQUAL(used, 5);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "ONE");
	/* The next call starts a fresh line: "ONE" must not leak into it. */
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"TW", 2, &used),
	    CTRL_NEED_MORE);
	CU_ASSERT_EQUAL(ctrl_feed(&r, (const unsigned char *)"O\n", 2, &used),
	    CTRL_LINE);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&r.line), "TWO");
	ctrl_reader_free(&r);
}

void
suite_register(void)
{
	ADD_SUITE("ctrlio", NULL, NULL,
	    TEST(test_crlf_line),
	    TEST(test_bare_lf_line),
	    TEST(test_need_more),
	    TEST(test_inner_cr_kept),
	    TEST(test_several_lines_one_feed),
	    TEST(test_any_chunking),
	    TEST(test_random_chunking),
	    TEST(test_telnet_iac_iac),
	    TEST(test_telnet_ip_dm_dropped),
	    TEST(test_telnet_negotiation_dropped),
	    TEST(test_telnet_split_across_feeds),
	    TEST(test_telnet_byte_by_byte),
	    TEST(test_telnet_disabled),
	    TEST(test_exact_max_crlf),
	    TEST(test_exact_max_lf),
	    TEST(test_too_long_once),
	    TEST(test_too_long_max_plus_cr_then_byte),
	    TEST(test_too_long_tail_in_later_feeds),
	    TEST(test_too_long_split_at_max),
	    TEST(test_too_long_unterminated_then_more),
	    TEST(test_small_max),
	    TEST(test_nul_byte),
	    TEST(test_line_valid_until_next_call));
}
