/*
 * reload.c: SIGHUP; see reload.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "connlimit.h"
#include "log.h"
#include "reload.h"
#include "recount.h"
#include "usage.h"
#include "vhost.h"

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
		problems += (unsigned)config_build_hosts(cfg, log_problem,
		    NULL);
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

/*
 * A refused config: the settings in force stay, but the users files and
 * the certificates they name are read again (a renewed certificate or an
 * `ftpd user` edit must not wait for the config to be fixed).
 */
static void
reload_files_only(void)
{
	vhost_reload_files(live);
	(void)recount_start(live);
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
	/*
	 * The hosts again, from the global settings as they will be in force
	 * (restart-only ones kept), so that no host holds a value the
	 * process does not.
	 */
	if (problems > 0 || keep_restart_only(&snap->cfg, live) < 0 ||
	    (problems = (unsigned)config_build_hosts(&snap->cfg, log_problem,
	    NULL)) > 0) {
		config_free(&snap->cfg);
		free(snap);
		snprintf(msg, msgsz, "keeping the old settings: %u problem%s "
		    "in the config (logged)", problems, problems == 1 ? "" : "s");
		log_msg("SIGHUP: %s", msg);
		reload_files_only();
		return -1;
	}
	partial = 0;
	if (vhost_reload(&snap->cfg, &partial) < 0) {
		config_free(&snap->cfg);
		free(snap);
		snprintf(msg, msgsz, "keeping the old settings: a new host "
		    "cannot be served (logged)");
		log_msg("SIGHUP: %s", msg);
		reload_files_only();
		return -1;
	}
	(void)recount_start(&snap->cfg);
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
