/*
 * cmds_nav.c: directories, listings and remote file management.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmdargs.h"
#include "cmdtable.h"
#include "remote_rm.h"
#include "xfer.h"

#define LISTING_PRINT_MAX (256 * 1024 * 1024)

/* Sends one simple command; expect is the success code (0: any 2xx). */
static enum fc_status
simple(struct client *c, int expect, const char *what, const char *fmt,
    const char *arg)
{
	int code = proto_cmd(&c->s, fmt, arg);

	if (expect ? code == expect : proto_ok(code))
		return FC_OK;
	return client_fail(c, proto_fail(&c->s, code), "%s %s: %s", what, arg,
	    c->s.err);
}

enum fc_status
ftpc_cmd_cd(struct client *c, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : c->home;
	enum fc_status st;

	/* Alone, cd goes back to the login directory, as a shell's cd. */
	if (*dir == '\0')
		return client_fail(c, FC_USAGE, "cd: the login directory is "
		    "not known (the server did not tell it)");
	st = simple(c, 0, "cd", "CWD %s", dir);
	if (st == FC_OK)
		client_update_cwd(c);
	return st;
}

enum fc_status
ftpc_cmd_cdup(struct client *c, int argc, char **argv)
{
	int code = proto_cmd(&c->s, "CDUP");

	(void)argc;
	(void)argv;
	if (!proto_ok(code))
		return client_fail(c, proto_fail(&c->s, code), "cdup: %s",
		    c->s.err);
	client_update_cwd(c);
	return FC_OK;
}

enum fc_status
ftpc_cmd_pwd(struct client *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	client_update_cwd(c);
	if (c->rcwd[0] == '\0')
		return client_fail(c, FC_REMOTE, "pwd: %s", c->s.err);
	printf("Remote directory: %s\n", c->rcwd);
	return FC_OK;
}

enum fc_status
ftpc_cmd_lcd(struct client *c, int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("HOME");
	char cwd[CLIENT_PATH_MAX];

	if (dir == NULL)
		dir = "/";
	if (chdir(dir) < 0)
		return client_fail(c, FC_LOCAL, "lcd %s: %s", dir,
		    strerror(errno));
	if (getcwd(cwd, sizeof(cwd)) != NULL)
		client_note(c, "Local directory now %s", cwd);
	return FC_OK;
}

enum fc_status
ftpc_cmd_lpwd(struct client *c, int argc, char **argv)
{
	char cwd[CLIENT_PATH_MAX];

	(void)argc;
	(void)argv;
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return client_fail(c, FC_LOCAL, "lpwd: %s", strerror(errno));
	printf("Local directory: %s\n", cwd);
	return FC_OK;
}

/*
 * Runs a listing command and prints its text as it is. With -a the
 * command goes out as "LIST -a path", which most servers take; one that
 * refuses it (pyftpdlib reads "-a path" as a name) is asked again
 * without it, since such servers list every name anyway. A relative path
 * starting with '-' goes as "./-name", which no server takes for options.
 */
static enum fc_status
print_listing(struct client *c, const char *cmd, int argc, char **argv)
{
	struct ls_args la;
	struct buf text;
	enum fc_status st;
	char err[128], arg[CLIENT_PATH_MAX + 8], plain[CLIENT_PATH_MAX + 8];
	const char *path, *dot;

	if (cmdargs_ls(argc, argv, &la, err, sizeof(err)) < 0)
		return client_fail(c, FC_USAGE, "%s", err);
	path = la.path;
	dot = path != NULL && path[0] == '-' ? "./" : "";
	if (xsnprintf(plain, sizeof(plain), "%s%s", dot, path ? path : "") < 0 ||
	    xsnprintf(arg, sizeof(arg), "-a%s%s", path ? " " : "", plain) < 0)
		return client_fail(c, FC_USAGE, "%s: path too long", argv[0]);
	buf_init(&text, LISTING_PRINT_MAX);
	st = xfer_list(&c->s, cmd, la.all ? arg : path ? plain : NULL, &text);
	if (st == FC_REMOTE && la.all) {
		buf_free(&text);
		buf_init(&text, LISTING_PRINT_MAX);
		st = xfer_list(&c->s, cmd, path ? plain : NULL, &text);
	}
	if (st == FC_OK) {
		fwrite(text.data != NULL ? text.data : "", 1, text.len, stdout);
		fflush(stdout);
	} else {
		client_fail(c, st, "%s%s%s: %s", argv[0], path ? " " : "",
		    path ? path : "", c->s.err);
	}
	buf_free(&text);
	return st;
}

enum fc_status
ftpc_cmd_ls(struct client *c, int argc, char **argv)
{
	return print_listing(c, "LIST", argc, argv);
}

enum fc_status
ftpc_cmd_nlist(struct client *c, int argc, char **argv)
{
	return print_listing(c, "NLST", argc, argv);
}

enum fc_status
ftpc_cmd_mkdir(struct client *c, int argc, char **argv)
{
	(void)argc;
	return simple(c, R_257_PATH_CREATED, "mkdir", "MKD %s", argv[1]);
}

enum fc_status
ftpc_cmd_rmdir(struct client *c, int argc, char **argv)
{
	(void)argc;
	return simple(c, 0, "rmdir", "RMD %s", argv[1]);
}

enum fc_status
ftpc_cmd_delete(struct client *c, int argc, char **argv)
{
	(void)argc;
	return simple(c, 0, "delete", "DELE %s", argv[1]);
}

/*
 * Asks once on the terminal; 1 when the answer starts with y. The answer
 * is read byte by byte from descriptor 0, so that nothing typed after it
 * is left in a stdio buffer where the line editor would never see it.
 */
