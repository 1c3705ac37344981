/*
 * main.c: ftpd's command line, listeners, signals and startup.
 *
 * The main thread owns the listening sockets and the signals; accepted
 * connections go to the worker threads (worker.c), one event loop each.
 */
#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "admin.h"
#include "buf.h"
#include "authpool.h"
#include "hashpool.h"
#include "cmds.h"
#include "config.h"
#include "connlimit.h"
#include "hashpw.h"
#include "homes.h"
#include "log.h"
#include "metrics.h"
#include "pidfile.h"
#include "preflight.h"
#include "privs.h"
#include "proxyconn.h"
#include "reload.h"
#include "service.h"
#include "recount.h"
#include "tls.h"
#include "uploadtmp.h"
#include "usage.h"
#include "vhost.h"
#include "userdb.h"
#include "users.h"
#include "usertool.h"
#include "vfs.h"
#include "who.h"
#include "worker.h"

#define MAX_LISTENERS 16

static struct config cfg;
static struct evconnlistener *listeners[MAX_LISTENERS];
static unsigned nlisteners;
static char ready_lines[MAX_LISTENERS][96];
static int metrics_fd = -1;	/* handed over by socket activation */

/*
 * Says where we listen, once startup can no longer fail: tests and
 * scripts wait for these lines on stderr.
 */
static void
print_ready(void)
{
	unsigned i;

	for (i = 0; i < nlisteners; i++) {
		fprintf(stderr, "ftpd: %s\n", ready_lines[i]);
		/* Without a log file the log is stderr: say it once. */
		if (cfg.log_file != NULL)
			log_msg("%s", ready_lines[i]);
	}
	fflush(stderr);
}

/* Prints one problem found while checking or starting. */
static void
say_problem(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "ftpd: %s\n", msg);
}

/* A problem that does not stop the server: to the log (open by then). */
static void
say_warning(void *arg, const char *msg)
{
	(void)arg;
	log_msg("warning: %s", msg);
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: ftpd [options]\n"
"       ftpd --check-config [options]\n"
"       ftpd --hash-password [--hash-method yescrypt|sha512] [< password]\n"
"       ftpd who [--json] [--admin-socket PATH] [--config FILE]\n"
"       ftpd user recount NAME [--config FILE]  (count a user's quota usage)\n"
"       ftpd user add|passwd|del|lock|unlock|list ... (ftpd user --help)\n"
"\n"
"  -c, --config FILE       read settings from FILE (key = value lines)\n"
"  -f, --foreground        stay in the foreground, log to stderr\n"
"  -l, --listen ADDRS      addresses to listen on, comma-separated\n"
"  -p, --port N            control port (0: any free port; default 21)\n"
"  -r, --root DIR          server root; user homes are inside it\n"
"  -u, --users FILE|URI    users file (name:crypt-hash:home:rw|ro), or a\n"
"                          postgresql:// URI: users in PostgreSQL\n"
"      --pasv-ports MIN-MAX  passive data port range\n"
"      --pasv-address IP   IPv4 address to advertise in PASV replies (NAT)\n"
"      --anonymous         allow anonymous (read-only) logins\n"
"      --anonymous-write   let anonymous users upload too\n"
"      --workers N         event-loop threads (default: one per CPU)\n"
"      --log FILE          session log file (default: stderr)\n"
"      --xferlog FILE      transfer log file (default: the session log)\n"
"      --run-as USER       become USER after binding (required as root)\n"
"      --tls off|optional|required  FTPS with AUTH TLS (RFC 4217)\n"
"      --tls-cert FILE     PEM certificate chain\n"
"      --tls-key FILE      PEM private key\n"
"      --implicit-tls-port N  also listen for implicit FTPS on port N\n"
"      --set KEY=VALUE     any config file setting\n"
"      --check-config      check settings, users file, homes, certificate\n"
"                          and key; print each problem, exit 0 when none\n"
"  -h, --help              this text\n"
"  -V, --version           print the version and exit\n"
"\n"
"Command-line options override the config file. On startup ftpd prints\n"
"\"ftpd: ready on ADDR port N\" on stderr for each listening address.\n"
"Started by systemd socket activation, ftpd serves the sockets it is\n"
"handed (FileDescriptorName= ftp, ftps-implicit or metrics) and binds\n"
"none itself.\n");
}

