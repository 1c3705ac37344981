/*
 * test_curl_cmds.c: the real ftpd driven by libcurl, part two: the
 * commands that are not transfers. Informational ones (NOOP, SYST, FEAT,
 * OPTS, HELP, STAT, SITE), transfer parameters (TYPE, MODE, STRU, ALLO),
 * the directory tree (PWD, CWD, CDUP and the X forms, MKD, RMD, DELE,
 * RNFR/RNTO, SITE CHMOD, SIZE, MDTM, MFMT) and listings (LIST, NLST, MLSD,
 * MLST, STAT path), each checked by its exact replies and on disk.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "curlreq.h"
#include "harness.h"
#include "testutil.h"

static struct server srv;

static int init_main(void) { return harness_suite_start(&srv, NULL, NULL); }
static int clean_main(void) { return harness_suite_stop(&srv); }

/* 2020-01-02 03:04:05 UTC: older than six months, so LIST shows the year. */
#define OLD_TIME ((time_t)1577934245)

static const char *
abspath(const char *rel, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", srv.root, rel);
	return out;
}

static int
stat_rel(const char *rel, struct stat *st)
{
	char path[HARNESS_PATH_MAX * 2];

	return lstat(abspath(rel, path, sizeof(path)), st);
}

/* Sets a root-relative path's mode and modification time. */
static void
set_meta(const char *rel, mode_t mode, time_t mtime)
{
	char path[HARNESS_PATH_MAX * 2];
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };

	abspath(rel, path, sizeof(path));
	CU_ASSERT_FATAL(chmod(path, mode) == 0);
	CU_ASSERT_FATAL(utimensat(AT_FDCWD, path, ts, 0) == 0);
}

/* Sends commands as user (NULL-terminated list); curl must succeed. */
#define QUOTE_ONLY(r, user, ...)                                            \
	CU_ASSERT_EQUAL(curlreq_commands(&srv, user, r, __VA_ARGS__, NULL),  \
	    CURLE_OK)

/* ---- information and parameters ---- */

static void
test_noop_syst(void)
{
	char text[256];
	struct curlreq r;

	QUOTE_ONLY(&r, "alice", "NOOP", "SYST", "noop");
	CU_ASSERT_EQUAL(curlreq_code(&r, "NOOP"), 200);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SYST", 0, text, sizeof(text)), 215);
	CU_ASSERT_STRING_EQUAL(text, "215 UNIX Type: L8");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "NOOP", 1, NULL, 0), 200);
	curlreq_done(&r);
}

static void
test_feat(void)
{
	static const char *const lines[] = {
		"211-Features:", " EPRT", " EPSV", " MDTM", " MFMT",
		" MLST type*;size*;modify*;perm*;unique*;UNIX.mode*;", " PASV",
		" REST STREAM", " SIZE", " TVFS", " UTF8", "211 End",
	};
	struct curlreq r;
	size_t i;

	QUOTE_ONLY(&r, "alice", "FEAT");
	CU_ASSERT_EQUAL(curlreq_code(&r, "FEAT"), 211);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CU_ASSERT(curlreq_line(&r, lines[i]));
	curlreq_done(&r);
}

static void
test_opts(void)
{
	char want[256];
	struct curlreq r;
	struct stat st;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/opts.txt", "abcd", 4) == 0);
	CU_ASSERT_FATAL(stat_rel("alice/opts.txt", &st) == 0);
	QUOTE_ONLY(&r, "alice", "OPTS UTF8 ON", "OPTS MLST type;size;UNIX.mode;",
	    "MLST opts.txt", "FEAT", "*OPTS UTF8 MAYBE", "*OPTS NOSUCH",
	    "OPTS MLST Size;Type;bogus;", "MLST opts.txt");
	CU_ASSERT_EQUAL(curlreq_code(&r, "OPTS UTF8"), 200);
	CU_ASSERT(curlreq_line(&r, "200 MLST OPTS type;size;UNIX.mode;"));
	snprintf(want, sizeof(want), " type=file;size=4;UNIX.mode=0%o; /opts.txt",
	    (unsigned)(st.st_mode & 07777));
	CU_ASSERT(curlreq_line(&r, want));
	/* FEAT marks the enabled facts with '*'. */
	CU_ASSERT(curlreq_line(&r,
	    " MLST type*;size*;modify;perm;unique;UNIX.mode*;"));
	CU_ASSERT_EQUAL(curlreq_reply(&r, "OPTS", 2, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "OPTS", 3, NULL, 0), 501);
	/* Fact names are case-insensitive; unknown ones are ignored. */
	CU_ASSERT(curlreq_line(&r, "200 MLST OPTS type;size;"));
	CU_ASSERT(curlreq_line(&r, " type=file;size=4; /opts.txt"));
	curlreq_done(&r);
}

