/*
 * users.c: users file, lookups and crypt_r checks; see users.h.
 */
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "buf.h"
#include "users.h"

struct user_entry {
	char *name;
	char *hash;
	char *home;
	int writable;
	struct user_limits limits;
	unsigned line;		/* in the users file, for messages */
};

struct user_table {
	struct user_entry *v;
	size_t n;
	char *path;		/* the users file */
	char decoy[CRYPT_OUTPUT_SIZE];	/* see users_check_password */
};

/* One users file's table; see users.h. */
struct users {
	pthread_mutex_t lock;
	struct user_table *current;
	struct user_table *previous;	/* for users_revert */
};

/* The instance behind the users_* functions without one (tools, tests). */
static struct users legacy = { PTHREAD_MUTEX_INITIALIZER, NULL, NULL };

/*
 * The decoy used while no table is loaded (no users file): yescrypt,
 * like new hashes. Made on first use by a hashing thread; shared by every
 * instance.
 */
static pthread_mutex_t default_decoy_lock = PTHREAD_MUTEX_INITIALIZER;
static char default_decoy[CRYPT_OUTPUT_SIZE];

static void
table_free(struct user_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].name);
		if (t->v[i].hash != NULL)
			users_wipe(t->v[i].hash, strlen(t->v[i].hash));
		free(t->v[i].hash);
		free(t->v[i].home);
	}
	free(t->v);
	free(t->path);
	users_wipe(t->decoy, sizeof(t->decoy));
	free(t);
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > USER_NAME_MAX)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-@", *s) == NULL)
			return 0;
	return 1;
}

/* Parses one line into e. Returns 0, or -1 with a reason in why. */
static int
parse_line(char *line, struct user_entry *e, const char **why)
{
	static _Thread_local char limits_why[160];
	char *f[5];
	int i;

	f[4] = NULL;
	for (i = 0; i < 4; i++) {
		f[i] = line;
		line = strchr(line, ':');
		if (line == NULL && i < 3) {
			*why = "expected name:hash:home:perms";
			return -1;
		}
		if (line != NULL)
			*line++ = '\0';
	}
	if (line != NULL) {
		/* The optional fifth field: the user's limits. */
		f[4] = line;
		if (strchr(line, ':') != NULL) {
			*why = "too many fields";
			return -1;
		}
	}
	if (!valid_name(f[0])) {
		*why = "bad user name";
		return -1;
	}
	if (f[1][0] != '$' && f[1][0] != '!' && f[1][0] != '*') {
		*why = "the hash must be a crypt(3) hash (see ftpd --hash-password)";
		return -1;
	}
	if (f[2][0] == '\0') {
		*why = "empty home";
		return -1;
	}
	if (users_home_escapes(f[2])) {
		*why = "the home is outside the root (it may not hold \"..\")";
		return -1;
	}
	if (strcmp(f[3], "rw") != 0 && strcmp(f[3], "ro") != 0) {
		*why = "perms must be rw or ro";
		return -1;
	}
	if (f[4] != NULL && userlimits_parse(f[4], &e->limits, limits_why,
	    sizeof(limits_why)) < 0) {
		/* users_load runs on one thread at a time (startup, SIGHUP). */
		*why = limits_why;
		return -1;
	}
	e->name = strdup(f[0]);
	e->hash = strdup(f[1]);
	e->home = strdup(f[2]);
	e->writable = strcmp(f[3], "rw") == 0;
	if (e->name == NULL || e->hash == NULL || e->home == NULL) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

int
users_home_escapes(const char *home)
{
	const char *p = home;

	/* Any ".." component: homes are named from the root downwards. */
	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		if (*p == '/')
			p++;
	}
	return 0;
}

/*
 * The part of a crypt(3) hash that sets the method and its cost, without
 * the salt: "$y$j9T$", "$6$rounds=N$", "$2b$12$", or just "$id$". Hashes
 * with the same key cost the same to check.
 */
