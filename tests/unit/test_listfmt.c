/*
 * test_listfmt.c: LIST and MLSD lines, MLST fact masks and glob matching.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "listfmt.h"

/* 2023-11-14 22:13:20 UTC: every listing below is made "now". */
#define NOW ((time_t)1700000000)
/* 2023-11-14 19:26:40 UTC, a few hours before NOW. */
#define RECENT ((time_t)1699990000)
/* 2020-09-13 12:26:40 UTC, years before NOW. */
#define OLD ((time_t)1600000000)
#define SIX_MONTHS ((time_t)182 * 24 * 3600)

static struct stat
make_stat(mode_t mode, nlink_t nlink, off_t size, time_t mtime)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_nlink = nlink;
	st.st_size = size;
	st.st_mtime = mtime;
	st.st_dev = 0x801;
	st.st_ino = 0x1234;
	return st;
}

/* Formats one ls -l line for st into a fresh buffer and compares. */
static void
check_unix(const struct stat *st, const char *name, const char *target,
    time_t now, const char *want)
{
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_unix(&b, st, name, target, "alice", "staff",
	    now), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), want);
	buf_free(&b);
}

static void
check_mlsd(const struct stat *st, const char *name, unsigned facts,
    int writable, int cdir, const char *want)
{
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_mlsd(&b, st, name, facts, writable, cdir), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), want);
	buf_free(&b);
}

static void
test_unix_file(void)
{
	struct stat st = make_stat(S_IFREG | 0644, 1, 1234, RECENT);

	check_unix(&st, "notes.txt", NULL, NOW,
	    "-rw-r--r--   1 alice    staff            1234 Nov 14 19:26 "
	    "notes.txt\r\n");
}

static void
test_unix_dir_old(void)
{
	struct stat st = make_stat(S_IFDIR | 0755, 3, 4096, OLD);

	check_unix(&st, "pub", NULL, NOW,
	    "drwxr-xr-x   3 alice    staff            4096 Sep 13  2020 "
	    "pub\r\n");
}

static void
test_unix_symlink(void)
{
	struct stat st = make_stat(S_IFLNK | 0777, 1, 10, RECENT);

	check_unix(&st, "latest", "notes.txt", NOW,
	    "lrwxrwxrwx   1 alice    staff              10 Nov 14 19:26 "
	    "latest -> notes.txt\r\n");
}

static void
test_unix_wide_fields(void)
{
	struct stat st = make_stat(S_IFREG | 0600, 12, 123456789012345LL,
	    (time_t)1685952000);	/* 2023-06-05 08:00:00 UTC */
	struct buf b;

	/* Long names push columns right; a one-digit day is padded. */
	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_unix(&b, &st, "x", NULL, "averylongname",
	    "grp", NOW), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "-rw-------  12 averylongname grp      123456789012345 "
	    "Jun  5 08:00 x\r\n");
	buf_free(&b);
}

static void
test_unix_six_month_boundary(void)
{
	struct stat st = make_stat(S_IFREG | 0644, 1, 0, NOW - SIX_MONTHS + 1);

	/* Just inside six months: the time. Just outside: the year. */
	check_unix(&st, "f", NULL, NOW,
	    "-rw-r--r--   1 alice    staff               0 May 16 22:13 f\r\n");
	st.st_mtime = NOW - SIX_MONTHS;
	check_unix(&st, "f", NULL, NOW,
	    "-rw-r--r--   1 alice    staff               0 May 16  2023 f\r\n");
	/* Slightly in the future (clock skew) still shows the time... */
	st.st_mtime = NOW + 3600;
	check_unix(&st, "f", NULL, NOW,
	    "-rw-r--r--   1 alice    staff               0 Nov 14 23:13 f\r\n");
	/* ...but further in the future shows the year. */
	st.st_mtime = NOW + 3601;
	check_unix(&st, "f", NULL, NOW,
	    "-rw-r--r--   1 alice    staff               0 Nov 14  2023 f\r\n");
	st.st_mtime = 0;
	check_unix(&st, "f", NULL, NOW,
	    "-rw-r--r--   1 alice    staff               0 Jan  1  1970 f\r\n");
}

