/*
 * shell.c: see shell.h.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <histedit.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmdtable.h"
#include "shell.h"

#define HISTORY_SIZE 1000
#define COMPLETE_MAX 4096

/* The interactive shell's history, for the history command; else NULL. */
static History *shell_hist;

int
shell_split(const char *line, struct shell_args *a, char *err, size_t errsz)
{
	const char *p = line;
	size_t o = 0;
	char quote;

	a->argc = 0;
	for (;;) {
		while (*p != '\0' && isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (a->argc == SHELL_ARGS_MAX)
			goto too_long;
		a->argv[a->argc++] = &a->store[o];
		quote = 0;
		while (*p != '\0' && (quote || !isspace((unsigned char)*p))) {
			if (quote == 0 && (*p == '"' || *p == '\'')) {
				quote = *p++;
				continue;
			}
			if (quote != 0 && *p == quote) {
				quote = 0;
				p++;
				continue;
			}
			if (*p == '\\' && quote != '\'' && p[1] != '\0')
				p++;
			if (o + 1 >= sizeof(a->store))
				goto too_long;
			a->store[o++] = *p++;
		}
		if (quote != 0) {
			fc_errf(err, errsz, "unterminated %c quote", quote);
			return -1;
		}
		a->store[o++] = '\0';
	}
	a->argv[a->argc] = NULL;
	return 0;
too_long:
	fc_errf(err, errsz, "line too long");
	return -1;
}

static enum fc_status run_bang(struct client *c, const char *rest);
static enum fc_status run_words(struct client *c, const char *line);

enum fc_status
shell_run_line(struct client *c, const char *line)
{
	enum fc_status st;
	int ignore = 0;

	while (isspace((unsigned char)*line))
		line++;
	if (*line == '\0' || *line == '#')
		return FC_OK;
	if (*line == '-') {
		ignore = 1;
		line++;
	}
	if (*line == '!')
		st = run_bang(c, line + 1);
	else
		st = run_words(c, line);
	return ignore ? FC_OK : st;
}

/* "!command" goes to the local shell as it is, quotes and all. */
static enum fc_status
run_bang(struct client *c, const char *rest)
{
	char *argv[3], *cmd;
	size_t n;
	enum fc_status st;

	while (isspace((unsigned char)*rest))
		rest++;
	n = strlen(rest);
	while (n > 0 && isspace((unsigned char)rest[n - 1]))
		n--;
	cmd = strndup(rest, n);
	if (cmd == NULL)
		return client_fail(c, FC_LOCAL, "out of memory");
	argv[0] = "!";
	argv[1] = cmd;
	argv[2] = NULL;
	st = ftpc_cmd_run(c, n > 0 ? 2 : 1, argv);
	free(cmd);
	return st;
}

static enum fc_status
run_words(struct client *c, const char *line)
{
	struct shell_args *a;
	enum fc_status st;
	char err[128];

	a = malloc(sizeof(*a));
	if (a == NULL)
		return client_fail(c, FC_LOCAL, "out of memory");
	if (shell_split(line, a, err, sizeof(err)) < 0) {
		free(a);
		return client_fail(c, FC_USAGE, "%s", err);
	}
	st = a->argc > 0 ? ftpc_cmd_run(c, a->argc, a->argv) : FC_OK;
	free(a);
	return st;
}

void
shell_history_print(FILE *out, long last)
{
	HistEvent ev;
	long i = 0, total;
	int rv;

	if (shell_hist == NULL || history(shell_hist, &ev, H_GETSIZE) < 0)
		return;
	total = ev.num;
	for (rv = history(shell_hist, &ev, H_LAST); rv != -1;
	    rv = history(shell_hist, &ev, H_PREV)) {
		if (++i <= total - last && last > 0)
			continue;
		fprintf(out, "%5ld  %s%s", i, ev.str,
		    strchr(ev.str, '\n') != NULL ? "" : "\n");
	}
	fflush(out);
}

enum fc_status
shell_run_stream(struct client *c, FILE *f)
{
	enum fc_status st, first = FC_OK;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (!c->quit && (n = getline(&line, &cap, f)) >= 0) {
		if (n > SHELL_LINE_MAX) {
			st = client_fail(c, FC_USAGE, "script line too long");
		} else {
			line[strcspn(line, "\r\n")] = '\0';
			transport_interrupt = 0;
			st = shell_run_line(c, line);
		}
		if (st != FC_OK && first == FC_OK)
			first = st;
		if (st != FC_OK && !c->keep_going)
			break;
	}
	free(line);
	return first;
}

/* --- completion --------------------------------------------------------- */

struct matches {
	char **v;
	size_t n;
};

static void
add_match(struct matches *m, const char *name, int dir)
{
	char **nv;
	size_t len = strlen(name);

	nv = realloc(m->v, (m->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return;
	m->v = nv;
	nv[m->n] = malloc(len + 2);
	if (nv[m->n] == NULL)
		return;
	memcpy(nv[m->n], name, len);
	nv[m->n][len] = dir ? '/' : '\0';
	nv[m->n][len + 1] = '\0';
	m->n++;
}

static void
free_matches(struct matches *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
}

static void
complete_commands(const char *prefix, struct matches *m)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < ftpc_ncmds; i++)
		if (strncmp(ftpc_cmds[i].name, prefix, n) == 0)
			add_match(m, ftpc_cmds[i].name, 0);
}

static void
complete_local(const char *dir, const char *base, struct matches *m)
{
	size_t n = strlen(base);
	struct dirent *de;
	DIR *d = opendir(*dir ? dir : ".");

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((de->d_name[0] == '.' && base[0] != '.') ||
		    strncmp(de->d_name, base, n) != 0)
			continue;
		add_match(m, de->d_name, de->d_type == DT_DIR);
	}
	closedir(d);
}