static size_t
cost_key_len(const char *hash)
{
	const char *p;

	if (hash[0] != '$' || (p = strchr(hash + 1, '$')) == NULL)
		return 0;
	p++;			/* past "$id$" */
	if (strncmp(hash, "$y$", 3) == 0 || strncmp(hash, "$gy$", 4) == 0 ||
	    strncmp(hash, "$2", 2) == 0 ||
	    ((strncmp(hash, "$5$", 3) == 0 || strncmp(hash, "$6$", 3) == 0) &&
	    strncmp(p, "rounds=", 7) == 0)) {
		const char *q = strchr(p, '$');

		if (q != NULL)
			p = q + 1;
	}
	return (size_t)(p - hash);
}

/* Random text that no one will ever type as a password. */
static int
random_password(char *out, size_t n)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";
	unsigned char r[32];
	size_t i;

	if (n < sizeof(r) + 1 || getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	for (i = 0; i < sizeof(r); i++)
		out[i] = alphabet[r[i] % 64];
	out[sizeof(r)] = '\0';
	users_wipe(r, sizeof(r));
	return 0;
}

/*
 * Makes the hash that unknown users and locked accounts are checked
 * against: one with the method and cost most common in t (yescrypt when t
 * is empty or has no usable hash), so that their 530 takes as long as a
 * real user's. Returns 0 or -1.
 */
static int
make_decoy(const struct user_table *t, char *out, size_t outsz)
{
	const char *best = NULL;
	size_t i, j, best_n = 0;
	struct crypt_data *cd;
	char pw[64];
	const char *h;
	int rc = -1;

	for (i = 0; t != NULL && i < t->n; i++) {
		const char *hi = t->v[i].hash;
		size_t k = cost_key_len(hi), n = 0;

		if (k == 0)
			continue;
		for (j = 0; j < t->n; j++)
			if (cost_key_len(t->v[j].hash) == k &&
			    strncmp(t->v[j].hash, hi, k) == 0)
				n++;
		if (n > best_n) {
			best_n = n;
			best = hi;
		}
		if (best_n * 2 > t->n)
			break;	/* a majority: no other key can beat it */
	}
	if (random_password(pw, sizeof(pw)) < 0)
		return -1;
	if (best == NULL) {
		rc = users_hash_password(pw, NULL, out, outsz);
		users_wipe(pw, sizeof(pw));
		return rc;
	}
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		users_wipe(pw, sizeof(pw));
		return -1;
	}
	/* The user's own salt is reused; the decoy never leaves memory. */
	h = crypt_r(pw, best, cd);
	if (h != NULL && h[0] == '$')
		rc = xstrlcpy(out, h, outsz);
	users_wipe(cd, sizeof(*cd));
	free(cd);
	users_wipe(pw, sizeof(pw));
	if (rc < 0)	/* a hash crypt cannot redo: fall back to yescrypt */
		rc = make_decoy(NULL, out, outsz);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	const struct user_entry *x = *(const struct user_entry *const *)a;
	const struct user_entry *y = *(const struct user_entry *const *)b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* Finds a user listed twice. Returns 0, or -1 with "path:line: why". */
static int
find_duplicate(const struct user_table *t, const char *path, char *err,
    size_t errsz)
{
	const struct user_entry **idx;
	size_t i;
	int rc = 0;

	if (t->n < 2)
		return 0;
	if ((idx = calloc(t->n, sizeof(*idx))) == NULL) {
		snprintf(err, errsz, "users file %s: out of memory", path);
		return -1;
	}
	for (i = 0; i < t->n; i++)
		idx[i] = &t->v[i];
	qsort(idx, t->n, sizeof(*idx), by_name);
	for (i = 1; i < t->n; i++) {
		if (strcmp(idx[i - 1]->name, idx[i]->name) != 0)
			continue;
		snprintf(err, errsz, "%s:%u: duplicate user '%s' (first on line %u)",
		    path, idx[i]->line, idx[i]->name, idx[i - 1]->line);
		rc = -1;
		break;
	}
	free(idx);
	return rc;
}

