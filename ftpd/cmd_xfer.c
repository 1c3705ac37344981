/*
 * cmd_xfer.c: transfer parameters and the transfer commands: TYPE, MODE,
 * STRU, REST, ALLO, RETR, STOR, STOU, APPE, ABOR, LIST, NLST, MLSD.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "listfmt.h"
#include "listing.h"
#include "reply.h"
#include "session.h"
#include "usage.h"
#include "uploadtmp.h"
#include "vfs.h"
#include "xfer.h"

/* Files larger than this get POSIX_FADV_SEQUENTIAL (twice the read-ahead). */
#define FADVISE_MIN (256 * 1024)

void
cmd_type(struct session *s, char *arg)
{
	if (strcasecmp(arg, "A") == 0 || strcasecmp(arg, "A N") == 0) {
		s->type_ascii = 1;
		session_reply(s, R_200_OK, "Switching to ASCII mode.");
	} else if (strcasecmp(arg, "I") == 0 || strcasecmp(arg, "L 8") == 0) {
		s->type_ascii = 0;
		session_reply(s, R_200_OK, "Switching to Binary mode.");
	} else {
		session_reply(s, R_504_NOT_IMPLEMENTED_FOR_ARG,
		    "Unsupported type: use A or I.");
	}
}

void
cmd_mode(struct session *s, char *arg)
{
	if (strcasecmp(arg, "S") == 0)
		session_reply(s, R_200_OK, "Mode set to S.");
	else
		session_reply(s, R_504_NOT_IMPLEMENTED_FOR_ARG, "Only mode S (stream) is supported.");
}

void
cmd_stru(struct session *s, char *arg)
{
	if (strcasecmp(arg, "F") == 0)
		session_reply(s, R_200_OK, "Structure set to F.");
	else
		session_reply(s, R_504_NOT_IMPLEMENTED_FOR_ARG, "Only structure F (file) is supported.");
}

void
cmd_rest(struct session *s, char *arg)
{
	uintmax_t v;
	char *end;

	errno = 0;
	v = strtoumax(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || *end != '\0' || errno != 0 ||
	    v > (uintmax_t)INT64_MAX) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR, "REST needs a byte offset.");
		return;
	}
	s->rest = (off_t)v;
	session_reply(s, R_350_PENDING, "Restart position accepted (%ju).", v);
}

void
cmd_allo(struct session *s, char *arg)
{
	(void)arg;
	session_reply(s, R_202_NOT_IMPLEMENTED_SUPERFLUOUS, "ALLO command ignored.");
}

void
cmd_retr(struct session *s, char *arg)
{
	char path[VPATH_MAX];
	struct stat st;
	struct xfer *x;
	int fd;

	if (session_path(s, arg, path) < 0)
		return;
	fd = vfs_open(s->root_fd, path, O_RDONLY | O_NONBLOCK, 0);
	if (fd < 0) {
		session_reply_errno(s, errno, arg);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		session_refuse(s, arg, "Not a plain file");
		return;
	}
	if (s->rest > st.st_size) {
		close(fd);
		s->rest = 0;
		session_reply(s, R_554_INVALID_REST,
		    "Restart offset beyond the end of the file (%jd bytes).",
		    (intmax_t)st.st_size);
		return;
	}
	if ((x = xfer_new(XFER_SEND_FILE, "RETR")) == NULL ||
	    (x->vpath = strdup(path)) == NULL) {
		if (x != NULL)
			xfer_discard(x);
		close(fd);
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return;
	}
	(void)fcntl(fd, F_SETFL, 0);	/* O_NONBLOCK only guarded the open */
	x->file_fd = fd;
	x->offset = s->rest;
	x->end = st.st_size;
	if (s->rest > 0 && lseek(fd, s->rest, SEEK_SET) < 0) {
		xfer_discard(x);
		session_reply_errno(s, errno, arg);
		return;
	}
	/* Wider read-ahead pays only past the default window. */
	if (st.st_size - s->rest > FADVISE_MIN)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	xfer_start(s, x);
}

