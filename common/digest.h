/*
 * digest: the file hashes of the FTP HASH command (draft-bryan-ftpext-hash)
 * by their IANA names, computed incrementally.
 *
 * Both programs use it: ftpd hashes files on its hash threads, ftpc hashes
 * the bytes of a transfer as they pass. It wraps OpenSSL's EVP digest API:
 * the project links OpenSSL already for TLS, and EVP is its maintained
 * interface (the per-algorithm SHA256_Init family is deprecated in 3.0).
 */
#ifndef FTP_DIGEST_H
#define FTP_DIGEST_H

#include <stddef.h>

#include "compat.h"

/* In the order FEAT lists them; SHA-256 is the default. */
enum digest_algo {
	DIGEST_SHA256,
	DIGEST_SHA512,
	DIGEST_SHA1,
	DIGEST_MD5,
	DIGEST_ALGO_COUNT,
};

/* Room for the longest hex digest (SHA-512) and its NUL. */
#define DIGEST_HEX_MAX (2 * 64 + 1)

/* How many hex digits the algorithm's digest has (64 for SHA-256). */
size_t digest_hex_len(enum digest_algo a);

/* The IANA name ("SHA-256"). */
const char *digest_name(enum digest_algo a);

/*
 * Finds an algorithm by its IANA name, case-insensitively. Returns 0, or
 * -1 for a name we do not offer.
 */
int digest_lookup(const char *name, enum digest_algo *out) WARN_UNUSED;

struct digest;

/* Starts a hash. Returns NULL when OpenSSL cannot (out of memory). */
struct digest *digest_new(enum digest_algo a) WARN_UNUSED;

/* Adds n bytes. Returns 0, or -1 (the digest is then unusable). */
int digest_update(struct digest *d, const void *p, size_t n) WARN_UNUSED;

/*
 * Ends the hash and writes it as lower-case hex into hex
 * (DIGEST_HEX_MAX bytes). Returns 0 or -1. The digest cannot be updated
 * afterwards; free it.
 */
int digest_final_hex(struct digest *d, char *hex) WARN_UNUSED;

/* Frees d (NULL is fine). */
void digest_free(struct digest *d);

#endif
