/*
 * test_filehash.c: the hash engine behind HASH. digest (common/digest.h)
 * against the published vectors of each algorithm (FIPS 180 "abc" and the
 * empty string, RFC 1321 for MD5) and its IANA names; filehash_range over
 * real files: ranges inside a file, ranges that cross the read chunk, a
 * file that ends early, and cancellation between chunks. The range
 * vectors were computed with Python's hashlib over the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "digest.h"
#include "filehash.h"
#include "testutil.h"

static char hex[DIGEST_HEX_MAX];

/* The hash of a string through the incremental API, in two pieces. */
static const char *
of(enum digest_algo a, const char *s)
{
	struct digest *d = digest_new(a);
	size_t n = strlen(s), half = n / 2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(digest_update(d, s, half), 0);
	CU_ASSERT_EQUAL(digest_update(d, s + half, n - half), 0);
	CU_ASSERT_EQUAL(digest_final_hex(d, hex), 0);
	digest_free(d);
	return hex;
}

static void
test_known_vectors(void)
{
	CU_ASSERT_STRING_EQUAL(of(DIGEST_SHA256, "abc"),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CU_ASSERT_STRING_EQUAL(of(DIGEST_SHA256, ""),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CU_ASSERT_STRING_EQUAL(of(DIGEST_SHA512, "abc"),
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	CU_ASSERT_STRING_EQUAL(of(DIGEST_SHA1, "abc"),
	    "a9993e364706816aba3e25717850c26c9cd0d89d");
	CU_ASSERT_STRING_EQUAL(of(DIGEST_SHA1,
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
	    "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	CU_ASSERT_STRING_EQUAL(of(DIGEST_MD5, "abc"),
	    "900150983cd24fb0d6963f7d28e17f72");
	CU_ASSERT_STRING_EQUAL(of(DIGEST_MD5, "message digest"),
	    "f96b697d7cb7938d525a2f31aaf161d0");
}

static void
test_names(void)
{
	static const char *const names[] = { "SHA-256", "SHA-512", "SHA-1", "MD5" };
	enum digest_algo a;
	unsigned i;

	for (i = 0; i < DIGEST_ALGO_COUNT; i++) {
		CU_ASSERT_STRING_EQUAL(digest_name((enum digest_algo)i), names[i]);
		CU_ASSERT_EQUAL(digest_lookup(names[i], &a), 0);
		CU_ASSERT_EQUAL(a, (enum digest_algo)i);
		CU_ASSERT_EQUAL(strlen(of(a, "x")), digest_hex_len(a));
	}
	CU_ASSERT_EQUAL(digest_lookup("sha-512", &a), 0);
	CU_ASSERT_EQUAL(a, DIGEST_SHA512);
	CU_ASSERT_EQUAL(digest_lookup("SHA256", &a), -1);
	CU_ASSERT_EQUAL(digest_lookup("CRC32", &a), -1);
	CU_ASSERT_EQUAL(digest_lookup("", &a), -1);
}

/* A temporary file of n pattern bytes ((i * mul + add) & 255); its fd. */
static int
pattern_file(size_t n, unsigned mul, unsigned add)
{
	char path[] = "/tmp/test_filehash.XXXXXX";
	unsigned char *p = malloc(n ? n : 1);
	int fd = mkstemp(path);
	size_t i;

	CU_ASSERT_FATAL(fd >= 0 && p != NULL);
	unlink(path);
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)((i * mul + add) & 255);
	CU_ASSERT_FATAL(write(fd, p, n) == (ssize_t)n);
	free(p);
	return fd;
}

static const char *
range(int fd, enum digest_algo a, off_t start, off_t end)
{
	if (filehash_range(fd, a, start, end, NULL, NULL, hex) < 0)
		return strerror(errno);
	return hex;
}

static void
test_ranges(void)
{
	int fd = pattern_file(1000, 7, 3);

	CU_ASSERT_STRING_EQUAL(range(fd, DIGEST_SHA256, 100, 600),
	    "fc6d326c98eb82402efcfdb2a9e25077cb90ed2d3e1aeccd7aa30ae91b6361cb");
	CU_ASSERT_STRING_EQUAL(range(fd, DIGEST_MD5, 999, 1000),
	    "b9ece18c950afbfa6b0fdbfa4ff731d3");
	CU_ASSERT_STRING_EQUAL(range(fd, DIGEST_SHA1, 0, 1),
	    "9842926af7ca0a8cca12604f945414f07b01e13d");
	CU_ASSERT_STRING_EQUAL(range(fd, DIGEST_SHA512, 0, 1000),
	    "00e36fccf193e59697a92b5ab24666ce6326d7fa16bf10832d0991ddc591112e"
	    "9dfa6a636950ed9c4d67344a760654c2ff7785e1d60094d651038735b5dccabd");
	/* An empty range is the hash of nothing. */
	CU_ASSERT_STRING_EQUAL(range(fd, DIGEST_SHA256, 1000, 1000),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	close(fd);
}

static void
test_ranges_across_chunks(void)
{
	int fd = pattern_file(3 * FILEHASH_CHUNK + 5, 31, 7);

	CU_ASSERT_EQUAL(FILEHASH_CHUNK, 262144);
	CU_ASSERT_STRING_EQUAL(range(fd, DIGEST_SHA256, 0, 3 * FILEHASH_CHUNK + 5),
	    "1514196e41df9ebbea3b387792cbd92e28ba7a7fd524da29140d0eccefe58dfd");
	/* From the last byte of one chunk to the first of the one after next. */
	CU_ASSERT_STRING_EQUAL(range(fd, DIGEST_SHA1, FILEHASH_CHUNK - 1,
	    2 * FILEHASH_CHUNK + 1), "fa0d8f3aad97d04de11e88940b66cd2fef0347ee");
	close(fd);
}

static void
test_file_shorter_than_range(void)
{
	int fd = pattern_file(100, 1, 0);

	/* The file shrank under us: an error, never a hash of fewer bytes. */
	CU_ASSERT_EQUAL(filehash_range(fd, DIGEST_SHA256, 50, 101, NULL, NULL,
	    hex), -1);
	CU_ASSERT_EQUAL(errno, ENODATA);
	close(fd);
	CU_ASSERT_EQUAL(filehash_range(fd, DIGEST_SHA256, 0, 10, NULL, NULL,
	    hex), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
}

static int calls;

/* Lets the first two chunks through, then cancels. */
static int
cancel_after_two(void *ctx)
{
	(void)ctx;
	return ++calls > 2;
}

static void
test_cancel_between_chunks(void)
{
	int fd = pattern_file(5 * FILEHASH_CHUNK, 3, 1);

	calls = 0;
	CU_ASSERT_EQUAL(filehash_range(fd, DIGEST_SHA256, 0, 5 * FILEHASH_CHUNK,
	    cancel_after_two, NULL, hex), -1);
	CU_ASSERT_EQUAL(errno, ECANCELED);
	/* Asked before each chunk: two read, stopped at the third. */
	CU_ASSERT_EQUAL(calls, 3);
	close(fd);
}

void
suite_register(void)
{
	ADD_SUITE("filehash", NULL, NULL,
	    TEST(test_known_vectors),
	    TEST(test_names),
	    TEST(test_ranges),
	    TEST(test_ranges_across_chunks),
	    TEST(test_file_shorter_than_range),
	    TEST(test_cancel_between_chunks));
}
