/*
 * test_buf.c: the capped buffer and the truncation-refusing string helpers.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "testutil.h"
#include "buf.h"

static void
test_init_empty(void)
{
	struct buf b;

	buf_init(&b, 100);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_EQUAL(b.max, 100);
	/* An untouched buffer still reads as an empty C string. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf_cstr(&b));
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	buf_free(&b);
}

static void
test_append_and_terminate(void)
{
	struct buf b;

	buf_init(&b, 1024);
	CU_ASSERT_EQUAL(buf_append(&b, "abc", 3), 0);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT_EQUAL(b.data[3], '\0');
	CU_ASSERT_EQUAL(buf_append(&b, "defg", 2), 0);
	CU_ASSERT_EQUAL(b.len, 5);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "abcde");
	CU_ASSERT_EQUAL(buf_puts(&b, "xyz"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "abcdexyz");
	CU_ASSERT_EQUAL(b.len, 8);
	/* A zero-length append is fine and changes nothing. */
	CU_ASSERT_EQUAL(buf_append(&b, "q", 0), 0);
	CU_ASSERT_EQUAL(b.len, 8);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "abcdexyz");
	buf_free(&b);
}

static void
test_append_binary(void)
{
	static const unsigned char bytes[] = { 0, 1, 0xff, 0, '\r', '\n' };
	struct buf b;

	buf_init(&b, 64);
	CU_ASSERT_EQUAL(buf_append(&b, bytes, sizeof(bytes)), 0);
	CU_ASSERT_EQUAL(b.len, sizeof(bytes));
	CU_ASSERT_EQUAL(memcmp(b.data, bytes, sizeof(bytes)), 0);
	CU_ASSERT_EQUAL(b.data[sizeof(bytes)], '\0');
	buf_free(&b);
}

static void
test_grows_across_many_appends(void)
{
	struct buf b;
	size_t i;
	int ok = 1;

	buf_init(&b, 100000);
	for (i = 0; i < 10000; i++)
		if (buf_append(&b, &"0123456789"[i % 10], 1) < 0)
			ok = 0;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL_FATAL(b.len, 10000);
	CU_ASSERT(b.cap > b.len);
	for (i = 0; i < 10000; i++)
		if (b.data[i] != "0123456789"[i % 10])
			ok = 0;
	CU_ASSERT(ok);
	CU_ASSERT_EQUAL(b.data[10000], '\0');
	buf_free(&b);
}

static void
test_cap_enforced_append(void)
{
	struct buf b;

	buf_init(&b, 8);
	CU_ASSERT_EQUAL(buf_append(&b, "12345", 5), 0);
	/* 5 + 4 > 8: refused, and the contents stay exactly as they were. */
	errno = 0;
	CU_ASSERT_EQUAL(buf_append(&b, "6789", 4), -1);
	CU_ASSERT_EQUAL(errno, ENOSPC);
	CU_ASSERT_EQUAL(b.len, 5);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "12345");
	/* Filling exactly to the cap is allowed... */
	CU_ASSERT_EQUAL(buf_append(&b, "678", 3), 0);
	CU_ASSERT_EQUAL(b.len, 8);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "12345678");
	/* ...and never more than that, not even one byte. */
	CU_ASSERT_EQUAL(buf_append(&b, "9", 1), -1);
	CU_ASSERT_EQUAL(buf_puts(&b, "9"), -1);
	CU_ASSERT_EQUAL(b.len, 8);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "12345678");
	/* The allocation never exceeds max plus the terminator. */
	CU_ASSERT(b.cap <= b.max + 1);
	buf_free(&b);
}

static void
test_cap_enforced_first_append(void)
{
	struct buf b;

	buf_init(&b, 4);
	CU_ASSERT_EQUAL(buf_append(&b, "12345", 5), -1);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	buf_free(&b);
}

