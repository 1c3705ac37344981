/*
 * config: ftpd's settings. A config file of "key = value" lines and the
 * command line set the same keys through config_set, so both always mean
 * the same thing. A struct is read-only once published: a reload builds a
 * new one and publishes it (config_publish) for new sessions.
 */
#ifndef FTPD_CONFIG_H
#define FTPD_CONFIG_H

#include <stddef.h>

#include "compat.h"

struct vhost;

/* One "key = value" line of a [host NAME] section, as read. */
struct config_line {
	char *key, *value;
	char *origin;		/* "file:line" */
};

/* A [host NAME] section as read (config_build_hosts applies it). */
struct config_section {
	char *name;		/* lower case (hostarg.h) */
	char *origin;		/* "file:line" of its header */
	struct config_line *lines;
	size_t nlines;
};

/* At least the number of keys (config.c checks at compile time). */
#define CONFIG_MAX_KEYS 64

struct config {
	char *listen;		/* comma-separated addresses */
	unsigned port;
	char *root;		/* server root; user homes are inside it */
	char *users_file;
	unsigned pasv_min, pasv_max;
	char *pasv_address;	/* IPv4 address advertised in 227 (NAT) */
	int anonymous;
	int anonymous_write;
	char *anonymous_home;	/* relative to root; default /pub */
	int anonymous_sees_homes;	/* anonymous_home may hold user homes */
	int foreground;
	char *log_file;		/* NULL: stderr */
	char *xferlog_file;	/* NULL: the main log */
	unsigned workers;	/* event-loop threads; 0: one per CPU */
	unsigned auth_threads;	/* password-hashing threads; 0: one per CPU */
	unsigned idle_timeout;	/* seconds */
	unsigned data_timeout;
	unsigned shutdown_timeout;
	unsigned max_list_entries;
	int upload_in_place;	/* write STOR straight into the target */
	int allow_foreign_data;	/* PORT/EPRT to other hosts (FXP) */
	char *proxy_protocol;	/* "off", "v1", "v2" or "any" */
	char *proxy_from;	/* balancers' networks, comma-separated */
	unsigned file_mode;	/* mode of created files, before umask 0 */
	unsigned dir_mode;
	char *banner;
	int hide_ids;		/* LIST shows "ftp ftp" instead of numbers */
	char *run_as;		/* user to become after binding (as root) */
	/* Limits against abuse. */
	unsigned max_sessions;		/* in all; 0: as descriptors allow */
	unsigned max_sessions_per_ip;
	unsigned login_timeout;		/* seconds to log in after connecting */
	unsigned max_login_failures;	/* per session, then 421 */
	unsigned ip_failure_window;	/* seconds a per-IP failure counts */
	unsigned max_ip_failures;	/* within the window, then tarpit */
	unsigned login_tarpit_delay;	/* seconds between checks, tarpitted */
	unsigned login_delay_ms;	/* first failed-login delay; doubles */
	/* FTPS (RFC 4217). */
	char *tls;			/* "off", "optional" or "required" */
	char *tls_cert;			/* PEM certificate chain */
	char *tls_key;			/* PEM private key */
	int implicit_tls_port;		/* -1: none; 0: any free port */
	int tls_require_reuse;		/* data TLS must resume the control's */
	char *metrics_listen;		/* "IP:PORT" for /metrics, or NULL */
	char *log_format;		/* "text" or "json" */
	/* Bandwidth (bytes per second, 0: none) and quotas (0: none). */
	unsigned long long rate_down, rate_up;	/* per session */
	unsigned long long server_rate_down, server_rate_up;	/* all sessions */
	unsigned long long quota_bytes, quota_files;	/* per user, default */
	/* Where each key was set ("file:line", "--flag"), by table order. */
	char *origin[CONFIG_MAX_KEYS];
	int log_commands;		/* log each command and reply */
	char *pid_file;			/* written as root, or NULL */
	char *admin_socket;		/* `ftpd who`; "" for none */
	/* HASH (cmd_hash.c). */
	unsigned hash_jobs;		/* hash threads; 0: one per CPU */
	unsigned long long hash_max_bytes; /* per HASH; 0: no limit */
	/*
	 * Virtual hosts (RFC 7151 HOST; vhost.h). The global part is the
	 * default host; it holds the [host NAME] sections as read and, after
	 * config_build_hosts, one whole struct config per section: the global
	 * settings with the section's own over them. A host's struct has
	 * host_name set and no sections or hosts of its own.
	 */
	struct config_section *sections;
	size_t nsections;
	struct config **hosts;		/* hosts[i] from sections[i] */
	size_t nhosts;
	char *host_name;		/* NULL: the default host */
	struct vhost *vhost;		/* run-time objects, not a setting */
};

