/*
 * test_curl.c: the real ftpd driven by libcurl, part one: sessions and
 * boundaries. Logging in and out, the control channel's rules, ABOR, an
 * upload that fails half-way, confinement to the home, the read-only user
 * and anonymous access. Where libcurl cannot express a case (ABOR during a
 * transfer, a broken data connection, raw line forms), a bare control
 * connection does it.
 *
 * test_curl_cmds.c covers the other commands, test_curl_xfer.c transfers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "curlreq.h"
#include "harness.h"
#include "rawftp.h"
#include "testutil.h"

static struct server srv;	/* alice (rw) and bob (ro) */
static struct server anon;	/* --anonymous */
static struct server anonw;	/* --anonymous --anonymous-write */

/*
 * Anonymous users get the whole root here (the default is /pub, and ftpd
 * refuses a root that holds user homes unless told): these suites check
 * that read-only and write access hold across everything they can see.
 */
static const char *const anon_args[] = { "--anonymous",
	"--set", "anonymous_home=/", "--set", "anonymous_sees_homes=yes", NULL };
static const char *const anonw_args[] = { "--anonymous", "--anonymous-write",
	"--set", "anonymous_home=/", "--set", "anonymous_sees_homes=yes", NULL };

static int init_main(void) { return harness_suite_start(&srv, NULL, NULL); }
static int clean_main(void) { return harness_suite_stop(&srv); }
static int init_anon(void) { return harness_suite_start(&anon, NULL, anon_args); }
static int clean_anon(void) { return harness_suite_stop(&anon); }
static int init_anonw(void) { return harness_suite_start(&anonw, NULL, anonw_args); }
static int clean_anonw(void) { return harness_suite_stop(&anonw); }

/* The absolute path of a root-relative name. */
static const char *
abspath(const struct server *s, const char *rel, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s", s->root, rel);
	return out;
}

/* Whether folder rel holds a leftover upload temp file. */
static int
has_temp_files(const struct server *s, const char *rel)
{
	char path[HARNESS_PATH_MAX * 2];
	struct dirent *de;
	DIR *d = opendir(abspath(s, rel, path, sizeof(path)));
	int found = 0;

	if (d == NULL)
		return 1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, ".ftpd-upload.", 13) == 0)
			found = 1;
	closedir(d);
	return found;
}

/* Logs in with a bare connection; fails the test when it cannot. */
static int
raw_login(struct rawftp *c, const struct server *s, const char *user)
{
	if (rawftp_connect(c, s) != 220) {
		CU_FAIL("no 220 greeting");
		return -1;
	}
	if (rawftp_login(c, user) != 230) {
		CU_FAIL("raw login failed");
		return -1;
	}
	return 0;
}

/*
 * Uploads to path as user (APPE when append; the path in one command, as
 * written) and expects the server to refuse it with 550.
 */
static void
upload_refused(const struct server *s, const char *user, const char *path,
    int append)
{
	struct curlreq r;
	CURL *h = curlreq_open(s, user, path, &r);

	curlreq_upload(h, &r, "refused\n", 8);
	curl_easy_setopt(h, CURLOPT_APPEND, (long)append);
	curl_easy_setopt(h, CURLOPT_FTP_FILEMETHOD, (long)CURLFTPMETHOD_NOCWD);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_UPLOAD_FAILED);
	CU_ASSERT_EQUAL(curlreq_code(&r, append ? "APPE" : "STOR"), 550);
	curlreq_done(&r);
}

/* ---- logging in and out ---- */

static void
test_login_and_quit(void)
{
	struct curlreq r;
	CURL *h = curlreq_open(&srv, "alice", "", &r);

	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(curlreq_saw(&r, "220 "));
	CU_ASSERT_EQUAL(curlreq_code(&r, "USER"), 331);
	CU_ASSERT_EQUAL(curlreq_code(&r, "PASS"), 230);
	/* curl sends QUIT when the handle goes. */
	CU_ASSERT_EQUAL(curlreq_code(&r, "QUIT"), 221);
	curlreq_done(&r);
}

