/*
 * test_curl_xfer.c: the real ftpd driven by libcurl, part three: moving
 * bytes. RETR, STOR, APPE and STOU in binary and ASCII, REST for both
 * directions (also past 4 GiB, on a sparse file), empty files, names with
 * spaces and UTF-8, and every way to open a data connection: PASV, EPSV,
 * EPSV ALL, PORT, EPRT, on IPv4 and on IPv6 (::1). Every check is on the
 * bytes: received ones and those on disk, by SHA-256.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curlreq.h"
#include "harness.h"
#include "rawftp.h"
#include "testutil.h"

static struct server srv;	/* 127.0.0.1 */
static struct server srv6;	/* ::1 */

static int init_main(void) { return harness_suite_start(&srv, NULL, NULL); }
static int clean_main(void) { return harness_suite_stop(&srv); }
static int init_v6(void) { return harness_suite_start(&srv6, "::1", NULL); }
static int clean_v6(void) { return harness_suite_stop(&srv6); }

/* 5 GiB: SIZE and REST must carry offsets past 32 bits. */
#define HUGE_SIZE (5LL << 30)

static const char *
abspath(const struct server *s, const char *rel, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", s->root, rel);
	return out;
}

/* Uploads len bytes to path as alice; extra options by the caller's h. */
static CURL *
upload(const struct server *s, const char *path, const void *data, size_t len,
    struct curlreq *r)
{
	CURL *h = curlreq_open(s, "alice", path, r);

	curlreq_upload(h, r, data, len);
	curl_easy_setopt(h, CURLOPT_FTP_CREATE_MISSING_DIRS,
	    (long)CURLFTP_CREATE_DIR);
	return h;
}

/* ---- binary and ASCII ---- */

static void
test_binary_roundtrip(void)
{
	const size_t len = (8u << 20) + 7;	/* 8 MiB and a bit */
	unsigned char *data = malloc(len);
	struct curlreq r;
	CURL *h;

	CU_ASSERT_FATAL(data != NULL);
	harness_pattern(data, len, 1);
	h = upload(&srv, "bin/data.bin", data, len, &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_sent(&r, "TYPE I"));
	CU_ASSERT_EQUAL(curlreq_code(&r, "STOR"), 150);
	CU_ASSERT(curlreq_line(&r, "226 Transfer complete."));
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/bin/data.bin", data, len));

	h = curlreq_open(&srv, "alice", "bin/data.bin", &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RETR"), 150);
	CU_ASSERT(curlreq_body_equals(&r, data, len));
	curlreq_done(&r);
	free(data);
}

/* Text of n lines with LF ends, and the same with CRLF ends. */
static void
make_text(size_t lines, char **lf, size_t *lf_len, char **crlf, size_t *crlf_len)
{
	size_t i, a = 0, b = 0;

	*lf = malloc(lines * 80);
	*crlf = malloc(lines * 81);
	CU_ASSERT_FATAL(*lf != NULL && *crlf != NULL);
	for (i = 0; i < lines; i++) {
		/* Lines of varying length, so CRLF pairs straddle every chunk. */
		int n = snprintf(*lf + a, 80, "line %zu %.*s\n", i, (int)(i % 53),
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0");

		memcpy(*crlf + b, *lf + a, (size_t)n - 1);
		memcpy(*crlf + b + n - 1, "\r\n", 2);
		a += (size_t)n;
		b += (size_t)n + 1;
	}
	*lf_len = a;
	*crlf_len = b;
}

static void
test_ascii_download(void)
{
	char *lf, *crlf;
	size_t lf_len, crlf_len;
	struct curlreq r;
	CURL *h;

	make_text(40000, &lf, &lf_len, &crlf, &crlf_len);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/text/unix.txt", lf,
	    lf_len) == 0);

	/*
	 * The bytes on the wire: curl stays in binary and takes them as they
	 * come, while TYPE A (sent just before RETR) makes the server add CRs.
	 */
	h = curlreq_open(&srv, "alice", "text/unix.txt", &r);
	curlreq_quote(h, &r, CURLOPT_PREQUOTE, "TYPE A", NULL);
	curl_easy_setopt(h, CURLOPT_IGNORE_CONTENT_LENGTH, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_line(&r, "200 Switching to ASCII mode."));
	CU_ASSERT(curlreq_body_equals(&r, crlf, crlf_len));
	curlreq_done(&r);

	/* CURLOPT_TRANSFERTEXT: TYPE A, and curl turns CRLF back into LF. */
	h = curlreq_open(&srv, "alice", "text/unix.txt", &r);
	curl_easy_setopt(h, CURLOPT_TRANSFERTEXT, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_sent(&r, "TYPE A"));
	CU_ASSERT(curlreq_body_equals(&r, lf, lf_len));
	curlreq_done(&r);

	/* Binary leaves the file alone. */
	h = curlreq_open(&srv, "alice", "text/unix.txt", &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_body_equals(&r, lf, lf_len));
	curlreq_done(&r);
	free(lf);
	free(crlf);
}

