/*
 * test_userdb.c: the users backends behind one interface: which backend a
 * `users` value picks, the users file through it, the rules for a row of
 * the users table (userrow), the lookup-and-check job the hashing threads
 * run (authpool_check_in), and the PostgreSQL backend's answers while its
 * server cannot be reached (a closed loopback port: no database needed).
 * The database itself is tested in tests/integration/test_pgusers.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authpool.h"
#include "testutil.h"
#include "userdb.h"
#include "userrow.h"

static char err[1024];

static const char *
fixture(const char *name)
{
	return fixture_path("users", name);
}

static void
test_users_value_picks_the_backend(void)
{
	CU_ASSERT_PTR_EQUAL(userdb_backend_for("/etc/ftpd/users"),
	    &userdb_file_ops);
	CU_ASSERT_PTR_EQUAL(userdb_backend_for("users"), &userdb_file_ops);
	CU_ASSERT_PTR_EQUAL(userdb_backend_for("postgresql://db/ftp"),
	    &userdb_pg_ops);
	CU_ASSERT_PTR_EQUAL(userdb_backend_for("postgres://u@db:5433/ftp"),
	    &userdb_pg_ops);
	CU_ASSERT_PTR_EQUAL(userdb_backend_for("PostgreSQL://db"),
	    &userdb_pg_ops);
	/* A file that happens to be named like a scheme stays a file. */
	CU_ASSERT_PTR_EQUAL(userdb_backend_for("./postgresql://x"),
	    &userdb_file_ops);
	CU_ASSERT_PTR_EQUAL(userdb_backend_for("postgresql:x"), &userdb_file_ops);
}

static void
test_no_backend_knows_no_user(void)
{
	struct user_info info;

	CU_ASSERT_EQUAL(userdb_find(NULL, "alice", &info, err, sizeof(err)),
	    USERDB_NO_SUCH_USER);
	CU_ASSERT_STRING_EQUAL(userdb_kind(NULL), "none");
	CU_ASSERT_TRUE(userdb_can_list(NULL));
}

static int
count_user(void *arg, const char *path, unsigned line, const char *name,
    const char *home)
{
	(void)path;
	(void)line;
	(void)name;
	(void)home;
	(*(int *)arg)++;
	return 0;
}

