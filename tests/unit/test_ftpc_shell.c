/*
 * test_ftpc_shell.c: splitting command lines and finding commands.
 */
#include <stdlib.h>
#include <string.h>

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

static void
test_issue_commands_exist(void)
{
	static const char *const names[] = { "open", "close", "user", "ls",
		"dir", "cd", "cdup", "lcd", "pwd", "lpwd", "get", "put", "reget",
		"reput", "append", "mget", "mput", "mkdir", "rmdir", "delete",
		"mdelete", "rename", "size", "modtime", "chmod", "binary",
		"ascii", "passive", "active", "quote", "site", "status",
		"verbose", "progress", "help", "bye", "quit", "mirror", "pget" };
	size_t i;
	int amb;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct ftpc_cmd *c = ftpc_cmd_find(names[i], &amb);

		CU_ASSERT_PTR_NOT_NULL(c);
		if (c != NULL)
			CU_ASSERT_STRING_EQUAL(c->name, names[i]);
	}
}

void
suite_register(void)
{
	ADD_SUITE("ftpc_shell", NULL, NULL, TEST(test_split),
	    TEST(test_split_errors), TEST(test_find),
	    TEST(test_issue_commands_exist));
}
