/*
 * cmdtable: the table of shell commands. One row per command says how to
 * run it and how to explain it; the dispatcher, not the handlers, checks
 * the argument count and the connection, and `help` and completion are
 * generated from the same rows.
 */
#ifndef FTPC_CMDTABLE_H
#define FTPC_CMDTABLE_H

#include <stddef.h>

#include "client.h"

typedef enum fc_status (*ftpc_cmd_fn)(struct client *c, int argc, char **argv);

enum ftpc_cmd_flags {
	CF_CONN = 1 << 0,	/* needs a logged-in session */
	CF_MODIFIES = 1 << 1,	/* may change the server: drop cached listings */
};

struct ftpc_cmd {
	const char *name;
	ftpc_cmd_fn fn;
	int min_args;		/* arguments after the name */
	int max_args;		/* -1: no limit */
	unsigned flags;
	/*
	 * What each argument completes to: 'r' remote path, 'l' local path,
	 * 'c' command name, '-' nothing. The last letter repeats.
	 */
	const char *complete;
	const char *usage;	/* the arguments, as shown by help */
	const char *help;	/* what the command does, in sentences */
};

extern const struct ftpc_cmd ftpc_cmds[];
extern const size_t ftpc_ncmds;

/*
 * The command called name, or the only one it abbreviates; NULL when
 * unknown or ambiguous (*ambiguous is then set for the latter).
 */
const struct ftpc_cmd *ftpc_cmd_find(const char *name, int *ambiguous);

/* Checks and runs one tokenised command line. */
enum fc_status ftpc_cmd_run(struct client *c, int argc, char **argv);

/*
 * Prints the help for one command, or the list of all when name is NULL,
 * wrapped to the width of out when it is a terminal, else to $COLUMNS,
 * else to 80 columns.
 */
enum fc_status ftpc_cmd_print_help(FILE *out, const char *name);

/* The same, wrapped to width columns (at least 20). */
enum fc_status ftpc_cmd_print_help_width(FILE *out, const char *name,
    int width);

/* Handlers, grouped by area (cmds_conn.c, cmds_nav.c, cmds_xfer.c, ...). */
enum fc_status ftpc_cmd_open(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_close(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_user(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_bye(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_status(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_verbose(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_debug(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_progress(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_passive(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_active(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_binary(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_ascii(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_type(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_quote(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_site(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_help(struct client *c, int argc, char **argv);

enum fc_status ftpc_cmd_shell(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_lls(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_history(struct client *c, int argc, char **argv);

enum fc_status ftpc_cmd_cd(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_cdup(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_pwd(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_lcd(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_lpwd(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_ls(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_nlist(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_mkdir(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_rmdir(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_delete(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_rm(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_mdelete(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_rename(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_size(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_modtime(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_chmod(struct client *c, int argc, char **argv);

enum fc_status ftpc_cmd_get(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_reget(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_put(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_reput(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_append(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_cat(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_more(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_mget(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_mput(struct client *c, int argc, char **argv);

enum fc_status ftpc_cmd_hash(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_mirror(struct client *c, int argc, char **argv);
enum fc_status ftpc_cmd_pget(struct client *c, int argc, char **argv);

#endif
