/*
 * vhost.c: each virtual host's users, root and TLS context; see vhost.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "homes.h"
#include "log.h"
#include "tls.h"
#include "userdb.h"
#include "vhost.h"

struct vhost {
	struct vhost *next;
	char *name;		/* "": the default host */
	char *realm;		/* whose accounts: see vhost_realm */
	char *root;		/* as opened: changing it takes a restart */
	char *users;		/* as opened, or NULL */
	char *cert, *key;	/* as last loaded, or NULL */
	struct homes *homes;
	struct userdb *db;
	struct tls_server *tls;
};

/* Every host made so far, by name (main thread only). */
static struct vhost *all;

/* Says "host NAME: msg" (just msg for the default host). */
struct host_report {
	const struct config *h;
	preflight_report_fn *report;
	void *arg;
};

static void
host_say(void *arg, const char *msg)
{
	struct host_report *r = arg;
	char full[1024];

	if (r->h->host_name == NULL) {
		r->report(r->arg, msg);
		return;
	}
	snprintf(full, sizeof(full), "host %s: %s", r->h->host_name, msg);
	r->report(r->arg, full);
}

static void PRINTF_LIKE(2, 3)
say(struct host_report *r, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	host_say(r, msg);
}

static void
vhost_free(struct vhost *v)
{
	if (v == NULL)
		return;
	tls_server_free(v->tls);
	userdb_free(v->db);
	homes_free(v->homes);
	free(v->name);
	free(v->realm);
	free(v->root);
	free(v->users);
	free(v->cert);
	free(v->key);
	free(v);
}

