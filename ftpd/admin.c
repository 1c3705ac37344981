/*
 * admin.c: `ftpd who` on the admin socket; see admin.h.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "buf.h"
#include "config.h"
#include "exitunlink.h"
#include "hostarg.h"
#include "json.h"
#include "log.h"
#include "session.h"
#include "users.h"
#include "worker.h"
#include "xfer.h"

#define REQUEST_MAX 64
#define SESSIONS_MAX 1000000
#define ADMIN_TIMEOUT 10

/* One live session, as copied on its worker's thread. */
struct who_entry {
	unsigned long long id;
	char user[USER_NAME_MAX + 1];	/* empty before login */
	char host[HOSTARG_NAME_MAX + 1]; /* empty: the default host */
	char address[64];
	time_t since;
	char command[96];		/* as session.h's cmd */
	unsigned long long bytes;	/* in and out, the transfer's included */
	unsigned long long rate;	/* bytes/s of the transfer, or 0 */
};

struct admin_conn;

/* A who request being answered: the workers fill it, under lock. */
struct who_req {
	pthread_mutex_t lock;
	unsigned pending;		/* workers yet to answer */
	struct who_entry *v;
	size_t n, cap;
	struct event *done_ev;		/* wakes the main thread */
	struct admin_conn *conn;	/* NULL once the client left */
	int json;
};

/* A client of the socket; main thread only. */
struct admin_conn {
	struct admin_conn *next, *prev;
	struct bufferevent *bev;	/* NULL once closed */
	struct who_req *req;		/* the request in flight */
};

static struct evconnlistener *listener;
static struct event_base *main_base;
static struct admin_conn *conns;
static uid_t owner;		/* who made the socket (root, usually) */

/* What a worker posts: the request and which worker answers it. */
struct who_post {
	struct who_req *req;
	struct worker *w;
};

static void
req_free(struct who_req *req)
{
	if (req->done_ev != NULL)
		event_free(req->done_ev);
	pthread_mutex_destroy(&req->lock);
	free(req->v);
	free(req);
}

/* Frees a connection and the request it waits for. */
static void
conn_free(struct admin_conn *c)
{
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	if (c->req != NULL)
		req_free(c->req);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	free(c);
}

/* Copies what `ftpd who` shows of s (on s's worker thread). */
static void
copy_session(const struct session *s, struct who_entry *e)
{
	struct timespec now;

	memset(e, 0, sizeof(*e));
	e->id = s->id;
	if (s->login == LOGIN_DONE && s->user != NULL)
		snprintf(e->user, sizeof(e->user), "%s", s->user);
	/* A section's name passed hostarg_parse: it fits, whole. */
	if (s->cfg->host_name != NULL)
		snprintf(e->host, sizeof(e->host), "%s", s->cfg->host_name);
	snprintf(e->address, sizeof(e->address), "%s", s->peer_str);
	snprintf(e->command, sizeof(e->command), "%s", s->cmd);
	e->since = s->since;
	e->bytes = s->bytes_in + s->bytes_out;
	if (s->xfer != NULL) {
		double secs;

		e->bytes += s->xfer->bytes;
		clock_gettime(CLOCK_MONOTONIC, &now);
		secs = (double)(now.tv_sec - s->xfer->started.tv_sec) +
		    (double)(now.tv_nsec - s->xfer->started.tv_nsec) / 1e9;
		if (secs > 0.001)
			e->rate = (unsigned long long)((double)s->xfer->bytes / secs);
	}
}

/* Adds one entry; the caller holds req->lock. */
static void
add_entry(struct who_req *req, const struct who_entry *e)
{
	if (req->n == req->cap) {
		size_t cap = req->cap ? req->cap * 2 : 64;
		struct who_entry *v;

		if (cap > SESSIONS_MAX ||
		    (v = realloc(req->v, cap * sizeof(*v))) == NULL)
			return;	/* the answer lists fewer sessions */
		req->v = v;
		req->cap = cap;
	}
	req->v[req->n++] = *e;
}

/* One worker is done: the last one wakes the main thread. */
static void
worker_done(struct who_req *req)
{
	int last;

	pthread_mutex_lock(&req->lock);
	last = --req->pending == 0;
	pthread_mutex_unlock(&req->lock);
	if (last)
		event_active(req->done_ev, EV_TIMEOUT, 0);
}

/* Runs on a worker's thread. */
static void
collect(void *arg)
{
	struct who_post *p = arg;
	struct who_req *req = p->req;
	const struct session *s;
	struct who_entry e;

	for (s = worker_sessions(p->w); s != NULL; s = s->next) {
		copy_session(s, &e);
		pthread_mutex_lock(&req->lock);
		add_entry(req, &e);
		pthread_mutex_unlock(&req->lock);
	}
	free(p);
	worker_done(req);
}