static void
test_ascii_upload(void)
{
	static const struct { const char *name, *sent, *stored; } cases[] = {
		{ "short.txt", "a\r\nb\r\n\r\nc", "a\nb\n\nc" },
		{ "bare-lf.txt", "x\ny\n", "x\ny\n" },
		{ "lone-cr.txt", "p\rq\r\nend\r", "p\rq\nend\r" },
		{ "empty.txt", "", "" },
	};
	char *lf, *crlf, rel[64];
	size_t lf_len, crlf_len, i;
	struct curlreq r;
	CURL *h;

	/*
	 * The bytes on the wire: curl stays in binary and sends them as they
	 * are; TYPE A just before STOR makes the server take CRs out.
	 */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(rel, sizeof(rel), "text/%s", cases[i].name);
		h = upload(&srv, rel, cases[i].sent, strlen(cases[i].sent), &r);
		curlreq_quote(h, &r, CURLOPT_PREQUOTE, "TYPE A", NULL);
		CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
		curlreq_done(&r);
		snprintf(rel, sizeof(rel), "alice/text/%s", cases[i].name);
		CU_ASSERT(harness_file_equals(&srv, rel, cases[i].stored,
		    strlen(cases[i].stored)));
	}

	/* A megabyte of CRLF text arrives with LF ends, whatever the chunks. */
	make_text(40000, &lf, &lf_len, &crlf, &crlf_len);
	h = upload(&srv, "text/big.txt", crlf, crlf_len, &r);
	curlreq_quote(h, &r, CURLOPT_PREQUOTE, "TYPE A", NULL);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/text/big.txt", lf, lf_len));

	/* CURLOPT_TRANSFERTEXT: TYPE A, curl sends LF as CRLF, LF is stored. */
	h = upload(&srv, "text/big-text.txt", lf, lf_len, &r);
	curl_easy_setopt(h, CURLOPT_TRANSFERTEXT, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_sent(&r, "TYPE A"));
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/text/big-text.txt", lf,
	    lf_len));

	/* The CRLF text in binary is stored as sent. */
	h = upload(&srv, "text/big-bin.txt", crlf, crlf_len, &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/text/big-bin.txt", crlf,
	    crlf_len));
	free(lf);
	free(crlf);
}

/* ---- REST, APPE, STOU ---- */

static void
test_rest_retr(void)
{
	unsigned char data[100000];
	struct curlreq r;
	CURL *h;

	harness_pattern(data, sizeof(data), 2);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/rest.bin", data,
	    sizeof(data)) == 0);
	h = curlreq_open(&srv, "alice", "rest.bin", &r);
	curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)60000);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "REST 60000"), 350);
	CU_ASSERT(curlreq_body_equals(&r, data + 60000, sizeof(data) - 60000));
	curlreq_done(&r);

	/* REST past the end: RETR says 554 and sends nothing. */
	h = curlreq_open(&srv, "alice", "rest.bin", &r);
	curlreq_quote(h, &r, CURLOPT_PREQUOTE, "REST 100001", NULL);
	curl_easy_setopt(h, CURLOPT_IGNORE_CONTENT_LENGTH, 1L);
	CU_ASSERT_NOT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RETR"), 554);
	CU_ASSERT_EQUAL(r.body_len, 0);
	curlreq_done(&r);

	CU_ASSERT_EQUAL(curlreq_commands(&srv, "alice", &r, "*REST abc",
	    "*REST -5", "*REST", "REST 0", NULL), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "REST", 0, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "REST", 1, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "REST", 2, NULL, 0), 501);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "REST", 3, NULL, 0), 350);
	curlreq_done(&r);
}