/* Applies one setting or exits with a message. */
static void
set_or_die(const char *key, const char *value)
{
	char err[512];

	if (config_set_from(&cfg, key, value, "command line", err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		exit(2);
	}
	/* A reload reads the files again and then says this again. */
	if (reload_remember_setting(key, value) < 0) {
		fprintf(stderr, "ftpd: out of memory\n");
		exit(1);
	}
}

/* arg is non-NULL on the implicit-TLS listeners. */
static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	(void)l;
	workers_hand_off(fd, sa, (socklen_t)salen, arg != NULL);
}

static void
resume_accepting(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evconnlistener_enable(arg);
}

/*
 * EMFILE and friends: the pending connection stays readable, so accepting
 * again at once would spin. Pause this listener for a moment instead.
 */
static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct timeval tv = { 0, 100 * 1000 };

	(void)arg;
	log_msg("accept: %s; pausing 100 ms", strerror(errno));
	evconnlistener_disable(l);
	if (event_base_once(evconnlistener_get_base(l), -1, EV_TIMEOUT,
	    resume_accepting, l, &tv) < 0)
		evconnlistener_enable(l);
}

/*
 * Many thousands of sessions need as many descriptors as we may have.
 * Returns the limit in force.
 */
static unsigned long
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (unsigned long)rl.rlim_cur;
}

/*
 * Serves connections on the listening socket fd (which it takes over);
 * implicit: FTPS from byte one. Records the ready line. Returns 0 or -1
 * (fd closed).
 */
