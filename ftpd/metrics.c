/*
 * metrics.c: counters and their Prometheus exposition; see metrics.h.
 *
 * The HTTP side is libevent's evhttp on the main thread's event base:
 * a scrape costs the workers nothing but the atomic adds they already
 * made. Only GET /metrics is served; requests are small and bounded.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "cmdtab.h"
#include "metrics.h"

#define COMMANDS_MAX 128
#define SCRAPE_MAX (256 * 1024)
/* Input held per connection: a few requests, never what a client pipelines. */
#define HTTP_INPUT_MAX (16 * 1024)

static _Atomic unsigned long long counters[M__COUNT];
static _Atomic unsigned long long commands[COMMANDS_MAX];
static _Atomic long long sessions_now, auth_queue;
static time_t started;
static struct evhttp *http;

/* One family of series: its name, type and help text. */
struct family {
	const char *name;
	const char *type;
	const char *help;
};

static const struct family f_sessions_total = { "ftpd_sessions_total",
    "counter", "Control connections accepted since start." };
static const struct family f_logins = { "ftpd_logins_total", "counter",
    "Password checks by result." };
static const struct family f_bytes = { "ftpd_bytes_total", "counter",
    "Data connection bytes received (in) and sent (out)." };
static const struct family f_transfers = { "ftpd_transfers_total",
    "counter", "Finished transfers by kind and result." };
static const struct family f_tls = { "ftpd_tls_handshakes_total", "counter",
    "TLS handshakes by channel and result." };
static const struct family f_reuse = { "ftpd_tls_reuse_failures_total",
    "counter", "Data connections refused for not resuming the control "
    "connection's TLS session." };
static const struct family f_limits = { "ftpd_limit_rejections_total",
    "counter", "Connections or logins held back by a limit, by kind." };

/* Where each counter goes: its family and its labels. */
static const struct {
	const struct family *family;
	const char *labels;
} series[M__COUNT] = {
	[M_SESSIONS_TOTAL] = { &f_sessions_total, "" },
	[M_LOGINS_OK] = { &f_logins, "result=\"ok\"" },
	[M_LOGINS_FAILED] = { &f_logins, "result=\"failed\"" },
	[M_BYTES_IN] = { &f_bytes, "direction=\"in\"" },
	[M_BYTES_OUT] = { &f_bytes, "direction=\"out\"" },
	[M_DOWNLOADS_OK] = { &f_transfers, "kind=\"download\",result=\"ok\"" },
	[M_DOWNLOADS_FAILED] = { &f_transfers, "kind=\"download\",result=\"failed\"" },
	[M_UPLOADS_OK] = { &f_transfers, "kind=\"upload\",result=\"ok\"" },
	[M_UPLOADS_FAILED] = { &f_transfers, "kind=\"upload\",result=\"failed\"" },
	[M_LISTINGS_OK] = { &f_transfers, "kind=\"listing\",result=\"ok\"" },
	[M_LISTINGS_FAILED] = { &f_transfers, "kind=\"listing\",result=\"failed\"" },
	[M_TLS_CONTROL_OK] = { &f_tls, "channel=\"control\",result=\"ok\"" },
	[M_TLS_CONTROL_FAILED] = { &f_tls, "channel=\"control\",result=\"failed\"" },
	[M_TLS_DATA_OK] = { &f_tls, "channel=\"data\",result=\"ok\"" },
	[M_TLS_DATA_FAILED] = { &f_tls, "channel=\"data\",result=\"failed\"" },
	[M_TLS_REUSE_FAILED] = { &f_reuse, "" },
	[M_LIMIT_MAX_SESSIONS] = { &f_limits, "kind=\"max_sessions\"" },
	[M_LIMIT_PER_IP] = { &f_limits, "kind=\"max_sessions_per_ip\"" },
	[M_LIMIT_LOGIN_FAILURES] = { &f_limits, "kind=\"max_login_failures\"" },
	[M_LIMIT_TARPIT] = { &f_limits, "kind=\"login_tarpit\"" },
	/* Rendered with the commands family. */
	[M_COMMAND_UNKNOWN] = { NULL, NULL },
};

void
metrics_add(enum metric m, unsigned long long n)
{
	BUG_ON((unsigned)m >= M__COUNT);
	atomic_fetch_add_explicit(&counters[m], n, memory_order_relaxed);
}

unsigned long long
metrics_get(enum metric m)
{
	BUG_ON((unsigned)m >= M__COUNT);
	return atomic_load_explicit(&counters[m], memory_order_relaxed);
}

void
metrics_count_command(size_t i)
{
	if (i >= COMMANDS_MAX || i >= cmdtab_len) {
		metrics_inc(M_COMMAND_UNKNOWN);
		return;
	}
	atomic_fetch_add_explicit(&commands[i], 1, memory_order_relaxed);
}

void
metrics_sessions_delta(int delta)
{
	atomic_fetch_add_explicit(&sessions_now, delta, memory_order_relaxed);
}

void
metrics_auth_queue_delta(int delta)
{
	atomic_fetch_add_explicit(&auth_queue, delta, memory_order_relaxed);
}

static int
family_header(struct buf *out, const struct family *f)
{
	return buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name,
	    f->help, f->name, f->type);
}

static int
render_counters(struct buf *out)
{
	const struct family *last = NULL;
	size_t i;

	for (i = 0; i < M__COUNT; i++) {
		const struct family *f = series[i].family;

		if (f == NULL)
			continue;
		if (f != last && family_header(out, f) < 0)
			return -1;
		last = f;
		if (buf_printf(out, "%s%s%s%s %llu\n", f->name,
		    *series[i].labels ? "{" : "", series[i].labels,
		    *series[i].labels ? "}" : "",
		    metrics_get((enum metric)i)) < 0)
			return -1;
	}
	return 0;
}

