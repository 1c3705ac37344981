/*
 * test_vhostcfg.c: virtual hosts (RFC 7151): HOST's argument (hostarg) and
 * the [host NAME] config sections (config_load, config_build_hosts,
 * config_host, config_validate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "hostarg.h"
#include "testutil.h"
#include "usage.h"

static char dir[] = "/tmp/test_vhostcfg.XXXXXX";
static char path[sizeof(dir) + 32];
static struct config cfg;
static char msgs[4096];
static int nmsgs;

static int
setup(void)
{
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/ftpd.conf", dir);
	return 0;
}

static int
teardown(void)
{
	config_free(&cfg);
	(void)unlink(path);
	return rmdir(dir);
}

static void
collect(void *arg, const char *msg)
{
	size_t n = strlen(msgs);

	(void)arg;
	nmsgs++;
	snprintf(msgs + n, sizeof(msgs) - n, "%s\n", msg);
}

/* Loads text as the config file and builds the hosts; the problems. */
static int
load(const char *text)
{
	FILE *f = fopen(path, "w");
	int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	config_free(&cfg);
	config_defaults(&cfg);
	msgs[0] = '\0';
	nmsgs = 0;
	n = config_load_each(&cfg, path, collect, NULL);
	if (n == 0)
		n = config_build_hosts(&cfg, collect, NULL);
	return n;
}

static enum hostarg_kind
parse(const char *arg, char *out)
{
	return hostarg_parse(arg, out, HOSTARG_NAME_MAX + 1);
}

static void
test_hostarg_names(void)
{
	char out[HOSTARG_NAME_MAX + 1], long_label[80], long_name[300];

	CU_ASSERT_EQUAL(parse("ftp.example.com", out), HOSTARG_NAME);
	CU_ASSERT_STRING_EQUAL(out, "ftp.example.com");
	CU_ASSERT_EQUAL(parse("FTP.Example.COM.", out), HOSTARG_NAME);
	CU_ASSERT_STRING_EQUAL(out, "ftp.example.com");
	CU_ASSERT_EQUAL(parse("localhost", out), HOSTARG_NAME);
	CU_ASSERT_EQUAL(parse("a-b.c1", out), HOSTARG_NAME);
	CU_ASSERT_EQUAL(parse("1host", out), HOSTARG_NAME);
	/* 63 characters in a label is the most. */
	memset(long_label, 'a', 63);
	long_label[63] = '\0';
	CU_ASSERT_EQUAL(parse(long_label, out), HOSTARG_NAME);
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	CU_ASSERT_EQUAL(parse(long_label, out), HOSTARG_BAD);
	/* 253 characters in all. */
	memset(long_name, 'a', sizeof(long_name));
	for (size_t i = 50; i < sizeof(long_name); i += 51)
		long_name[i] = '.';
	long_name[254] = '\0';
	CU_ASSERT_EQUAL(parse(long_name, out), HOSTARG_BAD);
	long_name[253] = '\0';
	CU_ASSERT_EQUAL(parse(long_name, out), HOSTARG_NAME);
}

static void
test_hostarg_bad(void)
{
	static const char *const bad[] = {
		"", ".", "..", "a..b", ".a", "-a", "a-", "a.-b", "a_b",
		"a b", "a/b", "a:b", "[a]", "[]", "[1.2.3]", "[1.2.3.4",
		"1.2.3.4]", "[::1", "é.example", "a\r\nUSER x",
	};
	char out[HOSTARG_NAME_MAX + 1];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(parse(bad[i], out), HOSTARG_BAD);
		if (parse(bad[i], out) != HOSTARG_BAD)
			fprintf(stderr, "\n  taken: \"%s\"\n", bad[i]);
	}
	/* A buffer too small for any name is refused, never overrun. */
	CU_ASSERT_EQUAL(hostarg_parse("a", out, 10), HOSTARG_BAD);
}

static void
test_hostarg_literals(void)
{
	char out[HOSTARG_NAME_MAX + 1];

	CU_ASSERT_EQUAL(parse("[192.0.2.1]", out), HOSTARG_LITERAL);
	CU_ASSERT_STRING_EQUAL(out, "192.0.2.1");
	CU_ASSERT_EQUAL(parse("[2001:db8::1]", out), HOSTARG_LITERAL);
	CU_ASSERT_STRING_EQUAL(out, "2001:db8::1");
	CU_ASSERT_EQUAL(parse("[::1]", out), HOSTARG_LITERAL);
	/* Without brackets: still an address, never a host name. */
	CU_ASSERT_EQUAL(parse("127.0.0.1", out), HOSTARG_LITERAL);
	CU_ASSERT_STRING_EQUAL(out, "127.0.0.1");
	CU_ASSERT_EQUAL(parse("::1", out), HOSTARG_LITERAL);
}