static void
test_login_refused(void)
{
	static const struct { const char *user, *pass; } cases[] = {
		{ "alice", "wrong" },
		{ "alice", "" },
		{ "nosuchuser", "secret" },
		{ "bob", "Secret" },
		{ "anonymous", "me@example.com" },	/* no --anonymous */
		{ "ftp", "me@example.com" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct curlreq r;
		CURL *h = curlreq_open(&srv, cases[i].user, "", &r);

		curl_easy_setopt(h, CURLOPT_PASSWORD, cases[i].pass);
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_LOGIN_DENIED);
		CU_ASSERT_EQUAL(r.code, 530);
		CU_ASSERT_EQUAL(curlreq_code(&r, "PASS"), 530);
		curlreq_done(&r);
	}
}

static void
test_login_sequence_rules(void)
{
	struct rawftp c;

	CU_ASSERT_EQUAL_FATAL(rawftp_connect(&c, &srv), 220);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PWD"), 530);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "RETR x"), 530);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PASS secret"), 503);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "USER alice"), 331);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PASS secret"), 230);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PASS secret"), 230);	/* already in */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "USER bob"), 530);	/* no switching */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PWD"), 257);
	/* REIN logs out but keeps the connection. */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "REIN"), 220);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PWD"), 530);
	CU_ASSERT_EQUAL(rawftp_login(&c, "bob"), 230);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "MKD x"), 550);		/* bob's rights */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "QUIT"), 221);
	CU_ASSERT(rawftp_closed(&c));
	rawftp_close(&c);

	/* Three wrong passwords close the session with 421. */
	CU_ASSERT_EQUAL_FATAL(rawftp_connect(&c, &srv), 220);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "USER alice"), 331);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PASS x1"), 530);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "USER alice"), 331);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PASS x2"), 530);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "USER nobody"), 331);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PASS x3"), 421);
	CU_ASSERT(rawftp_closed(&c));
	rawftp_close(&c);
}

/* ---- the control channel ---- */

static void
test_line_forms(void)
{
	static const char iac_nop[] = "NO\xff\xf1OP\r\n";
	static const char nul_line[] = "NO\0OP\r\n";
	struct rawftp c;

	if (raw_login(&c, &srv, "alice") < 0)
		return;
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "noop"), 200);		/* any case */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "NoOp"), 200);
	CU_ASSERT_EQUAL(rawftp_write(&c, "NOOP\n", 5), 0);	/* bare LF */
	CU_ASSERT_EQUAL(rawftp_reply(&c), 200);
	/* A TELNET IAC NOP inside the line is removed. */
	CU_ASSERT_EQUAL(rawftp_write(&c, iac_nop, sizeof(iac_nop) - 1), 0);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 200);
	CU_ASSERT_EQUAL(rawftp_write(&c, nul_line, sizeof(nul_line) - 1), 0);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 500);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "XYZZY"), 500);		/* unknown */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "ACCT x"), 502);		/* not offered */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "NOOP extra"), 501);	/* no argument */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "DELE"), 501);		/* needs one */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "NOOP"), 200);
	rawftp_close(&c);
}

static void
test_overlong_line(void)
{
	static char cmd[6000];
	struct rawftp c;
	struct curlreq r;

	/* Through curl: the quote command is answered 500, NOOP still works. */
	memcpy(cmd, "*SITE ", 6);
	memset(cmd + 6, 'x', 5000);
	cmd[5006] = '\0';
	CU_ASSERT_EQUAL(curlreq_commands(&srv, "alice", &r, cmd, "NOOP", NULL),
	    CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "SITE"), 500);
	CU_ASSERT_EQUAL(curlreq_code(&r, "NOOP"), 200);
	curlreq_done(&r);

	/*
	 * Raw, with the next command in the same write: exactly one 500,
	 * so the tail of the long line was never taken for a command.
	 */
	if (raw_login(&c, &srv, "alice") < 0)
		return;
	memset(cmd, 'A', 5000);
	memcpy(cmd + 5000, "\r\nNOOP\r\n", 8);
	CU_ASSERT_EQUAL(rawftp_write(&c, cmd, 5008), 0);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 500);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 200);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "PWD"), 257);
	rawftp_close(&c);
}

/* ---- ABOR and uploads that do not finish ---- */

static void
test_abor_idle(void)
{
	struct curlreq r;

	CU_ASSERT_EQUAL(curlreq_commands(&srv, "alice", &r, "ABOR", "NOOP",
	    NULL), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "ABOR"), 225);
	CU_ASSERT_EQUAL(curlreq_code(&r, "NOOP"), 200);
	curlreq_done(&r);
}

