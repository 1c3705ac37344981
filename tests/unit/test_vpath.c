/*
 * test_vpath.c: canonicalisation and confinement of virtual paths.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "vpath.h"

/* Resolves arg against cwd and compares the result with want. */
static void
check(const char *cwd, const char *arg, const char *want)
{
	char out[VPATH_MAX];
	int rc;

	memset(out, 'X', sizeof(out));
	rc = vpath_resolve(cwd, arg, out, sizeof(out));
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0 || strcmp(out, want) != 0)
		fprintf(stderr, "\n  vpath_resolve(\"%s\", \"%s\") = %d "
		    "\"%s\", want \"%s\"\n", cwd, arg, rc,
		    rc == 0 ? out : "", want);
	CU_ASSERT_STRING_EQUAL(out, want);
}

static void
test_plain(void)
{
	check("/", "a", "/a");
	check("/", "a/b/c", "/a/b/c");
	check("/pub", "file.txt", "/pub/file.txt");
	check("/pub/x", "y/z", "/pub/x/y/z");
	check("/", "/", "/");
	check("/a/b", "", "/a/b");
	check("/", "", "/");
}

static void
test_dotdot_cannot_escape(void)
{
	check("/", "..", "/");
	check("/", "../..", "/");
	check("/", "../../..", "/");
	check("/", "../../../etc/passwd", "/etc/passwd");
	check("/", "/..", "/");
	check("/", "/../..", "/");
	check("/", "/../../etc/shadow", "/etc/shadow");
	check("/a", "..", "/");
	check("/a", "../..", "/");
	check("/a/b", "../../../../x", "/x");
	check("/a", "../../a/../..", "/");
	check("/", "a/../../b", "/b");
	check("/", "a/b/../../../../b", "/b");
	check("/pub", "a/../../b", "/b");
	check("/pub", "./../..", "/");
	check("/", "..//..//x", "/x");
	check("/", "../.", "/");
	check("/", "./..", "/");
}

static void
test_dotdot_normal(void)
{
	check("/a/b/c", "..", "/a/b");
	check("/a/b/c", "../d", "/a/b/d");
	check("/a/b/c", "../../d/e", "/a/d/e");
	check("/a", "b/..", "/a");
	check("/a", "b/../c", "/a/c");
	check("/", "a/b/..", "/a");
	check("/", "a/b/../..", "/");
}

static void
test_slashes_and_dots(void)
{
	check("/", "//", "/");
	check("/", "///", "/");
	check("/", "a//b", "/a/b");
	check("/", "//a///b//", "/a/b");
	check("/", "/./", "/");
	check("/", "./a/./b/.", "/a/b");
	check("/", ".", "/");
	check("/x", ".", "/x");
	check("/x", "./", "/x");
	check("/", "a/", "/a");
	check("/", "a/b///", "/a/b");
	check("/", "/a/b/", "/a/b");
	check("/x", "/./a/.//b/./", "/a/b");
}

static void
test_absolute_replaces_cwd(void)
{
	check("/home/user", "/etc", "/etc");
	check("/a/b/c", "/", "/");
	check("/a/b/c", "/d", "/d");
	check("/a/b/c", "//d", "/d");
	check("/deep/down", "/../up", "/up");
}

static void
test_odd_but_normal_names(void)
{
	/* Only "." and ".." are special; "..." and ".hidden" are names. */
	check("/", "...", "/...");
	check("/", ".../..", "/");
	check("/", "..../x", "/..../x");
	check("/", ".hidden", "/.hidden");
	check("/", "..a", "/..a");
	check("/", "a..", "/a..");
	check("/", ". .", "/. .");
	check("/", "my file.txt", "/my file.txt");
	check("/docs", " leading and trailing ",
	    "/docs/ leading and trailing ");
	check("/", "r\xc3\xa9sum\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt",
	    "/r\xc3\xa9sum\xc3\xa9/\xe6\x97\xa5\xe6\x9c\xac.txt");
	check("/", "back\\slash", "/back\\slash");
	check("/", "-rf", "/-rf");
	check("/", "*?[x]", "/*?[x]");
}