static void
test_sections_inherit_and_override(void)
{
	const struct config *a, *b;

	CU_ASSERT_EQUAL_FATAL(load(
	    "root = /srv/default\n"
	    "banner = global\n"
	    "idle_timeout = 100\n"
	    "anonymous = yes\n"
	    "[host A.example]\n"
	    "root = /srv/a\n"
	    "users = /etc/ftpd/a.users\n"
	    "banner = \"host a\"\n"
	    "[ host b.example ]\n"
	    "idle_timeout = 7\n"
	    "# a comment\n"
	    "\n"), 0);
	CU_ASSERT_EQUAL_FATAL(cfg.nhosts, 2);
	/* The global part is the default host, untouched by the sections. */
	CU_ASSERT_STRING_EQUAL(cfg.root, "/srv/default");
	CU_ASSERT_STRING_EQUAL(cfg.banner, "global");
	CU_ASSERT_PTR_NULL(cfg.users_file);
	CU_ASSERT_PTR_NULL(cfg.host_name);
	a = config_host(&cfg, "a.example");
	b = config_host(&cfg, "B.EXAMPLE");
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_STRING_EQUAL(a->host_name, "a.example");
	CU_ASSERT_STRING_EQUAL(a->root, "/srv/a");
	CU_ASSERT_STRING_EQUAL(a->users_file, "/etc/ftpd/a.users");
	CU_ASSERT_STRING_EQUAL(a->banner, "host a");
	CU_ASSERT_EQUAL(a->idle_timeout, 100);		/* inherited */
	CU_ASSERT_TRUE(a->anonymous);
	CU_ASSERT_STRING_EQUAL(b->root, "/srv/default");
	CU_ASSERT_STRING_EQUAL(b->banner, "global");
	CU_ASSERT_EQUAL(b->idle_timeout, 7);
	CU_ASSERT_PTR_NULL(config_host(&cfg, "c.example"));
	/* Where a host's key was set, for its messages. */
	CU_ASSERT_PTR_NOT_NULL(strstr(config_origin(a, "root"), "ftpd.conf:6"));
	CU_ASSERT_PTR_NOT_NULL(strstr(config_origin(b, "root"), "ftpd.conf:1"));
}

static void
test_command_line_global_reaches_hosts(void)
{
	char why[256];

	CU_ASSERT_EQUAL_FATAL(load("root = /srv/x\n[host a.example]\n"
	    "banner = mine\n"), 0);
	/* Like --set after the files: built again, the host inherits it. */
	CU_ASSERT_EQUAL(config_set(&cfg, "max_list_entries", "5", why,
	    sizeof(why)), 0);
	CU_ASSERT_EQUAL(config_set(&cfg, "banner", "flag", why,
	    sizeof(why)), 0);
	CU_ASSERT_EQUAL(config_build_hosts(&cfg, collect, NULL), 0);
	CU_ASSERT_EQUAL(config_host(&cfg, "a.example")->max_list_entries, 5);
	CU_ASSERT_STRING_EQUAL(config_host(&cfg, "a.example")->banner, "mine");
}

static void
test_process_wide_keys_refused_in_sections(void)
{
	static const char *const keys[] = {
		"listen = 127.0.0.1", "port = 21", "run_as = nobody",
		"workers = 2", "pasv_ports = 40000-40010",
		"metrics_listen = 127.0.0.1:9100", "admin_socket = /x",
		"auth_threads = 2", "hash_jobs = 2", "pid_file = /x",
		"log_file = /x", "xferlog_file = /x", "log_format = json",
		"implicit_tls_port = 990", "proxy_protocol = v1",
		"proxy_from = 10.0.0.0/8", "max_sessions = 5",
		"max_sessions_per_ip = 5", "server_rate_down = 1M",
		"server_rate_up = 1M", "foreground = yes", "tls = required",
		"login_timeout = 5", "shutdown_timeout = 5",
	};
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(text, sizeof(text), "root = /r\n[host a.example]\n%s\n",
		    keys[i]);
		CU_ASSERT_EQUAL(load(text), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "ftpd.conf:3: "));
		CU_ASSERT_PTR_NOT_NULL(strstr(msgs,
		    "cannot be set inside [host a.example]"));
		if (strstr(msgs, "cannot be set inside") == NULL)
			fprintf(stderr, "\n  %s: %s\n", keys[i], msgs);
	}
	/* The same keys are fine in the global part. */
	CU_ASSERT_EQUAL(load("port = 21\nworkers = 2\n"), 0);
	CU_ASSERT_TRUE(config_key_per_host("root"));
	CU_ASSERT_TRUE(config_key_per_host("tls_cert"));
	CU_ASSERT_FALSE(config_key_per_host("listen"));
	CU_ASSERT_FALSE(config_key_per_host("no_such_key"));
}