/*
 * vfs_open opened fd without blocking; a regular file gets its blocking
 * mode back (O_APPEND kept). -1 for anything else (a FIFO swapped in
 * after the check, a device).
 */
static int
regular_blocking(int fd)
{
	struct stat st;
	int fl;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -1;
	return 0;
}

enum store_mode { STORE_REPLACE, STORE_APPEND, STORE_UNIQUE };

/*
 * For a user with a quota: notes what the upload replaces (its credit, see
 * xferlimits.h) and takes a file's place when it makes a new one. Returns
 * 0, or -1 after replying 552 (quota_files reached).
 */
static int
quota_prepare(struct session *s, struct xfer *x, const char *name,
    enum store_mode mode)
{
	struct stat st;
	int exists;

	if (s->usage == NULL || !usage_has_quota(s->usage))
		return 0;
	exists = mode != STORE_UNIQUE &&
	    fstatat(x->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode);
	x->old_size = exists ? st.st_size : 0;
	if (mode == STORE_REPLACE && x->old_size > s->rest)
		x->quota_credit = (unsigned long long)(x->old_size - s->rest);
	if (!exists) {
		if (usage_take_file(s->usage) < 0) {
			session_log(s, "%s: refused, quota_files reached", name);
			session_reply(s, R_552_EXCEEDED_STORAGE,
			    "Quota exceeded: too many files.");
			return -1;
		}
		x->new_file = 1;
	}
	x->usage = s->usage;
	return 0;
}

/* Opens where an upload goes; fills x. Returns 0, or -1 after replying. */
static int
open_upload(struct session *s, struct xfer *x, const char *arg,
    enum store_mode mode)
{
	const char *name;
	char path[VPATH_MAX];
	struct stat st;
	int flags, fd, i, replaces = 0;
	mode_t old_mode = 0;

	if (session_path(s, arg, path) < 0)
		return -1;
	if ((x->dir_fd = vfs_open_parent(s->root_fd, path, &name)) < 0) {
		session_reply_errno(s, errno, arg);
		return -1;
	}
	/*
	 * A directory, or a link to one, is refused with EISDIR; a FIFO or
	 * device is never a transfer's target (a symlink is replaced by
	 * STOR, refused by O_NOFOLLOW otherwise). The name itself is looked
	 * at first: a new file (the usual case) costs one lookup.
	 */
	if (fstatat(x->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		struct stat to;

		if (S_ISDIR(st.st_mode) || (S_ISLNK(st.st_mode) &&
		    fstatat(x->dir_fd, name, &to, 0) == 0 &&
		    S_ISDIR(to.st_mode))) {
			session_reply_errno(s, EISDIR, arg);
			return -1;
		}
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			session_refuse(s, arg, "Not a plain file");
			return -1;
		}
		replaces = S_ISREG(st.st_mode);
		old_mode = st.st_mode & 0777;
	}
	if ((x->vpath = strdup(path)) == NULL || (x->target_name = strdup(name)) == NULL)
		goto nomem;
	if (quota_prepare(s, x, name, mode) < 0)
		return -1;
	if (mode == STORE_UNIQUE) {
		/* STOU: the name plus a suffix when it is taken. */
		for (i = 0; i < 100; i++) {
			char *cand;

			if (i == 0)
				cand = strdup(name);
			else if (asprintf(&cand, "%s.%d", name, i) < 0)
				cand = NULL;
			if (cand == NULL)
				goto nomem;
			fd = openat(x->dir_fd, cand, O_WRONLY | O_CREAT | O_EXCL |
			    O_CLOEXEC | O_NOFOLLOW, s->cfg->file_mode);
			if (fd >= 0) {
				free(x->target_name);
				x->target_name = cand;
				x->file_fd = fd;
				return 0;
			}
			free(cand);
			if (errno != EEXIST)
				break;
		}
		session_reply_errno(s, errno, arg);
		return -1;
	}
	if (mode == STORE_REPLACE && s->rest == 0 && !s->cfg->upload_in_place) {
		/*
		 * Write beside the target and rename over it only when the
		 * upload completes: a failed upload never destroys a file.
		 */
		fd = uploadtmp_create(x->dir_fd, name, s->cfg->file_mode,
		    &x->temp_name);
		x->via_temp = 1;
		/*
		 * A replaced file keeps its permissions, as when it is written
		 * in place: a file made private must not turn readable.
		 */
		if (fd >= 0 && replaces && fchmod(fd, old_mode) < 0) {
			int err = errno;

			close(fd);
			session_reply_errno(s, err, arg);
			return -1;
		}
	} else {
		flags = O_WRONLY | O_CREAT | O_NOFOLLOW;
		if (mode == STORE_APPEND) {
			flags |= O_APPEND;
			x->append = 1;
		}
		else if (s->rest == 0)
			flags |= O_TRUNC;
		fd = vfs_open(s->root_fd, path, flags, s->cfg->file_mode);
		if (fd >= 0 && regular_blocking(fd) < 0) {
			close(fd);
			session_refuse(s, arg, "Not a plain file");
			return -1;
		}
		if (fd >= 0 && mode == STORE_REPLACE && s->rest > 0) {
			x->truncate_at_end = 1;
			if (lseek(fd, s->rest, SEEK_SET) < 0) {
				int err = errno;

				close(fd);
				session_reply_errno(s, err, arg);
				return -1;
			}
		}
	}
	if (fd < 0) {
		session_reply_errno(s, errno, arg);
		return -1;
	}
	x->file_fd = fd;
	return 0;
nomem:
	session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
	return -1;
}

