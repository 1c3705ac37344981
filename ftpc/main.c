/*
 * main.c: ftpc's command line — options, the URL and host forms, the
 * one-shot verbs (get, put, ls, mirror, help) and the exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmdtable.h"
#include "getput.h"
#include "shell.h"
#include "url.h"


static void
usage(FILE *out)
{
	fprintf(out,
"usage: ftpc [options] [host[:port] | host port | URL]\n"
"       ftpc [options] -b SCRIPT host[:port] | URL\n"
"       ftpc [options] get URL [LOCAL]\n"
"       ftpc [options] put LOCAL URL\n"
"       ftpc [options] ls URL\n"
"       ftpc [options] mirror [mirror options] URL [LOCAL] | -R LOCAL URL\n"
"       ftpc help [COMMAND]\n"
"\n"
"URL: ftp://[user[:password]@]host[:port][/path]; a path ending in / is a\n"
"directory (listed), any other path a file (downloaded). ftps:// is FTP\n"
"over implicit TLS, on port 990 unless the URL names one.\n"
"\n"
"options:\n"
"  -u, --user USER[:PASS]   log in as USER (else URL, ~/.netrc, prompt, anonymous)\n"
"  -b, --batch FILE         run the commands in FILE after connecting (- = stdin)\n"
"  -k, --keep-going         scripts: go on after a failed command\n"
"  -p, --passive            passive data connections (EPSV, then PASV); default\n"
"  -A, --active             active data connections (EPRT, then PORT)\n"
"  -a, --ascii              transfer in ASCII (TYPE A) instead of binary\n"
"  -q, --quiet              no messages but errors, no progress bar\n"
"  -v, --verbose            show the server's replies\n"
"  -d, --debug              show commands sent and state changes too\n"
"      --progress           always draw the progress bar (on stderr)\n"
"      --no-progress        never draw it (default: when stderr is a terminal)\n"
"  -t, --timeout SECS       network timeout (default 30)\n"
"      --limit-rate RATE    bytes per second per transfer (suffix k or m)\n"
"      --netrc-file FILE    read credentials from FILE instead of ~/.netrc\n""      --tls                FTPS: AUTH TLS, then PBSZ 0 and PROT P (explicit)\n"
"      --tls-implicit       FTPS with TLS from the first byte (default port 990)\n"
"      --cacert FILE        trust the CA certificates in FILE (PEM) instead of\n"
"                           the system's\n"
"      --insecure           do not check the server's certificate (warns)\n"
"      --verify             binary transfers must be checked with the server's\n"
"                           HASH: fail (exit 6) when they cannot be\n"
"      --no-verify          never check transfers with HASH (default: check\n"
"                           when the server offers it)\n"
"  -h, --help               this text\n"
"  -V, --version            the version\n"
"\n"
"exit status: 0 success, 1 other failure, 2 usage, 3 connection (also TLS:\n"
"certificate refused, AUTH TLS or PROT P refused), 4 login, 5 remote file\n"
"error, 6 transfer failed, 7 local file error.\n"
"Type \"ftpc help\" for the shell's commands.\n");
}

enum {
	OPT_PROGRESS = 256, OPT_NO_PROGRESS, OPT_LIMIT, OPT_NETRC, OPT_TLS,
	OPT_TLS_IMPLICIT, OPT_CACERT, OPT_INSECURE, OPT_VERIFY, OPT_NO_VERIFY,
};

static const struct option long_opts[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "batch", required_argument, NULL, 'b' },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "passive", no_argument, NULL, 'p' },
	{ "active", no_argument, NULL, 'A' },
	{ "ascii", no_argument, NULL, 'a' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "debug", no_argument, NULL, 'd' },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "timeout", required_argument, NULL, 't' },
	{ "limit-rate", required_argument, NULL, OPT_LIMIT },
	{ "netrc-file", required_argument, NULL, OPT_NETRC },
	{ "tls", no_argument, NULL, OPT_TLS },
	{ "tls-implicit", no_argument, NULL, OPT_TLS_IMPLICIT },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	char user[PROTO_CRED_MAX];
	char pass[PROTO_CRED_MAX];
	int has_user, has_pass;
	const char *batch;
	int verbose_set;
};

static int
parse_rate(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || v < 0 || end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		v *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		v *= 1024 * 1024, end++;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
parse_user(struct args *a, const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(a->user))
		return -1;
	memcpy(a->user, s, n);
	a->user[n] = '\0';
	a->has_user = 1;
	if (colon != NULL) {
		if (xstrlcpy(a->pass, colon + 1, sizeof(a->pass)) < 0)
			return -1;
		a->has_pass = 1;
	}
	return 0;
}

/*
 * Names the option getopt stopped at, on one line with a hint: ch is '?'
 * (unknown) or ':' (its value is missing), word the argument it was in.
 */
