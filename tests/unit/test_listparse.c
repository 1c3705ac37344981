/*
 * test_listparse.c: LIST and MLSD parsing, driven by real listings in
 * fixtures/listings/ (NAME.list or NAME.mlsd, with NAME.expect saying
 * "f|d|l SIZE|- name[ -> target]" per entry, or "! line" for a line that
 * must be refused), plus dates and hostile names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "listparse.h"
#include "testutil.h"

/* 2026-11-25 15:00:00 UTC: "now" for dates without a year. */
#define NOW ((time_t)1795618800)

static char *
slurp(const char *name, const char *ext)
{
	const char *dir = getenv("FIXTURES");
	char path[1024];
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/listings/%s.%s", dir ? dir : "fixtures",
	    name, ext);
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) < 0)
			break;
	fclose(f);
	if (buf_append(&b, "", 1) < 0) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

static char
type_char(enum lp_type t)
{
	return t == LP_DIR ? 'd' : t == LP_LINK ? 'l' : t == LP_FILE ? 'f' : '?';
}

/* Checks one fixture against its .expect file. */
static void
check_fixture(const char *name, int mlsd)
{
	char *text = slurp(name, mlsd ? "mlsd" : "list");
	char *expect = slurp(name, "expect");
	struct lp_list l = { NULL, 0, 0 };
	char *line, *save = NULL, got[4096], size[32];
	size_t i = 0;
	int bad, want_bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(expect);
	bad = listparse_buffer(text, mlsd, NOW, &l);
	for (line = strtok_r(expect, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '!') {
			want_bad++;
			continue;
		}
		if (i >= l.n) {
			CU_FAIL("fewer entries than expected");
			fprintf(stderr, "%s: missing %s\n", name, line);
			continue;
		}
		if (l.v[i].size >= 0)
			snprintf(size, sizeof(size), "%lld", (long long)l.v[i].size);
		else
			snprintf(size, sizeof(size), "-");
		snprintf(got, sizeof(got), "%c %s %s%s%s", type_char(l.v[i].type),
		    size, l.v[i].name, l.v[i].target[0] ? " -> " : "",
		    l.v[i].target);
		if (strcmp(got, line) != 0)
			fprintf(stderr, "%s: got '%s' want '%s'\n", name, got, line);
		CU_ASSERT_STRING_EQUAL(got, line);
		i++;
	}
	CU_ASSERT_EQUAL(i, l.n);
	CU_ASSERT_EQUAL(bad, want_bad);
	listparse_free(&l);
	free(text);
	free(expect);
}

static void test_vsftpd(void) { check_fixture("unix_vsftpd", 0); }
static void test_proftpd(void) { check_fixture("unix_proftpd", 0); }
static void test_nogroup(void) { check_fixture("unix_nogroup", 0); }
static void test_windows(void) { check_fixture("windows_iis", 0); }
static void test_netware(void) { check_fixture("netware", 0); }
static void test_eplf(void) { check_fixture("eplf", 0); }
static void test_mlsd_fixture(void) { check_fixture("pyftpdlib", 1); }

static void
test_unix_dates(void)
{
	struct lp_entry e;
	struct tm tm;

	/* Within the year: this year. */
	CU_ASSERT_EQUAL(listparse_list_line(
	    "-rw-r--r-- 1 u g 5 Nov 25 14:59 a", NOW, &e), 1);
	gmtime_r(&e.mtime, &tm);
	CU_ASSERT_EQUAL(tm.tm_year, 126);
	CU_ASSERT_EQUAL(tm.tm_hour, 14);
	CU_ASSERT_EQUAL(tm.tm_min, 59);
	/* A month ahead of now cannot be this year: it was last year. */
	CU_ASSERT_EQUAL(listparse_list_line(
	    "-rw-r--r-- 1 u g 5 Dec 31 23:00 b", NOW, &e), 1);
	gmtime_r(&e.mtime, &tm);
	CU_ASSERT_EQUAL(tm.tm_year, 125);
	/* With a year. */
	CU_ASSERT_EQUAL(listparse_list_line(
	    "-rw-r--r-- 1 u g 5 Mar  1  1999 c", NOW, &e), 1);
	gmtime_r(&e.mtime, &tm);
	CU_ASSERT_EQUAL(tm.tm_year, 99);
	CU_ASSERT_EQUAL(tm.tm_mon, 2);
	CU_ASSERT_EQUAL(e.mode, 0644);
}

