/*
 * pget.c: one file in N parallel segments, each on its own connection.
 *
 * Segment i asks for REST start_i and reads exactly its length, then
 * drops its connection (the server's end of the file belongs to the next
 * segment). All segments write into one preallocated part file with
 * pwrite, which is renamed when every segment is complete. A failed pget
 * removes its part file: a sparse file full of holes must never look
 * like a resumable prefix to reget.
 *
 * Verification (verify.h): each segment hashes the bytes it receives,
 * and once all are in, each is compared with the server's HASH of its
 * range (RANG); together they cover the whole file. A server that takes
 * HASH but not RANG gets the whole file's HASH instead, compared with
 * the part file read once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmdtable.h"
#include "getput.h"
#include "xfer.h"

#define PGET_MAX 16
#define PGET_MIN_SEGMENT (64 * 1024)

struct segment {
	const struct proto *origin;
	const char *remote;
	int fd;
	off_t start;
	off_t len;		/* -1: to the end of the file */
	off_t written;		/* read by the main thread: atomic */
	int finished;		/* atomic */
	struct verify v;	/* the segment's bytes, fed by its thread */
	enum fc_status st;
	char err[512];
};

static int
segment_sink(void *ctx, const char *p, size_t n)
{
	struct segment *sg = ctx;
	off_t at = sg->start + __atomic_load_n(&sg->written, __ATOMIC_RELAXED);
	ssize_t w;

	while (n > 0) {
		w = pwrite(sg->fd, p, n, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		verify_add(&sg->v, p, (size_t)w);
		p += w;
		n -= (size_t)w;
		at += w;
		__atomic_add_fetch(&sg->written, w, __ATOMIC_RELAXED);
	}
	return 0;
}

static void *
segment_run(void *arg)
{
	struct segment *sg = arg;
	struct xfer_io io;
	struct proto s;

	sg->st = proto_clone(&s, sg->origin);
	if (sg->st == FC_OK) {
		memset(&io, 0, sizeof(io));
		io.sink = segment_sink;
		io.ctx = sg;
		io.limit = sg->len;
		sg->st = xfer_run(&s, 0, sg->start, "RETR", sg->remote, 0, &io);
		if (sg->st == FC_OK && sg->len >= 0 && io.done != sg->len) {
			fc_errf(s.err, sizeof(s.err), "segment at %lld ended early",
			    (long long)sg->start);
			sg->st = FC_XFER;
		}
	}
	if (sg->st != FC_OK)
		memcpy(sg->err, s.err, sizeof(sg->err));
	proto_quit(&s);
	proto_free(&s);
	__atomic_store_n(&sg->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Waits for the segments, drawing the bar; returns the first failure. */
static enum fc_status
wait_segments(struct segment *sg, pthread_t *th, int n, struct progress *p,
    char *err, size_t errsz)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	enum fc_status st = FC_OK;
	int i, done;
	off_t sum;

	do {
		nanosleep(&tick, NULL);
		done = 0;
		sum = 0;
		for (i = 0; i < n; i++) {
			done += __atomic_load_n(&sg[i].finished, __ATOMIC_ACQUIRE);
			sum += __atomic_load_n(&sg[i].written, __ATOMIC_RELAXED);
		}
		progress_update(p, sum);
	} while (done < n);
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (sg[i].st != FC_OK && st == FC_OK) {
			st = sg[i].st;
			fc_errf(err, errsz, "%s", sg[i].err);
		}
	}
	return st;
}

/*
 * The fallback when RANG is refused: the whole file's HASH against the
 * finished part file, read once. FC_REMOTE: the server refused HASH.
 */
static enum fc_status
verify_whole(struct client *c, const char *remote, const char *part,
    enum digest_algo algo, char *suffix, size_t suffixsz)
{
	char mine[DIGEST_HEX_MAX], theirs[DIGEST_HEX_MAX];
	enum fc_status st;

	st = verify_remote_hash(&c->s, remote, algo, 0, -1, theirs);
	if (st != FC_OK)
		return st == FC_CONNECT ? st : FC_REMOTE;
	if (verify_local_file(part, algo, mine) < 0) {
		fc_errf(c->s.err, sizeof(c->s.err), "cannot read %s: %s", part,
		    strerror(errno));
		return FC_LOCAL;
	}
	if (strcmp(mine, theirs) != 0) {
		fc_errf(c->s.err, sizeof(c->s.err), "%s mismatch: the server "
		    "has %s, the transfer %s", digest_name(algo), theirs, mine);
		return FC_XFER;
	}
	fc_errf(suffix, suffixsz, ", verified %s", digest_name(algo));
	return FC_OK;
}

/*
 * Checks every segment against the server's HASH of its range. Returns
 * FC_OK (suffix set when verified), or the failure in c->s.err.
 */
static enum fc_status
verify_segments(struct client *c, const char *remote, const char *part,
    struct segment *sg, int n, off_t size, char *suffix, size_t suffixsz)
{
	char mine[DIGEST_HEX_MAX], theirs[DIGEST_HEX_MAX];
	enum digest_algo algo = sg[0].v.algo;
	enum fc_status st = FC_OK;
	int i, ranged = 1;

	suffix[0] = '\0';
	if (sg[0].v.d == NULL)
		return FC_OK;	/* not verifying: verify_begin said why */
	for (i = 0; i < n && st == FC_OK && ranged; i++) {
		off_t last = sg[i].len >= 0 ? sg[i].start + sg[i].len - 1 :
		    size - 1;

		if (verify_final_hex(&sg[i].v, mine) < 0) {
			fc_errf(c->s.err, sizeof(c->s.err), "cannot hash");
			st = FC_LOCAL;
		} else if ((st = verify_remote_hash(&c->s, remote, algo,
		    sg[i].start, last, theirs)) != FC_OK) {
			/* RANG or HASH refused: try the whole file. */
			ranged = st == FC_CONNECT;
		} else if (strcmp(mine, theirs) != 0) {
			fc_errf(c->s.err, sizeof(c->s.err), "%s mismatch in bytes "
			    "%lld-%lld: the server has %s, the transfer %s",
			    digest_name(algo), (long long)sg[i].start,
			    (long long)last, theirs, mine);
			st = FC_XFER;
		}
	}
	if (st == FC_OK) {
		fc_errf(suffix, suffixsz, ", verified %s (%d part%s)",
		    digest_name(algo), n, n == 1 ? "" : "s");
		return FC_OK;
	}
	if (ranged)
		return st;
	st = verify_whole(c, remote, part, algo, suffix, suffixsz);
	if (st != FC_REMOTE)
		return st;
	/* The server refused HASH itself. */
	if (c->verify == VERIFY_REQUIRED)
		return FC_XFER;
	if (client_notes(c) != NULL)
		fprintf(client_notes(c), "%s: not verified: HASH refused: %s\n",
		    remote, c->s.err);
	return FC_OK;
}

/*
 * Starts each segment's hash: decided before anything is written, since
 * --verify may refuse. Returns FC_OK, or the failure in c->s.err.
 */
static enum fc_status
begin_segments(struct client *c, struct segment *sg, int n, const char *local)
{
	enum fc_status st;
	int i;

	for (i = 0; i < n; i++) {
		st = verify_begin(&sg[i].v, &c->s, c->verify, 0,
		    progress_basename(local), i == 0 ? client_notes(c) : NULL);
		if (st != FC_OK) {
			while (i-- > 0)
				verify_end(&sg[i].v);
			return st;
		}
	}
	return FC_OK;
}

static void
end_segments(struct segment *sg, int n)
{
	int i;

	for (i = 0; i < n; i++)
		verify_end(&sg[i].v);
}

/* Runs the n segments into fd and waits for them. FC_OK or the failure. */
static enum fc_status
run_segments(struct client *c, const char *remote, int fd, struct segment *sg,
    int n, off_t size, struct progress *prog)
{
	pthread_t th[PGET_MAX];
	off_t each = size / n;
	enum fc_status st;
	int i, started;

	for (started = 0; started < n; started++) {
		sg[started].origin = &c->s;
		sg[started].remote = remote;
		sg[started].fd = fd;
		sg[started].start = (off_t)started * each;
		sg[started].len = started == n - 1 ? -1 : each;
		if (pthread_create(&th[started], NULL, segment_run, &sg[started]) != 0)
			break;
	}
	for (i = started; i < n; i++)
		sg[i].finished = 1;
	st = wait_segments(sg, th, started, prog, c->s.err, sizeof(c->s.err));
	if (st == FC_OK && started < n) {
		st = FC_LOCAL;
		fc_errf(c->s.err, sizeof(c->s.err), "cannot start threads");
	}
	return st;
}

static enum fc_status
pget_segments(struct client *c, const char *remote, const char *local,
    off_t size, int n)
{
	char part[CLIENT_PATH_MAX + 16], suffix[48];
	struct segment sg[PGET_MAX];
	struct progress prog;
	enum fc_status st;
	time_t mtime = -1;
	int fd;

	if (getput_part_name(local, part, sizeof(part)) < 0)
		return client_fail(c, FC_USAGE, "pget: name too long");
	memset(sg, 0, sizeof(sg));
	if ((st = begin_segments(c, sg, n, local)) != FC_OK)
		return client_fail(c, st, "pget %s: %s", remote, c->s.err);
	if ((c->s.feat & PF_MDTM) && proto_mdtm(&c->s, remote, &mtime) != FC_OK)
		mtime = -1;
	fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || ftruncate(fd, size) < 0) {
		st = client_fail(c, FC_LOCAL, "pget: %s: %s", part, strerror(errno));
		if (fd >= 0)
			close(fd);
		end_segments(sg, n);
		return st;
	}
	progress_begin(&prog, progress_basename(local), size, 0,
	    client_progress_on(c), stderr);
	st = run_segments(c, remote, fd, sg, n, size, &prog);
	progress_end(&prog);
	if (close(fd) < 0 && st == FC_OK) {
		st = FC_LOCAL;
		fc_errf(c->s.err, sizeof(c->s.err), "%s", strerror(errno));
	}
	if (st != FC_OK) {
		end_segments(sg, n);
		(void)unlink(part);
		return client_fail(c, st, "pget %s: %s", remote, c->s.err);
	}
	st = verify_segments(c, remote, part, sg, n, size, suffix,
	    sizeof(suffix));
	end_segments(sg, n);
	if (st != FC_OK)
		/* Whole but wrong: kept for inspection, never renamed. */
		return client_fail(c, st, "pget %s: %s%s%s", remote, c->s.err,
		    st == FC_XFER ? "; the download is kept in " : "",
		    st == FC_XFER ? part : "");
	if (rename(part, local) < 0)
		return client_fail(c, FC_LOCAL, "pget: %s: %s", local,
		    strerror(errno));
	if (mtime >= 0) {
		struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };

		(void)utimensat(AT_FDCWD, local, ts, 0);
	}
	if (!c->quiet)
		progress_report_with(&prog, stdout, 0, suffix);
	return FC_OK;
}