static void
test_help_site_help(void)
{
	char text[256];
	struct curlreq r;

	QUOTE_ONLY(&r, "alice", "HELP", "HELP retr", "*HELP ACCT", "*HELP XYZ",
	    "SITE HELP", "*SITE NOSUCH", "*SITE");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "HELP", 0, text, sizeof(text)), 214);
	CU_ASSERT(strncmp(text, "214-", 4) == 0);
	/* Words anywhere in the columns (the last of a line has no blank). */
	CU_ASSERT(curlreq_saw(&r, " RETR"));
	CU_ASSERT(curlreq_saw(&r, " MLSD"));
	CU_ASSERT(curlreq_saw(&r, " HASH"));
	CU_ASSERT(curlreq_saw(&r, " XSHA256"));
	CU_ASSERT(curlreq_line(&r, "214 Help OK."));
	CU_ASSERT_EQUAL(curlreq_reply(&r, "HELP", 1, text, sizeof(text)), 214);
	CU_ASSERT_STRING_EQUAL(text, "214 Syntax: RETR <sp> path");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "HELP", 2, NULL, 0), 502);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "HELP", 3, NULL, 0), 502);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 0, NULL, 0), 214);
	CU_ASSERT(curlreq_line(&r, " CHMOD HELP"));
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 1, NULL, 0), 500);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 2, NULL, 0), 501);
	curlreq_done(&r);
}

static void
test_stat_server(void)
{
	char text[256];
	struct curlreq r;

	QUOTE_ONLY(&r, "alice", "TYPE A", "STAT", "TYPE I");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "STAT", 0, text, sizeof(text)), 211);
	CU_ASSERT_STRING_EQUAL(text, "211-FTP server status:");
	CU_ASSERT(curlreq_line(&r, " Connected to 127.0.0.1"));
	CU_ASSERT(curlreq_line(&r, " Logged in as alice"));
	CU_ASSERT(curlreq_line(&r, " TYPE: ASCII, FORM: Nonprint; STRUcture: "
	    "File; transfer MODE: Stream"));
	CU_ASSERT(curlreq_line(&r, " No data connection"));
	CU_ASSERT(curlreq_line(&r, "211 End of status"));
	curlreq_done(&r);
}

static void
test_type_mode_stru_allo(void)
{
	static const struct curlreq_case cases[] = {
		{ "TYPE A", 200 }, { "TYPE A N", 200 }, { "TYPE I", 200 },
		{ "TYPE L 8", 200 }, { "type i", 200 }, { "TYPE E", 504 },
		{ "TYPE X", 504 }, { "TYPE", 501 },
		{ "MODE S", 200 }, { "MODE B", 504 }, { "MODE C", 504 },
		{ "STRU F", 200 }, { "STRU R", 504 }, { "STRU P", 504 },
		{ "ALLO 1000", 202 }, { "ALLO 1000 R 80", 202 }, { "ALLO", 501 },
	};

	curlreq_check_replies(&srv, "alice", cases,
	    sizeof(cases) / sizeof(cases[0]));
}

/* ---- the directory tree ---- */