static void
test_section_errors_name_file_and_line(void)
{
	CU_ASSERT_EQUAL(load("[host a.example]\n[host A.Example]\n"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "ftpd.conf:2: duplicate "
	    "[host a.example] (first at "));
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "ftpd.conf:1)"));
	CU_ASSERT_EQUAL(load("[host bad_name]\nroot = /x\n"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "ftpd.conf:1: [host bad_name]: "
	    "not a host name"));
	/* Its lines are not taken for global ones. */
	CU_ASSERT_PTR_NULL(cfg.root);
	CU_ASSERT_EQUAL(load("[site a]\n"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "unknown section [site a]"));
	CU_ASSERT_EQUAL(load("[host a.example\n"), 1);
	CU_ASSERT_EQUAL(load("[host]\n"), 1);
	CU_ASSERT_EQUAL(load("[host [127.0.0.1]]\n"), 1);
	CU_ASSERT_EQUAL(load("[host a.example]\nidle_timeout = 0\n"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "ftpd.conf:2: bad value '0' "
	    "for idle_timeout"));
	CU_ASSERT_EQUAL(load("[host a.example]\nnot_a_key = 1\n"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "ftpd.conf:2: unknown setting"));
}

static void
test_validate_checks_each_host(void)
{
	CU_ASSERT_EQUAL_FATAL(load(
	    "root = /srv\nanonymous = yes\n"
	    "[host a.example]\nanonymous = no\n"
	    "[host b.example]\ntls_cert = /c.pem\n"), 0);
	msgs[0] = '\0';
	CU_ASSERT_EQUAL(config_validate_each(&cfg, collect, NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "host a.example: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "nobody could log in"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "host b.example: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(msgs, "ftpd.conf:6: tls_cert or "
	    "tls_key is set but tls is off"));
}

static void
test_no_sections_no_hosts(void)
{
	CU_ASSERT_EQUAL(load("root = /srv\n"), 0);
	CU_ASSERT_EQUAL(cfg.nhosts, 0);
	CU_ASSERT_PTR_NULL(config_host(&cfg, "localhost"));
}

/*
 * The default host's user "b.example/alice" (a database without the
 * schema's name check can hold one) must not get the usage entry, quota
 * and rate, of alice on [host b.example].
 */
static void
test_usage_names_never_collide(void)
{
	const struct config *h;
	char key[USAGE_NAME_MAX];

	CU_ASSERT_EQUAL(load("[host b.example]\n"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h = config_host(&cfg, "b.example"));
	CU_ASSERT_EQUAL(usage_name(h, "alice", key, sizeof(key)), 0);
	CU_ASSERT_STRING_EQUAL(key, "b.example/alice");
	CU_ASSERT_EQUAL(usage_name(&cfg, "alice", key, sizeof(key)), 0);
	CU_ASSERT_STRING_EQUAL(key, "alice");
	CU_ASSERT_EQUAL(usage_name(&cfg, "b.example/alice", key, sizeof(key)),
	    -1);
	CU_ASSERT_EQUAL(usage_name(h, "x/alice", key, sizeof(key)), -1);
}

void
suite_register(void)
{
	ADD_SUITE("hostarg", NULL, NULL,
	    TEST(test_hostarg_names),
	    TEST(test_hostarg_bad),
	    TEST(test_hostarg_literals));
	ADD_SUITE("config sections", setup, teardown,
	    TEST(test_sections_inherit_and_override),
	    TEST(test_command_line_global_reaches_hosts),
	    TEST(test_process_wide_keys_refused_in_sections),
	    TEST(test_section_errors_name_file_and_line),
	    TEST(test_validate_checks_each_host),
	    TEST(test_no_sections_no_hosts),
	    TEST(test_usage_names_never_collide));
}
