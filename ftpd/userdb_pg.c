/*
 * userdb_pg.c: users in a PostgreSQL table (docs/users.sql), through
 * libpq, the project's own client library (what Debian ships as libpq5).
 *
 * Each lookup reads the row, so a user added, changed or locked in the
 * table takes effect at the next login, on every node, without SIGHUP.
 *
 * Connections: a small pool, one per hashing thread at most, made lazily
 * by the thread that needs one and kept idle between lookups. A broken
 * connection (the server restarted) is dropped and made again once within
 * the same lookup. When the server cannot be reached, the backend is
 * "down": lookups answer USERDB_UNAVAILABLE at once, without trying,
 * until a retry time that backs off from 0.5 s, doubling, to 30 s; one
 * lookup then tries again. Every attempt has a connect timeout and a TCP
 * user timeout, so a vanished host blocks a hashing thread for seconds,
 * never an event loop.
 */
#include <crypt.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "log.h"
#include "userdb.h"
#include "userrow.h"

#define POOL_MAX 256		/* auth_threads' maximum */
#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 30000
#define TABLE "ftpd_users"
#define NO_SUCH_USER_HASH "*"	/* matches nothing; see users.h */

static const char QUERY[] =
    "SELECT hash, home, permissions, locked, rate_down, rate_up, "
    "quota_bytes, quota_files FROM " TABLE " WHERE name = $1";

/* One database: its URI, its pool and its reachability. */
struct pg_db {
	pthread_mutex_t lock;
	char *conninfo;
	PGconn *idle[POOL_MAX];
	size_t nidle;
	int down;		/* the last attempt to connect failed */
	unsigned backoff_ms;
	struct timespec retry_at;
	char decoy[CRYPT_OUTPUT_SIZE];	/* the last user found's hash */
};

