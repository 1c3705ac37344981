/*
 * cmdtable.c: the command table and its dispatcher; see cmdtable.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cmdtable.h"

#define C CF_CONN
#define M (CF_CONN | CF_MODIFIES)

const struct ftpc_cmd ftpc_cmds[] = {
	{ "!", ftpc_cmd_shell, 0, 1, 0, "l", "[command]",
	  "Runs a command in the local shell ($SHELL, else /bin/sh), or the "
	  "shell itself when none is given; the rest of the line goes to it "
	  "as typed, e.g. !ls -l *.txt." },
	{ "active", ftpc_cmd_active, 0, 0, 0, "-", "",
	  "Uses active mode: the server connects back to us (EPRT, or PORT)." },
	{ "append", ftpc_cmd_append, 1, 2, M, "lr", "local-file [remote-file]",
	  "Appends a local file to a remote file (APPE), creating it if needed." },
	{ "ascii", ftpc_cmd_ascii, 0, 0, 0, "-", "",
	  "Transfers files as text (TYPE A): line ends become CRLF on the wire "
	  "and LF on disk." },
	{ "binary", ftpc_cmd_binary, 0, 0, 0, "-", "",
	  "Transfers files byte for byte (TYPE I). This is the default." },
	{ "bye", ftpc_cmd_bye, 0, 0, 0, "-", "", "Ends the session and leaves ftpc." },
	{ "cat", ftpc_cmd_cat, 1, -1, C, "r", "remote-file...",
	  "Prints remote files on standard output." },
	{ "cd", ftpc_cmd_cd, 0, 1, C, "r", "[remote-directory]",
	  "Changes the remote working directory; alone, back to the one "
	  "after login." },
	{ "cdup", ftpc_cmd_cdup, 0, 0, C, "-", "",
	  "Changes to the parent of the remote working directory." },
	{ "chmod", ftpc_cmd_chmod, 2, 2, M, "-r", "mode remote-file",
	  "Changes the permissions of a remote file (SITE CHMOD), e.g. chmod 644 f." },
	{ "close", ftpc_cmd_close, 0, 0, 0, "-", "",
	  "Ends the session with the server but stays in ftpc." },
	{ "debug", ftpc_cmd_debug, 0, 1, 0, "-", "[on|off]",
	  "Shows every command sent and every state change, besides the replies." },
	{ "delete", ftpc_cmd_delete, 1, 1, M, "r", "remote-file",
	  "Deletes one remote file (see rm for more)." },
	{ "dir", ftpc_cmd_ls, 0, -1, C, "r", "[-a] [-l] [remote-path]",
	  "The same as ls." },
	{ "exit", ftpc_cmd_bye, 0, 0, 0, "-", "", "The same as bye." },
	{ "get", ftpc_cmd_get, 1, 2, C, "rl", "remote-file [local-file]",
	  "Downloads a file. It is written to LOCAL.ftpc-part and renamed "
	  "when complete; local-file - writes to standard output." },
	{ "hash", ftpc_cmd_hash, 1, 2, C, "r-", "remote-file [algorithm]",
	  "Prints the server's hash of a remote file (HASH): SHA-256 unless "
	  "SHA-512, SHA-1 or MD5 is named." },
	{ "help", ftpc_cmd_help, 0, 1, 0, "c", "[command]",
	  "Lists the commands, or explains one of them." },
	{ "history", ftpc_cmd_history, 0, 1, 0, "-", "[N]",
	  "Shows the lines typed at the prompt (all, or the last N), kept in "
	  "~/.ftpc_history between sessions." },
	{ "lcd", ftpc_cmd_lcd, 0, 1, 0, "l", "[local-directory]",
	  "Changes the local working directory (home when none is given)." },
	{ "lls", ftpc_cmd_lls, 0, -1, 0, "l", "[ls-options] [local-path...]",
	  "Lists local files (runs ls with the arguments given)." },
	{ "lpwd", ftpc_cmd_lpwd, 0, 0, 0, "-", "", "Prints the local working directory." },
	{ "ls", ftpc_cmd_ls, 0, -1, C, "r", "[-a] [-l] [remote-path]",
	  "Lists a remote directory in the server's long format (LIST); "
	  "-a shows names starting with '.' too, -l is the default." },
	{ "mdelete", ftpc_cmd_mdelete, 1, -1, M, "r", "remote-pattern...",
	  "Deletes the remote files matching each pattern (*, ?, [...])." },
	{ "mget", ftpc_cmd_mget, 1, -1, C, "r", "remote-pattern...",
	  "Downloads the remote files matching each pattern into the local "
	  "directory; goes on past a failed file and reports it." },
	{ "mirror", ftpc_cmd_mirror, 1, -1, M, "rl",
	  "[-R] [--only-newer] [--delete] [--dry-run] [--verify] [--parallel N] "
	  "[--exclude GLOB]... [--include GLOB]... SOURCE [TARGET]",
	  "Copies a directory tree. Without -R, SOURCE is remote and TARGET "
	  "local; with -R, SOURCE is local and TARGET remote (lftp's order). "
	  "TARGET defaults to SOURCE's own name. "
	  "--only-newer skips files not newer than the target's copy, "
	  "--delete removes target files that the source lacks, "
	  "--dry-run shows what would be done and changes nothing, "
	  "--verify makes HASH checks mandatory and also sends a file of "
	  "the same size and time whose hash differs, "
	  "--parallel N runs N transfers at once on N connections. "
	  "--exclude GLOB leaves out what matches; with --include GLOB only "
	  "matching files are copied. A GLOB with a / matches the path below "
	  "SOURCE (sub/*.txt), one without the name at any depth (*.log). "
	  "Both repeat." },
	{ "mkdir", ftpc_cmd_mkdir, 1, 1, M, "r", "remote-directory",
	  "Creates a remote directory." },
	{ "modtime", ftpc_cmd_modtime, 1, 1, C, "r", "remote-file",
	  "Shows the modification time of a remote file (MDTM), in UTC." },
	{ "more", ftpc_cmd_more, 1, 1, C, "r", "remote-file",
	  "Shows a remote file a page at a time through $PAGER (else more); "
	  "the same as cat when standard output is not a terminal." },
	{ "mput", ftpc_cmd_mput, 1, -1, M, "l", "local-pattern...",
	  "Uploads the local files matching each pattern into the remote "
	  "directory; goes on past a failed file and reports it." },
	{ "mv", ftpc_cmd_rename, 2, 2, M, "r", "from to",
	  "The same as rename." },
	{ "nlist", ftpc_cmd_nlist, 0, -1, C, "r", "[-a] [remote-path]",
	  "Lists only the names in a remote directory (NLST)." },
	{ "open", ftpc_cmd_open, 1, 2, 0, "-",
	  "host[:port] | host port | URL",
	  "Connects to a server and logs in (from the URL, ~/.netrc, a prompt, "
	  "or anonymously). TLS as on the command line (--tls, --tls-implicit); "
	  "an ftps:// URL always means implicit TLS, port 990 by default. "
	  "After a refused password the connection stays open for user." },
	{ "passive", ftpc_cmd_passive, 0, 1, 0, "-", "[on|off]",
	  "Toggles passive mode (EPSV, falling back to PASV), the default." },
	{ "pget", ftpc_cmd_pget, 1, 4, C, "rl", "[-n N] remote-file [local-file]",
	  "Downloads one file in N segments at once (default 4), each on its "
	  "own connection, resuming each segment with REST." },
	{ "progress", ftpc_cmd_progress, 0, 1, 0, "-", "[on|off|auto]",
	  "Chooses whether transfers draw a progress bar on standard error; "
	  "auto (the default) draws it when standard error is a terminal." },
	{ "put", ftpc_cmd_put, 1, 2, M, "lr", "local-file [remote-file]",
	  "Uploads a file. A remote name ending in / means: into that directory." },
	{ "pwd", ftpc_cmd_pwd, 0, 0, C, "-", "", "Prints the remote working directory." },
	{ "quit", ftpc_cmd_bye, 0, 0, 0, "-", "", "The same as bye." },
	{ "quote", ftpc_cmd_quote, 1, -1, M, "-", "command [arguments]",
	  "Sends a raw FTP command and prints the reply." },
	{ "reget", ftpc_cmd_reget, 1, 2, C, "rl", "remote-file [local-file]",
	  "Like get, but continues an interrupted download from where it stopped." },
	{ "rename", ftpc_cmd_rename, 2, 2, M, "r", "from to", "Renames a remote file." },
	{ "reput", ftpc_cmd_reput, 1, 2, M, "lr", "local-file [remote-file]",
	  "Like put, but continues an interrupted upload from the remote size." },
	{ "rm", ftpc_cmd_rm, 1, -1, M, "r", "[-r] [-f] remote-path...",
	  "Deletes remote files (patterns like *.txt work). -r removes "
	  "folders with everything in them; at a terminal it asks once "
	  "first unless -f is given, in scripts it does not ask. Without "
	  "-r a folder is left alone, with a hint." },
	{ "rmdir", ftpc_cmd_rmdir, 1, 1, M, "r", "remote-directory",
	  "Removes an empty remote directory." },
	{ "site", ftpc_cmd_site, 1, -1, M, "-", "command [arguments]",
	  "Sends a SITE command and prints the reply." },
	{ "size", ftpc_cmd_size, 1, 1, C, "r", "remote-file",
	  "Shows the size of a remote file in bytes (SIZE)." },
	{ "status", ftpc_cmd_status, 0, 0, 0, "-", "",
	  "Shows the connection, the settings, the TLS state (version, cipher, "
	  "certificate checked or not, data protected or not) and the "
	  "server's features." },
	{ "type", ftpc_cmd_type, 0, 1, 0, "-", "[ascii|binary]",
	  "Shows or sets the transfer type." },
	{ "user", ftpc_cmd_user, 1, 2, 0, "-", "name [password]",
	  "Logs in on the open connection: as another user, or again after "
	  "a refused password (asked for when not given)." },
	{ "verbose", ftpc_cmd_verbose, 0, 1, 0, "-", "[on|off]",
	  "Toggles showing the server's replies." },
};

const size_t ftpc_ncmds = ARRAY_LEN(ftpc_cmds);

const struct ftpc_cmd *
ftpc_cmd_find(const char *name, int *ambiguous)
{
	const struct ftpc_cmd *found = NULL;
	size_t i, n = strlen(name);

	*ambiguous = 0;
	if (strcmp(name, "?") == 0)
		name = "help";
	for (i = 0; i < ftpc_ncmds; i++) {
		if (strcmp(ftpc_cmds[i].name, name) == 0)
			return &ftpc_cmds[i];
		if (n > 0 && strncmp(ftpc_cmds[i].name, name, n) == 0) {
			if (found != NULL)
				*ambiguous = 1;
			found = &ftpc_cmds[i];
		}
	}
	return *ambiguous ? NULL : found;
}

/*
 * Prints text, breaking at blanks so that no line is wider than width (a
 * word longer than a line stands alone). The first line starts at column
 * first, the others at column indent.
 */
