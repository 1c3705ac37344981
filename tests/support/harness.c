/*
 * harness.c: start and stop the real ftpd for integration tests.
 */
#include <CUnit/CUnit.h>
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/*
 * As root the server runs as this user (--run-as), and the test tree
 * belongs to it, so that permission checks in tests are real.
 */
#define RUN_AS_USER "nobody"

/* Gives path to the run-as user when we are root; no-op otherwise. */
static void
give(const char *path)
{
	struct passwd *pw;

	if (geteuid() != 0 || (pw = getpwnam(RUN_AS_USER)) == NULL)
		return;
	if (lchown(path, pw->pw_uid, pw->pw_gid) < 0)
		fprintf(stderr, "harness: chown %s: %s\n", path, strerror(errno));
}

static int
mkdirs(const char *path)
{
	char tmp[HARNESS_PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == 0)
			give(tmp);
		else if (errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755) == 0)
		give(tmp);
	else if (errno != EEXIST)
		return -1;
	return 0;
}

int
harness_prepare(struct server *srv)
{
	struct crypt_data cd;
	const char *hash;
	char path[HARNESS_PATH_MAX + 16];
	FILE *f;

	memset(&cd, 0, sizeof(cd));
	srv->pid = -1;
	if (srv->host[0] == '\0')
		snprintf(srv->host, sizeof(srv->host), "127.0.0.1");
	snprintf(srv->dir, sizeof(srv->dir), "/tmp/ftpd-test.XXXXXX");
	if (mkdtemp(srv->dir) == NULL)
		return -1;
	if (snprintf(srv->root, sizeof(srv->root), "%s/root", srv->dir) >=
	    (int)sizeof(srv->root) ||
	    snprintf(srv->users, sizeof(srv->users), "%s/users", srv->dir) >=
	    (int)sizeof(srv->users) ||
	    snprintf(srv->log, sizeof(srv->log), "%s/ftpd.log", srv->dir) >=
	    (int)sizeof(srv->log))
		return -1;
	snprintf(path, sizeof(path), "%s/alice", srv->root);
	if (mkdirs(path) < 0)
		return -1;
	give(srv->root);
	snprintf(path, sizeof(path), "%s/bob", srv->root);
	if (mkdirs(path) < 0)
		return -1;
	/* sha512-crypt keeps the tests quick; yescrypt is tested on its own. */
	hash = crypt_r("secret", "$6$harnesssalt$", &cd);
	if (hash == NULL || hash[0] == '*')
		return -1;
	if ((f = fopen(srv->users, "w")) == NULL)
		return -1;
	fprintf(f, "# test users\nalice:%s:/alice:rw\nbob:%s:/bob:ro\n", hash,
	    hash);
	return fclose(f) == 0 ? 0 : -1;
}

/* Looks for "port N" in the ready line of the log. */
static int
read_ready(struct server *srv)
{
	char line[512];
	FILE *f = fopen(srv->log, "r");
	int found = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = strstr(line, "ready on ");

		if (p == NULL || (p = strstr(p, " port ")) == NULL)
			continue;
		srv->port = (unsigned)strtoul(p + 6, NULL, 10);
		found = srv->port > 0;
		break;
	}
	fclose(f);
	return found;
}

