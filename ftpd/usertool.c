/*
 * usertool.c: `ftpd user`; see usertool.h.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "hashpw.h"
#include "userdb.h"
#include "users.h"
#include "usertool.h"
#include "who.h"

#define PROG "ftpd user"
#define DEFAULT_CONFIG "/etc/ftpd/ftpd.conf"
#define USERS_FILE_MAX (64u << 20)	/* far beyond any real users file */

/* What the command line asked for. */
struct request {
	const char *verb;
	const char *name;
	const char *home;	/* add: default /NAME */
	const char *limits;	/* add: the fifth field, passed through */
	const char *method;	/* hash method, NULL: yescrypt */
	int readonly;
	char users[4096];
	char admin_socket[108];
	gid_t run_as_gid;	/* a new users file's group, when known */
	int have_run_as_gid;
	char hash[512];		/* add, passwd: the new hash */
};

/* The users file in memory and the line a request is about. */
struct users_text {
	struct buf text;
	size_t start, end;	/* the user's line, with its end; end 0: none */
	unsigned lineno;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: ftpd user add NAME [--home PATH] [--ro] [--limits TEXT]\n"
"       ftpd user passwd|del|lock|unlock NAME\n"
"       ftpd user list\n"
"       ftpd user recount NAME [--config FILE] [--users FILE] [--root DIR]\n"
"  options: [--users FILE] [--config FILE] [--admin-socket PATH]\n"
"           [--hash-method yescrypt|sha512]\n"
"The users file is --users, else the `users` key of --config (default\n"
DEFAULT_CONFIG "). After an edit the server is told to reload over\n"
"its admin socket.\n");
}

/* Same rule as the users file (users.c): letters, digits, "._-@". */
static int
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > USER_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-@", *s) == NULL)
			return 0;
	return 1;
}

/* Reads path into t and finds name's line. 0 (a missing file is empty), -1. */
static int
read_users(const char *path, const char *name, struct users_text *t)
{
	char chunk[8192];
	size_t at = 0, n = name != NULL ? strlen(name) : 0;
	unsigned lineno = 0;
	ssize_t got;
	int fd;

	buf_init(&t->text, USERS_FILE_MAX);
	t->start = t->end = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1;
	while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || buf_append(&t->text, chunk, (size_t)got) < 0) {
			if (got >= 0)
				errno = EFBIG;
			close(fd);
			return -1;
		}
	}
	close(fd);
	while (name != NULL && at < t->text.len) {
		const char *line = t->text.data + at;
		const char *nl = memchr(line, '\n', t->text.len - at);
		size_t len = nl != NULL ? (size_t)(nl - line) + 1 : t->text.len - at;

		lineno++;
		if (line[0] != '#' && len > n && strncmp(line, name, n) == 0 &&
		    line[n] == ':') {
			t->start = at;
			t->end = at + len;
			t->lineno = lineno;
			return 0;
		}
		at += len;
	}
	return 0;
}

/*
 * The second field (the hash) of the found line: *off and *len in the
 * text. -1 when the line has no second ':' (users_load refuses it).
 */
static int
hash_field(const struct users_text *t, size_t *off, size_t *len)
{
	const char *line = t->text.data + t->start;
	const char *c1 = memchr(line, ':', t->end - t->start), *c2;

	if (c1 == NULL || (c2 = memchr(c1 + 1, ':',
	    t->end - t->start - (size_t)(c1 + 1 - line))) == NULL)
		return -1;
	*off = t->start + (size_t)(c1 + 1 - line);
	*len = (size_t)(c2 - c1 - 1);
	return 0;
}

/*
 * Writes the new file: the text before the user's line, repl, the text
 * after it. Returns 0 or -1 (message printed); the replacement is checked
 * with users_load before it takes the file's place.
 */
