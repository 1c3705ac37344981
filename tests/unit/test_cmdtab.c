/*
 * test_cmdtab.c: the server's command table: splitting a line into verb
 * and argument, finding commands, the table's own consistency, and which
 * commands may run while a transfer is in flight.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "compat.h"
#include "cmdtab.h"
#include "testutil.h"

/*
 * Splits a copy of line; checks the return code, and on success the verb
 * and the argument (want_arg NULL: no argument).
 */
static void
check_split(const char *line, int want_rc, const char *want_verb,
    const char *want_arg)
{
	char copy[8192], *verb = (char *)"junk", *arg = (char *)"junk";
	int rc;

	snprintf(copy, sizeof(copy), "%s", line);
	rc = cmd_split(copy, &verb, &arg);
	CU_ASSERT_EQUAL(rc, want_rc);
	if (rc != want_rc)
		fprintf(stderr, "\n  cmd_split(\"%s\") = %d, want %d\n", line, rc,
		    want_rc);
	if (rc != 0 || want_rc != 0)
		return;
	CU_ASSERT_PTR_NOT_NULL_FATAL(verb);
	CU_ASSERT_STRING_EQUAL(verb, want_verb);
	if (want_arg == NULL) {
		CU_ASSERT_PTR_NULL(arg);
		if (arg != NULL)
			fprintf(stderr, "\n  cmd_split(\"%s\"): arg \"%s\", want none\n",
			    line, arg);
	} else {
		CU_ASSERT_PTR_NOT_NULL_FATAL(arg);
		CU_ASSERT_STRING_EQUAL(arg, want_arg);
	}
}

static void
test_split_verb_upper_cased(void)
{
	check_split("retr file.txt", 0, "RETR", "file.txt");
	check_split("Retr file.txt", 0, "RETR", "file.txt");
	check_split("RETR file.txt", 0, "RETR", "file.txt");
	check_split("noop", 0, "NOOP", NULL);
	check_split("xPwD", 0, "XPWD", NULL);
}

static void
test_split_argument_verbatim(void)
{
	/* Everything after the first space, spaces and case included. */
	check_split("STOR my file.txt", 0, "STOR", "my file.txt");
	check_split("stor  two leading", 0, "STOR", " two leading");
	check_split("STOR trailing  ", 0, "STOR", "trailing  ");
	check_split("CWD Mixed Case/Dir", 0, "CWD", "Mixed Case/Dir");
	check_split("SITE CHMOD 644 a b", 0, "SITE", "CHMOD 644 a b");
	check_split("STOR \xc3\xbcn\xc3\xaf \xe2\x82\xac.txt", 0, "STOR",
	    "\xc3\xbcn\xc3\xaf \xe2\x82\xac.txt");
	check_split("PASS \tsecret with\ttabs", 0, "PASS",
	    "\tsecret with\ttabs");
	check_split("RETR a  ", 0, "RETR", "a  ");
	check_split("STOR  ", 0, "STOR", " ");
}

static void
test_split_empty_argument_is_none(void)
{
	check_split("NOOP", 0, "NOOP", NULL);
	check_split("NOOP ", 0, "NOOP", NULL);
	check_split("cwd ", 0, "CWD", NULL);
}

static void
test_split_rejects_bad_verbs(void)
{
	check_split("", -1, NULL, NULL);
	check_split(" NOOP", -1, NULL, NULL);
	check_split(" ", -1, NULL, NULL);
	/* Up to 8 letters pass (the table decides whether it is known). */
	check_split("ABCDEFGH", 0, "ABCDEFGH", NULL);
	check_split("abcdefgh x", 0, "ABCDEFGH", "x");
	check_split("ABCDEFGHI", -1, NULL, NULL);
	check_split("ABCDEFGHIJKLMNOPQRSTUVWXYZ arg", -1, NULL, NULL);
	/*
	 * Anything but letters in the verb, and digits after its first
	 * letter (XSHA256, XMD5: hash commands clients use).
	 */
	check_split("xsha256 f", 0, "XSHA256", "f");
	check_split("XMD5", 0, "XMD5", NULL);
	check_split("1RETR x", -1, NULL, NULL);
	check_split("NO-OP", -1, NULL, NULL);
	check_split("NOOP\t", -1, NULL, NULL);
	check_split("RETR\tfile", -1, NULL, NULL);
	check_split("123", -1, NULL, NULL);
	check_split("\xc3\xbc", -1, NULL, NULL);
	check_split("\xff\xf4\xff\xf2" "ABOR", -1, NULL, NULL);
	check_split("/etc/passwd", -1, NULL, NULL);
}

