/*
 * listing.c: incremental directory listings; see listing.h.
 *
 * listing_dir reads names into one bounded arena. When the folder ends
 * before the arena is full, the names are sorted and listed from there.
 * When it fills up, the listing streams: the names in the arena go out in
 * the order they were read, then each further entry is read from the
 * directory only when a slice asks for it, so memory stays bounded
 * whatever the folder holds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "listfmt.h"
#include "listing.h"
#include "uploadtmp.h"

struct listing {
	struct listing_opts o;
	char *pattern;
	char *prefix;
	DIR *dir;		/* NULL for a single entry */
	char *arena;		/* names, each NUL-terminated */
	size_t arena_len;
	uint32_t *offs;		/* where each name starts in arena */
	size_t n, next;		/* names in arena; the next to list */
	size_t listed;		/* entries matched so far (<= max_entries) */
	size_t emitted;		/* entries formatted so far */
	int streaming;		/* the arena filled up: read as we go */
	int dir_done;		/* readdir reached the end (or the cap) */
	int cut;		/* stopped at max_entries with more to come */
	int cdir_pending;	/* MLSD: the "." line is still to come */
	/* The single-entry case. */
	struct stat single_st;
	char *single_link;
	time_t now;
};

static int
cmp_offs(const void *a, const void *b, void *arena)
{
	return strcmp((const char *)arena + *(const uint32_t *)a,
	    (const char *)arena + *(const uint32_t *)b);
}

static int
wanted(const struct listing *l, const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    uploadtmp_is_name(name))
		return 0;
	if (name[0] == '.' && !l->o.show_hidden && l->o.style != LISTING_MLSD &&
	    (l->pattern == NULL || l->pattern[0] != '.'))
		return 0;
	if (l->pattern != NULL && !listfmt_glob_match(l->pattern, name))
		return 0;
	return 1;
}

static struct listing *
listing_alloc(const struct listing_opts *o)
{
	struct listing *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->o = *o;
	l->now = time(NULL);
	if ((o->pattern != NULL && (l->pattern = strdup(o->pattern)) == NULL) ||
	    (o->prefix != NULL && (l->prefix = strdup(o->prefix)) == NULL) ||
	    (l->arena = malloc(LISTING_ARENA + LISTING_NAME_ROOM)) == NULL ||
	    (l->offs = calloc(LISTING_NAMES_MAX + 1, sizeof(*l->offs))) == NULL) {
		listing_free(l);
		return NULL;
	}
	l->o.pattern = l->pattern;
	l->o.prefix = l->prefix;
	return l;
}

/*
 * The next entry of the directory that the listing wants, or NULL at the
 * end (errno set on a read error, else 0) or at the cap (l->cut set).
 * The name lives in the DIR until the next call.
 */
static const char *
read_wanted(struct listing *l)
{
	struct dirent *de;

	for (;;) {
		errno = 0;
		if ((de = readdir(l->dir)) == NULL)
			return NULL;
		if (!wanted(l, de->d_name))
			continue;
		if (l->listed >= l->o.max_entries) {
			/* Cut here; the rest is not read, let alone counted. */
			l->cut = 1;
			errno = 0;
			return NULL;
		}
		l->listed++;
		return de->d_name;
	}
}

/* Adds name to the arena. -1 when it does not fit. */
static int
arena_add(struct listing *l, const char *name)
{
	size_t len = strlen(name) + 1;

	if (l->n >= LISTING_NAMES_MAX || len > LISTING_ARENA - l->arena_len)
		return -1;
	memcpy(l->arena + l->arena_len, name, len);
	l->offs[l->n++] = (uint32_t)l->arena_len;
	l->arena_len += len;
	return 0;
}

struct listing *
listing_dir(int fd, const struct listing_opts *o)
{
	struct listing *l = listing_alloc(o);
	const char *name;

	if (l == NULL) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	if ((l->dir = fdopendir(fd)) == NULL) {
		close(fd);
		listing_free(l);
		return NULL;
	}
	l->cdir_pending = o->style == LISTING_MLSD && o->pattern == NULL;
	while ((name = read_wanted(l)) != NULL) {
		if (arena_add(l, name) == 0)
			continue;
		/*
		 * Too big to hold: list in directory order from here on. The
		 * entry just read goes last into the arena, which listing_next
		 * empties before it reads on (its room is kept for that).
		 */
		l->streaming = 1;
		l->offs[l->n++] = (uint32_t)l->arena_len;
		l->arena_len += (size_t)snprintf(l->arena + l->arena_len,
		    LISTING_ARENA + LISTING_NAME_ROOM - l->arena_len, "%s",
		    name) + 1;
		return l;
	}
	if (errno != 0) {
		int err = errno;

		listing_free(l);
		errno = err;
		return NULL;
	}
	l->dir_done = 1;
	if (l->n > 1)
		qsort_r(l->offs, l->n, sizeof(*l->offs), cmp_offs, l->arena);
	return l;
}

