/*
 * test_url.c: ftp:// URLs as curl writes them.
 */
#include <string.h>

#include "testutil.h"
#include "url.h"

static struct ftp_url u;
static char err[256];

static void
test_plain(void)
{
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://example.com/pub/file.txt", &u,
	    err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "example.com");
	CU_ASSERT_EQUAL(u.port, 21);
	CU_ASSERT_STRING_EQUAL(u.path, "pub/file.txt");
	CU_ASSERT_FALSE(u.is_dir);
	CU_ASSERT_FALSE(u.has_user);
	CU_ASSERT_FALSE(u.has_pass);
}

static void
test_credentials(void)
{
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://alice:s%40cr%3At@h:2121/", &u,
	    err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.user, "alice");
	CU_ASSERT_STRING_EQUAL(u.pass, "s@cr:t");
	CU_ASSERT_TRUE(u.has_user && u.has_pass);
	CU_ASSERT_EQUAL(u.port, 2121);
	CU_ASSERT_STRING_EQUAL(u.path, "");
	CU_ASSERT_TRUE(u.is_dir);
	/* A raw '@' in the password: the last '@' ends the user info. */
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://bob:p@ss@h/x", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.user, "bob");
	CU_ASSERT_STRING_EQUAL(u.pass, "p@ss");
	CU_ASSERT_STRING_EQUAL(u.host, "h");
	/* A user without a password. */
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://carol@h", &u, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(u.has_user);
	CU_ASSERT_FALSE(u.has_pass);
	CU_ASSERT_TRUE(u.is_dir);
	/* An empty password is still a password. */
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://dave:@h/", &u, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(u.has_pass);
	CU_ASSERT_STRING_EQUAL(u.pass, "");
	url_clear(&u);
	CU_ASSERT_EQUAL(u.pass[0], '\0');
}