static const char small[] = "a small file\n";

/*
 * Logs in as alice and starts RETR of a 256 MiB sparse file (far more than
 * socket buffers hold, so it cannot finish unread); reads a little of it.
 * Returns the data socket, or -1.
 */
static int
start_big_retr(struct rawftp *c)
{
	char path[HARNESS_PATH_MAX * 2], chunk[65536];
	int fd, dfd;

	fd = open(abspath(&srv, "alice/big.bin", path, sizeof(path)),
	    O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(ftruncate(fd, 256LL << 20), 0);
	close(fd);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/small.txt", small,
	    strlen(small)) == 0);
	if (raw_login(c, &srv, "alice") < 0)
		return -1;
	CU_ASSERT_EQUAL(rawftp_cmd(c, "TYPE I"), 200);
	dfd = rawftp_epsv(c);
	CU_ASSERT_FATAL(dfd >= 0);
	CU_ASSERT_EQUAL(rawftp_cmd(c, "RETR big.bin"), 150);
	CU_ASSERT(recv(dfd, chunk, sizeof(chunk), MSG_WAITALL) > 0);
	return dfd;
}

/*
 * RETR of small.txt with the next command in the same write: the command
 * waits for the transfer, so the replies come 150, 226, then its own (cmd
 * must not be one that runs during transfers: ABOR, NOOP, STAT).
 */
static void
retr_small_then(struct rawftp *c, const char *cmd, int code)
{
	char line[64], *got = NULL;
	size_t len = 0;
	int dfd = rawftp_epsv(c), n;

	CU_ASSERT_FATAL(dfd >= 0);
	n = snprintf(line, sizeof(line), "RETR small.txt\r\n%s\r\n", cmd);
	CU_ASSERT_EQUAL(rawftp_write(c, line, (size_t)n), 0);
	CU_ASSERT_EQUAL(rawftp_reply(c), 150);
	CU_ASSERT_EQUAL(rawftp_read_all(dfd, &got, &len), 0);
	close(dfd);
	CU_ASSERT_EQUAL(rawftp_reply(c), 226);
	CU_ASSERT_EQUAL(rawftp_reply(c), code);
	CU_ASSERT(got != NULL && len == strlen(small) &&
	    memcmp(got, small, len) == 0);
	free(got);
}

static void
test_abor_retr(void)
{
	/* TELNET IP and DM before ABOR, as RFC 959 tells clients to send. */
	static const char abor[] = "\xff\xf4\xff\xf2" "ABOR\r\n";
	struct rawftp c;
	int dfd = start_big_retr(&c);

	if (dfd < 0)
		return;
	/* STAT and NOOP are answered while the transfer runs. */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "STAT"), 211);
	CU_ASSERT(strstr(c.text, "RETR /big.bin: ") != NULL);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "NOOP"), 200);
	CU_ASSERT_EQUAL(rawftp_write(&c, abor, sizeof(abor) - 1), 0);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 426);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 226);
	(void)rawftp_read_all(dfd, NULL, NULL);	/* ends: closed or reset */
	close(dfd);

	/* The session goes on: a command, then a whole transfer. */
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "NOOP"), 200);
	retr_small_then(&c, "PWD", 257);
	rawftp_close(&c);
}

static void
test_retr_reset(void)
{
	static const char pipelined[] = "NOOP\r\nSYST\r\nPWD\r\n";
	struct rawftp c;
	int dfd = start_big_retr(&c);

	if (dfd < 0)
		return;
	/* The client drops the data connection: 426, and the session goes on. */
	rawftp_reset(dfd);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 426);
	CU_ASSERT_EQUAL(rawftp_write(&c, pipelined, sizeof(pipelined) - 1), 0);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 200);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 215);
	CU_ASSERT_EQUAL(rawftp_reply(&c), 257);
	retr_small_then(&c, "SYST", 215);
	rawftp_close(&c);
}

/*
 * Starts STOR over an existing file, sends a little, then ends it badly:
 * with an RST on the data connection (abor 0) or with ABOR (abor 1).
 */
