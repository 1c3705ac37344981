/*
 * cmd_info.c: commands that report: NOOP, SYST, FEAT, OPTS, STAT, HELP,
 * SIZE, MDTM, MLST.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "cmds.h"
#include "cmdtab.h"
#include "config.h"
#include "listfmt.h"
#include "listing.h"
#include "reply.h"
#include "session.h"
#include "tls.h"
#include "vfs.h"
#include "xfer.h"

#define TEXT_MAX (1024 * 1024)

void
cmd_noop(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, R_200_OK, "NOOP ok.");
}

void
cmd_syst(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, R_215_SYSTEM_TYPE, "UNIX Type: L8");
}

void
cmd_feat(struct session *s, char *arg)
{
	struct buf t;
	size_t i;
	int rc = 0;

	(void)arg;
	buf_init(&t, TEXT_MAX);
	rc |= buf_puts(&t, "Features:\n");
	for (i = 0; i < cmdtab_len; i++) {
		if (cmdtab[i].feat == NULL ||
		    ((cmdtab[i].flags & CMD_NEEDS_TLS) && !tls_enabled()))
			continue;
		rc |= buf_puts(&t, cmdtab[i].feat);
		if (strcmp(cmdtab[i].feat, "MLST") == 0) {
			rc |= buf_puts(&t, " ");
			rc |= listfmt_facts_feat(&t, s->mlst_facts);
		}
		if (strcmp(cmdtab[i].feat, "HASH") == 0)
			rc |= cmd_hash_feat(&t, s);
		rc |= buf_puts(&t, "\n");
	}
	/* Features that are not a command of their own. */
	rc |= buf_puts(&t, "TVFS\nUTF8\nEnd");
	if (rc != 0)
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
	else
		session_reply_text(s, R_211_SYSTEM_STATUS, buf_cstr(&t));
	buf_free(&t);
}

void
cmd_opts(struct session *s, char *arg)
{
	struct buf t;

	if (strncasecmp(arg, "UTF8", 4) == 0 && (arg[4] == '\0' || arg[4] == ' ')) {
		const char *v = arg[4] == ' ' ? arg + 5 : "ON";

		if (strcasecmp(v, "ON") != 0 && strcasecmp(v, "OFF") != 0) {
			session_reply(s, R_501_ARG_SYNTAX_ERROR, "Use OPTS UTF8 ON.");
			return;
		}
		/* File names are passed through as bytes either way. */
		session_reply(s, R_200_OK, "Always in UTF8 mode.");
		return;
	}
	if (strncasecmp(arg, "MLST", 4) == 0 && (arg[4] == '\0' || arg[4] == ' ')) {
		s->mlst_facts = arg[4] == ' ' ? listfmt_parse_facts(arg + 5) : 0;
		buf_init(&t, 1024);
		if (buf_puts(&t, "MLST OPTS ") < 0 ||
		    listfmt_facts_names(&t, s->mlst_facts) < 0)
			session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		else
			session_reply_text(s, R_200_OK, buf_cstr(&t));
		buf_free(&t);
		return;
	}
	if (strncasecmp(arg, "HASH", 4) == 0 && (arg[4] == '\0' || arg[4] == ' ')) {
		cmd_opts_hash(s, arg[4] == ' ' && arg[5] != '\0' ? arg + 5 : NULL);
		return;
	}
	session_reply(s, R_501_ARG_SYNTAX_ERROR, "Option not understood.");
}

static void
stat_server(struct session *s)
{
	char xfer[VPATH_MAX + 128];

	xfer_describe(s, xfer, sizeof(xfer));
	session_reply(s, R_211_SYSTEM_STATUS,
	    "FTP server status:\n"
	    "Connected to %s\n"
	    "Logged in as %s\n"
	    "TYPE: %s, FORM: Nonprint; STRUcture: File; transfer MODE: Stream\n"
	    "%s\n"
	    "Session: %llu bytes in (%u files), %llu bytes out (%u files)\n"
	    "End of status",
	    s->peer_str,
	    s->login == LOGIN_DONE ? s->user : "(not logged in)",
	    s->type_ascii ? "ASCII" : "BINARY", xfer,
	    s->bytes_in, s->files_in, s->bytes_out, s->files_out);
}

/*
 * STAT path: a LIST over the control connection. A reply is held in memory
 * whole (and capped at 1 MiB by the session), so the listing stops after
 * STAT_LIST_MAX bytes of text, or at max_list_entries, and its last line
 * says where it was cut: LIST streams the whole folder.
 */
#define STAT_LIST_MAX (512 * 1024)
#define STAT_SLICE (16 * 1024)

