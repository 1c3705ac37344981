/*
 * cmds_xfer.c: get, put and their variants.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cmdtable.h"
#include "getput.h"
#include "localproc.h"

static void
opts_for(struct client *c, struct getput_opts *o)
{
	getput_defaults(o);
	o->ascii = c->ascii;
	o->progress = client_progress_on(c);
	o->report = c->quiet ? NULL : stdout;
	o->verify = c->verify;
	o->notes = client_notes(c);
}

static enum fc_status
download(struct client *c, const char *remote, const char *local, int resume)
{
	char tmp[CLIENT_PATH_MAX];
	struct getput_opts o;
	enum fc_status st;

	if (local == NULL)
		local = client_basename(remote, tmp, sizeof(tmp));
	opts_for(c, &o);
	o.resume = resume;
	if (strcmp(local, "-") == 0) {
		/* The file goes to descriptor 1: what printf holds goes first. */
		fflush(stdout);
		o.progress = 0;
	}
	st = getput_download(&c->s, remote, local, &o);
	if (st != FC_OK)
		return client_fail(c, st, "get %s: %s", remote, c->s.err);
	return FC_OK;
}

/* The remote name for an upload: a name ending in '/' is a directory. */
static int
upload_target(const char *local, const char *remote, char *out, size_t outsz)
{
	char tmp[CLIENT_PATH_MAX];
	const char *base = client_basename(local, tmp, sizeof(tmp));
	size_t n;

	if (remote == NULL)
		return xstrlcpy(out, base, outsz);
	n = strlen(remote);
	if (n > 0 && remote[n - 1] == '/')
		return xsnprintf(out, outsz, "%s%s", remote, base);
	return xstrlcpy(out, remote, outsz);
}

static enum fc_status
upload(struct client *c, const char *local, const char *remote, int resume,
    int append)
{
	char target[CLIENT_PATH_MAX];
	struct getput_opts o;
	enum fc_status st;

	struct stat sb;

	if (stat(local, &sb) == 0 && S_ISDIR(sb.st_mode))
		return client_fail(c, FC_LOCAL, "put %s: is a folder (mirror -R "
		    "%s uploads it with everything in it)", local, local);
	if (upload_target(local, remote, target, sizeof(target)) < 0)
		return client_fail(c, FC_USAGE, "put: name too long");
	opts_for(c, &o);
	o.resume = resume;
	o.append = append;
	st = getput_upload(&c->s, local, target, &o);
	if (st != FC_OK)
		return client_fail(c, st, "put %s: %s", local, c->s.err);
	return FC_OK;
}

enum fc_status
ftpc_cmd_get(struct client *c, int argc, char **argv)
{
	return download(c, argv[1], argc > 2 ? argv[2] : NULL, 0);
}

enum fc_status
ftpc_cmd_reget(struct client *c, int argc, char **argv)
{
	return download(c, argv[1], argc > 2 ? argv[2] : NULL, 1);
}

enum fc_status
ftpc_cmd_put(struct client *c, int argc, char **argv)
{
	return upload(c, argv[1], argc > 2 ? argv[2] : NULL, 0, 0);
}

enum fc_status
ftpc_cmd_reput(struct client *c, int argc, char **argv)
{
	return upload(c, argv[1], argc > 2 ? argv[2] : NULL, 1, 0);
}

enum fc_status
ftpc_cmd_append(struct client *c, int argc, char **argv)
{
	return upload(c, argv[1], argc > 2 ? argv[2] : NULL, 0, 1);
}

/* hash FILE [ALGO]: the server's hash of a remote file. */
enum fc_status
ftpc_cmd_hash(struct client *c, int argc, char **argv)
{
	char hex[DIGEST_HEX_MAX];
	enum digest_algo algo = DIGEST_SHA256;
	enum fc_status st;

	if (argc > 2 && digest_lookup(argv[2], &algo) < 0)
		return client_fail(c, FC_USAGE, "hash: unknown algorithm %s "
		    "(SHA-256, SHA-512, SHA-1, MD5)", argv[2]);
	if (!(c->s.feat & PF_HASH))
		return client_fail(c, FC_REMOTE, "hash %s: server offers no HASH",
		    argv[1]);
	st = verify_remote_hash(&c->s, argv[1], algo, 0, -1, hex);
	if (st != FC_OK)
		return client_fail(c, st, "hash %s: %s", argv[1], c->s.err);
	printf("%s  %s (%s)\n", hex, argv[1], digest_name(algo));
	fflush(stdout);
	return FC_OK;
}

enum fc_status
ftpc_cmd_cat(struct client *c, int argc, char **argv)
{
	enum fc_status st, worst = FC_OK;
	int a;

	for (a = 1; a < argc && c->s.state == PS_LOGGED_IN; a++)
		if ((st = download(c, argv[a], "-", 0)) != FC_OK)
			worst = st;
	fflush(stdout);
	return worst;
}