/* The tls setting as a value. */
enum tls_mode { TLS_OFF, TLS_OPTIONAL, TLS_REQUIRED };
enum tls_mode config_tls_mode(const struct config *cfg);

/* Fills in the defaults. */
void config_defaults(struct config *cfg);

/*
 * Sets key to value. Returns 0, or -1 with a message in err (unknown key,
 * bad value).
 */
int config_set(struct config *cfg, const char *key, const char *value,
    char *err, size_t errsz) WARN_UNUSED;

/*
 * The same, remembering origin ("file:line", "--flag"; copied; NULL for
 * none) as where key was set, for messages about it.
 */
int config_set_from(struct config *cfg, const char *key, const char *value,
    const char *origin, char *err, size_t errsz) WARN_UNUSED;

/* Where key was last set, or NULL (a default, or an unknown key). */
const char *config_origin(const struct config *cfg, const char *key);

/*
 * Reads a config file: "key = value" lines, blank lines, and comments: a
 * line starting with '#', or a '#' after white space in a line. A value
 * in double quotes may hold anything (\" and \\ for '"' and '\').
 * Returns 0, or -1 with "path:line: reason" (or "config file path: why")
 * in err for the first problem; the good lines are applied anyway.
 */
int config_load(struct config *cfg, const char *path, char *err,
    size_t errsz) WARN_UNUSED;

/*
 * The same, but goes on past bad lines and calls report(arg, msg) for
 * each ("path:line: reason"). Returns the number of problems.
 */
int config_load_each(struct config *cfg, const char *path,
    void (*report)(void *arg, const char *msg), void *arg);

/*
 * Builds cfg->hosts from cfg->sections over cfg's global settings (call
 * it once every file and command-line setting is in). Returns the number
 * of problems reported (a bad value: "file:line: host NAME: reason").
 */
int config_build_hosts(struct config *cfg,
    void (*report)(void *arg, const char *msg), void *arg);

/*
 * The host named name (lower case), or NULL when cfg has no such section.
 * Matching ignores case (RFC 7151: host names are DNS names).
 */
const struct config *config_host(const struct config *cfg, const char *name);

/* Whether key may be set inside a [host NAME] section (0: unknown key). */
int config_key_per_host(const char *key);

/* The name of the i-th config key, or NULL past the last (for tests). */
const char *config_key_name(size_t i);

/*
 * Checks that the settings make sense together. 0, or -1 with the first
 * problem in err, prefixed with where the key at fault was set.
 */
int config_validate(const struct config *cfg, char *err, size_t errsz) WARN_UNUSED;

/*
 * The same, reporting every problem; returns how many. Each built host
 * (config_build_hosts) is checked too, its messages starting with
 * "host NAME: ".
 */
int config_validate_each(const struct config *cfg,
    void (*report)(void *arg, const char *msg), void *arg);

/* Whether a and b hold the same value for key (0 for an unknown key). */
int config_key_equal(const struct config *a, const struct config *b,
    const char *key);

/* Copies key's value and origin from src into dst. 0, or -1 (ENOMEM). */
int config_key_copy(struct config *dst, const struct config *src,
    const char *key) WARN_UNUSED;

/*
 * Makes cfg the settings that sessions starting from now on take
 * (s->cfg); sessions keep the one they started with. Any thread may call
 * config_current; the caller keeps cfg alive as long as a session may
 * use it (reload.h).
 */
void config_publish(const struct config *cfg);
const struct config *config_current(void);

void config_free(struct config *cfg);

#endif
