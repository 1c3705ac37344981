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

#include "buf.h"
#include "users.h"

struct user_entry {
	char *name;
	char *hash;
	char *home;
	int writable;
};

struct user_table {
	struct user_entry *v;
	size_t n;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user_table *current;

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
	char *f[4];
	int i;

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
		*why = "too many fields";
		return -1;
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
	if (strcmp(f[3], "rw") != 0 && strcmp(f[3], "ro") != 0) {
		*why = "perms must be rw or ro";
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
users_load(const char *path, char *err, size_t errsz)
{
	struct user_table *t, *old;
	char line[8192];
	unsigned lineno = 0;
	const char *why;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
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
		if (parse_line(line, &t->v[t->n - 1], &why) < 0) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	users_wipe(line, sizeof(line));
	fclose(f);
	pthread_mutex_lock(&table_lock);
	old = current;
	current = t;
	pthread_mutex_unlock(&table_lock);
	table_free(old);
	return 0;
nomem:
	snprintf(err, errsz, "%s: out of memory", path);
fail:
	users_wipe(line, sizeof(line));
	fclose(f);
	table_free(t);
	return -1;
}

int
users_lookup(const char *name, struct user_info *info)
{
	int rc = -1;
	size_t i;

	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&table_lock);
	for (i = 0; current != NULL && i < current->n; i++) {
		const struct user_entry *e = &current->v[i];

		if (strcmp(e->name, name) != 0)
			continue;
		info->hash = strdup(e->hash);
		info->home = strdup(e->home);
		info->writable = e->writable;
		rc = (info->hash && info->home) ? 0 : -1;
		break;
	}
	pthread_mutex_unlock(&table_lock);
	if (rc < 0)
		users_info_free(info);
	return rc;
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
	pthread_mutex_lock(&table_lock);
	table_free(current);
	current = NULL;
	pthread_mutex_unlock(&table_lock);
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

int
users_check_password(const char *hash, const char *password)
{
	struct crypt_data *cd;
	const char *out;
	int ok;

	if (hash[0] != '$')
		return 0;	/* "!" or "*": a locked account */
	/* struct crypt_data is large (~32 KiB): keep it off the stack. */
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	out = crypt_r(password, hash, cd);
	ok = out != NULL && out[0] != '*' && strlen(out) == strlen(hash) &&
	    equal_ct(out, hash, strlen(hash));
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