static void
test_unix_mode_bits(void)
{
	static const struct {
		mode_t mode;
		const char *want;
	} cases[] = {
		{ S_IFREG | 04755, "-rwsr-xr-x" },
		{ S_IFREG | 04644, "-rwSr--r--" },
		{ S_IFREG | 02755, "-rwxr-sr-x" },
		{ S_IFREG | 02644, "-rw-r-Sr--" },
		{ S_IFDIR | 01777, "drwxrwxrwt" },
		{ S_IFDIR | 01770, "drwxrwx--T" },
		{ S_IFREG | 0, "----------" },
		{ S_IFREG | 0777, "-rwxrwxrwx" },
		{ S_IFREG | 0421, "-r---w---x" },
		{ S_IFCHR | 0666, "crw-rw-rw-" },
		{ S_IFBLK | 0660, "brw-rw----" },
		{ S_IFIFO | 0644, "prw-r--r--" },
		{ S_IFSOCK | 0755, "srwxr-xr-x" },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct stat st = make_stat(cases[i].mode, 1, 0, RECENT);
		struct buf b;

		buf_init(&b, 4096);
		CU_ASSERT_EQUAL(listfmt_unix(&b, &st, "n", NULL, "o", "g",
		    NOW), 0);
		CU_ASSERT_EQUAL(strncmp(buf_cstr(&b), cases[i].want, 10), 0);
		CU_ASSERT_EQUAL(buf_cstr(&b)[10], ' ');
		buf_free(&b);
	}
}

static void
test_unix_appends_and_cap(void)
{
	struct stat st = make_stat(S_IFLNK | 0777, 1, 10, RECENT);
	struct buf b;
	size_t one;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_unix(&b, &st, "a", "t", "o", "g", NOW), 0);
	one = b.len;
	CU_ASSERT_EQUAL(listfmt_unix(&b, &st, "a", "t", "o", "g", NOW), 0);
	CU_ASSERT_EQUAL(b.len, 2 * one);
	CU_ASSERT_EQUAL(memcmp(b.data, b.data + one, one), 0);
	buf_free(&b);

	/*
	 * A line that does not fit, whichever part overflows (the main
	 * part, the link target, the CRLF), leaves the buffer as it was.
	 */
	buf_init(&b, one + 4);
	CU_ASSERT_EQUAL(buf_puts(&b, "head"), 0);
	CU_ASSERT_EQUAL(listfmt_unix(&b, &st, "a", "t", "o", "g", NOW), 0);
	CU_ASSERT_EQUAL(b.len, one + 4);
	buf_free(&b);
	{
		size_t cut;

		for (cut = 0; cut < one; cut++) {
			buf_init(&b, 4 + cut);
			CU_ASSERT_EQUAL(buf_puts(&b, "head"), 0);
			CU_ASSERT_EQUAL(listfmt_unix(&b, &st, "a", "t", "o",
			    "g", NOW), -1);
			CU_ASSERT_EQUAL(b.len, 4);
			CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "head");
			buf_free(&b);
		}
	}
}

static void
test_mlsd_file(void)
{
	struct stat st = make_stat(S_IFREG | 0644, 1, 1234, RECENT);

	check_mlsd(&st, "notes.txt", FACT_ALL, 1, 0,
	    "type=file;size=1234;modify=20231114192640;perm=radfw;"
	    "unique=801g1234;UNIX.mode=0644; notes.txt\r\n");
	check_mlsd(&st, "notes.txt", FACT_ALL, 0, 0,
	    "type=file;size=1234;modify=20231114192640;perm=r;"
	    "unique=801g1234;UNIX.mode=0644; notes.txt\r\n");
	/* A name with spaces is kept whole after the single space. */
	check_mlsd(&st, "my file.txt", FACT_TYPE | FACT_SIZE, 1, 0,
	    "type=file;size=1234; my file.txt\r\n");
}

