/*
 * client.c: see client.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <strings.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "listfmt.h"
#include "netrc.h"
#include "tlsconn.h"
#include "vpath.h"
#include "xfer.h"

#define LISTING_MAX (64 * 1024 * 1024)

void
client_init(struct client *c)
{
	memset(c, 0, sizeof(*c));
	c->passive = 1;
	c->timeout_ms = 30000;
	c->progress = PROGRESS_AUTO;
	proto_init(&c->s, c->timeout_ms);
}

FILE *
client_notes(const struct client *c)
{
	return c->verbose && !c->quiet ? stdout : NULL;
}

void
client_free(struct client *c)
{
	client_cache_clear(c);
	proto_free(&c->s);
	SSL_CTX_free(c->tls_ctx);
	c->tls_ctx = NULL;
}

SSL_CTX *
client_tls_ctx(struct client *c)
{
	char err[512];

	if (c->tls_ctx == NULL) {
		c->tls_ctx = tlsconn_ctx_new(c->cacert, c->insecure, err,
		    sizeof(err));
		if (c->tls_ctx == NULL)
			client_fail(c, FC_USAGE, "%s", err);
	}
	return c->tls_ctx;
}

unsigned
client_default_port(enum proto_tls tls)
{
	return tls == PT_IMPLICIT ? 990 : 21;
}

void
client_url_target(const struct client *c, const struct ftp_url *u,
    enum proto_tls *tls, unsigned *port)
{
	*tls = u->implicit_tls ? PT_IMPLICIT : c->tls;
	*port = u->has_port ? u->port : client_default_port(*tls);
}

enum fc_status
client_fail(struct client *c, enum fc_status st, const char *fmt, ...)
{
	va_list ap;

	(void)c;
	fflush(stdout);
	fputs("ftpc: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return st;
}

void
client_note(struct client *c, const char *fmt, ...)
{
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

int
client_progress_on(const struct client *c)
{
	if (c->progress == PROGRESS_ON)
		return 1;
	if (c->progress == PROGRESS_OFF || c->quiet)
		return 0;
	return isatty(STDERR_FILENO);
}

int
client_read_secret(const char *prompt, char *out, size_t outsz)
{
	struct termios old, raw;
	size_t n = 0;
	char ch;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &old) < 0) {
		close(fd);
		return -1;
	}
	raw = old;
	raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	raw.c_lflag |= ICANON;
	(void)tcsetattr(fd, TCSAFLUSH, &raw);
	if (write(fd, prompt, strlen(prompt)) < 0)
		n = 0;
	while (read(fd, &ch, 1) == 1 && ch != '\n') {
		if (n + 1 < outsz)
			out[n++] = ch;
	}
	out[n] = '\0';
	(void)tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		n = 0;
	close(fd);
	return 0;
}

/* Asks for a user name on the terminal; -1 without one. */
static int
ask_user(const char *host, char *out, size_t outsz)
{
	struct passwd *pw = getpwuid(getuid());
	const char *me = pw != NULL ? pw->pw_name : "";
	size_t n;

	if (!isatty(STDIN_FILENO))
		return -1;
	printf("Name (%s:%s): ", host, me);
	fflush(stdout);
	if (fgets(out, (int)outsz, stdin) == NULL)
		return -1;
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (n == 0 && xstrlcpy(out, me, outsz) < 0)
		return -1;
	return 0;
}

/* Fills in the credentials that the caller left NULL. */
static void
resolve_credentials(struct client *c, const char *host, const char **user,
    const char **pass, char *ubuf, char *pbuf, size_t sz)
{
	struct netrc_entry e;

	if (*user == NULL || *pass == NULL) {
		if (netrc_lookup(c->netrc_path, host, *user, &e) == 1) {
			if (*user == NULL && e.has_login &&
			    xstrlcpy(ubuf, e.login, sz) == 0)
				*user = ubuf;
			if (*pass == NULL && e.has_password &&
			    xstrlcpy(pbuf, e.password, sz) == 0)
				*pass = pbuf;
		}
		netrc_clear(&e);
	}
	if (*user == NULL) {
		if (c->interactive && ask_user(host, ubuf, sz) == 0)
			*user = ubuf;
		else
			*user = "anonymous";
	}
	if (*pass == NULL) {
		if (strcmp(*user, "anonymous") == 0 || strcmp(*user, "ftp") == 0)
			*pass = "ftpc@";
		else if (client_read_secret("Password:", pbuf, sz) == 0)
			*pass = pbuf;
		else
			*pass = "";
	}
}

