/*
 * cmdtab.c: the command table and the dispatcher; see cmdtab.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "cmdtab.h"
#include "config.h"
#include "dataconn.h"
#include "metrics.h"
#include "reply.h"
#include "session.h"
#include "tls.h"

#define L CMD_NEEDS_LOGIN
#define REQ CMD_ARG_REQUIRED
#define NONE CMD_ARG_NONE
#define W CMD_WRITES
#define X CMD_DURING_XFER
#define D CMD_DATA

/* Kept in alphabetical order: HELP lists them as they stand here. */
const struct command cmdtab[] = {
	{ "ABOR", cmd_abor, NONE | X, NULL, "(abort transfer)" },
	{ "ALLO", cmd_allo, L | REQ, NULL, "<sp> size" },
	{ "APPE", cmd_appe, L | REQ | W | D, NULL, "<sp> path" },
	{ "AUTH", cmd_auth, REQ | CMD_NEEDS_TLS | CMD_BEFORE_AUTH, "AUTH TLS", "<sp> TLS" },
	{ "CCC", cmd_ccc, NONE | CMD_NEEDS_TLS, NULL, "(refused)" },
	{ "CDUP", cmd_cdup, L | NONE, NULL, "(go up)" },
	{ "CWD", cmd_cwd, L, NULL, "[<sp> path]" },
	{ "DELE", cmd_dele, L | REQ | W, NULL, "<sp> path" },
	{ "EPRT", cmd_eprt, L | REQ | CMD_NOT_EPSV_ALL, "EPRT", "<sp> |af|addr|port|" },
	{ "EPSV", cmd_epsv, L, "EPSV", "[<sp> 1 | 2 | ALL]" },
	{ "FEAT", cmd_feat, NONE, NULL, "(list features)" },
	{ "HASH", cmd_hash, L | REQ, "HASH", "<sp> path" },
	{ "HELP", cmd_help, 0, NULL, "[<sp> command]" },
	{ "HOST", cmd_host, REQ, "HOST", "<sp> name | [address]" },
	{ "LIST", cmd_list, L | D, NULL, "[<sp> path]" },
	{ "MDTM", cmd_mdtm, L | REQ, "MDTM", "<sp> path" },
	{ "MFMT", cmd_mfmt, L | REQ | W, "MFMT", "<sp> YYYYMMDDHHMMSS path" },
	{ "MKD", cmd_mkd, L | REQ | W, NULL, "<sp> path" },
	{ "MLSD", cmd_mlsd, L | D, NULL, "[<sp> path]" },
	{ "MLST", cmd_mlst, L, "MLST", "[<sp> path]" },
	{ "MODE", cmd_mode, REQ, NULL, "<sp> S" },
	{ "NLST", cmd_nlst, L | D, NULL, "[<sp> path]" },
	{ "NOOP", cmd_noop, NONE | X, NULL, "(no operation)" },
	{ "OPTS", cmd_opts, REQ, NULL, "<sp> UTF8 ON | MLST facts | HASH [algo]" },
	{ "PASS", cmd_pass, CMD_AFTER_USER, NULL, "<sp> password" },
	{ "PASV", cmd_pasv, L | NONE | CMD_NOT_EPSV_ALL, "PASV", "(passive mode)" },
	{ "PBSZ", cmd_pbsz, REQ | CMD_NEEDS_TLS | CMD_AFTER_AUTH, "PBSZ", "<sp> 0" },
	{ "PORT", cmd_port, L | REQ | CMD_NOT_EPSV_ALL, NULL, "<sp> h1,h2,h3,h4,p1,p2" },
	{ "PROT", cmd_prot, REQ | CMD_NEEDS_TLS | CMD_AFTER_PBSZ, "PROT", "<sp> C | P" },
	{ "PWD", cmd_pwd, L | NONE, NULL, "(print directory)" },
	{ "QUIT", cmd_quit, NONE, NULL, "(log out)" },
	{ "RANG", cmd_rang, L | REQ, NULL, "<sp> start end (for HASH)" },
	{ "REIN", cmd_rein, NONE, NULL, "(log out, keep connection)" },
	{ "REST", cmd_rest, L | REQ, "REST STREAM", "<sp> offset" },
	{ "RETR", cmd_retr, L | REQ | D, NULL, "<sp> path" },
	{ "RMD", cmd_rmd, L | REQ | W, NULL, "<sp> path" },
	{ "RNFR", cmd_rnfr, L | REQ | W, NULL, "<sp> path" },
	{ "RNTO", cmd_rnto, L | REQ | W | CMD_AFTER_RNFR, NULL, "<sp> path" },
	{ "SITE", cmd_site, L | REQ, NULL, "<sp> HELP | CHMOD mode path" },
	{ "SIZE", cmd_size, L | REQ, "SIZE", "<sp> path" },
	{ "STAT", cmd_stat, X | CMD_LOGIN_WITH_ARG, NULL, "[<sp> path]" },
	{ "STOR", cmd_stor, L | REQ | W | D, NULL, "<sp> path" },
	{ "STOU", cmd_stou, L | W | D, NULL, "[<sp> name]" },
	{ "STRU", cmd_stru, REQ, NULL, "<sp> F" },
	{ "SYST", cmd_syst, NONE, NULL, "(system type)" },
	{ "TYPE", cmd_type, REQ, NULL, "<sp> A | I | L 8" },
	{ "USER", cmd_user, REQ, NULL, "<sp> name" },
	{ "XCUP", cmd_cdup, L | NONE, NULL, "(go up)" },
	{ "XCWD", cmd_cwd, L, NULL, "[<sp> path]" },
	{ "XMD5", cmd_xmd5, L | REQ, NULL, "<sp> path" },
	{ "XMKD", cmd_mkd, L | REQ | W, NULL, "<sp> path" },
	{ "XPWD", cmd_pwd, L | NONE, NULL, "(print directory)" },
	{ "XRMD", cmd_rmd, L | REQ | W, NULL, "<sp> path" },
	{ "XSHA1", cmd_xsha1, L | REQ, NULL, "<sp> path" },
	{ "XSHA256", cmd_xsha256, L | REQ, NULL, "<sp> path" },
	/* Known but deliberately not offered (RFC 959 optional commands). */
	{ "ACCT", NULL, CMD_UNIMPLEMENTED, NULL, "(not used)" },
	{ "SMNT", NULL, CMD_UNIMPLEMENTED, NULL, "(not supported)" },
};