static void
test_mlsd_dir_no_size(void)
{
	struct stat st = make_stat(S_IFDIR | 0755, 2, 4096, OLD);

	check_mlsd(&st, "pub", FACT_ALL, 1, 0,
	    "type=dir;modify=20200913122640;perm=elcmpdf;"
	    "unique=801g1234;UNIX.mode=0755; pub\r\n");
	check_mlsd(&st, "pub", FACT_ALL, 0, 0,
	    "type=dir;modify=20200913122640;perm=el;"
	    "unique=801g1234;UNIX.mode=0755; pub\r\n");
	check_mlsd(&st, "pub", FACT_SIZE, 1, 0, " pub\r\n");
}

static void
test_mlsd_cdir(void)
{
	struct stat st = make_stat(S_IFDIR | 0750, 2, 4096, OLD);

	check_mlsd(&st, ".", FACT_ALL, 1, 1,
	    "type=cdir;modify=20200913122640;perm=elcmp;"
	    "unique=801g1234;UNIX.mode=0750; .\r\n");
	check_mlsd(&st, ".", FACT_ALL, 0, 1,
	    "type=cdir;modify=20200913122640;perm=el;"
	    "unique=801g1234;UNIX.mode=0750; .\r\n");
}

static void
test_facts_other_types(void)
{
	struct stat st = make_stat(S_IFLNK | 0777, 1, 5, OLD);
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_facts(&b, &st, FACT_TYPE | FACT_SIZE, 0, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "type=OS.unix=symlink;size=5;");
	buf_reset(&b);
	st = make_stat(S_IFIFO | 0600, 1, 0, OLD);
	CU_ASSERT_EQUAL(listfmt_facts(&b, &st, FACT_TYPE, 0, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "type=OS.unix=special;");
	buf_free(&b);
}

static void
test_facts_masks(void)
{
	struct stat st = make_stat(S_IFREG | 04755, 1, 0, OLD);
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_facts(&b, &st, 0, 1, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	CU_ASSERT_EQUAL(listfmt_facts(&b, &st, FACT_SIZE, 1, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "size=0;");
	buf_reset(&b);
	CU_ASSERT_EQUAL(listfmt_facts(&b, &st, FACT_MODIFY | FACT_UNIX_MODE,
	    1, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "modify=20200913122640;UNIX.mode=04755;");
	buf_reset(&b);
	CU_ASSERT_EQUAL(listfmt_facts(&b, &st, FACT_PERM | FACT_UNIQUE, 0, 0),
	    0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "perm=r;unique=801g1234;");
	buf_free(&b);
}

static void
test_facts_cap(void)
{
	struct stat st = make_stat(S_IFREG | 0644, 1, 1234, RECENT);
	size_t full, cut;
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL_FATAL(listfmt_mlsd(&b, &st, "notes.txt", FACT_ALL, 1,
	    0), 0);
	full = b.len;
	buf_free(&b);
	/* Whatever fact overflows, the buffer is left exactly as it was. */
	for (cut = 0; cut < full; cut++) {
		buf_init(&b, 3 + cut);
		CU_ASSERT_EQUAL(buf_puts(&b, "pre"), 0);
		CU_ASSERT_EQUAL(listfmt_mlsd(&b, &st, "notes.txt", FACT_ALL,
		    1, 0), -1);
		CU_ASSERT_EQUAL(b.len, 3);
		CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "pre");
		buf_reset(&b);
		CU_ASSERT_EQUAL(buf_puts(&b, "pre"), 0);
		if (cut < full - 2 - strlen(" notes.txt")) {
			CU_ASSERT_EQUAL(listfmt_facts(&b, &st, FACT_ALL, 1, 0),
			    -1);
			CU_ASSERT_EQUAL(b.len, 3);
			CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "pre");
		}
		buf_free(&b);
	}
}

static void
test_facts_feat(void)
{
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_facts_feat(&b, FACT_ALL), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "type*;size*;modify*;perm*;unique*;UNIX.mode*;");
	buf_reset(&b);
	CU_ASSERT_EQUAL(listfmt_facts_feat(&b, FACT_TYPE | FACT_MODIFY), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "type*;size;modify*;perm;unique;UNIX.mode;");
	buf_reset(&b);
	CU_ASSERT_EQUAL(listfmt_facts_feat(&b, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "type;size;modify;perm;unique;UNIX.mode;");
	buf_free(&b);
}

static void
test_facts_names(void)
{
	struct buf b;

	buf_init(&b, 4096);
	CU_ASSERT_EQUAL(listfmt_facts_names(&b, FACT_ALL), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b),
	    "type;size;modify;perm;unique;UNIX.mode;");
	buf_reset(&b);
	CU_ASSERT_EQUAL(listfmt_facts_names(&b, FACT_SIZE | FACT_UNIX_MODE),
	    0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "size;UNIX.mode;");
	buf_reset(&b);
	CU_ASSERT_EQUAL(listfmt_facts_names(&b, 0), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&b), "");
	buf_free(&b);
}