static int
by_id(const void *a, const void *b)
{
	const struct who_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void
iso_time(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
render_json(struct evbuffer *out, const struct who_entry *e, size_t n)
{
	/* An escaped byte takes 6 at most: nothing is cut. */
	char user[(USER_NAME_MAX + 1) * 6], cmd[96 * 6], when[32];
	char host[(HOSTARG_NAME_MAX + 1) * 6];
	size_t i;

	evbuffer_add_printf(out, "{\"sessions\":[");
	for (i = 0; i < n; i++) {
		json_escape(user, sizeof(user), e[i].user);
		json_escape(host, sizeof(host), e[i].host);
		json_escape(cmd, sizeof(cmd), e[i].command);
		iso_time(e[i].since, when, sizeof(when));
		evbuffer_add_printf(out, "%s{\"id\":%llu,\"user\":%s%s%s,"
		    "\"host\":%s%s%s,"
		    "\"address\":\"%s\",\"since\":\"%s\",\"command\":\"%s\","
		    "\"bytes\":%llu,\"rate\":%llu}", i ? "," : "", e[i].id,
		    *user ? "\"" : "", *user ? user : "null", *user ? "\"" : "",
		    *host ? "\"" : "", *host ? host : "null", *host ? "\"" : "",
		    e[i].address, when, cmd, e[i].bytes, e[i].rate);
	}
	evbuffer_add_printf(out, "]}\n");
}

/* A rate for people: 512 B/s, 1.5 KB/s, 12.0 MB/s (powers of 1024). */
static void
human_rate(unsigned long long r, char *out, size_t outsz)
{
	static const char *const unit[] = { "KB/s", "MB/s", "GB/s" };
	double v = (double)r;
	size_t u = 0;

	if (r < 1024) {
		snprintf(out, outsz, "%llu B/s", r);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < ARRAY_LEN(unit)) {
		v /= 1024;
		u++;
	}
	snprintf(out, outsz, "%.1f %s", v, unit[u]);
}

static void
render_text(struct evbuffer *out, struct who_entry *e, size_t n)
{
	char when[32], rate[32];
	size_t i;

	evbuffer_add_printf(out, "%-8s %-16s %-16s %-15s %-20s %12s %11s  %s\n",
	    "ID", "USER", "HOST", "ADDRESS", "SINCE", "BYTES", "RATE",
	    "COMMAND");
	for (i = 0; i < n; i++) {
		iso_time(e[i].since, when, sizeof(when));
		if (e[i].rate > 0)
			human_rate(e[i].rate, rate, sizeof(rate));
		else
			snprintf(rate, sizeof(rate), "-");
		/* The command comes from the client: no control bytes. */
		for (char *p = e[i].command; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		evbuffer_add_printf(out,
		    "s%-7llu %-16s %-16s %-15s %-20s %12llu %11s  %s\n",
		    e[i].id, *e[i].user ? e[i].user : "-",
		    *e[i].host ? e[i].host : "-", e[i].address, when,
		    e[i].bytes, rate, e[i].command);
	}
}

static void
close_when_sent(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_free(arg);
}

/* A peer gone or silent (write error, EOF, timeout): free it. */
static void
close_on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_free(arg);
}

/*
 * The answer is queued: the connection ends once it is sent, or at once
 * when it cannot be (without an event callback it would stay forever).
 */
static void
close_after_answer(struct admin_conn *c)
{
	bufferevent_setcb(c->bev, NULL, close_when_sent, close_on_event, c);
	bufferevent_disable(c->bev, EV_READ);
}

/* Every worker answered (main thread): reply and close. */
static void
done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct who_req *req = arg;
	struct admin_conn *c = req->conn;
	struct evbuffer *out;

	(void)fd;
	(void)what;
	c->req = NULL;
	if (c->bev == NULL) {
		req_free(req);
		conn_free(c);
		return;
	}
	if (req->n > 1)
		qsort(req->v, req->n, sizeof(*req->v), by_id);
	out = bufferevent_get_output(c->bev);
	if (req->json)
		render_json(out, req->v, req->n);
	else
		render_text(out, req->v, req->n);
	req_free(req);
	close_after_answer(c);
}

/* Posts the collection to every worker. */
static void
start_who(struct admin_conn *c, int json)
{
	struct who_req *req = calloc(1, sizeof(*req));
	unsigned i, n = workers_count();

	if (req == NULL ||
	    (req->done_ev = event_new(main_base, -1, 0, done_cb, req)) == NULL) {
		free(req);
		conn_free(c);
		return;
	}
	pthread_mutex_init(&req->lock, NULL);
	req->conn = c;
	req->json = json;
	c->req = req;
	/* One more than the workers: this function's own share. */
	req->pending = n + 1;
	for (i = 0; i < n; i++) {
		struct who_post *p = malloc(sizeof(*p));

		if (p != NULL) {
			p->req = req;
			p->w = workers_get(i);
		}
		if (p == NULL || worker_post(p->w, collect, p) < 0) {
			free(p);
			worker_done(req);
		}
	}
	worker_done(req);
}

static int (*reload_fn)(char *msg, size_t msgsz);

void
admin_set_reload(int (*fn)(char *msg, size_t msgsz))
{
	reload_fn = fn;
}

/* "reload": runs it at once (main thread) and answers its summary. */
static void
answer_reload(struct evbuffer *out)
{
	char msg[512];

	if (reload_fn == NULL)
		evbuffer_add_printf(out, "error: reload is not available\n");
	else if (reload_fn(msg, sizeof(msg)) < 0)
		evbuffer_add_printf(out, "error: %s\n", msg);
	else
		evbuffer_add_printf(out, "ok: %s\n", msg);
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct admin_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t n;
	char *line;

	if (c->req != NULL)
		return;
	line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF);
	if (line == NULL) {
		if (evbuffer_get_length(in) > REQUEST_MAX)
			conn_free(c);
		return;
	}
	if (strcmp(line, "who json") == 0 || strcmp(line, "who text") == 0 ||
	    strcmp(line, "who") == 0) {
		bufferevent_disable(bev, EV_READ);
		start_who(c, strcmp(line, "who json") == 0);
	} else if (strcmp(line, "reload") == 0) {
		answer_reload(bufferevent_get_output(bev));
		close_after_answer(c);
	} else {
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "error: unknown request (try \"who json\")\n");
		close_after_answer(c);
	}
	free(line);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct admin_conn *c = arg;

	(void)bev;
	(void)what;
	if (c->req == NULL) {
		conn_free(c);
		return;
	}
	/* The workers still write into the request: done_cb frees it. */
	bufferevent_free(c->bev);
	c->bev = NULL;
}