static void
test_cap_zero(void)
{
	struct buf b;

	buf_init(&b, 0);
	CU_ASSERT_EQUAL(buf_append(&b, "", 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	CU_ASSERT_EQUAL(buf_append(&b, "x", 1), -1);
	CU_ASSERT_EQUAL(b.len, 0);
	buf_free(&b);
}

static void
test_cap_huge_length_no_overflow(void)
{
	struct buf b;

	buf_init(&b, 16);
	CU_ASSERT_EQUAL(buf_append(&b, "abc", 3), 0);
	/* len + n would wrap around: must be refused, not overflow. */
	CU_ASSERT_EQUAL(buf_append(&b, "x", SIZE_MAX), -1);
	CU_ASSERT_EQUAL(buf_append(&b, "x", SIZE_MAX - 1), -1);
	CU_ASSERT_EQUAL(b.len, 3);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "abc");
	buf_free(&b);
}

static void
test_printf(void)
{
	struct buf b;

	buf_init(&b, 256);
	CU_ASSERT_EQUAL(buf_printf(&b, "%d %s", 226, "done"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "226 done");
	CU_ASSERT_EQUAL(buf_printf(&b, "|%05u|%x|", 42u, 255u), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "226 done|00042|ff|");
	CU_ASSERT_EQUAL(b.len, strlen("226 done|00042|ff|"));
	/* An empty format appends nothing. */
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", ""), 0);
	CU_ASSERT_EQUAL(b.len, strlen("226 done|00042|ff|"));
	buf_free(&b);
}

static void
test_printf_cap(void)
{
	struct buf b;

	buf_init(&b, 10);
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", "hello"), 0);
	/* "hello" + "world!" is 11 > 10: refused, nothing appended. */
	CU_ASSERT_EQUAL(buf_printf(&b, "%s!", "world"), -1);
	CU_ASSERT_EQUAL(b.len, 5);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "hello");
	CU_ASSERT_EQUAL(buf_printf(&b, "%s", "world"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "helloworld");
	CU_ASSERT_EQUAL(buf_printf(&b, "%c", 'x'), -1);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "helloworld");
	buf_free(&b);
}

static void
test_printf_long(void)
{
	struct buf b;
	char big[3000];

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(buf_printf(&b, "<%s>", big), 0);
	CU_ASSERT_EQUAL(b.len, sizeof(big) + 1);
	CU_ASSERT_EQUAL(b.data[0], '<');
	CU_ASSERT_EQUAL(b.data[b.len - 1], '>');
	CU_ASSERT_EQUAL(b.data[b.len], '\0');
	buf_free(&b);
}

static void
test_consume(void)
{
	struct buf b;

	buf_init(&b, 64);
	CU_ASSERT_EQUAL(buf_puts(&b, "USER bob\r\nPASS x\r\n"), 0);
	buf_consume(&b, 10);
	CU_ASSERT_EQUAL(b.len, 8);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "PASS x\r\n");
	buf_consume(&b, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "PASS x\r\n");
	buf_consume(&b, 5);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "x\r\n");
	/* Consuming more than is there empties the buffer. */
	buf_consume(&b, 1000);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	/* Consuming from an empty (or never used) buffer is harmless. */
	buf_consume(&b, 1);
	CU_ASSERT_EQUAL(b.len, 0);
	buf_free(&b);
	buf_consume(&b, 3);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
}