static void
test_parse_facts(void)
{
	CU_ASSERT_EQUAL(listfmt_parse_facts(""), 0);
	CU_ASSERT_EQUAL(listfmt_parse_facts("type;"), FACT_TYPE);
	CU_ASSERT_EQUAL(listfmt_parse_facts("type"), FACT_TYPE);
	CU_ASSERT_EQUAL(listfmt_parse_facts("type;size;modify;perm;unique;"
	    "UNIX.mode;"), FACT_ALL);
	/* Case does not matter. */
	CU_ASSERT_EQUAL(listfmt_parse_facts("TYPE;Size;unix.MODE;"),
	    FACT_TYPE | FACT_SIZE | FACT_UNIX_MODE);
	CU_ASSERT_EQUAL(listfmt_parse_facts("MoDiFy"), FACT_MODIFY);
	/* Unknown facts are ignored, and so are empty ones. */
	CU_ASSERT_EQUAL(listfmt_parse_facts("media-type;charset;size;"),
	    FACT_SIZE);
	CU_ASSERT_EQUAL(listfmt_parse_facts(";;perm;;unique"),
	    FACT_PERM | FACT_UNIQUE);
	CU_ASSERT_EQUAL(listfmt_parse_facts("bogus"), 0);
	/* Only whole names count: no prefixes, no suffixes. */
	CU_ASSERT_EQUAL(listfmt_parse_facts("typ;sizes;unix;mode;"), 0);
	/* Round trip through the names form. */
	{
		struct buf b;

		buf_init(&b, 4096);
		CU_ASSERT_EQUAL(listfmt_facts_names(&b, FACT_PERM |
		    FACT_MODIFY | FACT_UNIX_MODE), 0);
		CU_ASSERT_EQUAL(listfmt_parse_facts(buf_cstr(&b)),
		    FACT_PERM | FACT_MODIFY | FACT_UNIX_MODE);
		buf_free(&b);
	}
}

static void
test_has_glob(void)
{
	CU_ASSERT_TRUE(listfmt_has_glob("*.txt"));
	CU_ASSERT_TRUE(listfmt_has_glob("a?c"));
	CU_ASSERT_TRUE(listfmt_has_glob("[ab]"));
	CU_ASSERT_FALSE(listfmt_has_glob("plain.txt"));
	CU_ASSERT_FALSE(listfmt_has_glob(""));
	CU_ASSERT_FALSE(listfmt_has_glob("-la"));
}