static void
broken_stor(const char *name, int abor)
{
	unsigned char old[100000], part[1000];
	char rel[128];
	struct rawftp c;
	int dfd;

	harness_pattern(old, sizeof(old), 11);
	harness_pattern(part, sizeof(part), 12);
	snprintf(rel, sizeof(rel), "alice/%s", name);
	CU_ASSERT_FATAL(harness_write_file(&srv, rel, old, sizeof(old)) == 0);
	if (raw_login(&c, &srv, "alice") < 0)
		return;
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "TYPE I"), 200);
	dfd = rawftp_epsv(&c);
	CU_ASSERT_FATAL(dfd >= 0);
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "STOR %s", name), 150);
	CU_ASSERT_EQUAL(send(dfd, part, sizeof(part), MSG_NOSIGNAL),
	    (ssize_t)sizeof(part));
	if (abor) {
		CU_ASSERT_EQUAL(rawftp_cmd(&c, "ABOR"), 426);
		CU_ASSERT_EQUAL(rawftp_reply(&c), 226);
		close(dfd);
	} else {
		usleep(50 * 1000);	/* let the bytes reach the server */
		rawftp_reset(dfd);
		CU_ASSERT_EQUAL(rawftp_reply(&c), 426);
	}
	CU_ASSERT_EQUAL(rawftp_cmd(&c, "NOOP"), 200);
	rawftp_close(&c);
	/* The old content is whole, and no temp file is left behind. */
	CU_ASSERT(harness_file_equals(&srv, rel, old, sizeof(old)));
	CU_ASSERT(!has_temp_files(&srv, "alice"));
}

static void
test_stor_reset_keeps_file(void)
{
	broken_stor("keep-reset.bin", 0);
}

static void
test_stor_abor_keeps_file(void)
{
	broken_stor("keep-abor.bin", 1);
}

/* ---- confinement to the home ---- */

static const char bob_secret[] = "bob's secret, not for alice\n";

/* Makes a symlink at root-relative rel (kept if it is already there). */
static void
make_link(const char *target, const char *rel)
{
	char path[HARNESS_PATH_MAX * 2];

	CU_ASSERT_FATAL(symlink(target, abspath(&srv, rel, path,
	    sizeof(path))) == 0 || errno == EEXIST);
}

/* Bob's file, and links in alice's home that point at it. */
static void
make_escape_fixtures(void)
{
	char target[HARNESS_PATH_MAX * 2];

	CU_ASSERT_FATAL(harness_write_file(&srv, "bob/secret.txt", bob_secret,
	    strlen(bob_secret)) == 0);
	CU_ASSERT_FATAL(harness_write_file(&srv, "alice/mine.txt", "mine\n",
	    5) == 0);
	make_link(abspath(&srv, "bob/secret.txt", target, sizeof(target)),
	    "alice/link-abs.txt");
	make_link("../bob/secret.txt", "alice/link-rel.txt");
	make_link(abspath(&srv, "bob", target, sizeof(target)),
	    "alice/link-dir");
}

static void
test_cwd_stays_home(void)
{
	char text[256];
	struct curlreq r;
	CURL *h;

	make_escape_fixtures();
	CU_ASSERT_EQUAL(curlreq_commands(&srv, "alice", &r, "CWD ../..", "XPWD",
	    "CWD /../../..", "XPWD", "CDUP", "XPWD", "*CWD link-dir",
	    "*CWD /etc", "XPWD", NULL), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "CWD", 0, NULL, 0), 250);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "XPWD", 0, text, sizeof(text)), 257);
	CU_ASSERT(strncmp(text, "257 \"/\"", 7) == 0);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "XPWD", 1, text, sizeof(text)), 257);
	CU_ASSERT(strncmp(text, "257 \"/\"", 7) == 0);
	CU_ASSERT_EQUAL(curlreq_code(&r, "CDUP"), 250);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "CWD", 2, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "CWD", 3, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "XPWD", 3, text, sizeof(text)), 257);
	CU_ASSERT(strncmp(text, "257 \"/\"", 7) == 0);
	curlreq_done(&r);

	/*
	 * Listing "../.." shows alice's own files, not the server root
	 * (curl turns the CRLF of listings into LF).
	 */
	h = curlreq_open(&srv, "alice", "../../", &r);
	curl_easy_setopt(h, CURLOPT_DIRLISTONLY, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(strstr(r.body, "mine.txt\n") != NULL);
	CU_ASSERT(strstr(r.body, "bob") == NULL);
	CU_ASSERT(strstr(r.body, "alice") == NULL);
	curlreq_done(&r);
}

