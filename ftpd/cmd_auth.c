/*
 * cmd_auth.c: USER, PASS, QUIT, REIN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "authpool.h"
#include "cmds.h"
#include "config.h"
#include "connlimit.h"
#include "homes.h"
#include "metrics.h"
#include "recount.h"
#include "reply.h"
#include "session.h"
#include "usage.h"
#include "userdb.h"
#include "users.h"
#include "vhost.h"
#include "worker.h"

static int
is_anonymous_name(const char *name)
{
	return strcasecmp(name, "anonymous") == 0 || strcasecmp(name, "ftp") == 0;
}

static void
forget_login(struct session *s)
{
	free(s->user);
	s->user = NULL;
	s->login = LOGIN_NEED_USER;
	s->anonymous = 0;
	s->writable = 0;
	s->usage = NULL;
	memset(&s->limits, 0, sizeof(s->limits));
	if (s->root_fd >= 0) {
		homes_release(s->root_fd);
		s->root_fd = -1;
	}
	free(s->cwd);
	s->cwd = NULL;
}

void
cmd_user(struct session *s, char *arg)
{
	if (s->login == LOGIN_DONE) {
		session_reply(s, R_530_NOT_LOGGED_IN, "Can't change to another user.");
		return;
	}
	if (config_tls_mode(s->cfg) == TLS_REQUIRED && !s->tls_active) {
		session_reply(s, R_530_NOT_LOGGED_IN,
		    "This server requires encryption: use AUTH TLS first.");
		return;
	}
	if (strlen(arg) > USER_NAME_MAX) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR, "User name too long.");
		return;
	}
	forget_login(s);
	if ((s->user = strdup(arg)) == NULL) {
		session_close_after(s, R_421_SERVICE_UNAVAILABLE, "Out of memory.");
		return;
	}
	s->login = LOGIN_NEED_PASS;
	if (is_anonymous_name(arg) && s->cfg->anonymous)
		session_reply(s, R_331_NEED_PASSWORD,
		    "Anonymous login ok, send your e-mail address as password.");
	else
		session_reply(s, R_331_NEED_PASSWORD, "Please specify the password.");
}

/* Logs a login, naming the virtual host when HOST chose one. */
static void
log_login(struct session *s, const char *what, const char *extra)
{
	if (s->cfg->host_name != NULL)
		session_log(s, "%s%s on host %s", what, extra,
		    s->cfg->host_name);
	else
		session_log(s, "%s%s", what, extra);
}

