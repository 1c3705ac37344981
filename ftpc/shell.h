/*
 * shell: command lines from a person (libedit, history in
 * ~/.ftpc_history, tab completion of commands, local and remote paths)
 * or from a script, split into words and handed to the command table.
 */
#ifndef FTPC_SHELL_H
#define FTPC_SHELL_H

#include <stdio.h>

#include "client.h"

#define SHELL_ARGS_MAX 256
#define SHELL_LINE_MAX 8192

struct shell_args {
	int argc;
	char *argv[SHELL_ARGS_MAX + 1];
	char store[SHELL_LINE_MAX + 1];
};

/*
 * Splits line into words: blanks separate, "double" and 'single' quotes
 * group, a backslash takes the next character literally. Returns 0, or -1
 * (reason in err) on an unterminated quote or a line too long.
 */
int shell_split(const char *line, struct shell_args *a, char *err,
    size_t errsz) WARN_UNUSED;

/*
 * Runs one line. A leading '-' (as in make) makes a failure of that line
 * not count. Blank lines and lines starting with '#' do nothing. A line
 * starting with '!' runs the rest in the local shell, untokenised (a
 * lone '!' starts an interactive shell).
 */
enum fc_status shell_run_line(struct client *c, const char *line);

/*
 * Runs every line of f as a script. Stops at the first failure (and
 * returns its status) unless c->keep_going; then it returns the first
 * failure's status after the last line.
 */
enum fc_status shell_run_stream(struct client *c, FILE *f);

/*
 * Prints the interactive shell's history, numbered from the oldest: all
 * of it, or the last `last` lines when last > 0. Nothing outside the
 * interactive shell.
 */
void shell_history_print(FILE *out, long last);

/* The interactive loop, until bye or end of input. */
enum fc_status shell_interactive(struct client *c);

#endif
