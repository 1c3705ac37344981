/*
 * test_addr.c: PORT, EPRT, PASV and EPSV syntaxes and sockaddr helpers.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "testutil.h"
#include "addr.h"

/* Whether ss is AF_INET with the dotted address host and port. */
static int
is_v4(const struct sockaddr_storage *ss, const char *host, unsigned port)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	struct in_addr a;

	if (inet_pton(AF_INET, host, &a) != 1)
		return 0;
	return ss->ss_family == AF_INET && sin->sin_addr.s_addr == a.s_addr &&
	    ntohs(sin->sin_port) == port;
}

/* Whether ss is AF_INET6 with the address host and port. */
static int
is_v6(const struct sockaddr_storage *ss, const char *host, unsigned port)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;
	struct in6_addr a;

	if (inet_pton(AF_INET6, host, &a) != 1)
		return 0;
	return ss->ss_family == AF_INET6 &&
	    memcmp(&sin6->sin6_addr, &a, sizeof(a)) == 0 &&
	    ntohs(sin6->sin6_port) == port;
}

static void
test_port_valid(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL_FATAL(addr_parse_port("127,0,0,1,4,1", &ss), 0);
	CU_ASSERT(is_v4(&ss, "127.0.0.1", 4 * 256 + 1));
	CU_ASSERT_EQUAL(addr_port(&ss), 1025);
	CU_ASSERT_EQUAL(addr_parse_port("192,168,10,254,255,255", &ss), 0);
	CU_ASSERT(is_v4(&ss, "192.168.10.254", 65535));
	CU_ASSERT_EQUAL(addr_parse_port("0,0,0,0,0,21", &ss), 0);
	CU_ASSERT(is_v4(&ss, "0.0.0.0", 21));
	CU_ASSERT_EQUAL(addr_parse_port("10,1,2,3,200,9", &ss), 0);
	CU_ASSERT(is_v4(&ss, "10.1.2.3", 200 * 256 + 9));
	/* Up to three digits, so a leading zero is fine. */
	CU_ASSERT_EQUAL(addr_parse_port("010,001,002,003,000,021", &ss), 0);
	CU_ASSERT(is_v4(&ss, "10.1.2.3", 21));
}

