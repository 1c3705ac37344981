/*
 * cunit_main.c: the shared main() of every CUnit suite program.
 *
 * Each suite file defines suite_register(), which adds its suites with
 * CU_add_suite/CU_add_test. The program runs them in basic mode and ends
 * with "<name>: N passed, M failed", exiting non-zero when any test failed
 * (CU_basic_run_tests' own return code says nothing about test failures).
 */
#include <CUnit/Basic.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

int
main(int argc, char **argv)
{
	unsigned run, failed;
	char *name = argc > 0 ? basename(argv[0]) : "suite";

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite_register();
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		/* Run a single named suite: handy when debugging. */
		CU_pSuite s = CU_get_suite(argv[1]);

		if (s == NULL) {
			fprintf(stderr, "no suite %s\n", argv[1]);
			return 2;
		}
		CU_basic_run_suite(s);
	} else
		CU_basic_run_tests();
	run = CU_get_number_of_tests_run();
	failed = CU_get_number_of_tests_failed();
	run -= failed;
	/*
	 * A suite whose init failed (its server did not start) ran none of
	 * its tests: count it as one failure, or it would pass unseen.
	 */
	failed += CU_get_number_of_suites_failed();
	printf("\n%s: %u passed, %u failed\n", name, run, failed);
	CU_cleanup_registry();
	return failed > 0 ? 1 : 0;
}