/*
 * more: the file goes down a pipe into $PAGER (else more). Standard
 * output points at the pipe for the download, so the transfer code needs
 * no pager of its own. A pager that quits early makes the rest of the
 * download fail to write: that is the user's choice, not an error.
 */
enum fc_status
ftpc_cmd_more(struct client *c, int argc, char **argv)
{
	const char *pager = getenv("PAGER");
	char *args[4];
	struct getput_opts o;
	enum fc_status st;
	int p[2], saved;
	pid_t pid;

	(void)argc;
	if (!isatty(STDOUT_FILENO))
		return ftpc_cmd_cat(c, argc, argv);
	if (pager == NULL || *pager == '\0')
		pager = "more";
	args[0] = (char *)localproc_shell();
	args[1] = "-c";
	args[2] = (char *)pager;
	args[3] = NULL;
	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0)
		return client_fail(c, FC_LOCAL, "more: %s", strerror(errno));
	pid = localproc_spawn(args, p[0]);
	close(p[0]);
	saved = pid < 0 ? -1 : fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved < 0 || dup2(p[1], STDOUT_FILENO) < 0) {
		st = client_fail(c, FC_LOCAL, "more: %s", strerror(errno));
		close(p[1]);
		if (saved >= 0)
			close(saved);
		if (pid > 0)
			(void)localproc_wait(pid);
		return st;
	}
	close(p[1]);
	opts_for(c, &o);
	o.progress = 0;
	st = getput_download(&c->s, argv[1], "-", &o);
	fflush(stdout);
	/* Back to the terminal; the pager sees end of file. */
	if (dup2(saved, STDOUT_FILENO) < 0)
		st = FC_LOCAL;
	close(saved);
	(void)localproc_wait(pid);
	if (st == FC_LOCAL)
		return FC_OK;
	if (st != FC_OK)
		return client_fail(c, st, "more %s: %s", argv[1], c->s.err);
	return FC_OK;
}

/*
 * Prints the summary of a multi-file command; returns the worst status.
 * A pattern that matched nothing has said so already and is no file.
 */
static enum fc_status
summary(struct client *c, const char *what, size_t ok, size_t failed,
    enum fc_status worst)
{
	if (failed > 0)
		client_fail(c, worst, "%s: %zu of %zu files failed", what,
		    failed, ok + failed);
	else if (c->interactive && ok > 0)
		client_note(c, "%s: %zu files transferred", what, ok);
	return worst;
}

enum fc_status
ftpc_cmd_mget(struct client *c, int argc, char **argv)
{
	enum fc_status st, worst = FC_OK;
	size_t n, i, ok = 0, failed = 0;
	char **names;
	int a;

	for (a = 1; a < argc; a++) {
		st = client_remote_glob(c, argv[a], 0, &names, &n);
		if (st == FC_OK && n == 0) {
			worst = client_fail(c, FC_REMOTE, "mget: no match for %s",
			    argv[a]);
			continue;
		}
		if (st != FC_OK) {
			worst = client_fail(c, st, "mget %s: %s", argv[a],
			    c->s.err);
			continue;
		}
		for (i = 0; i < n; i++) {
			st = download(c, names[i], NULL, 0);
			if (st == FC_OK) {
				ok++;
			} else {
				failed++;
				worst = st;
			}
			if (c->s.state != PS_LOGGED_IN)
				break;
		}
		client_free_names(names, n);
	}
	return summary(c, "mget", ok, failed, worst);
}

static int
has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

enum fc_status
ftpc_cmd_mput(struct client *c, int argc, char **argv)
{
	enum fc_status st, worst = FC_OK;
	size_t i, ok = 0, failed = 0;
	struct stat sb;
	glob_t g;
	int a, rc;

	for (a = 1; a < argc; a++) {
		rc = glob(argv[a], 0, NULL, &g);
		if (rc == GLOB_NOMATCH && !has_glob_chars(argv[a])) {
			/* A plain name: let put say what is wrong with it. */
			rc = glob(argv[a], GLOB_NOCHECK, NULL, &g);
		}
		if (rc != 0) {
			worst = client_fail(c, FC_LOCAL, "mput: no match for %s",
			    argv[a]);
			continue;
		}
		for (i = 0; i < g.gl_pathc; i++) {
			if (stat(g.gl_pathv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
				continue;
			st = upload(c, g.gl_pathv[i], NULL, 0, 0);
			if (st == FC_OK) {
				ok++;
			} else {
				failed++;
				worst = st;
			}
			if (c->s.state != PS_LOGGED_IN)
				break;
		}
		globfree(&g);
	}
	return summary(c, "mput", ok, failed, worst);
}
