/*
 * test_config.c: ftpd's settings: config_set for every kind of value
 * (strings, ranged numbers, booleans, the passive port range, octal modes),
 * its errors, config_load of the files in fixtures/config/, and
 * config_validate.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "testutil.h"

static struct config cfg;
static char err[1024];

static int
setup(void)
{
	config_defaults(&cfg);
	err[0] = '\0';
	return 0;
}

static int
teardown(void)
{
	config_free(&cfg);
	return 0;
}

/* Each test starts from the defaults. */
static void
fresh(void)
{
	teardown();
	setup();
}

static void
expect_ok(const char *key, const char *value)
{
	int rc = config_set(&cfg, key, value, err, sizeof(err));

	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "\n  config_set(%s, \"%s\") failed: %s\n", key,
		    value, err);
}

/* Expects a refusal whose message names the key (and the value). */
static void
expect_bad(const char *key, const char *value)
{
	int rc;

	err[0] = '\0';
	rc = config_set(&cfg, key, value, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -1);
	if (rc != -1)
		fprintf(stderr, "\n  config_set(%s, \"%s\") was accepted\n", key,
		    value);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, key));
	if (value[0] != '\0')
		CU_ASSERT_PTR_NOT_NULL(strstr(err, value));
}

/* expect_bad for each value of a NULL-terminated list. */
static void
expect_bad_each(const char *key, const char *const *values)
{
	for (; *values != NULL; values++)
		expect_bad(key, *values);
}

static const char *
fixture(const char *name)
{
	return fixture_path("config", name);
}

static void
test_defaults(void)
{
	fresh();
	CU_ASSERT_EQUAL(cfg.port, 21);
	CU_ASSERT_STRING_EQUAL(cfg.listen, "0.0.0.0");
	CU_ASSERT_PTR_NULL(cfg.root);
	CU_ASSERT_PTR_NULL(cfg.users_file);
	CU_ASSERT_TRUE(cfg.pasv_min >= 1024 && cfg.pasv_min <= cfg.pasv_max);
	CU_ASSERT_FALSE(cfg.anonymous);
	CU_ASSERT_FALSE(cfg.anonymous_write);
	CU_ASSERT_EQUAL(cfg.file_mode, 0644);
	CU_ASSERT_EQUAL(cfg.dir_mode, 0755);
	CU_ASSERT_TRUE(cfg.idle_timeout > 0);
	CU_ASSERT_TRUE(cfg.data_timeout > 0);
	CU_ASSERT_TRUE(cfg.max_list_entries > 0);
	CU_ASSERT_PTR_NOT_NULL(cfg.banner);
}

#define FIELD(type, off) (*(type *)((char *)&cfg + (off)))

static void
test_strings(void)
{
	static const struct {
		const char *key, *value;
		size_t off;
	} cases[] = {
		{ "root", "/srv/ftp", offsetof(struct config, root) },
		/* Setting again replaces (and frees) the old value. */
		{ "root", "/srv/other root", offsetof(struct config, root) },
		{ "users", "/etc/ftpd/users", offsetof(struct config, users_file) },
		{ "listen", "127.0.0.1,::1", offsetof(struct config, listen) },
		{ "banner", "Hello  there = world", offsetof(struct config, banner) },
		{ "pasv_address", "203.0.113.7",
		    offsetof(struct config, pasv_address) },
		{ "log_file", "/var/log/ftpd.log", offsetof(struct config, log_file) },
		{ "xferlog_file", "/var/log/xferlog",
		    offsetof(struct config, xferlog_file) },
		{ "anonymous_home", "/pub", offsetof(struct config, anonymous_home) },
	};
	size_t i;

	fresh();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_ok(cases[i].key, cases[i].value);
		CU_ASSERT_PTR_NOT_NULL_FATAL(FIELD(char *, cases[i].off));
		CU_ASSERT_STRING_EQUAL(FIELD(char *, cases[i].off),
		    cases[i].value);
	}
}