static void
bad_option(int ch, const char *word)
{
	const char *what = "unknown option";
	char name[64];
	int is_long = strncmp(word, "--", 2) == 0;

	if (is_long)
		fc_errf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	else
		fc_errf(name, sizeof(name), "-%c", optopt);
	if (ch == ':')
		what = "missing value for option";
	else if (is_long && optopt != 0)
		what = "no value allowed for option";	/* "--tls=x" */
	fprintf(stderr, "ftpc: %s %s (ftpc --help lists them)\n", what, name);
}

/* One line, not the whole usage: the mistake is easier to see. */
static enum fc_status
too_many_operands(void)
{
	fprintf(stderr, "ftpc: too many operands (ftpc --help lists the "
	    "forms)\n");
	return FC_USAGE;
}

/* Returns the index of the first operand, or -1 after printing why. */
static int
parse_options(struct client *c, struct args *a, int argc, char **argv)
{
	char *end;
	long v;
	int ch;

	opterr = 0;	/* our own one-line messages, not getopt's */
	while ((ch = getopt_long(argc, argv, "+:u:b:kpAaqvdt:hV", long_opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'u':
			if (parse_user(a, optarg) < 0)
				goto bad;
			explicit_bzero(optarg, strlen(optarg));
			break;
		case 'b': a->batch = optarg; break;
		case 'k': c->keep_going = 1; break;
		case 'p': c->passive = 1; break;
		case 'A': c->passive = 0; break;
		case 'a': c->ascii = 1; break;
		case 'q': c->quiet = 1; c->verbose = 0; a->verbose_set = 1; break;
		case 'v': c->verbose = 1; a->verbose_set = 1; break;
		case 'd': c->debug = 1; c->verbose = 1; a->verbose_set = 1; break;
		case OPT_PROGRESS: c->progress = PROGRESS_ON; break;
		case OPT_NO_PROGRESS: c->progress = PROGRESS_OFF; break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 86400)
				goto bad;
			c->timeout_ms = (int)v * 1000;
			break;
		case OPT_LIMIT:
			if (parse_rate(optarg, &c->rate_limit) < 0)
				goto bad;
			break;
		case OPT_NETRC: c->netrc_path = optarg; break;
		case OPT_TLS: c->tls = PT_EXPLICIT; break;
		case OPT_TLS_IMPLICIT: c->tls = PT_IMPLICIT; break;
		case OPT_CACERT: c->cacert = optarg; break;
		case OPT_INSECURE: c->insecure = 1; break;
		case OPT_VERIFY: c->verify = VERIFY_REQUIRED; break;
		case OPT_NO_VERIFY: c->verify = VERIFY_OFF; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("ftpc %s\n", PROJECT_VERSION); exit(0);
		default:
			bad_option(ch, argv[optind - 1]);
			return -1;
		}
	}
	/* A --cacert that cannot be read is a usage error, found now. */
	if ((c->tls != PT_NONE || c->cacert != NULL) && client_tls_ctx(c) == NULL)
		return -1;
	return optind;
bad:
	fprintf(stderr, "ftpc: bad value for option -%c\n", ch < 256 ? ch : '-');
	return -1;
}

/* Connects as the URL (or -u) says. */
static enum fc_status
connect_url(struct client *c, const struct args *a, const struct ftp_url *u)
{
	const char *user = a->has_user ? a->user : u->has_user ? u->user : NULL;
	const char *pass = a->has_pass ? a->pass :
	    (u->has_pass && !a->has_user) ? u->pass : NULL;
	enum proto_tls tls;
	unsigned port;

	client_url_target(c, u, &tls, &port);
	return client_open(c, u->host, port, tls, user, pass);
}

