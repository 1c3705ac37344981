/*
 * reload.c: SIGHUP; see reload.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "connlimit.h"
#include "homes.h"
#include "log.h"
#include "preflight.h"
#include "reload.h"
#include "tls.h"
#include "recount.h"
#include "usage.h"
#include "userdb.h"
#include "users.h"

/*
 * Settings a running server cannot change: its sockets, threads and
 * files were made from them as root, before the privilege drop. A reload
 * that changes one names it in the log and keeps the value in force.
 */
static const char *const restart_only[] = {
	"listen", "port", "implicit_tls_port", "metrics_listen",
	"admin_socket", "pid_file", "proxy_protocol", "proxy_from",
	"run_as", "workers", "auth_threads", "hash_jobs", "root",
	"log_file", "xferlog_file", "foreground", "max_sessions",
	/* The users backend is opened once; its file is read again. */
	"users",
};

/* What the command line said, to say it again over the reloaded files. */
struct remembered {
	char *key;		/* NULL: value is a config file */
	char *value;
	struct remembered *next;
};

/* Every published settings struct but the startup one, newest first. */
struct snapshot {
	struct config cfg;
	struct snapshot *next;
};

static struct remembered *cmdline, **cmdline_tail = &cmdline;
static struct snapshot *snapshots;
static const struct config *live;	/* the settings in force */

static int
remember(const char *key, const char *value)
{
	struct remembered *r = calloc(1, sizeof(*r));

	if (r == NULL || (key != NULL && (r->key = strdup(key)) == NULL) ||
	    (r->value = strdup(value)) == NULL) {
		if (r != NULL)
			free(r->key);
		free(r);
		return -1;
	}
	*cmdline_tail = r;
	cmdline_tail = &r->next;
	return 0;
}

int
reload_remember_file(const char *path)
{
	return remember(NULL, path);
}

int
reload_remember_setting(const char *key, const char *value)
{
	return remember(key, value);
}

void
reload_start(const struct config *startup)
{
	live = startup;
	config_publish(startup);
}

static void
log_problem(void *arg, const char *msg)
{
	(void)arg;
	log_msg("SIGHUP: %s", msg);
}

/*
 * Reads the config files and the command-line settings into cfg (made
 * with defaults). Returns the number of problems logged.
 */
static unsigned
build(struct config *cfg)
{
	const struct remembered *r;
	unsigned problems = 0;
	char err[512];

	for (r = cmdline; r != NULL; r = r->next) {
		if (r->key == NULL)
			problems += (unsigned)config_load_each(cfg, r->value,
			    log_problem, NULL);
		else if (config_set_from(cfg, r->key, r->value,
		    "command line", err, sizeof(err)) < 0) {
			log_problem(NULL, err);
			problems++;
		}
	}
	if (problems == 0)
		problems += (unsigned)config_validate_each(cfg, log_problem,
		    NULL);
	return problems;
}

/* Puts the old value of every restart-only setting that changed back. */
static int
keep_restart_only(struct config *cfg, const struct config *old)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(restart_only); i++) {
		if (config_key_equal(cfg, old, restart_only[i]))
			continue;
		log_msg("SIGHUP: %s changed; it takes a restart, keeping the "
		    "old value", restart_only[i]);
		if (config_key_copy(cfg, old, restart_only[i]) < 0)
			return -1;
	}
	/* TLS on or off changes listeners and FEAT: a restart too. */
	if ((config_tls_mode(cfg) == TLS_OFF) !=
	    (config_tls_mode(old) == TLS_OFF)) {
		log_msg("SIGHUP: tls turned %s; it takes a restart, keeping "
		    "the old value", config_tls_mode(old) == TLS_OFF ?
		    "on" : "off");
		if (config_key_copy(cfg, old, "tls") < 0)
			return -1;
	}
	return 0;
}

