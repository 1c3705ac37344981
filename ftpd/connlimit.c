/*
 * connlimit.c: per-address session and failure counts and the login
 * tarpit; see connlimit.h.
 *
 * A small open hash table under one mutex: entries exist while an address
 * holds sessions or has failures inside the window, so its size follows
 * the number of distinct live clients, bounded by max_sessions plus the
 * addresses that failed recently (capped at MAX_ENTRIES).
 */
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "config.h"
#include "connlimit.h"

#define NBUCKETS 4096
#define MAX_ENTRIES 200000

struct ip_entry {
	struct ip_entry *next;
	unsigned char key[CONNLIMIT_KEY_LEN];
	unsigned sessions;
	unsigned failures;
	time_t window_start;
	uint64_t next_check_ms;	/* tarpit: earliest start of the next check */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ip_entry *buckets[NBUCKETS];
static unsigned long entries, total_sessions;
static const struct config *cfg;
static unsigned long session_cap;

void
connlimit_init(const struct config *c, unsigned long max_fds)
{
	/*
	 * A session at rest holds one descriptor (homes are shared, see
	 * homes.h); a transfer adds up to three (listener, data, file).
	 * Sessions may use two thirds of the descriptors, the rest is kept
	 * for transfers (one that finds none left fails with a 425 or 451
	 * reply). Past the limit accept() would fail and a client would get
	 * silence; below it, a refused client gets a 421.
	 */
	unsigned long by_fds = max_fds > 64 ? (max_fds - 64) * 2 / 3 : 1;
	unsigned long want = c->max_sessions ? c->max_sessions :
	    CONNLIMIT_DEFAULT_SESSIONS;

	cfg = c;
	session_cap = want < by_fds ? want : by_fds;
}

void
connlimit_reconfigure(const struct config *c)
{
	pthread_mutex_lock(&lock);
	cfg = c;
	pthread_mutex_unlock(&lock);
}

unsigned long
connlimit_session_cap(void)
{
	return session_cap;
}

void
connlimit_key(const struct sockaddr_storage *ss,
    unsigned char key[CONNLIMIT_KEY_LEN])
{
	struct sockaddr_storage a = *ss;

	addr_unmap(&a);
	memset(key, 0, CONNLIMIT_KEY_LEN);
	if (a.ss_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((struct sockaddr_in *)&a)->sin_addr, 4);
	} else if (a.ss_family == AF_INET6) {
		/*
		 * One host or one site usually gets a whole /64 and may use
		 * any address in it: counting per address would let it
		 * escape every limit by changing the low 64 bits.
		 */
		memcpy(key, &((struct sockaddr_in6 *)&a)->sin6_addr, 8);
	}
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static unsigned
hash_key(const unsigned char key[CONNLIMIT_KEY_LEN])
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < CONNLIMIT_KEY_LEN; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % NBUCKETS;
}

