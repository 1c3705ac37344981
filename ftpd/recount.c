/*
 * recount.c: counting quota usage from the homes; see recount.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "homes.h"
#include "log.h"
#include "recount.h"
#include "uploadtmp.h"
#include "usage.h"
#include "userdb.h"
#include "userlimits.h"
#include "users.h"
#include "vhost.h"

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t thread;
static int running, want_all, stopping;
static const struct config *run_cfg;

/* A user to count: the host's settings and the name. */
struct who {
	const struct config *host;	/* a snapshot's: lives until exit */
	char name[USER_NAME_MAX + 1];
};

/* Single users to count (recount_user), under run_lock. */
static struct who *queued;
static size_t nqueued;

/*
 * Counts beneath fd0 (taken); skips the files that uploads of u write in
 * place (u NULL: none), which hold their own share (usage.h).
 */
static int
walk(int fd0, unsigned depth, struct user_usage *u, long long *bytes,
    long long *files)
{
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = fdopendir(fd0)) == NULL) {
		close(fd0);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		int fd;

		if (__atomic_load_n(&stopping, __ATOMIC_RELAXED))
			break;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0
		    || uploadtmp_is_name(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;	/* gone meanwhile */
		if (S_ISREG(st.st_mode)) {
			if (u != NULL && usage_uploading(u, st.st_dev, st.st_ino))
				continue;
			*bytes += (long long)st.st_size;
			(*files)++;
			continue;
		}
		if (!S_ISDIR(st.st_mode) || depth >= RECOUNT_DEPTH)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			(void)walk(fd, depth + 1, u, bytes, files);
	}
	closedir(d);
	return 0;
}

int
recount_dir(int dirfd, long long *bytes, long long *files)
{
	*bytes = 0;
	*files = 0;
	return walk(dirfd, 0, NULL, bytes, files);
}

/*
 * Counts home (relative to h's root), skipping the uploads of u in
 * progress (u NULL: none). 0, or -1 with errno.
 */
static int
count_home(struct homes *h, const char *home, struct user_usage *u,
    long long *bytes, long long *files)
{
	int pfd = homes_enter(h, home), fd;

	if (pfd < 0)
		return -1;
	fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	homes_release(pfd);
	if (fd < 0)
		return -1;
	*bytes = 0;
	*files = 0;
	return walk(fd, 0, u, bytes, files);
}

/* The users to count, copied out of the table's lock. */
struct todo {
	const struct config *host;	/* the host collect is listing */
	struct who *v;
	size_t n;
};

static int
collect_name(void *arg, const char *name)
{
	struct todo *t = arg;
	struct who *v;

	if (strlen(name) > USER_NAME_MAX)
		return 0;
	if ((v = reallocarray(t->v, t->n + 1, sizeof(*v))) == NULL)
		return -1;
	t->v = v;
	v[t->n].host = t->host;
	memcpy(v[t->n++].name, name, strlen(name) + 1);
	return 0;
}

static int
collect(void *arg, const char *path, unsigned line, const char *name,
    const char *home)
{
	(void)path;
	(void)line;
	(void)home;
	return collect_name(arg, name);
}

/* Counts one user of host cfg, when the user has a quota. */
static void
count_user(const struct config *cfg, const char *name)
{
	struct user_info info;
	struct user_usage *u;
	long long bytes, files;
	char why[256], key[USAGE_NAME_MAX];

	if (usage_name(cfg, name, key, sizeof(key)) < 0)
		return;
	/*
	 * Through the backend: a database's users are in no table here (the
	 * file's lookup found none of them, and their quotas never held).
	 */
	if (userdb_find(vhost_userdb(cfg->vhost), name, &info, why,
	    sizeof(why)) != USERDB_FOUND) {
		/* Gone with a reload, or unreachable: a later login retries. */
		if ((u = usage_find(key)) != NULL)
			usage_count_failed(u);
		users_info_free(&info);
		return;
	}
	u = usage_user(key, &info.limits, cfg);
	if (u != NULL && usage_has_quota(u)) {
		if (count_home(vhost_homes(cfg->vhost), info.home, u, &bytes,
		    &files) < 0) {
			log_msg("quota: cannot count the home %s of %s: %s",
			    info.home, name, strerror(errno));
			usage_count_failed(u);
		} else if (!__atomic_load_n(&stopping, __ATOMIC_RELAXED)) {
			int counted;

			usage_set_counted(u, bytes, files);
			usage_get(u, &bytes, &files, &counted);
			log_msg("quota: usage of %s counted: %lld bytes, "
			    "%lld files", key, bytes, files);
		}
	}
	users_info_free(&info);
}