enum fc_status
client_open(struct client *c, const char *host, unsigned port,
    enum proto_tls tls, const char *user, const char *pass)
{
	char ubuf[PROTO_CRED_MAX], pbuf[PROTO_CRED_MAX];
	enum fc_status st;

	c->s.tls = tls;
	c->s.tls_ctx = NULL;
	if (tls != PT_NONE) {
		if ((c->s.tls_ctx = client_tls_ctx(c)) == NULL)
			return FC_USAGE;
		if (c->insecure && !c->quiet)
			fprintf(stderr, "ftpc: warning: --insecure: the "
			    "certificate of %s is not checked\n", host);
	}

	client_cache_clear(c);
	c->rcwd[0] = '\0';
	c->s.verbose = c->verbose || c->debug;
	c->s.debug = c->debug;
	c->s.timeout_ms = c->timeout_ms;
	c->s.ctrl.timeout_ms = c->timeout_ms;
	c->s.rate_limit = c->rate_limit;
	c->s.passive = c->passive;
	st = proto_connect(&c->s, host, port);
	if (st != FC_OK)
		return client_fail(c, st, "%s", c->s.err);
	if (c->interactive && !c->verbose)
		client_note(c, "Connected to %s.", host);
	resolve_credentials(c, host, &user, &pass, ubuf, pbuf, sizeof(pbuf));
	st = proto_login(&c->s, user, pass);
	explicit_bzero(pbuf, sizeof(pbuf));
	if (st != FC_OK) {
		client_fail(c, st, "%s", c->s.err);
		if (st != FC_LOGIN)
			proto_quit(&c->s);
		return st;
	}
	/* Asked before login unless refused then or sent in the clear. */
	if (!(c->s.feat & PF_FEAT))
		proto_feat(&c->s);
	client_update_cwd(c);
	memcpy(c->home, c->rcwd, sizeof(c->home));
	return FC_OK;
}

void
client_update_cwd(struct client *c)
{
	int v = c->s.verbose;

	c->s.verbose = c->debug;
	if (proto_pwd(&c->s, c->rcwd, sizeof(c->rcwd)) != FC_OK)
		c->rcwd[0] = '\0';
	c->s.verbose = v;
}

void
client_cache_clear(struct client *c)
{
	size_t i;

	for (i = 0; i < CLIENT_CACHE_DIRS; i++) {
		listparse_free(&c->cache[i].list);
		c->cache[i].used = 0;
	}
}

enum fc_status
client_list(struct client *c, struct proto *s, const char *dir,
    struct lp_list *out)
{
	struct buf text;
	enum fc_status st;
	int mlsd, v;

	if (s == NULL)
		s = &c->s;
	mlsd = (s->feat & PF_MLSD) != 0;
	buf_init(&text, LISTING_MAX);
	v = s->verbose;
	s->verbose = c->debug && s == &c->s;
	st = xfer_list(s, mlsd ? "MLSD" : "LIST", *dir ? dir : NULL, &text);
	s->verbose = v;
	if (st == FC_OK &&
	    listparse_buffer(buf_cstr(&text), mlsd, time(NULL), out) < 0)
		st = FC_LOCAL;
	buf_free(&text);
	return st;
}

const struct lp_list *
client_cached_list(struct client *c, const char *dir)
{
	char abs[CLIENT_PATH_MAX];
	struct dircache *d;
	size_t i;

	if (c->s.state != PS_LOGGED_IN)
		return NULL;
	if (c->rcwd[0] == '/') {
		if (vpath_resolve(c->rcwd, dir, abs, sizeof(abs)) < 0)
			return NULL;
	} else if (xstrlcpy(abs, dir, sizeof(abs)) < 0) {
		return NULL;
	}
	for (i = 0; i < CLIENT_CACHE_DIRS; i++)
		if (c->cache[i].used && strcmp(c->cache[i].dir, abs) == 0)
			return &c->cache[i].list;
	d = &c->cache[c->cache_next++ % CLIENT_CACHE_DIRS];
	listparse_free(&d->list);
	d->used = 0;
	if (client_list(c, NULL, abs, &d->list) != FC_OK) {
		listparse_free(&d->list);
		return NULL;
	}
	memcpy(d->dir, abs, sizeof(d->dir));
	d->used = 1;
	return &d->list;
}