static void
test_glob_star_question(void)
{
	CU_ASSERT_TRUE(listfmt_glob_match("*", "anything"));
	CU_ASSERT_TRUE(listfmt_glob_match("*", ""));
	CU_ASSERT_TRUE(listfmt_glob_match("", ""));
	CU_ASSERT_FALSE(listfmt_glob_match("", "a"));
	CU_ASSERT_TRUE(listfmt_glob_match("*.txt", "a.txt"));
	CU_ASSERT_TRUE(listfmt_glob_match("*.txt", ".txt.txt") == 0);
	CU_ASSERT_TRUE(listfmt_glob_match("*.txt", "x.txt.txt"));
	CU_ASSERT_FALSE(listfmt_glob_match("*.txt", "a.txt.bak"));
	CU_ASSERT_FALSE(listfmt_glob_match("*.txt", "a.TXT"));
	CU_ASSERT_TRUE(listfmt_glob_match("a*b*c", "abc"));
	CU_ASSERT_TRUE(listfmt_glob_match("a*b*c", "aXXbYYc"));
	CU_ASSERT_FALSE(listfmt_glob_match("a*b*c", "aXXbYY"));
	CU_ASSERT_TRUE(listfmt_glob_match("a**b", "ab"));
	CU_ASSERT_TRUE(listfmt_glob_match("*a", "banana"));
	CU_ASSERT_FALSE(listfmt_glob_match("*a", "bananas"));
	CU_ASSERT_TRUE(listfmt_glob_match("?", "a"));
	CU_ASSERT_FALSE(listfmt_glob_match("?", ""));
	CU_ASSERT_FALSE(listfmt_glob_match("?", "ab"));
	CU_ASSERT_TRUE(listfmt_glob_match("??.c", "ab.c"));
	CU_ASSERT_FALSE(listfmt_glob_match("??.c", "a.c"));
	CU_ASSERT_TRUE(listfmt_glob_match("*?", "x"));
	CU_ASSERT_FALSE(listfmt_glob_match("*??", "x"));
	CU_ASSERT_TRUE(listfmt_glob_match("exact", "exact"));
	CU_ASSERT_FALSE(listfmt_glob_match("exact", "exactly"));
	CU_ASSERT_FALSE(listfmt_glob_match("exactly", "exact"));
	CU_ASSERT_TRUE(listfmt_glob_match("my *", "my file"));
}

static void
test_glob_classes(void)
{
	CU_ASSERT_TRUE(listfmt_glob_match("[a-c]at", "bat"));
	CU_ASSERT_TRUE(listfmt_glob_match("[a-c]at", "aat"));
	CU_ASSERT_TRUE(listfmt_glob_match("[a-c]at", "cat"));
	CU_ASSERT_FALSE(listfmt_glob_match("[a-c]at", "dat"));
	CU_ASSERT_FALSE(listfmt_glob_match("[a-c]at", "at"));
	CU_ASSERT_TRUE(listfmt_glob_match("[xyz]", "y"));
	CU_ASSERT_FALSE(listfmt_glob_match("[xyz]", "w"));
	CU_ASSERT_TRUE(listfmt_glob_match("[!x]y", "ay"));
	CU_ASSERT_FALSE(listfmt_glob_match("[!x]y", "xy"));
	CU_ASSERT_TRUE(listfmt_glob_match("[^x]y", "ay"));
	CU_ASSERT_FALSE(listfmt_glob_match("[^x]y", "xy"));
	CU_ASSERT_FALSE(listfmt_glob_match("[!a-z]", "q"));
	CU_ASSERT_TRUE(listfmt_glob_match("[!a-z]", "Q"));
	CU_ASSERT_TRUE(listfmt_glob_match("file[0-9][0-9].log",
	    "file42.log"));
	CU_ASSERT_FALSE(listfmt_glob_match("file[0-9][0-9].log",
	    "file4x.log"));
	CU_ASSERT_TRUE(listfmt_glob_match("*[0-9]", "v10"));
	CU_ASSERT_FALSE(listfmt_glob_match("*[0-9]", "v1x"));
	/* ']' first in a class is a member; '-' at the end is literal. */
	CU_ASSERT_TRUE(listfmt_glob_match("[]]", "]"));
	CU_ASSERT_TRUE(listfmt_glob_match("[!]]", "a"));
	CU_ASSERT_FALSE(listfmt_glob_match("[!]]", "]"));
	CU_ASSERT_TRUE(listfmt_glob_match("[a-]", "-"));
	CU_ASSERT_TRUE(listfmt_glob_match("[a-]", "a"));
	CU_ASSERT_FALSE(listfmt_glob_match("[a-]", "b"));
	/* An unterminated class is a literal '['. */
	CU_ASSERT_TRUE(listfmt_glob_match("a[b", "a[b"));
	CU_ASSERT_FALSE(listfmt_glob_match("a[b", "ab"));
	CU_ASSERT_TRUE(listfmt_glob_match("[", "["));
	CU_ASSERT_TRUE(listfmt_glob_match("x[!", "x[!"));
	/* High bytes (UTF-8) compare as bytes. */
	CU_ASSERT_TRUE(listfmt_glob_match("r?sum?", "r\xe9sum\xe9"));
	CU_ASSERT_TRUE(listfmt_glob_match("*\xc3\xa9", "caf\xc3\xa9"));
	CU_ASSERT_TRUE(listfmt_glob_match("[\x80-\xff]x", "\xe9x"));
}