static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libpq's messages span lines ("...\n\tIs the server running"): logs want one. */
static void
one_line(const char *msg, char *out, size_t outsz)
{
	size_t n = 0;
	int space = 1;		/* drops leading blanks too */

	if (msg == NULL || *msg == '\0')
		msg = "unknown error";
	for (; *msg != '\0' && n + 1 < outsz; msg++) {
		int blank = *msg == ' ' || *msg == '\n' || *msg == '\t' ||
		    *msg == '\r';

		if (blank && space)
			continue;
		out[n++] = blank ? ' ' : *msg;
		space = blank;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/*
 * A new connection (blocking, bounded by the timeouts). Our defaults come
 * first, so that the URI's own parameters override them.
 */
static PGconn *
connect_now(const char *info)
{
	static const char *const keys[] = { "connect_timeout",
	    "tcp_user_timeout", "keepalives_idle", "application_name",
	    "dbname", NULL };
	const char *vals[] = { "5", "10000", "30", "ftpd", info, NULL };

	return PQconnectdbParams(keys, vals, 1);
}

/* A connection for one lookup, or NULL with why (down, or failed now). */
static PGconn *
get_conn(struct pg_db *db, int fresh, char *why, size_t whysz)
{
	char msg[256];
	long long now = now_ms(), wait;
	unsigned next;
	PGconn *c;

	pthread_mutex_lock(&db->lock);
	if (!fresh && db->nidle > 0) {
		c = db->idle[--db->nidle];
		pthread_mutex_unlock(&db->lock);
		return c;
	}
	wait = (long long)db->retry_at.tv_sec * 1000 +
	    db->retry_at.tv_nsec / 1000000 - now;
	if (db->down && wait > 0) {
		pthread_mutex_unlock(&db->lock);
		snprintf(why, whysz, "users database down; next try in %lld ms",
		    wait);
		return NULL;
	}
	if (db->down) {
		/* This thread tries; others wait out the next backoff. */
		db->retry_at.tv_sec = (now + db->backoff_ms) / 1000;
		db->retry_at.tv_nsec = (long)((now + db->backoff_ms) % 1000) *
		    1000000;
	}
	pthread_mutex_unlock(&db->lock);
	c = connect_now(db->conninfo);
	if (c != NULL && PQstatus(c) == CONNECTION_OK) {
		pthread_mutex_lock(&db->lock);
		if (db->down)
			log_msg("users database: connected again");
		db->down = 0;
		db->backoff_ms = BACKOFF_FIRST_MS;
		pthread_mutex_unlock(&db->lock);
		return c;
	}
	one_line(c != NULL ? PQerrorMessage(c) : "out of memory", msg,
	    sizeof(msg));
	PQfinish(c);
	pthread_mutex_lock(&db->lock);
	next = db->backoff_ms;
	now = now_ms() + next;
	db->retry_at.tv_sec = now / 1000;
	db->retry_at.tv_nsec = (long)(now % 1000) * 1000000;
	db->down = 1;
	db->backoff_ms = db->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    db->backoff_ms * 2;
	pthread_mutex_unlock(&db->lock);
	log_msg("users database: cannot connect: %s; next try in %u ms", msg,
	    next);
	snprintf(why, whysz, "users database unreachable: %s", msg);
	return NULL;
}

static void
put_conn(struct pg_db *db, PGconn *c)
{
	pthread_mutex_lock(&db->lock);
	if (db->nidle < POOL_MAX) {
		db->idle[db->nidle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&db->lock);
	PQfinish(c);
}

/*
 * Runs the query for user on a pooled connection, making a new one once
 * when the pooled one turns out broken. Returns the result (the caller
 * clears it and puts *cp back), or NULL with why.
 */
static PGresult *
query(struct pg_db *db, const char *user, PGconn **cp, char *why,
    size_t whysz)
{
	const char *params[1] = { user };
	char msg[256];
	PGresult *r;
	int attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if ((*cp = get_conn(db, attempt > 0, why, whysz)) == NULL)
			return NULL;
		r = PQexecParams(*cp, QUERY, 1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			return r;
		one_line(PQresultErrorMessage(r), msg, sizeof(msg));
		PQclear(r);
		if (PQstatus(*cp) != CONNECTION_BAD) {
			/* Reachable but wrong (no table, a column missing). */
			log_msg("users database: lookup failed: %s", msg);
			snprintf(why, whysz, "users database: %s", msg);
			return NULL;
		}
		log_msg("users database: connection lost: %s", msg);
		PQfinish(*cp);
		*cp = NULL;
	}
	snprintf(why, whysz, "users database: connection lost");
	return NULL;
}

static enum userdb_status
pg_lookup(void *impl, const char *user, struct user_info *info, char *why,
    size_t whysz)
{
	struct pg_db *db = impl;
	const char *val[USERROW_NCOLS];
	enum userdb_status st = USERDB_FOUND;
	PGconn *c = NULL;
	PGresult *r;
	int i;

	if ((r = query(db, user, &c, why, whysz)) == NULL) {
		if (c != NULL)
			put_conn(db, c);
		return USERDB_UNAVAILABLE;
	}
	if (PQntuples(r) == 0)
		st = USERDB_NO_SUCH_USER;
	else {
		for (i = 0; i < USERROW_NCOLS; i++)
			val[i] = PQgetisnull(r, 0, i) ? NULL :
			    PQgetvalue(r, 0, i);
		if (userrow_parse(val, info, why, whysz) < 0)
			st = USERDB_REFUSED;
	}
	/* The decoy takes on the method and cost of the table's users. */
	if (st == USERDB_FOUND && info->hash[0] == '$') {
		pthread_mutex_lock(&db->lock);
		if (xstrlcpy(db->decoy, info->hash, sizeof(db->decoy)) < 0)
			db->decoy[0] = '\0';
		pthread_mutex_unlock(&db->lock);
	}
	/* The row held the hash: wipe libpq's copy before letting it go. */
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, USERROW_HASH))
		users_wipe(PQgetvalue(r, 0, USERROW_HASH),
		    (size_t)PQgetlength(r, 0, USERROW_HASH));
	PQclear(r);
	put_conn(db, c);
	return st;
}

static void pg_close(void *impl);

static void *
pg_open(const char *spec, char *err, size_t errsz)
{
	PQconninfoOption *opts;
	char *msg = NULL;
	struct pg_db *db;

	/* Syntax only: the server is contacted at the first lookup. */
	if ((opts = PQconninfoParse(spec, &msg)) == NULL) {
		snprintf(err, errsz, "users: bad PostgreSQL URI: %s",
		    msg != NULL ? msg : "out of memory");
		PQfreemem(msg);
		return NULL;
	}
	PQconninfoFree(opts);
	/*
	 * No table here to take the decoy's method from: until a user is
	 * found (pg_password_ok), unknown users are checked against the
	 * default (yescrypt, as --hash-password makes), made now rather than
	 * inside the first unknown user's login, which would then take two
	 * hashes' time.
	 */
	(void)users_check_password_in(NULL, NO_SUCH_USER_HASH, "");
	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    pthread_mutex_init(&db->lock, NULL) != 0) {
		free(db);
		snprintf(err, errsz, "users: out of memory");
		return NULL;
	}
	db->backoff_ms = BACKOFF_FIRST_MS;
	if ((db->conninfo = strdup(spec)) == NULL) {
		pg_close(db);
		snprintf(err, errsz, "users: out of memory");
		return NULL;
	}
	return db;
}

