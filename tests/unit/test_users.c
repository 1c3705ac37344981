/*
 * test_users.c: the users file (fixtures/users/ and made-up lines), user
 * lookups, and password checks against sha512-crypt and yescrypt hashes,
 * including locked accounts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "users.h"

/* The hashes of "secret" in fixtures/users/good.users. */
#define ALICE_YESCRYPT \
	"$y$j9T$XZ2x4hmPj9eagzhDnbCs4.$0DDc5xFIqjRu5ceN5mreAyUB8qoDr5hbqt6vt/fmr.4"
#define BOB_SHA512 \
	"$6$nYUd/m3UsCSqoRo1$XXjiLCK3QQx8Vlml4eGKOzxp8JF6blpvxEsdlbVStruCm9qwZ" \
	"ujUGurOC46T8BkGKCAPNoKJwdoCgGnnPpDwC/"

static char err[2048];

static const char *
fixture(const char *name)
{
	return fixture_path("users", name);
}

static int
teardown(void)
{
	users_unload();
	return 0;
}

/* Writes text to a fresh temporary file; returns its path (static). */
static const char *
temp_users(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/ftpd-users-test.XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Looks name up; returns 1 with *info filled when found. */
static int
lookup(const char *name, struct user_info *info)
{
	return users_lookup(name, info) == 0;
}

static void
test_load_good(void)
{
	struct user_info info;

	err[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(users_load(fixture("good.users"), err,
	    sizeof(err)), 0);
	CU_ASSERT_TRUE_FATAL(lookup("alice", &info));
	CU_ASSERT_STRING_EQUAL(info.hash, ALICE_YESCRYPT);
	CU_ASSERT_STRING_EQUAL(info.home, "/alice");
	CU_ASSERT_EQUAL(info.writable, 1);
	users_info_free(&info);
	CU_ASSERT_PTR_NULL(info.hash);
	CU_ASSERT_PTR_NULL(info.home);

	CU_ASSERT_TRUE_FATAL(lookup("bob", &info));
	CU_ASSERT_STRING_EQUAL(info.hash, BOB_SHA512);
	CU_ASSERT_STRING_EQUAL(info.home, "/bob");
	CU_ASSERT_EQUAL(info.writable, 0);
	users_info_free(&info);

	/* Names may hold . _ - @; homes may be nested or the root. */
	CU_ASSERT_TRUE_FATAL(lookup("carol.smith-2@example", &info));
	CU_ASSERT_STRING_EQUAL(info.home, "/shared/carol");
	CU_ASSERT_EQUAL(info.hash[0], '!');
	users_info_free(&info);
	CU_ASSERT_TRUE_FATAL(lookup("dave", &info));
	CU_ASSERT_STRING_EQUAL(info.home, "/");
	users_info_free(&info);
	CU_ASSERT_TRUE_FATAL(lookup("erin", &info));
	CU_ASSERT_STRING_EQUAL(info.hash, "*");
	users_info_free(&info);
}

static void
test_lookup_missing(void)
{
	struct user_info info;

	CU_ASSERT_EQUAL_FATAL(users_load(fixture("good.users"), err,
	    sizeof(err)), 0);
	memset(&info, 0x55, sizeof(info));
	CU_ASSERT_EQUAL(users_lookup("mallory", &info), -1);
	CU_ASSERT_PTR_NULL(info.hash);
	CU_ASSERT_PTR_NULL(info.home);
	/* Exact match only: no case folding, no prefixes, no comments. */
	CU_ASSERT_EQUAL(users_lookup("Alice", &info), -1);
	CU_ASSERT_EQUAL(users_lookup("alic", &info), -1);
	CU_ASSERT_EQUAL(users_lookup("alice ", &info), -1);
	CU_ASSERT_EQUAL(users_lookup("", &info), -1);
	CU_ASSERT_EQUAL(users_lookup("# ftpd users file", &info), -1);
	CU_ASSERT_EQUAL(users_lookup("carol", &info), -1);
}

static void
test_load_crlf(void)
{
	struct user_info info;

	CU_ASSERT_EQUAL_FATAL(users_load(fixture("crlf.users"), err,
	    sizeof(err)), 0);
	CU_ASSERT_TRUE_FATAL(lookup("frank", &info));
	/* The CR is not part of the perms (or it would not be "rw"). */
	CU_ASSERT_EQUAL(info.writable, 1);
	CU_ASSERT_STRING_EQUAL(info.home, "/frank");
	CU_ASSERT_EQUAL(users_check_password(info.hash, "secret"), 1);
	users_info_free(&info);
}

/* Loads path and expects "path:line: why". */
static void
expect_error(const char *path, unsigned line, const char *why)
{
	char prefix[1200];

	err[0] = '\0';
	CU_ASSERT_EQUAL(users_load(path, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	CU_ASSERT_EQUAL(strncmp(err, prefix, strlen(prefix)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
	if (strncmp(err, prefix, strlen(prefix)) != 0 || strstr(err, why) == NULL)
		fprintf(stderr, "\n  got \"%s\", want \"%s%s\"\n", err, prefix,
		    why);
}

static void
test_load_bad_fixtures(void)
{
	expect_error(fixture("bad-fields.users"), 4,
	    "expected name:hash:home:perms");
	expect_error(fixture("bad-perms.users"), 3, "perms must be rw or ro");
}

static void
test_load_bad_lines(void)
{
	static const struct {
		const char *line;
		const char *why;
	} cases[] = {
		{ "alice", "expected name:hash:home:perms" },
		{ "alice:$6$x$y", "expected name:hash:home:perms" },
		{ "alice:$6$x$y:/a:rw:rate_up=1M:x", "too many fields" },
		{ "alice:$6$x$y:/a:rw:extra", "'extra' is not key=size" },
		{ "alice:$6$x$y:/a:rw:rate_up=fast", "rate_up: 'fast' is not a size" },
		{ "alice:$6$x$y:/a:rw:speed=1M", "unknown limit 'speed'" },
		{ "alice:$6$x$y:/a:rw:quota_bytes=1G,quota_bytes=2G", "given twice" },
		{ ":$6$x$y:/a:rw", "bad user name" },
		{ "al ice:$6$x$y:/a:rw", "bad user name" },
		{ "al/ice:$6$x$y:/a:rw", "bad user name" },
		{ "alice:secret:/a:rw", "crypt(3) hash" },
		{ "alice::/a:rw", "crypt(3) hash" },
		{ "alice:$6$x$y::rw", "empty home" },
		{ "alice:$6$x$y:/a:", "perms must be rw or ro" },
		{ "alice:$6$x$y:/a:RW", "perms must be rw or ro" },
		{ "alice:$6$x$y:/a:rw ", "perms must be rw or ro" },
		{ "alice:$6$x$y:/a:wo", "perms must be rw or ro" },
		{ "alice:$6$x$y:../etc:rw", "outside the root" },
		{ "alice:$6$x$y:/a/../../etc:rw", "outside the root" },
		{ "alice:$6$x$y:/..:rw", "outside the root" },
		{ "bob:$6$x$z:/b:rw", "duplicate user 'bob' (first on line 2)" },
	};
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path;

		/* The bad line is line 3, after a comment and a good line. */
		snprintf(text, sizeof(text),
		    "# users\nbob:$6$x$y:/bob:ro\n%s\n", cases[i].line);
		path = temp_users(text);
		expect_error(path, 3, cases[i].why);
		unlink(path);
	}
}

/* The optional fifth field fills info.limits; four fields leave none. */
static void
test_limits_field(void)
{
	struct user_info info;
	const char *path = temp_users("alice:$6$x$y:/a:rw:rate_down=10M,"
	    "quota_bytes=5G\nbob:$6$x$y:/b:ro\ncarol:$6$x$y:/c:rw:\n");

	CU_ASSERT_EQUAL_FATAL(users_load(path, err, sizeof(err)), 0);
	unlink(path);
	CU_ASSERT_TRUE_FATAL(lookup("alice", &info));
	CU_ASSERT_EQUAL(info.limits.rate_down, 10ULL << 20);
	CU_ASSERT_EQUAL(info.limits.rate_up, 0);
	CU_ASSERT_EQUAL(info.limits.quota_bytes, 5ULL << 30);
	CU_ASSERT_EQUAL(info.limits.quota_files, 0);
	CU_ASSERT_EQUAL(info.writable, 1);
	users_info_free(&info);
	CU_ASSERT_TRUE_FATAL(lookup("bob", &info));
	CU_ASSERT_EQUAL(info.limits.rate_down + info.limits.rate_up +
	    info.limits.quota_bytes + info.limits.quota_files, 0);
	users_info_free(&info);
	/* An empty fifth field is no limits. */
	CU_ASSERT_TRUE_FATAL(lookup("carol", &info));
	CU_ASSERT_EQUAL(info.limits.quota_bytes, 0);
	users_info_free(&info);
}

static void
test_long_name_refused(void)
{
	char text[512], name[USER_NAME_MAX + 2];
	const char *path;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "%s:$6$x$y:/a:rw\n", name);
	path = temp_users(text);
	expect_error(path, 1, "bad user name");
	unlink(path);
	/* Exactly USER_NAME_MAX is fine. */
	name[USER_NAME_MAX] = '\0';
	snprintf(text, sizeof(text), "%s:$6$x$y:/a:rw\n", name);
	path = temp_users(text);
	CU_ASSERT_EQUAL(users_load(path, err, sizeof(err)), 0);
	unlink(path);
}

static void
test_home_names_with_dots_accepted(void)
{
	const char *path = temp_users("a:$6$x$y:/a..b:rw\nb:$6$x$y:/..x/.y:ro\n");

	CU_ASSERT_EQUAL(users_load(path, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(users_home_escapes("/a..b/...c"));
	CU_ASSERT_TRUE(users_home_escapes(".."));
	CU_ASSERT_TRUE(users_home_escapes("a/.."));
	unlink(path);
}

/* Loads text and expects the decoy's method and cost to start with want. */
static void
expect_decoy(const char *text, const char *want)
{
	const char *path = temp_users(text);
	char cost[64];

	CU_ASSERT_EQUAL_FATAL(users_load(path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(users_decoy_cost(cost, sizeof(cost)), 0);
	CU_ASSERT_STRING_EQUAL(cost, want);
	unlink(path);
}

static void
test_decoy_follows_the_users_file(void)
{
	char h[256], text[2048];

	/* Empty, or only locked accounts: yescrypt, as new hashes are. */
	expect_decoy("# nobody yet\n", "$y$j9T$");
	expect_decoy("a:*:/a:rw\nb:!:/b:rw\n", "$y$j9T$");
	/* The most common method and cost wins. */
	snprintf(text, sizeof(text), "a:%s:/a:rw\nb:%s:/b:rw\nc:%s:/c:rw\n",
	    BOB_SHA512, ALICE_YESCRYPT, BOB_SHA512);
	expect_decoy(text, "$6$");
	snprintf(text, sizeof(text), "a:%s:/a:rw\nb:%s:/b:rw\nc:%s:/c:rw\n",
	    ALICE_YESCRYPT, BOB_SHA512, ALICE_YESCRYPT);
	expect_decoy(text, "$y$j9T$");
	/* Rounds are part of the cost. */
	CU_ASSERT_EQUAL_FATAL(users_hash_password("x", "sha512", h, sizeof(h)), 0);
	snprintf(text, sizeof(text), "a:$6$rounds=9000$salt$x:/a:rw\n"
	    "b:$6$rounds=9000$pepper$y:/b:rw\nc:%s:/c:rw\n", h);
	expect_decoy(text, "$6$rounds=9000$");
	/* A locked account and an unknown user never match, even with "". */
	CU_ASSERT_EQUAL(users_check_password("*", ""), 0);
	CU_ASSERT_EQUAL(users_check_password("!", "x"), 0);
}

static void
test_revert_puts_back_the_previous_table(void)
{
	struct user_info info;

	users_unload();
	CU_ASSERT_EQUAL(users_revert(), -1);
	CU_ASSERT_EQUAL_FATAL(users_load(fixture("good.users"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(users_revert(), -1);	/* nothing before it */
	CU_ASSERT_EQUAL_FATAL(users_load(fixture("crlf.users"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(users_lookup("dave", &info), -1);
	CU_ASSERT_EQUAL(users_revert(), 0);
	CU_ASSERT_TRUE_FATAL(lookup("dave", &info));
	users_info_free(&info);
	CU_ASSERT_EQUAL(users_lookup("frank", &info), -1);
	CU_ASSERT_EQUAL(users_revert(), -1);	/* only one step back */
}

static void
test_failed_load_keeps_table(void)
{
	struct user_info info;

	CU_ASSERT_EQUAL_FATAL(users_load(fixture("good.users"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(users_load(fixture("bad-perms.users"), err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(users_load(fixture("no-such-file.users"), err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no-such-file.users"));
	/* Still the good table: alice is there, nobody from the bad file. */
	CU_ASSERT_TRUE_FATAL(lookup("dave", &info));
	users_info_free(&info);
	/* A successful load replaces the table whole. */
	CU_ASSERT_EQUAL_FATAL(users_load(fixture("crlf.users"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(users_lookup("dave", &info), -1);
	CU_ASSERT_TRUE(lookup("frank", &info));
	users_info_free(&info);
	users_unload();
	CU_ASSERT_EQUAL(users_lookup("frank", &info), -1);
}

static void
test_fixture_passwords(void)
{
	CU_ASSERT_EQUAL(users_check_password(ALICE_YESCRYPT, "secret"), 1);
	CU_ASSERT_EQUAL(users_check_password(BOB_SHA512, "secret"), 1);
	CU_ASSERT_EQUAL(users_check_password(ALICE_YESCRYPT, "Secret"), 0);
	CU_ASSERT_EQUAL(users_check_password(BOB_SHA512, "secret "), 0);
	CU_ASSERT_EQUAL(users_check_password(BOB_SHA512, ""), 0);
}

/* Hashes password with method, checks the prefix, and that it verifies. */
static void
check_method(const char *method, const char *prefix)
{
	char h1[256], h2[256];

	CU_ASSERT_EQUAL_FATAL(users_hash_password("correct horse", method, h1,
	    sizeof(h1)), 0);
	CU_ASSERT_EQUAL(strncmp(h1, prefix, strlen(prefix)), 0);
	CU_ASSERT_EQUAL(users_check_password(h1, "correct horse"), 1);
	CU_ASSERT_EQUAL(users_check_password(h1, "correct horse "), 0);
	CU_ASSERT_EQUAL(users_check_password(h1, "Correct horse"), 0);
	CU_ASSERT_EQUAL(users_check_password(h1, ""), 0);
	/* A fresh salt each time: the same password hashes differently. */
	CU_ASSERT_EQUAL_FATAL(users_hash_password("correct horse", method, h2,
	    sizeof(h2)), 0);
	CU_ASSERT_STRING_NOT_EQUAL(h1, h2);
	CU_ASSERT_EQUAL(users_check_password(h2, "correct horse"), 1);
}

static void
test_hash_sha512(void)
{
	check_method("sha512", "$6$");
}

static void
test_hash_yescrypt(void)
{
	check_method(NULL, "$y$");
	check_method("yescrypt", "$y$");
}

static void
test_hash_odd_passwords(void)
{
	static const char *pw[] = {
		"", "p\xc3\xa4ss w\xc3\xb6rd \xe2\x82\xac", "a:b:c", "#not a comment",
	};
	char h[256];
	size_t i;

	for (i = 0; i < sizeof(pw) / sizeof(pw[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(users_hash_password(pw[i], "sha512", h,
		    sizeof(h)), 0);
		CU_ASSERT_EQUAL(users_check_password(h, pw[i]), 1);
		/* The hash never holds ':' (the users file separator). */
		CU_ASSERT_PTR_NULL(strchr(h, ':'));
	}
}

static void
test_hash_small_buffer(void)
{
	char h[16];

	CU_ASSERT_EQUAL(users_hash_password("secret", "sha512", h, sizeof(h)), -1);
	CU_ASSERT_EQUAL(users_hash_password("secret", NULL, h, sizeof(h)), -1);
}

static void
test_locked_and_bogus_hashes(void)
{
	char h[256], locked[260];

	CU_ASSERT_EQUAL_FATAL(users_hash_password("secret", "sha512", h,
	    sizeof(h)), 0);
	/* "!" in front locks an account, as in /etc/shadow. */
	snprintf(locked, sizeof(locked), "!%s", h);
	CU_ASSERT_EQUAL(users_check_password(locked, "secret"), 0);
	snprintf(locked, sizeof(locked), "!%s", ALICE_YESCRYPT);
	CU_ASSERT_EQUAL(users_check_password(locked, "secret"), 0);
	CU_ASSERT_EQUAL(users_check_password("!", "secret"), 0);
	CU_ASSERT_EQUAL(users_check_password("!", ""), 0);
	CU_ASSERT_EQUAL(users_check_password("*", ""), 0);
	CU_ASSERT_EQUAL(users_check_password("", ""), 0);
	/* Malformed hashes never match, whatever crypt makes of them. */
	CU_ASSERT_EQUAL(users_check_password("$6$", ""), 0);
	CU_ASSERT_EQUAL(users_check_password("$6$salt$", "secret"), 0);
	CU_ASSERT_EQUAL(users_check_password("$y$", ""), 0);
	CU_ASSERT_EQUAL(users_check_password("$", ""), 0);
	CU_ASSERT_EQUAL(users_check_password("$99$junk", "secret"), 0);
	/* A truncated hash is not a match for the password. */
	snprintf(locked, sizeof(locked), "%s", h);
	locked[strlen(locked) - 1] = '\0';
	CU_ASSERT_EQUAL(users_check_password(locked, "secret"), 0);
}

static void
test_locked_user_from_file(void)
{
	struct user_info info;

	CU_ASSERT_EQUAL_FATAL(users_load(fixture("good.users"), err,
	    sizeof(err)), 0);
	/* carol's hash is bob's with "!" in front: the right password fails. */
	CU_ASSERT_TRUE_FATAL(lookup("carol.smith-2@example", &info));
	CU_ASSERT_EQUAL(users_check_password(info.hash, "secret"), 0);
	users_info_free(&info);
	CU_ASSERT_TRUE_FATAL(lookup("erin", &info));
	CU_ASSERT_EQUAL(users_check_password(info.hash, ""), 0);
	users_info_free(&info);
	CU_ASSERT_TRUE_FATAL(lookup("dave", &info));
	CU_ASSERT_EQUAL(users_check_password(info.hash, "other pass"), 1);
	CU_ASSERT_EQUAL(users_check_password(info.hash, "secret"), 0);
	users_info_free(&info);
}

static void
test_wipe(void)
{
	char secret[] = "hunter2";
	size_t i;

	users_wipe(secret, sizeof(secret));
	for (i = 0; i < sizeof(secret); i++)
		CU_ASSERT_EQUAL(secret[i], 0);
}

void
suite_register(void)
{
	ADD_SUITE("users_load", NULL, teardown,
	    TEST(test_load_good),
	    TEST(test_lookup_missing),
	    TEST(test_load_crlf),
	    TEST(test_load_bad_fixtures),
	    TEST(test_load_bad_lines),
	    TEST(test_long_name_refused),
	    TEST(test_limits_field),
	    TEST(test_home_names_with_dots_accepted),
	    TEST(test_decoy_follows_the_users_file),
	    TEST(test_failed_load_keeps_table),
	    TEST(test_revert_puts_back_the_previous_table));
	ADD_SUITE("passwords", NULL, teardown,
	    TEST(test_fixture_passwords),
	    TEST(test_hash_sha512),
	    TEST(test_hash_yescrypt),
	    TEST(test_hash_odd_passwords),
	    TEST(test_hash_small_buffer),
	    TEST(test_locked_and_bogus_hashes),
	    TEST(test_locked_user_from_file),
	    TEST(test_wipe));
}
