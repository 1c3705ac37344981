/*
 * test_progress.c: the progress bar's formatting.
 */
#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "testutil.h"

static void
test_human(void)
{
	char b[16];

	progress_human(0, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "0 B");
	progress_human(1023, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "1023 B");
	progress_human(1536, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "1.5 KiB");
	progress_human(10 * 1024, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "10 KiB");
	progress_human((off_t)3 << 20, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "3.0 MiB");
	progress_human((off_t)5 << 30, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "5.0 GiB");
	progress_human((off_t)1 << 62, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "4096 PiB");
}

static void
test_eta(void)
{
	char b[16];

	progress_eta(0, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "00:00");
	progress_eta(65.4, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "01:05");
	progress_eta(3723, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "1:02:03");
	progress_eta(-1, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "--:--");
	progress_eta(1e12, b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "--:--");
}

static void
test_bar_known_total(void)
{
	char line[256];

	progress_format(line, sizeof(line), "file.bin", 512 * 1024, 1024 * 1024,
	    256 * 1024, 2.0, 0, 80);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "file.bin"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " 50%"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "512 KiB"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "256 KiB/s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "ETA 00:02"));
	CU_ASSERT_PTR_NOT_NULL(strchr(line, '['));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "#>"));
	CU_ASSERT_TRUE(strlen(line) <= 80);
	CU_ASSERT_EQUAL(strncmp(line, "file.bin [", 10), 0);
}

static void
test_bar_done(void)
{
	char line[256];

	progress_format(line, sizeof(line), "f", 100, 100, 50, 2.0, 1, 60);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "100%"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "in  00:02"));
	CU_ASSERT_PTR_NULL(strchr(line, '>'));
	CU_ASSERT_TRUE(strlen(line) <= 60);
	/* An empty file is complete too. */
	progress_format(line, sizeof(line), "empty", 0, 0, 0, 0.0, 1, 60);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "100%"));
}

static void
test_unknown_total(void)
{
	char line[256];

	progress_format(line, sizeof(line), "stream", 2048, -1, 1024, 2.0, 0, 80);
	CU_ASSERT_PTR_NULL(strchr(line, '%'));
	CU_ASSERT_PTR_NULL(strchr(line, '['));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "2.0 KiB"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "--:--"));
}

static void
test_narrow_and_long_names(void)
{
	char line[512];
	char name[300];

	memset(name, 'n', sizeof(name));
	name[sizeof(name) - 1] = '\0';
	progress_format(line, sizeof(line), name, 10, 100, 1, 1.0, 0, 100);
	/* The name gets at most a third of the line. */
	CU_ASSERT_EQUAL(strspn(line, "n"), 33);
	CU_ASSERT_TRUE(strlen(line) <= 100);
	/* Too narrow for a bar: no bar, but still the numbers. */
	progress_format(line, sizeof(line), "x", 10, 100, 1, 1.0, 0, 30);
	CU_ASSERT_PTR_NULL(strchr(line, '['));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "10%"));
	/* More bytes than announced never shows above 100%. */
	progress_format(line, sizeof(line), "x", 200, 100, 1, 1.0, 0, 80);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "100%"));
}