static void
store(struct session *s, const char *arg, enum store_mode mode, const char *verb)
{
	struct xfer *x = xfer_new(XFER_RECV_FILE, verb);

	if (x == NULL) {
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return;
	}
	if (open_upload(s, x, arg, mode) < 0) {
		if (x->usage != NULL && x->new_file)
			usage_adjust(x->usage, 0, -1);	/* no file was made */
		xfer_discard(x);
		s->rest = 0;
		return;
	}
	if (s->rest > 0 || mode != STORE_REPLACE)
		session_log(s, "%s %s (offset %jd)", verb, x->vpath, (intmax_t)s->rest);
	xfer_start(s, x);
}

void
cmd_stor(struct session *s, char *arg)
{
	store(s, arg, STORE_REPLACE, "STOR");
}

void
cmd_appe(struct session *s, char *arg)
{
	store(s, arg, STORE_APPEND, "APPE");
}

void
cmd_stou(struct session *s, char *arg)
{
	store(s, arg != NULL ? arg : "ftpd.upload", STORE_UNIQUE, "STOU");
}

void
cmd_abor(struct session *s, char *arg)
{
	(void)arg;
	xfer_abort(s);
}

/*
 * Splits "-la dir" into options and path: leading words that start with
 * '-' are ls options (clients send -a, -l, -la); of them only 'a' matters.
 */
static const char *
list_args(const char *arg, int *show_hidden)
{
	*show_hidden = 0;
	if (arg == NULL)
		return "";
	while (arg[0] == '-') {
		const char *end = strchr(arg, ' ');
		size_t n = end != NULL ? (size_t)(end - arg) : strlen(arg);

		if (memchr(arg, 'a', n) != NULL || memchr(arg, 'A', n) != NULL)
			*show_hidden = 1;
		arg += n;
		while (*arg == ' ')
			arg++;
	}
	return arg;
}

