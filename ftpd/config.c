/*
 * config.c: settings from a file and the command line; see config.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "buf.h"
#include "config.h"
#include "hostarg.h"
#include "userlimits.h"

enum kind { K_STR, K_UINT, K_BOOL, K_RANGE, K_MODE, K_PORT_OR_OFF, K_SIZE };

/*
 * Where a key may be set: HOST keys also inside a [host NAME] section
 * (each virtual host its own value); PROC keys only in the global part,
 * because the process has one of them: its sockets, threads, files and
 * logs, the limits counted across every host, and what a session uses
 * before HOST can name its host (login_timeout, tls: the greeting, FEAT
 * and AUTH come first).
 */
enum scope { HOST, PROC };

/*
 * One row per key: its name, kind, where it lives, the allowed range and
 * where it may be set.
 */
static const struct option_def {
	const char *key;
	enum kind kind;
	size_t offset;
	unsigned min, max;
	enum scope scope;
} options[] = {
#define OFF(f) offsetof(struct config, f)
	{ "listen", K_STR, OFF(listen), 0, 0, PROC },
	{ "port", K_UINT, OFF(port), 0, 65535, PROC },
	{ "root", K_STR, OFF(root), 0, 0, HOST },
	{ "users", K_STR, OFF(users_file), 0, 0, HOST },
	{ "pasv_ports", K_RANGE, OFF(pasv_min), 1024, 65535, PROC },
	{ "pasv_address", K_STR, OFF(pasv_address), 0, 0, HOST },
	{ "anonymous", K_BOOL, OFF(anonymous), 0, 1, HOST },
	{ "anonymous_write", K_BOOL, OFF(anonymous_write), 0, 1, HOST },
	{ "anonymous_home", K_STR, OFF(anonymous_home), 0, 0, HOST },
	{ "anonymous_sees_homes", K_BOOL, OFF(anonymous_sees_homes), 0, 1, HOST },
	{ "foreground", K_BOOL, OFF(foreground), 0, 1, PROC },
	{ "log_file", K_STR, OFF(log_file), 0, 0, PROC },
	{ "xferlog_file", K_STR, OFF(xferlog_file), 0, 0, PROC },
	{ "workers", K_UINT, OFF(workers), 0, 256, PROC },
	{ "auth_threads", K_UINT, OFF(auth_threads), 0, 256, PROC },
	{ "idle_timeout", K_UINT, OFF(idle_timeout), 1, 86400, HOST },
	{ "data_timeout", K_UINT, OFF(data_timeout), 1, 86400, HOST },
	{ "shutdown_timeout", K_UINT, OFF(shutdown_timeout), 0, 86400, PROC },
	{ "max_list_entries", K_UINT, OFF(max_list_entries), 1, 10000000, HOST },
	{ "upload_in_place", K_BOOL, OFF(upload_in_place), 0, 1, HOST },
	{ "allow_foreign_data", K_BOOL, OFF(allow_foreign_data), 0, 1, HOST },
	{ "proxy_protocol", K_STR, OFF(proxy_protocol), 0, 0, PROC },
	{ "proxy_from", K_STR, OFF(proxy_from), 0, 0, PROC },
	{ "file_mode", K_MODE, OFF(file_mode), 0, 0777, HOST },
	{ "dir_mode", K_MODE, OFF(dir_mode), 0, 0777, HOST },
	{ "banner", K_STR, OFF(banner), 0, 0, HOST },
	{ "hide_ids", K_BOOL, OFF(hide_ids), 0, 1, HOST },
	{ "run_as", K_STR, OFF(run_as), 0, 0, PROC },
	{ "max_sessions", K_UINT, OFF(max_sessions), 0, 1000000, PROC },
	{ "max_sessions_per_ip", K_UINT, OFF(max_sessions_per_ip), 1, 1000000, PROC },
	{ "login_timeout", K_UINT, OFF(login_timeout), 1, 86400, PROC },
	{ "max_login_failures", K_UINT, OFF(max_login_failures), 1, 1000, HOST },
	{ "ip_failure_window", K_UINT, OFF(ip_failure_window), 1, 86400, PROC },
	{ "max_ip_failures", K_UINT, OFF(max_ip_failures), 1, 1000000, PROC },
	{ "login_tarpit_delay", K_UINT, OFF(login_tarpit_delay), 0, 3600, PROC },
	{ "login_delay_ms", K_UINT, OFF(login_delay_ms), 0, 60000, HOST },
	{ "tls", K_STR, OFF(tls), 0, 0, PROC },
	{ "tls_cert", K_STR, OFF(tls_cert), 0, 0, HOST },
	{ "tls_key", K_STR, OFF(tls_key), 0, 0, HOST },
	{ "implicit_tls_port", K_PORT_OR_OFF, OFF(implicit_tls_port), 0, 65535, PROC },
	{ "tls_require_reuse", K_BOOL, OFF(tls_require_reuse), 0, 1, HOST },
	{ "metrics_listen", K_STR, OFF(metrics_listen), 0, 0, PROC },
	{ "log_format", K_STR, OFF(log_format), 0, 0, PROC },
	{ "log_commands", K_BOOL, OFF(log_commands), 0, 1, HOST },
	{ "pid_file", K_STR, OFF(pid_file), 0, 0, PROC },
	{ "admin_socket", K_STR, OFF(admin_socket), 0, 0, PROC },
	{ "hash_jobs", K_UINT, OFF(hash_jobs), 0, 256, PROC },
	{ "hash_max_bytes", K_SIZE, OFF(hash_max_bytes), 0, 0, HOST },
	{ "rate_down", K_SIZE, OFF(rate_down), 0, 0, HOST },
	{ "rate_up", K_SIZE, OFF(rate_up), 0, 0, HOST },
	{ "server_rate_down", K_SIZE, OFF(server_rate_down), 0, 0, PROC },
	{ "server_rate_up", K_SIZE, OFF(server_rate_up), 0, 0, PROC },
	{ "quota_bytes", K_SIZE, OFF(quota_bytes), 0, 0, HOST },
	{ "quota_files", K_SIZE, OFF(quota_files), 0, 0, HOST },
#undef OFF
};