static void
test_glob_dotfiles(void)
{
	CU_ASSERT_FALSE(listfmt_glob_match("*", ".profile"));
	CU_ASSERT_FALSE(listfmt_glob_match("?profile", ".profile"));
	CU_ASSERT_FALSE(listfmt_glob_match("[.]profile", ".profile"));
	CU_ASSERT_FALSE(listfmt_glob_match("*profile", ".profile"));
	CU_ASSERT_TRUE(listfmt_glob_match(".*", ".profile"));
	CU_ASSERT_TRUE(listfmt_glob_match(".p*", ".profile"));
	CU_ASSERT_TRUE(listfmt_glob_match(".profile", ".profile"));
	CU_ASSERT_TRUE(listfmt_glob_match(".*", ".."));
	/* A dot later in the name is ordinary. */
	CU_ASSERT_TRUE(listfmt_glob_match("*", "a.b"));
	CU_ASSERT_TRUE(listfmt_glob_match("a?b", "a.b"));
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
test_glob_hostile(void)
{
	static const char *const patterns[] = {
		"*a*a*a*a*a*a*a*a*a*a*a*a*b",
		"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*[b]",
		"*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*b",
		"*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[a]*[!a]",
	};
	struct timespec t0;
	size_t n = 10000, i;
	char *name;
	double took;

	name = malloc(n + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(name);
	memset(name, 'a', n);
	name[n] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < ARRAY_LEN(patterns); i++)
		CU_ASSERT_FALSE(listfmt_glob_match(patterns[i], name));
	/* The same patterns do match once the 'b' is there. */
	name[n] = 'b';
	name[n + 1] = '\0';
	for (i = 0; i < ARRAY_LEN(patterns); i++)
		CU_ASSERT_TRUE(listfmt_glob_match(patterns[i], name));
	took = seconds_since(&t0);
	/* Exponential backtracking would take far longer than this. */
	CU_ASSERT(took < 0.5);
	if (took >= 0.5)
		fprintf(stderr, "\n  hostile globs took %.2f s\n", took);
	free(name);
}

void
suite_register(void)
{
	ADD_SUITE("listfmt", NULL, NULL,
	    TEST(test_unix_file),
	    TEST(test_unix_dir_old),
	    TEST(test_unix_symlink),
	    TEST(test_unix_wide_fields),
	    TEST(test_unix_six_month_boundary),
	    TEST(test_unix_mode_bits),
	    TEST(test_unix_appends_and_cap),
	    TEST(test_mlsd_file),
	    TEST(test_mlsd_dir_no_size),
	    TEST(test_mlsd_cdir),
	    TEST(test_facts_other_types),
	    TEST(test_facts_masks),
	    TEST(test_facts_cap),
	    TEST(test_facts_feat),
	    TEST(test_facts_names),
	    TEST(test_parse_facts),
	    TEST(test_has_glob),
	    TEST(test_glob_star_question),
	    TEST(test_glob_classes),
	    TEST(test_glob_dotfiles),
	    TEST(test_glob_hostile));
}
