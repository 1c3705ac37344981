/*
 * test_json.c: JSON string escaping (log lines, `ftpd who`).
 */
#include <string.h>

#include "testutil.h"
#include "json.h"

static void
test_plain_and_utf8_pass_through(void)
{
	char out[64];

	CU_ASSERT_EQUAL(json_escape(out, sizeof(out), "alice"), 5);
	CU_ASSERT_STRING_EQUAL(out, "alice");
	/* é and € are valid UTF-8: kept as they are. */
	json_escape(out, sizeof(out), "caf\xc3\xa9 \xe2\x82\xac");
	CU_ASSERT_STRING_EQUAL(out, "caf\xc3\xa9 \xe2\x82\xac");
}

static void
test_quotes_controls_and_bad_bytes_escaped(void)
{
	char out[128];

	json_escape(out, sizeof(out), "a\"b\\c\n\x01\x7f");
	CU_ASSERT_STRING_EQUAL(out, "a\\\"b\\\\c\\u000a\\u0001\\u007f");
	/* Latin-1 é, a lone continuation byte, a truncated sequence. */
	json_escape(out, sizeof(out), "caf\xe9 \x80 \xe2\x82");
	CU_ASSERT_STRING_EQUAL(out,
	    "caf\\u00e9 \\u0080 \\u00e2\\u0082");
	/* A surrogate and an overlong '/' are not UTF-8 either. */
	json_escape(out, sizeof(out), "\xed\xa0\x80\xe0\x80\xaf");
	CU_ASSERT_STRING_EQUAL(out, "\\u00ed\\u00a0\\u0080\\u00e0\\u0080\\u00af");
	/* The highest code point is. */
	json_escape(out, sizeof(out), "\xf4\x8f\xbf\xbf");
	CU_ASSERT_STRING_EQUAL(out, "\xf4\x8f\xbf\xbf");
}

static void
test_cut_between_whole_escapes(void)
{
	char out[9];

	/* "ab" + \u00ff needs 8 bytes + NUL: fits exactly. */
	CU_ASSERT_EQUAL(json_escape(out, sizeof(out), "ab\xff"), 8);
	CU_ASSERT_STRING_EQUAL(out, "ab\\u00ff");
	/* One more byte of input never leaves half an escape. */
	CU_ASSERT_EQUAL(json_escape(out, 8, "ab\xff"), 2);
	CU_ASSERT_STRING_EQUAL(out, "ab");
	CU_ASSERT_EQUAL(json_escape(out, 4, "a\"b"), 3);
	CU_ASSERT_STRING_EQUAL(out, "a\\\"");
	CU_ASSERT_EQUAL(json_escape(out, 3, "a\"b"), 1);
	CU_ASSERT_STRING_EQUAL(out, "a");
	/* Nor half a UTF-8 character. */
	CU_ASSERT_EQUAL(json_escape(out, 3, "a\xe2\x82\xac"), 1);
	CU_ASSERT_STRING_EQUAL(out, "a");
	CU_ASSERT_EQUAL(json_escape(out, 1, "abc"), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(json_escape(out, 0, "abc"), 0);
}

void
suite_register(void)
{
	ADD_SUITE("json", NULL, NULL,
	    TEST(test_plain_and_utf8_pass_through),
	    TEST(test_quotes_controls_and_bad_bytes_escaped),
	    TEST(test_cut_between_whole_escapes));
}
