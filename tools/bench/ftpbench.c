/*
 * ftpbench: the benchmark's FTP client (tools/bench/README.md).
 *
 *   ftpbench get    --name FMT --count N [--clients C [--inflight K]] [--size BYTES]
 *   ftpbench put    --name FMT --count N --size BYTES [--src FILE]
 *   ftpbench logins --clients C --seconds S [--noop-ms MS]
 *   ftpbench idle   --sessions N [--inflight K]   (then "probe K" / "quit"
 *                                                  lines on stdin)
 * Common: --port P [--host 127.0.0.1] --user U --pass P
 *         [--server-cg FILE | --server-pid PID] [--timeout S]
 *         [--tls 12|13 [--tls-resume]]   explicit FTPS with TLS 1.2 or 1.3;
 *                                        --tls-resume: a client's next
 *                                        login resumes its last session
 *
 * Each run prints one JSON object per line on stdout: the figures of its
 * timed window and the CPU seconds that client and server used in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cpustat.h"
#include "engine.h"

struct opts {
	const char *mode;
	struct engine_cfg cfg;
	const char *server_cg, *src;
	pid_t server_pid;
	unsigned clients, count, sessions, inflight;
	unsigned long long size;
	double seconds, timeout;
	unsigned noop_ms;
};

/* CPU and wall-clock readings at the edges of a timed window. */
struct mark {
	double t, client, server;
};

static const struct opts *opt;
static unsigned target;		/* for the stop conditions below */

static struct mark
mark_now(void)
{
	struct mark m;

	m.t = now_s();
	m.client = cpustat_self();
	m.server = cpustat_server(opt->server_cg, opt->server_pid);
	return m;
}

/* The CPU figures of a window, and with FTPS what TLS negotiated. */
static void
print_cpu(const struct engine *e, const struct mark *a, const struct mark *b)
{
	const struct engine_tls_stats *t = engine_tls(e);

	printf("\"seconds\":%.6f,\"client_cpu\":%.4f,\"server_cpu\":%.4f",
	    b->t - a->t, b->client - a->client,
	    (a->server < 0 || b->server < 0) ? -1.0 : b->server - a->server);
	if (opt->cfg.tls != 0)
		printf(",\"tls\":\"%s\",\"cipher\":\"%s\",\"ctrl_tls\":%u,"
		    "\"ctrl_resumed\":%u,\"data_tls\":%u,\"data_resumed\":%u",
		    t->version, t->cipher, t->ctrl, t->ctrl_resumed, t->data,
		    t->data_resumed);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of n sorted values. */
static double
pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return -1;
	k = (size_t)(p / 100.0 * (double)n + 0.999999);
	return v[k == 0 ? 0 : (k > n ? n - 1 : k - 1)];
}

static int all_waiting(struct engine *e) { return engine_waiting(e) >= (int)target; }

/*
 * Logins before a timed transfer go opt->inflight at a time: a burst of
 * connections overflows the listen backlog of some servers (vsftpd: 32),
 * and a connection dropped there waits for a greeting that never comes.
 */
static int
xfer_slot_free(struct engine *e)
{
	unsigned ready = (unsigned)engine_waiting(e);

	return ready >= target || (engine_sessions(e) < target &&
	    engine_sessions(e) - ready < opt->inflight);
}
static int all_done(struct engine *e) { return engine_done(e) >= target; }
static int logged_target(struct engine *e) { return engine_logged_in(e) >= target; }

static int
slot_free(struct engine *e)
{
	return engine_logged_in(e) >= target || (engine_sessions(e) < target &&
	    engine_sessions(e) - engine_logged_in(e) < opt->inflight);
}

static int
timeout_ms(void)
{
	return (int)(opt->timeout * 1000);
}