static void
test_rest_stor(void)
{
	unsigned char old[1000], part[300], want[700];
	struct curlreq r;
	CURL *h;

	harness_pattern(old, sizeof(old), 3);
	harness_pattern(part, sizeof(part), 4);
	memcpy(want, old, 400);
	memcpy(want + 400, part, sizeof(part));
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/rest-up.bin", old,
	    sizeof(old)) == 0);
	/* REST 400 then STOR: written from offset 400, the file ends there. */
	h = upload(&srv, "rest-up.bin", part, sizeof(part), &r);
	curlreq_quote(h, &r, CURLOPT_PREQUOTE, "REST 400", NULL);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "REST"), 350);
	CU_ASSERT_EQUAL(curlreq_code(&r, "STOR"), 150);
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/rest-up.bin", want,
	    sizeof(want)));
}

static void
test_resume_upload(void)
{
	unsigned char data[100000];
	struct curlreq r;
	CURL *h;

	/* An upload cut at 40000 bytes; curl asks SIZE and sends the rest. */
	harness_pattern(data, sizeof(data), 5);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/partial.bin", data,
	    40000) == 0);
	h = upload(&srv, "partial.bin", data, sizeof(data), &r);
	curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)-1);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "SIZE"), 213);
	CU_ASSERT_EQUAL(curlreq_code(&r, "APPE"), 150);
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/partial.bin", data,
	    sizeof(data)));
}

static void
test_appe(void)
{
	struct curlreq r;
	CURL *h;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/log.txt", "one\n", 4) == 0);
	h = upload(&srv, "log.txt", "two\n", 4, &r);
	curl_easy_setopt(h, CURLOPT_APPEND, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "APPE"), 150);
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/log.txt", "one\ntwo\n", 8));

	/* APPE to a new name creates it. */
	h = upload(&srv, "new-log.txt", "first\n", 6, &r);
	curl_easy_setopt(h, CURLOPT_APPEND, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/new-log.txt", "first\n", 6));
}

/* STOU over a bare connection (libcurl has no STOU); sends the data. */
static void
stou(struct rawftp *c, const char *arg, const void *data, size_t len)
{
	int dfd = rawftp_epsv(c);

	CU_ASSERT_FATAL(dfd >= 0);
	CU_ASSERT_EQUAL(arg != NULL ? rawftp_cmd(c, "STOU %s", arg) :
	    rawftp_cmd(c, "STOU"), 150);
	CU_ASSERT_EQUAL(send(dfd, data, len, MSG_NOSIGNAL), (ssize_t)len);
	close(dfd);
}

static void
test_stou(void)
{
	static const char old[] = "taken\n", one[] = "first unique\n",
	    two[] = "second unique\n";
	struct rawftp c;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/u/name.txt", old,
	    strlen(old)) == 0);
	CU_ASSERT_EQUAL_FATAL(rawftp_connect(&c, &srv), 220);
	CU_ASSERT_EQUAL_FATAL(rawftp_login(&c, "alice"), 230);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "CWD u"), 250);
	stou(&c, "name.txt", one, strlen(one));
	CU_ASSERT_STRING_EQUAL(c.text, "150 FILE: name.txt.1");
	CU_ASSERT_EQUAL(rawftp_reply(&c), 226);
	stou(&c, NULL, two, strlen(two));
	CU_ASSERT_STRING_EQUAL(c.text, "150 FILE: ftpd.upload");
	CU_ASSERT_EQUAL(rawftp_reply(&c), 226);
	rawftp_close(&c);
	CU_ASSERT(harness_file_equals(&srv, "alice/u/name.txt", old, strlen(old)));
	CU_ASSERT(harness_file_equals(&srv, "alice/u/name.txt.1", one,
	    strlen(one)));
	CU_ASSERT(harness_file_equals(&srv, "alice/u/ftpd.upload", two,
	    strlen(two)));
}

