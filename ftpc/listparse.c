/*
 * listparse.c: see listparse.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "listparse.h"
#include "proto.h"

#define MAX_TOKENS 16

static void
entry_reset(struct lp_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->type = LP_UNKNOWN;
	e->size = -1;
	e->mtime = -1;
	e->mode = -1;
}

static int
set_name(char *dst, const char *s, size_t n)
{
	if (n == 0 || n >= LP_NAME_MAX)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int
parse_off(const char *s, size_t n, off_t *out)
{
	long long v = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = (off_t)v;
	return 0;
}

/* Applies one "fact=value" of an MLSD line. */
static void
mlsd_fact(struct lp_entry *e, const char *f, size_t n, int *skip)
{
	const char *eq = memchr(f, '=', n);
	size_t kl, vl;
	const char *v;

	if (eq == NULL)
		return;
	kl = (size_t)(eq - f);
	v = eq + 1;
	vl = n - kl - 1;
	if (kl == 4 && strncasecmp(f, "type", 4) == 0) {
		if (vl == 4 && strncasecmp(v, "file", 4) == 0)
			e->type = LP_FILE;
		else if (vl == 3 && strncasecmp(v, "dir", 3) == 0)
			e->type = LP_DIR;
		else if ((vl == 4 && strncasecmp(v, "cdir", 4) == 0) ||
		    (vl == 4 && strncasecmp(v, "pdir", 4) == 0))
			*skip = 1;
		else if (vl >= 7 && strncasecmp(v, "OS.unix=", 8) == 0)
			e->type = strncasecmp(v + 8, "slink", 5) == 0 ||
			    strncasecmp(v + 8, "symlink", 7) == 0 ? LP_LINK : LP_FILE;
	} else if (kl == 4 && strncasecmp(f, "size", 4) == 0) {
		(void)parse_off(v, vl, &e->size);
	} else if (kl == 6 && strncasecmp(f, "modify", 6) == 0 && vl >= 14) {
		char tmp[15];

		memcpy(tmp, v, 14);
		tmp[14] = '\0';
		if (proto_parse_time(tmp, &e->mtime) < 0)
			e->mtime = -1;
	} else if (kl == 9 && strncasecmp(f, "UNIX.mode", 9) == 0 && vl <= 5) {
		char tmp[6], *end;
		long m;

		memcpy(tmp, v, vl);
		tmp[vl] = '\0';
		m = strtol(tmp, &end, 8);
		if (*end == '\0' && vl > 0)
			e->mode = (int)(m & 07777);
	}
}

int
listparse_mlsd_line(const char *line, struct lp_entry *e)
{
	const char *sp = strchr(line, ' '), *f, *semi;
	int skip = 0;

	entry_reset(e);
	if (sp == NULL || sp == line || memchr(line, '=', (size_t)(sp - line)) == NULL)
		return -1;
	for (f = line; f < sp; f = semi + 1) {
		semi = memchr(f, ';', (size_t)(sp - f));
		if (semi == NULL)
			semi = sp;
		mlsd_fact(e, f, (size_t)(semi - f), &skip);
	}
	if (set_name(e->name, sp + 1, strlen(sp + 1)) < 0)
		return -1;
	if (skip)
		return 0;
	return 1;
}

struct tokens {
	const char *s[MAX_TOKENS];
	size_t n[MAX_TOKENS];
	size_t count;
};

static void
tokenize(const char *line, struct tokens *t)
{
	const char *p = line;

	t->count = 0;
	while (*p != '\0' && t->count < MAX_TOKENS) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		t->s[t->count] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		t->n[t->count] = (size_t)(p - t->s[t->count]);
		t->count++;
	}
}

static int
month_of(const char *s, size_t n)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	int i;

	if (n != 3)
		return -1;
	for (i = 0; i < 12; i++)
		if (strncasecmp(s, months + 3 * i, 3) == 0)
			return i;
	return -1;
}