_Static_assert(ARRAY_LEN(options) <= CONFIG_MAX_KEYS,
    "raise CONFIG_MAX_KEYS in config.h");

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = strdup("0.0.0.0");
	cfg->port = 21;
	cfg->pasv_min = 40000;
	cfg->pasv_max = 50000;
	cfg->anonymous_home = strdup("/pub");
	cfg->idle_timeout = 300;
	cfg->data_timeout = 60;
	cfg->shutdown_timeout = 30;
	cfg->max_list_entries = 100000;
	cfg->file_mode = 0644;
	cfg->dir_mode = 0755;
	cfg->banner = strdup("ftpd ready.");
	cfg->max_sessions = 0;		/* connlimit_init: up to 20000 */
	cfg->max_sessions_per_ip = 50;
	cfg->login_timeout = 30;
	cfg->max_login_failures = 3;
	cfg->ip_failure_window = 600;
	cfg->max_ip_failures = 20;
	cfg->login_tarpit_delay = 3;
	cfg->login_delay_ms = 500;
	cfg->tls = strdup("off");
	cfg->log_format = strdup("text");
	cfg->proxy_protocol = strdup("off");
	cfg->admin_socket = strdup("/run/ftpd/admin.sock");
	cfg->tls_require_reuse = 1;
	cfg->implicit_tls_port = -1;
}

enum tls_mode
config_tls_mode(const struct config *cfg)
{
	if (strcmp(cfg->tls, "required") == 0)
		return TLS_REQUIRED;
	if (strcmp(cfg->tls, "optional") == 0)
		return TLS_OPTIONAL;
	return TLS_OFF;
}

static int
parse_uint(const char *v, unsigned long max, unsigned long *out, int base)
{
	char *end;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	*out = strtoul(v, &end, base);
	return (errno != 0 || *end != '\0' || *out > max) ? -1 : 0;
}