static void
test_retr_cannot_escape(void)
{
	static const char *const paths[] = {
		"../bob/secret.txt", "../../bob/secret.txt", "/bob/secret.txt",
		"/../bob/secret.txt", "./../bob/secret.txt", "link-abs.txt",
		"link-rel.txt", "link-dir/secret.txt", "/etc/passwd",
	};
	size_t i;

	make_escape_fixtures();
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct curlreq r;
		CURL *h = curlreq_open(&srv, "alice", paths[i], &r);

		/* One RETR with the whole path, exactly as written (no SIZE). */
		curl_easy_setopt(h, CURLOPT_FTP_FILEMETHOD,
		    (long)CURLFTPMETHOD_NOCWD);
		curl_easy_setopt(h, CURLOPT_IGNORE_CONTENT_LENGTH, 1L);
		CU_ASSERT_NOT_EQUAL(curlreq_run(h, &r), CURLE_OK);
		CU_ASSERT_EQUAL(curlreq_code(&r, "RETR"), 550);
		CU_ASSERT_EQUAL(r.body_len, 0);
		CU_ASSERT(!curlreq_saw(&r, "150 "));
		curlreq_done(&r);
	}
}

static void
test_symlinks_cannot_escape(void)
{
	char path[HARNESS_PATH_MAX * 2];
	struct stat before, after;
	struct curlreq r;
	CURL *h;

	make_escape_fixtures();
	CU_ASSERT_FATAL(stat(abspath(&srv, "bob/secret.txt", path,
	    sizeof(path)), &before) == 0);
	CU_ASSERT_EQUAL(curlreq_commands(&srv, "alice", &r,
	    "*SIZE link-abs.txt", "*MDTM link-rel.txt",
	    "*MLST link-dir/secret.txt", "*STAT link-dir",
	    "*SITE CHMOD 777 link-abs.txt", "*MKD link-dir/new",
	    "*DELE link-dir/secret.txt", "*RNFR link-dir/secret.txt",
	    "RNFR mine.txt", "*RNTO link-dir/stolen.txt",
	    "*MFMT 20000101000000 link-dir/secret.txt", "NOOP", NULL),
	    CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "SIZE"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MDTM"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MLST"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "STAT"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "SITE"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MKD"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "DELE"), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNFR", 0, NULL, 0), 550);
	CU_ASSERT_EQUAL(curlreq_reply(&r, "RNFR", 1, NULL, 0), 350);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RNTO"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MFMT"), 550);
	curlreq_done(&r);

	/* Uploads through the links: refused, and nothing lands outside. */
	upload_refused(&srv, "alice", "link-dir/planted.txt", 0);
	upload_refused(&srv, "alice", "link-dir/secret.txt", 1);
	upload_refused(&srv, "alice", "link-abs.txt", 1);
	h = curlreq_open(&srv, "alice", "link-dir/", &r);
	CU_ASSERT_NOT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(strstr(r.body, "secret") == NULL);
	curlreq_done(&r);

	CU_ASSERT(!harness_exists(&srv, "bob/planted.txt"));
	CU_ASSERT(!harness_exists(&srv, "bob/new"));
	CU_ASSERT(!harness_exists(&srv, "bob/stolen.txt"));
	CU_ASSERT(harness_file_equals(&srv, "bob/secret.txt", bob_secret,
	    strlen(bob_secret)));
	CU_ASSERT_FATAL(stat(path, &after) == 0);
	CU_ASSERT_EQUAL(after.st_mode, before.st_mode);
	CU_ASSERT_EQUAL(after.st_mtime, before.st_mtime);
}

/* ---- the read-only user ---- */