static void
test_split_long_verb_not_truncated(void)
{
	char line[5000];

	/* A huge verb fails whole: no prefix of it is taken for a command. */
	memset(line, 'A', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	check_split(line, -1, NULL, NULL);
	memcpy(line, "NOOP", 4);
	check_split(line, -1, NULL, NULL);
}

static void
test_find_known(void)
{
	static const char *known[] = {
		"USER", "PASS", "QUIT", "NOOP", "SYST", "TYPE", "MODE", "STRU",
		"PWD", "CWD", "CDUP", "XPWD", "XCWD", "XCUP", "XMKD", "XRMD",
		"MKD", "RMD", "DELE", "RNFR", "RNTO", "RETR", "STOR", "STOU",
		"APPE", "REST", "ABOR", "ALLO", "SIZE", "MDTM", "MFMT", "LIST",
		"NLST", "MLSD", "MLST", "FEAT", "OPTS", "STAT", "HELP", "SITE",
		"PASV", "EPSV", "PORT", "EPRT", "REIN",
	};
	const struct command *c;
	size_t i;

	for (i = 0; i < ARRAY_LEN(known); i++) {
		c = cmdtab_find(known[i]);
		CU_ASSERT_PTR_NOT_NULL(c);
		if (c == NULL) {
			fprintf(stderr, "\n  %s is not in the table\n", known[i]);
			continue;
		}
		CU_ASSERT_STRING_EQUAL(c->name, known[i]);
		CU_ASSERT_PTR_NOT_NULL(c->handler);
		CU_ASSERT_FALSE(c->flags & CMD_UNIMPLEMENTED);
	}
	CU_ASSERT_PTR_EQUAL(cmdtab_find("RETR")->handler, cmd_retr);
	CU_ASSERT_PTR_EQUAL(cmdtab_find("XCWD")->handler, cmd_cwd);
	CU_ASSERT_PTR_EQUAL(cmdtab_find("XPWD")->handler, cmd_pwd);
}

static void
test_find_unknown(void)
{
	CU_ASSERT_PTR_NULL(cmdtab_find("NOSUCH"));
	CU_ASSERT_PTR_NULL(cmdtab_find(""));
	CU_ASSERT_PTR_NULL(cmdtab_find("RET"));
	CU_ASSERT_PTR_NULL(cmdtab_find("RETRX"));
	/* The table holds upper-case names; cmd_split upper-cases first. */
	CU_ASSERT_PTR_NULL(cmdtab_find("retr"));
	/* Known but not offered: present, flagged, no handler. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmdtab_find("ACCT"));
	CU_ASSERT_TRUE(cmdtab_find("ACCT")->flags & CMD_UNIMPLEMENTED);
	CU_ASSERT_PTR_NULL(cmdtab_find("ACCT")->handler);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmdtab_find("SMNT"));
	CU_ASSERT_TRUE(cmdtab_find("SMNT")->flags & CMD_UNIMPLEMENTED);
}

static void
test_table_consistent(void)
{
	size_t i, j, k;

	CU_ASSERT_TRUE(cmdtab_len > 40);
	for (i = 0; i < cmdtab_len; i++) {
		const struct command *c = &cmdtab[i];
		size_t n = strlen(c->name);

		/*
		 * Names: 3 or 4 upper-case letters, each once; the X hash
		 * commands of older clients (XSHA256, XSHA1, XMD5) add digits.
		 */
		CU_ASSERT_TRUE(n >= 3 && n <= 7);
		CU_ASSERT_TRUE(n <= 4 || strncmp(c->name, "XSHA", 4) == 0);
		for (k = 0; k < n; k++)
			CU_ASSERT_TRUE(isupper((unsigned char)c->name[k]) ||
			    (k > 0 && c->name[0] == 'X' &&
			    isdigit((unsigned char)c->name[k])));
		for (j = i + 1; j < cmdtab_len; j++)
			CU_ASSERT_STRING_NOT_EQUAL(c->name, cmdtab[j].name);
		CU_ASSERT_PTR_EQUAL(cmdtab_find(c->name), c);
		/* A handler exactly when the command is offered. */
		CU_ASSERT_EQUAL(c->handler == NULL,
		    (c->flags & CMD_UNIMPLEMENTED) != 0);
		CU_ASSERT_PTR_NOT_NULL(c->help);
		/* Never both "needs an argument" and "takes none". */
		CU_ASSERT_FALSE((c->flags & CMD_ARG_REQUIRED) &&
		    (c->flags & CMD_ARG_NONE));
		/* Whatever writes needs a login first. */
		if (c->flags & CMD_WRITES)
			CU_ASSERT_TRUE(c->flags & CMD_NEEDS_LOGIN);
	}
	/* Offered commands are in alphabetical order: HELP shows them so. */
	for (i = 1; i < cmdtab_len; i++)
		if (!(cmdtab[i].flags & CMD_UNIMPLEMENTED))
			CU_ASSERT_TRUE(strcmp(cmdtab[i - 1].name,
			    cmdtab[i].name) < 0);
}