static void
test_numbers(void)
{
	static const struct {
		const char *key, *value;
		size_t off;
		unsigned want;
	} cases[] = {
		{ "port", "2121", offsetof(struct config, port), 2121 },
		{ "port", "0", offsetof(struct config, port), 0 },
		{ "port", "65535", offsetof(struct config, port), 65535 },
		{ "workers", "256", offsetof(struct config, workers), 256 },
		{ "workers", "0", offsetof(struct config, workers), 0 },
		{ "idle_timeout", "1", offsetof(struct config, idle_timeout), 1 },
		{ "idle_timeout", "86400", offsetof(struct config, idle_timeout),
		    86400 },
		{ "data_timeout", "30", offsetof(struct config, data_timeout), 30 },
		{ "shutdown_timeout", "0",
		    offsetof(struct config, shutdown_timeout), 0 },
		{ "max_list_entries", "10000000",
		    offsetof(struct config, max_list_entries), 10000000 },
	};
	size_t i;

	fresh();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_ok(cases[i].key, cases[i].value);
		CU_ASSERT_EQUAL(FIELD(unsigned, cases[i].off), cases[i].want);
	}
}

static void
test_numbers_out_of_range(void)
{
	fresh();
	expect_ok("port", "2121");
	expect_bad_each("port", (const char *[]){
	    "65536", "-1", "+21", "21x", " 21", "0x15", "abc", "",
	    "99999999999999999999999", NULL,
	});
	/* A refused value leaves the setting as it was. */
	CU_ASSERT_EQUAL(cfg.port, 2121);
	expect_bad("workers", "257");
	expect_bad("idle_timeout", "0");
	expect_bad("idle_timeout", "86401");
	expect_bad("data_timeout", "0");
	expect_bad("max_list_entries", "0");
	expect_bad("max_list_entries", "10000001");
}

static void
test_booleans(void)
{
	static const char *yes[] = { "yes", "on", "true", "1", "YES", "On" };
	static const char *no[] = { "no", "off", "false", "0", "NO", "Off" };
	size_t i;

	fresh();
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		cfg.anonymous = 0;
		expect_ok("anonymous", yes[i]);
		CU_ASSERT_EQUAL(cfg.anonymous, 1);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		cfg.anonymous = 1;
		expect_ok("anonymous", no[i]);
		CU_ASSERT_EQUAL(cfg.anonymous, 0);
	}
	expect_ok("hide_ids", "on");
	CU_ASSERT_EQUAL(cfg.hide_ids, 1);
	expect_ok("upload_in_place", "yes");
	CU_ASSERT_EQUAL(cfg.upload_in_place, 1);
	expect_ok("allow_foreign_data", "off");
	CU_ASSERT_EQUAL(cfg.allow_foreign_data, 0);
	expect_ok("foreground", "true");
	CU_ASSERT_EQUAL(cfg.foreground, 1);
	cfg.anonymous_write = 0;
	expect_bad_each("anonymous_write", (const char *[]){
	    "maybe", "2", "y", "", "yes please", NULL,
	});
	CU_ASSERT_EQUAL(cfg.anonymous_write, 0);
}

static void
test_pasv_ports(void)
{
	fresh();
	expect_ok("pasv_ports", "50000-50100");
	CU_ASSERT_EQUAL(cfg.pasv_min, 50000);
	CU_ASSERT_EQUAL(cfg.pasv_max, 50100);
	expect_ok("pasv_ports", "1024-1024");
	CU_ASSERT_EQUAL(cfg.pasv_min, 1024);
	CU_ASSERT_EQUAL(cfg.pasv_max, 1024);
	expect_ok("pasv_ports", "1024-65535");
	CU_ASSERT_EQUAL(cfg.pasv_max, 65535);
	expect_ok("pasv_ports", "40000-49999");
	expect_bad_each("pasv_ports", (const char *[]){
	    "1023-2000",	/* privileged */
	    "50000-40000",	/* backwards */
	    "40000-65536", "40000", "40000-", "-40000", "a-b",
	    "40000 - 40010", "40000-40010-40020", "", NULL,
	});
	/* Nothing changed by the refusals. */
	CU_ASSERT_EQUAL(cfg.pasv_min, 40000);
	CU_ASSERT_EQUAL(cfg.pasv_max, 49999);
}

