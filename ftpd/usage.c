/*
 * usage.c: per-user and per-server shared state; see usage.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "usage.h"
#include "users.h"
#include "vhost.h"

struct user_usage {
	char name[USAGE_NAME_MAX];	/* usage_name */
	struct rl_shared down, up;
	pthread_mutex_t lock;		/* the fields below */
	unsigned long long quota_bytes, quota_files;
	long long bytes, files;
	int counted;
	int count_claimed;	/* a count of it is queued (recount.h) */
	struct usage_upload *uploads;	/* in progress */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user_usage **users;
static size_t nusers;

static struct rl_shared server_down = { PTHREAD_MUTEX_INITIALIZER, { 0, 0, 0 } };
static struct rl_shared server_up = { PTHREAD_MUTEX_INITIALIZER, { 0, 0, 0 } };

void
usage_server_rates(unsigned long long down, unsigned long long up)
{
	rl_shared_set_rate(&server_down, down);
	rl_shared_set_rate(&server_up, up);
}

struct rl_shared *
usage_server_bucket(int up)
{
	return up ? &server_up : &server_down;
}

/* The entry for name; the registry lock is held. */
static struct user_usage *
find_locked(const char *name)
{
	size_t i;

	for (i = 0; i < nusers; i++)
		if (strcmp(users[i]->name, name) == 0)
			return users[i];
	return NULL;
}

struct user_usage *
usage_find(const char *name)
{
	struct user_usage *u;

	pthread_mutex_lock(&registry_lock);
	u = find_locked(name);
	pthread_mutex_unlock(&registry_lock);
	return u;
}

/* Makes the entry for name; the registry lock is held. */
static struct user_usage *
add_locked(const char *name)
{
	struct user_usage *u, **v;

	if (strlen(name) >= USAGE_NAME_MAX ||
	    (v = reallocarray(users, nusers + 1, sizeof(*v))) == NULL)
		return NULL;
	users = v;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	memcpy(u->name, name, strlen(name) + 1);
	rl_shared_init(&u->down, 0);
	rl_shared_init(&u->up, 0);
	pthread_mutex_init(&u->lock, NULL);
	users[nusers++] = u;
	return u;
}

struct user_usage *
usage_user(const char *name, const struct user_limits *lim,
    const struct config *cfg)
{
	struct user_usage *u;

	pthread_mutex_lock(&registry_lock);
	if ((u = find_locked(name)) == NULL)
		u = add_locked(name);
	pthread_mutex_unlock(&registry_lock);
	if (u == NULL)
		return NULL;
	/* The latest limits win: a reload may have changed them. */
	rl_shared_set_rate(&u->down, lim->rate_down);
	rl_shared_set_rate(&u->up, lim->rate_up);
	pthread_mutex_lock(&u->lock);
	u->quota_bytes = lim->quota_bytes ? lim->quota_bytes : cfg->quota_bytes;
	u->quota_files = lim->quota_files ? lim->quota_files : cfg->quota_files;
	pthread_mutex_unlock(&u->lock);
	return u;
}

struct rl_shared *
usage_user_bucket(struct user_usage *u, int up)
{
	return up ? &u->up : &u->down;
}

void
usage_quotas(struct user_usage *u, unsigned long long *bytes,
    unsigned long long *files)
{
	pthread_mutex_lock(&u->lock);
	*bytes = u->quota_bytes;
	*files = u->quota_files;
	pthread_mutex_unlock(&u->lock);
}

int
usage_has_quota(struct user_usage *u)
{
	unsigned long long b, f;

	usage_quotas(u, &b, &f);
	return b > 0 || f > 0;
}

void
usage_get(struct user_usage *u, long long *bytes, long long *files,
    int *counted)
{
	pthread_mutex_lock(&u->lock);
	*bytes = u->bytes;
	*files = u->files;
	*counted = u->counted;
	pthread_mutex_unlock(&u->lock);
}

void
usage_set_counted(struct user_usage *u, long long bytes, long long files)
{
	const struct usage_upload *up;

	pthread_mutex_lock(&u->lock);
	for (up = u->uploads; up != NULL; up = up->next) {
		bytes += up->bytes;
		files += up->files;
	}
	u->bytes = bytes;
	u->files = files;
	u->counted = 1;
	pthread_mutex_unlock(&u->lock);
}

void
usage_upload_begin(struct user_usage *u, struct usage_upload *up, dev_t dev,
    ino_t ino, long long bytes, long long files)
{
	pthread_mutex_lock(&u->lock);
	BUG_ON(up->linked);
	up->dev = dev;
	up->ino = ino;
	up->bytes = bytes;
	up->files = files;
	up->next = u->uploads;
	up->linked = 1;
	u->uploads = up;
	pthread_mutex_unlock(&u->lock);
}