static void
stat_path(struct session *s, char *arg)
{
	struct listing_opts o;
	char path[VPATH_MAX];
	struct listing *l;
	struct buf body;
	size_t i, j;
	int more, rc;

	memset(&o, 0, sizeof(o));
	o.style = LISTING_LONG;
	o.show_hidden = 1;
	o.hide_ids = s->cfg->hide_ids;
	o.max_entries = s->cfg->max_list_entries;
	if ((l = cmd_make_listing(s, arg, &o, path)) == NULL)
		return;
	buf_init(&body, STAT_LIST_MAX + 2 * STAT_SLICE + VPATH_MAX + 256);
	if (buf_printf(&body, "Status of %s:\n", path) < 0)
		more = -1;
	else
		do {
			more = listing_next(l, &body, STAT_SLICE);
		} while (more > 0 && body.len < STAT_LIST_MAX);
	/* The listing lines end in CRLF; reply_format wants plain '\n'. */
	for (i = 0, j = 0; i < body.len; i++)
		if (body.data[i] != '\r')
			body.data[j++] = body.data[i];
	body.len = j;
	if (body.data != NULL)
		body.data[j] = '\0';
	rc = more < 0 ? -1 : 0;
	if (rc == 0 && (more > 0 || listing_truncated(l)))
		rc = buf_printf(&body, "Listing cut at %zu entries.\n",
		    listing_count(l));
	listing_free(l);
	if (rc == 0)
		rc = buf_puts(&body, "End of status");
	if (rc < 0)
		session_reply(s, R_451_LOCAL_ERROR, "Could not list %s.", arg);
	else
		session_reply_text(s, R_213_FILE_STATUS, buf_cstr(&body));
	buf_free(&body);
}

void
cmd_stat(struct session *s, char *arg)
{
	if (arg == NULL) {
		stat_server(s);
		return;
	}
	stat_path(s, arg);	/* the dispatcher asked for a login */
}

void
cmd_help(struct session *s, char *arg)
{
	const struct command *c;
	const char *prev = "";
	struct buf t;
	size_t i, col;
	int rc = 0;

	if (arg != NULL) {
		char name[16];

		snprintf(name, sizeof(name), "%s", arg);
		for (i = 0; name[i]; i++)
			name[i] = (char)toupper((unsigned char)name[i]);
		c = cmdtab_find(name);
		if (c == NULL || (c->flags & CMD_UNIMPLEMENTED) ||
		    ((c->flags & CMD_NEEDS_TLS) && !tls_enabled()))
			session_reply(s, R_502_NOT_IMPLEMENTED, "Unknown command %s.", name);
		else
			session_reply(s, R_214_HELP, "Syntax: %s %s", c->name, c->help);
		return;
	}
	buf_init(&t, TEXT_MAX);
	rc |= buf_puts(&t, "The following commands are recognized:");
	for (i = 0, col = 0; i < cmdtab_len; i++) {
		if ((cmdtab[i].flags & CMD_UNIMPLEMENTED) ||
		    ((cmdtab[i].flags & CMD_NEEDS_TLS) && !tls_enabled()))
			continue;
		/* Eight to a line, in columns, no trailing blanks. */
		if (col % 8 == 0)
			rc |= buf_puts(&t, "\n");
		else
			rc |= buf_printf(&t, "%*s", 6 - (int)strlen(prev), "");
		rc |= buf_puts(&t, cmdtab[i].name);
		prev = cmdtab[i].name;
		col++;
	}
	rc |= buf_puts(&t, "\nHelp OK.");
	if (rc != 0)
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
	else
		session_reply_text(s, R_214_HELP, buf_cstr(&t));
	buf_free(&t);
}

/* Resolves and stats arg; replies and returns -1 on failure. */
static int
stat_arg(struct session *s, const char *arg, char *path, struct stat *st)
{
	if (session_path(s, arg, path) < 0)
		return -1;
	if (vfs_stat(s->root_fd, path, st) < 0) {
		session_reply_errno(s, errno, arg);
		return -1;
	}
	return 0;
}

void
cmd_size(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	struct stat st;

	if (stat_arg(s, arg, path, &st) < 0)
		return;
	if (!S_ISREG(st.st_mode)) {
		session_reply(s, R_550_FILE_UNAVAILABLE, "%s: Not a plain file.", arg);
		return;
	}
	session_reply(s, R_213_FILE_STATUS, "%jd", (intmax_t)st.st_size);
}

void
cmd_mdtm(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	struct stat st;
	struct tm tm;

	if (stat_arg(s, arg, path, &st) < 0)
		return;
	if (!S_ISREG(st.st_mode)) {
		session_reply(s, R_550_FILE_UNAVAILABLE, "%s: Not a plain file.", arg);
		return;
	}
	gmtime_r(&st.st_mtime, &tm);
	session_reply(s, R_213_FILE_STATUS, "%04d%02d%02d%02d%02d%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

void
cmd_mlst(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	struct stat st;
	struct buf t;

	if (arg == NULL)
		arg = (char *)".";
	if (stat_arg(s, arg, path, &st) < 0)
		return;
	buf_init(&t, 2 * VPATH_MAX + 1024);
	if (buf_printf(&t, "Listing %s\n", path) < 0 ||
	    listfmt_facts(&t, &st, s->mlst_facts, s->writable, 0) < 0 ||
	    buf_printf(&t, " %s\nEnd", path) < 0)
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
	else
		session_reply_text(s, R_250_FILE_ACTION_OK, buf_cstr(&t));
	buf_free(&t);
}