/* ---- edge cases of files and names ---- */

static void
test_empty_files(void)
{
	struct curlreq r;
	CURL *h;

	h = upload(&srv, "empty.bin", "", 0, &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_line(&r, "226 Transfer complete."));
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&srv, "alice/empty.bin", "", 0));

	h = curlreq_open(&srv, "alice", "empty.bin", &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "SIZE"), 213);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RETR"), 150);
	CU_ASSERT_EQUAL(r.body_len, 0);
	curlreq_done(&r);

	h = curlreq_open(&srv, "alice", "empty.bin", &r);
	curl_easy_setopt(h, CURLOPT_TRANSFERTEXT, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(r.body_len, 0);
	curlreq_done(&r);

	h = curlreq_open(&srv, "alice", "empty.bin", &r);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(r.length, 0);
	curlreq_done(&r);
}

static void
test_missing_and_folders(void)
{
	struct curlreq r;
	CURL *h;

	h = curlreq_open(&srv, "alice", "no-such-file.bin", &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_REMOTE_FILE_NOT_FOUND);
	curlreq_done(&r);

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/afolder/x", "x", 1) == 0);
	h = curlreq_open(&srv, "alice", "afolder", &r);
	curl_easy_setopt(h, CURLOPT_IGNORE_CONTENT_LENGTH, 1L);
	CU_ASSERT_NOT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RETR"), 550);
	curlreq_done(&r);

	/* STOR onto a folder is refused and leaves it be. */
	h = upload(&srv, "afolder", "y", 1, &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_UPLOAD_FAILED);
	CU_ASSERT_EQUAL(curlreq_code(&r, "STOR"), 550);
	curlreq_done(&r);
	CU_ASSERT(harness_exists(&srv, "alice/afolder/x"));

	/* A transfer command with no PORT/PASV first: 425. */
	CU_ASSERT_EQUAL(curlreq_commands(&srv, "alice", &r, "*RETR afolder/x",
	    "*LIST", NULL), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RETR"), 425);
	CU_ASSERT_EQUAL(curlreq_code(&r, "LIST"), 425);
	curlreq_done(&r);
}

static void
test_file_permissions(void)
{
	char path[HARNESS_PATH_MAX * 2];
	struct curlreq r;
	CURL *h;

	/* The server does not run as root: file modes apply to it. */
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/perm/locked.txt", "no",
	    2) == 0);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/ro-dir/keep", "k", 1) == 0);
	CU_ASSERT_FATAL(chmod(abspath(&srv, "alice/perm/locked.txt", path,
	    sizeof(path)), 0) == 0);
	CU_ASSERT_FATAL(chmod(abspath(&srv, "alice/ro-dir", path,
	    sizeof(path)), 0555) == 0);
	h = curlreq_open(&srv, "alice", "perm/locked.txt", &r);
	curl_easy_setopt(h, CURLOPT_IGNORE_CONTENT_LENGTH, 1L);
	CU_ASSERT_NOT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_line(&r, "550 locked.txt: Permission denied."));
	curlreq_done(&r);

	h = upload(&srv, "ro-dir/new.txt", "x", 1, &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_UPLOAD_FAILED);
	CU_ASSERT_EQUAL(curlreq_code(&r, "STOR"), 550);
	curlreq_done(&r);
	CU_ASSERT(!harness_exists(&srv, "alice/ro-dir/new.txt"));
}