/* The new certificate and key, or the old ones back in cfg. 0 or -1. */
static int
reload_tls(struct config *cfg, const struct config *old)
{
	char err[512];

	if (tls_reload(cfg, err, sizeof(err)) == 0)
		return 0;
	log_msg("SIGHUP: keeping the old TLS certificate and key: %s", err);
	if (config_key_copy(cfg, old, "tls_cert") < 0 ||
	    config_key_copy(cfg, old, "tls_key") < 0)
		log_msg("SIGHUP: out of memory");
	return -1;
}

/*
 * The users cfg names (a file is read again; a database is read at each
 * login anyway); 0, or -1 (logged: the old table stays). Then the quota
 * usage is counted again (new quotas, files changed behind our back).
 */
static int
reload_users(const struct config *cfg)
{
	char err[512];
	int root, rc = 0;

	if (cfg->users_file == NULL)
		return 0;
	/* The root as its path names it now (it may be replaced). */
	root = homes_open("/");
	/* After dropping root the run_as user must be able to read it. */
	if (!userdb_listable()) {
		log_msg("SIGHUP: the %s is read at each login: nothing to "
		    "reload", userdb_name());
	} else if (userdb_reload(err, sizeof(err)) < 0) {
		log_msg("SIGHUP: keeping the old users: %s", err);
		rc = -1;
	} else if (preflight_anonymous(cfg, root >= 0 ? root :
	    homes_root_fd(), log_problem, NULL) > 0 && userdb_revert() == 0) {
		log_msg("SIGHUP: keeping the old users: the new file gives "
		    "anonymous users a user's home");
		rc = -1;
	} else {
		log_msg("SIGHUP: users reloaded from %s", cfg->users_file);
	}
	(void)recount_start(cfg);
	(void)preflight_homes(root >= 0 ? root : homes_root_fd(),
	    log_problem, NULL);
	if (root >= 0)
		homes_release(root);
	return rc;
}

/*
 * A refused config: the settings in force stay, but the users file and
 * the certificate they name are read again (a renewed certificate or an
 * `ftpd user` edit must not wait for the config to be fixed).
 */
static void
reload_files_only(void)
{
	char err[512];

	if (tls_reload(live, err, sizeof(err)) < 0)
		log_msg("SIGHUP: keeping the old TLS certificate and key: %s",
		    err);
	(void)reload_users(live);
}

int
reload_run(char *msg, size_t msgsz)
{
	struct snapshot *snap = calloc(1, sizeof(*snap));
	unsigned problems;
	int partial;

	if (snap == NULL) {
		snprintf(msg, msgsz, "out of memory; keeping the old settings");
		log_msg("SIGHUP: %s", msg);
		return -1;
	}
	config_defaults(&snap->cfg);
	problems = build(&snap->cfg);
	if (problems > 0 || keep_restart_only(&snap->cfg, live) < 0) {
		config_free(&snap->cfg);
		free(snap);
		snprintf(msg, msgsz, "keeping the old settings: %u problem%s "
		    "in the config (logged)", problems, problems == 1 ? "" : "s");
		log_msg("SIGHUP: %s", msg);
		reload_files_only();
		return -1;
	}
	partial = reload_tls(&snap->cfg, live) < 0;
	partial |= reload_users(&snap->cfg) < 0;
	log_set_format(strcmp(snap->cfg.log_format, "json") == 0 ?
	    LOG_FORMAT_JSON : LOG_FORMAT_TEXT);
	snap->next = snapshots;
	snapshots = snap;
	live = &snap->cfg;
	connlimit_reconfigure(live);
	usage_server_rates(live->server_rate_down, live->server_rate_up);
	config_publish(live);
	snprintf(msg, msgsz, "settings reloaded%s", partial ?
	    " (some files kept their old contents: see the log)" : "");
	log_msg("SIGHUP: %s", msg);
	return 0;
}

void
reload_free(void)
{
	struct remembered *r;
	struct snapshot *s;

	while ((s = snapshots) != NULL) {
		snapshots = s->next;
		config_free(&s->cfg);
		free(s);
	}
	while ((r = cmdline) != NULL) {
		cmdline = r->next;
		free(r->key);
		free(r->value);
		free(r);
	}
	cmdline_tail = &cmdline;
}