/* Takes a usage entry's user when the entry is t->host's (usage_name). */
static int
collect_used(void *arg, const char *key)
{
	struct todo *t = arg;
	const char *slash = strchr(key, '/');
	const char *host = usage_realm(t->host);

	if (host[0] == '\0')
		return slash == NULL ? collect_name(t, key) : 0;
	if (slash == NULL || (size_t)(slash - key) != strlen(host) ||
	    strncmp(key, host, strlen(host)) != 0)
		return 0;
	return collect_name(t, slash + 1);
}

/* cfg's i-th host: the default one, then each [host] section's. */
static const struct config *
nth_host(const struct config *cfg, size_t i)
{
	return i == 0 ? cfg : cfg->hosts[i - 1];
}

/* Whether a host before the i-th has the i-th's realm (counted already). */
static int
realm_listed(const struct config *cfg, size_t i)
{
	const char *realm = usage_realm(nth_host(cfg, i));
	size_t j;

	for (j = 0; j < i; j++)
		if (nth_host(cfg, j)->vhost != NULL &&
		    strcmp(usage_realm(nth_host(cfg, j)), realm) == 0)
			return 1;
	return 0;
}

/*
 * Lists the users of every host of cfg into t, once per realm (hosts that
 * share a root and users share their accounts: one walk of each home). A
 * database cannot list its users: those that have logged in (have a usage
 * entry) are counted, the others at their first login.
 */
static void
collect_all(const struct config *cfg, struct todo *t)
{
	size_t i;

	for (i = 0; i <= cfg->nhosts; i++) {
		struct userdb *db;
		int rc;

		t->host = nth_host(cfg, i);
		if (t->host->vhost == NULL || realm_listed(cfg, i))
			continue;
		db = vhost_userdb(t->host->vhost);
		rc = userdb_can_list(db) ? userdb_each(db, collect, t) :
		    usage_foreach(collect_used, t);
		if (rc < 0)
			log_msg("quota: out of memory listing the users");
	}
}

static void *
recount_thread(void *arg)
{
	const struct config *cfg = arg;

	for (;;) {
		struct todo t = { NULL, NULL, 0 }, one = { NULL, NULL, 0 };
		int all;
		size_t i;

		pthread_mutex_lock(&run_lock);
		all = want_all;
		want_all = 0;
		one.v = queued;
		one.n = nqueued;
		queued = NULL;
		nqueued = 0;
		if ((!all && one.n == 0) || stopping) {
			running = 0;
			pthread_mutex_unlock(&run_lock);
			free(one.v);
			return NULL;
		}
		/* The settings of the latest recount_start. */
		cfg = run_cfg;
		pthread_mutex_unlock(&run_lock);
		if (all)
			collect_all(cfg, &t);
		for (i = 0; i < t.n &&
		    !__atomic_load_n(&stopping, __ATOMIC_RELAXED); i++)
			count_user(t.v[i].host, t.v[i].name);
		for (i = 0; i < one.n &&
		    !__atomic_load_n(&stopping, __ATOMIC_RELAXED); i++)
			count_user(one.v[i].host, one.v[i].name);
		free(t.v);
		free(one.v);
	}
}

/* Starts the thread unless it runs; run_lock is held. 0 or -1. */
static int
start_locked(const struct config *cfg)
{
	if (running) {
		run_cfg = cfg;	/* the newest settings for its next round */
		return 0;	/* it looks at the work before it ends */
	}
	if (run_cfg != NULL)	/* a finished earlier run */
		(void)pthread_join(thread, NULL);
	run_cfg = cfg;
	if (pthread_create(&thread, NULL, recount_thread, (void *)cfg) != 0) {
		log_msg("quota: cannot start the usage count");
		run_cfg = NULL;
		return -1;
	}
	running = 1;
	return 0;
}

int
recount_start(const struct config *cfg)
{
	int rc;

	pthread_mutex_lock(&run_lock);
	want_all = 1;
	rc = start_locked(cfg);
	pthread_mutex_unlock(&run_lock);
	return rc;
}