static int
small_num(const char *s, size_t n, int max)
{
	int v = 0;
	size_t i;

	if (n == 0 || n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* "15:04" into hour and minute. */
static int
hhmm(const char *s, size_t n, int *h, int *m)
{
	const char *c = memchr(s, ':', n);

	if (c == NULL)
		return -1;
	*h = small_num(s, (size_t)(c - s), 23);
	*m = small_num(c + 1, n - (size_t)(c - s) - 1, 59);
	return *h < 0 || *m < 0 ? -1 : 0;
}

/* Finds the Unix date "Mon DD HH:MM|YYYY"; its first token or -1. */
static int
find_unix_date(const struct tokens *t)
{
	size_t i;

	for (i = 2; i + 3 < t->count + 1 && i + 2 < t->count; i++) {
		if (month_of(t->s[i], t->n[i]) < 0)
			continue;
		if (small_num(t->s[i + 1], t->n[i + 1], 31) < 1)
			continue;
		if (memchr(t->s[i + 2], ':', t->n[i + 2]) != NULL ||
		    (t->n[i + 2] == 4 && small_num(t->s[i + 2], 4, 9999) > 1900))
			return (int)i;
	}
	return -1;
}

static time_t
unix_time(const struct tokens *t, int d, time_t now)
{
	struct tm tm, nowtm;
	time_t when;
	int h, m;

	memset(&tm, 0, sizeof(tm));
	gmtime_r(&now, &nowtm);
	tm.tm_mon = month_of(t->s[d], t->n[d]);
	tm.tm_mday = small_num(t->s[d + 1], t->n[d + 1], 31);
	if (hhmm(t->s[d + 2], t->n[d + 2], &h, &m) == 0) {
		tm.tm_hour = h;
		tm.tm_min = m;
		tm.tm_year = nowtm.tm_year;
		when = timegm(&tm);
		/* No year: the date is within the last year, not the future. */
		if (when > now + 2 * 86400) {
			tm.tm_year--;
			when = timegm(&tm);
		}
		return when;
	}
	tm.tm_year = small_num(t->s[d + 2], t->n[d + 2], 9999) - 1900;
	return timegm(&tm);
}

static int
unix_mode(const char *p, size_t n)
{
	static const char bits[] = "rwxrwxrwx";
	int mode = 0, i;

	if (n < 10)
		return -1;
	for (i = 0; i < 9; i++) {
		char c = p[1 + i];

		if (c == bits[i] || c == 's' || c == 't')
			mode |= 1 << (8 - i);
		else if (c != '-' && c != 'S' && c != 'T')
			return -1;
	}
	return mode;
}

static int
parse_unix(const char *line, time_t now, struct lp_entry *e)
{
	struct tokens t;
	const char *name, *arrow;
	int d;
	char c;

	tokenize(line, &t);
	if (t.count < 5)
		return -1;
	c = t.s[0][0];
	if (strchr("-dlbcpsD", c) == NULL)
		return -1;
	d = find_unix_date(&t);
	if (d < 0 || (size_t)d + 3 > t.count)
		return -1;
	e->type = c == 'd' ? LP_DIR : c == 'l' ? LP_LINK : LP_FILE;
	e->mode = unix_mode(t.s[0], t.n[0]);
	/* A device shows "major, minor" where the size would be. */
	if (parse_off(t.s[d - 1], t.n[d - 1], &e->size) < 0 ||
	    t.s[d - 2][t.n[d - 2] - 1] == ',')
		e->size = -1;
	e->mtime = unix_time(&t, d, now);
	/* The name is the rest of the line after one separating space. */
	name = t.s[d + 2] + t.n[d + 2];
	if (*name != ' ' && *name != '\t')
		return -1;
	name++;
	if (e->type == LP_LINK && (arrow = strstr(name, " -> ")) != NULL) {
		if (set_name(e->target, arrow + 4, strlen(arrow + 4)) < 0)
			e->target[0] = '\0';
		return set_name(e->name, name, (size_t)(arrow - name)) < 0 ? -1 : 1;
	}
	return set_name(e->name, name, strlen(name)) < 0 ? -1 : 1;
}

/* "11-25-26  03:04PM  <DIR>  name" and "11-25-2026 15:04 1234 name". */
static int
parse_windows(const char *line, struct lp_entry *e)
{
	struct tokens t;
	struct tm tm;
	int mo, dd, yy, h, m;
	const char *name, *ampm;

	tokenize(line, &t);
	if (t.count < 4 || (t.n[0] != 8 && t.n[0] != 10) ||
	    t.s[0][2] != '-' || t.s[0][5] != '-')
		return -1;
	mo = small_num(t.s[0], 2, 12);
	dd = small_num(t.s[0] + 3, 2, 31);
	yy = small_num(t.s[0] + 6, t.n[0] - 6, 9999);
	if (mo < 1 || dd < 1 || yy < 0)
		return -1;
	if (t.n[0] == 8)
		yy += yy < 70 ? 2000 : 1900;
	ampm = t.s[1] + t.n[1] - 2;
	if (t.n[1] >= 6 && (strncasecmp(ampm, "AM", 2) == 0 ||
	    strncasecmp(ampm, "PM", 2) == 0)) {
		if (hhmm(t.s[1], t.n[1] - 2, &h, &m) < 0 || h > 12)
			return -1;
		if (h == 12)
			h = 0;
		if (toupper((unsigned char)ampm[0]) == 'P')
			h += 12;
	} else if (hhmm(t.s[1], t.n[1], &h, &m) < 0) {
		return -1;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = yy - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = dd;
	tm.tm_hour = h;
	tm.tm_min = m;
	e->mtime = timegm(&tm);
	if (t.n[2] == 5 && strncasecmp(t.s[2], "<DIR>", 5) == 0) {
		e->type = LP_DIR;
	} else if (parse_off(t.s[2], t.n[2], &e->size) == 0) {
		e->type = LP_FILE;
	} else {
		return -1;
	}
	name = t.s[2] + t.n[2];
	while (*name == ' ' || *name == '\t')
		name++;
	return set_name(e->name, name, strlen(name)) < 0 ? -1 : 1;
}

/* EPLF: "+i8388621.48594,m825718503,r,s280,\tdjb.html". */
static int
parse_eplf(const char *line, struct lp_entry *e)
{
	const char *tab = strchr(line, '\t'), *f, *comma;
	off_t v;

	if (tab == NULL)
		return -1;
	for (f = line + 1; f < tab; f = comma + 1) {
		comma = memchr(f, ',', (size_t)(tab - f));
		if (comma == NULL)
			comma = tab;
		if (*f == '/')
			e->type = LP_DIR;
		else if (*f == 'r' && e->type == LP_UNKNOWN)
			e->type = LP_FILE;
		else if (*f == 's' && parse_off(f + 1, (size_t)(comma - f - 1), &v) == 0)
			e->size = v;
		else if (*f == 'm' && parse_off(f + 1, (size_t)(comma - f - 1), &v) == 0)
			e->mtime = (time_t)v;
	}
	return set_name(e->name, tab + 1, strlen(tab + 1)) < 0 ? -1 : 1;
}

int
listparse_list_line(const char *line, time_t now, struct lp_entry *e)
{
	entry_reset(e);
	while (*line == ' ')
		line++;
	if (*line == '\0' || strncasecmp(line, "total ", 6) == 0)
		return 0;
	if (line[0] == '+')
		return parse_eplf(line, e);
	if (isdigit((unsigned char)line[0]))
		return parse_windows(line, e);
	return parse_unix(line, now, e);
}

static int
list_push(struct lp_list *l, const struct lp_entry *e)
{
	struct lp_entry *nv;
	size_t ncap;

	if (l->n == l->cap) {
		ncap = l->cap ? 2 * l->cap : 16;
		nv = realloc(l->v, ncap * sizeof(*nv));
		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n++] = *e;
	return 0;
}

int
listparse_buffer(const char *text, int mlsd, time_t now, struct lp_list *out)
{
	char line[LP_NAME_MAX + 512];
	const char *p = text, *nl;
	struct lp_entry e;
	size_t n;
	int bad = 0, rc;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			rc = mlsd ? listparse_mlsd_line(line, &e) :
			    listparse_list_line(line, now, &e);
			if (rc < 0) {
				bad++;
			} else if (rc > 0 && strcmp(e.name, ".") != 0 &&
			    strcmp(e.name, "..") != 0) {
				if (list_push(out, &e) < 0)
					return -1;
			}
		} else {
			bad++;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return bad;
}

void
listparse_free(struct lp_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const struct lp_entry *
listparse_find(const struct lp_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}