#undef L
#undef REQ
#undef NONE
#undef W
#undef X

const size_t cmdtab_len = ARRAY_LEN(cmdtab);

/* The longest verb we take (SITE subcommands are parsed by SITE). */
#define VERB_MAX 8

const struct command *
cmdtab_find(const char *name)
{
	size_t i;

	for (i = 0; i < cmdtab_len; i++)
		if (strcmp(cmdtab[i].name, name) == 0)
			return &cmdtab[i];
	return NULL;
}

int
cmd_split(char *line, char **verb, char **arg)
{
	char *p = line, *sp;
	size_t n;

	*verb = NULL;
	*arg = NULL;
	sp = strchr(p, ' ');
	n = sp != NULL ? (size_t)(sp - p) : strlen(p);
	if (n == 0 || n > VERB_MAX)
		return -1;
	/* Letters, and digits after the first (XSHA256, XMD5). */
	for (size_t i = 0; i < n; i++) {
		if (!(i == 0 ? isalpha((unsigned char)p[i]) :
		    isalnum((unsigned char)p[i])))
			return -1;
		p[i] = (char)toupper((unsigned char)p[i]);
	}
	*verb = p;
	if (sp != NULL) {
		*sp = '\0';
		/* "CMD " with nothing after it counts as no argument. */
		if (sp[1] != '\0')
			*arg = sp + 1;
	}
	return 0;
}

int
cmd_runs_during_transfer(const char *line)
{
	char verb[VERB_MAX + 1];
	const struct command *c;
	size_t n = 0;

	while (n < VERB_MAX && (n == 0 ? isalpha((unsigned char)line[n]) :
	    isalnum((unsigned char)line[n]))) {
		verb[n] = (char)toupper((unsigned char)line[n]);
		n++;
	}
	verb[n] = '\0';
	if (line[n] != '\0' && line[n] != ' ')
		return 0;
	c = cmdtab_find(verb);
	if (c == NULL || !(c->flags & CMD_DURING_XFER))
		return 0;
	/*
	 * STAT with a path lists over the control channel: wait for it.
	 * "STAT " has no path (cmd_split reads it as no argument).
	 */
	return !(strcmp(verb, "STAT") == 0 && line[n] == ' ' &&
	    line[n + 1] != '\0');
}

static int
tls_off(const struct session *s)
{
	return !s->tls_active;
}

static int
tls_on(const struct session *s)
{
	return s->tls_active;
}

static int
pbsz_done(const struct session *s)
{
	return s->tls_active && s->pbsz_done;
}

static int
no_epsv_all(const struct session *s)
{
	return !s->epsv_all;
}

/* Sequence rules: a command with the flag needs the state, else 503. */
static const struct sequence_rule {
	unsigned flag;
	int (*holds)(const struct session *s);
	const char *text;	/* %s: the verb */
} sequence_rules[] = {
	{ CMD_BEFORE_AUTH, tls_off, "Already using TLS." },
	{ CMD_AFTER_AUTH, tls_on, "%s needs AUTH TLS first." },
	{ CMD_AFTER_PBSZ, pbsz_done, "%s needs AUTH TLS and PBSZ first." },
	{ CMD_NOT_EPSV_ALL, no_epsv_all, "%s not allowed after EPSV ALL." },
};

int
cmd_refuse_read_only(struct session *s, const char *name, const char *arg)
{
	if (s->writable)
		return 0;
	session_log(s, "%s %s refused: read-only account", name,
	    arg != NULL ? arg : "");
	session_reply(s, R_550_FILE_UNAVAILABLE, "Permission denied.");
	return -1;
}

/*
 * A transfer command needs its data connection before it opens anything:
 * checked later, a STOR written in place would already have truncated
 * the old file, and an upload made its file (and used up one of the
 * user's quota_files), only to be refused.
 */