static int
replace_file(const struct request *rq, const struct users_text *t,
    size_t cut_start, size_t cut_end, const char *repl)
{
	char tmp[4200], err[1024], dir[4096];
	const char *parts[3];
	size_t lens[3], i;
	struct stat st;
	int fd, have = stat(rq->users, &st) == 0, dfd;

	parts[0] = t->text.data != NULL ? t->text.data : "";
	lens[0] = cut_start;
	parts[1] = repl;
	lens[1] = strlen(repl);
	parts[2] = parts[0] + cut_end;
	lens[2] = t->text.len - cut_end;
	if (xsnprintf(tmp, sizeof(tmp), "%s.XXXXXX", rq->users) < 0 ||
	    (fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		fprintf(stderr, "%s: cannot write beside %s: %s\n", PROG,
		    rq->users, strerror(errno));
		return -1;
	}
	/*
	 * The same mode and owner: the server reads it as run_as. A new
	 * file is root's, in run_as's group, 0640 (as the README asks).
	 */
	if (fchmod(fd, have ? st.st_mode & 07777 : 0640) < 0 ||
	    (have && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) < 0) ||
	    (!have && geteuid() == 0 && rq->have_run_as_gid &&
	    fchown(fd, 0, rq->run_as_gid) < 0))
		goto fail;
	for (i = 0; i < 3; i++)
		if (lens[i] > 0 && write(fd, parts[i], lens[i]) != (ssize_t)lens[i])
			goto fail;
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (users_load(tmp, err, sizeof(err)) < 0) {
		size_t n = strlen(tmp);

		/* Name the real file in "path:line: why". */
		fprintf(stderr, "%s: the edited file would not load: %s%s\n",
		    PROG, strncmp(err, tmp, n) == 0 ? rq->users : "",
		    strncmp(err, tmp, n) == 0 ? err + n : err);
		users_unload();
		unlink(tmp);
		return -1;
	}
	users_unload();
	if (rename(tmp, rq->users) < 0)
		goto fail;
	/* The rename itself must reach the disk too. */
	if (xstrlcpy(dir, rq->users, sizeof(dir)) == 0 &&
	    (dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	fprintf(stderr, "%s: cannot write %s: %s\n", PROG, tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/* add: the home (default /NAME, into home) and --limits. 0 or -1. */
static int
check_add(const struct request *rq, char *home, size_t size)
{
	if (rq->home == NULL) {
		if (xsnprintf(home, size, "/%s", rq->name) < 0)
			return -1;
	} else if (xstrlcpy(home, rq->home, size) < 0) {
		fprintf(stderr, "%s: home too long\n", PROG);
		return -1;
	}
	if (home[0] == '\0' || strpbrk(home, ":\n\r") != NULL ||
	    users_home_escapes(home)) {
		fprintf(stderr, "%s: home '%s' is outside the root or holds "
		    "':' (it may not hold \"..\")\n", PROG, home);
		return -1;
	}
	if (rq->limits != NULL && (rq->limits[0] == '\0' ||
	    strpbrk(rq->limits, ":\n\r") != NULL)) {
		fprintf(stderr, "%s: --limits may not be empty or hold ':'\n",
		    PROG);
		return -1;
	}
	return 0;
}

/* The new line for add, into line. 0, or -1 (message printed). */
static int
new_line(const struct request *rq, char *line, size_t size)
{
	char home[4096];

	if (check_add(rq, home, sizeof(home)) < 0)
		return -1;
	if (xsnprintf(line, size, "%s:%s:%s:%s%s%s\n", rq->name, rq->hash,
	    home, rq->readonly ? "ro" : "rw", rq->limits != NULL ? ":" : "",
	    rq->limits != NULL ? rq->limits : "") < 0) {
		fprintf(stderr, "%s: the line is too long\n", PROG);
		return -1;
	}
	return 0;
}

/*
 * Applies rq to t (the file, locked) and writes the result. Returns 0,
 * 1 when nothing needed to change (said why), -1 (message printed).
 */
static int
edit(const struct request *rq, const struct users_text *t)
{
	char line[8192];
	size_t off = 0, len = 0;
	const char *old;

	if (strcmp(rq->verb, "add") == 0) {
		if (t->end != 0) {
			fprintf(stderr, "%s: user '%s' exists (%s:%u)\n", PROG,
			    rq->name, rq->users, t->lineno);
			return -1;
		}
		if (new_line(rq, line + 1, sizeof(line) - 1) < 0)
			return -1;
		/* A last line without its end gets one first. */
		line[0] = '\n';
		return replace_file(rq, t, t->text.len, t->text.len,
		    t->text.len > 0 && t->text.data[t->text.len - 1] != '\n' ?
		    line : line + 1);
	}
	if (t->end == 0) {
		fprintf(stderr, "%s: no user '%s' in %s\n", PROG, rq->name,
		    rq->users);
		return -1;
	}
	if (strcmp(rq->verb, "del") == 0)
		return replace_file(rq, t, t->start, t->end, "");
	if (hash_field(t, &off, &len) < 0) {
		fprintf(stderr, "%s: %s:%u: not name:hash:home:perms\n", PROG,
		    rq->users, t->lineno);
		return -1;
	}
	old = t->text.data + off;
	if (strcmp(rq->verb, "lock") == 0) {
		if (len > 0 && (old[0] == '!' || old[0] == '*')) {
			printf("%s: '%s' is already locked\n", PROG, rq->name);
			return 1;
		}
		return replace_file(rq, t, off, off, "!");
	}
	if (strcmp(rq->verb, "unlock") == 0) {
		if (len == 0 || old[0] != '!') {
			printf("%s: '%s' is not locked%s\n", PROG, rq->name,
			    len > 0 && old[0] == '*' ? " (it has no password: "
			    "set one with passwd)" : "");
			return 1;
		}
		return replace_file(rq, t, off, off + 1, "");
	}
	/* passwd: a locked account stays locked. */
	if (xsnprintf(line, sizeof(line), "%s%s", len > 0 && old[0] == '!' ?
	    "!" : "", rq->hash) < 0)
		return -1;
	return replace_file(rq, t, off, off + len, line);
}

/* Asks the server to reload; says what the admin should do if it can't. */
static void
tell_server(const struct request *rq)
{
	char answer[600];
	ssize_t n;
	size_t got = 0;
	int fd;

	if (rq->admin_socket[0] == '\0' ||
	    (fd = who_connect(rq->admin_socket, PROG)) < 0) {
		printf("%s: the server was not told: send it SIGHUP "
		    "(systemctl reload ftpd) to use the new users file\n", PROG);
		return;
	}
	if (send(fd, "reload\n", 7, MSG_NOSIGNAL) == 7)
		while (got < sizeof(answer) - 1 &&
		    ((n = read(fd, answer + got, sizeof(answer) - 1 - got)) > 0 ||
		    (n < 0 && errno == EINTR)))
			got += n > 0 ? (size_t)n : 0;
	close(fd);
	answer[got] = '\0';
	answer[strcspn(answer, "\n")] = '\0';
	if (strncmp(answer, "ok", 2) == 0)
		printf("%s: server reloaded (%s)\n", PROG, answer);
	else
		printf("%s: the server did not reload (%s): send it SIGHUP "
		    "(systemctl reload ftpd)\n", PROG, got > 0 ? answer :
		    "no answer");
}

/* `list`: name, home, rw/ro, locked; from the file, not the server. */
static int
list(const struct request *rq)
{
	struct users_text t;
	size_t at = 0;

	if (read_users(rq->users, NULL, &t) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, rq->users, strerror(errno));
		return 1;
	}
	printf("%-24s %-32s %-5s %s\n", "NAME", "HOME", "PERMS", "LOCKED");
	while (at < t.text.len) {
		char *line = t.text.data + at, *f[4], *save = NULL;
		char *nl = memchr(line, '\n', t.text.len - at);
		size_t len = nl != NULL ? (size_t)(nl - line) + 1 : t.text.len - at;
		int i;

		at += len;
		if (nl != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (i = 0; i < 4; i++)
			f[i] = strtok_r(i == 0 ? line : NULL, ":\r", &save);
		if (f[3] == NULL)
			continue;	/* users_load names it */
		printf("%-24s %-32s %-5s %s\n", f[0], f[2], f[3],
		    f[1][0] == '!' || f[1][0] == '*' ? "locked" : "-");
	}
	buf_free(&t.text);
	return 0;
}

/* Locks, edits, unlocks; then tells the server. The exit status. */
static int
run_edit(const struct request *rq)
{
	struct users_text t;
	char lockpath[4200];
	int lfd, rc;

	if (xsnprintf(lockpath, sizeof(lockpath), "%s.lock", rq->users) < 0 ||
	    (lfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
	    flock(lfd, LOCK_EX) < 0) {
		fprintf(stderr, "%s: cannot lock %s.lock: %s\n", PROG,
		    rq->users, strerror(errno));
		return 1;
	}
	if (read_users(rq->users, rq->name, &t) < 0) {
		fprintf(stderr, "%s: %s: %s\n", PROG, rq->users, strerror(errno));
		rc = -1;
	} else
		rc = edit(rq, &t);
	buf_free(&t.text);
	close(lfd);		/* drops the lock */
	if (rc != 0)
		return rc < 0 ? 1 : 0;
	printf("%s: %s %s: done\n", PROG, rq->verb, rq->name);
	tell_server(rq);
	return 0;
}

/* Where the users file and the admin socket are. 0, or -1 (said why). */
static int
find_files(struct request *rq, const char *users, const char *config,
    const char *sock)
{
	struct config cfg;
	char err[512], resolved[PATH_MAX];
	int rc = 0;

	config_defaults(&cfg);
	if ((config != NULL || users == NULL) &&
	    config_load(&cfg, config != NULL ? config : DEFAULT_CONFIG, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, err);
		rc = -1;
	}
	if (users == NULL)
		users = cfg.users_file;
	if (sock == NULL)
		sock = cfg.admin_socket != NULL ? cfg.admin_socket : "";
	if (rc == 0 && users == NULL) {
		fprintf(stderr, "%s: no users file: give --users FILE\n", PROG);
		rc = -1;
	}
	if (rc == 0 && userdb_backend_for(users) != &userdb_file_ops) {
		fprintf(stderr, "%s: the users are in a database: change its "
		    "table (docs/users.sql); this tool edits users files\n",
		    PROG);
		rc = -1;
	}
	/* A new file must be readable by the server's group (run_as). */
	if (rc == 0 && cfg.run_as != NULL) {
		struct passwd *pw = getpwnam(cfg.run_as);

		if (pw != NULL) {
			rq->run_as_gid = pw->pw_gid;
			rq->have_run_as_gid = 1;
		}
	}
	/*
	 * Edit the file a symlink names, not the link: renaming over the
	 * link would replace it with a regular file.
	 */
	if (rc == 0 && realpath(users, resolved) != NULL)
		users = resolved;
	if (rc == 0 && (xstrlcpy(rq->users, users, sizeof(rq->users)) < 0 ||
	    xstrlcpy(rq->admin_socket, sock, sizeof(rq->admin_socket)) < 0)) {
		fprintf(stderr, "%s: path too long\n", PROG);
		rc = -1;
	}
	config_free(&cfg);
	return rc;
}

/* Which verbs take a NAME, and which a new password. */
static const struct verb {
	const char *name;
	int takes_name, takes_password;
} verbs[] = {
	{ "add", 1, 1 },
	{ "passwd", 1, 1 },
	{ "del", 1, 0 },
	{ "lock", 1, 0 },
	{ "unlock", 1, 0 },
	{ "list", 0, 0 },
};

int
usertool_main(int argc, char **argv)
{
	enum { O_HOME = 256, O_RO, O_LIMITS, O_USERS, O_CONFIG, O_SOCK, O_METHOD };
	static const struct option opts[] = {
		{ "home", required_argument, NULL, O_HOME },
		{ "ro", no_argument, NULL, O_RO },
		{ "limits", required_argument, NULL, O_LIMITS },
		{ "users", required_argument, NULL, O_USERS },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "admin-socket", required_argument, NULL, O_SOCK },
		{ "hash-method", required_argument, NULL, O_METHOD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *users = NULL, *config = NULL, *sock = NULL;
	static struct request rq;
	const struct verb *v = NULL;
	char password[1024];
	size_t i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_HOME: rq.home = optarg; break;
		case O_RO: rq.readonly = 1; break;
		case O_LIMITS: rq.limits = optarg; break;
		case O_USERS: users = optarg; break;
		case O_CONFIG: config = optarg; break;
		case O_SOCK: sock = optarg; break;
		case O_METHOD: rq.method = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	for (i = 0; optind < argc && i < ARRAY_LEN(verbs); i++)
		if (strcmp(argv[optind], verbs[i].name) == 0)
			v = &verbs[i];
	if (v == NULL || argc - optind != 1 + v->takes_name ||
	    ((rq.home != NULL || rq.readonly || rq.limits != NULL) &&
	    strcmp(v->name, "add") != 0)) {
		usage(stderr);
		return 2;
	}
	rq.verb = v->name;
	rq.name = v->takes_name ? argv[optind + 1] : NULL;
	if (rq.name != NULL && !name_ok(rq.name)) {
		fprintf(stderr, "%s: bad user name '%s' (letters, digits, "
		    "\"._-@\", at most %d)\n", PROG, rq.name, USER_NAME_MAX);
		return 2;
	}
	if (strcmp(rq.verb, "add") == 0 &&
	    check_add(&rq, password, sizeof(password)) < 0)
		return 1;
	if (find_files(&rq, users, config, sock) < 0)
		return 1;
	if (!v->takes_name)
		return list(&rq);
	/* Hashing takes a while: before the lock, not under it. */
	if (v->takes_password) {
		if (hashpw_read(password, sizeof(password)) < 0)
			return 1;
		rc = users_hash_password(password, rq.method, rq.hash,
		    sizeof(rq.hash));
		users_wipe(password, sizeof(password));
		if (rc < 0) {
			fprintf(stderr, "%s: could not hash the password\n", PROG);
			return 1;
		}
	}
	rc = run_edit(&rq);
	users_wipe(rq.hash, sizeof(rq.hash));
	return rc;
}