static enum fc_status
parse_url_arg(const char *s, struct ftp_url *u)
{
	char err[128];

	if (url_parse(s, u, err, sizeof(err)) < 0) {
		fprintf(stderr, "ftpc: %s: %s\n", s, err);
		return FC_USAGE;
	}
	return FC_OK;
}

static enum fc_status
verb_get(struct client *c, const struct args *a, int n, char **v)
{
	struct ftp_url u;
	enum fc_status st;
	char *argv[3];

	if (n < 1 || n > 2 || (st = parse_url_arg(v[0], &u)) != FC_OK) {
		fprintf(stderr, "usage: ftpc get URL [LOCAL]\n");
		return FC_USAGE;
	}
	if (u.is_dir)
		return client_fail(c, FC_USAGE, "get: %s names a directory", v[0]);
	if ((st = connect_url(c, a, &u)) != FC_OK)
		return st;
	c->ascii = c->ascii || u.type == 'a';
	argv[0] = "get";
	argv[1] = u.path;
	argv[2] = n > 1 ? v[1] : NULL;
	st = ftpc_cmd_run(c, n > 1 ? 3 : 2, argv);
	url_clear(&u);
	return st;
}

static enum fc_status
verb_put(struct client *c, const struct args *a, int n, char **v)
{
	char target[URL_PATH_MAX + 8];
	struct ftp_url u;
	enum fc_status st;
	char *argv[3];

	if (n != 2 || parse_url_arg(v[1], &u) != FC_OK) {
		fprintf(stderr, "usage: ftpc put LOCAL URL\n");
		return FC_USAGE;
	}
	/* "ftp://h/" and "ftp://h/dir/" mean: into that directory. */
	if (xsnprintf(target, sizeof(target), "%s%s", u.path,
	    u.is_dir && u.path[0] == '\0' ? "./" : "") < 0)
		return FC_USAGE;
	if ((st = connect_url(c, a, &u)) != FC_OK)
		return st;
	c->ascii = c->ascii || u.type == 'a';
	argv[0] = "put";
	argv[1] = v[0];
	argv[2] = target;
	st = ftpc_cmd_run(c, 3, argv);
	url_clear(&u);
	return st;
}

/*
 * Lists a URL's path ("" for the login directory). "--" keeps a path
 * that starts with '-' from passing for ls options.
 */
static enum fc_status
list_path(struct client *c, char *path)
{
	char *argv[] = { "ls", "--", path, NULL };

	return ftpc_cmd_run(c, path[0] != '\0' ? 3 : 1, argv);
}

static enum fc_status
verb_ls(struct client *c, const struct args *a, int n, char **v)
{
	struct ftp_url u;
	enum fc_status st;

	if (n != 1 || parse_url_arg(v[0], &u) != FC_OK) {
		fprintf(stderr, "usage: ftpc ls URL\n");
		return FC_USAGE;
	}
	if ((st = connect_url(c, a, &u)) != FC_OK)
		return st;
	st = list_path(c, u.path);
	url_clear(&u);
	return st;
}

static enum fc_status
verb_mirror(struct client *c, const struct args *a, int n, char **v)
{
	char **argv = calloc((size_t)n + 2, sizeof(*argv));
	struct ftp_url u;
	enum fc_status st = FC_USAGE;
	int i, url_at = -1;

	if (argv == NULL)
		return FC_LOCAL;
	argv[0] = "mirror";
	for (i = 0; i < n; i++) {
		argv[i + 1] = v[i];
		if (url_is_url(v[i]) && url_at < 0)
			url_at = i;
	}
	if (url_at < 0 || parse_url_arg(v[url_at], &u) != FC_OK) {
		fprintf(stderr, "usage: ftpc mirror [options] URL [LOCAL] | "
		    "-R LOCAL URL\n");
		free(argv);
		return FC_USAGE;
	}
	st = connect_url(c, a, &u);
	if (st == FC_OK) {
		argv[url_at + 1] = u.path[0] ? u.path : ".";
		st = ftpc_cmd_run(c, n + 1, argv);
	}
	url_clear(&u);
	free(argv);
	return st;
}

