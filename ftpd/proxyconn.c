/*
 * proxyconn.c: PROXY headers on control connections; see proxyconn.h.
 */
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "config.h"
#include "log.h"
#include "proxyconn.h"
#include "reply.h"
#include "session.h"
#include "worker.h"

#define BALANCERS_MAX 32

static enum proxy_versions versions = PROXY_OFF;
static struct addr_cidr balancers[BALANCERS_MAX];
static unsigned nbalancers;
static unsigned header_timeout;
static char *banner;		/* a copy: the config may be reloaded */

/* A control connection whose header has not all arrived. */
struct waiting {
	struct waiting *next, *prev;
	struct worker *w;
	int fd;
	int implicit_tls;
	struct sockaddr_storage peer;
	struct event *ev;
	struct proxy_reader reader;
};

/* Every thread's waiting connections, for proxyconn_drop. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct waiting *all;

static const struct {
	const char *name;
	enum proxy_versions v;
} modes[] = {
	{ "off", PROXY_OFF }, { "v1", PROXY_V1 }, { "v2", PROXY_V2 },
	{ "any", PROXY_ANY },
};

int
proxyconn_init(const struct config *cfg, char *err, size_t errsz)
{
	char *list, *tok, *save = NULL;
	size_t i;

	versions = PROXY_OFF;
	nbalancers = 0;
	header_timeout = cfg->login_timeout;
	free(banner);
	if ((banner = strdup(cfg->banner)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (i = 0; i < ARRAY_LEN(modes); i++)
		if (strcmp(cfg->proxy_protocol, modes[i].name) == 0)
			break;
	if (i == ARRAY_LEN(modes)) {
		snprintf(err, errsz, "proxy_protocol must be off, v1, v2 or any");
		return -1;
	}
	if (modes[i].v == PROXY_OFF)
		return 0;
	if (cfg->proxy_from == NULL || *cfg->proxy_from == '\0') {
		snprintf(err, errsz, "proxy_protocol needs proxy_from: the "
		    "balancers' addresses (CIDR, comma-separated)");
		return -1;
	}
	if ((list = strdup(cfg->proxy_from)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (tok = strtok_r(list, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (nbalancers == BALANCERS_MAX) {
			snprintf(err, errsz, "proxy_from: at most %d networks",
			    BALANCERS_MAX);
			free(list);
			return -1;
		}
		if (addr_cidr_parse(tok, &balancers[nbalancers]) < 0) {
			snprintf(err, errsz, "proxy_from: '%s' is not an address "
			    "or CIDR network", tok);
			free(list);
			return -1;
		}
		nbalancers++;
	}
	free(list);
	versions = modes[i].v;
	return 0;
}

int
proxyconn_enabled(void)
{
	return versions != PROXY_OFF;
}

enum proxy_versions
proxyconn_versions(void)
{
	return versions;
}

int
proxyconn_from_balancer(const struct sockaddr_storage *peer)
{
	unsigned i;

	for (i = 0; i < nbalancers; i++)
		if (addr_in_cidr(peer, &balancers[i]))
			return 1;
	return 0;
}

/* Takes c out of the shared list; the caller holds the lock. */
static void
unlink_locked(struct waiting *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		all = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
}

static void
forget(struct waiting *c)
{
	pthread_mutex_lock(&lock);
	unlink_locked(c);
	pthread_mutex_unlock(&lock);
	if (c->ev != NULL)
		event_free(c->ev);
	free(c);
}

static void
refuse(struct waiting *c, const char *why)
{
	char who[64];

	if (addr_ntop(&c->peer, who, sizeof(who)) < 0)
		snprintf(who, sizeof(who), "?");
	log_msg("%s: connection closed without a greeting: %s", who, why);
	close(c->fd);
	forget(c);
}

/*
 * LOCAL (v2) or UNKNOWN (v1): the balancer checks that we are up. It gets
 * the greeting and the connection ends: no session, no log line, and no
 * per-address accounting for the balancer's own address.
 */
static void
health_check(struct waiting *c)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%d %s\r\n", R_220_READY,
	    banner);

	if (n > 0 && !c->implicit_tls)
		(void)send(c->fd, line, (size_t)n < sizeof(line) ? (size_t)n :
		    sizeof(line) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(c->fd);
	forget(c);
}

static void
header_cb(evutil_socket_t fd, short what, void *arg)
{
	struct waiting *c = arg;
	struct sockaddr_storage client;
	struct proxy_header h;
	int r;

	(void)fd;
	if (what & EV_TIMEOUT) {
		refuse(c, "no PROXY header in time");
		return;
	}
	r = proxy_recv(c->fd, &c->reader, versions, &h);
	if (r == 0)
		return;		/* the rest is on its way */
	if (r < 0) {
		refuse(c, errno == EPROTO ? "malformed PROXY header" :
		    "closed before its PROXY header ended");
		return;
	}
	if (!h.relayed) {
		health_check(c);
		return;
	}
	client = h.src;
	session_start(c->w, c->fd, (struct sockaddr *)&client,
	    sizeof(client), c->implicit_tls);
	forget(c);
}

void
proxyconn_start(struct worker *w, int fd, const struct sockaddr *sa,
    socklen_t salen, int implicit_tls)
{
	struct timeval tv = { (time_t)header_timeout, 0 };
	struct waiting *c;

	if (versions == PROXY_OFF) {
		session_start(w, fd, sa, salen, implicit_tls);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->w = w;
	c->fd = fd;
	c->implicit_tls = implicit_tls;
	memcpy(&c->peer, sa, salen < sizeof(c->peer) ? salen : sizeof(c->peer));
	addr_unmap(&c->peer);
	pthread_mutex_lock(&lock);
	c->next = all;
	if (all != NULL)
		all->prev = c;
	all = c;
	pthread_mutex_unlock(&lock);
	if (!proxyconn_from_balancer(&c->peer)) {
		refuse(c, "not from a proxy_from address");
		return;
	}
	c->ev = event_new(worker_base(w), fd, EV_READ | EV_PERSIST, header_cb, c);
	if (c->ev == NULL || event_add(c->ev, &tv) < 0)
		refuse(c, "out of memory");
}

void
proxyconn_drop(struct worker *w)
{
	struct waiting *c, *next, *mine = NULL;

	/*
	 * Every worker drops its own at once as the server stops: w's entries
	 * leave the shared list in one pass under the lock (another worker
	 * may free its entries the moment the lock is let go), then close.
	 */
	pthread_mutex_lock(&lock);
	for (c = all; c != NULL; c = next) {
		next = c->next;
		if (c->w != w)
			continue;
		unlink_locked(c);
		c->next = mine;
		mine = c;
	}
	pthread_mutex_unlock(&lock);
	for (c = mine; c != NULL; c = next) {
		next = c->next;
		close(c->fd);
		if (c->ev != NULL)
			event_free(c->ev);
		free(c);
	}
}
