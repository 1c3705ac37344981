/*
 * digest.c: EVP-backed file hashes; see digest.h.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <strings.h>

#include "digest.h"

struct digest {
	EVP_MD_CTX *ctx;
};

static const char *const names[DIGEST_ALGO_COUNT] = {
	[DIGEST_SHA256] = "SHA-256",
	[DIGEST_SHA512] = "SHA-512",
	[DIGEST_SHA1] = "SHA-1",
	[DIGEST_MD5] = "MD5",
};

const char *
digest_name(enum digest_algo a)
{
	return (unsigned)a < DIGEST_ALGO_COUNT ? names[a] : "?";
}

size_t
digest_hex_len(enum digest_algo a)
{
	static const size_t len[DIGEST_ALGO_COUNT] = {
		[DIGEST_SHA256] = 64, [DIGEST_SHA512] = 128,
		[DIGEST_SHA1] = 40, [DIGEST_MD5] = 32,
	};

	return (unsigned)a < DIGEST_ALGO_COUNT ? len[a] : 0;
}

int
digest_lookup(const char *name, enum digest_algo *out)
{
	unsigned i;

	for (i = 0; i < DIGEST_ALGO_COUNT; i++) {
		if (strcasecmp(name, names[i]) == 0) {
			*out = (enum digest_algo)i;
			return 0;
		}
	}
	return -1;
}

static const EVP_MD *
md_of(enum digest_algo a)
{
	switch (a) {
	case DIGEST_SHA256: return EVP_sha256();
	case DIGEST_SHA512: return EVP_sha512();
	case DIGEST_SHA1: return EVP_sha1();
	case DIGEST_MD5: return EVP_md5();
	case DIGEST_ALGO_COUNT: break;
	}
	return NULL;
}

struct digest *
digest_new(enum digest_algo a)
{
	const EVP_MD *md = md_of(a);
	struct digest *d;

	if (md == NULL || (d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(d->ctx, md, NULL) != 1) {
		digest_free(d);
		return NULL;
	}
	return d;
}

int
digest_update(struct digest *d, const void *p, size_t n)
{
	return n == 0 || EVP_DigestUpdate(d->ctx, p, n) == 1 ? 0 : -1;
}

int
digest_final_hex(struct digest *d, char *hex)
{
	static const char xd[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0, i;

	if (EVP_DigestFinal_ex(d->ctx, md, &n) != 1 || 2 * n + 1 > DIGEST_HEX_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		hex[2 * i] = xd[md[i] >> 4];
		hex[2 * i + 1] = xd[md[i] & 15];
	}
	hex[2 * n] = '\0';
	return 0;
}

void
digest_free(struct digest *d)
{
	if (d == NULL)
		return;
	EVP_MD_CTX_free(d->ctx);
	free(d);
}