static void
test_pwd_cwd_cdup(void)
{
	static const struct { const char *cmd; unsigned n; const char *reply; } want[] = {
		{ "PWD", 1, "257 \"/nav\" is the current directory" },
		{ "XPWD", 0, "257 \"/nav/sub\" is the current directory" },
		{ "PWD", 2, "257 \"/nav\" is the current directory" },
		{ "XPWD", 1, "257 \"/\" is the current directory" },
		{ "PWD", 3, "257 \"/nav/sub\" is the current directory" },
		{ "XPWD", 2, "257 \"/\" is the current directory" },
		{ "PWD", 4, "257 \"/nav/sub\" is the current directory" },
	};
	char text[256];
	struct curlreq r;
	size_t i;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/nav/sub/f.txt", "f", 1) == 0);
	QUOTE_ONLY(&r, "alice", "CWD nav", "PWD", "XCWD sub", "XPWD", "CDUP",
	    "PWD", "XCUP", "XPWD", "CWD /nav/sub", "PWD", "CWD", "XPWD",
	    "XCWD nav/./sub/../sub", "*CWD nosuch", "*CWD f.txt", "PWD");
	CU_ASSERT_EQUAL(curlreq_code(&r, "CDUP"), 250);
	CU_ASSERT_EQUAL(curlreq_code(&r, "XCUP"), 250);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CU_ASSERT_EQUAL(curlreq_reply(&r, want[i].cmd, want[i].n, text,
		    sizeof(text)), 257);
		CU_ASSERT_STRING_EQUAL(text, want[i].reply);
	}
	CU_ASSERT_EQUAL(curlreq_reply(&r, "CWD", 3, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "CWD", 4, text, sizeof(text)), 550);
	CU_ASSERT(strstr(text, "Not a directory") != NULL);
	curlreq_done(&r);
}

static void
test_mkd_rmd(void)
{
	char text[256];
	struct curlreq r;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/full/x.txt", "x", 1) == 0);
	QUOTE_ONLY(&r, "alice", "MKD newdir", "*MKD newdir", "XMKD newdir2",
	    "MKD newdir/inner", "MKD a\"b", "*MKD nosuch/deeper", "RMD newdir/inner",
	    "RMD newdir", "XRMD /newdir2", "*RMD newdir", "*RMD full",
	    "*RMD full/x.txt");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MKD", 0, text, sizeof(text)), 257);
	CU_ASSERT_STRING_EQUAL(text, "257 \"/newdir\" created");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MKD", 1, text, sizeof(text)), 550);
	CU_ASSERT(strstr(text, "File exists") != NULL);
	CU_ASSERT_EQUAL(curlreq_code(&r, "XMKD"), 257);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MKD", 2, text, sizeof(text)), 257);
	CU_ASSERT_STRING_EQUAL(text, "257 \"/newdir/inner\" created");
	/* RFC 959: a '"' in the name is doubled in the 257 reply. */
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MKD", 3, text, sizeof(text)), 257);
	CU_ASSERT_STRING_EQUAL(text, "257 \"/a\"\"b\" created");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MKD", 4, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RMD", 0, NULL, 0), 250);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RMD", 1, NULL, 0), 250);
	CU_ASSERT_EQUAL(curlreq_code(&r, "XRMD"), 250);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RMD", 2, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RMD", 3, text, sizeof(text)), 550);
	CU_ASSERT(strstr(text, "not empty") != NULL);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RMD", 4, NULL, 0), 550);
	curlreq_done(&r);
	CU_ASSERT(!harness_exists(&srv, "alice/newdir"));
	CU_ASSERT(!harness_exists(&srv, "alice/newdir2"));
	CU_ASSERT(harness_exists(&srv, "alice/a\"b"));
	CU_ASSERT(harness_exists(&srv, "alice/full/x.txt"));
}

static void
test_dele(void)
{
	struct curlreq r;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/gone.txt", "bye", 3) == 0);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/adir/keep", "k", 1) == 0);
	QUOTE_ONLY(&r, "alice", "DELE gone.txt", "*DELE gone.txt", "*DELE adir",
	    "*DELE /");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "DELE", 0, NULL, 0), 250);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "DELE", 1, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "DELE", 2, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "DELE", 3, NULL, 0), 550);
	curlreq_done(&r);
	CU_ASSERT(!harness_exists(&srv, "alice/gone.txt"));
	CU_ASSERT(harness_exists(&srv, "alice/adir/keep"));
}

