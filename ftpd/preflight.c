/*
 * preflight.c: startup checks of homes; see preflight.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "preflight.h"
#include "userdb.h"
#include "vfs.h"
#include "vpath.h"

#define MSG_MAX (2 * VPATH_MAX + 512)

/* Whether the canonical path inner is outer or beneath it. */
static int
path_within(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	if (strcmp(outer, "/") == 0)
		return 1;
	return strncmp(inner, outer, n) == 0 &&
	    (inner[n] == '\0' || inner[n] == '/');
}

/* Checks that vpath is a folder beneath root_fd; 0, or -1 with errno. */
static int
is_folder(int root_fd, const char *vpath)
{
	struct stat st;

	if (vfs_stat(root_fd, vpath, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

struct anon_walk {
	const char *where;		/* "file:line: " of anonymous_home, or "" */
	const char *anon;		/* canonical anonymous home */
	preflight_report_fn *report;
	void *arg;
	int problems;
};

static int
check_user_in_anon(void *arg, const char *path, unsigned line,
    const char *name, const char *home)
{
	struct anon_walk *w = arg;
	char canon[VPATH_MAX], msg[MSG_MAX];

	if (vpath_resolve("/", home, canon, sizeof(canon)) < 0 ||
	    !path_within(canon, w->anon))
		return 0;
	snprintf(msg, sizeof(msg),
	    "%sanonymous_home %s holds the home %s of user %s (%s:%u): "
	    "anonymous users could read it; choose a folder without user homes "
	    "(such as /pub), or set anonymous_sees_homes = yes", w->where,
	    w->anon, canon, name, path, line);
	w->report(w->arg, msg);
	w->problems++;
	return 0;
}

int
preflight_anonymous(const struct config *cfg, struct userdb *db, int root_fd,
    preflight_report_fn *report, void *arg)
{
	struct anon_walk w = { "", NULL, report, arg, 0 };
	char canon[VPATH_MAX], msg[MSG_MAX], where[512] = "";
	const char *origin = config_origin(cfg, "anonymous_home");

	if (!cfg->anonymous)
		return 0;
	if (origin != NULL)
		snprintf(where, sizeof(where), "%s: ", origin);
	w.where = where;
	if (vpath_resolve("/", cfg->anonymous_home, canon, sizeof(canon)) < 0) {
		snprintf(msg, sizeof(msg), "%sanonymous_home: path too long",
		    where);
		report(arg, msg);
		return 1;
	}
	if (is_folder(root_fd, canon) < 0) {
		snprintf(msg, sizeof(msg), "%sanonymous_home %s: %s (it must be "
		    "a folder inside the root %s)", where, canon,
		    strerror(errno), cfg->root);
		report(arg, msg);
		return 1;
	}
	if (cfg->anonymous_sees_homes)
		return 0;
	if (!userdb_can_list(db) && strcmp(canon, "/") == 0) {
		snprintf(msg, sizeof(msg), "%sanonymous_home /: the root holds "
		    "every user's home, and the users backend cannot list them "
		    "to check; choose a folder such as /pub, or set "
		    "anonymous_sees_homes = yes", where);
		report(arg, msg);
		return 1;
	}
	w.anon = canon;
	(void)userdb_each(db, check_user_in_anon, &w);
	return w.problems;
}

struct homes_walk {
	int root_fd;
	preflight_report_fn *report;
	void *arg;
	int problems;
};

static int
check_home(void *arg, const char *path, unsigned line, const char *name,
    const char *home)
{
	struct homes_walk *w = arg;
	char canon[VPATH_MAX], msg[MSG_MAX];

	if (vpath_resolve("/", home, canon, sizeof(canon)) == 0 &&
	    is_folder(w->root_fd, canon) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s:%u: home %s of user %s: %s", path,
	    line, home, name, strerror(errno));
	w->report(w->arg, msg);
	w->problems++;
	return 0;
}

int
preflight_homes(struct userdb *db, int root_fd, preflight_report_fn *report,
    void *arg)
{
	struct homes_walk w = { root_fd, report, arg, 0 };

	(void)userdb_each(db, check_home, &w);
	return w.problems;
}