/* Opens home (relative to the host's root) for the session. */
static int
enter_home(struct session *s, const char *home)
{
	int fd = homes_enter(vhost_homes(s->cfg->vhost), home);

	if (fd < 0)
		return -1;
	s->root_fd = fd;
	if (session_set_cwd(s, "/") < 0) {
		homes_release(fd);
		s->root_fd = -1;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* After the failure delay: answer, or give up on this session. */
static void
login_failed_reply(struct session *s)
{
	if (s->failed_logins >= s->cfg->max_login_failures) {
		metrics_inc(M_LIMIT_LOGIN_FAILURES);
		session_close_after(s, R_421_SERVICE_UNAVAILABLE,
		    "Too many failed logins; closing.");
		return;
	}
	session_reply(s, R_530_NOT_LOGGED_IN, "Login incorrect.");
}

/*
 * A failed login is answered only after a delay that doubles with each
 * failure in the session (capped), and counts against the address.
 */
static void
login_failed(struct session *s, const char *why)
{
	unsigned shift, ms;

	session_log(s, "login failed for %s: %s", s->user, why);
	metrics_inc(M_LOGINS_FAILED);
	s->failed_logins++;
	(void)connlimit_login_failed(&s->peer);
	free(s->user);
	s->user = NULL;
	s->login = LOGIN_NEED_USER;
	shift = s->failed_logins - 1 < 4 ? s->failed_logins - 1 : 4;
	ms = s->cfg->login_delay_ms << shift;
	if (ms == 0) {
		login_failed_reply(s);
		return;
	}
	session_pause(s, ms, login_failed_reply);
}

/* Logs in the user the job found (on this worker's thread). */
static void
login_ok(struct session *s, struct auth_result *r)
{
	char why[VPATH_MAX + 64], key[USAGE_NAME_MAX];

	/*
	 * Users of the same name on two hosts are two users; a name with
	 * '/' (a database without the schema's check) would be another
	 * host's user's entry.
	 */
	if (usage_name(s->cfg, s->user, key, sizeof(key)) < 0) {
		login_failed(s, "a user name with '/' cannot log in");
		return;
	}
	if (enter_home(s, r->info.home) < 0) {
		snprintf(why, sizeof(why), "home %s: %s", r->info.home,
		    strerror(errno));
		login_failed(s, why);
		return;
	}
	s->limits = r->info.limits;
	if ((s->usage = usage_user(key, &s->limits, s->cfg)) == NULL) {
		login_failed(s, "out of memory");
		return;
	}
	/* Not counted yet (a user the backend could not list). */
	if (usage_has_quota(s->usage) && usage_claim_count(s->usage) &&
	    recount_user(s->cfg, s->user) < 0)
		usage_count_failed(s->usage);
	s->writable = r->info.writable;
	s->login = LOGIN_DONE;
	session_logged_in(s);
	log_login(s, "login", "");
	session_reply(s, R_230_LOGGED_IN, "Login successful.");
}

/* The lookup and password check are done (on this worker's thread). */
static void
password_checked(void *arg, struct auth_result *r)
{
	struct session *s = arg;
	char why[sizeof(r->why) + 64];

	s->auth_job = NULL;
	s->paused = 0;
	switch (r->outcome) {
	case AUTH_OK:
		login_ok(s, r);
		break;
	case AUTH_UNAVAILABLE:
		/* Not the user's fault: no failure counted, no tarpit. */
		session_log(s, "login refused for %s: %s", s->user, r->why);
		session_close_after(s, R_421_SERVICE_UNAVAILABLE,
		    "Service not available: the users database cannot be "
		    "reached; try again later.");
		return;
	case AUTH_REFUSED:
		snprintf(why, sizeof(why), "bad entry in the %s: %s",
		    userdb_kind(vhost_userdb(s->cfg->vhost)), r->why);
		login_failed(s, why);
		break;
	case AUTH_NO_SUCH_USER:
		login_failed(s, "no such user");
		break;
	case AUTH_LOCKED:
		login_failed(s, "account locked");
		break;
	case AUTH_WRONG_PASSWORD:
		login_failed(s, "wrong password");
		break;
	}
	if (!s->paused)
		session_continue(s);
}

/*
 * Looks the user up and checks the password on the hashing threads, so
 * that neither a database round trip nor a slow hash stalls the other
 * sessions of this worker; commands wait meanwhile. An address in the
 * tarpit (connlimit.h) waits its turn first.
 */
static void
check_async(struct session *s, const char *password)
{
	unsigned delay_ms;

	delay_ms = connlimit_check_delay_ms(&s->peer, &s->check_slot_ms);
	if (delay_ms > 0) {
		metrics_inc(M_LIMIT_TARPIT);
		session_log(s, "tarpit: password check for %s waits %u ms",
		    s->user, delay_ms);
	}
	s->auth_job = authpool_submit(s->worker, vhost_userdb(s->cfg->vhost),
	    s->user, password, delay_ms, password_checked, s);
	if (s->auth_job == NULL) {
		session_close_after(s, R_421_SERVICE_UNAVAILABLE, "Out of memory.");
		return;
	}
	session_suspend(s);
}

void
cmd_pass(struct session *s, char *arg)
{
	if (arg == NULL)
		arg = (char *)"";
	if (is_anonymous_name(s->user) && s->cfg->anonymous) {
		users_wipe(arg, strlen(arg));
		if (enter_home(s, s->cfg->anonymous_home) < 0) {
			login_failed(s, "anonymous home unavailable");
			return;
		}
		s->anonymous = 1;
		s->writable = s->cfg->anonymous_write;
		s->login = LOGIN_DONE;
		session_logged_in(s);
		log_login(s, "anonymous login", s->writable ? " (writable)" :
		    "");
		session_reply(s, R_230_LOGGED_IN, "Login successful.");
		return;
	}
	check_async(s, arg);
	users_wipe(arg, strlen(arg));
}

void
cmd_quit(struct session *s, char *arg)
{
	(void)arg;
	session_log(s, "quit");
	session_close_after(s, R_221_GOODBYE, "Goodbye.");
}

void
cmd_rein(struct session *s, char *arg)
{
	(void)arg;
	forget_login(s);
	s->type_ascii = 0;
	s->rest = 0;
	cmd_hash_end(s);	/* OPTS HASH and RANG start over too */
	session_reply(s, R_220_READY, "Ready for a new user.");
}
