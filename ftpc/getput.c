/*
 * getput.c: see getput.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "getput.h"
#include "progress.h"
#include "xfer.h"

void
getput_defaults(struct getput_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->size = -1;
	o->mtime = -1;
}

int
getput_part_name(const char *local, char *out, size_t outsz)
{
	return xsnprintf(out, outsz, "%s%s", local, GETPUT_PART_SUFFIX);
}

static int
fd_sink(void *ctx, const char *p, size_t n)
{
	int fd = *(int *)ctx;
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t
fd_source(void *ctx, char *p, size_t n)
{
	int fd = *(int *)ctx;
	ssize_t r;

	do {
		r = read(fd, p, n);
	} while (r < 0 && errno == EINTR);
	return r;
}

/* A file descriptor and the hash its bytes feed (verify.h). */
struct hashed_fd {
	int fd;
	struct verify *v;
};

static int
hashed_sink(void *ctx, const char *p, size_t n)
{
	struct hashed_fd *h = ctx;

	if (fd_sink(&h->fd, p, n) < 0)
		return -1;
	verify_add(h->v, p, n);
	return 0;
}

static ssize_t
hashed_source(void *ctx, char *p, size_t n)
{
	struct hashed_fd *h = ctx;
	ssize_t r = fd_source(&h->fd, p, n);

	if (r > 0)
		verify_add(h->v, p, (size_t)r);
	return r;
}

static enum fc_status
local_fail(struct proto *s, const char *what, const char *path)
{
	fc_errf(s->err, sizeof(s->err), "%s %s: %s", what, path,
	    strerror(errno));
	return FC_LOCAL;
}

/* Learns size and mtime of remote when the caller did not know them. */
static void
remote_facts(struct proto *s, const char *remote, const struct getput_opts *o,
    off_t *size, time_t *mtime)
{
	char saved[sizeof(s->err)];

	memcpy(saved, s->err, sizeof(saved));
	*size = o->size;
	*mtime = o->mtime;
	if (*size < 0 && (s->feat & PF_SIZE) && !o->ascii &&
	    proto_size(s, remote, size) != FC_OK)
		*size = -1;
	if (*mtime < 0 && (s->feat & PF_MDTM) &&
	    proto_mdtm(s, remote, mtime) != FC_OK)
		*mtime = -1;
	memcpy(s->err, saved, sizeof(saved));
}

/* Where a download starts: the part file, or a local file to continue. */
static off_t
resume_offset(const char *local, const char *part, off_t size)
{
	struct stat st;
	off_t off = 0;

	if (stat(part, &st) == 0 && S_ISREG(st.st_mode))
		off = st.st_size;
	/*
	 * A local file longer than the remote one is no prefix of it: it
	 * stays under its name until a new download replaces it (renamed to
	 * the part file, it would be cut, and lost if the RETR failed).
	 */
	else if (stat(local, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size < 0 || st.st_size <= size) && rename(local, part) == 0)
		off = st.st_size;
	if (size >= 0 && off > size)
		off = 0;	/* not a prefix of this file: start again */
	return off;
}

static void
set_mtime(const char *path, time_t mtime)
{
	struct timespec ts[2];

	if (mtime < 0)
		return;
	ts[0].tv_sec = ts[1].tv_sec = mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	(void)utimensat(AT_FDCWD, path, ts, 0);
}

static enum fc_status
download_stdout(struct proto *s, const char *remote,
    const struct getput_opts *o, struct verify *v)
{
	struct hashed_fd h = { STDOUT_FILENO, v };
	struct xfer_io io;
	enum fc_status st;

	memset(&io, 0, sizeof(io));
	io.sink = hashed_sink;
	io.ctx = &h;
	io.limit = -1;
	st = xfer_run(s, o->ascii, 0, "RETR", remote, 0, &io);
	if (st != FC_OK) {
		verify_end(v);
		return st;
	}
	return verify_finish(v, s, remote, 0, -1);
}

