/*
 * test_ftpc_shell.c: splitting command lines and finding commands.
 */
#include <stdlib.h>
#include <string.h>

#include "cmdargs.h"
#include "cmdtable.h"
#include "shell.h"
#include "testutil.h"

static struct shell_args a;
static char err[128];

static void
test_split(void)
{
	CU_ASSERT_EQUAL_FATAL(shell_split("  get  a.txt   b.txt \n", &a, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.argc, 3);
	CU_ASSERT_STRING_EQUAL(a.argv[0], "get");
	CU_ASSERT_STRING_EQUAL(a.argv[2], "b.txt");
	CU_ASSERT_PTR_NULL(a.argv[3]);
	CU_ASSERT_EQUAL_FATAL(shell_split("put \"my file\" 'it''s' a\\ b \"q\\\"\"",
	    &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.argc, 5);
	CU_ASSERT_STRING_EQUAL(a.argv[1], "my file");
	CU_ASSERT_STRING_EQUAL(a.argv[2], "its");
	CU_ASSERT_STRING_EQUAL(a.argv[3], "a b");
	CU_ASSERT_STRING_EQUAL(a.argv[4], "q\"");
	/* Backslash is literal inside single quotes. */
	CU_ASSERT_EQUAL_FATAL(shell_split("x 'a\\b'", &a, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(a.argv[1], "a\\b");
	CU_ASSERT_EQUAL_FATAL(shell_split("", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.argc, 0);
	CU_ASSERT_EQUAL_FATAL(shell_split("x \"\"", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a.argc, 2);
	CU_ASSERT_STRING_EQUAL(a.argv[1], "");
}

static void
test_split_errors(void)
{
	char *big;

	CU_ASSERT_EQUAL(shell_split("get \"open", &a, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unterminated"));
	CU_ASSERT_EQUAL(shell_split("get 'open", &a, err, sizeof(err)), -1);
	big = malloc(SHELL_LINE_MAX * 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'x', SHELL_LINE_MAX * 2 - 1);
	big[SHELL_LINE_MAX * 2 - 1] = '\0';
	CU_ASSERT_EQUAL(shell_split(big, &a, err, sizeof(err)), -1);
	/* Too many words. */
	memset(big, ' ', SHELL_LINE_MAX * 2 - 1);
	for (size_t i = 0; i < SHELL_ARGS_MAX + 5; i++)
		big[2 * i] = 'w';
	CU_ASSERT_EQUAL(shell_split(big, &a, err, sizeof(err)), -1);
	free(big);
}

static void
test_find(void)
{
	int amb;
	size_t i;

	CU_ASSERT_STRING_EQUAL(ftpc_cmd_find("get", &amb)->name, "get");
	CU_ASSERT_STRING_EQUAL(ftpc_cmd_find("mkd", &amb)->name, "mkdir");
	CU_ASSERT_STRING_EQUAL(ftpc_cmd_find("?", &amb)->name, "help");
	CU_ASSERT_PTR_NULL(ftpc_cmd_find("m", &amb));
	CU_ASSERT_TRUE(amb);
	CU_ASSERT_PTR_NULL(ftpc_cmd_find("frobnicate", &amb));
	CU_ASSERT_FALSE(amb);
	/* The table is sorted, and every row is complete. */
	for (i = 0; i < ftpc_ncmds; i++) {
		CU_ASSERT_PTR_NOT_NULL(ftpc_cmds[i].fn);
		CU_ASSERT_TRUE(strlen(ftpc_cmds[i].help) > 10);
		CU_ASSERT_TRUE(strlen(ftpc_cmds[i].complete) > 0);
		if (i > 0)
			CU_ASSERT_TRUE(strcmp(ftpc_cmds[i - 1].name,
			    ftpc_cmds[i].name) < 0);
	}
}

/* Each name is a command of its own, not an abbreviation of another. */
static void
assert_commands_exist(const char *const *names, size_t n)
{
	size_t i;
	int amb;

	for (i = 0; i < n; i++) {
		const struct ftpc_cmd *c = ftpc_cmd_find(names[i], &amb);

		CU_ASSERT_PTR_NOT_NULL(c);
		if (c != NULL)
			CU_ASSERT_STRING_EQUAL(c->name, names[i]);
	}
}

static void
test_issue_commands_exist(void)
{
	static const char *const names[] = { "open", "close", "user", "ls",
		"dir", "cd", "cdup", "lcd", "pwd", "lpwd", "get", "put", "reget",
		"reput", "append", "mget", "mput", "mkdir", "rmdir", "delete",
		"mdelete", "rename", "size", "modtime", "chmod", "binary",
		"ascii", "passive", "active", "quote", "site", "status",
		"verbose", "progress", "help", "bye", "quit", "mirror", "pget" };

	assert_commands_exist(names, sizeof(names) / sizeof(names[0]));
}

/* The everyday commands that lftp users reach for (issue 9, section 3). */
static void
test_everyday_shell_commands_exist(void)
{
	static const char *const names[] = { "!", "lls", "cat", "more",
		"history", "mv", "rm" };
	int amb;

	assert_commands_exist(names, sizeof(names) / sizeof(names[0]));
	/* rm is its own command now, never an abbreviation of rmdir. */
	CU_ASSERT_PTR_EQUAL(ftpc_cmd_find("rm", &amb)->fn, ftpc_cmd_rm);
	CU_ASSERT_PTR_EQUAL(ftpc_cmd_find("mv", &amb)->fn, ftpc_cmd_rename);
	/* cd alone goes home: no argument is required. */
	CU_ASSERT_EQUAL(ftpc_cmd_find("cd", &amb)->min_args, 0);
	CU_ASSERT_EQUAL(ftpc_cmd_find("mirror", &amb)->min_args, 1);
}


static int
split_ls(const char *line, struct ls_args *o)
{
	int rc = shell_split(line, &a, err, sizeof(err));

	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return cmdargs_ls(a.argc, a.argv, o, err, sizeof(err));
}

static void
test_ls_takes_options_and_a_path(void)
{
	struct ls_args o;

	CU_ASSERT_EQUAL_FATAL(split_ls("ls -l sub", &o), 0);
	CU_ASSERT_FALSE(o.all);
	CU_ASSERT_STRING_EQUAL(o.path, "sub");
	CU_ASSERT_EQUAL_FATAL(split_ls("dir -a docs", &o), 0);
	CU_ASSERT_TRUE(o.all);
	CU_ASSERT_STRING_EQUAL(o.path, "docs");
	CU_ASSERT_EQUAL_FATAL(split_ls("ls -la", &o), 0);
	CU_ASSERT_TRUE(o.all);
	CU_ASSERT_PTR_NULL(o.path);
	CU_ASSERT_EQUAL_FATAL(split_ls("ls -A -l", &o), 0);
	CU_ASSERT_TRUE(o.all);
	CU_ASSERT_EQUAL_FATAL(split_ls("ls", &o), 0);
	CU_ASSERT_PTR_NULL(o.path);
	/* "--" ends the options: a name may start with '-'. */
	CU_ASSERT_EQUAL_FATAL(split_ls("ls -- -odd", &o), 0);
	CU_ASSERT_STRING_EQUAL(o.path, "-odd");
	CU_ASSERT_EQUAL_FATAL(split_ls("ls -", &o), 0);
	CU_ASSERT_STRING_EQUAL(o.path, "-");
	CU_ASSERT_EQUAL(split_ls("ls -z sub", &o), -1);
	CU_ASSERT_STRING_EQUAL(err, "ls: unknown option -z");
	CU_ASSERT_EQUAL(split_ls("ls a b", &o), -1);
	CU_ASSERT_STRING_EQUAL(err, "ls: one path at most");
}

static void
test_rm_options(void)
{
	struct rm_args o;

	CU_ASSERT_EQUAL_FATAL(shell_split("rm -r -f a b", &a, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(cmdargs_rm(a.argc, a.argv, &o, err,
	    sizeof(err)), 0);
	CU_ASSERT_TRUE(o.recursive && o.force);
	CU_ASSERT_EQUAL(o.first, 3);
	CU_ASSERT_EQUAL_FATAL(shell_split("rm -Rf x", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(cmdargs_rm(a.argc, a.argv, &o, err,
	    sizeof(err)), 0);
	CU_ASSERT_TRUE(o.recursive && o.force);
	CU_ASSERT_EQUAL_FATAL(shell_split("rm x", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(cmdargs_rm(a.argc, a.argv, &o, err,
	    sizeof(err)), 0);
	CU_ASSERT_FALSE(o.recursive || o.force);
	CU_ASSERT_EQUAL(o.first, 1);
	CU_ASSERT_EQUAL_FATAL(shell_split("rm -r", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cmdargs_rm(a.argc, a.argv, &o, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL_FATAL(shell_split("rm -x f", &a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cmdargs_rm(a.argc, a.argv, &o, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "rm: unknown option -x");
}

/* Every line of the help, for the list and for each command, fits. */
static void
test_help_wraps_to_width(void)
{
	static const int widths[] = { 20, 40, 79, 200 };
	char *text, *line, *save;
	size_t len, i, k, lines;
	FILE *f;

	for (k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		for (i = 0; i <= ftpc_ncmds; i++) {
			f = open_memstream(&text, &len);
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			CU_ASSERT_EQUAL(ftpc_cmd_print_help_width(f, i < ftpc_ncmds ?
			    ftpc_cmds[i].name : NULL, widths[k]), FC_OK);
			fclose(f);
			lines = 0;
			for (line = strtok_r(text, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save)) {
				lines++;
				/* Only a single word longer than a line may stick out. */
				if ((int)strlen(line) > widths[k])
					CU_ASSERT_PTR_NULL(strchr(line + 1 +
					    strspn(line, " "), ' '));
			}
			CU_ASSERT_TRUE(lines >= 2);
			free(text);
		}
	}
	/* Narrow: the list has one name a line; wide, several. */
	f = open_memstream(&text, &len);
	CU_ASSERT_EQUAL(ftpc_cmd_print_help_width(f, NULL, 200), FC_OK);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  !         active    append"));
	free(text);
}

void
suite_register(void)
{
	ADD_SUITE("ftpc_shell", NULL, NULL, TEST(test_split),
	    TEST(test_split_errors), TEST(test_find),
	    TEST(test_issue_commands_exist),
	    TEST(test_everyday_shell_commands_exist),
	    TEST(test_ls_takes_options_and_a_path), TEST(test_rm_options),
	    TEST(test_help_wraps_to_width));
}