static void
test_file_backend_through_the_interface(void)
{
	struct user_info info;
	struct userdb *db;
	int n = 0;

	db = userdb_new(fixture("good.users"), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	CU_ASSERT_STRING_EQUAL(userdb_kind(db), "users file");
	CU_ASSERT_EQUAL_FATAL(userdb_find(db, "alice", &info, err, sizeof(err)),
	    USERDB_FOUND);
	CU_ASSERT_STRING_EQUAL(info.home, "/alice");
	CU_ASSERT_TRUE(info.writable);
	users_info_free(&info);
	CU_ASSERT_EQUAL(userdb_find(db, "mallory", &info, err, sizeof(err)),
	    USERDB_NO_SUCH_USER);
	CU_ASSERT_TRUE(userdb_can_list(db));
	CU_ASSERT_EQUAL(userdb_each(db, count_user, &n), 0);
	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(userdb_reread(db, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(userdb_undo(db), 0);
	CU_ASSERT_EQUAL(userdb_verify(db, err, sizeof(err)), 0);
	userdb_free(db);
	CU_ASSERT_PTR_NULL(userdb_new(fixture("no-such-file.users"), err,
	    sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no-such-file.users"));
}

/* A good row; tests change one column. */
static const char *row[USERROW_NCOLS];

static void
good_row(void)
{
	row[USERROW_HASH] = "$6$salt$hash";
	row[USERROW_HOME] = "/alice";
	row[USERROW_PERMS] = "rw";
	row[USERROW_LOCKED] = "f";
	row[USERROW_RATE_DOWN] = "10485760";
	row[USERROW_RATE_UP] = NULL;
	row[USERROW_QUOTA_BYTES] = "0";
	row[USERROW_QUOTA_FILES] = "1000";
}

static void
test_good_row_gives_the_user(void)
{
	struct user_info info;

	good_row();
	CU_ASSERT_EQUAL_FATAL(userrow_parse(row, &info, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(info.hash, "$6$salt$hash");
	CU_ASSERT_STRING_EQUAL(info.home, "/alice");
	CU_ASSERT_TRUE(info.writable);
	CU_ASSERT_EQUAL(info.limits.rate_down, 10485760ULL);
	CU_ASSERT_EQUAL(info.limits.rate_up, 0);
	CU_ASSERT_EQUAL(info.limits.quota_bytes, 0);
	CU_ASSERT_EQUAL(info.limits.quota_files, 1000);
	users_info_free(&info);
	row[USERROW_PERMS] = "ro";
	row[USERROW_LOCKED] = NULL;
	CU_ASSERT_EQUAL_FATAL(userrow_parse(row, &info, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(info.writable);
	users_info_free(&info);
}

static void
test_locked_row_never_matches(void)
{
	struct user_info info;

	good_row();
	row[USERROW_LOCKED] = "t";
	CU_ASSERT_EQUAL_FATAL(userrow_parse(row, &info, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(info.hash[0], '!');
	users_info_free(&info);
	/* The file backend's way works too: a hash starting with '!'. */
	good_row();
	row[USERROW_HASH] = "!$6$salt$hash";
	CU_ASSERT_EQUAL_FATAL(userrow_parse(row, &info, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(info.hash, "!$6$salt$hash");
	users_info_free(&info);
}

static void
test_bad_rows_refused_naming_the_column(void)
{
	static const struct {
		enum userrow_col col;
		const char *val;
		const char *why;
	} bad[] = {
		{ USERROW_HASH, NULL, "column hash" },
		{ USERROW_HASH, "plaintext", "column hash" },
		{ USERROW_HASH, "", "column hash" },
		{ USERROW_HOME, NULL, "column home" },
		{ USERROW_HOME, "", "column home" },
		{ USERROW_HOME, "/alice/../bob", "column home: outside" },
		{ USERROW_HOME, "..", "column home: outside" },
		{ USERROW_PERMS, NULL, "column permissions" },
		{ USERROW_PERMS, "RW", "column permissions" },
		{ USERROW_PERMS, "rwx", "column permissions" },
		{ USERROW_RATE_DOWN, "-1", "column rate_down" },
		{ USERROW_RATE_UP, "1.5", "column rate_up" },
		{ USERROW_QUOTA_BYTES, "", "column quota_bytes" },
		{ USERROW_QUOTA_FILES, "99999999999999999999999",
		    "column quota_files" },
	};
	struct user_info info;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		good_row();
		row[bad[i].col] = bad[i].val;
		memset(&info, 0, sizeof(info));
		err[0] = '\0';
		CU_ASSERT_EQUAL(userrow_parse(row, &info, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].why));
		CU_ASSERT_PTR_NULL(info.hash);
		CU_ASSERT_PTR_NULL(info.home);
	}
}

static void
test_check_job_outcomes(void)
{
	struct auth_result r;
	struct userdb *db = userdb_new(fixture("good.users"), err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	authpool_check_in(db, "alice", "secret", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_OK);
	CU_ASSERT_STRING_EQUAL(r.info.home, "/alice");
	users_info_free(&r.info);
	authpool_check_in(db, "alice", "Secret", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_WRONG_PASSWORD);
	CU_ASSERT_PTR_NULL(r.info.hash);
	authpool_check_in(db, "mallory", "secret", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_NO_SUCH_USER);
	authpool_check_in(db, "carol.smith-2@example", "secret", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_LOCKED);
	authpool_check_in(db, "erin", "", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_LOCKED);
	CU_ASSERT_PTR_NULL(r.info.home);
	userdb_free(db);
}

/*
 * Two instances (two virtual hosts' users) never see each other's users,
 * and each reloads and reverts on its own.
 */
static void
test_instances_are_separate(void)
{
	struct userdb *a, *b;
	struct user_info info;
	struct auth_result r;
	int n = 0;

	a = userdb_new(fixture("good.users"), err, sizeof(err));
	b = userdb_new(fixture("crlf.users"), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_EQUAL(userdb_kind(a), "users file");
	CU_ASSERT_EQUAL(userdb_find(a, "alice", &info, err, sizeof(err)),
	    USERDB_FOUND);
	users_info_free(&info);
	CU_ASSERT_EQUAL(userdb_find(b, "alice", &info, err, sizeof(err)),
	    USERDB_NO_SUCH_USER);
	CU_ASSERT_EQUAL(userdb_find(b, "frank", &info, err, sizeof(err)),
	    USERDB_FOUND);
	users_info_free(&info);
	CU_ASSERT_EQUAL(userdb_find(a, "frank", &info, err, sizeof(err)),
	    USERDB_NO_SUCH_USER);
	CU_ASSERT_EQUAL(userdb_each(b, count_user, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	/* Passwords are checked against the instance's own users. */
	authpool_check_in(a, "alice", "secret", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_OK);
	users_info_free(&r.info);
	authpool_check_in(b, "alice", "secret", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_NO_SUCH_USER);
	CU_ASSERT_EQUAL(userdb_reread(b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(userdb_undo(b), 0);
	CU_ASSERT_EQUAL(userdb_undo(a), -1);	/* a was never reloaded */
	userdb_free(a);
	CU_ASSERT_EQUAL(userdb_find(b, "frank", &info, err, sizeof(err)),
	    USERDB_FOUND);
	users_info_free(&info);
	userdb_free(b);
	CU_ASSERT_EQUAL(userdb_find(NULL, "frank", &info, err, sizeof(err)),
	    USERDB_NO_SUCH_USER);
	CU_ASSERT_STRING_EQUAL(userdb_kind(NULL), "none");
}

/* Port 1 on loopback: nothing listens, so connecting fails at once. */
#define DOWN_URI "postgresql://ftpd@127.0.0.1:1/ftpd?connect_timeout=2"

static void
test_database_down_is_unavailable_then_backs_off(void)
{
	struct user_info info;
	struct auth_result r;
	struct userdb *db = userdb_new(DOWN_URI, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(db);
	CU_ASSERT_STRING_EQUAL(userdb_kind(db), "users database");
	CU_ASSERT_FALSE(userdb_can_list(db));
	CU_ASSERT_EQUAL(userdb_verify(db, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot connect"));
	err[0] = '\0';
	CU_ASSERT_EQUAL(userdb_find(db, "alice", &info, err, sizeof(err)),
	    USERDB_UNAVAILABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unreachable"));
	/* Within the backoff: no new attempt, the same answer. */
	CU_ASSERT_EQUAL(userdb_find(db, "alice", &info, err, sizeof(err)),
	    USERDB_UNAVAILABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "next try in"));
	authpool_check_in(db, "alice", "secret", &r);
	CU_ASSERT_EQUAL(r.outcome, AUTH_UNAVAILABLE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.why, "users database"));
	/* SIGHUP has nothing to reload. */
	CU_ASSERT_EQUAL(userdb_reread(db, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(userdb_undo(db), -1);
	userdb_free(db);
}

static void
test_bad_uri_refused_at_open(void)
{
	CU_ASSERT_PTR_NULL(userdb_new("postgresql://[::1", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad PostgreSQL URI"));
	CU_ASSERT_PTR_NULL(userdb_new("postgresql://h/db?nosuchoption=1", err,
	    sizeof(err)));
}

void
suite_register(void)
{
	ADD_SUITE("userdb", NULL, NULL,
	    TEST(test_users_value_picks_the_backend),
	    TEST(test_no_backend_knows_no_user),
	    TEST(test_file_backend_through_the_interface),
	    TEST(test_check_job_outcomes),
	    TEST(test_instances_are_separate),
	    TEST(test_database_down_is_unavailable_then_backs_off),
	    TEST(test_bad_uri_refused_at_open));
	ADD_SUITE("userrow", NULL, NULL,
	    TEST(test_good_row_gives_the_user),
	    TEST(test_locked_row_never_matches),
	    TEST(test_bad_rows_refused_naming_the_column));
}