int
getput_classify(const char *local, char *out, size_t outsz)
{
	char real[PATH_MAX];
	struct stat lst, st;

	if (lstat(local, &lst) < 0 || S_ISREG(lst.st_mode)) {
		/* A new name or a regular file: the part file and rename. */
		if (xstrlcpy(out, local, outsz) < 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		return GT_RENAME;
	}
	if (!S_ISLNK(lst.st_mode) || stat(local, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return GT_THROUGH;	/* device, FIFO, or a link to one */
	/* A link to a regular file: replace the file, keep the link. */
	if (realpath(local, real) == NULL)
		return GT_THROUGH;
	if (xstrlcpy(out, real, outsz) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return GT_RENAME;
}

/* The name a transfer shows: mirror's path below its root, or the file's. */
static const char *
shown_name(const char *local, const struct getput_opts *o)
{
	return o->label != NULL ? o->label : progress_basename(local);
}

/* The summary of a reget or reput that found the file already whole. */
static void
nothing_moved(const char *local, const struct getput_opts *o, int upload,
    const struct verify *v)
{
	struct progress prog;

	if (o->report == NULL)
		return;
	progress_begin(&prog, shown_name(local, o), 0, 0, 0, NULL);
	progress_end(&prog);
	progress_report_with(&prog, o->report, upload, v->suffix);
}

/*
 * Runs RETR into fd from offset off with the bar, feeding v. The caller
 * prints the summary (prog) once the hash is checked.
 */
static enum fc_status
fetch_into(struct proto *s, const char *remote, const char *shown, int fd,
    off_t off, off_t size, const struct getput_opts *o, off_t *done,
    struct verify *v, struct progress *prog)
{
	struct hashed_fd h = { fd, v };
	struct xfer_io io;
	enum fc_status st;

	memset(&io, 0, sizeof(io));
	io.sink = hashed_sink;
	io.ctx = &h;
	io.limit = -1;
	io.prog = prog;
	progress_begin(prog, shown_name(shown, o), size, off, o->progress,
	    stderr);
	st = xfer_run(s, o->ascii, off, "RETR", remote, 0, &io);
	progress_end(prog);
	*done = io.done;
	if (st != FC_OK)
		verify_end(v);
	return st;
}

static void
report(const struct getput_opts *o, const struct progress *prog, int upload,
    const struct verify *v)
{
	if (o->report != NULL)
		progress_report_with(prog, o->report, upload, v->suffix);
}

/*
 * Writes straight into a device, a FIFO or whatever a dangling link
 * names: such a target is never replaced, and cannot be resumed.
 */
static enum fc_status
download_through(struct proto *s, const char *remote, const char *local,
    const struct getput_opts *o, off_t size, struct verify *v)
{
	struct progress prog;
	enum fc_status st;
	off_t done;
	int fd;

	fd = open(local, O_WRONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0666);
	if (fd < 0) {
		verify_end(v);
		return local_fail(s, "cannot open", local);
	}
	st = fetch_into(s, remote, local, fd, 0, size, o, &done, v, &prog);
	if (st == FC_LOCAL)
		(void)local_fail(s, "cannot write", local);
	if (close(fd) < 0 && st == FC_OK)
		st = local_fail(s, "cannot write", local);
	if (st == FC_OK)
		st = verify_finish(v, s, remote, 0, -1);
	verify_end(v);
	if (st == FC_OK)
		report(o, &prog, 0, v);
	return st;
}

/*
 * A reget that found the whole file there already: its hash is that of
 * the part file, read once. Returns FC_OK or the failure (part kept).
 */
static enum fc_status
check_complete_part(struct proto *s, const char *remote, const char *part,
    struct verify *v)
{
	enum fc_status st;
	struct stat sb;
	int fd;

	if (v->d == NULL)
		return FC_OK;
	if ((fd = open(part, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0 ||
	    verify_add_prefix(v, fd, sb.st_size) < 0) {
		st = local_fail(s, "cannot read", part);
		if (fd >= 0)
			close(fd);
		verify_end(v);
		return st;
	}
	close(fd);
	return verify_finish(v, s, remote, 0, -1);
}

/* A download whose hash differs keeps its part file: say where. */
static enum fc_status
kept(struct proto *s, enum fc_status st, const char *part)
{
	char why[sizeof(s->err)];

	if (st == FC_XFER) {
		fc_errf(why, sizeof(why), "%s; the download is kept in %s",
		    s->err, part);
		memcpy(s->err, why, sizeof(s->err));
	}
	return st;
}

enum fc_status
getput_download(struct proto *s, const char *remote, const char *local,
    const struct getput_opts *o)
{
	char part[4096 + 16], target[4096];
	struct progress prog;
	struct verify v;
	enum fc_status st;
	off_t size, off = 0, done;
	time_t mtime;
	int fd, kind;

	/* Decided first: a --verify that cannot be met touches nothing. */
	st = verify_begin(&v, s, o->verify, o->ascii, shown_name(local, o),
	    o->notes);
	if (st != FC_OK)
		return st;
	if (strcmp(local, "-") == 0)
		return download_stdout(s, remote, o, &v);
	kind = getput_classify(local, target, sizeof(target));
	if (kind < 0 || getput_part_name(target, part, sizeof(part)) < 0) {
		verify_end(&v);
		fc_errf(s->err, sizeof(s->err), "local name too long");
		return FC_LOCAL;
	}
	remote_facts(s, remote, o, &size, &mtime);
	if (kind == GT_THROUGH)
		return download_through(s, remote, local, o, size, &v);
	if (o->resume)
		off = resume_offset(target, part, size);
	if (off > 0 && off == size) {
		if ((st = check_complete_part(s, remote, part, &v)) != FC_OK)
			return kept(s, st, part);
		nothing_moved(local, o, 0, &v);
		goto complete;
	}
	/* Read and write: a resume hashes the prefix it keeps. */
	fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC | (off ? 0 : O_TRUNC),
	    0666);
	if (fd < 0) {
		verify_end(&v);
		return local_fail(s, "cannot create", part);
	}
	if (lseek(fd, off, SEEK_SET) < 0 || ftruncate(fd, off) < 0 ||
	    verify_add_prefix(&v, fd, off) < 0) {
		st = local_fail(s, "cannot resume in", part);
		close(fd);
		verify_end(&v);
		return st;
	}
	st = fetch_into(s, remote, local, fd, off, size, o, &done, &v, &prog);
	if (st == FC_LOCAL)
		(void)local_fail(s, "cannot write", part);
	if (close(fd) < 0 && st == FC_OK)
		st = local_fail(s, "cannot write", part);
	if (st != FC_OK) {
		verify_end(&v);
		/* Keep a part file worth resuming; drop an empty one. */
		if (off == 0 && done == 0)
			(void)unlink(part);
		return st;
	}
	/* Never renamed over the target unless the hash agrees. */
	if ((st = verify_finish(&v, s, remote, 0, -1)) != FC_OK)
		return kept(s, st, part);
	report(o, &prog, 0, &v);
complete:
	if (rename(part, target) < 0)
		return local_fail(s, "cannot rename to", target);
	set_mtime(target, mtime);
	return FC_OK;
}

/* Opens local for sending: a regular file. Returns fd, or -1 (s->err). */
static int
open_source(struct proto *s, const char *local, off_t *size)
{
	struct stat st;
	int fd = open(local, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		(void)local_fail(s, "cannot open", local);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fstat(fd, &st) == 0)
			errno = EISDIR;	/* a folder, a FIFO, a device */
		(void)local_fail(s, "cannot send", local);
		close(fd);
		return -1;
	}
	*size = st.st_size;
	return fd;
}

/*
 * reput: the remote size is where sending resumes. What the server has
 * is taken to be our prefix, so it is hashed (read once). Sets *off.
 */
static enum fc_status
resume_upload(struct proto *s, int fd, const char *local, const char *remote,
    off_t size, struct verify *v, off_t *off)
{
	if (proto_size(s, remote, off) != FC_OK || *off < 0)
		*off = 0;
	if (verify_add_prefix(v, fd, *off < size ? *off : size) < 0)
		return local_fail(s, "cannot read", local);
	if (*off > 0 && *off < size && lseek(fd, *off, SEEK_SET) < 0)
		return local_fail(s, "cannot seek in", local);
	return FC_OK;
}

enum fc_status
getput_upload(struct proto *s, const char *local, const char *remote,
    const struct getput_opts *o)
{
	struct progress prog;
	struct hashed_fd h;
	struct xfer_io io;
	struct verify v;
	enum fc_status rc;
	const char *cmd = o->append ? "APPE" : "STOR";
	off_t off = 0, size;
	int fd;

	if (o->append && o->verify == VERIFY_REQUIRED) {
		/* The server's file is what was there plus ours: no hash of
		 * ours alone to compare. */
		fc_errf(s->err, sizeof(s->err), "--verify cannot check an "
		    "append (use put or reput)");
		return FC_XFER;
	}
	rc = verify_begin(&v, s, o->append ? VERIFY_OFF : o->verify, o->ascii,
	    shown_name(local, o), o->notes);
	if (rc != FC_OK)
		return rc;
	if ((fd = open_source(s, local, &size)) < 0) {
		verify_end(&v);
		return FC_LOCAL;
	}
	if (o->resume &&
	    (rc = resume_upload(s, fd, local, remote, size, &v, &off)) != FC_OK) {
		close(fd);
		verify_end(&v);
		return rc;
	}
	if (o->resume && off >= size) {
		close(fd);
		/* Nothing left to send; the server's copy is checked. */
		if ((rc = verify_finish(&v, s, remote, 0, -1)) == FC_OK)
			nothing_moved(local, o, 1, &v);
		return rc;
	}
	if (off > 0)
		cmd = "APPE";
	h.fd = fd;
	h.v = &v;
	memset(&io, 0, sizeof(io));
	io.source = hashed_source;
	io.ctx = &h;
	io.limit = -1;
	io.prog = &prog;
	progress_begin(&prog, shown_name(local, o), size, off, o->progress,
	    stderr);
	rc = xfer_run(s, o->ascii, 0, cmd, remote, 1, &io);
	progress_end(&prog);
	if (rc == FC_LOCAL)
		(void)local_fail(s, "cannot read", local);
	close(fd);
	if (rc == FC_OK)
		rc = verify_finish(&v, s, remote, 0, -1);
	verify_end(&v);
	if (rc == FC_OK)
		report(o, &prog, 1, &v);
	return rc;
}