enum fc_status
ftpc_cmd_pget(struct client *c, int argc, char **argv)
{
	char tmp[CLIENT_PATH_MAX], target[CLIENT_PATH_MAX], *end;
	const char *remote, *local;
	struct getput_opts o;
	enum fc_status st;
	long n = 4;
	off_t size;
	int a = 1, kind;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		n = strtol(argv[2], &end, 10);
		if (*end != '\0' || n < 1 || n > PGET_MAX)
			return client_fail(c, FC_USAGE,
			    "pget: -n takes 1 to %d", PGET_MAX);
		a = 3;
	}
	if (a >= argc || argc - a > 2)
		return client_fail(c, FC_USAGE, "usage: pget [-n N] remote-file "
		    "[local-file]");
	if (c->ascii)
		return client_fail(c, FC_USAGE, "pget: only in binary mode");
	remote = argv[a];
	local = a + 1 < argc ? argv[a + 1] : client_basename(remote, tmp, sizeof(tmp));
	if (proto_size(&c->s, remote, &size) != FC_OK)
		size = -1;
	if (size >= 0 && size / n < PGET_MIN_SEGMENT)
		n = size / PGET_MIN_SEGMENT > 0 ? (long)(size / PGET_MIN_SEGMENT) : 1;
	kind = strcmp(local, "-") == 0 ? GT_THROUGH :
	    getput_classify(local, target, sizeof(target));
	if (kind < 0)
		return client_fail(c, FC_USAGE, "pget: name too long");
	if (size < 0 || n == 1 || kind == GT_THROUGH) {
		/*
		 * No size, too small to split, or a target that is written
		 * through (stdout, a device, a FIFO): one ordinary download.
		 */
		getput_defaults(&o);
		o.progress = client_progress_on(c) && strcmp(local, "-") != 0;
		o.report = c->quiet || strcmp(local, "-") == 0 ? NULL : stdout;
		o.size = size;
		o.verify = c->verify;
		o.notes = client_notes(c);
		st = getput_download(&c->s, remote, local, &o);
		if (st != FC_OK)
			return client_fail(c, st, "pget %s: %s", remote, c->s.err);
		return FC_OK;
	}
	/* A link to a regular file: the segments build what it points to. */
	return pget_segments(c, remote, target, size, (int)n);
}