static void
test_rnfr_rnto(void)
{
	unsigned char data[5000];
	struct curlreq r;

	harness_pattern(data, sizeof(data), 31);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/ren/from.bin", data,
	    sizeof(data)) == 0);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/ren/d1/f", "f", 1) == 0);
	QUOTE_ONLY(&r, "alice", "*RNTO nowhere", "CWD ren", "RNFR from.bin",
	    "RNTO to with space.bin", "RNFR d1", "MKD d2", "*RNTO d2/d1",
	    "RNFR d1", "RNTO d2/d1", "RNFR /ren/to with space.bin", "NOOP",
	    "*RNTO lost.bin", "*RNFR nosuch", "*RNTO lost.bin");
	/* RNTO without RNFR, and RNTO not right after RNFR: 503. */
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNTO", 0, NULL, 0), 503);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNFR", 0, NULL, 0), 350);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNTO", 1, NULL, 0), 250);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNFR", 1, NULL, 0), 350);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNTO", 2, NULL, 0), 503);	/* MKD between */
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNTO", 3, NULL, 0), 250);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNTO", 4, NULL, 0), 503);	/* NOOP between */
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNFR", 4, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNTO", 5, NULL, 0), 503);
	curlreq_done(&r);
	CU_ASSERT(!harness_exists(&srv, "alice/ren/from.bin"));
	CU_ASSERT(harness_file_equals(&srv, "alice/ren/to with space.bin", data,
	    sizeof(data)));
	CU_ASSERT(harness_exists(&srv, "alice/ren/d2/d1/f"));
	CU_ASSERT(!harness_exists(&srv, "alice/ren/lost.bin"));
}

static void
test_site_chmod(void)
{
	struct curlreq r;
	struct stat st;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/mode.txt", "m", 1) == 0);
	QUOTE_ONLY(&r, "alice", "SITE CHMOD 600 mode.txt", "site chmod 0751 mode.txt",
	    "*SITE CHMOD 999 mode.txt", "*SITE CHMOD 644", "*SITE CHMOD",
	    "*SITE CHMOD 644 nosuch.txt");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 0, NULL, 0), 200);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "site", 1, NULL, 0), 200);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 2, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 3, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 4, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SITE", 5, NULL, 0), 550);
	curlreq_done(&r);
	CU_ASSERT_FATAL(stat_rel("alice/mode.txt", &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0751);
}

static void
test_size_mdtm(void)
{
	/* 2021-03-04 05:06:07 UTC */
	const time_t when = 1614834367;
	unsigned char data[12345];
	char text[64];
	struct curlreq r;
	CURL *h;

	harness_pattern(data, sizeof(data), 41);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/sz/data.bin", data,
	    sizeof(data)) == 0);
	set_meta("alice/sz/data.bin", 0644, when);
	h = curlreq_open(&srv, "alice", "sz/data.bin", &r);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_FILETIME, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(r.length, (curl_off_t)sizeof(data));
	CU_ASSERT_EQUAL(r.filetime, (curl_off_t)when);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MDTM", 0, text, sizeof(text)), 213);
	CU_ASSERT_STRING_EQUAL(text, "213 20210304050607");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SIZE", 0, text, sizeof(text)), 213);
	CU_ASSERT_STRING_EQUAL(text, "213 12345");
	curlreq_done(&r);

	QUOTE_ONLY(&r, "alice", "*SIZE sz", "*SIZE nosuch", "*MDTM sz",
	    "*MDTM nosuch", "SIZE /sz/data.bin");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SIZE", 0, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SIZE", 1, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MDTM", 0, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MDTM", 1, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "SIZE", 2, text, sizeof(text)), 213);
	CU_ASSERT_STRING_EQUAL(text, "213 12345");
	curlreq_done(&r);
}

static void
test_mfmt(void)
{
	char text[128];
	struct curlreq r;
	struct stat st;
	CURL *h;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/mf.txt", "t", 1) == 0);
	QUOTE_ONLY(&r, "alice", "MFMT 20200102030405 mf.txt", "*MFMT 2020 mf.txt",
	    "*MFMT 20201302030405 mf.txt", "*MFMT 20200102030405",
	    "*MFMT 20200102030405 nosuch.txt");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MFMT", 0, text, sizeof(text)), 213);
	CU_ASSERT_STRING_EQUAL(text, "213 Modify=20200102030405; mf.txt");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MFMT", 1, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MFMT", 2, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MFMT", 3, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MFMT", 4, NULL, 0), 550);
	curlreq_done(&r);
	CU_ASSERT_FATAL(stat_rel("alice/mf.txt", &st) == 0);
	CU_ASSERT_EQUAL(st.st_mtime, OLD_TIME);

	/* MDTM reads back what MFMT set. */
	h = curlreq_open(&srv, "alice", "mf.txt", &r);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_FILETIME, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(r.filetime, (curl_off_t)OLD_TIME);
	curlreq_done(&r);
}

