/*
 * test_userlimits.c: per-user limits: sizes with suffixes, the key=size
 * list, and every malformed shape refused.
 */
#include <string.h>

#include "testutil.h"
#include "userlimits.h"

static void
test_sizes(void)
{
	unsigned long long v;

	CU_ASSERT_EQUAL(userlimits_parse_size("0", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(userlimits_parse_size("1500", &v), 0);
	CU_ASSERT_EQUAL(v, 1500);
	CU_ASSERT_EQUAL(userlimits_parse_size("10K", &v), 0);
	CU_ASSERT_EQUAL(v, 10240);
	CU_ASSERT_EQUAL(userlimits_parse_size("10m", &v), 0);
	CU_ASSERT_EQUAL(v, 10ULL << 20);
	CU_ASSERT_EQUAL(userlimits_parse_size("5G", &v), 0);
	CU_ASSERT_EQUAL(v, 5ULL << 30);
	CU_ASSERT_EQUAL(userlimits_parse_size("2T", &v), 0);
	CU_ASSERT_EQUAL(v, 2ULL << 40);
	CU_ASSERT_EQUAL(userlimits_parse_size("", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("-1", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("1X", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("1KB", &v), -1);
	/* A space is no unit (strchr finds the terminator for it). */
	CU_ASSERT_EQUAL(userlimits_parse_size("5 ", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("5@", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("5`", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("K", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("99999999999999999999", &v), -1);
	CU_ASSERT_EQUAL(userlimits_parse_size("16777216T", &v), -1);
}

static void
test_lists(void)
{
	struct user_limits l;
	char err[256], back[256];

	CU_ASSERT_EQUAL(userlimits_parse("", &l, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.rate_down + l.rate_up + l.quota_bytes + l.quota_files, 0);
	CU_ASSERT_EQUAL_FATAL(userlimits_parse(
	    "rate_down=10M,quota_bytes=5G,quota_files=100", &l, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.rate_down, 10ULL << 20);
	CU_ASSERT_EQUAL(l.rate_up, 0);
	CU_ASSERT_EQUAL(l.quota_bytes, 5ULL << 30);
	CU_ASSERT_EQUAL(l.quota_files, 100);
	userlimits_format(&l, back, sizeof(back));
	CU_ASSERT_STRING_EQUAL(back,
	    "rate_down=10485760,quota_bytes=5368709120,quota_files=100");
	CU_ASSERT_EQUAL(userlimits_parse("rate_up", &l, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(userlimits_parse("speed=1M", &l, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown limit 'speed'"));
	CU_ASSERT_EQUAL(userlimits_parse("rate_up=1M,rate_up=2M", &l, err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "twice"));
	CU_ASSERT_EQUAL(userlimits_parse("rate_up=fast", &l, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(l.rate_up, 0);	/* nothing half-set on failure */
}

void
suite_register(void)
{
	ADD_SUITE("userlimits", NULL, NULL, TEST(test_sizes), TEST(test_lists));
}