static void
test_names_space_utf8(void)
{
	static const char dir[] = "dir with space";
	static const char name[] = "naïve café ☕ (1).bin";
	unsigned char data[33333];
	char path[128], want[256];
	struct curlreq r;
	CURL *h;

	harness_pattern(data, sizeof(data), 6);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	h = upload(&srv, path, data, sizeof(data), &r);
	curlreq_quote(h, &r, CURLOPT_QUOTE, "OPTS UTF8 ON", NULL);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MKD"), 257);
	snprintf(want, sizeof(want), "STOR %s", name);
	CU_ASSERT(curlreq_sent(&r, want));
	curlreq_done(&r);
	snprintf(want, sizeof(want), "alice/%s", path);
	CU_ASSERT(harness_file_equals(&srv, want, data, sizeof(data)));

	h = curlreq_open(&srv, "alice", path, &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_body_equals(&r, data, sizeof(data)));
	curlreq_done(&r);

	snprintf(path, sizeof(path), "%s/", dir);
	h = curlreq_open(&srv, "alice", path, &r);
	curl_easy_setopt(h, CURLOPT_DIRLISTONLY, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	snprintf(want, sizeof(want), "%s\n", name);
	CU_ASSERT_STRING_EQUAL(r.body, want);
	curlreq_done(&r);
}

/* Makes a sparse HUGE_SIZE file whose last 4 KiB are tail. */
static void
make_huge(const char *rel, const unsigned char *tail, size_t tail_len)
{
	char path[HARNESS_PATH_MAX * 2];
	int fd;

	/* harness_write_file makes it the server's; the size comes after. */
	CU_ASSERT_FATAL(harness_write_file(&srv, rel, "", 0) == 0);
	fd = open(abspath(&srv, rel, path, sizeof(path)), O_WRONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, HUGE_SIZE) == 0);
	CU_ASSERT_FATAL(pwrite(fd, tail, tail_len, HUGE_SIZE - (off_t)tail_len) ==
	    (ssize_t)tail_len);
	close(fd);
}

static void
test_huge_sparse_file(void)
{
	unsigned char tail[4096], more[100], want[200];
	char path[HARNESS_PATH_MAX * 2], text[128];
	struct curlreq r;
	struct stat st;
	CURL *h;
	int fd;

	harness_pattern(tail, sizeof(tail), 7);
	harness_pattern(more, sizeof(more), 8);
	make_huge("alice/huge.bin", tail, sizeof(tail));

	/* SIZE, and MLST's size fact, past 4 GiB. */
	h = curlreq_open(&srv, "alice", "huge.bin", &r);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curlreq_quote(h, &r, CURLOPT_QUOTE, "MLST huge.bin", NULL);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(r.length, (curl_off_t)HUGE_SIZE);
	CU_ASSERT(curlreq_line(&r, "213 5368709120"));
	CU_ASSERT(curlreq_saw(&r, ";size=5368709120;"));
	curlreq_done(&r);

	/* REST near the end: only the tail comes. */
	h = curlreq_open(&srv, "alice", "huge.bin", &r);
	curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE,
	    (curl_off_t)(HUGE_SIZE - (off_t)sizeof(tail)));
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "REST 5368705024"), 350);
	CU_ASSERT(curlreq_body_equals(&r, tail, sizeof(tail)));
	curlreq_done(&r);

	/* REST at 5 GiB and STOR: 100 bytes more, the rest untouched. */
	h = upload(&srv, "huge.bin", more, sizeof(more), &r);
	curlreq_quote(h, &r, CURLOPT_PREQUOTE, "REST 5368709120", NULL);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "REST"), 350);
	curlreq_done(&r);
	CU_ASSERT_FATAL(stat(abspath(&srv, "alice/huge.bin", path, sizeof(path)),
	    &st) == 0);
	CU_ASSERT_EQUAL(st.st_size, HUGE_SIZE + 100);
	fd = open(path, O_RDONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pread(fd, want, sizeof(want), HUGE_SIZE - 100), 200);
	close(fd);
	CU_ASSERT(memcmp(want, tail + sizeof(tail) - 100, 100) == 0);
	CU_ASSERT(memcmp(want + 100, more, 100) == 0);

	/* And that tail comes back through REST + RETR. */
	h = curlreq_open(&srv, "alice", "huge.bin", &r);
	curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)HUGE_SIZE);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_body_equals(&r, more, sizeof(more)));
	snprintf(text, sizeof(text), "213 %lld", HUGE_SIZE + 100);
	CU_ASSERT(curlreq_line(&r, text));
	curlreq_done(&r);
}