static void
test_disabled_draws_nothing(void)
{
	struct progress p;
	char mem[256] = "";
	FILE *f = fmemopen(mem, sizeof(mem), "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	progress_begin(&p, progress_basename("dir/name.txt"), 100, 10, 0, f);
	CU_ASSERT_STRING_EQUAL(p.name, "name.txt");
	/* A name is shown as given: mirror shows paths below its root. */
	progress_begin(&p, "sub/deep.txt", 100, 10, 0, f);
	CU_ASSERT_STRING_EQUAL(p.name, "sub/deep.txt");
	progress_update(&p, 50);
	progress_end(&p);
	fflush(f);
	CU_ASSERT_EQUAL(ftell(f), 0);
	fclose(f);
}

static void
test_enabled_draws_then_clears(void)
{
	struct progress p;
	char mem[1024], *cr;
	FILE *f;

	memset(mem, 0, sizeof(mem));
	f = fmemopen(mem, sizeof(mem), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	progress_begin(&p, "a.bin", 100, 0, 1, f);
	progress_update(&p, 100);
	progress_end(&p);
	fclose(f);
	CU_ASSERT_EQUAL(mem[0], '\r');
	CU_ASSERT_PTR_NOT_NULL(strstr(mem, "a.bin"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mem, "100%"));
	/* The bar is erased, not ended with a newline: the summary follows. */
	CU_ASSERT_PTR_NULL(strchr(mem, '\n'));
	cr = strrchr(mem, '\r');
	CU_ASSERT_STRING_EQUAL(cr, "\r\033[K");
}

/* A transfer that never moved a byte (a missing file) draws no bar. */
static void
test_no_bar_before_first_bytes(void)
{
	struct progress p;
	char mem[256] = "";
	FILE *f = fmemopen(mem, sizeof(mem), "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	progress_begin(&p, "missing.bin", -1, 0, 1, f);
	progress_end(&p);
	fflush(f);
	CU_ASSERT_EQUAL(ftell(f), 0);
	fclose(f);
}

/* The bar leaves room for the terminal's "^C" echo (80 columns here). */
static void
test_bar_leaves_room_for_ctrl_c(void)
{
	struct progress p;
	char mem[1024], *bar;
	FILE *f;

	memset(mem, 0, sizeof(mem));
	f = fmemopen(mem, sizeof(mem), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	progress_begin(&p, "a-rather-long-file-name-for-the-bar.bin", 1000, 0, 1, f);
	progress_update(&p, 500);
	fclose(f);
	bar = mem + 1;
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(bar, "\033[K"));
	*strstr(bar, "\033[K") = '\0';
	CU_ASSERT(strlen(bar) <= 77);
	CU_ASSERT(strlen(bar) >= 70);
}

static void
test_summary_line(void)
{
	char line[256];

	progress_summary(line, sizeof(line), "big.bin", 104857600, 5.0, 0);
	CU_ASSERT_STRING_EQUAL(line,
	    "big.bin: 104857600 bytes received in 5.0 s (20.00 MiB/s)");
	progress_summary(line, sizeof(line), "up.bin", 3000, 1.5, 1);
	CU_ASSERT_STRING_EQUAL(line,
	    "up.bin: 3000 bytes sent in 1.5 s (1.95 KiB/s)");
	progress_summary(line, sizeof(line), "empty", 0, 0.0, 0);
	CU_ASSERT_STRING_EQUAL(line, "empty: 0 bytes received in 0.0 s (0.00 B/s)");
	/* Too fast to time: a millisecond, not a division by zero. */
	progress_summary(line, sizeof(line), "tiny", 100, 0.0, 0);
	CU_ASSERT_STRING_EQUAL(line,
	    "tiny: 100 bytes received in 0.0 s (97.66 KiB/s)");
}

static void
test_report_uses_counters(void)
{
	struct progress p;
	char mem[256];
	FILE *f;

	memset(mem, 0, sizeof(mem));
	f = fmemopen(mem, sizeof(mem), "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	progress_begin(&p, progress_basename("d/r.bin"), 1000, 400, 0, f);
	progress_update(&p, 1000);
	progress_end(&p);
	progress_report(&p, f, 0);
	fclose(f);
	CU_ASSERT_EQUAL(strncmp(mem, "r.bin: 600 bytes received in ", 29), 0);
	CU_ASSERT_EQUAL(mem[strlen(mem) - 1], '\n');
}

void
suite_register(void)
{
	ADD_SUITE("progress", NULL, NULL, TEST(test_human), TEST(test_eta),
	    TEST(test_bar_known_total), TEST(test_bar_done),
	    TEST(test_unknown_total), TEST(test_narrow_and_long_names),
	    TEST(test_disabled_draws_nothing),
	    TEST(test_enabled_draws_then_clears),
	    TEST(test_no_bar_before_first_bytes),
	    TEST(test_bar_leaves_room_for_ctrl_c), TEST(test_summary_line),
	    TEST(test_report_uses_counters));
}