/* Finds (and with create, makes) the entry for key. Lock held. */
static struct ip_entry *
lookup(const unsigned char key[CONNLIMIT_KEY_LEN], int create)
{
	struct ip_entry *e;
	unsigned h = hash_key(key);

	for (e = buckets[h]; e != NULL; e = e->next)
		if (memcmp(e->key, key, CONNLIMIT_KEY_LEN) == 0)
			return e;
	if (!create || entries >= MAX_ENTRIES || (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	memcpy(e->key, key, CONNLIMIT_KEY_LEN);
	e->next = buckets[h];
	buckets[h] = e;
	entries++;
	return e;
}

/* Forgets old failures; frees the entry when nothing is left. Lock held. */
static int
expire(struct ip_entry *e, time_t now)
{
	struct ip_entry **pp;

	if (e->failures > 0 && now - e->window_start >= (time_t)cfg->ip_failure_window)
		e->failures = 0;
	if (e->sessions > 0 || e->failures > 0)
		return 0;
	for (pp = &buckets[hash_key(e->key)]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			free(e);
			entries--;
			return 1;
		}
	}
	return 0;
}

enum connlimit_verdict
connlimit_session_open(const struct sockaddr_storage *addr)
{
	enum connlimit_verdict v = CONNLIMIT_OK;
	unsigned char key[CONNLIMIT_KEY_LEN];
	struct ip_entry *e;
	time_t now = time(NULL);

	connlimit_key(addr, key);
	pthread_mutex_lock(&lock);
	e = lookup(key, 1);
	if (e != NULL && expire(e, now))
		e = lookup(key, 1);
	if (total_sessions >= session_cap)
		v = CONNLIMIT_TOO_MANY_SESSIONS;
	else if (e == NULL)
		v = CONNLIMIT_TOO_MANY_SESSIONS;	/* table full or no memory */
	else if (e->sessions >= cfg->max_sessions_per_ip)
		v = CONNLIMIT_TOO_MANY_FROM_IP;
	if (v == CONNLIMIT_OK) {
		e->sessions++;
		total_sessions++;
	} else if (e != NULL) {
		expire(e, now);
	}
	pthread_mutex_unlock(&lock);
	return v;
}

void
connlimit_session_closed(const struct sockaddr_storage *addr)
{
	unsigned char key[CONNLIMIT_KEY_LEN];
	struct ip_entry *e;

	connlimit_key(addr, key);
	pthread_mutex_lock(&lock);
	if ((e = lookup(key, 0)) != NULL && e->sessions > 0) {
		e->sessions--;
		total_sessions--;
		expire(e, time(NULL));
	}
	pthread_mutex_unlock(&lock);
}

unsigned
connlimit_login_failed(const struct sockaddr_storage *addr)
{
	unsigned char key[CONNLIMIT_KEY_LEN];
	struct ip_entry *e;
	unsigned n = 0;
	time_t now = time(NULL);

	connlimit_key(addr, key);
	pthread_mutex_lock(&lock);
	if ((e = lookup(key, 1)) != NULL) {
		if (e->failures == 0 ||
		    now - e->window_start >= (time_t)cfg->ip_failure_window) {
			e->failures = 0;
			e->window_start = now;
		}
		n = ++e->failures;
	}
	pthread_mutex_unlock(&lock);
	return n;
}

unsigned
connlimit_check_delay_ms(const struct sockaddr_storage *addr, uint64_t *slot)
{
	uint64_t now = now_ms(), start = now;
	unsigned char key[CONNLIMIT_KEY_LEN];
	struct ip_entry *e;

	connlimit_key(addr, key);
	pthread_mutex_lock(&lock);
	/* The session holds an entry; without one (table full) no tarpit. */
	if ((e = lookup(key, 0)) != NULL && !expire(e, time(NULL))) {
		if (e->failures >= cfg->max_ip_failures &&
		    e->next_check_ms > now)
			start = e->next_check_ms;
		/*
		 * Every check books the next slot, so that the first check
		 * past the limit already waits for the one before it.
		 */
		e->next_check_ms = start +
		    (uint64_t)cfg->login_tarpit_delay * 1000;
	}
	pthread_mutex_unlock(&lock);
	if (slot != NULL)
		*slot = start;
	return (unsigned)(start - now);
}

void
connlimit_check_dropped(const struct sockaddr_storage *addr, uint64_t slot)
{
	unsigned char key[CONNLIMIT_KEY_LEN];
	struct ip_entry *e;

	connlimit_key(addr, key);
	pthread_mutex_lock(&lock);
	if ((e = lookup(key, 0)) != NULL &&
	    e->next_check_ms == slot + (uint64_t)cfg->login_tarpit_delay * 1000)
		e->next_check_ms = slot;
	pthread_mutex_unlock(&lock);
}

const char *
connlimit_reason(enum connlimit_verdict v)
{
	switch (v) {
	case CONNLIMIT_TOO_MANY_SESSIONS:
		return "Too many users: server full, try again later.";
	case CONNLIMIT_TOO_MANY_FROM_IP:
		return "Too many connections from your address.";
	case CONNLIMIT_OK:
		break;
	}
	return "Service not available.";
}
