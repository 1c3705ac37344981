/*
 * test_connlimit.c: per-address accounting: the key an address is counted
 * under (IPv4, IPv4-mapped, IPv6 by /64), the per-address session cap
 * across a /64, and the login tarpit (no refusal for failures, spaced
 * checks once an address is over max_ip_failures).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "config.h"
#include "connlimit.h"
#include "testutil.h"

static struct config cfg;

static int
setup(void)
{
	config_defaults(&cfg);
	cfg.max_sessions = 100;
	cfg.max_sessions_per_ip = 2;
	cfg.max_ip_failures = 3;
	cfg.ip_failure_window = 600;
	cfg.login_tarpit_delay = 3;
	connlimit_init(&cfg, 100000);
	return 0;
}

static int
teardown(void)
{
	config_free(&cfg);
	return 0;
}

/* Fills ss with the numeric address text (IPv4 or IPv6). */
static struct sockaddr_storage
addr(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':') == NULL) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET, text, &in->sin_addr), 1);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, text, &in6->sin6_addr), 1);
	}
	return ss;
}

static int
same_key(const char *a, const char *b)
{
	unsigned char ka[CONNLIMIT_KEY_LEN], kb[CONNLIMIT_KEY_LEN];
	struct sockaddr_storage sa = addr(a), sb = addr(b);

	connlimit_key(&sa, ka);
	connlimit_key(&sb, kb);
	return memcmp(ka, kb, sizeof(ka)) == 0;
}

static void
test_ipv6_keyed_by_64(void)
{
	/* Any address of one /64 counts as one client. */
	CU_ASSERT_TRUE(same_key("2001:db8:1:2::1", "2001:db8:1:2::2"));
	CU_ASSERT_TRUE(same_key("2001:db8:1:2::1",
	    "2001:db8:1:2:ffff:ffff:ffff:ffff"));
	CU_ASSERT_TRUE(same_key("2001:db8:1:2:abcd::1", "2001:db8:1:2::"));
	/* The next /64 over, or any bit of the prefix, is another client. */
	CU_ASSERT_FALSE(same_key("2001:db8:1:2::1", "2001:db8:1:3::1"));
	CU_ASSERT_FALSE(same_key("2001:db8:1:2::1", "3001:db8:1:2::1"));
	CU_ASSERT_FALSE(same_key("::1", "fe80::1"));
}

static void
test_ipv4_keyed_by_address(void)
{
	CU_ASSERT_TRUE(same_key("192.0.2.1", "192.0.2.1"));
	CU_ASSERT_FALSE(same_key("192.0.2.1", "192.0.2.2"));
	/* An IPv4-mapped peer is the same client as the plain address. */
	CU_ASSERT_TRUE(same_key("192.0.2.1", "::ffff:192.0.2.1"));
	CU_ASSERT_FALSE(same_key("::ffff:192.0.2.1", "::ffff:192.0.2.2"));
	/* And never the same as an IPv6 /64 that happens to look alike. */
	CU_ASSERT_FALSE(same_key("192.0.2.1", "::"));
}

static void
test_session_cap_counts_the_whole_64(void)
{
	struct sockaddr_storage a = addr("2001:db8:5:5::1");
	struct sockaddr_storage b = addr("2001:db8:5:5::2");
	struct sockaddr_storage c = addr("2001:db8:5:5::3");
	struct sockaddr_storage other = addr("2001:db8:5:6::1");

	CU_ASSERT_EQUAL(connlimit_session_open(&a), CONNLIMIT_OK);
	CU_ASSERT_EQUAL(connlimit_session_open(&b), CONNLIMIT_OK);
	CU_ASSERT_EQUAL(connlimit_session_open(&c), CONNLIMIT_TOO_MANY_FROM_IP);
	CU_ASSERT_EQUAL(connlimit_session_open(&other), CONNLIMIT_OK);
	connlimit_session_closed(&a);
	CU_ASSERT_EQUAL(connlimit_session_open(&c), CONNLIMIT_OK);
	connlimit_session_closed(&b);
	connlimit_session_closed(&c);
	connlimit_session_closed(&other);
}

static void
test_failures_tarpit_never_refuse(void)
{
	struct sockaddr_storage a = addr("198.51.100.7");
	struct sockaddr_storage same64 = addr("2001:db8:9:9::1");
	struct sockaddr_storage other64 = addr("2001:db8:9:9::2");
	uint64_t slot, middle;
	unsigned i, wait;

	CU_ASSERT_EQUAL_FATAL(connlimit_session_open(&a), CONNLIMIT_OK);
	/* Under the limit: no wait, however fast the checks come. */
	for (i = 0; i < cfg.max_ip_failures; i++) {
		CU_ASSERT_EQUAL(connlimit_check_delay_ms(&a, NULL), 0);
		CU_ASSERT_EQUAL(connlimit_login_failed(&a), i + 1);
	}
	/* Over it: connections still accepted ... */
	CU_ASSERT_EQUAL(connlimit_session_open(&a), CONNLIMIT_OK);
	/* ... but each check waits for the one booked before it. */
	wait = connlimit_check_delay_ms(&a, NULL);
	CU_ASSERT(wait > 2000 && wait <= 3000);
	CU_ASSERT(connlimit_check_delay_ms(&a, NULL) > 5000);
	CU_ASSERT(connlimit_check_delay_ms(&a, &slot) > 8000);
	/* A dropped check (its session gone) gives its turn back when it was
	 * the last one booked: the next one takes it; one in the middle does
	 * not (the later ones keep their turns). */
	connlimit_check_dropped(&a, slot);
	wait = connlimit_check_delay_ms(&a, &middle);
	CU_ASSERT(wait > 8000 && wait <= 9000);
	CU_ASSERT(connlimit_check_delay_ms(&a, NULL) > 11000);
	connlimit_check_dropped(&a, middle);
	CU_ASSERT(connlimit_check_delay_ms(&a, NULL) > 14000);
	connlimit_session_closed(&a);
	connlimit_session_closed(&a);

	/* Failures from one address of a /64 slow the whole /64. */
	CU_ASSERT_EQUAL_FATAL(connlimit_session_open(&same64), CONNLIMIT_OK);
	CU_ASSERT_EQUAL_FATAL(connlimit_session_open(&other64), CONNLIMIT_OK);
	for (i = 0; i < cfg.max_ip_failures; i++) {
		CU_ASSERT_EQUAL(connlimit_check_delay_ms(&same64, NULL), 0);
		(void)connlimit_login_failed(&same64);
	}
	CU_ASSERT(connlimit_check_delay_ms(&other64, NULL) > 0);
	connlimit_session_closed(&same64);
	connlimit_session_closed(&other64);
}

void
suite_register(void)
{
	ADD_SUITE("connlimit", setup, teardown,
	    TEST(test_ipv6_keyed_by_64),
	    TEST(test_ipv4_keyed_by_address),
	    TEST(test_session_cap_counts_the_whole_64),
	    TEST(test_failures_tarpit_never_refuse));
}
