/*
 * test_proxy.c: PROXY protocol v1 and v2 headers: lengths measured from
 * partial input (never past the header), addresses, LOCAL/UNKNOWN, and
 * every malformed shape refused.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "testutil.h"
#include "proxy.h"

static const unsigned char sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

static int
is_addr(const struct sockaddr_storage *ss, int family, const char *host,
    unsigned port)
{
	unsigned char want[16];

	if (ss->ss_family != family || inet_pton(family, host, want) != 1)
		return 0;
	if (family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		return memcmp(&in->sin_addr, want, 4) == 0 &&
		    ntohs(in->sin_port) == port;
	}
	return memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr, want,
	    16) == 0 && ntohs(((const struct sockaddr_in6 *)ss)->sin6_port) == port;
}

/*
 * Length of a whole header s, fed one byte more at a time: every partial
 * answer must be "need more" (0) or already the final length, never a
 * refusal or another length.
 */
static ssize_t
measure(const void *s, size_t n, enum proxy_versions v)
{
	ssize_t final = proxy_header_length(s, n, v);
	size_t i;

	for (i = 0; i < n; i++) {
		ssize_t r = proxy_header_length(s, i, v);

		if (r != 0 && r != final)
			return -100 - (ssize_t)i;
	}
	return final;
}

static void
test_v1_tcp4(void)
{
	const char *h = "PROXY TCP4 192.0.2.7 198.51.100.1 56324 21\r\n";
	struct proxy_header p;
	char after[128];

	CU_ASSERT_EQUAL(measure(h, strlen(h), PROXY_ANY), (ssize_t)strlen(h));
	/* Bytes after the header do not change its length. */
	snprintf(after, sizeof(after), "%sUSER x\r\n", h);
	CU_ASSERT_EQUAL(proxy_header_length((const unsigned char *)after,
	    strlen(after), PROXY_V1), (ssize_t)strlen(h));
	CU_ASSERT_EQUAL_FATAL(proxy_parse((const unsigned char *)h, strlen(h),
	    &p), 0);
	CU_ASSERT_EQUAL(p.version, 1);
	CU_ASSERT_TRUE(p.relayed);
	CU_ASSERT_TRUE(is_addr(&p.src, AF_INET, "192.0.2.7", 56324));
	CU_ASSERT_TRUE(is_addr(&p.dst, AF_INET, "198.51.100.1", 21));
}

static void
test_v1_tcp6_and_unknown(void)
{
	const char *h6 = "PROXY TCP6 2001:db8::7 2001:db8::1 40000 21\r\n";
	const char *u = "PROXY UNKNOWN\r\n";
	const char *u2 = "PROXY UNKNOWN ffff:: ffff:: 1 2\r\n";
	struct proxy_header p;

	CU_ASSERT_EQUAL_FATAL(proxy_parse((const unsigned char *)h6,
	    strlen(h6), &p), 0);
	CU_ASSERT_TRUE(is_addr(&p.src, AF_INET6, "2001:db8::7", 40000));
	CU_ASSERT_TRUE(is_addr(&p.dst, AF_INET6, "2001:db8::1", 21));
	CU_ASSERT_EQUAL(proxy_parse((const unsigned char *)u, strlen(u), &p), 0);
	CU_ASSERT_FALSE(p.relayed);
	CU_ASSERT_EQUAL(proxy_parse((const unsigned char *)u2, strlen(u2), &p), 0);
	CU_ASSERT_FALSE(p.relayed);
}

static void
test_v1_rejects(void)
{
	static const char *bad[] = {
		"PROXY TCP4 192.0.2.7 198.51.100.1 56324\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 56324 21 9\r\n",
		"PROXY TCP4 192.0.2.7  198.51.100.1 56324 21\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 56324 21 \r\n",
		"PROXY TCP4 2001:db8::7 198.51.100.1 56324 21\r\n",
		"PROXY TCP6 192.0.2.7 198.51.100.1 56324 21\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 65536 21\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 -1 21\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 0021 21\r\n",
		"PROXY UDP4 192.0.2.7 198.51.100.1 1 21\r\n",
		"PROXY TCP4 192.0.2.256 198.51.100.1 1 21\r\n",
	};
	struct proxy_header p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++)
		CU_ASSERT_EQUAL(proxy_parse((const unsigned char *)bad[i],
		    strlen(bad[i]), &p), -1);
	/* A CR without LF, and no CRLF within 107 bytes. */
	CU_ASSERT_EQUAL(proxy_header_length((const unsigned char *)
	    "PROXY TCP4 1.2.3.4\rX", 20, PROXY_V1), -1);
	{
		char longline[200];

		memset(longline, 'a', sizeof(longline));
		memcpy(longline, "PROXY ", 6);
		CU_ASSERT_EQUAL(proxy_header_length((unsigned char *)longline,
		    106, PROXY_V1), 0);
		CU_ASSERT_EQUAL(proxy_header_length((unsigned char *)longline,
		    107, PROXY_V1), -1);
	}
	/* Not a header at all, and a version the listener does not take. */
	CU_ASSERT_EQUAL(proxy_header_length((const unsigned char *)"USER x",
	    6, PROXY_ANY), -1);
	CU_ASSERT_EQUAL(proxy_header_length((const unsigned char *)"PROXY ",
	    6, PROXY_V2), -1);
	CU_ASSERT_EQUAL(proxy_header_length(sig, 12, PROXY_V1), -1);
}