static void
test_readonly_user(void)
{
	struct curlreq r;
	CURL *h;

	CU_ASSERT_FATAL(harness_write_file(&srv, "bob/secret.txt", bob_secret,
	    strlen(bob_secret)) == 0);
	h = curlreq_open(&srv, "bob", "secret.txt", &r);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT(r.body_len == strlen(bob_secret) &&
	    memcmp(r.body, bob_secret, r.body_len) == 0);
	curlreq_done(&r);

	upload_refused(&srv, "bob", "secret.txt", 0);
	upload_refused(&srv, "bob", "secret.txt", 1);
	upload_refused(&srv, "bob", "new.txt", 0);

	CU_ASSERT_EQUAL(curlreq_commands(&srv, "bob", &r, "*DELE secret.txt",
	    "*MKD newdir", "*RMD /", "*RNFR secret.txt",
	    "*SITE CHMOD 666 secret.txt", "*MFMT 20000101000000 secret.txt",
	    "SIZE secret.txt", NULL), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "DELE"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MKD"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RMD"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "RNFR"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "SITE"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MFMT"), 550);
	CU_ASSERT_EQUAL(curlreq_code(&r, "SIZE"), 213);
	curlreq_done(&r);

	CU_ASSERT(harness_file_equals(&srv, "bob/secret.txt", bob_secret,
	    strlen(bob_secret)));
	CU_ASSERT(!harness_exists(&srv, "bob/newdir"));
}

/* ---- anonymous access ---- */

static void
test_anonymous_read_only(void)
{
	static const char pub[] = "public file\n";
	static const char *const users[] = { NULL, "ftp" };
	size_t i;

	CU_ASSERT_FATAL(harness_write_file(&anon, "alice/pub.txt", pub,
	    strlen(pub)) == 0);
	/* curl's own anonymous login, and "ftp" (any password will do). */
	for (i = 0; i < 2; i++) {
		struct curlreq r;
		CURL *h = curlreq_open(&anon, users[i], "alice/pub.txt", &r);

		CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
		CU_ASSERT_EQUAL(curlreq_code(&r, "PASS"), 230);
		CU_ASSERT(curlreq_body_equals(&r, pub, strlen(pub)));
		curlreq_done(&r);

		upload_refused(&anon, users[i], "upload.txt", 0);
		upload_refused(&anon, users[i], "alice/pub.txt", 1);
		CU_ASSERT_EQUAL(curlreq_commands(&anon, users[i], &r,
		    "*MKD pubdir", "*DELE alice/pub.txt", "*RNFR alice/pub.txt",
		    NULL), CURLE_OK);
		CU_ASSERT_EQUAL(curlreq_code(&r, "MKD"), 550);
		CU_ASSERT_EQUAL(curlreq_code(&r, "DELE"), 550);
		CU_ASSERT_EQUAL(curlreq_code(&r, "RNFR"), 550);
		curlreq_done(&r);
	}
	CU_ASSERT(!harness_exists(&anon, "upload.txt"));
	CU_ASSERT(!harness_exists(&anon, "pubdir"));
	CU_ASSERT(harness_file_equals(&anon, "alice/pub.txt", pub, strlen(pub)));
}

static void
test_anonymous_write(void)
{
	unsigned char data[70000];
	struct curlreq r;
	CURL *h;

	harness_pattern(data, sizeof(data), 21);
	h = curlreq_open(&anonw, NULL, "incoming/drop.bin", &r);
	curlreq_upload(h, &r, data, sizeof(data));
	curl_easy_setopt(h, CURLOPT_FTP_CREATE_MISSING_DIRS,
	    (long)CURLFTP_CREATE_DIR);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "MKD"), 257);
	CU_ASSERT_EQUAL(curlreq_code(&r, "STOR"), 150);
	curlreq_done(&r);
	CU_ASSERT(harness_file_equals(&anonw, "incoming/drop.bin", data,
	    sizeof(data)));

	/* A named user still logs in on the same server. */
	h = curlreq_open(&anonw, "alice", "", &r);
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	CU_ASSERT_EQUAL(curlreq_run(h, &r), CURLE_OK);
	CU_ASSERT_EQUAL(curlreq_code(&r, "PASS"), 230);
	curlreq_done(&r);
}

void
suite_register(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ADD_SUITE("session", init_main, clean_main,
	    TEST(test_login_and_quit),
	    TEST(test_login_refused),
	    TEST(test_login_sequence_rules),
	    TEST(test_line_forms),
	    TEST(test_overlong_line),
	    TEST(test_abor_idle),
	    TEST(test_abor_retr),
	    TEST(test_retr_reset),
	    TEST(test_stor_reset_keeps_file),
	    TEST(test_stor_abor_keeps_file),
	    TEST(test_cwd_stays_home),
	    TEST(test_retr_cannot_escape),
	    TEST(test_symlinks_cannot_escape),
	    TEST(test_readonly_user));
	ADD_SUITE("anonymous", init_anon, clean_anon,
	    TEST(test_anonymous_read_only));
	ADD_SUITE("anonymous-write", init_anonw, clean_anonw,
	    TEST(test_anonymous_write));
}