int
harness_start(struct server *srv, const char *const *extra)
{
	const char *bin = getenv("FTPD_BIN");
	const char *argv[64];
	char admin[sizeof(srv->dir) + 32];
	int n = 0, i, fd;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	if (bin == NULL)
		bin = "build/ftpd/ftpd";
	snprintf(admin, sizeof(admin), "admin_socket=%s/admin.sock", srv->dir);
	argv[n++] = bin;
	argv[n++] = "--foreground";
	argv[n++] = "--listen";
	argv[n++] = srv->host;
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--root";
	argv[n++] = srv->root;
	argv[n++] = "--users";
	argv[n++] = srv->users;
	argv[n++] = "--pasv-ports";
	argv[n++] = "40000-49999";
	/* `ftpd who`'s socket stays in the test's folder. */
	argv[n++] = "--set";
	argv[n++] = admin;
	if (geteuid() == 0) {
		argv[n++] = "--run-as";
		argv[n++] = RUN_AS_USER;
	}
	for (i = 0; extra != NULL && extra[i] != NULL && n < 62; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	srv->port = 0;
	srv->pid = fork();
	if (srv->pid < 0)
		return -1;
	if (srv->pid == 0) {
		fd = open(srv->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(126);
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {	/* 10 s at most */
		int status;

		if (read_ready(srv))
			return 0;
		if (waitpid(srv->pid, &status, WNOHANG) == srv->pid) {
			srv->pid = -1;
			harness_dump_log(srv);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	harness_dump_log(srv);
	harness_stop(srv);
	return -1;
}

int
harness_stop(struct server *srv)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int status = -1, i;

	if (srv->pid <= 0)
		return -1;
	kill(srv->pid, SIGTERM);
	for (i = 0; i < 250; i++) {	/* 5 s */
		if (waitpid(srv->pid, &status, WNOHANG) == srv->pid) {
			srv->pid = -1;
			return status;
		}
		nanosleep(&ts, NULL);
	}
	kill(srv->pid, SIGKILL);
	waitpid(srv->pid, &status, 0);
	srv->pid = -1;
	return status;
}

void
harness_cleanup(struct server *srv)
{
	char cmd[HARNESS_PATH_MAX + 32];

	harness_stop(srv);
	if (srv->dir[0] == '\0' || getenv("KEEP_TEST_DIRS") != NULL)
		return;
	if (strncmp(srv->dir, "/tmp/ftpd-test.", 15) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", srv->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", srv->dir);
	srv->dir[0] = '\0';
}

void
harness_dump_log(const struct server *srv)
{
	char line[1024];
	FILE *f = fopen(srv->log, "r");
	long size;

	if (f == NULL)
		return;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	if (size > 8192)
		fseek(f, size - 8192, SEEK_SET);
	else
		fseek(f, 0, SEEK_SET);
	printf("---- ftpd log (%s) ----\n", srv->log);
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stdout);
	printf("---- end of log ----\n");
	fclose(f);
}

int
harness_write_file(const struct server *srv, const char *rel, const void *data,
    size_t len)
{
	char path[HARNESS_PATH_MAX * 2], dir[HARNESS_PATH_MAX * 2];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", srv->root, rel);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (mkdirs(dir) < 0)
			return -1;
	}
	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return -1;
	give(path);
	return 0;
}

void *
harness_read_file(const struct server *srv, const char *rel, size_t *len)
{
	char path[HARNESS_PATH_MAX * 2];
	struct stat st;
	char *data;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", srv->root, rel);
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) < 0 || (data = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	*len = fread(data, 1, (size_t)st.st_size, f);
	data[*len] = '\0';
	fclose(f);
	return data;
}

void
harness_sha256(const void *data, size_t len, char hex[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	int i;

	SHA256(data, len, md);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

int
harness_sha256_file(const struct server *srv, const char *rel, char hex[65])
{
	size_t len;
	void *data = harness_read_file(srv, rel, &len);

	if (data == NULL)
		return -1;
	harness_sha256(data, len, hex);
	free(data);
	return 0;
}

int
harness_file_equals(const struct server *srv, const char *rel,
    const void *data, size_t len)
{
	char want[65], got[65];

	harness_sha256(data, len, want);
	return harness_sha256_file(srv, rel, got) == 0 &&
	    strcmp(want, got) == 0;
}

int
harness_exists(const struct server *srv, const char *rel)
{
	char path[HARNESS_PATH_MAX * 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", srv->root, rel);
	return lstat(path, &st) == 0;
}

void
harness_url(const struct server *srv, const char *user, const char *path,
    char *out, size_t outsz)
{
	const char *h = strchr(srv->host, ':') ? "[" : "";
	const char *t = strchr(srv->host, ':') ? "]" : "";

	if (user != NULL)
		snprintf(out, outsz, "ftp://%s:secret@%s%s%s:%u/%s", user, h,
		    srv->host, t, srv->port, path);
	else
		snprintf(out, outsz, "ftp://%s%s%s:%u/%s", h, srv->host, t,
		    srv->port, path);
}

void
harness_pattern(void *buf, size_t len, unsigned seed)
{
	unsigned char *p = buf;
	unsigned long long x = 0x9e3779b97f4a7c15ULL ^ seed;
	size_t i;

	for (i = 0; i < len; i++) {
		/* xorshift64: cheap, and no two seeds give the same bytes. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)(x >> 24);
	}
}

int
harness_suite_start(struct server *srv, const char *host,
    const char *const *extra)
{
	memset(srv, 0, sizeof(*srv));
	srv->pid = -1;
	snprintf(srv->host, sizeof(srv->host), "%s",
	    host != NULL ? host : "127.0.0.1");
	srv->failures_at_start = CU_get_number_of_failures();
	if (harness_prepare(srv) < 0 || harness_start(srv, extra) < 0) {
		fprintf(stderr, "could not start ftpd on %s\n", srv->host);
		harness_cleanup(srv);
		return -1;
	}
	return 0;
}

int
harness_suite_stop(struct server *srv)
{
	if (CU_get_number_of_failures() > srv->failures_at_start)
		harness_dump_log(srv);
	harness_cleanup(srv);
	return 0;
}
