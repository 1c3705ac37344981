/*
 * test_netrc.c: ~/.netrc as curl and tnftp read it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netrc.h"
#include "testutil.h"

static const char sample[] =
	"# a comment line is just words to skip? no: netrc has no comments\n"
	"machine ftp.example.com login alice password s3cret\n"
	"machine ftp.example.com login bob password hunter2\n"
	"machine other.org\n"
	"  login carol\n"
	"  password \"with space\"\n"
	"  account ignored\n"
	"macdef init\n"
	"cd /pub\n"
	"binary\n"
	"\n"
	"machine quoted.net login \"dq\\\"user\" password p\\ w\n"
	"default login anonymous password guest@\n";

static struct netrc_entry e;

static void
test_first_match(void)
{
	/* The sample starts with stray words: not a valid netrc. */
	CU_ASSERT_EQUAL(netrc_lookup_text(sample, "ftp.example.com", NULL, &e), -1);
	/* Without them, the first machine entry for the host wins. */
	CU_ASSERT_EQUAL_FATAL(netrc_lookup_text(strchr(sample, '\n') + 1,
	    "ftp.example.com", NULL, &e), 1);
	CU_ASSERT_STRING_EQUAL(e.login, "alice");
	CU_ASSERT_STRING_EQUAL(e.password, "s3cret");
	CU_ASSERT_TRUE(e.has_login && e.has_password);
	/* Host names compare without case. */
	CU_ASSERT_EQUAL(netrc_lookup_text(strchr(sample, '\n') + 1,
	    "FTP.Example.COM", NULL, &e), 1);
}

static void
test_by_user(void)
{
	const char *t = strchr(sample, '\n') + 1;

	CU_ASSERT_EQUAL_FATAL(netrc_lookup_text(t, "ftp.example.com", "bob", &e), 1);
	CU_ASSERT_STRING_EQUAL(e.password, "hunter2");
	/* No entry for that user on that host: the default applies. */
	CU_ASSERT_EQUAL_FATAL(netrc_lookup_text(t, "ftp.example.com", "zed", &e), 0);
}

static void
test_multiline_quotes_macdef(void)
{
	const char *t = strchr(sample, '\n') + 1;

	CU_ASSERT_EQUAL_FATAL(netrc_lookup_text(t, "other.org", NULL, &e), 1);
	CU_ASSERT_STRING_EQUAL(e.login, "carol");
	CU_ASSERT_STRING_EQUAL(e.password, "with space");
	/* The macdef body ("cd /pub", "binary") is not read as tokens. */
	CU_ASSERT_EQUAL_FATAL(netrc_lookup_text(t, "quoted.net", NULL, &e), 1);
	CU_ASSERT_STRING_EQUAL(e.login, "dq\"user");
	CU_ASSERT_STRING_EQUAL(e.password, "p w");
}

static void
test_default(void)
{
	const char *t = strchr(sample, '\n') + 1;

	CU_ASSERT_EQUAL_FATAL(netrc_lookup_text(t, "unknown.host", NULL, &e), 1);
	CU_ASSERT_STRING_EQUAL(e.login, "anonymous");
	CU_ASSERT_STRING_EQUAL(e.password, "guest@");
	/* Without a default, an unknown host has no entry. */
	CU_ASSERT_EQUAL(netrc_lookup_text("machine a login b password c\n",
	    "x", NULL, &e), 0);
	/* A default before machines does not hide them. */
	CU_ASSERT_EQUAL_FATAL(netrc_lookup_text(
	    "default login d password dp\nmachine m login ml password mp\n",
	    "m", NULL, &e), 1);
	CU_ASSERT_STRING_EQUAL(e.login, "ml");
}

static void
test_errors(void)
{
	char big[600];

	CU_ASSERT_EQUAL(netrc_lookup_text("machine", "x", NULL, &e), -1);
	CU_ASSERT_EQUAL(netrc_lookup_text("machine x login", "x", NULL, &e), -1);
	CU_ASSERT_EQUAL(netrc_lookup_text("", "x", NULL, &e), 0);
	memset(big, 'a', sizeof(big));
	memcpy(big, "machine x password ", 19);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(netrc_lookup_text(big, "x", NULL, &e), -1);
}

static void
test_file(void)
{
	char path[] = "/tmp/netrc-test.XXXXXX";
	const char text[] = "machine h\nlogin fileuser\npassword filepass\n";
	int fd = mkstemp(path);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(netrc_lookup(path, "h", NULL, &e), 1);
	CU_ASSERT_STRING_EQUAL(e.login, "fileuser");
	netrc_clear(&e);
	CU_ASSERT_EQUAL(e.password[0], '\0');
	unlink(path);
	/* A missing file is no entry, not an error. */
	CU_ASSERT_EQUAL(netrc_lookup(path, "h", NULL, &e), 0);
}

void
suite_register(void)
{
	ADD_SUITE("netrc", NULL, NULL, TEST(test_first_match), TEST(test_by_user),
	    TEST(test_multiline_quotes_macdef), TEST(test_default),
	    TEST(test_errors), TEST(test_file));
}