static void
test_port_spaces(void)
{
	struct sockaddr_storage ss;

	/* Blanks around the numbers are tolerated, as many servers do. */
	CU_ASSERT_EQUAL(addr_parse_port(" 127, 0, 0, 1, 4, 1", &ss), 0);
	CU_ASSERT(is_v4(&ss, "127.0.0.1", 1025));
	CU_ASSERT_EQUAL(addr_parse_port("127 ,0 ,0 ,1 ,4 ,1 ", &ss), 0);
	CU_ASSERT(is_v4(&ss, "127.0.0.1", 1025));
	/* But not inside a number, and not other white space. */
	CU_ASSERT_EQUAL(addr_parse_port("12 7,0,0,1,4,1", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_port("127,0,0,1,4,1 2", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_port("127,\t0,0,1,4,1", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_port("127,0,0,1,4,1\r\n", &ss), -1);
}

static void
test_port_rejects(void)
{
	static const char *const bad[] = {
		"", ",", "127,0,0,1,4", "127,0,0,1", "127,0,0,1,4,",
		",127,0,0,1,4,1",
		"127,0,0,1,4,1,", "127,0,0,1,4,1,9", "127,0,0,256,4,1",
		"256,0,0,1,4,1", "127,0,0,1,256,1", "127,0,0,1,4,256",
		"127,0,0,1,4,1000", "127,0,0,1,4,0001", "127,0,0,1,4,-1",
		"127,0,0,1,+4,1", "127,0,0,1,4,1x", "127,0,0,1,4,1)",
		"127.0.0.1,4,1", "127,,0,1,4,1", "a,b,c,d,e,f",
		"127,0,0,1,4,99999999999999999999999", "0x7f,0,0,1,4,1",
		"127;0;0;1;4;1",
	};
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		int rc = addr_parse_port(bad[i], &ss);

		if (rc != -1)
			fprintf(stderr, "\n  accepted PORT \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(rc, -1);
	}
}

static void
test_eprt_v4(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL_FATAL(addr_parse_eprt("|1|132.235.1.2|6275|", &ss), 0);
	CU_ASSERT(is_v4(&ss, "132.235.1.2", 6275));
	CU_ASSERT_EQUAL(addr_len(&ss), sizeof(struct sockaddr_in));
	CU_ASSERT_EQUAL(addr_parse_eprt("|1|127.0.0.1|1|", &ss), 0);
	CU_ASSERT(is_v4(&ss, "127.0.0.1", 1));
	CU_ASSERT_EQUAL(addr_parse_eprt("|1|127.0.0.1|65535|", &ss), 0);
	CU_ASSERT(is_v4(&ss, "127.0.0.1", 65535));
}

static void
test_eprt_v6(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL_FATAL(addr_parse_eprt(
	    "|2|1080::8:800:200C:417A|5282|", &ss), 0);
	CU_ASSERT(is_v6(&ss, "1080::8:800:200C:417A", 5282));
	CU_ASSERT_EQUAL(addr_len(&ss), sizeof(struct sockaddr_in6));
	CU_ASSERT_EQUAL(addr_parse_eprt("|2|::1|2121|", &ss), 0);
	CU_ASSERT(is_v6(&ss, "::1", 2121));
	/* A v4-mapped address is still an IPv6 address. */
	CU_ASSERT_EQUAL(addr_parse_eprt("|2|::ffff:10.0.0.1|21|", &ss), 0);
	CU_ASSERT(is_v6(&ss, "::ffff:10.0.0.1", 21));
}

static void
test_eprt_other_delimiters(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL(addr_parse_eprt("!1!10.1.2.3!21!", &ss), 0);
	CU_ASSERT(is_v4(&ss, "10.1.2.3", 21));
	CU_ASSERT_EQUAL(addr_parse_eprt("#2#fe80::1#4000#", &ss), 0);
	CU_ASSERT(is_v6(&ss, "fe80::1", 4000));
	CU_ASSERT_EQUAL(addr_parse_eprt("~1~10.1.2.3~21~", &ss), 0);
	CU_ASSERT(is_v4(&ss, "10.1.2.3", 21));
	/* Delimiters must be printable, non-digit, and all the same. */
	CU_ASSERT_EQUAL(addr_parse_eprt(" 1 10.1.2.3 21 ", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_eprt("\x7f" "1\x7f" "10.1.2.3\x7f" "21\x7f",
	    &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_eprt("5152535" "10.1.2.3" "521" "5", &ss),
	    -1);
	CU_ASSERT_EQUAL(addr_parse_eprt("|1!10.1.2.3!21!", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_eprt("|1|10.1.2.3!21|", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_eprt("|1|10.1.2.3|21!", &ss), -1);
}

static void
test_eprt_rejects(void)
{
	static const char *const bad[] = {
		"", "|", "||||", "|1|||", "|1||21|", "|1|127.0.0.1||",
		"|1|127.0.0.1|21", "|1|127.0.0.1|21||", "|1|127.0.0.1|21|x",
		"|1|127.0.0.1|0|", "|1|127.0.0.1|65536|", "|1|127.0.0.1|-1|",
		"|1|127.0.0.1|99999999999999999999|", "|1|127.0.0.1|2x1|",
		"|1|127.0.0.1| 21|", "|3|127.0.0.1|21|", "|0|127.0.0.1|21|",
		"||127.0.0.1|21|", "|x|127.0.0.1|21|", "|1|localhost|21|",
		"|1|127.0.0.256|21|", "|1|127.0.0|21|", "|2|::g|21|",
		"|1|127.0.0.1 |21|",
	};
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		int rc = addr_parse_eprt(bad[i], &ss);

		if (rc != -1)
			fprintf(stderr, "\n  accepted EPRT \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(rc, -1);
	}
}

static void
test_eprt_family_mismatch(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL(addr_parse_eprt("|1|::1|21|", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_eprt("|1|::ffff:127.0.0.1|21|", &ss), -1);
	CU_ASSERT_EQUAL(addr_parse_eprt("|2|127.0.0.1|21|", &ss), -1);
}

static void
test_format_port(void)
{
	struct sockaddr_storage ss, back;
	char out[64];

	CU_ASSERT_EQUAL_FATAL(addr_pton("192.168.1.20", 50000, &ss), 0);
	CU_ASSERT_EQUAL(addr_format_port(&ss, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "192,168,1,20,195,80");
	CU_ASSERT_EQUAL(addr_parse_port(out, &back), 0);
	CU_ASSERT(is_v4(&back, "192.168.1.20", 50000));
	CU_ASSERT(addr_same_host(&ss, &back));
	CU_ASSERT_EQUAL(addr_port(&back), addr_port(&ss));
	/* Exactly big enough, then one byte short. */
	CU_ASSERT_EQUAL(addr_format_port(&ss, out, 20), 0);
	CU_ASSERT_EQUAL(addr_format_port(&ss, out, 19), -1);
	/* Only IPv4 has a PORT form. */
	CU_ASSERT_EQUAL_FATAL(addr_pton("::1", 21, &ss), 0);
	CU_ASSERT_EQUAL(addr_format_port(&ss, out, sizeof(out)), -1);
}

static void
test_format_eprt(void)
{
	struct sockaddr_storage ss, back;
	char out[128];

	CU_ASSERT_EQUAL_FATAL(addr_pton("10.0.0.7", 2121, &ss), 0);
	CU_ASSERT_EQUAL(addr_format_eprt(&ss, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "|1|10.0.0.7|2121|");
	CU_ASSERT_EQUAL(addr_parse_eprt(out, &back), 0);
	CU_ASSERT(is_v4(&back, "10.0.0.7", 2121));
	CU_ASSERT_EQUAL(addr_format_eprt(&ss, out, 17), -1);

	CU_ASSERT_EQUAL_FATAL(addr_pton("2001:db8::42", 40001, &ss), 0);
	CU_ASSERT_EQUAL(addr_format_eprt(&ss, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "|2|2001:db8::42|40001|");
	CU_ASSERT_EQUAL(addr_parse_eprt(out, &back), 0);
	CU_ASSERT(is_v6(&back, "2001:db8::42", 40001));
	CU_ASSERT(addr_same_host(&ss, &back));
}

static void
test_port_round_trip_many(void)
{
	struct sockaddr_storage ss, back;
	char out[64];
	unsigned seed = 777, i;
	int bad = 0;

	for (i = 0; i < 5000; i++) {
		char host[32];
		unsigned port;

		seed = seed * 1103515245u + 12345u;
		(void)snprintf(host, sizeof(host), "%u.%u.%u.%u", seed >> 24,
		    (seed >> 16) & 255, (seed >> 8) & 255, seed & 255);
		seed = seed * 1103515245u + 12345u;
		port = 1 + (seed >> 8) % 65535;
		if (addr_pton(host, port, &ss) < 0 ||
		    addr_format_port(&ss, out, sizeof(out)) < 0 ||
		    addr_parse_port(out, &back) < 0 ||
		    !is_v4(&back, host, port))
			bad++;
		if (addr_format_eprt(&ss, out, sizeof(out)) < 0 ||
		    addr_parse_eprt(out, &back) < 0 ||
		    !is_v4(&back, host, port))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_pasv_reply(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL_FATAL(addr_parse_pasv_reply(
	    "227 Entering Passive Mode (127,0,0,1,4,1)", &ss), 0);
	CU_ASSERT(is_v4(&ss, "127.0.0.1", 1025));
	/* Without the code, as reply_last_line gives it. */
	CU_ASSERT_EQUAL(addr_parse_pasv_reply(
	    "Entering Passive Mode (10,2,3,4,195,80).", &ss), 0);
	CU_ASSERT(is_v4(&ss, "10.2.3.4", 50000));
	/* No parentheses at all. */
	CU_ASSERT_EQUAL(addr_parse_pasv_reply(
	    "227 Entering Passive Mode 192,168,0,9,19,137", &ss), 0);
	CU_ASSERT(is_v4(&ss, "192.168.0.9", 19 * 256 + 137));
	CU_ASSERT_EQUAL(addr_parse_pasv_reply("227 =127,0,0,1,200,10", &ss),
	    0);
	CU_ASSERT(is_v4(&ss, "127.0.0.1", 200 * 256 + 10));
	CU_ASSERT_EQUAL(addr_parse_pasv_reply("1,2,3,4,5,6", &ss), 0);
	CU_ASSERT(is_v4(&ss, "1.2.3.4", 5 * 256 + 6));
	/* Numbers in the text before the address are skipped over. */
	CU_ASSERT_EQUAL(addr_parse_pasv_reply(
	    "227 Mode 2, port 5 (8,8,4,4,0,80)", &ss), 0);
	CU_ASSERT(is_v4(&ss, "8.8.4.4", 80));
}

static void
test_pasv_reply_rejects(void)
{
	static const char *const bad[] = {
		"", "227 Entering Passive Mode", "227 (127,0,0,1,4)",
		"227 (127,0,0,1,4,256)", "227 (1270,0,0,1,4,1)",
		"227 (127,0,0,1,4,1000)",
		"227 (127.0.0.1.4.1)", "227 (a,b,c,d,e,f)",
	};
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		int rc = addr_parse_pasv_reply(bad[i], &ss);

		if (rc != -1)
			fprintf(stderr, "\n  accepted 227 \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(rc, -1);
	}
}

static void
test_epsv_reply(void)
{
	unsigned port = 0;

	CU_ASSERT_EQUAL(addr_parse_epsv_reply(
	    "229 Entering Extended Passive Mode (|||6446|)", &port), 0);
	CU_ASSERT_EQUAL(port, 6446);
	CU_ASSERT_EQUAL(addr_parse_epsv_reply("(|||1|)", &port), 0);
	CU_ASSERT_EQUAL(port, 1);
	CU_ASSERT_EQUAL(addr_parse_epsv_reply("ok (!!!65535!).", &port), 0);
	CU_ASSERT_EQUAL(port, 65535);
}

static void
test_epsv_reply_rejects(void)
{
	static const char *const bad[] = {
		"", "229 Entering Extended Passive Mode",
		"229 (|||0|)", "229 (|||65536|)", "229 (|||-1|)",
		"229 (||||)", "229 (|||6446)", "229 (|||6446|", "229 (||6446|)",
		"229 (|!|6446|)", "229 (|||6446!)", "229 (|||64x6|)",
		"229 (|||99999999999999999999|)", "229 ( ||6446|)",
		"229 |||6446|", "229 (1116446|)",
	};
	unsigned port = 4242;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		int rc = addr_parse_epsv_reply(bad[i], &port);

		if (rc != -1)
			fprintf(stderr, "\n  accepted 229 \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(rc, -1);
	}
	CU_ASSERT_EQUAL(port, 4242);
}

static void
test_port_helpers(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL_FATAL(addr_pton("1.2.3.4", 21, &ss), 0);
	CU_ASSERT_EQUAL(addr_port(&ss), 21);
	addr_set_port(&ss, 65535);
	CU_ASSERT(is_v4(&ss, "1.2.3.4", 65535));
	CU_ASSERT_EQUAL_FATAL(addr_pton("fe80::2", 0, &ss), 0);
	CU_ASSERT_EQUAL(addr_port(&ss), 0);
	addr_set_port(&ss, 990);
	CU_ASSERT(is_v6(&ss, "fe80::2", 990));
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	CU_ASSERT_EQUAL(addr_port(&ss), 0);
}

static void
test_ntop_pton(void)
{
	struct sockaddr_storage ss;
	char out[64];

	CU_ASSERT_EQUAL(addr_pton("203.0.113.5", 80, &ss), 0);
	CU_ASSERT_EQUAL(addr_ntop(&ss, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "203.0.113.5");
	CU_ASSERT_EQUAL(addr_pton("::1", 80, &ss), 0);
	CU_ASSERT_EQUAL(addr_ntop(&ss, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "::1");
	CU_ASSERT_EQUAL(addr_ntop(&ss, out, 3), -1);
	CU_ASSERT_EQUAL(addr_pton("localhost", 80, &ss), -1);
	CU_ASSERT_EQUAL(addr_pton("", 80, &ss), -1);
	CU_ASSERT_EQUAL(addr_pton("1.2.3.4.5", 80, &ss), -1);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNIX;
	CU_ASSERT_EQUAL(addr_ntop(&ss, out, sizeof(out)), -1);
}

static void
test_unmap(void)
{
	struct sockaddr_storage ss;

	CU_ASSERT_EQUAL_FATAL(addr_pton("::ffff:1.2.3.4", 2121, &ss), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET6);
	addr_unmap(&ss);
	CU_ASSERT(is_v4(&ss, "1.2.3.4", 2121));
	CU_ASSERT_EQUAL(addr_len(&ss), sizeof(struct sockaddr_in));
	/* Unmapping twice, or a plain address, changes nothing. */
	addr_unmap(&ss);
	CU_ASSERT(is_v4(&ss, "1.2.3.4", 2121));
	CU_ASSERT_EQUAL_FATAL(addr_pton("::1", 21, &ss), 0);
	addr_unmap(&ss);
	CU_ASSERT(is_v6(&ss, "::1", 21));
	CU_ASSERT_EQUAL_FATAL(addr_pton("2001:db8::1.2.3.4", 21, &ss), 0);
	addr_unmap(&ss);
	CU_ASSERT(is_v6(&ss, "2001:db8::1.2.3.4", 21));
	/* ::1.2.3.4 (v4-compatible, deprecated) is not a mapped address. */
	CU_ASSERT_EQUAL_FATAL(addr_pton("::1.2.3.4", 21, &ss), 0);
	addr_unmap(&ss);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET6);
}

static void
test_same_host(void)
{
	struct sockaddr_storage a, b;

	CU_ASSERT_EQUAL_FATAL(addr_pton("10.0.0.1", 21, &a), 0);
	CU_ASSERT_EQUAL_FATAL(addr_pton("10.0.0.1", 50000, &b), 0);
	CU_ASSERT_TRUE(addr_same_host(&a, &b));
	CU_ASSERT_EQUAL_FATAL(addr_pton("10.0.0.2", 21, &b), 0);
	CU_ASSERT_FALSE(addr_same_host(&a, &b));
	/* A mapped peer is the same host as its plain IPv4 form. */
	CU_ASSERT_EQUAL_FATAL(addr_pton("::ffff:10.0.0.1", 1, &b), 0);
	CU_ASSERT_TRUE(addr_same_host(&a, &b));
	CU_ASSERT_TRUE(addr_same_host(&b, &a));
	CU_ASSERT_EQUAL_FATAL(addr_pton("::ffff:10.0.0.9", 1, &b), 0);
	CU_ASSERT_FALSE(addr_same_host(&a, &b));
	/* The arguments themselves are not unmapped. */
	CU_ASSERT_EQUAL(b.ss_family, AF_INET6);
	CU_ASSERT_EQUAL_FATAL(addr_pton("::1", 1, &a), 0);
	CU_ASSERT_EQUAL_FATAL(addr_pton("::1", 2, &b), 0);
	CU_ASSERT_TRUE(addr_same_host(&a, &b));
	CU_ASSERT_EQUAL_FATAL(addr_pton("::2", 2, &b), 0);
	CU_ASSERT_FALSE(addr_same_host(&a, &b));
	CU_ASSERT_EQUAL_FATAL(addr_pton("127.0.0.1", 2, &b), 0);
	CU_ASSERT_FALSE(addr_same_host(&a, &b));
	/* A v4-compatible address is not the IPv4 host. */
	CU_ASSERT_EQUAL_FATAL(addr_pton("::127.0.0.1", 2, &a), 0);
	CU_ASSERT_FALSE(addr_same_host(&a, &b));
}

static void
test_cidr(void)
{
	struct sockaddr_storage a;
	struct addr_cidr c;

	CU_ASSERT_EQUAL_FATAL(addr_cidr_parse("192.0.2.0/24", &c), 0);
	CU_ASSERT_EQUAL(addr_pton("192.0.2.200", 21, &a), 0);
	CU_ASSERT_TRUE(addr_in_cidr(&a, &c));
	CU_ASSERT_EQUAL(addr_pton("192.0.3.1", 21, &a), 0);
	CU_ASSERT_FALSE(addr_in_cidr(&a, &c));
	/* An IPv4-mapped IPv6 peer is the IPv4 host. */
	CU_ASSERT_EQUAL(addr_pton("::ffff:192.0.2.9", 21, &a), 0);
	CU_ASSERT_TRUE(addr_in_cidr(&a, &c));
	/* A bare address is all its bits; /0 is everything of a family. */
	CU_ASSERT_EQUAL_FATAL(addr_cidr_parse("127.0.0.3", &c), 0);
	CU_ASSERT_EQUAL(c.bits, 32);
	CU_ASSERT_EQUAL(addr_pton("127.0.0.3", 0, &a), 0);
	CU_ASSERT_TRUE(addr_in_cidr(&a, &c));
	CU_ASSERT_EQUAL(addr_pton("127.0.0.4", 0, &a), 0);
	CU_ASSERT_FALSE(addr_in_cidr(&a, &c));
	CU_ASSERT_EQUAL_FATAL(addr_cidr_parse("2001:db8::/33", &c), 0);
	CU_ASSERT_EQUAL(addr_pton("2001:db8:7fff::1", 0, &a), 0);
	CU_ASSERT_TRUE(addr_in_cidr(&a, &c));
	CU_ASSERT_EQUAL(addr_pton("2001:db8:8000::1", 0, &a), 0);
	CU_ASSERT_FALSE(addr_in_cidr(&a, &c));
	CU_ASSERT_EQUAL(addr_pton("192.0.2.1", 0, &a), 0);
	CU_ASSERT_FALSE(addr_in_cidr(&a, &c));
	CU_ASSERT_EQUAL_FATAL(addr_cidr_parse("0.0.0.0/0", &c), 0);
	CU_ASSERT_TRUE(addr_in_cidr(&a, &c));
	/* Refused shapes. */
	CU_ASSERT_EQUAL(addr_cidr_parse("192.0.2.0/33", &c), -1);
	CU_ASSERT_EQUAL(addr_cidr_parse("::/129", &c), -1);
	CU_ASSERT_EQUAL(addr_cidr_parse("192.0.2.0/", &c), -1);
	CU_ASSERT_EQUAL(addr_cidr_parse("192.0.2.0/-1", &c), -1);
	CU_ASSERT_EQUAL(addr_cidr_parse("192.0.2.0/2x", &c), -1);
	CU_ASSERT_EQUAL(addr_cidr_parse("/24", &c), -1);
	CU_ASSERT_EQUAL(addr_cidr_parse("example.org/24", &c), -1);
}

void
suite_register(void)
{
	ADD_SUITE("addr", NULL, NULL,
	    TEST(test_cidr),
	    TEST(test_port_valid),
	    TEST(test_port_spaces),
	    TEST(test_port_rejects),
	    TEST(test_eprt_v4),
	    TEST(test_eprt_v6),
	    TEST(test_eprt_other_delimiters),
	    TEST(test_eprt_rejects),
	    TEST(test_eprt_family_mismatch),
	    TEST(test_format_port),
	    TEST(test_format_eprt),
	    TEST(test_port_round_trip_many),
	    TEST(test_pasv_reply),
	    TEST(test_pasv_reply_rejects),
	    TEST(test_epsv_reply),
	    TEST(test_epsv_reply_rejects),
	    TEST(test_port_helpers),
	    TEST(test_ntop_pton),
	    TEST(test_unmap),
	    TEST(test_same_host));
}
