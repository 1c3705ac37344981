/*
 * testutil.h: what every suite program shares.
 */
#ifndef FTP_TESTUTIL_H
#define FTP_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>

/* Defined by each suite file: adds its suites and tests to the registry. */
void suite_register(void);

/* Adds a suite with the given tests; aborts the program if CUnit fails. */
#define ADD_SUITE(name, init, clean, ...)                                   \
	do {                                                                \
		static const struct { const char *n; CU_TestFunc f; }       \
		    t_[] = { __VA_ARGS__ };                                 \
		CU_pSuite s_ = CU_add_suite(name, init, clean);             \
		size_t i_;                                                  \
		if (s_ == NULL)                                             \
			abort();                                            \
		for (i_ = 0; i_ < sizeof(t_) / sizeof(t_[0]); i_++)         \
			if (CU_add_test(s_, t_[i_].n, t_[i_].f) == NULL)    \
				abort();                                    \
	} while (0)
#define TEST(fn) { #fn, fn }

/*
 * The path of the fixture sub/name, below $FIXTURES (else ./fixtures), in
 * a buffer of the calling file's that the next call reuses.
 */
static inline const char *
fixture_path(const char *sub, const char *name)
{
	static char path[1024];
	const char *dir = getenv("FIXTURES");

	snprintf(path, sizeof(path), "%s/%s/%s", dir ? dir : "fixtures", sub,
	    name);
	return path;
}

#endif