/* MLST's facts for dir: 1 a directory, 0 not, -1 failed session. */
static int
dir_by_mlst(struct proto *s, const char *dir)
{
	const char *line, *nl;
	int code = proto_cmd(s, "MLST %s", dir);

	if (code < 0 || code == R_421_SERVICE_UNAVAILABLE)
		return -1;
	if (code != R_250_FILE_ACTION_OK)
		return 0;
	/* The facts line starts with a space: " type=dir;... name". */
	for (line = proto_reply_text(s); line != NULL;
	    line = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (*line == ' ' && (strncasecmp(line + 1, "type=dir;", 9) == 0 ||
		    strcasestr(line, ";type=dir;") != NULL))
			return 1;
	}
	return 0;
}

int
client_remote_dir_exists(struct client *c, struct proto *s, const char *dir)
{
	char back[CLIENT_PATH_MAX];
	int code;

	if (s == NULL)
		s = &c->s;
	if (s->feat & PF_MLSD)
		return dir_by_mlst(s, dir);
	/* CWD there and back; the way back must be known first. */
	if (s->cwd[0] != '/' && proto_pwd(s, back, sizeof(back)) != FC_OK)
		return s->state == PS_DISCONNECTED ? -1 : 0;
	if (xstrlcpy(back, s->cwd, sizeof(back)) < 0)
		return 0;
	code = proto_cmd(s, "CWD %s", dir);
	if (code < 0 || code == R_421_SERVICE_UNAVAILABLE)
		return -1;
	if (!proto_ok(code))
		return 0;
	code = proto_cmd(s, "CWD %s", back);
	if (!proto_ok(code)) {
		fc_errf(s->err, sizeof(s->err), "cannot return to %s", back);
		return -1;
	}
	return 1;
}

int
client_join(char *out, size_t outsz, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n == 0 || strcmp(dir, ".") == 0)
		return xstrlcpy(out, name, outsz);
	if (dir[n - 1] == '/')
		return xsnprintf(out, outsz, "%s%s", dir, name);
	return xsnprintf(out, outsz, "%s/%s", dir, name);
}

const char *
client_basename(const char *path, char *tmp, size_t tmpsz)
{
	size_t n = strlen(path);
	const char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= tmpsz)
		n = tmpsz - 1;
	memcpy(tmp, path, n);
	tmp[n] = '\0';
	slash = strrchr(tmp, '/');
	return slash != NULL && slash[1] != '\0' ? slash + 1 : tmp;
}

void
client_free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int
push_name(char ***names, size_t *n, const char *name)
{
	char **nv = realloc(*names, (*n + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	*names = nv;
	nv[*n] = strdup(name);
	if (nv[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

enum fc_status
client_remote_glob(struct client *c, const char *pattern, int want_dirs,
    char ***names, size_t *n)
{
	char dir[CLIENT_PATH_MAX], full[CLIENT_PATH_MAX];
	const char *slash, *pat;
	struct lp_list list = { NULL, 0, 0 };
	enum fc_status st;
	size_t i;

	*names = NULL;
	*n = 0;
	if (!listfmt_has_glob(pattern))
		return push_name(names, n, pattern) < 0 ? FC_LOCAL : FC_OK;
	slash = strrchr(pattern, '/');
	if (slash != NULL) {
		if ((size_t)(slash - pattern) + 2 > sizeof(dir))
			return FC_USAGE;
		memcpy(dir, pattern, (size_t)(slash - pattern) + 1);
		dir[slash - pattern + 1] = '\0';
		pat = slash + 1;
	} else {
		dir[0] = '\0';
		pat = pattern;
	}
	if (listfmt_has_glob(dir)) {
		fc_errf(c->s.err, sizeof(c->s.err),
		    "globs in directory names are not supported");
		return FC_USAGE;
	}
	st = client_list(c, NULL, dir, &list);
	for (i = 0; st == FC_OK && i < list.n; i++) {
		if (!listfmt_glob_match(pat, list.v[i].name))
			continue;
		if (list.v[i].type == LP_DIR && !want_dirs)
			continue;
		if (client_join(full, sizeof(full), dir, list.v[i].name) < 0 ||
		    push_name(names, n, full) < 0)
			st = FC_LOCAL;
	}
	listparse_free(&list);
	if (st != FC_OK) {
		client_free_names(*names, *n);
		*names = NULL;
		*n = 0;
	}
	return st;
}