static void
test_ipv6(void)
{
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://[::1]:2121/a/b/", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "::1");
	CU_ASSERT_EQUAL(u.port, 2121);
	CU_ASSERT_STRING_EQUAL(u.path, "a/b/");
	CU_ASSERT_TRUE(u.is_dir);
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://u:p@[fe80::1%25eth0]/f", &u, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://[2001:db8::2]/f", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "2001:db8::2");
	CU_ASSERT_EQUAL(u.port, 21);
	CU_ASSERT_EQUAL(url_parse("ftp://[::1/f", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://[::1]x/f", &u, err, sizeof(err)), -1);
}

static void
test_decoding(void)
{
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://h/dir%20one/f%C3%A9.txt", &u,
	    err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.path, "dir one/f\xc3\xa9.txt");
	/* %2F at the start is curl's way to name an absolute path. */
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://h/%2Fetc/motd", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.path, "/etc/motd");
	/* CR, LF and NUL could smuggle commands: refused. */
	CU_ASSERT_EQUAL(url_parse("ftp://h/a%0d%0aDELE%20x", &u, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h/a%00b", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://u%0a:p@h/", &u, err, sizeof(err)), -1);
	/* Broken escapes. */
	CU_ASSERT_EQUAL(url_parse("ftp://h/a%2", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h/a%zz", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h/a%", &u, err, sizeof(err)), -1);
}

static void
test_type(void)
{
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://h/readme;type=a", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.path, "readme");
	CU_ASSERT_EQUAL(u.type, 'a');
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://h/pub;type=d", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_TRUE(u.is_dir);
	CU_ASSERT_EQUAL(url_parse("ftp://h/x;type=z", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h/x;foo=bar", &u, err, sizeof(err)), -1);
}

/* ftps:// is implicit TLS, on port 990 unless the URL names one (curl). */
static void
test_ftps(void)
{
	CU_ASSERT_EQUAL_FATAL(url_parse("ftps://alice@h/pub/f", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_TRUE(u.implicit_tls);
	CU_ASSERT_EQUAL(u.port, 990);
	CU_ASSERT_FALSE(u.has_port);
	CU_ASSERT_STRING_EQUAL(u.host, "h");
	CU_ASSERT_STRING_EQUAL(u.user, "alice");
	CU_ASSERT_STRING_EQUAL(u.path, "pub/f");
	CU_ASSERT_EQUAL_FATAL(url_parse("FTPS://[::1]:2990/", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_TRUE(u.implicit_tls);
	CU_ASSERT_EQUAL(u.port, 2990);
	CU_ASSERT_TRUE(u.has_port);
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://h:21/", &u, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(u.implicit_tls);
	CU_ASSERT_TRUE(u.has_port);
	CU_ASSERT_EQUAL_FATAL(url_parse("ftp://h/", &u, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(u.has_port);
	CU_ASSERT_EQUAL(u.port, 21);
}

static void
test_bad(void)
{
	CU_ASSERT_EQUAL(url_parse("http://h/", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftpx://h/", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp:///path", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h:0/", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h:65536/", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h:21x/", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h:/", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h:-1/", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://h?x=1", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse("ftp://a b/", &u, err, sizeof(err)), -1);
	CU_ASSERT_TRUE(url_is_url("FTP://h"));
	CU_ASSERT_TRUE(url_is_url("ftps://h"));
	CU_ASSERT_FALSE(url_is_url("example.com"));
	CU_ASSERT_FALSE(url_is_url("/tmp/ftp://x"));
}

static void
test_decode_direct(void)
{
	char out[8];

	CU_ASSERT_EQUAL(url_decode("abc", 3, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "abc");
	CU_ASSERT_EQUAL(url_decode("%41%42", 6, out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "AB");
	/* Exactly one byte too many for out. */
	CU_ASSERT_EQUAL(url_decode("12345678", 8, out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(url_decode("1234567", 7, out, sizeof(out)), 0);
	/* n limits what is read, even inside an escape. */
	CU_ASSERT_EQUAL(url_decode("%41", 2, out, sizeof(out)), -1);
}

static void
test_host_with_port_as_typed(void)
{
	CU_ASSERT_EQUAL_FATAL(url_parse_host("ftp.example.com", NULL, &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "ftp.example.com");
	CU_ASSERT_FALSE(u.has_port);
	CU_ASSERT_EQUAL_FATAL(url_parse_host("127.0.0.1:2121", NULL, &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "127.0.0.1");
	CU_ASSERT_TRUE(u.has_port);
	CU_ASSERT_EQUAL(u.port, 2121);
	CU_ASSERT_EQUAL_FATAL(url_parse_host("h", "2121", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "h");
	CU_ASSERT_EQUAL(u.port, 2121);
	CU_ASSERT_EQUAL_FATAL(url_parse_host("[::1]:990", NULL, &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "::1");
	CU_ASSERT_EQUAL(u.port, 990);
	CU_ASSERT_EQUAL_FATAL(url_parse_host("[::1]", "21", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "::1");
	CU_ASSERT_EQUAL(u.port, 21);
	/* A bare IPv6 address is all host; its port is a word of its own. */
	CU_ASSERT_EQUAL_FATAL(url_parse_host("fe80::1", NULL, &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "fe80::1");
	CU_ASSERT_FALSE(u.has_port);
	CU_ASSERT_EQUAL_FATAL(url_parse_host("::1", "2121", &u, err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "::1");
	CU_ASSERT_EQUAL(u.port, 2121);
}

static void
test_host_with_port_refuses_bad_input(void)
{
	CU_ASSERT_EQUAL(url_parse_host("h:0", NULL, &u, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad port");
	CU_ASSERT_EQUAL(url_parse_host("h:65536", NULL, &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse_host("h:21x", NULL, &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse_host("h:", NULL, &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse_host("h", "x", &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse_host("h:21", "21", &u, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "port given twice");
	CU_ASSERT_EQUAL(url_parse_host("[::1]:21", "21", &u, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse_host(":21", NULL, &u, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad host");
	CU_ASSERT_EQUAL(url_parse_host("a b", NULL, &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse_host("[::1", NULL, &u, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(url_parse_host("", NULL, &u, err, sizeof(err)), -1);
}

void
suite_register(void)
{
	ADD_SUITE("url", NULL, NULL, TEST(test_plain), TEST(test_credentials),
	    TEST(test_ipv6), TEST(test_decoding), TEST(test_type),
	    TEST(test_ftps), TEST(test_bad), TEST(test_decode_direct),
	    TEST(test_host_with_port_as_typed),
	    TEST(test_host_with_port_refuses_bad_input));
}