static void
test_consume_frees_room_under_cap(void)
{
	struct buf b;

	buf_init(&b, 6);
	CU_ASSERT_EQUAL(buf_puts(&b, "abcdef"), 0);
	CU_ASSERT_EQUAL(buf_puts(&b, "g"), -1);
	buf_consume(&b, 2);
	CU_ASSERT_EQUAL(buf_puts(&b, "gh"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "cdefgh");
	CU_ASSERT_EQUAL(buf_puts(&b, "i"), -1);
	buf_free(&b);
}

static void
test_reset_and_free_reuse(void)
{
	struct buf b;

	buf_init(&b, 32);
	CU_ASSERT_EQUAL(buf_puts(&b, "something"), 0);
	buf_reset(&b);
	CU_ASSERT_EQUAL(b.len, 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	CU_ASSERT_PTR_NOT_NULL(b.data);
	CU_ASSERT_EQUAL(buf_puts(&b, "new"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "new");
	buf_free(&b);
	CU_ASSERT_PTR_NULL(b.data);
	CU_ASSERT_EQUAL(b.len, 0);
	/* The cap survives buf_free: the buffer is reusable as it was. */
	CU_ASSERT_EQUAL(b.max, 32);
	CU_ASSERT_EQUAL(buf_puts(&b, "again"), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "again");
	buf_free(&b);
	/* Freeing twice is harmless. */
	buf_free(&b);
	CU_ASSERT_PTR_NULL(b.data);
}

static void
test_xsnprintf(void)
{
	char s[8];

	memset(s, 'X', sizeof(s));
	CU_ASSERT_EQUAL(xsnprintf(s, sizeof(s), "%s", "1234567"), 0);
	CU_ASSERT_STRING_EQUAL(s, "1234567");
	CU_ASSERT_EQUAL(xsnprintf(s, sizeof(s), "%d-%d", 1, 2), 0);
	CU_ASSERT_STRING_EQUAL(s, "1-2");
	/* One byte too many: refused, but the result is still terminated. */
	CU_ASSERT_EQUAL(xsnprintf(s, sizeof(s), "%s", "12345678"), -1);
	CU_ASSERT_EQUAL(s[sizeof(s) - 1], '\0');
	CU_ASSERT_STRING_EQUAL(s, "1234567");
	CU_ASSERT_EQUAL(xsnprintf(s, sizeof(s), "%s/%s", "abcd", "efgh"), -1);
	CU_ASSERT_EQUAL(strlen(s), sizeof(s) - 1);
	CU_ASSERT_EQUAL(xsnprintf(s, 1, "%s", ""), 0);
	CU_ASSERT_STRING_EQUAL(s, "");
	CU_ASSERT_EQUAL(xsnprintf(s, 1, "%s", "a"), -1);
	CU_ASSERT_STRING_EQUAL(s, "");
}

static void
test_xstrlcpy(void)
{
	char s[6];

	memset(s, 'X', sizeof(s));
	CU_ASSERT_EQUAL(xstrlcpy(s, "hello", sizeof(s)), 0);
	CU_ASSERT_STRING_EQUAL(s, "hello");
	CU_ASSERT_EQUAL(xstrlcpy(s, "", sizeof(s)), 0);
	CU_ASSERT_STRING_EQUAL(s, "");
	CU_ASSERT_EQUAL(xstrlcpy(s, "hello!", sizeof(s)), -1);
	CU_ASSERT_STRING_EQUAL(s, "hello");
	CU_ASSERT_EQUAL(xstrlcpy(s, "a much longer string", sizeof(s)), -1);
	CU_ASSERT_EQUAL(s[sizeof(s) - 1], '\0');
	CU_ASSERT_STRING_EQUAL(s, "a muc");
	/* A zero-sized destination can hold nothing, not even "". */
	s[0] = 'Q';
	CU_ASSERT_EQUAL(xstrlcpy(s, "", 0), -1);
	CU_ASSERT_EQUAL(s[0], 'Q');
	CU_ASSERT_EQUAL(xstrlcpy(s, "x", 1), -1);
	CU_ASSERT_STRING_EQUAL(s, "");
}

void
suite_register(void)
{
	ADD_SUITE("buf", NULL, NULL,
	    TEST(test_init_empty),
	    TEST(test_append_and_terminate),
	    TEST(test_append_binary),
	    TEST(test_grows_across_many_appends),
	    TEST(test_cap_enforced_append),
	    TEST(test_cap_enforced_first_append),
	    TEST(test_cap_zero),
	    TEST(test_cap_huge_length_no_overflow),
	    TEST(test_printf),
	    TEST(test_printf_cap),
	    TEST(test_printf_long),
	    TEST(test_consume),
	    TEST(test_consume_frees_room_under_cap),
	    TEST(test_reset_and_free_reuse),
	    TEST(test_xsnprintf),
	    TEST(test_xstrlcpy));
}