static void
wrap(FILE *out, const char *text, int first, int indent, int width)
{
	int col = 0, at = first;
	size_t n;

	while (*text != '\0') {
		while (*text == ' ')
			text++;
		n = strcspn(text, " ");
		if (n == 0)
			break;
		if (col > 0 && at + col + 1 + (int)n > width) {
			fputc('\n', out);
			col = 0;
			at = indent;
		}
		fprintf(out, "%*s%.*s", col > 0 ? 1 : at, "", (int)n, text);
		col += (col > 0 ? 1 : 0) + (int)n;
		text += n;
	}
	fputc('\n', out);
}

enum fc_status
ftpc_cmd_print_help_width(FILE *out, const char *name, int width)
{
	const struct ftpc_cmd *cmd;
	size_t i, w, namew = 0;
	int amb, cols;
	char line[256];

	if (width < 20)
		width = 20;
	if (name != NULL) {
		cmd = ftpc_cmd_find(name, &amb);
		if (cmd == NULL) {
			fprintf(stderr, "ftpc: help: %s command '%s'\n",
			    amb ? "ambiguous" : "unknown", name);
			return FC_USAGE;
		}
		fc_errf(line, sizeof(line), "usage: %s%s%s", cmd->name,
		    *cmd->usage ? " " : "", cmd->usage);
		wrap(out, line, 0, 7, width);	/* under the name */
		wrap(out, cmd->help, 2, 2, width);
		return FC_OK;
	}
	wrap(out, "Commands (\"help COMMAND\" explains one; any unique "
	    "prefix works):", 0, 0, width);
	for (i = 0; i < ftpc_ncmds; i++)
		if ((w = strlen(ftpc_cmds[i].name)) > namew)
			namew = w;
	namew += 2;
	cols = (width - 2) / (int)namew;
	if (cols < 1)
		cols = 1;
	for (i = 0; i < ftpc_ncmds; i++) {
		if ((int)(i % (size_t)cols) == cols - 1 || i + 1 == ftpc_ncmds)
			fprintf(out, "%s%s\n", i % (size_t)cols ? "" : "  ",
			    ftpc_cmds[i].name);
		else
			fprintf(out, "%s%-*s", i % (size_t)cols ? "" : "  ",
			    (int)namew, ftpc_cmds[i].name);
	}
	return FC_OK;
}

