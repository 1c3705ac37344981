/*
 * test_listing.c: the server's directory listings on a real temporary
 * folder: sorting, hidden files, glob filters, the max_entries cap, the
 * MLSD "cdir" line, slicing by budget, and single-entry listings.
 *
 *   BASE/C.bin  a.txt  b.txt  zz.txt  .hidden  sub/  link -> a.txt
 */
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "listfmt.h"
#include "listing.h"
#include "testutil.h"
#include "tmptree.h"

static char base[64];

static int
setup(void)
{
	tmptree_create(base, sizeof(base), "ftpd-listing-test");
	tmptree_put(base, "a.txt", "aaaaa");
	tmptree_put(base, "b.txt", "bb");
	tmptree_put(base, "C.bin", "C");
	tmptree_put(base, "zz.txt", "");
	tmptree_put(base, ".hidden", "h");
	tmptree_mkdir(base, "sub");
	tmptree_symlink(base, "a.txt", "link");
	return 0;
}

static int
teardown(void)
{
	tmptree_remove(base);
	return 0;
}

static void
opts(struct listing_opts *o, enum listing_style style)
{
	memset(o, 0, sizeof(*o));
	o->style = style;
	o->facts = FACT_ALL;
	o->writable = 1;
	o->max_entries = 1000;
}

/* Lists BASE with o and returns the whole text (caller frees). */
static char *
list_all(const struct listing_opts *o, size_t budget, size_t *truncated)
{
	struct listing *l;
	struct buf out;
	int fd, more, rounds = 0;
	char *text;

	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	l = listing_dir(fd, o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	buf_init(&out, 1 << 20);
	do {
		more = listing_next(l, &out, budget);
		rounds++;
	} while (more > 0 && rounds < 10000);
	CU_ASSERT_EQUAL(more, 0);
	if (truncated != NULL)
		*truncated = listing_truncated(l);
	listing_free(l);
	text = strdup(buf_cstr(&out));
	buf_free(&out);
	return text;
}

/* Compares and shows both texts on a mismatch. */
static void
expect_text(const char *got, const char *want)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  got:\n%s  want:\n%s", got, want);
}

/* Lists BASE with o and compares the whole text with want. */
static void
expect_listing(const struct listing_opts *o, const char *want)
{
	char *t = list_all(o, 64 * 1024, NULL);

	expect_text(t, want);
	free(t);
}

static void
test_names_sorted(void)
{
	struct listing_opts o;
	char *t;

	opts(&o, LISTING_NAMES);
	t = list_all(&o, 64 * 1024, NULL);
	/* Byte order ("C" before "a"); no dot files, never "." or "..". */
	expect_text(t, "C.bin\r\na.txt\r\nb.txt\r\nlink\r\nsub\r\nzz.txt\r\n");
	free(t);
}

static void
test_hidden(void)
{
	struct listing_opts o;

	opts(&o, LISTING_NAMES);
	o.show_hidden = 1;
	expect_listing(&o,
	    ".hidden\r\nC.bin\r\na.txt\r\nb.txt\r\nlink\r\nsub\r\nzz.txt\r\n");
}

static void
test_pattern(void)
{
	struct listing_opts o;

	opts(&o, LISTING_NAMES);
	o.pattern = "*.txt";
	expect_listing(&o, "a.txt\r\nb.txt\r\nzz.txt\r\n");
	o.pattern = "?.txt";
	expect_listing(&o, "a.txt\r\nb.txt\r\n");
	o.pattern = "[a-b]*";
	expect_listing(&o, "a.txt\r\nb.txt\r\n");
	/* "*" does not match dot files; a pattern starting with '.' does. */
	o.pattern = "*";
	expect_listing(&o, "C.bin\r\na.txt\r\nb.txt\r\nlink\r\nsub\r\nzz.txt\r\n");
	o.pattern = ".h*";
	expect_listing(&o, ".hidden\r\n");
	o.pattern = "*.none";
	expect_listing(&o, "");
}