/* A v2 header: cmd (0x21 PROXY, 0x20 LOCAL), family, address block. */
static size_t
v2(unsigned char *out, unsigned char cmd, unsigned char fam,
    const unsigned char *block, size_t n)
{
	memcpy(out, sig, 12);
	out[12] = cmd;
	out[13] = fam;
	out[14] = (unsigned char)(n >> 8);
	out[15] = (unsigned char)n;
	memcpy(out + 16, block, n);
	return 16 + n;
}

static void
test_v2_tcp4_with_tlv(void)
{
	unsigned char block[12 + 7] = {
		192, 0, 2, 7, 198, 51, 100, 1, 0xdc, 0x04, 0, 21,
		/* a TLV: PP2_TYPE_UNIQUE_ID, length 4 */
		0x05, 0x00, 0x04, 'a', 'b', 'c', 'd',
	};
	unsigned char h[64];
	struct proxy_header p;
	size_t n = v2(h, 0x21, 0x11, block, sizeof(block));

	CU_ASSERT_EQUAL(measure(h, n, PROXY_V2), (ssize_t)n);
	CU_ASSERT_EQUAL_FATAL(proxy_parse(h, n, &p), 0);
	CU_ASSERT_EQUAL(p.version, 2);
	CU_ASSERT_TRUE(p.relayed);
	CU_ASSERT_TRUE(is_addr(&p.src, AF_INET, "192.0.2.7", 56324));
	CU_ASSERT_TRUE(is_addr(&p.dst, AF_INET, "198.51.100.1", 21));
}

static void
test_v2_tcp6_and_local(void)
{
	unsigned char block[36], h[64];
	struct proxy_header p;
	size_t n;

	memset(block, 0, sizeof(block));
	CU_ASSERT_EQUAL(inet_pton(AF_INET6, "2001:db8::7", block), 1);
	CU_ASSERT_EQUAL(inet_pton(AF_INET6, "::1", block + 16), 1);
	block[32] = 0x9c;
	block[33] = 0x40;	/* 40000 */
	block[35] = 21;
	n = v2(h, 0x21, 0x21, block, sizeof(block));
	CU_ASSERT_EQUAL_FATAL(proxy_parse(h, n, &p), 0);
	CU_ASSERT_TRUE(is_addr(&p.src, AF_INET6, "2001:db8::7", 40000));
	CU_ASSERT_TRUE(is_addr(&p.dst, AF_INET6, "::1", 21));
	/* LOCAL: a health check from the balancer itself. */
	n = v2(h, 0x20, 0x00, block, 0);
	CU_ASSERT_EQUAL(measure(h, n, PROXY_ANY), 16);
	CU_ASSERT_EQUAL_FATAL(proxy_parse(h, n, &p), 0);
	CU_ASSERT_FALSE(p.relayed);
}

static void
test_v2_rejects(void)
{
	unsigned char block[36] = { 0 }, h[64], big[16];
	struct proxy_header p;
	size_t n;

	/* Version 1 in the version nibble, an unknown command, UDP, UNIX. */
	n = v2(h, 0x11, 0x11, block, 12);
	CU_ASSERT_EQUAL(proxy_parse(h, n, &p), -1);
	n = v2(h, 0x22, 0x11, block, 12);
	CU_ASSERT_EQUAL(proxy_parse(h, n, &p), -1);
	n = v2(h, 0x21, 0x12, block, 12);
	CU_ASSERT_EQUAL(proxy_parse(h, n, &p), -1);
	n = v2(h, 0x21, 0x31, block, 36);
	CU_ASSERT_EQUAL(proxy_parse(h, n, &p), -1);
	/* An address block shorter than its family needs. */
	n = v2(h, 0x21, 0x11, block, 8);
	CU_ASSERT_EQUAL(proxy_parse(h, n, &p), -1);
	n = v2(h, 0x21, 0x21, block, 20);
	CU_ASSERT_EQUAL(proxy_parse(h, n, &p), -1);
	/* A length that disagrees with the bytes given. */
	n = v2(h, 0x21, 0x11, block, 12);
	CU_ASSERT_EQUAL(proxy_parse(h, n - 1, &p), -1);
	/* A length field larger than we take. */
	memcpy(big, sig, 12);
	big[12] = 0x21;
	big[13] = 0x11;
	big[14] = 0xff;
	big[15] = 0xff;
	CU_ASSERT_EQUAL(proxy_header_length(big, 16, PROXY_ANY), -1);
	/* A signature that goes wrong half way. */
	memcpy(big, sig, 12);
	big[6] = 'X';
	CU_ASSERT_EQUAL(proxy_header_length(big, 7, PROXY_ANY), -1);
}

void
suite_register(void)
{
	ADD_SUITE("proxy", NULL, NULL,
	    TEST(test_v1_tcp4),
	    TEST(test_v1_tcp6_and_unknown),
	    TEST(test_v1_rejects),
	    TEST(test_v2_tcp4_with_tlv),
	    TEST(test_v2_tcp6_and_local),
	    TEST(test_v2_rejects));
}