static void
complete_remote(struct client *c, const char *dir, const char *base,
    struct matches *m)
{
	const struct lp_list *l;
	size_t i, n = strlen(base);
	int v = c->s.verbose;

	c->s.verbose = 0;
	l = client_cached_list(c, dir);
	c->s.verbose = v;
	for (i = 0; l != NULL && i < l->n; i++) {
		if ((l->v[i].name[0] == '.' && base[0] != '.') ||
		    strncmp(l->v[i].name, base, n) != 0)
			continue;
		add_match(m, l->v[i].name, l->v[i].type == LP_DIR);
	}
}

/* What kind of word the argument number idx (1-based) of cmd is. */
static char
arg_kind(const char *cmdname, int idx)
{
	const struct ftpc_cmd *cmd;
	size_t n;
	int amb;

	if (idx == 0)
		return 'c';
	cmd = ftpc_cmd_find(cmdname, &amb);
	if (cmd == NULL)
		return '-';
	n = strlen(cmd->complete);
	return cmd->complete[(size_t)idx - 1 < n ? (size_t)idx - 1 : n - 1];
}

/* Inserts text with blanks and quotes escaped. */
static void
insert_escaped(EditLine *el, const char *text)
{
	char out[COMPLETE_MAX * 2];
	size_t o = 0;

	for (; *text != '\0' && o + 3 < sizeof(out); text++) {
		if (strchr(" \t\"'\\", *text) != NULL)
			out[o++] = '\\';
		out[o++] = *text;
	}
	out[o] = '\0';
	if (o > 0)
		el_insertstr(el, out);
}

static void
show_matches(const struct matches *m)
{
	size_t i;

	fputc('\n', stdout);
	for (i = 0; i < m->n; i++)
		printf("%-24s%s", m->v[i], (i + 1) % 3 == 0 || i + 1 == m->n ?
		    "\n" : " ");
	fflush(stdout);
}

