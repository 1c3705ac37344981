/*
 * filehash: the hash of a byte range of an open file, with bounded memory.
 *
 * Runs on a hash thread (hashpool.h): it blocks on disk reads, which is
 * why it never runs on an event loop. Reads with pread(2) in fixed chunks
 * (FILEHASH_CHUNK), so the memory a hash takes does not depend on the
 * file's size, and checks a cancel flag between chunks, so a session that
 * goes away or a server that stops does not wait for a big file's end.
 */
#ifndef FTPD_FILEHASH_H
#define FTPD_FILEHASH_H

#include <sys/types.h>

#include "compat.h"
#include "digest.h"

#define FILEHASH_CHUNK (256 * 1024)

/*
 * Hashes bytes [start, end) of fd with algo into hex (DIGEST_HEX_MAX).
 * Before each chunk it asks cancelled(ctx) (when not NULL) and stops
 * when that returns non-zero. Returns 0,
 * or -1 with errno: ECANCELED (cancelled), ENODATA (the file ended before
 * end: it shrank meanwhile), ENOMEM, or a read error.
 */
int filehash_range(int fd, enum digest_algo algo, off_t start, off_t end,
    int (*cancelled)(void *ctx), void *ctx, char *hex) WARN_UNUSED;

#endif