static void
test_cwd_is_canonicalised_too(void)
{
	/* A cwd is canonical by contract, but a sloppy one stays confined. */
	check("/a/../..", "b", "/b");
	check("//a//", "b", "/a/b");
}

static void
test_enametoolong(void)
{
	char out[16];
	size_t i;

	/* "/abcdefghijklmn" is 15 bytes plus NUL: fits exactly. */
	CU_ASSERT_EQUAL(vpath_resolve("/", "abcdefghijklmn", out, sizeof(out)),
	    0);
	CU_ASSERT_STRING_EQUAL(out, "/abcdefghijklmn");
	/* One more byte does not. */
	errno = 0;
	memset(out, 'X', sizeof(out));
	CU_ASSERT_EQUAL(vpath_resolve("/", "abcdefghijklmno", out,
	    sizeof(out)), -1);
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	CU_ASSERT_STRING_EQUAL(out, "/");
	/* Overflow in cwd, or in the second component, or by the separator. */
	errno = 0;
	CU_ASSERT_EQUAL(vpath_resolve("/abcdefgh", "ijklmno", out,
	    sizeof(out)), -1);
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	CU_ASSERT_STRING_EQUAL(out, "/");
	errno = 0;
	CU_ASSERT_EQUAL(vpath_resolve("/abcdefghijklmnopqrstuvwxyz", "",
	    out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	CU_ASSERT_STRING_EQUAL(out, "/");
	CU_ASSERT_EQUAL(vpath_resolve("/abcdefg", "hijklm", out,
	    sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "/abcdefg/hijklm");
	/* Something that only shrinks back after ".." still fits on the way. */
	CU_ASSERT_EQUAL(vpath_resolve("/abcdefg", "hijklm/../x", out,
	    sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "/abcdefg/x");
	/* Tiny buffers. */
	for (i = 0; i < 2; i++) {
		errno = 0;
		CU_ASSERT_EQUAL(vpath_resolve("/", "", out, i), -1);
		CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	}
	CU_ASSERT_EQUAL(vpath_resolve("/", "..", out, 2), 0);
	CU_ASSERT_STRING_EQUAL(out, "/");
	CU_ASSERT_EQUAL(vpath_resolve("/", "a", out, 2), -1);
	CU_ASSERT_STRING_EQUAL(out, "/");
	CU_ASSERT_EQUAL(vpath_resolve("/", "a", out, 3), 0);
	CU_ASSERT_STRING_EQUAL(out, "/a");
}

static void
test_enametoolong_vpath_max(void)
{
	char *arg, out[VPATH_MAX];
	size_t n = VPATH_MAX + 100;

	arg = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(arg);
	memset(arg, 'a', n);
	arg[n] = '\0';
	errno = 0;
	CU_ASSERT_EQUAL(vpath_resolve("/", arg, out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(errno, ENAMETOOLONG);
	CU_ASSERT_STRING_EQUAL(out, "/");
	/* The longest that fits: '/' and VPATH_MAX - 2 bytes and the NUL. */
	arg[VPATH_MAX - 2] = '\0';
	CU_ASSERT_EQUAL(vpath_resolve("/", arg, out, sizeof(out)), 0);
	CU_ASSERT_EQUAL(strlen(out), VPATH_MAX - 1);
	free(arg);
}

static void
test_result_is_canonical(void)
{
	static const char *const parts[] = {
		"a", "..", ".", "", "b", "...", "/", "c d",
	};
	unsigned seed = 4242;
	int round;

	/*
	 * Random mixtures of components: the result always starts with '/',
	 * never has "//", a "." or ".." component or a trailing slash, and
	 * resolving it again is a no-op.
	 */
	for (round = 0; round < 2000; round++) {
		char arg[256], out[VPATH_MAX], again[VPATH_MAX];
		size_t len = 0;
		int k, bad = 0;

		arg[0] = '\0';
		for (k = 0; k < 8; k++) {
			const char *p;

			seed = seed * 1103515245u + 12345u;
			p = parts[(seed >> 16) % ARRAY_LEN(parts)];
			len += (size_t)snprintf(arg + len, sizeof(arg) - len,
			    "%s%s", p, (seed >> 24) & 1 ? "/" : "");
		}
		CU_ASSERT_EQUAL_FATAL(vpath_resolve("/x/y", arg, out,
		    sizeof(out)), 0);
		if (out[0] != '/' || strstr(out, "//") != NULL ||
		    strstr(out, "/./") != NULL || strstr(out, "/../") != NULL)
			bad = 1;
		len = strlen(out);
		if (len > 1 && out[len - 1] == '/')
			bad = 1;
		if ((len >= 2 && strcmp(out + len - 2, "/.") == 0) ||
		    (len >= 3 && strcmp(out + len - 3, "/..") == 0))
			bad = 1;
		CU_ASSERT_EQUAL(vpath_resolve("/", out, again, sizeof(again)),
		    0);
		if (strcmp(out, again) != 0)
			bad = 1;
		if (bad)
			fprintf(stderr, "\n  \"%s\" -> \"%s\"\n", arg, out);
		CU_ASSERT_FALSE(bad);
	}
}

static void
test_relative(void)
{
	CU_ASSERT_STRING_EQUAL(vpath_relative("/"), ".");
	CU_ASSERT_STRING_EQUAL(vpath_relative("/a"), "a");
	CU_ASSERT_STRING_EQUAL(vpath_relative("/a/b"), "a/b");
	CU_ASSERT_STRING_EQUAL(vpath_relative("/my dir/f.txt"), "my dir/f.txt");
	CU_ASSERT_STRING_EQUAL(vpath_relative(""), ".");
	/* Never an absolute path, so *at() stays under the home. */
	CU_ASSERT_STRING_EQUAL(vpath_relative("//a"), "a");
	/* It points into its argument. */
	{
		const char *p = "/x/y";

		CU_ASSERT_PTR_EQUAL(vpath_relative(p), p + 1);
	}
}

static void
test_basename(void)
{
	CU_ASSERT_STRING_EQUAL(vpath_basename("/"), "/");
	CU_ASSERT_STRING_EQUAL(vpath_basename("/a"), "a");
	CU_ASSERT_STRING_EQUAL(vpath_basename("/a/b/c.txt"), "c.txt");
	CU_ASSERT_STRING_EQUAL(vpath_basename("/dir/my file"), "my file");
	CU_ASSERT_STRING_EQUAL(vpath_basename("/..."), "...");
	CU_ASSERT_STRING_EQUAL(vpath_basename("plain"), "plain");
}

static void
test_resolve_then_helpers(void)
{
	char out[VPATH_MAX];

	CU_ASSERT_EQUAL_FATAL(vpath_resolve("/pub", "../../../etc/./passwd",
	    out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(vpath_relative(out), "etc/passwd");
	CU_ASSERT_STRING_EQUAL(vpath_basename(out), "passwd");
	CU_ASSERT_EQUAL_FATAL(vpath_resolve("/pub", "..", out, sizeof(out)),
	    0);
	CU_ASSERT_STRING_EQUAL(vpath_relative(out), ".");
	CU_ASSERT_STRING_EQUAL(vpath_basename(out), "/");
}

void
suite_register(void)
{
	ADD_SUITE("vpath", NULL, NULL,
	    TEST(test_plain),
	    TEST(test_dotdot_cannot_escape),
	    TEST(test_dotdot_normal),
	    TEST(test_slashes_and_dots),
	    TEST(test_absolute_replaces_cwd),
	    TEST(test_odd_but_normal_names),
	    TEST(test_cwd_is_canonicalised_too),
	    TEST(test_enametoolong),
	    TEST(test_enametoolong_vpath_max),
	    TEST(test_result_is_canonical),
	    TEST(test_relative),
	    TEST(test_basename),
	    TEST(test_resolve_then_helpers));
}