static int
check_data_rule(struct session *s)
{
	if (!dc_armed(s->dc)) {
		session_reply(s, R_425_CANT_OPEN_DATA, "Use PORT or PASV first.");
		return -1;
	}
	if (config_tls_mode(s->cfg) == TLS_REQUIRED && !s->prot_private) {
		session_reply(s, R_521_PROT_REQUIRED,
		    "Data connections must be encrypted: use PROT P.");
		return -1;
	}
	return 0;
}

/* Applies the table's rules; returns 0 when the handler may run. */
static int
check_rules(struct session *s, const struct command *c, const char *arg)
{
	if ((c->flags & CMD_UNIMPLEMENTED) ||
	    ((c->flags & CMD_NEEDS_TLS) && !tls_enabled())) {
		session_reply(s, R_502_NOT_IMPLEMENTED,
		    "%s not implemented.", c->name);
		return -1;
	}
	if (((c->flags & CMD_NEEDS_LOGIN) ||
	    ((c->flags & CMD_LOGIN_WITH_ARG) && arg != NULL)) &&
	    s->login != LOGIN_DONE) {
		session_reply(s, R_530_NOT_LOGGED_IN, "Please login with USER and PASS.");
		return -1;
	}
	if ((c->flags & CMD_AFTER_USER) && s->login != LOGIN_NEED_PASS) {
		if (s->login == LOGIN_DONE)
			session_reply(s, R_230_LOGGED_IN, "Already logged in.");
		else
			session_reply(s, R_503_BAD_SEQUENCE, "Login with USER first.");
		return -1;
	}
	if ((c->flags & CMD_AFTER_RNFR) && s->rnfr == NULL) {
		session_reply(s, R_503_BAD_SEQUENCE, "RNFR required first.");
		return -1;
	}
	if ((c->flags & CMD_ARG_REQUIRED) && arg == NULL) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR, "%s needs an argument: %s %s",
		    c->name, c->name, c->help);
		return -1;
	}
	if ((c->flags & CMD_ARG_NONE) && arg != NULL) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR, "%s takes no argument.",
		    c->name);
		return -1;
	}
	if ((c->flags & CMD_WRITES) && cmd_refuse_read_only(s, c->name, arg) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(sequence_rules); i++) {
		const struct sequence_rule *r = &sequence_rules[i];

		if ((c->flags & r->flag) && !r->holds(s)) {
			session_reply(s, R_503_BAD_SEQUENCE, r->text, c->name);
			return -1;
		}
	}
	return (c->flags & CMD_DATA) ? check_data_rule(s) : 0;
}

/* Verbs that make a first line an HTTP request, not FTP. */
static int
is_http_verb(const char *verb)
{
	static const char *const http[] = {
		"GET", "POST", "HEAD", "PUT", "CONNECT", "OPTIONS", "DELETE",
		"TRACE", "PATCH",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(http); i++)
		if (strcmp(verb, http[i]) == 0)
			return 1;
	return 0;
}

/*
 * Notes the command for `ftpd who` and, with log_commands, the log; a
 * password never reaches either.
 */
static void
note_command(struct session *s, const char *verb, const char *arg)
{
	if (strcmp(verb, "PASS") == 0 && arg != NULL)
		arg = "****";
	snprintf(s->cmd, sizeof(s->cmd), "%s%s%s", verb, arg != NULL ? " " : "",
	    arg != NULL ? arg : "");
	if (s->cfg->log_commands)
		session_log(s, "command: %s%s%s", verb, arg != NULL ? " " : "",
		    arg != NULL ? arg : "");
}

void
cmd_dispatch(struct session *s, char *line)
{
	const struct command *c;
	char *verb, *arg;

	if (cmd_split(line, &verb, &arg) < 0) {
		/* Not logged as it came: it could be a mistyped password. */
		if (s->cfg->log_commands)
			session_log(s, "command: (not a command line)");
		metrics_count_command(cmdtab_len);
		session_reply(s, R_500_SYNTAX_ERROR, "Syntax error, command unrecognized.");
		return;
	}
	note_command(s, verb, arg);
	if (s->commands++ == 0 && is_http_verb(verb)) {
		/*
		 * Cross-protocol attacks (ALPACA) make a browser talk HTTP to
		 * an FTP port; answering could reflect attacker data. Close.
		 */
		session_log(s, "HTTP request on the control connection: closing");
		session_close_after(s, 0, NULL);
		return;
	}
	c = cmdtab_find(verb);
	s->verb = c != NULL ? c->name : NULL;
	metrics_count_command(c != NULL ? (size_t)(c - cmdtab) : cmdtab_len);
	if (c == NULL) {
		session_reply(s, R_500_SYNTAX_ERROR, "Unknown command.");
		return;
	}
	if (check_rules(s, c, arg) < 0)
		goto out;
	c->handler(s, arg);
out:
	/* RFC 959: RNFR must be followed at once by RNTO. */
	if (s->rnfr != NULL && strcmp(c->name, "RNFR") != 0) {
		free(s->rnfr);
		s->rnfr = NULL;
	}
}