static int
adopt_listener(struct event_base *base, int fd, int implicit)
{
	static int implicit_marker;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char shown[64];

	if (nlisteners == MAX_LISTENERS) {
		fprintf(stderr, "ftpd: too many listening sockets (at most %d)\n",
		    MAX_LISTENERS);
		close(fd);
		return -1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		fprintf(stderr, "ftpd: listening socket %d: %s\n", fd,
		    strerror(errno));
		close(fd);
		return -1;
	}
	/* Inherited sockets may block; the acceptor must never wait. */
	if (evutil_make_socket_nonblocking(fd) < 0)
		return -1;
	listeners[nlisteners] = evconnlistener_new(base, accept_cb,
	    implicit ? &implicit_marker : NULL, LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (listeners[nlisteners] == NULL) {
		fprintf(stderr, "ftpd: listening socket %d: out of memory\n", fd);
		close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(listeners[nlisteners], accept_error_cb);
	addr_unmap(&ss);
	if (addr_ntop(&ss, shown, sizeof(shown)) < 0)
		snprintf(shown, sizeof(shown), "?");
	snprintf(ready_lines[nlisteners], sizeof(ready_lines[0]),
	    "ready on %s port %u%s", shown, addr_port(&ss),
	    implicit ? " (implicit TLS)" : "");
	nlisteners++;
	return 0;
}

/* Binds one listening socket on host:port; implicit: FTPS from byte one. */
static int
listen_on(struct event_base *base, const char *host, unsigned port,
    int implicit)
{
	struct sockaddr_storage ss;
	int fd, one = 1;

	if (addr_pton(host, port, &ss) < 0) {
		fprintf(stderr, "ftpd: listen: '%s' is not a numeric IP address\n", host);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, addr_len(&ss)) < 0 ||
	    listen(fd, 1024) < 0)
		goto fail;
	return adopt_listener(base, fd, implicit);
fail:
	fprintf(stderr, "ftpd: cannot listen on %s port %u: %s\n", host,
	    port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Listens on every address of cfg.listen at port. */
static int
listen_each(struct event_base *base, unsigned port, int implicit)
{
	char *list = strdup(cfg.listen), *save = NULL, *tok;
	int rc = 0;

	if (list == NULL)
		return -1;
	for (tok = strtok_r(list, ", ", &save); tok != NULL && rc == 0;
	    tok = strtok_r(NULL, ", ", &save))
		rc = listen_on(base, tok, port, implicit);
	free(list);
	return rc;
}

/*
 * Under socket activation, serves exactly the sockets systemd handed
 * over and binds none itself. Returns how many, or -1.
 */
static int
listen_inherited(struct event_base *base)
{
	struct service_socket socks[SERVICE_SOCKETS_MAX];
	char err[512];
	int n, i, implicit;

	if ((n = service_sockets(socks, ARRAY_LEN(socks), err, sizeof(err))) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (socks[i].kind == SERVICE_SOCKET_METRICS) {
			metrics_fd = socks[i].fd;
			continue;
		}
		implicit = socks[i].kind == SERVICE_SOCKET_FTPS_IMPLICIT;
		if (implicit && config_tls_mode(&cfg) == TLS_OFF) {
			fprintf(stderr, "ftpd: socket activation hands over an "
			    "'ftps-implicit' socket, but tls is off\n");
			return -1;
		}
		if (adopt_listener(base, socks[i].fd, implicit) < 0)
			return -1;
	}
	return n;
}

/*
 * Serves /metrics on the socket systemd handed over or on metrics_listen.
 * Says where on stderr ("ftpd: metrics on ADDR port N"). 0, or -1.
 */
static int
start_metrics(struct event_base *base)
{
	struct sockaddr_storage ss;
	char err[512], shown[64];

	if (metrics_fd < 0 && cfg.metrics_listen == NULL)
		return 0;
	if (metrics_serve(base, metrics_fd, cfg.metrics_listen, &ss, err,
	    sizeof(err)) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		return -1;
	}
	if (addr_ntop(&ss, shown, sizeof(shown)) < 0)
		snprintf(shown, sizeof(shown), "?");
	fprintf(stderr, "ftpd: metrics on %s port %u\n", shown, addr_port(&ss));
	return 0;
}

/* SIGHUP or the admin socket's "reload": see reload.h. */
static int
reload(char *msg, size_t msgsz)
{
	int rc;

	service_reloading();
	rc = reload_run(msg, msgsz);
	service_ready();
	return rc;
}

/*
 * As root, before the privilege drop: the pid file (written once the pid
 * is final) and the admin socket of `ftpd who`, which is reported and
 * skipped when it cannot be made: serving FTP does not need it.
 */
static int
start_ops(struct event_base *base)
{
	char err[512];

	if (cfg.pid_file != NULL && pidfile_open(cfg.pid_file) < 0) {
		fprintf(stderr, "ftpd: pid_file %s: %s\n", cfg.pid_file,
		    errno == EBUSY ? "another ftpd is running with it" :
		    errno == EPERM ? "not a plain file of its own (hard links?)" :
		    strerror(errno));
		return -1;
	}
	admin_set_reload(reload);
	if (cfg.admin_socket != NULL && *cfg.admin_socket != '\0' &&
	    admin_listen(base, cfg.admin_socket, err, sizeof(err)) < 0)
		fprintf(stderr, "ftpd: %s; `ftpd who` will not work\n", err);
	return 0;
}

static int
listen_all(struct event_base *base)
{
	int rc = listen_inherited(base);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	rc = listen_each(base, cfg.port, 0);

	/* The implicit-TLS listeners come last: the first ready line names
	 * the plain port. */
	if (rc == 0 && cfg.implicit_tls_port >= 0)
		rc = listen_each(base, (unsigned)cfg.implicit_tls_port, 1);
	return nlisteners > 0 ? rc : -1;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct event_base *base = arg;
	char err[512];
	unsigned i;

	(void)what;
	if (sig == SIGUSR1) {
		const char *failed;

		/* logrotate moved the files away: write to new ones. */
		if (log_reopen(&failed) < 0)
			log_msg("SIGUSR1: cannot reopen %s: %s; logging to the "
			    "old file", failed, strerror(errno));
		else
			log_msg("SIGUSR1: log files reopened");
		return;
	}
	if (sig == SIGHUP) {
		(void)reload(err, sizeof(err));
		return;
	}
	service_stopping();
	log_msg("signal %d: no new connections; finishing transfers",
	    (int)sig);
	for (i = 0; i < nlisteners; i++)
		evconnlistener_free(listeners[i]);
	nlisteners = 0;
	event_base_loopbreak(base);
}

/* What the command line asks for besides serving. */
enum run_mode { RUN_SERVE, RUN_HASH, RUN_CHECK };

/*
 * Reads the config files named on the command line, before the flags so
 * that flags override them. Returns the number of problems (printed).
 */
static unsigned
load_config_files(int argc, char **argv)
{
	unsigned problems = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *file = NULL;

		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) &&
		    i + 1 < argc)
			file = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			file = argv[i] + 9;
		if (file == NULL)
			continue;
		problems += (unsigned)config_load_each(&cfg, file,
		    say_problem, NULL);
		if (reload_remember_file(file) < 0)
			problems++;
	}
	return problems;
}