static void
test_table_rules(void)
{
	/* A few rows whose flags the protocol depends on. */
	CU_ASSERT_TRUE(cmdtab_find("RNTO")->flags & CMD_AFTER_RNFR);
	CU_ASSERT_TRUE(cmdtab_find("PASS")->flags & CMD_AFTER_USER);
	CU_ASSERT_FALSE(cmdtab_find("USER")->flags & CMD_NEEDS_LOGIN);
	CU_ASSERT_FALSE(cmdtab_find("FEAT")->flags & CMD_NEEDS_LOGIN);
	CU_ASSERT_FALSE(cmdtab_find("QUIT")->flags & CMD_NEEDS_LOGIN);
	CU_ASSERT_TRUE(cmdtab_find("RETR")->flags & CMD_NEEDS_LOGIN);
	CU_ASSERT_TRUE(cmdtab_find("RETR")->flags & CMD_ARG_REQUIRED);
	CU_ASSERT_FALSE(cmdtab_find("RETR")->flags & CMD_WRITES);
	CU_ASSERT_TRUE(cmdtab_find("CDUP")->flags & CMD_ARG_NONE);
	CU_ASSERT_TRUE(cmdtab_find("PWD")->flags & CMD_ARG_NONE);
	CU_ASSERT_FALSE(cmdtab_find("LIST")->flags &
	    (CMD_ARG_REQUIRED | CMD_ARG_NONE));
	static const char *writers[] = {
		"STOR", "APPE", "STOU", "DELE", "MKD", "XMKD", "RMD", "XRMD",
		"RNFR", "RNTO", "MFMT",
	};
	for (size_t i = 0; i < ARRAY_LEN(writers); i++)
		CU_ASSERT_TRUE(cmdtab_find(writers[i])->flags & CMD_WRITES);
	/* FEAT lines come from the table. */
	CU_ASSERT_STRING_EQUAL(cmdtab_find("REST")->feat, "REST STREAM");
	CU_ASSERT_STRING_EQUAL(cmdtab_find("SIZE")->feat, "SIZE");
	CU_ASSERT_PTR_NULL(cmdtab_find("RETR")->feat);
}

static void
test_during_transfer(void)
{
	/* ABOR, STAT and NOOP run at once, in any case. */
	CU_ASSERT_TRUE(cmd_runs_during_transfer("ABOR"));
	CU_ASSERT_TRUE(cmd_runs_during_transfer("abor"));
	CU_ASSERT_TRUE(cmd_runs_during_transfer("Abor"));
	CU_ASSERT_TRUE(cmd_runs_during_transfer("STAT"));
	CU_ASSERT_TRUE(cmd_runs_during_transfer("stat"));
	CU_ASSERT_TRUE(cmd_runs_during_transfer("NOOP"));
	CU_ASSERT_TRUE(cmd_runs_during_transfer("noop"));
	/* With an argument they still go through (the dispatcher may 501). */
	CU_ASSERT_TRUE(cmd_runs_during_transfer("ABOR now"));
	CU_ASSERT_TRUE(cmd_runs_during_transfer("STAT "));
}

static void
test_held_during_transfer(void)
{
	static const char *held[] = {
		"RETR x", "STOR x", "LIST", "NLST", "MLSD", "CWD /", "PWD",
		"QUIT", "USER bob", "PASS x", "PASV", "EPSV", "PORT 1,2,3,4,5,6",
		"TYPE A", "REST 5", "DELE x", "SIZE x", "MDTM x", "FEAT", "HELP",
		"REIN", "SITE HELP",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(held); i++) {
		CU_ASSERT_FALSE(cmd_runs_during_transfer(held[i]));
		if (cmd_runs_during_transfer(held[i]))
			fprintf(stderr, "\n  %s would run mid-transfer\n", held[i]);
	}
	/* STAT with a path lists over the control channel: it waits. */
	CU_ASSERT_FALSE(cmd_runs_during_transfer("STAT /"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("stat somefile"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("STAT -la"));
	/* Unknown, malformed or look-alike verbs wait too. */
	CU_ASSERT_FALSE(cmd_runs_during_transfer(""));
	CU_ASSERT_FALSE(cmd_runs_during_transfer(" ABOR"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("ABORT"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("ABOR1"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("NOOPNOOPNOOP"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("ABOR\t"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("XYZZY"));
	CU_ASSERT_FALSE(cmd_runs_during_transfer("ACCT x"));
}

void
suite_register(void)
{
	ADD_SUITE("cmd_split", NULL, NULL,
	    TEST(test_split_verb_upper_cased),
	    TEST(test_split_argument_verbatim),
	    TEST(test_split_empty_argument_is_none),
	    TEST(test_split_rejects_bad_verbs),
	    TEST(test_split_long_verb_not_truncated));
	ADD_SUITE("cmdtab", NULL, NULL,
	    TEST(test_find_known),
	    TEST(test_find_unknown),
	    TEST(test_table_consistent),
	    TEST(test_table_rules));
	ADD_SUITE("during_transfer", NULL, NULL,
	    TEST(test_during_transfer),
	    TEST(test_held_during_transfer));
}
