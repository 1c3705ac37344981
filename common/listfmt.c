/*
 * listfmt.c: LIST and MLSD lines; see listfmt.h.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "listfmt.h"

static const char *const month_names[12] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

static const struct {
	const char *name;
	unsigned bit;
} fact_names[] = {
	{ "type", FACT_TYPE },
	{ "size", FACT_SIZE },
	{ "modify", FACT_MODIFY },
	{ "perm", FACT_PERM },
	{ "unique", FACT_UNIQUE },
	{ "UNIX.mode", FACT_UNIX_MODE },
};

#define SIX_MONTHS (182 * 24 * 3600L)

/*
 * Drops whatever a failed call appended after saved. The terminator must be
 * put back too: a buf's contents are always a C string (see buf.h).
 */
static int
rollback(struct buf *out, size_t saved)
{
	out->len = saved;
	if (out->data != NULL)
		out->data[saved] = '\0';
	return -1;
}

static void
mode_string(mode_t m, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	switch (m & S_IFMT) {
	case S_IFDIR: s[0] = 'd'; break;
	case S_IFLNK: s[0] = 'l'; break;
	case S_IFCHR: s[0] = 'c'; break;
	case S_IFBLK: s[0] = 'b'; break;
	case S_IFIFO: s[0] = 'p'; break;
	case S_IFSOCK: s[0] = 's'; break;
	default: s[0] = '-'; break;
	}
	for (i = 0; i < 9; i++)
		s[i + 1] = (m & (1 << (8 - i))) ? rwx[i] : '-';
	if (m & S_ISUID)
		s[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = (m & S_IXOTH) ? 't' : 'T';
	s[10] = '\0';
}

int
listfmt_unix(struct buf *out, const struct stat *st, const char *name,
    const char *link_target, const char *owner, const char *group, time_t now)
{
	char mode[11], when[32];
	struct tm tm;
	time_t mt = st->st_mtime;
	size_t saved = out->len;

	mode_string(st->st_mode, mode);
	if (gmtime_r(&mt, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	if (mt > now - SIX_MONTHS && mt <= now + 3600)
		(void)snprintf(when, sizeof(when), "%s %2d %02d:%02d",
		    month_names[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
		    tm.tm_min);
	else
		(void)snprintf(when, sizeof(when), "%s %2d %5d",
		    month_names[tm.tm_mon % 12], tm.tm_mday,
		    tm.tm_year + 1900);
	if (buf_printf(out, "%s %3lu %-8s %-8s %12jd %s %s", mode,
	    (unsigned long)st->st_nlink, owner, group, (intmax_t)st->st_size,
	    when, name) < 0)
		goto fail;
	if (link_target != NULL && buf_printf(out, " -> %s", link_target) < 0)
		goto fail;
	if (buf_append(out, "\r\n", 2) < 0)
		goto fail;
	return 0;
fail:
	return rollback(out, saved);
}

static const char *
perm_string(const struct stat *st, int writable, int cdir)
{
	if (S_ISDIR(st->st_mode)) {
		if (!writable)
			return "el";
		return cdir ? "elcmp" : "elcmpdf";
	}
	return writable ? "radfw" : "r";
}

int
listfmt_facts(struct buf *out, const struct stat *st, unsigned facts,
    int writable, int cdir)
{
	size_t saved = out->len;
	struct tm tm;
	time_t mt = st->st_mtime;
	const char *type;

	if (cdir)
		type = "cdir";
	else if (S_ISDIR(st->st_mode))
		type = "dir";
	else if (S_ISREG(st->st_mode))
		type = "file";
	else if (S_ISLNK(st->st_mode))
		type = "OS.unix=symlink";
	else
		type = "OS.unix=special";
	if ((facts & FACT_TYPE) && buf_printf(out, "type=%s;", type) < 0)
		goto fail;
	if ((facts & FACT_SIZE) && !S_ISDIR(st->st_mode) &&
	    buf_printf(out, "size=%jd;", (intmax_t)st->st_size) < 0)
		goto fail;
	if ((facts & FACT_MODIFY) && gmtime_r(&mt, &tm) != NULL &&
	    buf_printf(out, "modify=%04d%02d%02d%02d%02d%02d;",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec) < 0)
		goto fail;
	if ((facts & FACT_PERM) &&
	    buf_printf(out, "perm=%s;", perm_string(st, writable, cdir)) < 0)
		goto fail;
	if ((facts & FACT_UNIQUE) && buf_printf(out, "unique=%jxg%jx;",
	    (uintmax_t)st->st_dev, (uintmax_t)st->st_ino) < 0)
		goto fail;
	if ((facts & FACT_UNIX_MODE) &&
	    buf_printf(out, "UNIX.mode=0%o;", st->st_mode & 07777) < 0)
		goto fail;
	return 0;
fail:
	return rollback(out, saved);
}

int
listfmt_mlsd(struct buf *out, const struct stat *st, const char *name,
    unsigned facts, int writable, int cdir)
{
	size_t saved = out->len;

	if (listfmt_facts(out, st, facts, writable, cdir) < 0 ||
	    buf_printf(out, " %s\r\n", name) < 0)
		return rollback(out, saved);
	return 0;
}

int
listfmt_facts_feat(struct buf *out, unsigned enabled)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(fact_names); i++)
		if (buf_printf(out, "%s%s;", fact_names[i].name,
		    (enabled & fact_names[i].bit) ? "*" : "") < 0)
			return -1;
	return 0;
}

int
listfmt_facts_names(struct buf *out, unsigned mask)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(fact_names); i++)
		if ((mask & fact_names[i].bit) &&
		    buf_printf(out, "%s;", fact_names[i].name) < 0)
			return -1;
	return 0;
}