/* ---- listings ---- */

static const char *const ls_files[] = {
	"a.txt", "with space.txt", "ünïcødé ☕.txt",
	".hidden",
};

/* alice/ls: files of 1, 2, 3... bytes, a folder, all with known metadata. */
static void
make_listing_fixture(void)
{
	char rel[256];
	size_t i;

	for (i = 0; i < sizeof(ls_files) / sizeof(ls_files[0]); i++) {
		snprintf(rel, sizeof(rel), "alice/ls/%s", ls_files[i]);
		CU_ASSERT_FATAL(harness_write_file(&srv, rel, "12345", i + 1) == 0);
		set_meta(rel, 0644, OLD_TIME);
	}
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/ls/sub/x", "x", 1) == 0);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/ls/recent.txt", "r", 1) == 0);
	set_meta("alice/ls/recent.txt", 0600, time(NULL) - 120);
	set_meta("alice/ls/sub", 0755, OLD_TIME);
	set_meta("alice/ls", 0755, OLD_TIME);
}

/* Lists ls/ as user with the given command (CURLOPT_CUSTOMREQUEST). */
static CURLcode
list_ls(const char *user, const char *custom, struct curlreq *r)
{
	CURL *h = curlreq_open(&srv, user, "ls/", r);

	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, custom);
	return curlreq_run(h, r);
}

/* The LIST line that names name, or NULL; body lines end in LF here. */
static const char *
list_line(const char *body, const char *name, char *out, size_t outsz)
{
	const char *line, *nl;
	size_t n = strlen(name);

	for (line = body; *line != '\0'; line = nl + 1) {
		size_t len;

		if ((nl = strchr(line, '\n')) == NULL)
			return NULL;
		len = (size_t)(nl - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len > n && line[len - n - 1] == ' ' &&
		    memcmp(line + len - n, name, n) == 0) {
			snprintf(out, outsz, "%.*s", (int)len, line);
			return out;
		}
	}
	return NULL;
}

/* Checks an "ls -l" line the way clients parse it. */
static void
check_list_line(const char *line, const char *rel, const char *name)
{
	char mode[16], owner[32], group[32], mon[8], tod[8], want_tod[8];
	unsigned long links;
	long long size;
	int day, used = 0;
	struct stat st;
	struct tm tm;

	CU_ASSERT_FATAL(line != NULL);
	CU_ASSERT_FATAL(stat_rel(rel, &st) == 0);
	CU_ASSERT_EQUAL_FATAL(sscanf(line, "%15s %lu %31s %31s %lld %7s %d %7s %n",
	    mode, &links, owner, group, &size, mon, &day, tod, &used), 8);
	CU_ASSERT_STRING_EQUAL(line + used, name);
	CU_ASSERT_EQUAL(links, (unsigned long)st.st_nlink);
	CU_ASSERT_EQUAL(size, (long long)st.st_size);
	gmtime_r(&st.st_mtime, &tm);
	CU_ASSERT_EQUAL(day, tm.tm_mday);
	strftime(want_tod, sizeof(want_tod), st.st_mtime == OLD_TIME ? "%Y" :
	    "%H:%M", &tm);
	CU_ASSERT_STRING_EQUAL(tod, want_tod);
	strftime(want_tod, sizeof(want_tod), "%b", &tm);
	CU_ASSERT_STRING_EQUAL(mon, want_tod);
	CU_ASSERT_EQUAL(mode[0], S_ISDIR(st.st_mode) ? 'd' : '-');
	CU_ASSERT_STRING_EQUAL(mode + 1, (st.st_mode & 0777) == 0644 ? "rw-r--r--" :
	    (st.st_mode & 0777) == 0600 ? "rw-------" : "rwxr-xr-x");
}