/* RETR or STOR of count files by each of the clients, all at once. */
static int
run_xfer(enum job job)
{
	struct engine_cfg cfg = opt->cfg;
	struct engine *e;
	struct mark a, b;
	double *done;
	unsigned long long bytes = 0;
	unsigned i, files = 0;
	double t_begin = now_s();

	cfg.barrier = 1;
	cfg.put_src_fd = -1;
	cfg.put_size = cfg.get_size = opt->size;
	if (job == JOB_PUT && opt->src != NULL &&
	    (cfg.put_src_fd = open(opt->src, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "ftpbench: %s: %s\n", opt->src, strerror(errno));
		return 1;
	}
	e = engine_new(&cfg, opt->clients);
	done = calloc(opt->clients, sizeof(*done));
	if (e == NULL || done == NULL)
		return 1;
	target = opt->clients;
	while (!all_waiting(e)) {
		while (engine_sessions(e) < opt->clients &&
		    engine_sessions(e) - (unsigned)engine_waiting(e) < opt->inflight)
			if (engine_start(e, job) < 0)
				return 1;
		if (engine_run(e, timeout_ms(), xfer_slot_free, -1) < 0 ||
		    now_s() - t_begin > opt->timeout) {
			fprintf(stderr, "ftpbench: sessions not ready in time\n");
			return 1;
		}
	}
	a = mark_now();
	engine_go(e);
	if (engine_run(e, timeout_ms(), all_done, -1) < 0 || !all_done(e)) {
		fprintf(stderr, "ftpbench: transfers not done in time\n");
		return 1;
	}
	b = mark_now();
	for (i = 0; i < opt->clients; i++) {
		const struct sess_result *r = engine_result(e, (int)i);

		done[i] = r->t_done - a.t;
		bytes += r->bytes;
		files += r->files;
	}
	qsort(done, opt->clients, sizeof(*done), cmp_double);
	printf("{\"mode\":\"%s\",\"clients\":%u,\"files\":%u,\"bytes\":%llu,",
	    opt->mode, opt->clients, files, bytes);
	printf("\"mbps\":%.3f,\"files_per_s\":%.3f,\"p50_s\":%.6f,"
	    "\"p99_s\":%.6f,\"max_s\":%.6f,", (double)bytes / (b.t - a.t) / 1e6,
	    files / (b.t - a.t), pct(done, opt->clients, 50),
	    pct(done, opt->clients, 99), done[opt->clients - 1]);
	print_cpu(e, &a, &b);
	printf("}\n");
	free(done);
	engine_free(e);
	if (cfg.put_src_fd >= 0)
		close(cfg.put_src_fd);
	return 0;
}

/*
 * Login rounds by many clients for a fixed time, while one more session,
 * already logged in, sends NOOP every noop_ms: its reply time shows
 * whether logins hold up sessions that are doing something else.
 */
static int
run_logins(void)
{
	struct engine *e = engine_new(&opt->cfg, opt->clients + 1);
	size_t cap = 1024, nlat = 0;
	double *lat = malloc(cap * sizeof(*lat)), sent = 0, end;
	unsigned base, logins, i;
	int noop = -1, pending = 0;
	struct mark a, b;

	if (e == NULL || lat == NULL)
		return 1;
	if (opt->noop_ms > 0) {
		noop = engine_start(e, JOB_NOOP);
		target = 1;
		if (engine_run(e, timeout_ms(), logged_target, -1) < 0 ||
		    engine_logged_in(e) < 1)
			return 1;
	}
	base = engine_logins(e);
	a = mark_now();
	end = a.t + opt->seconds;
	for (i = 0; i < opt->clients; i++)
		if (engine_start(e, JOB_LOGINS) < 0)
			return 1;
	while (now_s() < end) {
		double t = now_s(), step = opt->noop_ms ? opt->noop_ms : 50;

		if (end - t < step / 1000)
			step = (end - t) * 1000;
		if (engine_run(e, (int)step + 1, NULL, -1) < 0)
			return 1;
		if (noop < 0)
			continue;
		if (pending && engine_noop_latency(e, noop) >= 0) {
			if (nlat == cap && (lat = realloc(lat, (cap *= 2) * sizeof(*lat))) == NULL)
				return 1;
			lat[nlat++] = engine_noop_latency(e, noop);
			pending = 0;
		}
		if (!pending && now_s() - sent >= opt->noop_ms / 1000.0) {
			if (engine_noop(e, noop) < 0)
				return 1;
			sent = now_s();
			pending = 1;
		}
	}
	logins = engine_logins(e) - base;
	b = mark_now();
	if (pending && nlat < cap)
		lat[nlat++] = b.t - sent;	/* still waiting: at least this */
	engine_stop_logins(e);
	target = opt->clients;
	if (engine_run(e, timeout_ms(), all_done, -1) < 0)
		return 1;
	qsort(lat, nlat, sizeof(*lat), cmp_double);
	printf("{\"mode\":\"logins\",\"clients\":%u,\"logins\":%u,"
	    "\"per_s\":%.3f,\"noops\":%zu,\"noop_p50_ms\":%.3f,"
	    "\"noop_p99_ms\":%.3f,\"noop_max_ms\":%.3f,", opt->clients, logins,
	    logins / (b.t - a.t), nlat, pct(lat, nlat, 50) * 1e3,
	    pct(lat, nlat, 99) * 1e3, nlat ? lat[nlat - 1] * 1e3 : -1.0);
	print_cpu(e, &a, &b);
	printf("}\n");
	free(lat);
	engine_free(e);
	return 0;
}

/* Fresh sessions that log in and LIST, one after the other. */
static int
probe(struct engine *e, unsigned k)
{
	double ms[100];
	unsigned i;

	if (k > 100)
		k = 100;
	for (i = 0; i < k; i++) {
		int idx = engine_start(e, JOB_PROBE);
		const struct sess_result *r;

		if (idx < 0)
			return -1;
		target = engine_done(e) + 1;
		if (engine_run(e, timeout_ms(), all_done, -1) < 0 || !all_done(e))
			return -1;
		r = engine_result(e, idx);
		ms[i] = (r->t_done - r->t_start) * 1e3;
	}
	printf("{\"event\":\"probe\",\"ms\":[");
	for (i = 0; i < k; i++)
		printf("%s%.3f", i ? "," : "", ms[i]);
	qsort(ms, k, sizeof(*ms), cmp_double);
	printf("],\"p50_ms\":%.3f,\"max_ms\":%.3f}\n", pct(ms, k, 50),
	    k ? ms[k - 1] : -1.0);
	fflush(stdout);
	return 0;
}

/* Opens N logged-in sessions, then answers "probe K" and "quit" lines. */
static int
run_idle(void)
{
	struct engine *e = engine_new(&opt->cfg, opt->sessions + 1000);
	struct mark a, b;
	char line[256];
	size_t len = 0;

	if (e == NULL)
		return 1;
	a = mark_now();
	target = opt->sessions;
	while (engine_logged_in(e) < opt->sessions) {
		while (engine_sessions(e) < opt->sessions &&
		    engine_sessions(e) - engine_logged_in(e) < opt->inflight)
			if (engine_start(e, JOB_IDLE) < 0)
				return 1;
		if (engine_run(e, timeout_ms(), slot_free, -1) < 0)
			return 1;
		if (now_s() - a.t > opt->timeout) {
			char ph[256];

			engine_phases(e, ph, sizeof(ph));
			fprintf(stderr, "ftpbench: only %u of %u sessions logged "
			    "in after %.0f s (%s)\n", engine_logged_in(e),
			    opt->sessions, opt->timeout, ph);
			return 1;
		}
	}
	b = mark_now();
	printf("{\"event\":\"ready\",\"sessions\":%u,\"per_s\":%.3f,",
	    opt->sessions, opt->sessions / (b.t - a.t));
	print_cpu(e, &a, &b);
	printf("}\n");
	fflush(stdout);
	for (;;) {
		int r = engine_run(e, -1, NULL, STDIN_FILENO);
		ssize_t n;
		char *nl;

		if (r < 0)
			return 1;
		n = read(STDIN_FILENO, line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		line[len] = '\0';
		while ((nl = strchr(line, '\n')) != NULL) {
			unsigned k;

			*nl = '\0';
			if (strcmp(line, "quit") == 0)
				goto out;
			if (sscanf(line, "probe %u", &k) == 1 && probe(e, k) < 0)
				return 1;
			len -= (size_t)(nl + 1 - line);
			memmove(line, nl + 1, len + 1);
		}
		if (len == sizeof(line) - 1)
			len = 0;
	}
out:
	if (engine_logged_in(e) < opt->sessions) {
		fprintf(stderr, "ftpbench: sessions were closed while idle\n");
		return 1;
	}
	engine_free(e);
	return 0;
}

static void
raise_nofile(unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_max < need) {
		rl.rlim_max = need;	/* works as root */
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			return;
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

static void
usage(void)
{
	fprintf(stderr, "usage: ftpbench get|put|logins|idle --port P --user U "
	    "--pass P [options] (see the comment in tools/bench/ftpbench.c)\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },
		{ "pass", required_argument, NULL, 'w' },
		{ "server-cg", required_argument, NULL, 'g' },
		{ "server-pid", required_argument, NULL, 'P' },
		{ "clients", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'N' },
		{ "size", required_argument, NULL, 's' },
		{ "src", required_argument, NULL, 'S' },
		{ "seconds", required_argument, NULL, 't' },
		{ "noop-ms", required_argument, NULL, 'o' },
		{ "sessions", required_argument, NULL, 'i' },
		{ "inflight", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "tls", required_argument, NULL, 'L' },
		{ "tls-resume", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.cfg = { .host = "127.0.0.1", .name_fmt = "", .nfiles = 1 },
		.clients = 1, .count = 1, .inflight = 16, .seconds = 3,
		.timeout = 600, .noop_ms = 10,
	};
	int c;

	if (argc < 2)
		usage();
	o.mode = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': o.cfg.host = optarg; break;
		case 'p': o.cfg.port = (unsigned)atoi(optarg); break;
		case 'u': o.cfg.user = optarg; break;
		case 'w': o.cfg.pass = optarg; break;
		case 'g': o.server_cg = optarg; break;
		case 'P': o.server_pid = (pid_t)atoi(optarg); break;
		case 'c': o.clients = (unsigned)atoi(optarg); break;
		case 'n': o.cfg.name_fmt = optarg; break;
		case 'N': o.count = (unsigned)atoi(optarg); break;
		case 's': o.size = strtoull(optarg, NULL, 10); break;
		case 'S': o.src = optarg; break;
		case 't': o.seconds = atof(optarg); break;
		case 'o': o.noop_ms = (unsigned)atoi(optarg); break;
		case 'i': o.sessions = (unsigned)atoi(optarg); break;
		case 'k': o.inflight = (unsigned)atoi(optarg); break;
		case 'T': o.timeout = atof(optarg); break;
		case 'L': o.cfg.tls = atoi(optarg); break;
		case 'R': o.cfg.tls_resume = 1; break;
		default: usage();
		}
	}
	if (o.cfg.port == 0 || o.cfg.user == NULL || o.cfg.pass == NULL ||
	    o.clients == 0 || o.inflight == 0 ||
	    (o.cfg.tls != 0 && o.cfg.tls != 12 && o.cfg.tls != 13))
		usage();
	/* A server that closes first must not kill a TLS write with SIGPIPE. */
	(void)signal(SIGPIPE, SIG_IGN);
	o.cfg.nfiles = o.count;
	opt = &o;
	raise_nofile(2 * (o.clients + o.sessions) + 2000);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(o.mode, "get") == 0)
		return run_xfer(JOB_GET);
	if (strcmp(o.mode, "put") == 0)
		return run_xfer(JOB_PUT);
	if (strcmp(o.mode, "logins") == 0)
		return run_logins();
	if (strcmp(o.mode, "idle") == 0 && o.sessions > 0)
		return run_idle();
	usage();
	return 2;
}