/* ---- data connections ---- */

/* How curl opens the data connection, and what it must then send. */
struct mode {
	const char *name;
	long use_epsv;		/* CURLOPT_FTP_USE_EPSV */
	const char *port;	/* CURLOPT_FTPPORT: active when set */
	long use_eprt;		/* CURLOPT_FTP_USE_EPRT */
	const char *cmd;	/* the command that sets it up */
	int code;		/* its reply */
};

static void
set_mode(CURL *h, const struct mode *m)
{
	curl_easy_setopt(h, CURLOPT_FTP_USE_EPSV, m->use_epsv);
	curl_easy_setopt(h, CURLOPT_FTPPORT, m->port);
	curl_easy_setopt(h, CURLOPT_FTP_USE_EPRT, m->use_eprt);
}

/* Upload, download and list through each mode; bytes checked by hash. */
static void
run_modes(const struct server *s, const struct mode *modes, size_t n)
{
	unsigned char data[300000];
	char path[64], rel[80];
	struct curlreq r;
	size_t i;
	CURL *h;

	for (i = 0; i < n; i++) {
		const struct mode *m = &modes[i];

		harness_pattern(data, sizeof(data), 100 + (unsigned)i);
		snprintf(path, sizeof(path), "dc/%s.bin", m->name);
		h = upload(s, path, data, sizeof(data), &r);
		set_mode(h, m);
		CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
		CU_ASSERT_EQUAL(curlreq_code(&r, m->cmd), m->code);
		curlreq_done(&r);
		snprintf(rel, sizeof(rel), "alice/%s", path);
		CU_ASSERT(harness_file_equals(s, rel, data, sizeof(data)));

		h = curlreq_open(s, "alice", path, &r);
		set_mode(h, m);
		CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
		CU_ASSERT_EQUAL(curlreq_code(&r, m->cmd), m->code);
		CU_ASSERT(curlreq_body_equals(&r, data, sizeof(data)));
		curlreq_done(&r);

		h = curlreq_open(s, "alice", "dc/", &r);
		curl_easy_setopt(h, CURLOPT_DIRLISTONLY, 1L);
		set_mode(h, m);
		CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
		CU_ASSERT_EQUAL(curlreq_code(&r, m->cmd), m->code);
		snprintf(rel, sizeof(rel), "%s.bin", m->name);
		CU_ASSERT(curlreq_body_line(&r, rel));
		curlreq_done(&r);
	}
}

static void
test_modes_ipv4(void)
{
	static const struct mode modes[] = {
		{ "pasv", 0, NULL, 0, "PASV", 227 },
		{ "epsv", 1, NULL, 0, "EPSV", 229 },
		{ "port", 0, "-", 0, "PORT 127,0,0,1,", 200 },
		{ "eprt", 0, "-", 1, "EPRT |1|127.0.0.1|", 200 },
	};

	run_modes(&srv, modes, sizeof(modes) / sizeof(modes[0]));
}

static void
test_epsv_all(void)
{
	static const char data[] = "after EPSV ALL\n";
	struct curlreq r;
	CURL *h;

	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/all.txt", data,
	    strlen(data)) == 0);
	h = curlreq_open(&srv, "alice", "all.txt", &r);
	curlreq_quote(h, &r, CURLOPT_QUOTE, "EPSV ALL", "*PASV",
	    "*PORT 127,0,0,1,200,10", "*EPRT |1|127.0.0.1|51210|", NULL);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "EPSV ALL"), 200);
	CU_ASSERT_EQUAL(curlreq_code(&r, "PASV"), 503);
	CU_ASSERT_EQUAL(curlreq_code(&r, "PORT"), 503);
	CU_ASSERT_EQUAL(curlreq_code(&r, "EPRT"), 503);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "EPSV", 1, NULL, 0), 229);
	CU_ASSERT(curlreq_body_equals(&r, data, strlen(data)));
	curlreq_done(&r);

	/* A client that insists on PASV after EPSV ALL gets nowhere. */
	h = curlreq_open(&srv, "alice", "all.txt", &r);
	curlreq_quote(h, &r, CURLOPT_QUOTE, "EPSV ALL", NULL);
	curl_easy_setopt(h, CURLOPT_FTP_USE_EPSV, 0L);
	CU_ASSERT_NOT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "PASV"), 503);
	CU_ASSERT_EQUAL(r.body_len, 0);
	curlreq_done(&r);
}