/* Adds deltas, never below zero; the lock is held. */
static void
adjust_locked(struct user_usage *u, long long bytes, long long files)
{
	u->bytes += bytes;
	u->files += files;
	if (u->bytes < 0)
		u->bytes = 0;
	if (u->files < 0)
		u->files = 0;
}

void
usage_upload_end(struct user_usage *u, struct usage_upload *up,
    long long bytes, long long files)
{
	struct usage_upload **pp;

	pthread_mutex_lock(&u->lock);
	if (up->linked) {
		for (pp = &u->uploads; *pp != NULL; pp = &(*pp)->next)
			if (*pp == up) {
				*pp = up->next;
				break;
			}
		up->linked = 0;
		up->next = NULL;
	}
	adjust_locked(u, bytes, files);
	pthread_mutex_unlock(&u->lock);
}

int
usage_uploading(struct user_usage *u, dev_t dev, ino_t ino)
{
	const struct usage_upload *up;
	int rc = 0;

	pthread_mutex_lock(&u->lock);
	for (up = u->uploads; up != NULL && !rc; up = up->next)
		rc = up->ino != 0 && up->ino == ino && up->dev == dev;
	pthread_mutex_unlock(&u->lock);
	return rc;
}

int
usage_claim_count(struct user_usage *u)
{
	int rc;

	pthread_mutex_lock(&u->lock);
	rc = !u->counted && !u->count_claimed;
	u->count_claimed = 1;
	pthread_mutex_unlock(&u->lock);
	return rc;
}

void
usage_count_failed(struct user_usage *u)
{
	pthread_mutex_lock(&u->lock);
	u->count_claimed = 0;
	pthread_mutex_unlock(&u->lock);
}

/* Bytes that fit under u's quota with credit; the lock is held. */
static unsigned long long
room_locked(const struct user_usage *u, unsigned long long credit)
{
	long long limit;

	if (u->quota_bytes == 0 || !u->counted)
		return ~0ULL;
	limit = (long long)(u->quota_bytes > (unsigned long long)INT64_MAX / 2 ?
	    (unsigned long long)INT64_MAX / 2 : u->quota_bytes) +
	    (long long)(credit > (unsigned long long)INT64_MAX / 2 ?
	    (unsigned long long)INT64_MAX / 2 : credit);
	return u->bytes >= limit ? 0 : (unsigned long long)(limit - u->bytes);
}

unsigned long long
usage_room(struct user_usage *u, unsigned long long credit,
    unsigned long long max)
{
	unsigned long long r;

	pthread_mutex_lock(&u->lock);
	r = room_locked(u, credit);
	pthread_mutex_unlock(&u->lock);
	return r < max ? r : max;
}

unsigned long long
usage_charge_bytes(struct user_usage *u, struct usage_upload *up,
    unsigned long long n, unsigned long long credit)
{
	unsigned long long fit;

	pthread_mutex_lock(&u->lock);
	fit = room_locked(u, credit);
	if (fit > n)
		fit = n;
	u->bytes += (long long)fit;
	if (up != NULL && up->linked)
		up->bytes += (long long)fit;
	pthread_mutex_unlock(&u->lock);
	return fit;
}

void
usage_adjust(struct user_usage *u, long long bytes, long long files)
{
	pthread_mutex_lock(&u->lock);
	adjust_locked(u, bytes, files);
	pthread_mutex_unlock(&u->lock);
}

int
usage_take_file(struct user_usage *u)
{
	int rc = 0;

	pthread_mutex_lock(&u->lock);
	if (u->quota_files > 0 && u->counted &&
	    u->files >= (long long)(u->quota_files > (unsigned long long)INT64_MAX ?
	    (unsigned long long)INT64_MAX : u->quota_files))
		rc = -1;
	else
		u->files++;
	pthread_mutex_unlock(&u->lock);
	return rc;
}

int
usage_foreach(int (*fn)(void *arg, const char *name), void *arg)
{
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < nusers && rc == 0; i++)
		rc = fn(arg, users[i]->name);
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

void
usage_shutdown(void)
{
	size_t i;

	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < nusers; i++) {
		rl_shared_destroy(&users[i]->down);
		rl_shared_destroy(&users[i]->up);
		pthread_mutex_destroy(&users[i]->lock);
		free(users[i]);
	}
	free(users);
	users = NULL;
	nusers = 0;
	pthread_mutex_unlock(&registry_lock);
}

const char *
usage_realm(const struct config *host)
{
	const char *realm = vhost_realm(host->vhost);

	if (realm == NULL)	/* objects not made (a tool, a check) */
		realm = host->host_name != NULL ? host->host_name : "";
	return realm;
}

int
usage_name(const struct config *host, const char *user, char *out,
    size_t outsz)
{
	const char *realm = usage_realm(host);
	int n;

	if (strchr(user, '/') != NULL)	/* "REALM/NAME" is another's */
		return -1;
	if (realm[0] == '\0')
		n = snprintf(out, outsz, "%s", user);
	else
		n = snprintf(out, outsz, "%s/%s", realm, user);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}