static int
render_commands(struct buf *out)
{
	static const struct family f = { "ftpd_commands_total", "counter",
	    "Commands received, by verb (other: unknown verbs)." };
	size_t i;

	if (family_header(out, &f) < 0)
		return -1;
	for (i = 0; i < cmdtab_len && i < COMMANDS_MAX; i++) {
		/* Verbs that share a handler are still counted apart. */
		if (buf_printf(out, "%s{verb=\"%s\"} %llu\n", f.name,
		    cmdtab[i].name, atomic_load_explicit(&commands[i],
		    memory_order_relaxed)) < 0)
			return -1;
	}
	return buf_printf(out, "%s{verb=\"other\"} %llu\n", f.name,
	    metrics_get(M_COMMAND_UNKNOWN));
}

int
metrics_render(struct buf *out)
{
	if (render_counters(out) < 0 || render_commands(out) < 0)
		return -1;
	return buf_printf(out,
	    "# HELP ftpd_sessions Control connections open now.\n"
	    "# TYPE ftpd_sessions gauge\n"
	    "ftpd_sessions %lld\n"
	    "# HELP ftpd_auth_queue_length Password checks waiting for a "
	    "hashing thread.\n"
	    "# TYPE ftpd_auth_queue_length gauge\n"
	    "ftpd_auth_queue_length %lld\n"
	    "# HELP ftpd_start_time_seconds When the server started, in "
	    "seconds since the epoch.\n"
	    "# TYPE ftpd_start_time_seconds gauge\n"
	    "ftpd_start_time_seconds %lld\n"
	    "# HELP ftpd_build_info The running version.\n"
	    "# TYPE ftpd_build_info gauge\n"
	    "ftpd_build_info{version=\"%s\"} 1\n",
	    atomic_load_explicit(&sessions_now, memory_order_relaxed),
	    atomic_load_explicit(&auth_queue, memory_order_relaxed),
	    (long long)started, PROJECT_VERSION);
}

static void
scrape_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer *body;
	struct buf text;

	(void)arg;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_send_error(req, 405, "Method Not Allowed");
		return;
	}
	buf_init(&text, SCRAPE_MAX);
	if (metrics_render(&text) < 0 || (body = evbuffer_new()) == NULL) {
		buf_free(&text);
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	if (evbuffer_add(body, buf_cstr(&text), text.len) < 0) {
		evbuffer_free(body);
		buf_free(&text);
		evhttp_send_error(req, 500, "Internal Server Error");
		return;
	}
	buf_free(&text);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", body);
	evbuffer_free(body);
}

static void
other_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, 404, "Not Found (try /metrics)");
}

/*
 * Each connection's bufferevent stops reading past HTTP_INPUT_MAX: evhttp
 * reads on while an answer waits to be sent, so a client that pipelines
 * requests and never reads the answers would fill our memory.
 */
static struct bufferevent *
bounded_bev(struct event_base *base, void *arg)
{
	struct bufferevent *bev;

	(void)arg;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL)
		bufferevent_setwatermark(bev, EV_READ, 0, HTTP_INPUT_MAX);
	return bev;
}

/* Splits "IP:PORT" or "[IPv6]:PORT" into ss. */
static int
parse_listen(const char *addr, struct sockaddr_storage *ss)
{
	char host[64];
	const char *colon = strrchr(addr, ':');
	unsigned long port;
	char *end;
	size_t n;

	if (colon == NULL)
		return -1;
	n = (size_t)(colon - addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		addr++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, addr, n);
	host[n] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || port > 65535)
		return -1;
	return addr_pton(host, (unsigned)port, ss);
}

static int
bind_listener(const char *addr, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	int fd, one = 1;

	if (parse_listen(addr, &ss) < 0) {
		snprintf(err, errsz, "metrics_listen: '%s' is not IP:PORT", addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, addr_len(&ss)) < 0 ||
	    listen(fd, 64) < 0) {
		snprintf(err, errsz, "metrics_listen %s: %s", addr,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
metrics_serve(struct event_base *base, int fd, const char *addr,
    struct sockaddr_storage *bound, char *err, size_t errsz)
{
	socklen_t len = sizeof(*bound);

	started = time(NULL);
	if (fd < 0 && (fd = bind_listener(addr, err, errsz)) < 0)
		return -1;
	if (getsockname(fd, (struct sockaddr *)bound, &len) < 0 ||
	    (http = evhttp_new(base)) == NULL) {
		snprintf(err, errsz, "metrics: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* A scraper sends a short GET: refuse anything bigger or slower. */
	evhttp_set_max_headers_size(http, 8192);
	evhttp_set_max_body_size(http, 0);
	evhttp_set_timeout(http, 10);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_bevcb(http, bounded_bev, NULL);
	if (evhttp_set_cb(http, "/metrics", scrape_cb, NULL) != 0 ||
	    evhttp_accept_socket(http, fd) != 0) {
		snprintf(err, errsz, "metrics: cannot serve");
		evhttp_free(http);
		http = NULL;
		close(fd);
		return -1;
	}
	evhttp_set_gencb(http, other_cb, NULL);
	addr_unmap(bound);
	return 0;
}

void
metrics_stop(void)
{
	if (http != NULL)
		evhttp_free(http);
	http = NULL;
}