/* Runs the script or the shell once connected (or not). */
static enum fc_status
run_session(struct client *c, const struct args *a)
{
	enum fc_status st;
	FILE *f;

	if (a->batch != NULL) {
		if (strcmp(a->batch, "-") == 0)
			return shell_run_stream(c, stdin);
		f = fopen(a->batch, "re");
		if (f == NULL)
			return client_fail(c, FC_USAGE, "%s: %s", a->batch,
			    strerror(errno));
		st = shell_run_stream(c, f);
		fclose(f);
		return st;
	}
	if (c->interactive)
		return shell_interactive(c);
	return shell_run_stream(c, stdin);
}

static enum fc_status
form_url(struct client *c, const struct args *a, const char *s)
{
	struct ftp_url u;
	enum fc_status st;
	char *argv[2];

	if (parse_url_arg(s, &u) != FC_OK)
		return FC_USAGE;
	if ((st = connect_url(c, a, &u)) != FC_OK)
		return st;
	c->ascii = c->ascii || u.type == 'a';
	if (a->batch == NULL && !u.is_dir) {
		/* A file URL downloads it (curl -O, tnftp auto-fetch). */
		argv[0] = "get";
		argv[1] = u.path;
		st = ftpc_cmd_run(c, 2, argv);
	} else if (a->batch == NULL && u.path[0] != '\0') {
		/* A directory URL lists it. */
		st = list_path(c, u.path);
	} else {
		if (u.path[0] != '\0') {
			argv[0] = "cd";
			argv[1] = u.path;
			st = ftpc_cmd_run(c, 2, argv);
		}
		if (st == FC_OK)
			st = run_session(c, a);
	}
	url_clear(&u);
	return st;
}

static enum fc_status
form_host(struct client *c, const struct args *a, int n, char **v)
{
	struct ftp_url u;
	enum fc_status st;
	char err[128];

	if (n > 2)
		return too_many_operands();
	if (url_parse_host(v[0], n == 2 ? v[1] : NULL, &u, err,
	    sizeof(err)) < 0)
		return client_fail(c, FC_USAGE, "%s: %s", v[0], err);
	st = client_open(c, u.host,
	    u.has_port ? u.port : client_default_port(c->tls), c->tls,
	    a->has_user ? a->user : NULL, a->has_pass ? a->pass : NULL);
	if (st != FC_OK)
		return st;
	return run_session(c, a);
}

static enum fc_status
dispatch(struct client *c, struct args *a, int n, char **v)
{
	if (n == 0)
		return run_session(c, a);
	if (strcmp(v[0], "help") == 0) {
		if (n == 1)
			usage(stdout);
		return ftpc_cmd_print_help(stdout, n > 1 ? v[1] : NULL);
	}
	if (strcmp(v[0], "get") == 0)
		return verb_get(c, a, n - 1, v + 1);
	if (strcmp(v[0], "put") == 0)
		return verb_put(c, a, n - 1, v + 1);
	if (strcmp(v[0], "ls") == 0)
		return verb_ls(c, a, n - 1, v + 1);
	if (strcmp(v[0], "mirror") == 0)
		return verb_mirror(c, a, n - 1, v + 1);
	if (url_is_url(v[0])) {
		if (n > 1)
			return too_many_operands();
		return form_url(c, a, v[0]);
	}
	return form_host(c, a, n, v);
}

/*
 * Under LeakSanitizer (asan=1 builds): libedit keeps the wide-string
 * copies of the names given to EL_ADDFN past el_end(). That memory is
 * libedit's, allocated once per shell; it is not a leak of ours.
 */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:wcsdup\nleak:libedit.so\n";
}

int
main(int argc, char **argv)
{
	struct client c;
	struct args a;
	enum fc_status st;
	int first;

	signal(SIGPIPE, SIG_IGN);
	memset(&a, 0, sizeof(a));
	client_init(&c);
	first = parse_options(&c, &a, argc, argv);
	if (first < 0) {
		client_free(&c);
		return FC_USAGE;
	}
	c.interactive = a.batch == NULL && isatty(STDIN_FILENO);
	/* The wire (every reply) only under -v or debug: one line a step. */
	st = dispatch(&c, &a, argc - first, argv + first);
	explicit_bzero(a.pass, sizeof(a.pass));
	if (c.s.state != PS_DISCONNECTED)
		proto_quit(&c.s);
	client_free(&c);
	fflush(stdout);
	return (int)st;
}