/* Rates and quotas: bytes with K/M/G/T, powers of 1024; 0 is none. */
static void
test_sizes(void)
{
	fresh();
	CU_ASSERT_EQUAL(cfg.rate_down + cfg.rate_up + cfg.server_rate_down +
	    cfg.server_rate_up + cfg.quota_bytes + cfg.quota_files, 0);
	expect_ok("rate_down", "2M");
	CU_ASSERT_EQUAL(cfg.rate_down, 2ULL << 20);
	expect_ok("rate_up", "512k");
	CU_ASSERT_EQUAL(cfg.rate_up, 512ULL << 10);
	expect_ok("server_rate_down", "1G");
	CU_ASSERT_EQUAL(cfg.server_rate_down, 1ULL << 30);
	expect_ok("server_rate_up", "1000");
	CU_ASSERT_EQUAL(cfg.server_rate_up, 1000);
	expect_ok("quota_bytes", "5T");
	CU_ASSERT_EQUAL(cfg.quota_bytes, 5ULL << 40);
	expect_ok("quota_files", "10K");
	CU_ASSERT_EQUAL(cfg.quota_files, 10240);
	expect_bad_each("rate_down", (const char *[]){
	    "", "-1", "2MB", "fast", "1.5M", "99999999999999999999", NULL,
	});
	CU_ASSERT_EQUAL(cfg.rate_down, 2ULL << 20);
}

static void
test_modes(void)
{
	fresh();
	expect_ok("file_mode", "0600");
	CU_ASSERT_EQUAL(cfg.file_mode, 0600);
	expect_ok("file_mode", "640");
	CU_ASSERT_EQUAL(cfg.file_mode, 0640);
	expect_ok("dir_mode", "0777");
	CU_ASSERT_EQUAL(cfg.dir_mode, 0777);
	expect_ok("dir_mode", "0");
	CU_ASSERT_EQUAL(cfg.dir_mode, 0);
	expect_ok("dir_mode", "0750");
	expect_bad_each("dir_mode", (const char *[]){
	    "0778",	/* not octal */
	    "1777",	/* no sticky/setuid bits */
	    "4755", "rwxr-x---", "", NULL,
	});
	expect_bad("file_mode", "-644");
	CU_ASSERT_EQUAL(cfg.dir_mode, 0750);
	CU_ASSERT_EQUAL(cfg.file_mode, 0640);
}