static int
confirm_rm(int argc, char **argv, int first)
{
	char ch, answer = '\0';
	ssize_t n;

	if (argc - first == 1)
		printf("Remove %s and everything in it? [y/N] ", argv[first]);
	else
		printf("Remove these %d and everything in them? [y/N] ",
		    argc - first);
	fflush(stdout);
	while ((n = read(STDIN_FILENO, &ch, 1)) == 1 && ch != '\n')
		if (answer == '\0')
			answer = ch;
	if (n < 0 && errno == EINTR)
		fputc('\n', stdout);	/* Ctrl-C: no */
	return answer == 'y' || answer == 'Y';
}

/* Removes one path (no glob) as rm's options say. */
static enum fc_status
rm_one(struct client *c, const struct rm_args *o, const char *path)
{
	enum fc_status st;
	int code, dir;

	if (o->recursive) {
		dir = remote_is_dir(c, path);
		st = remote_rm_tree(c, path, dir == 1);
		if (st != FC_OK)
			client_fail(c, st, "rm %s: %s", path, c->s.err);
		return st;
	}
	code = proto_cmd(&c->s, "DELE %s", path);
	if (proto_ok(code))
		return FC_OK;
	st = proto_fail(&c->s, code);
	/* DELE of a folder fails; say what would work instead. */
	if (c->s.state == PS_LOGGED_IN && remote_is_dir(c, path) == 1)
		return client_fail(c, FC_REMOTE, "rm: %s is a folder (rmdir %s "
		    "removes it when empty, rm -r %s with everything in it)",
		    path, path, path);
	return client_fail(c, st, "rm %s: %s", path, c->s.err);
}

enum fc_status
ftpc_cmd_rm(struct client *c, int argc, char **argv)
{
	enum fc_status st, worst = FC_OK;
	struct rm_args o;
	char err[128];
	size_t n, i;
	char **names;
	int a;

	if (cmdargs_rm(argc, argv, &o, err, sizeof(err)) < 0)
		return client_fail(c, FC_USAGE, "%s", err);
	/* A person gets one question for the whole command; scripts go on. */
	if (o.recursive && !o.force && c->interactive &&
	    isatty(STDIN_FILENO) && !confirm_rm(argc, argv, o.first)) {
		client_note(c, "Nothing removed.");
		return FC_OK;
	}
	for (a = o.first; a < argc; a++) {
		st = client_remote_glob(c, argv[a], o.recursive, &names, &n);
		if (st == FC_OK && n == 0) {
			fc_errf(c->s.err, sizeof(c->s.err), "no match for %s",
			    argv[a]);
			st = FC_REMOTE;
		}
		if (st != FC_OK) {
			worst = client_fail(c, st, "rm: %s", c->s.err);
			continue;
		}
		for (i = 0; i < n && c->s.state == PS_LOGGED_IN; i++)
			if ((st = rm_one(c, &o, names[i])) != FC_OK)
				worst = st;
		client_free_names(names, n);
	}
	return worst;
}

enum fc_status
ftpc_cmd_mdelete(struct client *c, int argc, char **argv)
{
	enum fc_status st, worst = FC_OK;
	size_t n, i;
	char **names;
	int a;

	for (a = 1; a < argc; a++) {
		st = client_remote_glob(c, argv[a], 0, &names, &n);
		if (st != FC_OK) {
			worst = client_fail(c, st, "mdelete %s: %s", argv[a],
			    c->s.err);
			continue;
		}
		if (n == 0)
			worst = client_fail(c, FC_REMOTE, "mdelete: no match "
			    "for %s", argv[a]);
		for (i = 0; i < n; i++) {
			st = simple(c, 0, "delete", "DELE %s", names[i]);
			if (st != FC_OK)
				worst = st;
		}
		client_free_names(names, n);
	}
	return worst;
}

enum fc_status
ftpc_cmd_rename(struct client *c, int argc, char **argv)
{
	int code;

	(void)argc;
	code = proto_cmd(&c->s, "RNFR %s", argv[1]);
	if (code != R_350_PENDING)
		return client_fail(c, proto_fail(&c->s, code), "rename %s: %s",
		    argv[1], c->s.err);
	return simple(c, 0, "rename to", "RNTO %s", argv[2]);
}

enum fc_status
ftpc_cmd_size(struct client *c, int argc, char **argv)
{
	enum fc_status st;
	off_t size;

	(void)argc;
	st = proto_size(&c->s, argv[1], &size);
	if (st != FC_OK)
		return client_fail(c, st, "size %s: %s", argv[1], c->s.err);
	printf("%s\t%lld\n", argv[1], (long long)size);
	return FC_OK;
}

enum fc_status
ftpc_cmd_modtime(struct client *c, int argc, char **argv)
{
	enum fc_status st;
	char when[64];
	struct tm tm;
	time_t t;

	(void)argc;
	st = proto_mdtm(&c->s, argv[1], &t);
	if (st != FC_OK)
		return client_fail(c, st, "modtime %s: %s", argv[1], c->s.err);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("%s\t%s\n", argv[1], when);
	return FC_OK;
}

enum fc_status
ftpc_cmd_chmod(struct client *c, int argc, char **argv)
{
	int code;

	(void)argc;
	if (strspn(argv[1], "01234567") != strlen(argv[1]) ||
	    strlen(argv[1]) > 4)
		return client_fail(c, FC_USAGE, "chmod: mode must be octal");
	code = proto_cmd(&c->s, "SITE CHMOD %s %s", argv[1], argv[2]);
	if (!proto_ok(code))
		return client_fail(c, proto_fail(&c->s, code), "chmod %s: %s",
		    argv[2], c->s.err);
	return FC_OK;
}