int
users_load(const char *path, char *err, size_t errsz)
{
	return users_load_in(&legacy, path, err, errsz);
}

int
users_load_in(struct users *u, const char *path, char *err, size_t errsz)
{
	struct user_table *t, *old;
	char line[8192];
	unsigned lineno = 0;
	const char *why;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "users file %s: %s", path, strerror(errno));
		return -1;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL || (t->path = strdup(path)) == NULL)
		goto nomem;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct user_entry *v;
		size_t len = strlen(line);

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((v = reallocarray(t->v, t->n + 1, sizeof(*v))) == NULL)
			goto nomem;
		t->v = v;
		memset(&t->v[t->n], 0, sizeof(t->v[0]));
		t->n++;
		t->v[t->n - 1].line = lineno;
		if (parse_line(line, &t->v[t->n - 1], &why) < 0) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	users_wipe(line, sizeof(line));
	fclose(f);
	f = NULL;
	if (find_duplicate(t, path, err, errsz) < 0)
		goto fail_closed;
	if (make_decoy(t, t->decoy, sizeof(t->decoy)) < 0) {
		snprintf(err, errsz, "users file %s: cannot make the decoy hash",
		    path);
		goto fail_closed;
	}
	pthread_mutex_lock(&u->lock);
	old = u->previous;
	u->previous = u->current;
	u->current = t;
	pthread_mutex_unlock(&u->lock);
	table_free(old);
	return 0;
nomem:
	snprintf(err, errsz, "users file %s: out of memory", path);
fail:
	users_wipe(line, sizeof(line));
	fclose(f);
fail_closed:
	table_free(t);
	return -1;
}

int
users_lookup(const char *name, struct user_info *info)
{
	return users_lookup_in(&legacy, name, info);
}

int
users_lookup_in(struct users *u, const char *name, struct user_info *info)
{
	int rc = -1;
	size_t i;

	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&u->lock);
	for (i = 0; u->current != NULL && i < u->current->n; i++) {
		const struct user_entry *e = &u->current->v[i];

		if (strcmp(e->name, name) != 0)
			continue;
		info->hash = strdup(e->hash);
		info->home = strdup(e->home);
		info->writable = e->writable;
		info->limits = e->limits;
		rc = (info->hash && info->home) ? 0 : -1;
		break;
	}
	pthread_mutex_unlock(&u->lock);
	if (rc < 0)
		users_info_free(info);
	return rc;
}

int
users_decoy_cost(char *out, size_t outsz)
{
	size_t k;
	int rc = -1;

	pthread_mutex_lock(&legacy.lock);
	if (legacy.current != NULL &&
	    (k = cost_key_len(legacy.current->decoy)) > 0 && k < outsz) {
		memcpy(out, legacy.current->decoy, k);
		out[k] = '\0';
		rc = 0;
	}
	pthread_mutex_unlock(&legacy.lock);
	return rc;
}

int
users_foreach(int (*fn)(void *arg, const char *path, unsigned line,
    const char *name, const char *home), void *arg)
{
	return users_foreach_in(&legacy, fn, arg);
}

int
users_foreach_in(struct users *u, int (*fn)(void *arg, const char *path,
    unsigned line, const char *name, const char *home), void *arg)
{
	const struct user_table *t;
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&u->lock);
	t = u->current;
	for (i = 0; t != NULL && i < t->n && rc == 0; i++)
		rc = fn(arg, t->path, t->v[i].line, t->v[i].name,
		    t->v[i].home);
	pthread_mutex_unlock(&u->lock);
	return rc;
}

int
users_listable(void)
{
	return 1;	/* a file: every user is known at startup */
}

void
users_info_free(struct user_info *info)
{
	if (info->hash != NULL)
		users_wipe(info->hash, strlen(info->hash));
	free(info->hash);
	free(info->home);
	memset(info, 0, sizeof(*info));
}