unsigned
listfmt_parse_facts(const char *arg)
{
	unsigned mask = 0;
	size_t i;

	while (*arg != '\0') {
		const char *end = strchr(arg, ';');
		size_t n = end != NULL ? (size_t)(end - arg) : strlen(arg);

		for (i = 0; i < ARRAY_LEN(fact_names); i++)
			if (strlen(fact_names[i].name) == n &&
			    strncasecmp(fact_names[i].name, arg, n) == 0)
				mask |= fact_names[i].bit;
		arg += n;
		if (*arg == ';')
			arg++;
	}
	return mask;
}

int
listfmt_has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/*
 * Matches one [...] class at p against c. Sets *len to the class length,
 * or 0 when the '[' is not a valid class (then it is a literal).
 */
static int
class_match(const char *p, char c, size_t *len)
{
	const char *q = p + 1;
	int negate = 0, matched = 0;

	if (*q == '!' || *q == '^') {
		negate = 1;
		q++;
	}
	if (*q == ']') {
		matched = (c == ']');
		q++;
	}
	for (; *q != '\0' && *q != ']'; q++) {
		if (q[1] == '-' && q[2] != '\0' && q[2] != ']') {
			if ((unsigned char)c >= (unsigned char)q[0] &&
			    (unsigned char)c <= (unsigned char)q[2])
				matched = 1;
			q += 2;
		} else if (*q == c)
			matched = 1;
	}
	if (*q != ']') {
		*len = 0;
		return 0;
	}
	*len = (size_t)(q - p) + 1;
	return matched != negate;
}

/* Matches one pattern element at p (not '*') against c; *adv its length. */
static int
single_match(const char *p, char c, size_t *adv)
{
	size_t len;

	*adv = 1;
	if (*p == '?')
		return 1;
	if (*p == '[') {
		int m = class_match(p, c, &len);

		if (len > 0) {
			*adv = len;
			return m;
		}
	}
	return *p == c;
}

int
listfmt_glob_match(const char *pattern, const char *name)
{
	const char *p = pattern, *n = name;
	const char *star_p = NULL, *star_n = NULL;
	size_t adv;

	if (name[0] == '.' && pattern[0] != '.')
		return 0;
	/*
	 * Greedy matching with a single backtrack point: each '*' supersedes
	 * the previous one, so work is bounded by len(p) * len(n) instead of
	 * growing exponentially with the number of stars.
	 */
	while (*n != '\0') {
		if (*p == '*') {
			while (*p == '*')
				p++;
			if (*p == '\0')
				return 1;
			star_p = p;
			star_n = n;
			continue;
		}
		if (*p != '\0' && single_match(p, *n, &adv)) {
			p += adv;
			n++;
			continue;
		}
		if (star_p == NULL)
			return 0;
		p = star_p;
		n = ++star_n;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}