/*
 * Only root and the socket's owner may ask (its mode says so too); not
 * the run_as user, which serves the clients.
 */
static int
peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	return cred.uid == 0 || cred.uid == owner;
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct timeval tv = { ADMIN_TIMEOUT, 0 };
	struct admin_conn *c;

	(void)l;
	(void)sa;
	(void)salen;
	(void)arg;
	if (!peer_allowed(fd)) {
		log_msg("admin socket: refused a client that is not root");
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->bev = bufferevent_socket_new(main_base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		free(c);
		close(fd);
		return;
	}
	c->next = conns;
	if (conns != NULL)
		conns->prev = c;
	conns = c;
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, REQUEST_MAX + 1);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* The socket file made by admin_listen, for admin_stop. */
static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static struct stat sock_made;

static void
remember_socket(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 &&
	    xsnprintf(sock_path, sizeof(sock_path), "%s", path) >= 0)
		sock_made = st;
}

/*
 * Whether a server answers on the socket at sun: a second ftpd must not
 * take the first one's socket away.
 */
static int
socket_live(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), live;

	if (fd < 0)
		return 0;
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return live;
}

/* Makes the socket file: a stale socket goes, anything else stays. */
static int
bind_socket(int fd, const char *path, char *err, size_t errsz)
{
	struct sockaddr_un sun;
	struct stat st;
	char dir[sizeof(sun.sun_path)], *slash;
	mode_t old;
	int rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (xsnprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) < 0) {
		snprintf(err, errsz, "admin_socket %s: path too long", path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errsz, "admin_socket folder %s: %s", dir,
			    strerror(errno));
			return -1;
		}
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errsz, "admin_socket %s: exists and is "
			    "not a socket", path);
			return -1;
		}
		if (socket_live(&sun)) {
			snprintf(err, errsz, "admin_socket %s: in use by a "
			    "running server", path);
			return -1;
		}
		(void)unlink(path);
	}
	/* Never reachable by others, not even for a moment. */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		snprintf(err, errsz, "admin_socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
admin_listen(struct event_base *base, const char *path, char *err,
    size_t errsz)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errsz, "admin_socket: %s", strerror(errno));
		return -1;
	}
	if (bind_socket(fd, path, err, errsz) < 0) {
		close(fd);
		return -1;
	}
	main_base = base;
	owner = geteuid();
	remember_socket(path);
	/* Root now, run_as soon: only a root helper can remove it at exit. */
	if (owner == 0 && exitunlink_watch(path, err, errsz) < 0)
		log_msg("%s; it stays after exit", err);
	listener = evconnlistener_new(base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (listener == NULL) {
		snprintf(err, errsz, "admin_socket %s: out of memory", path);
		close(fd);
		return -1;
	}
	return 0;
}

void
admin_stop(void)
{
	struct stat st;

	if (listener != NULL)
		evconnlistener_free(listener);
	listener = NULL;
	while (conns != NULL)
		conn_free(conns);
	/* Ours still (not a later server's): remove it, when allowed here;
	 * after a privilege drop, the helper (exitunlink.h) does. */
	if (sock_path[0] != '\0' && lstat(sock_path, &st) == 0 &&
	    exitunlink_same(&st, &sock_made))
		(void)unlink(sock_path);
	sock_path[0] = '\0';
}