static struct vhost *
find(const struct config *h)
{
	const char *name = h->host_name != NULL ? h->host_name : "";
	struct vhost *v;

	for (v = all; v != NULL; v = v->next)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

/* Replaces *dst with a copy of src (NULL allowed). 0 or -1. */
static int
set_copy(char **dst, const char *src)
{
	char *c = NULL;

	if (src != NULL && (c = strdup(src)) == NULL)
		return -1;
	free(*dst);
	*dst = c;
	return 0;
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The first host of list whose root and users are v's, or NULL. */
static const struct vhost *
same_accounts(const struct vhost *list, const struct vhost *v)
{
	for (; list != NULL; list = list->next)
		if (strcmp(list->root, v->root) == 0 &&
		    same_str(list->users, v->users))
			return list;
	return NULL;
}

/*
 * The realm of v (its root and users as opened, which never change): the
 * realm of a host made before it with the same ones, in all or in fresh
 * (a reload's hosts not yet in all), else its own name. 0 or -1.
 */
static int
set_realm(struct vhost *v, const struct vhost *fresh)
{
	const struct vhost *same = same_accounts(all, v);

	if (same == NULL)
		same = same_accounts(fresh, v);
	return set_copy(&v->realm, same != NULL ? same->realm : v->name);
}

/*
 * Makes h's objects (fresh: see set_realm). Problems go to r; returns the
 * host, or NULL when its root cannot be opened (nothing else can be
 * checked) or, unless checking, at the first problem.
 */
static struct vhost *
make(const struct config *h, const struct vhost *fresh, int check_only,
    struct host_report *r, unsigned *problems)
{
	struct vhost *v = calloc(1, sizeof(*v));
	char err[512];
	int n;

	if (v == NULL || set_copy(&v->name, h->host_name != NULL ?
	    h->host_name : "") < 0 || set_copy(&v->root, h->root) < 0 ||
	    set_copy(&v->users, h->users_file) < 0 ||
	    set_realm(v, fresh) < 0) {
		say(r, "out of memory");
		goto fail;
	}
	if ((v->homes = homes_new(h->root, err, sizeof(err))) == NULL) {
		say(r, "%s", err);
		goto fail;
	}
	if (h->users_file != NULL &&
	    (v->db = userdb_new(h->users_file, err, sizeof(err))) == NULL) {
		say(r, "%s", err);
		if (!check_only)
			goto fail;
		(*problems)++;
	} else if (check_only && userdb_verify(v->db, err, sizeof(err)) < 0) {
		say(r, "%s", err);
		(*problems)++;
	}
	if (config_tls_mode(h) != TLS_OFF) {
		if ((v->tls = tls_server_new(h, err, sizeof(err))) == NULL) {
			say(r, "%s", err);
			if (!check_only)
				goto fail;
			(*problems)++;
		} else if (set_copy(&v->cert, h->tls_cert) < 0 ||
		    set_copy(&v->key, h->tls_key) < 0) {
			say(r, "out of memory");
			goto fail;
		}
	}
	n = preflight_anonymous(h, v->db, homes_root(v->homes), host_say, r);
	*problems += (unsigned)n;
	if (n > 0 && !check_only)
		goto fail_counted;
	return v;
fail:
	(*problems)++;
fail_counted:
	vhost_free(v);
	return NULL;
}

/* The default host, then each [host] section's. */
static struct config *
nth_host(struct config *cfg, size_t i)
{
	return i == 0 ? cfg : i <= cfg->nhosts ? cfg->hosts[i - 1] : NULL;
}

unsigned
vhost_setup(struct config *cfg, int check_only, preflight_report_fn *report,
    void *arg)
{
	unsigned problems = 0;
	struct config *h;
	struct vhost *v;
	size_t i;

	tls_set_enabled(config_tls_mode(cfg) != TLS_OFF);
	for (i = 0; (h = nth_host(cfg, i)) != NULL; i++) {
		struct host_report r = { h, report, arg };

		v = make(h, NULL, check_only, &r, &problems);
		if (v == NULL) {
			if (!check_only)
				return problems;
			continue;
		}
		v->next = all;
		all = v;
		h->vhost = v;
	}
	return problems;
}

unsigned
vhost_check_homes(struct config *cfg, preflight_report_fn *report, void *arg)
{
	unsigned problems = 0;
	struct config *h;
	size_t i;

	for (i = 0; (h = nth_host(cfg, i)) != NULL; i++) {
		struct host_report r = { h, report, arg };

		if (h->vhost != NULL)
			problems += (unsigned)preflight_homes(h->vhost->db,
			    homes_root(h->vhost->homes), host_say, &r);
	}
	return problems;
}

static void
log_say(void *arg, const char *msg)
{
	(void)arg;
	log_msg("SIGHUP: %s", msg);
}

/*
 * A known host's certificate again; the old one stays on failure, and
 * with restore its paths go back into h (a new snapshot, not yet seen by
 * any session).
 */
static int
reread_tls(struct vhost *v, struct config *h, int restore,
    struct host_report *r)
{
	char err[512];

	if (v->tls == NULL)
		return 0;
	if (tls_server_reload(v->tls, h, err, sizeof(err)) == 0) {
		if (set_copy(&v->cert, h->tls_cert) < 0 ||
		    set_copy(&v->key, h->tls_key) < 0)
			say(r, "out of memory");
		return 0;
	}
	say(r, "keeping the old TLS certificate and key: %s", err);
	if (restore && (config_set(h, "tls_cert", v->cert, err, sizeof(err)) < 0 ||
	    config_set(h, "tls_key", v->key, err, sizeof(err)) < 0))
		say(r, "out of memory");
	return -1;
}

/* A known host's users file again; the old table stays on failure. */
static int
reread_users(struct vhost *v, const struct config *h, struct host_report *r)
{
	char err[512];
	int root, rc = 0;

	if (v->db == NULL)
		return 0;
	/* The root as its path names it now (it may be replaced). */
	root = homes_enter(v->homes, "/");
	if (!userdb_can_list(v->db)) {
		say(r, "the %s is read at each login: nothing to reload",
		    userdb_kind(v->db));
	} else if (userdb_reread(v->db, err, sizeof(err)) < 0) {
		say(r, "keeping the old users: %s", err);
		rc = -1;
	} else if (preflight_anonymous(h, v->db, root >= 0 ? root :
	    homes_root(v->homes), host_say, r) > 0 &&
	    userdb_undo(v->db) == 0) {
		say(r, "keeping the old users: the new file gives anonymous "
		    "users a user's home");
		rc = -1;
	} else {
		say(r, "users reloaded from %s", h->users_file);
	}
	(void)preflight_homes(v->db, root >= 0 ? root : homes_root(v->homes),
	    host_say, r);
	if (root >= 0)
		homes_release(root);
	return rc;
}

/* Restart-only for a known host: its root and users stay as opened. */
static void
keep_opened(struct vhost *v, struct config *h, struct host_report *r)
{
	char err[256];

	if (strcmp(h->root, v->root) != 0) {
		say(r, "root changed; it takes a restart, keeping the old "
		    "value");
		if (config_set(h, "root", v->root, err, sizeof(err)) < 0)
			say(r, "out of memory");
	}
	if ((h->users_file == NULL) != (v->users == NULL) ||
	    (v->users != NULL && strcmp(h->users_file, v->users) != 0)) {
		say(r, "users changed; it takes a restart, keeping the old "
		    "value");
		if (set_copy(&h->users_file, v->users) < 0)
			say(r, "out of memory");
	}
}

int
vhost_reload(struct config *cfg, int *partial)
{
	struct vhost *fresh = NULL, *v, *next;
	unsigned problems = 0;
	struct config *h;
	size_t i;

	/* First every new host, so that a broken one changes nothing. */
	for (i = 0; (h = nth_host(cfg, i)) != NULL; i++) {
		struct host_report r = { h, log_say, NULL };

		if (find(h) != NULL)
			continue;
		if ((v = make(h, fresh, 0, &r, &problems)) == NULL)
			break;
		h->vhost = v;
		v->next = fresh;
		fresh = v;
	}
	if (problems > 0) {
		for (v = fresh; v != NULL; v = next) {
			next = v->next;
			vhost_free(v);
		}
		return -1;
	}
	for (i = 0; (h = nth_host(cfg, i)) != NULL; i++) {
		struct host_report r = { h, log_say, NULL };

		if (h->vhost != NULL) {
			say(&r, "new host");
			continue;
		}
		h->vhost = find(h);
		keep_opened(h->vhost, h, &r);
		*partial |= reread_tls(h->vhost, h, 1, &r) < 0;
		*partial |= reread_users(h->vhost, h, &r) < 0;
	}
	for (v = fresh; v != NULL; v = next) {
		next = v->next;
		v->next = all;
		all = v;
	}
	return 0;
}

void
vhost_reload_files(const struct config *live)
{
	struct config *h;
	size_t i;

	for (i = 0; (h = nth_host((struct config *)live, i)) != NULL; i++) {
		struct host_report r = { h, log_say, NULL };

		if (h->vhost == NULL)
			continue;
		(void)reread_tls(h->vhost, h, 0, &r);
		(void)reread_users(h->vhost, h, &r);
	}
}

struct userdb *
vhost_userdb(const struct vhost *v)
{
	return v != NULL ? v->db : NULL;
}

struct homes *
vhost_homes(const struct vhost *v)
{
	return v != NULL ? v->homes : NULL;
}

struct tls_server *
vhost_tls(const struct vhost *v)
{
	return v != NULL ? v->tls : NULL;
}

const char *
vhost_realm(const struct vhost *v)
{
	return v != NULL ? v->realm : NULL;
}

void
vhost_shutdown(void)
{
	struct vhost *v;

	while ((v = all) != NULL) {
		all = v->next;
		vhost_free(v);
	}
}