void
users_unload(void)
{
	pthread_mutex_lock(&legacy.lock);
	table_free(legacy.current);
	table_free(legacy.previous);
	legacy.current = legacy.previous = NULL;
	pthread_mutex_unlock(&legacy.lock);
}

struct users *
users_new(void)
{
	struct users *u = calloc(1, sizeof(*u));

	if (u != NULL && pthread_mutex_init(&u->lock, NULL) != 0) {
		free(u);
		u = NULL;
	}
	return u;
}

void
users_free(struct users *u)
{
	if (u == NULL)
		return;
	table_free(u->current);
	table_free(u->previous);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

int
users_revert(void)
{
	return users_revert_in(&legacy);
}

int
users_revert_in(struct users *u)
{
	struct user_table *bad;

	pthread_mutex_lock(&u->lock);
	if (u->previous == NULL) {
		pthread_mutex_unlock(&u->lock);
		return -1;
	}
	bad = u->current;
	u->current = u->previous;
	u->previous = NULL;
	pthread_mutex_unlock(&u->lock);
	table_free(bad);
	return 0;
}

/* Compares in constant time, so timing does not reveal the hash. */
static int
equal_ct(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/*
 * Copies u's decoy hash into out (NULL u, or no table: the default one,
 * made if needed).
 */
static void
get_decoy(struct users *u, char *out, size_t outsz)
{
	char made[CRYPT_OUTPUT_SIZE];

	/* All the buffers are CRYPT_OUTPUT_SIZE: the copies always fit. */
	out[0] = '\0';
	if (u != NULL) {
		pthread_mutex_lock(&u->lock);
		if (u->current != NULL &&
		    xstrlcpy(out, u->current->decoy, outsz) < 0)
			out[0] = '\0';
		pthread_mutex_unlock(&u->lock);
	}
	if (out[0] != '\0')
		return;
	pthread_mutex_lock(&default_decoy_lock);
	if (xstrlcpy(out, default_decoy, outsz) < 0)
		out[0] = '\0';
	pthread_mutex_unlock(&default_decoy_lock);
	if (out[0] != '\0')
		return;
	/* Hash outside the lock: it takes a while. */
	if (make_decoy(NULL, made, sizeof(made)) < 0)
		return;
	pthread_mutex_lock(&default_decoy_lock);
	if (default_decoy[0] == '\0')
		memcpy(default_decoy, made, sizeof(default_decoy));
	pthread_mutex_unlock(&default_decoy_lock);
	memcpy(out, made, outsz < sizeof(made) ? outsz : sizeof(made));
}

int
users_check_password(const char *hash, const char *password)
{
	return users_check_password_in(&legacy, hash, password);
}

int
users_check_password_in(struct users *u, const char *hash,
    const char *password)
{
	char decoy[CRYPT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *out;
	int locked = hash[0] != '$';
	int ok;

	if (locked) {
		/*
		 * "!", "*" (a locked account or no such user): hash anyway, so
		 * that the answer takes as long as a real user's.
		 */
		get_decoy(u, decoy, sizeof(decoy));
		hash = decoy;
	}
	/* struct crypt_data is large (~32 KiB): keep it off the stack. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	out = crypt_r(password, hash, cd);
	ok = !locked && out != NULL && out[0] != '*' &&
	    strlen(out) == strlen(hash) && equal_ct(out, hash, strlen(hash));
	users_wipe(cd, sizeof(*cd));
	free(cd);
	return ok;
}

int
users_hash_password(const char *password, const char *method, char *out,
    size_t outsz)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *prefix = "$y$";
	const char *h;
	int rc = -1;

	if (method != NULL && strcmp(method, "sha512") == 0)
		prefix = "$6$";
	if (crypt_gensalt_rn(prefix, 0, NULL, 0, salt, sizeof(salt)) == NULL)
		return -1;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return -1;
	h = crypt_r(password, salt, cd);
	if (h != NULL && h[0] != '*')
		rc = xstrlcpy(out, h, outsz);
	users_wipe(cd, sizeof(*cd));
	free(cd);
	return rc;
}

void
users_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}
