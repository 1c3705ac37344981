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
#include "recount.h"
#include "reply.h"
#include "session.h"
#include "usage.h"
#include "users.h"
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

/* Opens home (relative to the server root) for the session. */
static int
enter_home(struct session *s, const char *home)
{
	int fd = homes_open(home);

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

/*
 * Checked for a user who does not exist: like a locked account, it is
 * hashed against the decoy (see users_check_password), so unknown, locked
 * and real users cost the same.
 */
#define NO_SUCH_USER_HASH "*"

/* The password check is done (on this worker's thread again). */
static void
password_checked(void *arg, int ok)
{
	struct session *s = arg;
	char *home = s->pending_home;

	s->auth_job = NULL;
	s->pending_home = NULL;
	s->paused = 0;
	if (s->pending_locked) {
		s->pending_locked = 0;
		login_failed(s, "account locked");
	} else if (!ok || home == NULL) {
		login_failed(s, home == NULL ? "no such user" : "wrong password");
	} else if (enter_home(s, home) < 0) {
		char why[VPATH_MAX + 64];

		snprintf(why, sizeof(why), "home %s: %s", home, strerror(errno));
		login_failed(s, why);
	} else if ((s->usage = usage_user(s->user, &s->limits, s->cfg)) == NULL) {
		login_failed(s, "out of memory");
	} else {
		/* Not counted yet (a user the backend could not list). */
		if (usage_has_quota(s->usage) && usage_claim_count(s->usage) &&
		    recount_user(s->cfg, s->user) < 0)
			usage_count_failed(s->usage);
		s->writable = s->pending_writable;
		s->login = LOGIN_DONE;
		session_logged_in(s);
		session_log(s, "login");
		session_reply(s, R_230_LOGGED_IN, "Login successful.");
	}
	free(home);
	if (!s->paused)
		session_continue(s);
}

/*
 * Checks the password on the hashing threads, so that a slow hash never
 * stalls the other sessions of this worker; commands wait meanwhile. An
 * address in the tarpit (connlimit.h) waits its turn first.
 */
static void
check_async(struct session *s, const char *hash, const char *password,
    const char *home, int writable)
{
	unsigned delay_ms;

	if (home != NULL && (s->pending_home = strdup(home)) == NULL) {
		session_close_after(s, R_421_SERVICE_UNAVAILABLE, "Out of memory.");
		return;
	}
	s->pending_writable = writable ? 1 : 0;
	s->pending_locked = hash[0] != '$' && home != NULL;
	delay_ms = connlimit_check_delay_ms(&s->peer);
	if (delay_ms > 0)
		session_log(s, "tarpit: password check for %s waits %u ms",
		    s->user, delay_ms);
	s->auth_job = authpool_submit(s->worker, hash, password, delay_ms,
	    password_checked, s);
	if (s->auth_job == NULL) {
		free(s->pending_home);
		s->pending_home = NULL;
		session_close_after(s, R_421_SERVICE_UNAVAILABLE, "Out of memory.");
		return;
	}
	session_suspend(s);
}

void
cmd_pass(struct session *s, char *arg)
{
	struct user_info info;

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
		session_log(s, "anonymous login%s", s->writable ? " (writable)" : "");
		session_reply(s, R_230_LOGGED_IN, "Login successful.");
		return;
	}
	if (users_lookup(s->user, &info) < 0) {
		/* Spend the same effort as for a real user: no user probing. */
		check_async(s, NO_SUCH_USER_HASH, arg, NULL, 0);
		users_wipe(arg, strlen(arg));
		return;
	}
	s->limits = info.limits;
	check_async(s, info.hash, arg, info.home, info.writable);
	users_wipe(arg, strlen(arg));
	users_info_free(&info);
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
	session_reply(s, R_220_READY, "Ready for a new user.");
}
