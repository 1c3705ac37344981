/*
 * test_ascii.c: TYPE A line-ending conversion in both directions.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "ascii.h"

/* Converts s in one go to the wire form; returns a malloc'd string. */
static char *
to_net(const char *s)
{
	struct ascii_state st;
	size_t n = strlen(s), o;
	char *out = malloc(2 * n + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	ascii_init(&st);
	o = ascii_to_net(&st, s, n, out);
	CU_ASSERT_FATAL(o <= 2 * n);
	out[o] = '\0';
	return out;
}

/* Converts s in one go from the wire form, finishing the stream. */
static char *
from_net(const char *s)
{
	struct ascii_state st;
	size_t n = strlen(s), o;
	char *out = malloc(n + 2);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	ascii_init(&st);
	o = ascii_from_net(&st, s, n, out);
	CU_ASSERT_FATAL(o <= n + 1);
	o += ascii_from_net_finish(&st, out + o);
	CU_ASSERT_FATAL(o <= n + 1);
	out[o] = '\0';
	return out;
}

static void
check_to_net(const char *in, const char *want)
{
	char *got = to_net(in);

	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void
check_from_net(const char *in, const char *want)
{
	char *got = from_net(in);

	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

/*
 * Runs a conversion over in[0..n) cut into pieces of `chunk` bytes and
 * returns the concatenated output (malloc'd, NUL-terminated).
 */
static char *
chunked(int dir_to_net, const char *in, size_t n, size_t chunk, size_t *outlen)
{
	struct ascii_state st;
	char *out = malloc(2 * n + 2);
	size_t off, o = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	ascii_init(&st);
	for (off = 0; off < n; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk, w;

		if (dir_to_net) {
			w = ascii_to_net(&st, in + off, k, out + o);
			CU_ASSERT_FATAL(w <= 2 * k);
		} else {
			w = ascii_from_net(&st, in + off, k, out + o);
			CU_ASSERT_FATAL(w <= k + 1);
		}
		o += w;
	}
	if (!dir_to_net)
		o += ascii_from_net_finish(&st, out + o);
	out[o] = '\0';
	*outlen = o;
	return out;
}

static void
test_to_net_lf(void)
{
	check_to_net("", "");
	check_to_net("abc", "abc");
	check_to_net("\n", "\r\n");
	check_to_net("a\nb\n", "a\r\nb\r\n");
	check_to_net("\n\n\n", "\r\n\r\n\r\n");
	check_to_net("line one\nline two", "line one\r\nline two");
}

static void
test_to_net_crlf_not_doubled(void)
{
	check_to_net("a\r\nb\r\n", "a\r\nb\r\n");
	check_to_net("a\r\nb\nc\r\n", "a\r\nb\r\nc\r\n");
	check_to_net("\r\n\n", "\r\n\r\n");
	/* A lone CR is data and passes through. */
	check_to_net("a\rb", "a\rb");
	check_to_net("a\r", "a\r");
	check_to_net("\r\r\n", "\r\r\n");
}

static void
test_to_net_split_crlf(void)
{
	struct ascii_state st;
	char out[16];
	size_t o;

	/* "a\r" then "\nb": the CR of the first chunk is remembered. */
	ascii_init(&st);
	o = ascii_to_net(&st, "a\r", 2, out);
	o += ascii_to_net(&st, "\nb", 2, out + o);
	CU_ASSERT_EQUAL(o, 4);
	CU_ASSERT_EQUAL(memcmp(out, "a\r\nb", 4), 0);
	/* A chunk boundary after a non-CR byte still adds the CR. */
	ascii_init(&st);
	o = ascii_to_net(&st, "a", 1, out);
	o += ascii_to_net(&st, "\n", 1, out + o);
	CU_ASSERT_EQUAL(o, 3);
	CU_ASSERT_EQUAL(memcmp(out, "a\r\n", 3), 0);
}

static void
test_from_net_crlf(void)
{
	check_from_net("", "");
	check_from_net("abc", "abc");
	check_from_net("\r\n", "\n");
	check_from_net("a\r\nb\r\n", "a\nb\n");
	check_from_net("\r\n\r\n", "\n\n");
	/* A bare LF is already a disk line end. */
	check_from_net("a\nb", "a\nb");
}

static void
test_from_net_bare_cr_kept(void)
{
	check_from_net("a\rb", "a\rb");
	check_from_net("\r\r\n", "\r\n");
	check_from_net("\r\r\r\n", "\r\r\n");
	check_from_net("a\r\rb", "a\r\rb");
	check_from_net("\rx", "\rx");
}

static void
test_from_net_split_cr(void)
{
	struct ascii_state st;
	char out[16];
	size_t o;

	/* CR at the end of one chunk, LF at the start of the next. */
	ascii_init(&st);
	o = ascii_from_net(&st, "ab\r", 3, out);
	CU_ASSERT_EQUAL(o, 2);
	CU_ASSERT_EQUAL(memcmp(out, "ab", 2), 0);
	o += ascii_from_net(&st, "\ncd", 3, out + o);
	CU_ASSERT_EQUAL(o, 5);
	CU_ASSERT_EQUAL(memcmp(out, "ab\ncd", 5), 0);
	CU_ASSERT_EQUAL(ascii_from_net_finish(&st, out + o), 0);

	/* CR at the end of a chunk and something else next: CR kept. */
	ascii_init(&st);
	o = ascii_from_net(&st, "x\r", 2, out);
	o += ascii_from_net(&st, "y", 1, out + o);
	CU_ASSERT_EQUAL(o, 3);
	CU_ASSERT_EQUAL(memcmp(out, "x\ry", 3), 0);

	/* A CR alone in its chunk, then a CR, then LF. */
	ascii_init(&st);
	o = ascii_from_net(&st, "\r", 1, out);
	CU_ASSERT_EQUAL(o, 0);
	o += ascii_from_net(&st, "\r", 1, out + o);
	o += ascii_from_net(&st, "\n", 1, out + o);
	CU_ASSERT_EQUAL(o, 2);
	CU_ASSERT_EQUAL(memcmp(out, "\r\n", 2), 0);

	/* An empty chunk in between does not lose the held CR. */
	ascii_init(&st);
	o = ascii_from_net(&st, "a\r", 2, out);
	o += ascii_from_net(&st, "", 0, out + o);
	o += ascii_from_net(&st, "\n", 1, out + o);
	CU_ASSERT_EQUAL(o, 2);
	CU_ASSERT_EQUAL(memcmp(out, "a\n", 2), 0);
}

static void
test_from_net_finish(void)
{
	struct ascii_state st;
	char out[16];
	size_t o;

	/* A stream ending in CR: the held CR is written by finish. */
	ascii_init(&st);
	o = ascii_from_net(&st, "end\r", 4, out);
	CU_ASSERT_EQUAL(o, 3);
	o += ascii_from_net_finish(&st, out + o);
	CU_ASSERT_EQUAL(o, 4);
	CU_ASSERT_EQUAL(memcmp(out, "end\r", 4), 0);
	/* It is written once only, and the state is clean afterwards. */
	CU_ASSERT_EQUAL(ascii_from_net_finish(&st, out), 0);
	o = ascii_from_net(&st, "\n", 1, out);
	CU_ASSERT_EQUAL(o, 1);
	CU_ASSERT_EQUAL(out[0], '\n');
	/* Nothing held: finish writes nothing. */
	ascii_init(&st);
	o = ascii_from_net(&st, "ok\r\n", 4, out);
	CU_ASSERT_EQUAL(o, 3);
	out[0] = 'Z';
	CU_ASSERT_EQUAL(ascii_from_net_finish(&st, out), 0);
	CU_ASSERT_EQUAL(out[0], 'Z');
	check_from_net("\r", "\r");
}

static void
test_every_chunking(void)
{
	static const char wire[] = "a\r\n\r\nb\rc\r\r\nd\r\n\n\re\r";
	static const char disk_want[] = "a\n\nb\rc\r\nd\n\n\re\r";
	static const char disk[] = "x\ny\r\nz\r\r\n\n\rw";
	static const char wire_want[] = "x\r\ny\r\nz\r\r\n\r\n\rw";
	size_t chunk, len;

	for (chunk = 1; chunk <= sizeof(wire); chunk++) {
		char *got = chunked(0, wire, sizeof(wire) - 1, chunk, &len);

		CU_ASSERT_EQUAL(len, sizeof(disk_want) - 1);
		CU_ASSERT_STRING_EQUAL(got, disk_want);
		free(got);
	}
	for (chunk = 1; chunk <= sizeof(disk); chunk++) {
		char *got = chunked(1, disk, sizeof(disk) - 1, chunk, &len);

		CU_ASSERT_EQUAL(len, sizeof(wire_want) - 1);
		CU_ASSERT_STRING_EQUAL(got, wire_want);
		free(got);
	}
}

static void
test_round_trip_random_text(void)
{
	static const char alphabet[] =
	    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    ".,;:-_!?\t\n\n\n\n";
	unsigned seed = 31337;
	int round, bad = 0;

	/*
	 * Text without CR: disk -> wire -> disk gives back the same bytes,
	 * and the wire form has a CR before every LF, whatever the chunks.
	 */
	for (round = 0; round < 300; round++) {
		char text[2048], *wire, *back;
		size_t n, i, wlen, blen, lf = 0, c1, c2;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % sizeof(text);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) %
			    (sizeof(alphabet) - 1)];
			if (text[i] == '\n')
				lf++;
		}
		seed = seed * 1103515245u + 12345u;
		c1 = 1 + (seed >> 16) % 97;
		c2 = 1 + (seed >> 8) % 13;
		wire = chunked(1, text, n, c1, &wlen);
		if (wlen != n + lf)
			bad++;
		for (i = 0; i < wlen; i++)
			if (wire[i] == '\n' && (i == 0 || wire[i - 1] != '\r'))
				bad++;
		back = chunked(0, wire, wlen, c2, &blen);
		if (blen != n || memcmp(back, text, n) != 0)
			bad++;
		free(wire);
		free(back);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_binary_bytes_pass(void)
{
	char in[256], out[512];
	struct ascii_state st;
	size_t i, o;

	/* Bytes other than CR and LF pass through untouched, NUL included. */
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	ascii_init(&st);
	o = ascii_from_net(&st, in, sizeof(in), out);
	o += ascii_from_net_finish(&st, out + o);
	CU_ASSERT_EQUAL(o, 256);
	CU_ASSERT_EQUAL(memcmp(out, in, 256), 0);
	ascii_init(&st);
	o = ascii_to_net(&st, in, sizeof(in), out);
	/* The one LF (10) gains a CR; the CR (13) that follows is plain. */
	CU_ASSERT_EQUAL(o, 257);
	CU_ASSERT_EQUAL(memcmp(out, in, 10), 0);
	CU_ASSERT_EQUAL(out[10], '\r');
	CU_ASSERT_EQUAL(memcmp(out + 11, in + 10, 246), 0);
}

/*
 * The worst case of ascii_from_net: a CR held from the previous chunk
 * that is not followed by LF comes out with the next chunk, so n input
 * bytes give n + 1 output bytes. The buffer is exactly the stated bound
 * (heap, so that AddressSanitizer sees one byte past it).
 */
static void
test_from_net_bound_held_cr(void)
{
	size_t n = 4096, o, room, in_max;
	struct ascii_state st;
	char *in = malloc(n), *out;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	memset(in, 'A', n);
	out = malloc(ASCII_FROM_NET_MAX(n));
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	ascii_init(&st);
	CU_ASSERT_EQUAL(ascii_from_net(&st, "\r", 1, out), 0);
	o = ascii_from_net(&st, in, n, out);
	CU_ASSERT_EQUAL(o, n + 1);
	CU_ASSERT_EQUAL(o, ASCII_FROM_NET_MAX(n));
	CU_ASSERT_EQUAL(out[0], '\r');
	CU_ASSERT_EQUAL(out[n], 'A');
	free(out);
	free(in);
	/* The input size for a given room never overflows that room. */
	for (room = 1; room < 300000; room = room * 3 + 1) {
		in_max = ASCII_FROM_NET_IN_MAX(room);
		CU_ASSERT(ASCII_FROM_NET_MAX(in_max) <= room);
		in_max = ASCII_TO_NET_IN_MAX(room);
		CU_ASSERT(ASCII_TO_NET_MAX(in_max) <= room);
	}
}

/*
 * What recv_file does with a 128 KiB half buffer, fed alternating blocks
 * of CR and 'A' (the pattern that overflowed it by one byte): every chunk
 * of ASCII_FROM_NET_IN_MAX(half) bytes fits in half.
 */
static void
test_from_net_half_buffer_never_overflows(void)
{
	const size_t half = 128 * 1024, chunk = ASCII_FROM_NET_IN_MAX(half);
	struct ascii_state st;
	char *in = malloc(4 * half), *out = malloc(half);
	size_t off, o, total = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(in);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (off = 0; off < 4 * half; off++)
		in[off] = (off / half) % 2 == 0 ? '\r' : 'A';
	ascii_init(&st);
	for (off = 0; off < 4 * half; off += chunk) {
		size_t k = 4 * half - off < chunk ? 4 * half - off : chunk;

		o = ascii_from_net(&st, in + off, k, out);
		CU_ASSERT_FATAL(o <= half);
		total += o;
	}
	total += ascii_from_net_finish(&st, out);
	CU_ASSERT_EQUAL(total, 4 * half);
	free(in);
	free(out);
}

void
suite_register(void)
{
	ADD_SUITE("ascii", NULL, NULL,
	    TEST(test_to_net_lf),
	    TEST(test_to_net_crlf_not_doubled),
	    TEST(test_to_net_split_crlf),
	    TEST(test_from_net_crlf),
	    TEST(test_from_net_bare_cr_kept),
	    TEST(test_from_net_split_cr),
	    TEST(test_from_net_finish),
	    TEST(test_every_chunking),
	    TEST(test_round_trip_random_text),
	    TEST(test_binary_bytes_pass),
	    TEST(test_from_net_bound_held_cr),
	    TEST(test_from_net_half_buffer_never_overflows));
}
