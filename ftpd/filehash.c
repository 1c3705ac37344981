/*
 * filehash.c: hashing a range of a file in fixed chunks; see filehash.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "filehash.h"

/* Reads up to n bytes at off, retrying interrupted reads. */
static ssize_t
read_at(int fd, unsigned char *p, size_t n, off_t off)
{
	ssize_t r;

	do
		r = pread(fd, p, n, off);
	while (r < 0 && errno == EINTR);
	return r;
}

int
filehash_range(int fd, enum digest_algo algo, off_t start, off_t end,
    int (*cancelled)(void *ctx), void *ctx, char *hex)
{
	struct digest *d;
	unsigned char *chunk;
	off_t off = start;
	int err = 0;

	if ((d = digest_new(algo)) == NULL ||
	    (chunk = malloc(FILEHASH_CHUNK)) == NULL) {
		digest_free(d);
		errno = ENOMEM;
		return -1;
	}
	(void)posix_fadvise(fd, start, end - start, POSIX_FADV_SEQUENTIAL);
	while (off < end && err == 0) {
		size_t want = end - off < FILEHASH_CHUNK ?
		    (size_t)(end - off) : FILEHASH_CHUNK;
		ssize_t r;

		if (cancelled != NULL && cancelled(ctx)) {
			err = ECANCELED;
			break;
		}
		r = read_at(fd, chunk, want, off);
		if (r < 0)
			err = errno;
		else if (r == 0)
			err = ENODATA;
		else if (digest_update(d, chunk, (size_t)r) < 0)
			err = ENOMEM;
		else
			off += r;
	}
	if (err == 0 && digest_final_hex(d, hex) < 0)
		err = ENOMEM;
	free(chunk);
	digest_free(d);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}
