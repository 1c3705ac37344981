/*
 * config.c: settings from a file and the command line; see config.h.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"

enum kind { K_STR, K_UINT, K_BOOL, K_RANGE, K_MODE, K_PORT_OR_OFF, K_BYTES };

/* One row per key: its name, kind, where it lives, and the allowed range. */
static const struct option_def {
	const char *key;
	enum kind kind;
	size_t offset;
	unsigned min, max;
} options[] = {
#define OFF(f) offsetof(struct config, f)
	{ "listen", K_STR, OFF(listen), 0, 0 },
	{ "port", K_UINT, OFF(port), 0, 65535 },
	{ "root", K_STR, OFF(root), 0, 0 },
	{ "users", K_STR, OFF(users_file), 0, 0 },
	{ "pasv_ports", K_RANGE, OFF(pasv_min), 1024, 65535 },
	{ "pasv_address", K_STR, OFF(pasv_address), 0, 0 },
	{ "anonymous", K_BOOL, OFF(anonymous), 0, 1 },
	{ "anonymous_write", K_BOOL, OFF(anonymous_write), 0, 1 },
	{ "anonymous_home", K_STR, OFF(anonymous_home), 0, 0 },
	{ "foreground", K_BOOL, OFF(foreground), 0, 1 },
	{ "log_file", K_STR, OFF(log_file), 0, 0 },
	{ "xferlog_file", K_STR, OFF(xferlog_file), 0, 0 },
	{ "workers", K_UINT, OFF(workers), 0, 256 },
	{ "auth_threads", K_UINT, OFF(auth_threads), 0, 256 },
	{ "idle_timeout", K_UINT, OFF(idle_timeout), 1, 86400 },
	{ "data_timeout", K_UINT, OFF(data_timeout), 1, 86400 },
	{ "shutdown_timeout", K_UINT, OFF(shutdown_timeout), 0, 86400 },
	{ "max_list_entries", K_UINT, OFF(max_list_entries), 1, 10000000 },
	{ "upload_in_place", K_BOOL, OFF(upload_in_place), 0, 1 },
	{ "allow_foreign_data", K_BOOL, OFF(allow_foreign_data), 0, 1 },
	{ "file_mode", K_MODE, OFF(file_mode), 0, 0777 },
	{ "dir_mode", K_MODE, OFF(dir_mode), 0, 0777 },
	{ "banner", K_STR, OFF(banner), 0, 0 },
	{ "hide_ids", K_BOOL, OFF(hide_ids), 0, 1 },
	{ "run_as", K_STR, OFF(run_as), 0, 0 },
	{ "max_sessions", K_UINT, OFF(max_sessions), 1, 1000000 },
	{ "max_sessions_per_ip", K_UINT, OFF(max_sessions_per_ip), 1, 1000000 },
	{ "login_timeout", K_UINT, OFF(login_timeout), 1, 86400 },
	{ "max_login_failures", K_UINT, OFF(max_login_failures), 1, 1000 },
	{ "ip_failure_window", K_UINT, OFF(ip_failure_window), 1, 86400 },
	{ "max_ip_failures", K_UINT, OFF(max_ip_failures), 1, 1000000 },
	{ "login_delay_ms", K_UINT, OFF(login_delay_ms), 0, 60000 },
	{ "tls", K_STR, OFF(tls), 0, 0 },
	{ "tls_cert", K_STR, OFF(tls_cert), 0, 0 },
	{ "tls_key", K_STR, OFF(tls_key), 0, 0 },
	{ "implicit_tls_port", K_PORT_OR_OFF, OFF(implicit_tls_port), 0, 65535 },
	{ "tls_require_reuse", K_BOOL, OFF(tls_require_reuse), 0, 1 },
	{ "metrics_listen", K_STR, OFF(metrics_listen), 0, 0 },
	{ "log_format", K_STR, OFF(log_format), 0, 0 },
	{ "hash_jobs", K_UINT, OFF(hash_jobs), 0, 256 },
	{ "hash_max_bytes", K_BYTES, OFF(hash_max_bytes), 0, 0 },
#undef OFF
};

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = strdup("0.0.0.0");
	cfg->port = 21;
	cfg->pasv_min = 40000;
	cfg->pasv_max = 50000;
	cfg->anonymous_home = strdup("/");
	cfg->idle_timeout = 300;
	cfg->data_timeout = 60;
	cfg->shutdown_timeout = 30;
	cfg->max_list_entries = 100000;
	cfg->file_mode = 0644;
	cfg->dir_mode = 0755;
	cfg->banner = strdup("ftpd ready.");
	cfg->max_sessions = 20000;
	cfg->max_sessions_per_ip = 50;
	cfg->login_timeout = 30;
	cfg->max_login_failures = 3;
	cfg->ip_failure_window = 600;
	cfg->max_ip_failures = 20;
	cfg->login_delay_ms = 500;
	cfg->tls = strdup("off");
	cfg->log_format = strdup("text");
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