static void
test_prefix(void)
{
	struct listing_opts o;

	opts(&o, LISTING_NAMES);
	o.prefix = "dir/";
	o.pattern = "*.txt";
	expect_listing(&o, "dir/a.txt\r\ndir/b.txt\r\ndir/zz.txt\r\n");
}

static void
test_max_entries(void)
{
	struct listing_opts o;
	size_t truncated = 99;
	char *t, *p;
	int lines = 0;

	opts(&o, LISTING_NAMES);
	o.max_entries = 4;
	t = list_all(&o, 64 * 1024, &truncated);
	for (p = t; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	/* 6 visible entries, 4 kept, the cut reported (not counted). */
	CU_ASSERT_EQUAL(lines, 4);
	CU_ASSERT_NOT_EQUAL(truncated, 0);
	free(t);
	/* The cap counts only entries that pass the filters. */
	o.pattern = "*.txt";
	o.max_entries = 3;
	t = list_all(&o, 64 * 1024, &truncated);
	CU_ASSERT_EQUAL(truncated, 0);
	expect_text(t, "a.txt\r\nb.txt\r\nzz.txt\r\n");
	free(t);
	o.max_entries = 1000;
	o.pattern = NULL;
	t = list_all(&o, 64 * 1024, &truncated);
	CU_ASSERT_EQUAL(truncated, 0);
	free(t);
}

/* The n-th line of text (0-based) into out, without its CRLF. */
static int
nth_line(const char *text, int n, char *out, size_t outsz)
{
	const char *p = text, *e;

	while (n-- > 0) {
		if ((p = strstr(p, "\r\n")) == NULL)
			return -1;
		p += 2;
	}
	if ((e = strstr(p, "\r\n")) == NULL)
		return -1;
	snprintf(out, outsz, "%.*s", (int)(e - p), p);
	return 0;
}

static void
test_mlsd(void)
{
	struct listing_opts o;
	char line[512], *t;
	int i;

	opts(&o, LISTING_MLSD);
	t = list_all(&o, 64 * 1024, NULL);
	/* First the folder itself, then every entry, dot files included. */
	CU_ASSERT_EQUAL_FATAL(nth_line(t, 0, line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(strncmp(line, "type=cdir;", 10), 0);
	CU_ASSERT_EQUAL(strcmp(line + strlen(line) - 2, " ."), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "; .hidden\r\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "type=dir;"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "size=5;"));
	CU_ASSERT_PTR_NULL(strstr(t, " ..\r\n"));
	/* Sorted: .hidden C.bin a.txt b.txt link sub zz.txt after cdir. */
	static const char *order[] = {
		".hidden", "C.bin", "a.txt", "b.txt", "link", "sub", "zz.txt",
	};
	for (i = 0; i < 7; i++) {
		const char *sp;

		CU_ASSERT_EQUAL_FATAL(nth_line(t, i + 1, line, sizeof(line)), 0);
		sp = strchr(line, ' ');
		CU_ASSERT_PTR_NOT_NULL_FATAL(sp);
		CU_ASSERT_STRING_EQUAL(sp + 1, order[i]);
		CU_ASSERT_EQUAL(sp[-1], ';');
	}
	CU_ASSERT_EQUAL(nth_line(t, 8, line, sizeof(line)), -1);
	free(t);
}

static void
test_mlsd_facts(void)
{
	struct listing_opts o;
	char line[512], *t;

	opts(&o, LISTING_MLSD);
	o.facts = FACT_TYPE | FACT_SIZE;
	t = list_all(&o, 64 * 1024, NULL);
	CU_ASSERT_EQUAL_FATAL(nth_line(t, 3, line, sizeof(line)), 0);
	CU_ASSERT_STRING_EQUAL(line, "type=file;size=5; a.txt");
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "type=file;size=0; zz.txt\r\n"));
	CU_ASSERT_PTR_NULL(strstr(t, "modify="));
	free(t);
	/* With a pattern there is no cdir line (it is not that folder). */
	o.pattern = "*.txt";
	t = list_all(&o, 64 * 1024, NULL);
	CU_ASSERT_EQUAL(strncmp(t, "type=file;size=5; a.txt\r\n", 25), 0);
	CU_ASSERT_PTR_NULL(strstr(t, "cdir"));
	free(t);
}

static void
test_long(void)
{
	struct listing_opts o;
	char line[512], *t;

	opts(&o, LISTING_LONG);
	o.hide_ids = 1;
	t = list_all(&o, 64 * 1024, NULL);
	CU_ASSERT_EQUAL_FATAL(nth_line(t, 1, line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(line[0], '-');
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " ftp "));
	CU_ASSERT_EQUAL(strcmp(line + strlen(line) - 6, " a.txt"), 0);
	/* The link shows its target; the folder starts with 'd'. */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, " link -> a.txt\r\n"));
	CU_ASSERT_EQUAL_FATAL(nth_line(t, 3, line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(line[0], 'l');
	CU_ASSERT_EQUAL_FATAL(nth_line(t, 4, line, sizeof(line)), 0);
	CU_ASSERT_EQUAL(line[0], 'd');
	CU_ASSERT_EQUAL(strcmp(line + strlen(line) - 4, " sub"), 0);
	free(t);
}

static void
test_small_budget(void)
{
	struct listing_opts o;
	char *whole, *sliced;

	/* A budget of one byte: one line per call, the same text in the end. */
	opts(&o, LISTING_MLSD);
	whole = list_all(&o, 64 * 1024, NULL);
	sliced = list_all(&o, 1, NULL);
	expect_text(sliced, whole);
	free(whole);
	free(sliced);
}

static void
test_vanished_entry_skipped(void)
{
	struct listing_opts o;
	struct listing *l;
	struct buf out;
	int fd;

	tmptree_put(base, "gone.txt", "x");
	opts(&o, LISTING_NAMES);
	o.pattern = "*.txt";
	o.style = LISTING_LONG;
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	l = listing_dir(fd, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	/* Deleted between reading the names and formatting the lines. */
	CU_ASSERT_EQUAL(unlink(tmptree_path(base, "gone.txt")), 0);
	buf_init(&out, 1 << 20);
	CU_ASSERT_EQUAL(listing_next(l, &out, 64 * 1024), 0);
	CU_ASSERT_PTR_NULL(strstr(buf_cstr(&out), "gone.txt"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf_cstr(&out), " zz.txt\r\n"));
	buf_free(&out);
	listing_free(l);
}

static void
test_not_a_directory(void)
{
	struct listing_opts o;
	int fd;

	opts(&o, LISTING_NAMES);
	fd = open(tmptree_path(base, "a.txt"), O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	errno = 0;
	CU_ASSERT_PTR_NULL(listing_dir(fd, &o));
	CU_ASSERT_EQUAL(errno, ENOTDIR);
	/* The listing took the descriptor over, even on failure. */
	CU_ASSERT_EQUAL(fcntl(fd, F_GETFD), -1);
}

static void
test_single(void)
{
	struct listing_opts o;
	struct listing *l;
	struct stat st;
	struct buf out;
	const char *t;

	CU_ASSERT_EQUAL_FATAL(lstat(tmptree_path(base, "a.txt"), &st), 0);
	buf_init(&out, 1 << 16);

	opts(&o, LISTING_LONG);
	o.hide_ids = 1;
	l = listing_single("dir/a.txt", &st, NULL, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(listing_next(l, &out, 64 * 1024), 0);
	t = buf_cstr(&out);
	CU_ASSERT_EQUAL(t[0], '-');
	CU_ASSERT_PTR_NOT_NULL(strstr(t, " 5 "));
	CU_ASSERT_EQUAL(strcmp(t + strlen(t) - 12, " dir/a.txt\r\n"), 0);
	CU_ASSERT_EQUAL(listing_truncated(l), 0);
	/* Nothing more after the one line. */
	buf_reset(&out);
	CU_ASSERT_EQUAL(listing_next(l, &out, 64 * 1024), 0);
	CU_ASSERT_EQUAL(out.len, 0);
	listing_free(l);

	CU_ASSERT_EQUAL_FATAL(lstat(tmptree_path(base, "link"), &st), 0);
	buf_reset(&out);
	l = listing_single("link", &st, "a.txt", &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(listing_next(l, &out, 64 * 1024), 0);
	t = buf_cstr(&out);
	CU_ASSERT_EQUAL(t[0], 'l');
	CU_ASSERT_EQUAL(strcmp(t + strlen(t) - 16, " link -> a.txt\r\n"), 0);
	listing_free(l);

	opts(&o, LISTING_NAMES);
	buf_reset(&out);
	l = listing_single("dir/a.txt", &st, NULL, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(listing_next(l, &out, 64 * 1024), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&out), "dir/a.txt\r\n");
	listing_free(l);

	opts(&o, LISTING_MLSD);
	o.facts = FACT_TYPE | FACT_SIZE;
	CU_ASSERT_EQUAL_FATAL(stat(tmptree_path(base, "a.txt"), &st), 0);
	buf_reset(&out);
	l = listing_single("a.txt", &st, NULL, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(listing_next(l, &out, 64 * 1024), 0);
	CU_ASSERT_STRING_EQUAL(buf_cstr(&out), "type=file;size=5; a.txt\r\n");
	listing_free(l);
	buf_free(&out);
}

#define BIG_N 20000

/* Makes BASE/big with BIG_N empty files n00000..n19999 (140 KB of names). */
static void
make_big(void)
{
	char name[16];
	int dfd, i, fd;

	tmptree_mkdir(base, "big");
	dfd = open(tmptree_path(base, "big"), O_RDONLY | O_DIRECTORY);
	CU_ASSERT_FATAL(dfd >= 0);
	for (i = 0; i < BIG_N; i++) {
		snprintf(name, sizeof(name), "n%05d", i);
		fd = openat(dfd, name, O_WRONLY | O_CREAT, 0644);
		CU_ASSERT_FATAL(fd >= 0);
		close(fd);
	}
	close(dfd);
}

/*
 * Lists BASE/big with max_entries, slice by slice, and checks each name
 * comes once. Returns the lines; *sorted says whether they came in order;
 * *grew is the most the heap grew while the listing was live (0 where
 * mallinfo2 tells nothing, as under ASan).
 */
static int
list_big(size_t max_entries, size_t *truncated, int *sorted, size_t *grew)
{
	static unsigned char seen[BIG_N];
	struct listing_opts o;
	struct listing *l;
	struct buf out;
	size_t before, peak = 0, now;
	int fd, more, lines = 0, prev = -1, idx;
	char *p, *e;

	opts(&o, LISTING_NAMES);
	o.max_entries = max_entries;
	memset(seen, 0, sizeof(seen));
	*sorted = 1;
	before = mallinfo2().uordblks + mallinfo2().hblkhd;
	fd = open(tmptree_path(base, "big"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	l = listing_dir(fd, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	buf_init(&out, 1 << 20);
	do {
		more = listing_next(l, &out, 16 * 1024);
		now = mallinfo2().uordblks + mallinfo2().hblkhd;
		if (now > before && now - before > peak)
			peak = now - before;
		for (p = out.data; p != NULL && (e = strstr(p, "\r\n")) != NULL;
		    p = e + 2) {
			CU_ASSERT_FATAL(sscanf(p, "n%05d", &idx) == 1);
			CU_ASSERT_FATAL(idx >= 0 && idx < BIG_N);
			CU_ASSERT_EQUAL(seen[idx], 0);
			seen[idx] = 1;
			if (idx < prev)
				*sorted = 0;
			prev = idx;
			lines++;
		}
		/* As xfer does: what was sent is gone. */
		out.len = 0;
	} while (more > 0);
	CU_ASSERT_EQUAL(more, 0);
	*truncated = listing_truncated(l);
	listing_free(l);
	buf_free(&out);
	*grew = before > 0 ? peak : 0;
	return lines;
}

/*
 * A folder whose names do not fit the arena is listed whole, in
 * directory order, while the listing's memory stays within 256 KiB (the
 * output slices are the caller's and are dropped as they go).
 */
static void
test_big_folder_streams_in_bounded_memory(void)
{
	size_t truncated, grew;
	int sorted, lines;

	make_big();
	lines = list_big(100000, &truncated, &sorted, &grew);
	CU_ASSERT_EQUAL(lines, BIG_N);
	CU_ASSERT_EQUAL(truncated, 0);
	/* The output buffer (up to one 16 KiB slice and a line) aside. */
	CU_ASSERT(grew < 256 * 1024 + 64 * 1024);
	if (grew >= 256 * 1024 + 64 * 1024)
		fprintf(stderr, "\n  listing grew the heap by %zu bytes\n", grew);
	(void)sorted;	/* directory order: any order is right */
}

/*
 * The cap: exactly max_entries lines, and the cut is reported without
 * reading on, whether the listing is sorted (fits) or streamed (not).
 */
static void
test_big_folder_cut_at_max_entries(void)
{
	size_t truncated, grew;
	int sorted, lines;

	lines = list_big(15000, &truncated, &sorted, &grew);
	CU_ASSERT_EQUAL(lines, 15000);
	CU_ASSERT_NOT_EQUAL(truncated, 0);
	lines = list_big(300, &truncated, &sorted, &grew);
	CU_ASSERT_EQUAL(lines, 300);
	CU_ASSERT_NOT_EQUAL(truncated, 0);
	CU_ASSERT(sorted);
	lines = list_big(BIG_N, &truncated, &sorted, &grew);
	CU_ASSERT_EQUAL(lines, BIG_N);
	CU_ASSERT_EQUAL(truncated, 0);
}

/* listing_count says how many entries have gone out (STAT's cut line). */
static void
test_count_follows_slices(void)
{
	struct listing_opts o;
	struct listing *l;
	struct buf out;
	int fd;

	opts(&o, LISTING_NAMES);
	fd = open(tmptree_path(base, "big"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	l = listing_dir(fd, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	buf_init(&out, 1 << 20);
	CU_ASSERT_EQUAL(listing_count(l), 0);
	CU_ASSERT_EQUAL(listing_next(l, &out, 1000), 1);
	/* Lines of 8 bytes: the slice ends on the line that passes 1000. */
	CU_ASSERT_EQUAL(listing_count(l), 125);
	CU_ASSERT_EQUAL(out.len, 125 * 8);
	listing_free(l);
	buf_free(&out);
}

static void
test_free_null(void)
{
	listing_free(NULL);
	CU_PASS("listing_free(NULL) is a no-op");
}

void
suite_register(void)
{
	ADD_SUITE("listing", setup, teardown,
	    TEST(test_names_sorted),
	    TEST(test_hidden),
	    TEST(test_pattern),
	    TEST(test_prefix),
	    TEST(test_max_entries),
	    TEST(test_mlsd),
	    TEST(test_mlsd_facts),
	    TEST(test_long),
	    TEST(test_small_budget),
	    TEST(test_vanished_entry_skipped),
	    TEST(test_not_a_directory),
	    TEST(test_single),
	    TEST(test_free_null),
	    TEST(test_big_folder_streams_in_bounded_memory),
	    TEST(test_big_folder_cut_at_max_entries),
	    TEST(test_count_follows_slices));
}