static void
test_list(void)
{
	char line[512], rel[256];
	struct curlreq r;
	size_t i;
	CURL *h;

	make_listing_fixture();
	h = curlreq_open(&srv, "alice", "ls/", &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "LIST"), 150);
	for (i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), "alice/ls/%s", ls_files[i]);
		check_list_line(list_line(r.body, ls_files[i], line, sizeof(line)),
		    rel, ls_files[i]);
	}
	check_list_line(list_line(r.body, "recent.txt", line, sizeof(line)),
	    "alice/ls/recent.txt", "recent.txt");
	check_list_line(list_line(r.body, "sub", line, sizeof(line)),
	    "alice/ls/sub", "sub");
	CU_ASSERT(strstr(r.body, ".hidden") == NULL);
	curlreq_done(&r);

	/* "LIST -a" shows dot files; a pattern filters; a file lists itself. */
	CU_ASSERT_EQUAL(list_ls("alice", "LIST -a", &r), CURLE_OK);
	check_list_line(list_line(r.body, ".hidden", line, sizeof(line)),
	    "alice/ls/.hidden", ".hidden");
	curlreq_done(&r);
	CU_ASSERT_EQUAL(list_ls("alice", "LIST *.txt", &r), CURLE_OK);
	CU_ASSERT(list_line(r.body, "a.txt", line, sizeof(line)) != NULL);
	CU_ASSERT(list_line(r.body, "sub", line, sizeof(line)) == NULL);
	curlreq_done(&r);
	CU_ASSERT_EQUAL(list_ls("alice", "LIST with space.txt", &r), CURLE_OK);
	check_list_line(list_line(r.body, "with space.txt", line, sizeof(line)),
	    "alice/ls/with space.txt", "with space.txt");
	CU_ASSERT(strchr(r.body, '\n') == r.body + strlen(r.body) - 1);
	curlreq_done(&r);
	CU_ASSERT_NOT_EQUAL(list_ls("alice", "LIST nosuch", &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "LIST"), 550);
	curlreq_done(&r);
}

static void
test_nlst(void)
{
	char want[512];
	struct curlreq r;
	CURL *h;

	make_listing_fixture();
	/* Sorted by bytes, hidden files left out; curl turns CRLF into LF. */
	snprintf(want, sizeof(want), "a.txt\nrecent.txt\nsub\nwith space.txt\n%s\n",
	    ls_files[2]);
	h = curlreq_open(&srv, "alice", "ls/", &r);
	curl_easy_setopt(h, CURLOPT_DIRLISTONLY, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "NLST"), 150);
	CU_ASSERT_STRING_EQUAL(r.body, want);
	curlreq_done(&r);

	CU_ASSERT_EQUAL(list_ls("alice", "NLST -a", &r), CURLE_OK);
	CU_ASSERT(curlreq_body_line(&r, ".hidden"));
	curlreq_done(&r);
}

/* The MLSD/MLST facts expected for a root-relative path. */
static void
facts_for(const char *rel, const char *type, const char *perm, char *out,
    size_t outsz)
{
	char size[32] = "", modify[32];
	struct stat st;
	struct tm tm;

	CU_ASSERT_FATAL(stat_rel(rel, &st) == 0);
	if (S_ISREG(st.st_mode))
		snprintf(size, sizeof(size), "size=%jd;", (intmax_t)st.st_size);
	gmtime_r(&st.st_mtime, &tm);
	strftime(modify, sizeof(modify), "%Y%m%d%H%M%S", &tm);
	snprintf(out, outsz, "type=%s;%smodify=%s;perm=%s;unique=%jxg%jx;"
	    "UNIX.mode=0%o;", type, size, modify, perm, (uintmax_t)st.st_dev,
	    (uintmax_t)st.st_ino, (unsigned)(st.st_mode & 07777));
}

