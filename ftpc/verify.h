/*
 * verify: end-to-end checks of binary transfers with the server's HASH
 * (draft-bryan-ftpext-hash).
 *
 * A transfer feeds the bytes it sends or receives to verify_add as they
 * pass (a resumed one first feeds the local prefix once with
 * verify_add_prefix); afterwards verify_finish asks the server for its
 * hash of the file (or of a RANG range) and compares. The local file is
 * never read a second time.
 *
 * By default (VERIFY_AUTO) a transfer that cannot be verified (the
 * server offers no HASH or refuses it, TYPE A) stays successful and
 * unverified, with the reason written to notes (-v). VERIFY_REQUIRED
 * (--verify) turns those cases into failures; VERIFY_OFF (--no-verify)
 * never asks. A hash that differs is always a failure.
 */
#ifndef FTPC_VERIFY_H
#define FTPC_VERIFY_H

#include <stdio.h>
#include <sys/types.h>

#include "compat.h"
#include "digest.h"
#include "proto.h"
#include "status.h"

enum verify_mode {
	VERIFY_AUTO,		/* when the server offers HASH */
	VERIFY_REQUIRED,	/* --verify: unverifiable is a failure */
	VERIFY_OFF,		/* --no-verify */
};

struct verify {
	enum verify_mode mode;
	FILE *notes;		/* where "not verified: why" goes; NULL none */
	const char *name;	/* the transfer's name for those notes */
	struct digest *d;	/* NULL: this transfer is not verified */
	enum digest_algo algo;
	int broken;		/* a digest_update failed */
	char suffix[32];	/* ", verified SHA-256" once verified, else "" */
};

/*
 * Decides whether one transfer is verified and starts its hash. name is
 * kept (not copied). Returns FC_OK (v->d is set when verifying), or, with
 * VERIFY_REQUIRED and nothing to verify with, FC_XFER with the reason in
 * s->err ("server offers no HASH"); then nothing has been transferred.
 */
enum fc_status verify_begin(struct verify *v, struct proto *s,
    enum verify_mode mode, int ascii, const char *name, FILE *notes);

/* Adds bytes that passed. No-op when not verifying. */
void verify_add(struct verify *v, const void *p, size_t n);

/*
 * Adds the first len bytes of the local file fd (what a resume keeps).
 * Returns 0, or -1 with errno when it cannot be read.
 */
int verify_add_prefix(struct verify *v, int fd, off_t len) WARN_UNUSED;

/*
 * Asks the server for its hash of remote (of bytes first..last, both
 * inclusive, with RANG, when last >= 0) and compares it with what was
 * added. Returns FC_OK when verified (v->suffix says so) or when left
 * unverified under VERIFY_AUTO; FC_XFER on a mismatch, or when the
 * server refuses under VERIFY_REQUIRED; FC_CONNECT when the connection
 * is lost. The reason is in s->err. Ends the hash either way.
 */
enum fc_status verify_finish(struct verify *v, struct proto *s,
    const char *remote, off_t first, off_t last);

/*
 * Ends the hash of what was added and writes it into hex. Returns 0, or
 * -1 when not verifying or the hash failed.
 */
int verify_final_hex(struct verify *v, char *hex) WARN_UNUSED;

/* Drops the hash (a failed transfer). Safe to call twice. */
void verify_end(struct verify *v);

/*
 * HASH of remote with algo (RANG first..last before it when last >= 0)
 * into hex (DIGEST_HEX_MAX). Returns FC_OK, or the failure with the
 * server's reply or the reason in s->err. For the shell's hash command.
 */
enum fc_status verify_remote_hash(struct proto *s, const char *remote,
    enum digest_algo algo, off_t first, off_t last, char *hex);

/*
 * Whether remote and local hold the same bytes by the server's HASH and
 * a hash of local (read once): 1 yes, 0 no, -1 cannot tell (no HASH,
 * refused, local unreadable).
 */
int verify_same_file(struct proto *s, const char *remote, const char *local);

/*
 * The hash of the whole local file path with algo into hex. Returns 0,
 * or -1 with errno. For mirror --verify's check of unchanged files.
 */
int verify_local_file(const char *path, enum digest_algo algo, char *hex) WARN_UNUSED;

#endif