static void
test_windows_times(void)
{
	struct lp_entry e;
	struct tm tm;

	CU_ASSERT_EQUAL(listparse_list_line(
	    "11-25-26  03:04PM                 1234 r.txt", NOW, &e), 1);
	gmtime_r(&e.mtime, &tm);
	CU_ASSERT_EQUAL(tm.tm_year, 126);
	CU_ASSERT_EQUAL(tm.tm_hour, 15);
	CU_ASSERT_EQUAL(tm.tm_min, 4);
	CU_ASSERT_EQUAL(listparse_list_line(
	    "11-25-26  12:30AM       <DIR>          d", NOW, &e), 1);
	gmtime_r(&e.mtime, &tm);
	CU_ASSERT_EQUAL(tm.tm_hour, 0);
	CU_ASSERT_EQUAL(e.type, LP_DIR);
}

static void
test_mlsd_facts(void)
{
	struct lp_entry e;
	struct tm tm;

	CU_ASSERT_EQUAL(listparse_mlsd_line(
	    "type=file;size=7;modify=20260102030405;UNIX.mode=0640; x y", &e), 1);
	CU_ASSERT_STRING_EQUAL(e.name, "x y");
	CU_ASSERT_EQUAL(e.size, 7);
	CU_ASSERT_EQUAL(e.mode, 0640);
	gmtime_r(&e.mtime, &tm);
	CU_ASSERT_EQUAL(tm.tm_year, 126);
	CU_ASSERT_EQUAL(tm.tm_sec, 5);
	CU_ASSERT_EQUAL(listparse_mlsd_line("type=cdir; /x", &e), 0);
	CU_ASSERT_EQUAL(listparse_mlsd_line("no facts here", &e), -1);
	CU_ASSERT_EQUAL(listparse_mlsd_line("type=file;", &e), -1);
}

static void
test_garbage(void)
{
	struct lp_entry e;
	struct lp_list l = { NULL, 0, 0 };
	char big[3000];

	CU_ASSERT_EQUAL(listparse_list_line("total 0", NOW, &e), 0);
	CU_ASSERT_EQUAL(listparse_list_line("", NOW, &e), 0);
	CU_ASSERT_EQUAL(listparse_list_line("hello world", NOW, &e), -1);
	CU_ASSERT_EQUAL(listparse_list_line("-rw-r--r-- 1 u g 5 Nov 25 14:59", NOW, &e), -1);
	CU_ASSERT_EQUAL(listparse_list_line("99-99-99  03:04PM 1 x", NOW, &e), -1);
	CU_ASSERT_EQUAL(listparse_list_line("+nofacts", NOW, &e), -1);
	/* A name longer than an entry holds is refused, not cut. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "-rw-r--r-- 1 u g 5 Nov 25 14:59 ", 32);
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_EQUAL(listparse_list_line(big, NOW, &e), -1);
	/* "." and ".." never come out of a whole listing. */
	CU_ASSERT_EQUAL(listparse_buffer(
	    "drwx------ 1 u g 0 Nov 25 14:59 .\n"
	    "drwx------ 1 u g 0 Nov 25 14:59 ..\n"
	    "-rw------- 1 u g 1 Nov 25 14:59 f\n", 0, NOW, &l), 0);
	CU_ASSERT_EQUAL(l.n, 1);
	CU_ASSERT_PTR_NOT_NULL(listparse_find(&l, "f"));
	CU_ASSERT_PTR_NULL(listparse_find(&l, "g"));
	listparse_free(&l);
}

void
suite_register(void)
{
	ADD_SUITE("listparse_fixtures", NULL, NULL, TEST(test_vsftpd),
	    TEST(test_proftpd), TEST(test_nogroup), TEST(test_windows),
	    TEST(test_netware), TEST(test_eplf), TEST(test_mlsd_fixture));
	ADD_SUITE("listparse_lines", NULL, NULL, TEST(test_unix_dates),
	    TEST(test_windows_times), TEST(test_mlsd_facts), TEST(test_garbage));
}