int
config_set(struct config *cfg, const char *key, const char *value, char *err,
    size_t errsz)
{
	const struct option_def *o = NULL;
	unsigned long a, b;
	char *p = (char *)cfg, *dash, *s;
	size_t i;

	for (i = 0; i < ARRAY_LEN(options); i++)
		if (strcmp(options[i].key, key) == 0)
			o = &options[i];
	if (o == NULL) {
		snprintf(err, errsz, "unknown setting '%s'", key);
		return -1;
	}
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
	case K_BYTES:
		/* A byte count may pass 4 GiB: its own 64-bit field. */
		if (!isdigit((unsigned char)*value))
			goto bad;
		errno = 0;
		*(unsigned long long *)(p + o->offset) = strtoull(value, &s, 10);
		if (errno != 0 || *s != '\0')
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

int
config_load(struct config *cfg, const char *path, char *err, size_t errsz)
{
	char line[4096], msg[512], *key, *eq;
	unsigned lineno = 0;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errsz, "%s:%u: line too long", path, lineno);
			goto fail;
		}
		key = trim(line);
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errsz, "%s:%u: expected key = value", path,
			    lineno);
			goto fail;
		}
		*eq = '\0';
		if (config_set(cfg, trim(key), trim(eq + 1), msg,
		    sizeof(msg)) < 0) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, msg);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int
config_validate(const struct config *cfg, char *err, size_t errsz)
{
	if (strcmp(cfg->log_format, "text") != 0 &&
	    strcmp(cfg->log_format, "json") != 0) {
		snprintf(err, errsz, "log_format must be text or json");
		return -1;
	}
	if (cfg->root == NULL) {
		snprintf(err, errsz, "no root folder: set root or --root");
		return -1;
	}
	if (cfg->users_file == NULL && !cfg->anonymous) {
		snprintf(err, errsz,
		    "no users file and no anonymous access: nobody could log in");
		return -1;
	}
	if (strcmp(cfg->tls, "off") != 0 && strcmp(cfg->tls, "optional") != 0 &&
	    strcmp(cfg->tls, "required") != 0) {
		snprintf(err, errsz, "tls must be off, optional or required");
		return -1;
	}
	if ((strcmp(cfg->tls, "off") != 0 || cfg->implicit_tls_port >= 0) &&
	    (cfg->tls_cert == NULL || cfg->tls_key == NULL)) {
		snprintf(err, errsz, "TLS needs a certificate and a key "
		    "(--tls-cert FILE --tls-key FILE; tools/make-cert makes a pair)");
		return -1;
	}
	if (cfg->implicit_tls_port >= 0 && strcmp(cfg->tls, "off") == 0) {
		snprintf(err, errsz, "an implicit TLS port needs tls optional or required");
		return -1;
	}
	if (cfg->anonymous_write && !cfg->anonymous) {
		snprintf(err, errsz, "anonymous_write needs anonymous");
		return -1;
	}
	return 0;
}

void
config_free(struct config *cfg)
{
	size_t i;

	/* Every string key owns its value: free them from the table. */
	for (i = 0; i < ARRAY_LEN(options); i++)
		if (options[i].kind == K_STR)
			free(*(char **)((char *)cfg + options[i].offset));
	memset(cfg, 0, sizeof(*cfg));
}