static void
test_data_port_checks(void)
{
	static const struct curlreq_case cases[] = {
		{ "PORT 10,0,0,1,200,10", 500 },	/* not the client: bounce */
		{ "PORT 127,0,0,1,0,21", 500 },		/* privileged port */
		{ "PORT 1,2,3", 501 },
		{ "PORT 127,0,0,1,300,1", 501 },
		{ "EPRT |3|::1|5000|", 522 },
		{ "EPRT |1|127.0.0.1|80|", 500 },
		{ "EPRT |1|10.1.2.3|5000|", 500 },
		{ "EPRT |1|127.0.0.1|", 501 },
		{ "EPRT |1|not-an-address|5000|", 501 },
		{ "EPSV 2", 522 },			/* IPv6 on IPv4 control */
		{ "EPSV 7", 522 },
		{ "EPSV 1", 229 },
		{ "PASV now", 501 },
		{ "PORT 127,0,0,1,200,10", 200 },
	};

	curlreq_check_replies(&srv, "alice", cases,
	    sizeof(cases) / sizeof(cases[0]));
}

/* ---- IPv6 ---- */

static void
test_modes_ipv6(void)
{
	static const struct mode modes[] = {
		{ "epsv6", 1, NULL, 0, "EPSV", 229 },
		/* curl uses EPSV on IPv6 even when told not to. */
		{ "pasv6", 0, NULL, 0, "EPSV", 229 },
		{ "eprt6", 0, "-", 1, "EPRT |2|::1|", 200 },
	};

	run_modes(&srv6, modes, sizeof(modes) / sizeof(modes[0]));
}

static void
test_ipv6_refusals(void)
{
	struct curlreq r;

	CU_ASSERT_EQUAL(curlreq_commands(&srv6, "alice", &r, "*PASV", "*EPSV 1",
	    "*PORT 127,0,0,1,200,10", "*EPRT |1|127.0.0.1|5000|", "EPSV 2",
	    "EPRT |2|::1|5000|", NULL), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "PASV"), 522);
	CU_ASSERT_EQUAL(curlreq_code(&r, "EPSV 1"), 522);
	CU_ASSERT_EQUAL(curlreq_code(&r, "PORT"), 500);
	CU_ASSERT_EQUAL(curlreq_code(&r, "EPRT |1|"), 500);
	CU_ASSERT_EQUAL(curlreq_code(&r, "EPSV 2"), 229);
	CU_ASSERT_EQUAL(curlreq_code(&r, "EPRT |2|"), 200);
	curlreq_done(&r);
}

void
suite_register(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ADD_SUITE("xfer", init_main, clean_main,
	    TEST(test_binary_roundtrip),
	    TEST(test_ascii_download),
	    TEST(test_ascii_upload),
	    TEST(test_rest_retr),
	    TEST(test_rest_stor),
	    TEST(test_resume_upload),
	    TEST(test_appe),
	    TEST(test_stou),
	    TEST(test_empty_files),
	    TEST(test_missing_and_folders),
	    TEST(test_file_permissions),
	    TEST(test_names_space_utf8),
	    TEST(test_huge_sparse_file),
	    TEST(test_modes_ipv4),
	    TEST(test_epsv_all),
	    TEST(test_data_port_checks));
	ADD_SUITE("ipv6", init_v6, clean_v6,
	    TEST(test_modes_ipv6),
	    TEST(test_ipv6_refusals));
}
