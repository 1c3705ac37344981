/*
 * cmds_local.c: commands about this machine and this shell: ! (a local
 * command or shell), lls and history.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdtable.h"
#include "localproc.h"
#include "shell.h"

#define LLS_ARGS_MAX 64

/* Runs argv and reports how it ended; what names it in messages. */
static enum fc_status
run(struct client *c, char *const argv[], const char *what)
{
	pid_t pid = localproc_spawn(argv, -1);
	int rc;

	if (pid < 0)
		return client_fail(c, FC_LOCAL, "%s: %s", what, strerror(errno));
	rc = localproc_wait(pid);
	if (rc == 0)
		return FC_OK;
	if (rc == 127)
		return client_fail(c, FC_FAIL, "%s: cannot run %s", what,
		    argv[0]);
	return client_fail(c, FC_FAIL, "%s: exit status %d", what, rc);
}

enum fc_status
ftpc_cmd_shell(struct client *c, int argc, char **argv)
{
	char *args[4];
	const char *sh = localproc_shell();

	args[0] = (char *)sh;
	if (argc < 2) {
		args[1] = NULL;
		return run(c, args, "!");
	}
	args[1] = "-c";
	args[2] = argv[1];
	args[3] = NULL;
	return run(c, args, "!");
}

enum fc_status
ftpc_cmd_lls(struct client *c, int argc, char **argv)
{
	char *args[LLS_ARGS_MAX + 2];
	int i;

	if (argc > LLS_ARGS_MAX)
		return client_fail(c, FC_USAGE, "lls: too many arguments");
	args[0] = "ls";
	for (i = 1; i < argc; i++)
		args[i] = argv[i];
	args[argc] = NULL;
	return run(c, args, "lls");
}

enum fc_status
ftpc_cmd_history(struct client *c, int argc, char **argv)
{
	char *end;
	long n = -1;

	if (argc > 1) {
		n = strtol(argv[1], &end, 10);
		if (*end != '\0' || n < 1)
			return client_fail(c, FC_USAGE, "usage: history [N]");
	}
	shell_history_print(stdout, n);
	return FC_OK;
}