static int
parse_bool(const char *v, int *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Index of key in the options table, or -1. */
static int
key_index(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(options); i++)
		if (strcmp(options[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* Remembers where key was set (the last place wins). 0 or -1. */
static int
set_origin(struct config *cfg, int i, const char *origin)
{
	char *copy = NULL;

	if (origin != NULL && (copy = strdup(origin)) == NULL)
		return -1;
	free(cfg->origin[i]);
	cfg->origin[i] = copy;
	return 0;
}

int
config_set(struct config *cfg, const char *key, const char *value, char *err,
    size_t errsz)
{
	return config_set_from(cfg, key, value, NULL, err, errsz);
}

int
config_set_from(struct config *cfg, const char *key, const char *value,
    const char *origin, char *err, size_t errsz)
{
	const struct option_def *o;
	unsigned long a, b;
	char *p = (char *)cfg, *dash, *s;
	int i = key_index(key);

	if (i < 0) {
		snprintf(err, errsz, "unknown setting '%s'", key);
		return -1;
	}
	o = &options[i];
	if (set_origin(cfg, i, origin) < 0)
		goto bad;
	switch (o->kind) {
	case K_STR:
		if ((s = strdup(value)) == NULL)
			goto bad;
		free(*(char **)(p + o->offset));
		*(char **)(p + o->offset) = s;
		return 0;
	case K_UINT:
	case K_MODE:
		if (parse_uint(value, o->max, &a, o->kind == K_MODE ? 8 : 10) < 0
		    || a < o->min)
			goto bad;
		*(unsigned *)(p + o->offset) = (unsigned)a;
		return 0;
	case K_BOOL:
		if (parse_bool(value, (int *)(p + o->offset)) < 0)
			goto bad;
		return 0;
	case K_PORT_OR_OFF:
		if (strcasecmp(value, "off") == 0 || strcasecmp(value, "no") == 0) {
			*(int *)(p + o->offset) = -1;
			return 0;
		}
		if (parse_uint(value, o->max, &a, 10) < 0)
			goto bad;
		*(int *)(p + o->offset) = (int)a;
		return 0;
	case K_SIZE:
		/* Bytes (per second for rates), K/M/G/T: powers of 1024. */
		if (userlimits_parse_size(value,
		    (unsigned long long *)(void *)(p + o->offset)) < 0)
			goto bad;
		return 0;
	case K_RANGE:
		if ((dash = strchr(value, '-')) == NULL ||
		    (s = strndup(value, (size_t)(dash - value))) == NULL)
			goto bad;
		if (parse_uint(s, o->max, &a, 10) < 0 ||
		    parse_uint(dash + 1, o->max, &b, 10) < 0 || a < o->min ||
		    b < a) {
			free(s);
			goto bad;
		}
		free(s);
		cfg->pasv_min = (unsigned)a;
		cfg->pasv_max = (unsigned)b;
		return 0;
	}
bad:
	snprintf(err, errsz, "bad value '%s' for %s", value, key);
	return -1;
}

/* Trims leading and trailing white space in place. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Cuts the value at its comment and undoes its quotes, in place: a '#'
 * after white space starts a comment; "..." holds anything but '"' and
 * '\\' unless escaped with '\\' (so a value may hold " #"). Returns the
 * value, or NULL with why.
 */
static char *
parse_value(char *v, const char **why)
{
	char *r, *w, *p;

	v = trim(v);
	if (*v != '"') {
		for (p = v; *p != '\0'; p++) {
			if (*p == '#' && p > v && isspace((unsigned char)p[-1])) {
				*p = '\0';
				break;
			}
		}
		if (*v == '#')
			*v = '\0';	/* "key = # comment": empty */
		return trim(v);
	}
	for (r = w = v + 1; *r != '"'; r++) {
		if (*r == '\0') {
			*why = "unterminated \"";
			return NULL;
		}
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	*w = '\0';
	for (p = r + 1; isspace((unsigned char)*p); p++)
		;
	if (*p != '\0' && *p != '#') {
		*why = "text after the closing \"";
		return NULL;
	}
	return v + 1;
}

int
config_key_per_host(const char *key)
{
	int i = key_index(key);

	return i >= 0 && options[i].scope == HOST;
}

static void
free_section(struct config_section *sec)
{
	size_t i;

	for (i = 0; i < sec->nlines; i++) {
		free(sec->lines[i].key);
		free(sec->lines[i].value);
		free(sec->lines[i].origin);
	}
	free(sec->lines);
	free(sec->name);
	free(sec->origin);
	memset(sec, 0, sizeof(*sec));
}

/*
 * A "[host NAME]" header (line trimmed): starts a section in cfg and sets
 * *cur to its index. 0, or -1 with why in msg.
 */
static int
open_section(struct config *cfg, char *line, const char *origin,
    size_t *cur, char *msg, size_t msgsz)
{
	char name[HOSTARG_NAME_MAX + 1], *end = line + strlen(line) - 1, *arg;
	struct config_section *v;
	size_t i;

	if (*end != ']') {
		snprintf(msg, msgsz, "expected [host NAME]");
		return -1;
	}
	*end = '\0';
	arg = trim(line + 1);
	if (strncasecmp(arg, "host", 4) != 0 ||
	    !isspace((unsigned char)arg[4])) {
		snprintf(msg, msgsz, "unknown section [%s]: the only kind is "
		    "[host NAME]", arg);
		return -1;
	}
	arg = trim(arg + 4);
	if (hostarg_parse(arg, name, sizeof(name)) != HOSTARG_NAME) {
		snprintf(msg, msgsz, "[host %s]: not a host name (letters, "
		    "digits, '-' and '.')", arg);
		return -1;
	}
	for (i = 0; i < cfg->nsections; i++) {
		if (strcmp(cfg->sections[i].name, name) == 0) {
			snprintf(msg, msgsz, "duplicate [host %s] (first at %s)",
			    name, cfg->sections[i].origin);
			return -1;
		}
	}
	v = reallocarray(cfg->sections, cfg->nsections + 1, sizeof(*v));
	if (v == NULL)
		goto nomem;
	cfg->sections = v;
	v = &cfg->sections[cfg->nsections];
	memset(v, 0, sizeof(*v));
	if ((v->name = strdup(name)) == NULL ||
	    (v->origin = strdup(origin)) == NULL) {
		free_section(v);
		goto nomem;
	}
	*cur = cfg->nsections++;
	return 0;
nomem:
	snprintf(msg, msgsz, "out of memory");
	return -1;
}

/*
 * A "key = value" line inside a section: checked now (a key the section
 * may set, a value it takes), applied by config_build_hosts. 0, or -1
 * with why in msg.
 */
static int
section_line(struct config_section *sec, const char *key, const char *value,
    const char *origin, char *msg, size_t msgsz)
{
	struct config scratch;
	struct config_line *v, *l;
	int i = key_index(key), rc;

	if (i < 0) {
		snprintf(msg, msgsz, "unknown setting '%s'", key);
		return -1;
	}
	if (options[i].scope != HOST) {
		snprintf(msg, msgsz, "%s cannot be set inside [host %s]: the "
		    "server has one %s for every host; set it before the first "
		    "[host] section", key, sec->name, key);
		return -1;
	}
	config_defaults(&scratch);
	rc = config_set(&scratch, key, value, msg, msgsz);
	config_free(&scratch);
	if (rc < 0)
		return -1;
	if ((v = reallocarray(sec->lines, sec->nlines + 1, sizeof(*v))) == NULL)
		goto nomem;
	sec->lines = v;
	l = &v[sec->nlines];
	l->key = strdup(key);
	l->value = strdup(value);
	l->origin = strdup(origin);
	if (l->key == NULL || l->value == NULL || l->origin == NULL) {
		free(l->key);
		free(l->value);
		free(l->origin);
		goto nomem;
	}
	sec->nlines++;
	return 0;
nomem:
	snprintf(msg, msgsz, "out of memory");
	return -1;
}

int
config_load_each(struct config *cfg, const char *path,
    void (*report)(void *arg, const char *msg), void *arg)
{
	char line[4096], msg[512], full[1024], *key, *eq, *value;
	const char *why = NULL;
	unsigned lineno = 0;
	int problems = 0;
	size_t sec = 0;
	int in_section = 0;	/* each file starts in the global part */
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(full, sizeof(full), "config file %s: %s", path,
		    strerror(errno));
		report(arg, full);
		return 1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		msg[0] = '\0';
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(msg, sizeof(msg), "line too long");
			/* Skip the rest of the long line. */
			while (fgets(line, sizeof(line), f) != NULL &&
			    strchr(line, '\n') == NULL)
				;
		} else if (*(key = trim(line)) == '\0' || *key == '#') {
			continue;
		} else if (*key == '[') {
			snprintf(full, sizeof(full), "%s:%u", path, lineno);
			/* A bad header: its lines are refused, not global. */
			in_section = -1;
			if (open_section(cfg, key, full, &sec, msg,
			    sizeof(msg)) == 0)
				in_section = 1;
		} else if (in_section < 0) {
			snprintf(msg, sizeof(msg), "setting under a bad section "
			    "header");
		} else if ((eq = strchr(key, '=')) == NULL) {
			snprintf(msg, sizeof(msg), "expected key = value");
		} else {
			*eq = '\0';
			if ((value = parse_value(eq + 1, &why)) == NULL)
				snprintf(msg, sizeof(msg), "%s", why);
			else {
				snprintf(full, sizeof(full), "%s:%u", path,
				    lineno);
				if ((in_section ? section_line(&cfg->sections[sec],
				    trim(key), value, full, msg, sizeof(msg)) :
				    config_set_from(cfg, trim(key), value, full,
				    msg, sizeof(msg))) == 0)
					msg[0] = '\0';
			}
		}
		if (msg[0] != '\0') {
			snprintf(full, sizeof(full), "%s:%u: %s", path, lineno, msg);
			report(arg, full);
			problems++;
		}
	}
	if (ferror(f)) {
		snprintf(full, sizeof(full), "config file %s: %s", path,
		    strerror(errno));
		report(arg, full);
		problems++;
	}
	fclose(f);
	return problems;
}

struct first_error {
	char *err;
	size_t errsz;
	int seen;
};

static void
keep_first(void *arg, const char *msg)
{
	struct first_error *fe = arg;

	if (!fe->seen++)
		snprintf(fe->err, fe->errsz, "%s", msg);
}

int
config_load(struct config *cfg, const char *path, char *err, size_t errsz)
{
	struct first_error fe = { err, errsz, 0 };

	return config_load_each(cfg, path, keep_first, &fe) == 0 ? 0 : -1;
}

const char *
config_key_name(size_t i)
{
	return i < ARRAY_LEN(options) ? options[i].key : NULL;
}

const char *
config_origin(const struct config *cfg, const char *key)
{
	int i = key_index(key);

	return i >= 0 ? cfg->origin[i] : NULL;
}

/* Reports "origin: msg" (origin of key, when it was set). Returns 1. */
static int PRINTF_LIKE(5, 6)
problem(const struct config *cfg, const char *key,
    void (*report)(void *, const char *), void *arg, const char *fmt, ...)
{
	const char *origin = key != NULL ? config_origin(cfg, key) : NULL;
	char msg[512], full[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (origin != NULL)
		snprintf(full, sizeof(full), "%s: %s", origin, msg);
	else
		snprintf(full, sizeof(full), "%s", msg);
	report(arg, full);
	return 1;
}

/* proxy_protocol and proxy_from: a known mode, and networks that parse. */
static int
validate_proxy(const struct config *cfg,
    void (*report)(void *arg, const char *msg), void *arg)
{
	static const char *const modes[] = { "off", "v1", "v2", "any" };
	char *list, *tok, *save = NULL;
	struct addr_cidr net;
	size_t i;
	int n = 0;

	for (i = 0; i < ARRAY_LEN(modes); i++)
		if (strcmp(cfg->proxy_protocol, modes[i]) == 0)
			break;
	if (i == ARRAY_LEN(modes))
		return problem(cfg, "proxy_protocol", report, arg,
		    "proxy_protocol must be off, v1, v2 or any");
	if (i == 0)
		return 0;
	if (cfg->proxy_from == NULL || *cfg->proxy_from == '\0')
		return problem(cfg, "proxy_protocol", report, arg,
		    "proxy_protocol needs proxy_from: the balancers' "
		    "addresses (CIDR, comma-separated)");
	if ((list = strdup(cfg->proxy_from)) == NULL)
		return problem(cfg, "proxy_from", report, arg, "out of memory");
	for (tok = strtok_r(list, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (addr_cidr_parse(tok, &net) == 0)
			continue;
		n += problem(cfg, "proxy_from", report, arg, "proxy_from: '%s' "
		    "is not an address or CIDR network", tok);
	}
	free(list);
	return n;
}

/*
 * What one host needs (a root, someone who can log in, its certificate)
 * and, for the global part (host_name NULL), the process-wide settings.
 */
static int
validate_host(const struct config *cfg,
    void (*report)(void *arg, const char *msg), void *arg)
{
	int tls_off = strcmp(cfg->tls, "off") == 0;
	int global = cfg->host_name == NULL;
	int n = 0;

	if (cfg->root == NULL)
		n += problem(cfg, NULL, report, arg,
		    "no root folder: set root or --root");
	if (cfg->users_file == NULL && !cfg->anonymous)
		n += problem(cfg, "anonymous", report, arg,
		    "no users file and no anonymous access: nobody could log in");
	if (global && !tls_off && strcmp(cfg->tls, "optional") != 0 &&
	    strcmp(cfg->tls, "required") != 0)
		n += problem(cfg, "tls", report, arg,
		    "tls must be off, optional or required");
	if ((!tls_off || cfg->implicit_tls_port >= 0) &&
	    (cfg->tls_cert == NULL || cfg->tls_key == NULL))
		n += problem(cfg, "tls", report, arg, "TLS needs a certificate "
		    "and a key (--tls-cert FILE --tls-key FILE; tools/make-cert "
		    "makes a pair)");
	if (global && cfg->implicit_tls_port >= 0 && tls_off)
		n += problem(cfg, "implicit_tls_port", report, arg,
		    "an implicit TLS port needs tls optional or required");
	/* Refused, not ignored: the admin meant to encrypt. */
	if ((cfg->tls_cert != NULL || cfg->tls_key != NULL) && tls_off)
		n += problem(cfg, cfg->tls_cert != NULL ? "tls_cert" : "tls_key",
		    report, arg, "tls_cert or tls_key is set but tls is off, so "
		    "FTPS would stay off: set tls = optional or required "
		    "(--tls), or remove them");
	if (cfg->anonymous_write && !cfg->anonymous)
		n += problem(cfg, "anonymous_write", report, arg,
		    "anonymous_write needs anonymous");
	return n;
}

/* Says "host NAME: msg" through the caller's report. */
struct host_report {
	const char *name;
	void (*report)(void *arg, const char *msg);
	void *arg;
};

static void
report_for_host(void *arg, const char *msg)
{
	struct host_report *h = arg;
	char full[1024];

	snprintf(full, sizeof(full), "host %s: %s", h->name, msg);
	h->report(h->arg, full);
}

int
config_validate_each(const struct config *cfg,
    void (*report)(void *arg, const char *msg), void *arg)
{
	int n = validate_host(cfg, report, arg);
	size_t i;

	if (strcmp(cfg->log_format, "text") != 0 &&
	    strcmp(cfg->log_format, "json") != 0)
		n += problem(cfg, "log_format", report, arg,
		    "log_format must be text or json");
	n += validate_proxy(cfg, report, arg);
	for (i = 0; i < cfg->nhosts; i++) {
		struct host_report h = { cfg->hosts[i]->host_name, report, arg };

		n += validate_host(cfg->hosts[i], report_for_host, &h);
	}
	return n;
}

int
config_validate(const struct config *cfg, char *err, size_t errsz)
{
	struct first_error fe = { err, errsz, 0 };

	return config_validate_each(cfg, keep_first, &fe) == 0 ? 0 : -1;
}

/* Where the i-th key's value lives in cfg. */
#define FIELD(cfg, i) ((char *)(cfg) + options[i].offset)

int
config_key_equal(const struct config *a, const struct config *b,
    const char *key)
{
	const char *sa, *sb;
	int i = key_index(key);

	if (i < 0)
		return 0;
	switch (options[i].kind) {
	case K_STR:
		sa = *(char *const *)FIELD(a, i);
		sb = *(char *const *)FIELD(b, i);
		return sa == sb || (sa != NULL && sb != NULL &&
		    strcmp(sa, sb) == 0);
	case K_UINT:
	case K_MODE:
		return *(const unsigned *)FIELD(a, i) ==
		    *(const unsigned *)FIELD(b, i);
	case K_BOOL:
	case K_PORT_OR_OFF:
		return *(const int *)FIELD(a, i) == *(const int *)FIELD(b, i);
	case K_SIZE:
		return *(const unsigned long long *)FIELD(a, i) ==
		    *(const unsigned long long *)FIELD(b, i);
	case K_RANGE:
		return a->pasv_min == b->pasv_min && a->pasv_max == b->pasv_max;
	}
	return 0;
}

int
config_key_copy(struct config *dst, const struct config *src, const char *key)
{
	const char *from;
	char *copy = NULL;
	int i = key_index(key);

	if (i < 0 || set_origin(dst, i, src->origin[i]) < 0)
		return -1;
	switch (options[i].kind) {
	case K_STR:
		from = *(char *const *)FIELD(src, i);
		if (from != NULL && (copy = strdup(from)) == NULL)
			return -1;
		free(*(char **)FIELD(dst, i));
		*(char **)FIELD(dst, i) = copy;
		return 0;
	case K_UINT:
	case K_MODE:
		*(unsigned *)FIELD(dst, i) = *(const unsigned *)FIELD(src, i);
		return 0;
	case K_BOOL:
	case K_PORT_OR_OFF:
		*(int *)FIELD(dst, i) = *(const int *)FIELD(src, i);
		return 0;
	case K_SIZE:
		*(unsigned long long *)FIELD(dst, i) =
		    *(const unsigned long long *)FIELD(src, i);
		return 0;
	case K_RANGE:
		dst->pasv_min = src->pasv_min;
		dst->pasv_max = src->pasv_max;
		return 0;
	}
	return -1;
}

/* Copies every setting of src into dst (made with config_defaults). */
static int
copy_settings(struct config *dst, const struct config *src)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(options); i++)
		if (config_key_copy(dst, src, options[i].key) < 0)
			return -1;
	return 0;
}

/* One host from sec over cfg's settings; NULL on a problem (reported). */
static struct config *
build_host(const struct config *cfg, const struct config_section *sec,
    void (*report)(void *arg, const char *msg), void *arg, int *problems)
{
	struct config *h = calloc(1, sizeof(*h));
	char msg[512], full[1024];
	size_t i;

	if (h != NULL)
		config_defaults(h);
	if (h == NULL || copy_settings(h, cfg) < 0 ||
	    (h->host_name = strdup(sec->name)) == NULL) {
		snprintf(full, sizeof(full), "%s: host %s: out of memory",
		    sec->origin, sec->name);
		report(arg, full);
		(*problems)++;
		goto fail;
	}
	for (i = 0; i < sec->nlines; i++) {
		const struct config_line *l = &sec->lines[i];

		if (config_set_from(h, l->key, l->value, l->origin, msg,
		    sizeof(msg)) == 0)
			continue;
		snprintf(full, sizeof(full), "%s: host %s: %s", l->origin,
		    sec->name, msg);
		report(arg, full);
		(*problems)++;
	}
	return h;
fail:
	if (h != NULL) {
		config_free(h);
		free(h);
	}
	return NULL;
}

static void
free_hosts(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nhosts; i++) {
		config_free(cfg->hosts[i]);
		free(cfg->hosts[i]);
	}
	free(cfg->hosts);
	cfg->hosts = NULL;
	cfg->nhosts = 0;
}

int
config_build_hosts(struct config *cfg,
    void (*report)(void *arg, const char *msg), void *arg)
{
	int problems = 0;
	size_t i;

	free_hosts(cfg);
	if (cfg->nsections == 0)
		return 0;
	if ((cfg->hosts = calloc(cfg->nsections, sizeof(*cfg->hosts))) == NULL) {
		report(arg, "virtual hosts: out of memory");
		return 1;
	}
	for (i = 0; i < cfg->nsections; i++) {
		struct config *h = build_host(cfg, &cfg->sections[i], report,
		    arg, &problems);

		if (h != NULL)
			cfg->hosts[cfg->nhosts++] = h;
	}
	return problems;
}

const struct config *
config_host(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nhosts; i++)
		if (strcasecmp(cfg->hosts[i]->host_name, name) == 0)
			return cfg->hosts[i];
	return NULL;
}

/* The settings new sessions take (config_publish). */
static const struct config *current;

void
config_publish(const struct config *cfg)
{
	__atomic_store_n(&current, cfg, __ATOMIC_RELEASE);
}

const struct config *
config_current(void)
{
	return __atomic_load_n(&current, __ATOMIC_ACQUIRE);
}

void
config_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(cfg->origin); i++)
		free(cfg->origin[i]);
	/* Every string key owns its value: free them from the table. */
	for (i = 0; i < ARRAY_LEN(options); i++)
		if (options[i].kind == K_STR)
			free(*(char **)((char *)cfg + options[i].offset));
	free_hosts(cfg);
	for (i = 0; i < cfg->nsections; i++)
		free_section(&cfg->sections[i]);
	free(cfg->sections);
	free(cfg->host_name);
	memset(cfg, 0, sizeof(*cfg));
}