enum fc_status
ftpc_cmd_print_help(FILE *out, const char *name)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	long width = 80;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		width = ws.ws_col;
	else if (env != NULL && atol(env) > 0)
		width = atol(env);
	if (width > 1000)
		width = 1000;
	/* The last column stays empty: some terminals wrap on it. */
	return ftpc_cmd_print_help_width(out, name, (int)width - 1);
}

enum fc_status
ftpc_cmd_run(struct client *c, int argc, char **argv)
{
	const struct ftpc_cmd *cmd;
	enum fc_status st;
	int amb, nargs = argc - 1;

	cmd = ftpc_cmd_find(argv[0], &amb);
	if (cmd == NULL)
		return client_fail(c, FC_USAGE, "%s command '%s' (try help)",
		    amb ? "ambiguous" : "unknown", argv[0]);
	if (nargs < cmd->min_args ||
	    (cmd->max_args >= 0 && nargs > cmd->max_args))
		return client_fail(c, FC_USAGE, "usage: %s %s", cmd->name,
		    cmd->usage);
	if ((cmd->flags & CF_CONN) && c->s.state != PS_LOGGED_IN)
		return client_fail(c, FC_CONNECT, "%s: %s", cmd->name,
		    c->s.state == PS_DISCONNECTED ? "not connected (open "
		    "connects)" : "not logged in (user logs in)");
	argv[0] = (char *)cmd->name;
	st = cmd->fn(c, argc, argv);
	if (cmd->flags & CF_MODIFIES)
		client_cache_clear(c);
	if ((cmd->flags & CF_CONN) && c->s.state == PS_DISCONNECTED &&
	    st != FC_OK)
		client_fail(c, FC_CONNECT, "connection to %s lost", c->s.host);
	return st;
}

enum fc_status
ftpc_cmd_help(struct client *c, int argc, char **argv)
{
	(void)c;
	return ftpc_cmd_print_help(stdout, argc > 1 ? argv[1] : NULL);
}