int
recount_user(const struct config *cfg, const char *name)
{
	struct who *v;
	int rc = -1;

	if (strlen(name) > USER_NAME_MAX)
		return -1;
	pthread_mutex_lock(&run_lock);
	if (!stopping && nqueued < RECOUNT_QUEUE_MAX &&
	    (v = reallocarray(queued, nqueued + 1, sizeof(*v))) != NULL) {
		queued = v;
		v[nqueued].host = cfg;
		memcpy(v[nqueued++].name, name, strlen(name) + 1);
		rc = start_locked(run_cfg != NULL ? run_cfg : cfg);
	}
	pthread_mutex_unlock(&run_lock);
	return rc;
}

void
recount_stop(void)
{
	pthread_mutex_lock(&run_lock);
	__atomic_store_n(&stopping, 1, __ATOMIC_RELAXED);
	if (run_cfg == NULL) {
		free(queued);
		queued = NULL;
		nqueued = 0;
		pthread_mutex_unlock(&run_lock);
		return;
	}
	run_cfg = NULL;
	pthread_mutex_unlock(&run_lock);
	(void)pthread_join(thread, NULL);
	free(queued);
	queued = NULL;
	nqueued = 0;
}

/* Prints name's usage and quotas, from db and h. The exit code. */
static int
print_usage(const struct config *cfg, struct userdb *db, struct homes *h,
    const char *name)
{
	struct user_info info;
	struct user_limits lim;
	long long bytes, files;
	char fmt[128], why[256];

	switch (userdb_find(db, name, &info, why, sizeof(why))) {
	case USERDB_FOUND:
		break;
	case USERDB_NO_SUCH_USER:
		fprintf(stderr, "ftpd: no user '%s' in %s%s\n", name,
		    userdb_can_list(db) ? "" : "the ",
		    userdb_can_list(db) ? cfg->users_file : userdb_kind(db));
		return 1;
	default:
		fprintf(stderr, "ftpd: %s: %s\n", name, why);
		return 1;
	}
	if (count_home(h, info.home, NULL, &bytes, &files) < 0) {
		fprintf(stderr, "ftpd: cannot count the home %s of %s: %s\n",
		    info.home, name, strerror(errno));
		users_info_free(&info);
		return 1;
	}
	memset(&lim, 0, sizeof(lim));
	lim.quota_bytes = info.limits.quota_bytes ? info.limits.quota_bytes :
	    cfg->quota_bytes;
	lim.quota_files = info.limits.quota_files ? info.limits.quota_files :
	    cfg->quota_files;
	userlimits_format(&lim, fmt, sizeof(fmt));
	printf("%s: %lld bytes, %lld files (%s)\n", name, bytes, files,
	    fmt[0] != '\0' ? fmt : "no quota");
	users_info_free(&info);
	return 0;
}

int
recount_main(int argc, char **argv, struct config *cfg)
{
	const char *name = NULL;
	struct userdb *db;
	struct homes *h;
	char err[512];
	int i;

	/* --config was read with the other config files (main.c). */
	for (i = 1; i < argc; i++) {
		const char *key = NULL;

		if (strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0)
			i++;
		else if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		else if (strcmp(argv[i], "--users") == 0)
			key = "users";
		else if (strcmp(argv[i], "--root") == 0)
			key = "root";
		else if (argv[i][0] == '-' || name != NULL)
			goto usage;
		else
			name = argv[i];
		if (key != NULL) {
			if (++i >= argc)
				goto usage;
			if (config_set(cfg, key, argv[i], err, sizeof(err)) < 0) {
				fprintf(stderr, "ftpd: %s\n", err);
				return 2;
			}
		}
	}
	if (cfg->root == NULL || cfg->users_file == NULL)
		goto usage;
	if (name == NULL) {
		if (userdb_backend_for(cfg->users_file) != &userdb_file_ops) {
			fprintf(stderr, "ftpd: the users database cannot list "
			    "its users: name one (ftpd user recount NAME)\n");
			return 2;
		}
		goto usage;
	}
	/* Through the backend: a users file or a database's table. */
	if ((h = homes_new(cfg->root, err, sizeof(err))) == NULL ||
	    (db = userdb_new(cfg->users_file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ftpd: %s\n", err);
		homes_free(h);
		return 1;
	}
	i = print_usage(cfg, db, h, name);
	userdb_free(db);
	homes_free(h);
	return i;
usage:
	fprintf(stderr, "usage: ftpd user recount NAME [--config FILE] "
	    "[--users FILE] [--root DIR]\n"
	    "  (root and users come from the config file unless given)\n");
	return 2;
}
