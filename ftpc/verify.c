/*
 * verify.c: transfers checked with the server's HASH; see verify.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "reply.h"
#include "verify.h"

#define CHUNK (256 * 1024)

/* The algorithm to ask for: SHA-256 unless the server lists others only. */
static enum digest_algo
pick_algo(const struct proto *s)
{
	static const enum digest_algo pref[] = {
		DIGEST_SHA256, DIGEST_SHA512, DIGEST_SHA1, DIGEST_MD5,
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(pref); i++)
		if (s->hash_algos & (1u << pref[i]))
			return pref[i];
	return DIGEST_SHA256;
}

static void
note(const struct verify *v, const char *why)
{
	if (v->notes != NULL) {
		fprintf(v->notes, "%s: not verified: %s\n", v->name, why);
		fflush(v->notes);
	}
}

enum fc_status
verify_begin(struct verify *v, struct proto *s, enum verify_mode mode,
    int ascii, const char *name, FILE *notes)
{
	memset(v, 0, sizeof(*v));
	v->mode = mode;
	v->notes = notes;
	v->name = name;
	if (mode == VERIFY_OFF)
		return FC_OK;
	if (ascii) {
		if (mode == VERIFY_REQUIRED) {
			fc_errf(s->err, sizeof(s->err), "--verify needs binary "
			    "mode: an ASCII transfer changes the bytes");
			return FC_XFER;
		}
		note(v, "ASCII transfers change line ends");
		return FC_OK;
	}
	if (!(s->feat & PF_HASH)) {
		if (mode == VERIFY_REQUIRED) {
			fc_errf(s->err, sizeof(s->err), "server offers no HASH");
			return FC_XFER;
		}
		note(v, "server offers no HASH");
		return FC_OK;
	}
	v->algo = pick_algo(s);
	if ((v->d = digest_new(v->algo)) == NULL) {
		fc_errf(s->err, sizeof(s->err), "out of memory");
		return FC_LOCAL;
	}
	return FC_OK;
}

void
verify_add(struct verify *v, const void *p, size_t n)
{
	if (v->d != NULL && !v->broken && digest_update(v->d, p, n) < 0)
		v->broken = 1;
}

int
verify_add_prefix(struct verify *v, int fd, off_t len)
{
	char *buf;
	off_t off = 0;
	ssize_t r;

	if (v->d == NULL || len <= 0)
		return 0;
	if ((buf = malloc(CHUNK)) == NULL)
		return -1;
	while (off < len) {
		size_t want = len - off < CHUNK ? (size_t)(len - off) : CHUNK;

		r = pread(fd, buf, want, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ENODATA;
			free(buf);
			return -1;
		}
		verify_add(v, buf, (size_t)r);
		off += r;
	}
	free(buf);
	return 0;
}

int
verify_final_hex(struct verify *v, char *hex)
{
	int rc = v->d != NULL && !v->broken ? digest_final_hex(v->d, hex) : -1;

	verify_end(v);
	return rc;
}

void
verify_end(struct verify *v)
{
	digest_free(v->d);
	v->d = NULL;
}

/* Makes algo the session's HASH algorithm. Returns the reply code. */
static int
select_algo(struct proto *s, enum digest_algo algo)
{
	int code;

	if (s->hash_sel == (int)algo)
		return R_200_OK;
	code = proto_cmd(s, "OPTS HASH %s", digest_name(algo));
	if (code == R_200_OK)
		s->hash_sel = (int)algo;
	return code;
}

/*
 * Reads "ALGO START-END HEX PATH" from a 213 reply's last line. The
 * algorithm must be the one asked for and the hex a digest's length.
 */
static int
parse_hash_reply(const char *line, enum digest_algo algo, char *hex)
{
	const char *p = line, *sp;
	size_t n, want = strlen(digest_name(algo));

	if (strncasecmp(p, digest_name(algo), want) != 0 || p[want] != ' ')
		return -1;
	p += want + 1;
	if ((sp = strchr(p, ' ')) == NULL)	/* the range */
		return -1;
	p = sp + 1;
	n = strcspn(p, " ");
	if (n != digest_hex_len(algo))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		    (ch >= 'A' && ch <= 'F')))
			return -1;
		hex[i] = (char)(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
	}
	hex[n] = '\0';
	return 0;
}

enum fc_status
verify_remote_hash(struct proto *s, const char *remote, enum digest_algo algo,
    off_t first, off_t last, char *hex)
{
	int code;

	code = select_algo(s, algo);
	if (code != R_200_OK)
		return proto_fail(s, code);
	if (last >= 0) {
		code = proto_cmd(s, "RANG %lld %lld", (long long)first,
		    (long long)last);
		if (code != R_350_PENDING)
			return proto_fail(s, code);
	}
	code = proto_cmd(s, "HASH %s", remote);
	if (code != R_213_FILE_STATUS)
		return proto_fail(s, code);
	if (parse_hash_reply(proto_reply_last(s), algo, hex) < 0) {
		fc_errf(s->err, sizeof(s->err), "cannot read the HASH reply: %s",
		    proto_reply_last(s));
		return FC_REMOTE;
	}
	return FC_OK;
}

enum fc_status
verify_finish(struct verify *v, struct proto *s, const char *remote,
    off_t first, off_t last)
{
	char mine[DIGEST_HEX_MAX], theirs[DIGEST_HEX_MAX], why[600];
	enum fc_status st;

	if (v->d == NULL)
		return FC_OK;
	if (verify_final_hex(v, mine) < 0) {
		fc_errf(s->err, sizeof(s->err), "cannot compute the hash");
		return FC_LOCAL;
	}
	st = verify_remote_hash(s, remote, v->algo, first, last, theirs);
	if (st == FC_CONNECT)
		return st;
	if (st != FC_OK) {
		if (v->mode == VERIFY_REQUIRED) {
			/* s->err holds the server's reply. */
			fc_errf(why, sizeof(why), "HASH refused: %s", s->err);
			memcpy(s->err, why, sizeof(s->err));
			s->err[sizeof(s->err) - 1] = '\0';
			return FC_XFER;
		}
		fc_errf(why, sizeof(why), "HASH refused: %s", s->err);
		note(v, why);
		s->err[0] = '\0';
		return FC_OK;
	}
	if (strcmp(mine, theirs) != 0) {
		fc_errf(s->err, sizeof(s->err), "%s mismatch: the server has %s, "
		    "the transfer %s", digest_name(v->algo), theirs, mine);
		return FC_XFER;
	}
	fc_errf(v->suffix, sizeof(v->suffix), ", verified %s",
	    digest_name(v->algo));
	return FC_OK;
}

int
verify_same_file(struct proto *s, const char *remote, const char *local)
{
	char mine[DIGEST_HEX_MAX], theirs[DIGEST_HEX_MAX];
	enum digest_algo algo = pick_algo(s);

	if (!(s->feat & PF_HASH) ||
	    verify_remote_hash(s, remote, algo, 0, -1, theirs) != FC_OK ||
	    verify_local_file(local, algo, mine) < 0)
		return -1;
	return strcmp(mine, theirs) == 0;
}

int
verify_local_file(const char *path, enum digest_algo algo, char *hex)
{
	struct verify v;
	off_t len;
	int fd, rc = -1, e;

	memset(&v, 0, sizeof(v));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((len = lseek(fd, 0, SEEK_END)) >= 0 &&
	    (v.d = digest_new(algo)) != NULL &&
	    verify_add_prefix(&v, fd, len) == 0 && verify_final_hex(&v, hex) == 0)
		rc = 0;
	e = errno;
	verify_end(&v);
	close(fd);
	errno = e;
	return rc;
}