/*
 * NLST names come back usable from the client's cwd, as wu-ftpd and proftpd
 * do: "NLST dir" gives "dir/a", "NLST dir/x*" gives "dir/x1", so a
 * script can RETR each name it got. dir_len is how much of arg names the
 * directory (all of it, or up to its last '/' for a pattern).
 */
static void
nlst_prefix(struct listing_opts *o, const char *arg, size_t dir_len,
    char *buf, size_t bufsz)
{
	if (o->style != LISTING_NAMES || dir_len == 0)
		return;
	if (xsnprintf(buf, bufsz, "%.*s%s", (int)dir_len, arg,
	    arg[dir_len - 1] == '/' ? "" : "/") == 0)
		o->prefix = buf;
}

struct listing *
cmd_make_listing(struct session *s, const char *arg, struct listing_opts *o,
    char *path)
{
	char prefix[VPATH_MAX + 2];
	struct listing *l;
	const char *name, *slash;
	struct stat st;
	int fd, err;

	if (session_path(s, arg, path) < 0)
		return NULL;
	fd = vfs_open(s->root_fd, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0) {
		nlst_prefix(o, arg, strlen(arg), prefix, sizeof(prefix));
		if ((l = listing_dir(fd, o)) == NULL)
			session_reply_errno(s, errno, arg);
		return l;
	}
	err = errno;
	if (err == ENOTDIR && o->style != LISTING_MLSD &&
	    vfs_stat(s->root_fd, path, &st) == 0) {
		l = listing_single(arg, &st, NULL, o);
		if (l == NULL)
			session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return l;
	}
	if (err == ENOTDIR && o->style == LISTING_MLSD) {
		session_reply(s, R_501_ARG_SYNTAX_ERROR, "%s: Not a directory.", arg);
		return NULL;
	}
	/* "LIST *.txt": a pattern in the last component. */
	name = vpath_basename(path);
	if (err == ENOENT && listfmt_has_glob(name) &&
	    (fd = vfs_open_parent(s->root_fd, path, &name)) >= 0) {
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		close(fd);
		if (dfd >= 0) {
			o->pattern = name;
			slash = strrchr(arg, '/');
			nlst_prefix(o, arg, slash != NULL ? (size_t)(slash - arg) + 1 : 0,
			    prefix, sizeof(prefix));
			if ((l = listing_dir(dfd, o)) != NULL)
				return l;
		}
		err = errno;
	}
	session_reply_errno(s, err, arg);
	return NULL;
}

static void
list_common(struct session *s, char *arg, enum listing_style style,
    const char *verb)
{
	struct listing_opts o;
	char path[VPATH_MAX];
	struct listing *l;
	struct xfer *x;
	int hidden = 0;

	memset(&o, 0, sizeof(o));
	arg = (char *)(style == LISTING_MLSD ? (arg ? arg : "") :
	    list_args(arg, &hidden));
	o.style = style;
	o.show_hidden = style == LISTING_MLSD ? 1 : hidden;
	o.facts = s->mlst_facts;
	o.writable = s->writable;
	o.hide_ids = s->cfg->hide_ids;
	o.max_entries = s->cfg->max_list_entries;
	if ((l = cmd_make_listing(s, arg, &o, path)) == NULL)
		return;
	if ((x = xfer_new(XFER_SEND_LIST, verb)) == NULL ||
	    (x->vpath = strdup(path)) == NULL) {
		if (x != NULL)
			xfer_discard(x);
		listing_free(l);
		session_reply(s, R_451_LOCAL_ERROR, "Out of memory.");
		return;
	}
	x->list = l;
	xfer_start(s, x);
}

void
cmd_list(struct session *s, char *arg)
{
	list_common(s, arg, LISTING_LONG, "LIST");
}

void
cmd_nlst(struct session *s, char *arg)
{
	list_common(s, arg, LISTING_NAMES, "NLST");
}

void
cmd_mlsd(struct session *s, char *arg)
{
	list_common(s, arg, LISTING_MLSD, "MLSD");
}
