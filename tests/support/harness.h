/*
 * harness: start the real ftpd binary for an integration test.
 *
 * The server runs on 127.0.0.1 (or ::1) port 0 with a fresh temporary root
 * and users file; the harness reads the port it bound from its ready line
 * (no free-port guessing), and stops it by its own pid, TERM then KILL.
 * The server's log is kept in a file and printed when a test failed.
 * Run as root (as CI does), the server gets --run-as nobody and the test
 * tree belongs to nobody, so permission checks are real ones.
 */
#ifndef FTP_HARNESS_H
#define FTP_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#define HARNESS_PATH_MAX 512

struct server {
	pid_t pid;
	unsigned port;
	char host[64];			/* "127.0.0.1" or "::1" */
	char dir[HARNESS_PATH_MAX];	/* temporary folder holding it all */
	char root[HARNESS_PATH_MAX];	/* the server root */
	char users[HARNESS_PATH_MAX];	/* the users file */
	char log[HARNESS_PATH_MAX];	/* the server's stderr */
	unsigned failures_at_start;	/* CUnit failures when the suite began */
};

/*
 * Creates a temporary folder with root/ (homes alice/ rw and bob/ ro,
 * both with password "secret"; anonymous sees root/ itself) and a users
 * file. Returns 0 or -1.
 */
int harness_prepare(struct server *srv);

/*
 * Starts ftpd on srv->host (set it before; default 127.0.0.1) with
 * the prepared root plus extra arguments (NULL-terminated, may be NULL).
 * Waits at most 10 s for the ready line. Returns 0 or -1.
 */
int harness_start(struct server *srv, const char *const *extra);

/* Stops the server by pid (TERM, then KILL after 5 s). Returns its status. */
int harness_stop(struct server *srv);

/* Stops the server if running and removes the temporary folder. */
void harness_cleanup(struct server *srv);

/* Prints the last lines of the server log to stdout. */
void harness_dump_log(const struct server *srv);

/* Writes len bytes to root-relative path rel (creating folders). */
int harness_write_file(const struct server *srv, const char *rel,
    const void *data, size_t len);

/* Reads a root-relative file into a malloc'd buffer; *len set. NULL on error. */
void *harness_read_file(const struct server *srv, const char *rel, size_t *len);

/* SHA-256 of a buffer or a root-relative file as 64 hex digits. */
void harness_sha256(const void *data, size_t len, char hex[65]);
int harness_sha256_file(const struct server *srv, const char *rel, char hex[65]);

/*
 * Whether the root-relative file holds exactly the len bytes at data
 * (compared by SHA-256). 0 when it differs or cannot be read.
 */
int harness_file_equals(const struct server *srv, const char *rel,
    const void *data, size_t len);

/* Whether a root-relative path exists. */
int harness_exists(const struct server *srv, const char *rel);

/* "ftp://user:secret@host:port/" + path into out. */
void harness_url(const struct server *srv, const char *user, const char *path,
    char *out, size_t outsz);

/* Fills buf with len bytes of a repeatable pseudo-random pattern. */
void harness_pattern(void *buf, size_t len, unsigned seed);

/*
 * For a CUnit suite's init: prepares srv, starts it on host (NULL for
 * 127.0.0.1) with the extra arguments. Returns 0, or -1 (the suite then
 * fails as a whole).
 */
int harness_suite_start(struct server *srv, const char *host,
    const char *const *extra);

/*
 * For a CUnit suite's cleanup: prints the server log when a test of the
 * suite failed, then stops the server and removes its folder. Returns 0.
 */
int harness_suite_stop(struct server *srv);

#endif