static void
parse_args(int argc, char **argv, enum run_mode *mode, const char **hash_method)
{
	enum {
		O_PASV_PORTS = 256, O_PASV_ADDRESS, O_ANON, O_ANON_WRITE,
		O_WORKERS, O_LOG, O_XFERLOG, O_SET, O_HASH, O_HASH_METHOD,
		O_RUN_AS, O_TLS, O_TLS_CERT, O_TLS_KEY, O_IMPLICIT, O_CHECK,
	};
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "users", required_argument, NULL, 'u' },
		{ "pasv-ports", required_argument, NULL, O_PASV_PORTS },
		{ "pasv-address", required_argument, NULL, O_PASV_ADDRESS },
		{ "anonymous", no_argument, NULL, O_ANON },
		{ "anonymous-write", no_argument, NULL, O_ANON_WRITE },
		{ "workers", required_argument, NULL, O_WORKERS },
		{ "log", required_argument, NULL, O_LOG },
		{ "xferlog", required_argument, NULL, O_XFERLOG },
		{ "set", required_argument, NULL, O_SET },
		{ "run-as", required_argument, NULL, O_RUN_AS },
		{ "tls", required_argument, NULL, O_TLS },
		{ "tls-cert", required_argument, NULL, O_TLS_CERT },
		{ "tls-key", required_argument, NULL, O_TLS_KEY },
		{ "implicit-tls-port", required_argument, NULL, O_IMPLICIT },
		{ "hash-password", no_argument, NULL, O_HASH },
		{ "hash-method", required_argument, NULL, O_HASH_METHOD },
		{ "check-config", no_argument, NULL, O_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *eq;
	int c;

	while ((c = getopt_long(argc, argv, "c:fl:p:r:u:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': break;
		case 'f': set_or_die("foreground", "yes"); break;
		case 'l': set_or_die("listen", optarg); break;
		case 'p': set_or_die("port", optarg); break;
		case 'r': set_or_die("root", optarg); break;
		case 'u': set_or_die("users", optarg); break;
		case O_PASV_PORTS: set_or_die("pasv_ports", optarg); break;
		case O_PASV_ADDRESS: set_or_die("pasv_address", optarg); break;
		case O_ANON: set_or_die("anonymous", "yes"); break;
		case O_ANON_WRITE: set_or_die("anonymous_write", "yes"); break;
		case O_WORKERS: set_or_die("workers", optarg); break;
		case O_LOG: set_or_die("log_file", optarg); break;
		case O_XFERLOG: set_or_die("xferlog_file", optarg); break;
		case O_RUN_AS: set_or_die("run_as", optarg); break;
		case O_TLS: set_or_die("tls", optarg); break;
		case O_TLS_CERT: set_or_die("tls_cert", optarg); break;
		case O_TLS_KEY: set_or_die("tls_key", optarg); break;
		case O_IMPLICIT: set_or_die("implicit_tls_port", optarg); break;
		case O_SET:
			if ((eq = strchr(optarg, '=')) == NULL) {
				fprintf(stderr, "ftpd: --set wants KEY=VALUE\n");
				exit(2);
			}
			*eq = '\0';
			set_or_die(optarg, eq + 1);
			break;
		case O_HASH: *mode = RUN_HASH; break;
		case O_CHECK: *mode = RUN_CHECK; break;
		case O_HASH_METHOD: *hash_method = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("ftpd %s\n", PROJECT_VERSION); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ftpd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		exit(2);
	}
}

/*
 * Whether the log file path could be opened for appending, without making
 * it (for --check-config). 0, or -1 with errno.
 */
static int
log_writable(const char *path)
{
	char dir[4096], *slash;

	if (access(path, W_OK) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		return access(".", W_OK);
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return access(dir, W_OK);
}

/* Opens (or when checking, checks) one log file; 0 or -1 (reported). */
static int
open_log(const char *key, const char *path, int (*opener)(const char *),
    int check_only, unsigned *problems)
{
	int rc, existed = path != NULL && access(path, F_OK) == 0;

	if (check_only)
		rc = path == NULL ? 0 : log_writable(path);
	else if ((rc = opener(path)) == 0 && path != NULL && !existed &&
	    cfg.run_as != NULL && privs_give(path, cfg.run_as) < 0)
		/* SIGUSR1 reopens as run_as: the files must be its own. */
		fprintf(stderr, "ftpd: warning: cannot give %s to %s: %s\n",
		    path, cfg.run_as, strerror(errno));
	if (rc < 0) {
		fprintf(stderr, "ftpd: cannot open %s %s: %s\n", key,
		    path != NULL ? path : "(stderr)", strerror(errno));
		(*problems)++;
	}
	return rc;
}

/*
 * Opens what serving needs (the root, the users file, the logs, the TLS
 * certificate and key) and runs the preflight checks, printing each
 * problem. To serve, it stops at the first; to check (--check-config) it
 * goes on and opens no log. Returns the number of problems.
 */
static unsigned
load_state(int check_only)
{
	unsigned problems = 0;
	char err[512];
	int n;

	if (!vfs_available()) {
		fprintf(stderr, "ftpd: this kernel lacks openat2 (Linux 5.6+), "
		    "which confinement needs\n");
		return 1;
	}
	/* Each host's root, users and certificate (vhost.h). */
	tls_set_sni_hook(cmd_host_sni);
	n = (int)vhost_setup(&cfg, check_only, say_problem, NULL);
	if (n > 0) {
		if (!check_only)
			return (unsigned)n;
		problems += (unsigned)n;
	}
	log_set_format(strcmp(cfg.log_format, "json") == 0 ? LOG_FORMAT_JSON :
	    LOG_FORMAT_TEXT);
	if (open_log("log_file", cfg.log_file, log_open, check_only,
	    &problems) < 0 && !check_only)
		return problems;
	if (open_log("xferlog_file", cfg.xferlog_file, log_open_xferlog,
	    check_only, &problems) < 0 && !check_only)
		return problems;
	/* A database that is down now may be up by the first login. */
	if (!check_only && userdb_verify(vhost_userdb(cfg.vhost), err,
	    sizeof(err)) < 0)
		log_msg("warning: %s (logins get 421 until it answers)", err);
	/* A missing home only fails its own logins: warn when serving. */
	n = (int)vhost_check_homes(&cfg, check_only ? say_problem :
	    say_warning, NULL);
	if (check_only)
		problems += (unsigned)n;
	return problems;
}

/*
 * Sweeps stale temporary uploads from each host's root once (hosts may
 * share one), while still root.
 */
static void
sweep_roots(void)
{
	size_t i, j;

	(void)uploadtmp_sweep_start(cfg.root);
	for (i = 0; i < cfg.nhosts; i++) {
		const char *root = cfg.hosts[i]->root;

		for (j = 0; j < i && strcmp(cfg.hosts[j]->root, root) != 0; j++)
			;
		if (j == i && strcmp(root, cfg.root) != 0)
			(void)uploadtmp_sweep_start(root);
	}
}

/*
 * --check-config: every problem on its own line (config file problems
 * were printed while loading), then a verdict. Returns the exit code.
 */
static int
check_config(unsigned problems)
{
	char err[512];

	problems += (unsigned)config_validate_each(&cfg, say_problem, NULL);
	if (privs_check_startup(cfg.run_as, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		problems++;
	}
	if (cfg.root != NULL)
		problems += load_state(1);
	if (problems > 0) {
		fprintf(stderr, "ftpd: %u problem%s found\n", problems,
		    problems == 1 ? "" : "s");
		return 1;
	}
	printf("ftpd: configuration OK\n");
	return 0;
}

int
main(int argc, char **argv)
{
	struct event *sigs[5];
	static const int signals[5] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, 0 };
	struct event_base *base;
	const char *hash_method = NULL;
	enum run_mode mode = RUN_SERVE;
	unsigned long max_fds;
	unsigned problems;
	char err[512];
	long ncpu;
	int i;

	if (argc > 1 && strcmp(argv[1], "who") == 0)
		return who_main(argc - 1, argv + 1);
	/* `ftpd user recount` counts with the server's settings, below. */
	if (argc > 1 && strcmp(argv[1], "user") == 0 &&
	    !(argc > 2 && strcmp(argv[2], "recount") == 0))
		return usertool_main(argc - 1, argv + 1);
	config_defaults(&cfg);
	problems = load_config_files(argc, argv);
	if (argc > 2 && strcmp(argv[1], "user") == 0 &&
	    strcmp(argv[2], "recount") == 0)
		return problems > 0 ? 2 : recount_main(argc - 2, argv + 2, &cfg);
	parse_args(argc, argv, &mode, &hash_method);
	/* The hosts inherit the global settings, flags included. */
	problems += (unsigned)config_build_hosts(&cfg, say_problem, NULL);
	if (mode == RUN_HASH)
		return hashpw_run(hash_method);
	if (mode == RUN_CHECK)
		return check_config(problems);
	if (problems > 0)
		return 2;
	if (config_validate(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		return 2;
	}
	if (privs_check_startup(cfg.run_as, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	max_fds = raise_fd_limit();
	if (load_state(0) > 0)
		return 1;
	sweep_roots();
	if (proxyconn_init(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		return 2;
	}
	connlimit_init(&cfg, max_fds);
	reload_start(&cfg);
	/* Only a configured max_sessions can be lowered (0: as allowed). */
	if (cfg.max_sessions != 0 && connlimit_session_cap() < cfg.max_sessions)
		log_msg("max_sessions lowered to %lu: the descriptor limit is %lu",
		    connlimit_session_cap(), max_fds);
	/* Workers wake the main loop from their threads (admin.h). */
	if (evthread_use_pthreads() < 0)
		return 1;
	if ((base = event_base_new()) == NULL || listen_all(base) < 0 ||
	    start_metrics(base) < 0)
		return 1;
	if (start_ops(base) < 0)
		return 1;
	if (cfg.run_as != NULL && privs_drop(cfg.run_as, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftpd: %s\n", err);
		return 1;
	}
	/*
	 * Signals are ours before the ready line: whoever waits for it may
	 * send SIGHUP or SIGUSR1 at once, and their default action kills.
	 */
	for (i = 0; signals[i] != 0; i++) {
		sigs[i] = evsignal_new(base, signals[i], signal_cb, base);
		if (sigs[i] == NULL || event_add(sigs[i], NULL) < 0)
			return 1;
	}
	print_ready();
	if (!cfg.foreground) {
		/* Detached without a log file: stderr is gone, use syslog. */
		if (cfg.log_file == NULL)
			log_to_syslog();
		if (daemon(0, 0) < 0) {
			fprintf(stderr, "ftpd: daemon: %s\n", strerror(errno));
			return 1;
		}
		/* The child's epoll set and signal pipe must be its own. */
		if (event_reinit(base) < 0) {
			log_msg("event_reinit after daemon() failed");
			return 1;
		}
	}
	if (pidfile_write() < 0)
		log_msg("pid_file %s: %s", cfg.pid_file, strerror(errno));
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (workers_start(&cfg, cfg.workers ? cfg.workers :
	    (unsigned)(ncpu > 0 ? ncpu : 1)) < 0 ||
	    authpool_start(cfg.auth_threads ? cfg.auth_threads :
	    (unsigned)(ncpu > 0 ? ncpu : 1)) < 0 ||
	    hashpool_start(cfg.hash_jobs ? cfg.hash_jobs :
	    (unsigned)(ncpu > 0 ? ncpu : 1)) < 0)
		return 1;
	usage_server_rates(cfg.server_rate_down, cfg.server_rate_up);
	(void)recount_start(&cfg);
	service_ready();
	event_base_dispatch(base);
	metrics_stop();
	authpool_stop();
	hashpool_stop();
	workers_stop();
	admin_stop();
	pidfile_remove();
	recount_stop();
	usage_shutdown();
	for (i = 0; signals[i] != 0; i++)
		event_free(sigs[i]);
	event_base_free(base);
	vhost_shutdown();
	log_msg("stopped");
	reload_free();
	config_free(&cfg);
	return 0;
}