struct listing *
listing_single(const char *name, const struct stat *st, const char *link_target,
    const struct listing_opts *o)
{
	struct listing *l = listing_alloc(o);

	if (l == NULL)
		return NULL;
	l->single_st = *st;
	l->dir_done = 1;
	if (arena_add(l, name) < 0 ||
	    (link_target != NULL && (l->single_link = strdup(link_target)) == NULL)) {
		listing_free(l);
		return NULL;
	}
	l->listed = 1;
	return l;
}

/*
 * A name with CR or LF would end its listing line early and forge
 * entries; such bytes are shown as '?'. Returns name or a copy in tmp.
 */
static const char *
safe_name(const char *name, char *tmp, size_t tmpsz)
{
	size_t i;

	if (strpbrk(name, "\r\n") == NULL)
		return name;
	if (strlen(name) >= tmpsz)
		return "?";
	for (i = 0; name[i] != '\0'; i++)
		tmp[i] = (name[i] == '\r' || name[i] == '\n') ? '?' : name[i];
	tmp[i] = '\0';
	return tmp;
}

/* Formats one entry; a vanished entry (deleted meanwhile) is skipped. */
static int
format_entry(struct listing *l, struct buf *out, const char *raw)
{
	char owner[16], group[16], target[1024], tmp[1024], tmp2[1024];
	const char *name = safe_name(raw, tmp, sizeof(tmp));
	const char *link = NULL;
	struct stat st;
	ssize_t n;

	if (l->dir != NULL) {
		if (fstatat(dirfd(l->dir), raw, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		if (S_ISLNK(st.st_mode) && l->o.style == LISTING_LONG) {
			n = readlinkat(dirfd(l->dir), raw, target,
			    sizeof(target) - 1);
			if (n >= 0) {
				target[n] = '\0';
				link = safe_name(target, tmp2, sizeof(tmp2));
			}
		}
	} else {
		st = l->single_st;
		link = l->single_link;
	}
	switch (l->o.style) {
	case LISTING_NAMES:
		return buf_printf(out, "%s%s\r\n", l->prefix ? l->prefix : "",
		    name);
	case LISTING_MLSD:
		return listfmt_mlsd(out, &st, name, l->o.facts, l->o.writable, 0);
	case LISTING_LONG:
		break;
	}
	if (l->o.hide_ids) {
		snprintf(owner, sizeof(owner), "ftp");
		snprintf(group, sizeof(group), "ftp");
	} else {
		snprintf(owner, sizeof(owner), "%u", (unsigned)st.st_uid);
		snprintf(group, sizeof(group), "%u", (unsigned)st.st_gid);
	}
	return listfmt_unix(out, &st, name, link, owner, group, l->now);
}

int
listing_next(struct listing *l, struct buf *out, size_t budget)
{
	size_t start = out->len;
	const char *name;
	struct stat st;

	if (l->cdir_pending) {
		l->cdir_pending = 0;
		if (fstat(dirfd(l->dir), &st) == 0 &&
		    listfmt_mlsd(out, &st, ".", l->o.facts, l->o.writable, 1) < 0)
			return -1;
	}
	while (out->len - start < budget) {
		if (l->next < l->n) {
			if (format_entry(l, out, l->arena + l->offs[l->next]) < 0)
				return -1;
			l->next++;
			l->emitted++;
			continue;
		}
		if (l->dir_done)
			break;
		if ((name = read_wanted(l)) == NULL) {
			if (errno != 0)
				return -1;
			l->dir_done = 1;
			break;
		}
		if (format_entry(l, out, name) < 0)
			return -1;
		l->emitted++;
	}
	return l->next < l->n || !l->dir_done ? 1 : 0;
}

size_t
listing_truncated(const struct listing *l)
{
	return (size_t)l->cut;
}

size_t
listing_count(const struct listing *l)
{
	return l->emitted;
}

void
listing_free(struct listing *l)
{
	if (l == NULL)
		return;
	if (l->dir != NULL)
		closedir(l->dir);
	free(l->arena);
	free(l->offs);
	free(l->pattern);
	free(l->prefix);
	free(l->single_link);
	free(l);
}