static void
test_unknown_key(void)
{
	fresh();
	err[0] = '\0';
	CU_ASSERT_EQUAL(config_set(&cfg, "no_such_setting", "1", err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no_such_setting"));
	/* Keys are exact: no case folding, no dashes for underscores. */
	CU_ASSERT_EQUAL(config_set(&cfg, "PORT", "21", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(config_set(&cfg, "pasv-ports", "40000-40010", err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(config_set(&cfg, "", "x", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(config_set(&cfg, " port", "21", err, sizeof(err)), -1);
}

static void
test_error_fits_small_buffer(void)
{
	char small[8];

	fresh();
	memset(small, 'X', sizeof(small));
	CU_ASSERT_EQUAL(config_set(&cfg, "port", "123456789", small,
	    sizeof(small)), -1);
	/* Truncated but terminated. */
	CU_ASSERT_PTR_NOT_NULL(memchr(small, '\0', sizeof(small)));
}

static void
test_load_good(void)
{
	fresh();
	err[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, fixture("good.conf"), err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cfg.listen, "127.0.0.1,::1");
	CU_ASSERT_EQUAL(cfg.port, 2121);
	CU_ASSERT_STRING_EQUAL(cfg.root, "/srv/ftp");
	CU_ASSERT_STRING_EQUAL(cfg.users_file, "/etc/ftpd/users");
	CU_ASSERT_EQUAL(cfg.pasv_min, 50000);
	CU_ASSERT_EQUAL(cfg.pasv_max, 50100);
	CU_ASSERT_STRING_EQUAL(cfg.pasv_address, "203.0.113.7");
	CU_ASSERT_EQUAL(cfg.anonymous, 1);
	CU_ASSERT_EQUAL(cfg.anonymous_write, 0);
	CU_ASSERT_EQUAL(cfg.idle_timeout, 600);
	CU_ASSERT_EQUAL(cfg.file_mode, 0640);
	CU_ASSERT_EQUAL(cfg.dir_mode, 0750);
	CU_ASSERT_EQUAL(cfg.hide_ids, 1);
	/* Only the first '=' splits; inner spaces stay, outer ones go. */
	CU_ASSERT_STRING_EQUAL(cfg.banner,
	    "Welcome to the  test server = fine");
	/* Keys the file does not name keep their defaults. */
	CU_ASSERT_EQUAL(cfg.data_timeout, 60);
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), 0);
}

static void
test_load_crlf(void)
{
	fresh();
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, fixture("crlf.conf"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.port, 21);
	CU_ASSERT_EQUAL(cfg.workers, 4);
}

/* Loads a bad fixture; the error must start "PATH:LINE: " and hold why. */
static void
expect_load_error(const char *name, unsigned line, const char *why)
{
	char prefix[1200];

	fresh();
	err[0] = '\0';
	CU_ASSERT_EQUAL(config_load(&cfg, fixture(name), err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:%u: ", fixture(name), line);
	CU_ASSERT_EQUAL(strncmp(err, prefix, strlen(prefix)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, why));
	if (strncmp(err, prefix, strlen(prefix)) != 0 || strstr(err, why) == NULL)
		fprintf(stderr, "\n  %s: got \"%s\", want \"%s...%s\"\n", name,
		    err, prefix, why);
}

static void
test_load_errors(void)
{
	expect_load_error("bad-value.conf", 7, "bad value '70000' for port");
	expect_load_error("no-equals.conf", 3, "expected key = value");
	expect_load_error("unknown-key.conf", 3, "no_such_setting");
}

static void
test_load_missing_file(void)
{
	fresh();
	err[0] = '\0';
	CU_ASSERT_EQUAL(config_load(&cfg, fixture("does-not-exist.conf"), err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does-not-exist.conf"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such file"));
}

static void
test_load_long_line(void)
{
	char path[] = "/tmp/ftpd-config-test.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	int i;

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "port = 2121\nbanner = ");
	for (i = 0; i < 5000; i++)
		fputc('x', f);
	fprintf(f, "\nport = 21\n");
	fclose(f);
	fresh();
	err[0] = '\0';
	CU_ASSERT_EQUAL(config_load(&cfg, path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too long"));
	unlink(path);
}

static void
test_trailing_comments_and_quotes(void)
{
	fresh();
	err[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, fixture("comments.conf"), err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.port, 2121);
	CU_ASSERT_EQUAL(cfg.workers, 4);
	CU_ASSERT_STRING_EQUAL(cfg.banner, "Hello # not a comment");
	CU_ASSERT_STRING_EQUAL(cfg.log_file, "/var/log/ftpd#1.log");
	CU_ASSERT_STRING_EQUAL(cfg.run_as, "we \"quote\" \\ here");
	CU_ASSERT_STRING_EQUAL(cfg.pasv_address, "");
	CU_ASSERT_STRING_EQUAL(cfg.xferlog_file, "");
}

static void
count_problem(void *arg, const char *msg)
{
	unsigned *n = arg;

	(*n)++;
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "two-bad-lines.conf:"));
	CU_ASSERT(strstr(msg, ":2: bad value '70000' for port") != NULL ||
	    strstr(msg, ":3: unterminated \"") != NULL);
}

static void
test_load_each_reports_every_problem(void)
{
	unsigned n = 0;

	fresh();
	CU_ASSERT_EQUAL(config_load_each(&cfg, fixture("two-bad-lines.conf"),
	    count_problem, &n), 2);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(cfg.workers, 3);
	/* config_load stops at the first. */
	fresh();
	CU_ASSERT_EQUAL(config_load(&cfg, fixture("two-bad-lines.conf"), err,
	    sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: bad value"));
}

/* Reads a whole small file into a static buffer. */
static const char *
slurp(const char *path)
{
	static char text[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Whether text has a line "key =" or "#key =" (an example left out). */
static int
documents(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);

	while (p != NULL && *p != '\0') {
		const char *q = *p == '#' ? p + 1 : p;

		if (strncmp(q, key, n) == 0 && (q[n] == ' ' || q[n] == '='))
			return 1;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

static void
test_example_loads_and_documents_every_key(void)
{
	const char *dir = getenv("FIXTURES");
	char path[1024];
	const char *text, *key;
	size_t i;

	snprintf(path, sizeof(path), "%s/../docs/ftpd.conf.example",
	    dir ? dir : "fixtures");
	fresh();
	err[0] = '\0';
	CU_ASSERT_EQUAL(config_load(&cfg, path, err, sizeof(err)), 0);
	if (err[0] != '\0')
		fprintf(stderr, "\n  %s\n", err);
	text = slurp(path);
	for (i = 0; (key = config_key_name(i)) != NULL; i++) {
		CU_ASSERT(documents(text, key));
		if (!documents(text, key))
			fprintf(stderr, "\n  %s does not show %s\n", path, key);
	}
	CU_ASSERT(i > 30);
}

static void
test_tls_files_without_tls_refused(void)
{
	fresh();
	expect_ok("root", "/srv/ftp");
	expect_ok("anonymous", "yes");
	expect_ok("tls_cert", "/etc/ftpd/cert.pem");
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tls is off"));
	expect_ok("tls_key", "/etc/ftpd/key.pem");
	expect_ok("tls", "optional");
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), 0);
}

static void
collect(void *arg, const char *msg)
{
	char *all = arg;
	size_t n = strlen(all);

	snprintf(all + n, 2048 - n, "%s\n", msg);
}

static void
test_validate_names_where_each_key_was_set(void)
{
	char all[2048] = "", want[1200];

	fresh();
	CU_ASSERT_EQUAL_FATAL(config_load(&cfg, fixture("tls-files-no-tls.conf"),
	    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(config_validate_each(&cfg, collect, all), 2);
	snprintf(want, sizeof(want), "%s:2: tls_cert or tls_key is set but "
	    "tls is off", fixture("tls-files-no-tls.conf"));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, want));
	snprintf(want, sizeof(want), "%s:3: anonymous_write needs anonymous",
	    fixture("tls-files-no-tls.conf"));
	CU_ASSERT_PTR_NOT_NULL(strstr(all, want));
	/* The first one is config_validate's. */
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: tls_cert"));
	/* Set again elsewhere, the key is reported there. */
	CU_ASSERT_EQUAL(config_set_from(&cfg, "tls_cert", "/x.pem",
	    "command line", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(config_origin(&cfg, "tls_cert"), "command line");
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(strncmp(err, "command line: tls_cert", 22), 0);
	CU_ASSERT_PTR_NULL(config_origin(&cfg, "port"));
}

static void
test_validate(void)
{
	fresh();
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "root"));
	expect_ok("root", "/srv/ftp");
	/* Nobody could log in: no users file and no anonymous access. */
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), -1);
	expect_ok("anonymous", "yes");
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), 0);
	expect_ok("anonymous", "no");
	expect_ok("users", "/etc/ftpd/users");
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), 0);
	expect_ok("anonymous_write", "yes");
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "anonymous"));
	expect_ok("anonymous", "yes");
	CU_ASSERT_EQUAL(config_validate(&cfg, err, sizeof(err)), 0);
}

/* hash_max_bytes is a 64-bit byte count: files pass 4 GiB. */
static void
test_hash_settings(void)
{
	static const char *const bad_bytes[] = {
		"", "-1", "1kb", " 5", "5 ", "0x10", "18446744073709551616", "1P",
		NULL,
	};
	static const char *const bad_jobs[] = { "-1", "257", "x", NULL };

	fresh();
	CU_ASSERT_EQUAL(cfg.hash_jobs, 0);
	CU_ASSERT_EQUAL(cfg.hash_max_bytes, 0);
	expect_ok("hash_jobs", "3");
	CU_ASSERT_EQUAL(cfg.hash_jobs, 3);
	expect_ok("hash_max_bytes", "10737418240");
	CU_ASSERT_EQUAL(cfg.hash_max_bytes, 10737418240ULL);
	expect_ok("hash_max_bytes", "1k");	/* sizes take K, M, G, T */
	CU_ASSERT_EQUAL(cfg.hash_max_bytes, 1024);
	expect_ok("hash_max_bytes", "0");
	CU_ASSERT_EQUAL(cfg.hash_max_bytes, 0);
	expect_bad_each("hash_max_bytes", bad_bytes);
	expect_bad_each("hash_jobs", bad_jobs);
}

/* A reload compares and copies keys by name, whatever their kind. */
static void
test_key_equal_and_copy(void)
{
	static const struct { const char *key, *value; } kinds[] = {
		{ "banner", "other" }, { "port", "2121" }, { "anonymous", "yes" },
		{ "pasv_ports", "50000-50010" }, { "file_mode", "0600" },
		{ "implicit_tls_port", "990" }, { "hash_max_bytes", "5000000000" },
	};
	struct config other;
	char why[256];
	size_t i;

	fresh();
	config_defaults(&other);
	for (i = 0; i < ARRAY_LEN(kinds); i++) {
		CU_ASSERT_TRUE(config_key_equal(&cfg, &other, kinds[i].key));
		CU_ASSERT_EQUAL(config_set_from(&other, kinds[i].key,
		    kinds[i].value, "f:1", why, sizeof(why)), 0);
		CU_ASSERT_FALSE(config_key_equal(&cfg, &other, kinds[i].key));
		CU_ASSERT_EQUAL(config_key_copy(&cfg, &other, kinds[i].key), 0);
		CU_ASSERT_TRUE(config_key_equal(&cfg, &other, kinds[i].key));
		CU_ASSERT_STRING_EQUAL(config_origin(&cfg, kinds[i].key), "f:1");
	}
	CU_ASSERT_EQUAL(cfg.pasv_min, 50000);
	CU_ASSERT_EQUAL(cfg.pasv_max, 50010);
	CU_ASSERT_STRING_EQUAL(cfg.banner, "other");
	/* A string key that is unset on one side. */
	CU_ASSERT_EQUAL(config_set(&other, "pid_file", "/run/x.pid", why,
	    sizeof(why)), 0);
	CU_ASSERT_FALSE(config_key_equal(&cfg, &other, "pid_file"));
	CU_ASSERT_EQUAL(config_key_copy(&other, &cfg, "pid_file"), 0);
	CU_ASSERT_PTR_NULL(other.pid_file);
	CU_ASSERT_FALSE(config_key_equal(&cfg, &other, "no_such_key"));
	CU_ASSERT_EQUAL(config_key_copy(&cfg, &other, "no_such_key"), -1);
	config_free(&other);
}

void
suite_register(void)
{
	ADD_SUITE("config_set", setup, teardown,
	    TEST(test_defaults),
	    TEST(test_strings),
	    TEST(test_numbers),
	    TEST(test_numbers_out_of_range),
	    TEST(test_booleans),
	    TEST(test_pasv_ports),
	    TEST(test_modes),
	    TEST(test_sizes),
	    TEST(test_unknown_key),
	    TEST(test_error_fits_small_buffer),
	    TEST(test_hash_settings),
	    TEST(test_key_equal_and_copy));
	ADD_SUITE("config_load", setup, teardown,
	    TEST(test_load_good),
	    TEST(test_load_crlf),
	    TEST(test_load_errors),
	    TEST(test_load_missing_file),
	    TEST(test_load_long_line),
	    TEST(test_trailing_comments_and_quotes),
	    TEST(test_load_each_reports_every_problem),
	    TEST(test_example_loads_and_documents_every_key),
	    TEST(test_tls_files_without_tls_refused),
	    TEST(test_validate_names_where_each_key_was_set),
	    TEST(test_validate));
}