/* Connects and runs the query with no row, so that every column is named. */
static int
pg_check(void *impl, char *err, size_t errsz)
{
	struct pg_db *db = impl;
	char msg[256];
	PGconn *c = connect_now(db->conninfo);
	PGresult *r;
	int rc = 0;

	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		one_line(c != NULL ? PQerrorMessage(c) : "out of memory", msg,
		    sizeof(msg));
		snprintf(err, errsz, "users database: cannot connect: %s", msg);
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, "SELECT name, hash, home, permissions, locked, rate_down, "
	    "rate_up, quota_bytes, quota_files FROM " TABLE " LIMIT 0");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		one_line(PQresultErrorMessage(r), msg, sizeof(msg));
		snprintf(err, errsz, "users database: table " TABLE " does not "
		    "match docs/users.sql: %s", msg);
		rc = -1;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

static int
pg_reload(void *impl, char *err, size_t errsz)
{
	(void)impl;
	(void)err;
	(void)errsz;
	return 0;	/* every lookup reads the table */
}

static int
pg_revert(void *impl)
{
	(void)impl;
	return -1;	/* reload changed nothing */
}

static int
pg_listable(void *impl)
{
	(void)impl;
	return 0;	/* not at startup: users come and go in the table */
}

static int
pg_foreach(void *impl, userdb_foreach_fn *fn, void *arg)
{
	(void)impl;
	(void)fn;
	(void)arg;
	return 0;
}

/*
 * An unknown user or a locked account ("*", "!") is hashed against the
 * hash of the last user found: the table's users may use another method
 * or cost than the default decoy (yescrypt), and a 530 that came sooner
 * for unknown names would tell which names exist. The answer is no,
 * whatever that hash says. Before any user was found: the default decoy.
 */
static int
pg_password_ok(void *impl, const char *hash, const char *password)
{
	struct pg_db *db = impl;
	char decoy[CRYPT_OUTPUT_SIZE];

	if (hash[0] == '$' || db == NULL)
		return users_check_password_in(NULL, hash, password);
	pthread_mutex_lock(&db->lock);
	memcpy(decoy, db->decoy, sizeof(decoy));
	pthread_mutex_unlock(&db->lock);
	if (decoy[0] == '$')
		(void)users_check_password_in(NULL, decoy, password);
	else
		(void)users_check_password_in(NULL, hash, password);
	users_wipe(decoy, sizeof(decoy));
	return 0;
}

static void
pg_close(void *impl)
{
	struct pg_db *db = impl;

	if (db == NULL)
		return;
	while (db->nidle > 0)
		PQfinish(db->idle[--db->nidle]);
	free(db->conninfo);
	users_wipe(db->decoy, sizeof(db->decoy));
	pthread_mutex_destroy(&db->lock);
	free(db);
}

const struct userdb_ops userdb_pg_ops = {
	"users database", pg_open, pg_lookup, pg_reload, pg_revert, pg_check,
	pg_listable, pg_foreach, pg_password_ok, pg_close,
};
