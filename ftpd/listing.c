/*
 * listing.c: incremental directory listings; see listing.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
	char **names;
	size_t n, next, truncated;
	int cdir_pending;	/* MLSD: the "." line is still to come */
	/* The single-entry case. */
	struct stat single_st;
	char *single_link;
	time_t now;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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
	    (o->prefix != NULL && (l->prefix = strdup(o->prefix)) == NULL)) {
		listing_free(l);
		return NULL;
	}
	l->o.pattern = l->pattern;
	l->o.prefix = l->prefix;
	return l;
}

struct listing *
listing_dir(int fd, const struct listing_opts *o)
{
	struct listing *l = listing_alloc(o);
	struct dirent *de;
	size_t cap = 0;

	if (l == NULL) {
		close(fd);
		return NULL;
	}
	if ((l->dir = fdopendir(fd)) == NULL) {
		close(fd);
		listing_free(l);
		return NULL;
	}
	errno = 0;
	while ((de = readdir(l->dir)) != NULL) {
		if (!wanted(l, de->d_name))
			continue;
		if (l->n >= o->max_entries) {
			l->truncated++;
			continue;
		}
		if (l->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **v = reallocarray(l->names, ncap, sizeof(*v));

			if (v == NULL)
				goto fail;
			l->names = v;
			cap = ncap;
		}
		if ((l->names[l->n] = strdup(de->d_name)) == NULL)
			goto fail;
		l->n++;
	}
	if (errno != 0)
		goto fail;
	/* An empty listing has no names array: qsort(NULL, 0) is undefined. */
	if (l->n > 1)
		qsort(l->names, l->n, sizeof(*l->names), cmp_names);
	l->cdir_pending = o->style == LISTING_MLSD && o->pattern == NULL;
	return l;
fail:
	listing_free(l);
	errno = ENOMEM;
	return NULL;
}

struct listing *
listing_single(const char *name, const struct stat *st, const char *link_target,
    const struct listing_opts *o)
{
	struct listing *l = listing_alloc(o);

	if (l == NULL)
		return NULL;
	l->single_st = *st;
	if ((l->names = calloc(1, sizeof(*l->names))) == NULL ||
	    (l->names[0] = strdup(name)) == NULL ||
	    (link_target != NULL && (l->single_link = strdup(link_target)) == NULL)) {
		listing_free(l);
		return NULL;
	}
	l->n = 1;
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
	struct stat st;

	if (l->cdir_pending) {
		l->cdir_pending = 0;
		if (fstat(dirfd(l->dir), &st) == 0 &&
		    listfmt_mlsd(out, &st, ".", l->o.facts, l->o.writable, 1) < 0)
			return -1;
	}
	while (l->next < l->n && out->len - start < budget) {
		if (format_entry(l, out, l->names[l->next]) < 0)
			return -1;
		l->next++;
	}
	return l->next < l->n ? 1 : 0;
}

size_t
listing_truncated(const struct listing *l)
{
	return l->truncated;
}

void
listing_free(struct listing *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	if (l->dir != NULL)
		closedir(l->dir);
	free(l->pattern);
	free(l->prefix);
	free(l->single_link);
	free(l);
}