static unsigned char
complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	char text[COMPLETE_MAX], dir[COMPLETE_MAX], err[64];
	struct shell_args *a;
	struct matches m = { NULL, 0 };
	struct client *c = NULL;
	const char *word, *slash;
	size_t len = (size_t)(li->cursor - li->buffer), common, i, wl;
	int idx;
	unsigned char rc = CC_REFRESH;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &c);
	if (len >= sizeof(text) || c == NULL)
		return CC_ERROR;
	memcpy(text, li->buffer, len);
	text[len] = '\0';
	a = malloc(sizeof(*a));
	if (a == NULL || shell_split(text, a, err, sizeof(err)) < 0) {
		free(a);
		return CC_ERROR;
	}
	/* The word under the cursor: the last one, or a new empty one. */
	if (len == 0 || isspace((unsigned char)text[len - 1]) || a->argc == 0) {
		word = "";
		idx = a->argc;
	} else {
		word = a->argv[a->argc - 1];
		idx = a->argc - 1;
	}
	slash = strrchr(word, '/');
	dir[0] = '\0';
	if (slash != NULL) {
		memcpy(dir, word, (size_t)(slash - word) + 1);
		dir[slash - word + 1] = '\0';
	}
	switch (arg_kind(idx > 0 ? a->argv[0] : "", idx)) {
	case 'c':
		complete_commands(word, &m);
		break;
	case 'l':
		complete_local(dir, slash ? slash + 1 : word, &m);
		break;
	case 'r':
		complete_remote(c, dir, slash ? slash + 1 : word, &m);
		break;
	default:
		break;
	}
	wl = strlen(slash ? slash + 1 : word);
	if (m.n == 0) {
		rc = CC_ERROR;
	} else {
		common = strlen(m.v[0]);
		for (i = 1; i < m.n; i++) {
			size_t k = 0;

			while (k < common && m.v[i][k] == m.v[0][k])
				k++;
			common = k;
		}
		if (common > wl) {
			m.v[0][common] = '\0';
			insert_escaped(el, m.v[0] + wl);
		}
		if (m.n == 1 && m.v[0][common - 1] != '/')
			el_insertstr(el, " ");
		else if (m.n > 1 && common <= wl) {
			show_matches(&m);
			rc = CC_REDISPLAY;
		}
	}
	free_matches(&m);
	free(a);
	return rc;
}

/* --- the interactive loop ----------------------------------------------- */

static char prompt_buf[512];

static char *
prompt(EditLine *el)
{
	struct client *c = NULL;

	el_get(el, EL_CLIENTDATA, &c);
	if (c == NULL || c->s.state == PS_DISCONNECTED)
		fc_errf(prompt_buf, sizeof(prompt_buf), "ftpc> ");
	else if (c->s.state != PS_LOGGED_IN)
		fc_errf(prompt_buf, sizeof(prompt_buf), "%s (not logged in)> ",
		    c->s.host);
	else
		fc_errf(prompt_buf, sizeof(prompt_buf), "%s@%s:%s> ", c->s.user,
		    c->s.host, c->rcwd[0] ? c->rcwd : "?");
	return prompt_buf;
}

static void
on_sigint(int sig)
{
	(void)sig;
	transport_interrupt = 1;
}

static int
history_path(char *out, size_t outsz)
{
	const char *home = getenv("HOME");

	if (home == NULL || *home == '\0')
		return -1;
	return xsnprintf(out, outsz, "%s/.ftpc_history", home);
}

enum fc_status
shell_interactive(struct client *c)
{
	struct sigaction sa;
	char hpath[CLIENT_PATH_MAX];
	int have_hpath = history_path(hpath, sizeof(hpath)) == 0;
	const char *line;
	enum fc_status last = FC_OK;
	EditLine *el;
	History *h;
	HistEvent ev;
	int count;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);	/* no SA_RESTART: waits wake up */
	el = el_init("ftpc", stdin, stdout, stderr);
	h = history_init();
	if (el == NULL || h == NULL)
		return client_fail(c, FC_LOCAL, "cannot start line editing");
	shell_hist = h;
	history(h, &ev, H_SETSIZE, HISTORY_SIZE);
	history(h, &ev, H_SETUNIQUE, 1);
	if (have_hpath)
		history(h, &ev, H_LOAD, hpath);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_HIST, history, h);
	el_set(el, EL_CLIENTDATA, c);
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_ADDFN, "ftpc-complete", "Complete a word", complete);
	el_set(el, EL_BIND, "^I", "ftpc-complete", NULL);
	el_source(el, NULL);
	while (!c->quit) {
		transport_interrupt = 0;
		line = el_gets(el, &count);
		if (line == NULL || count <= 0) {
			if (transport_interrupt) {
				fputc('\n', stdout);
				continue;
			}
			fputc('\n', stdout);
			break;
		}
		if (strspn(line, " \t\r\n") != strlen(line)) {
			history(h, &ev, H_ENTER, line);
			if (have_hpath)
				history(h, &ev, H_SAVE, hpath);
		}
		last = shell_run_line(c, line);
	}
	el_end(el);
	shell_hist = NULL;
	history_end(h);
	return last;
}