static void
test_mlsd(void)
{
	static const struct {
		const char *user, *home, *name, *type, *perm;
	} want[] = {
		{ "alice", "alice/ls", ".", "cdir", "elcmp" },
		{ "alice", "alice/ls", "a.txt", "file", "radfw" },
		{ "alice", "alice/ls", ".hidden", "file", "radfw" },
		{ "alice", "alice/ls", "sub", "dir", "elcmpdf" },
		{ "bob", "bob/ls", ".", "cdir", "el" },
		{ "bob", "bob/ls", "b.txt", "file", "r" },
		{ "bob", "bob/ls", "bsub", "dir", "el" },
	};
	char facts[512], line[1024], rel[256];
	struct curlreq r;
	size_t i;

	make_listing_fixture();
	CU_ASSERT_FATAL(harness_write_file(&srv, "bob/ls/b.txt", "bb", 2) == 0);
	CU_ASSERT_FATAL(harness_write_file(&srv, "bob/ls/bsub/y", "y", 1) == 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CU_ASSERT_EQUAL(list_ls(want[i].user, "MLSD", &r), CURLE_OK);
		CU_ASSERT_EQUAL(curlreq_code(&r, "MLSD"), 150);
		snprintf(rel, sizeof(rel), "%s/%s", want[i].home, want[i].name);
		facts_for(rel, want[i].type, want[i].perm, facts, sizeof(facts));
		snprintf(line, sizeof(line), "%s %s", facts, want[i].name);
		if (!curlreq_body_line(&r, line)) {
			printf("\nmissing MLSD line: %s\n", line);
			CU_FAIL("MLSD line");
		}
		curlreq_done(&r);
	}

	/* MLSD names a folder: a file is a 501. */
	CU_ASSERT_NOT_EQUAL(list_ls("alice", "MLSD a.txt", &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MLSD"), 501);
	curlreq_done(&r);
}

static void
test_mlst(void)
{
	char facts[512], line[1024];
	struct curlreq r;

	make_listing_fixture();
	QUOTE_ONLY(&r, "alice", "MLST ls/a.txt", "CWD ls", "MLST", "*MLST nosuch");
	facts_for("alice/ls/a.txt", "file", "radfw", facts, sizeof(facts));
	CU_ASSERT_EQUAL(curlreq_code(&r, "MLST"), 250);
	CU_ASSERT(curlreq_line(&r, "250-Listing /ls/a.txt"));
	snprintf(line, sizeof(line), " %s /ls/a.txt", facts);
	CU_ASSERT(curlreq_line(&r, line));
	CU_ASSERT(curlreq_line(&r, "250 End"));
	/* Without an argument: the current folder. */
	facts_for("alice/ls", "dir", "elcmpdf", facts, sizeof(facts));
	snprintf(line, sizeof(line), " %s /ls", facts);
	CU_ASSERT(curlreq_line(&r, line));
	CU_ASSERT_EQUAL(curlreq_reply(&r, "MLST", 2, NULL, 0), 550);
	curlreq_done(&r);
}

static void
test_stat_path(void)
{
	char line[512], want[520];
	struct curlreq list, r;
	CURL *h;

	make_listing_fixture();
	h = curlreq_open(&srv, "alice", "ls/", &list);
	CU_ASSERT_EQUAL(curlreq_run(h, &list), CURLE_OK);

	/* STAT path: the same ls -l lines over the control connection. */
	QUOTE_ONLY(&r, "alice", "STAT ls", "STAT ls/a.txt", "*STAT nosuch");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "STAT", 0, line, sizeof(line)), 213);
	CU_ASSERT_STRING_EQUAL(line, "213-Status of /ls:");
	CU_ASSERT_FATAL(list_line(list.body, "a.txt", line, sizeof(line)) != NULL);
	snprintf(want, sizeof(want), " %s", line);
	CU_ASSERT(curlreq_line(&r, want));
	CU_ASSERT_FATAL(list_line(list.body, "with space.txt", line,
	    sizeof(line)) != NULL);
	snprintf(want, sizeof(want), " %s", line);
	CU_ASSERT(curlreq_line(&r, want));
	CU_ASSERT(curlreq_line(&r, "213 End of status"));
	CU_ASSERT_EQUAL(curlreq_reply(&r, "STAT", 1, line, sizeof(line)), 213);
	CU_ASSERT_STRING_EQUAL(line, "213-Status of /ls/a.txt:");
	CU_ASSERT_EQUAL(curlreq_reply(&r, "STAT", 2, NULL, 0), 550);
	curlreq_done(&r);
	curlreq_done(&list);
}

void
suite_register(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ADD_SUITE("info", init_main, clean_main,
	    TEST(test_noop_syst),
	    TEST(test_feat),
	    TEST(test_opts),
	    TEST(test_help_site_help),
	    TEST(test_stat_server),
	    TEST(test_type_mode_stru_allo),
	    TEST(test_pwd_cwd_cdup),
	    TEST(test_mkd_rmd),
	    TEST(test_dele),
	    TEST(test_rnfr_rnto),
	    TEST(test_site_chmod),
	    TEST(test_size_mdtm),
	    TEST(test_mfmt),
	    TEST(test_list),
	    TEST(test_nlst),
	    TEST(test_mlsd),
	    TEST(test_mlst),
	    TEST(test_stat_path));
}
