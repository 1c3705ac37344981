/*
 * vpath.c: lexical canonicalisation of virtual paths; see vpath.h.
 */
#include <errno.h>
#include <string.h>

#include "vpath.h"

/* Appends component c (length n) to out, which holds a canonical path. */
static int
push(char *out, size_t *len, size_t outsz, const char *c, size_t n)
{
	size_t need = *len + (*len > 1 ? 1 : 0) + n;

	if (need + 1 > outsz)
		return -1;
	if (*len > 1)
		out[(*len)++] = '/';
	memcpy(out + *len, c, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

/* Removes the last component; the root stays the root. */
static void
pop(char *out, size_t *len)
{
	while (*len > 1 && out[*len - 1] != '/')
		(*len)--;
	if (*len > 1)
		(*len)--;
	out[*len] = '\0';
}

/* Applies each component of p to out. */
static int
walk(char *out, size_t *len, size_t outsz, const char *p)
{
	while (*p != '\0') {
		const char *end;
		size_t n;

		while (*p == '/')
			p++;
		end = strchr(p, '/');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.')
			;
		else if (n == 2 && p[0] == '.' && p[1] == '.')
			pop(out, len);
		else if (push(out, len, outsz, p, n) < 0)
			return -1;
		p += n;
	}
	return 0;
}

int
vpath_resolve(const char *cwd, const char *arg, char *out, size_t outsz)
{
	size_t len = 1;

	if (outsz < 2) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out[0] = '/';
	out[1] = '\0';
	if (arg[0] != '/' && walk(out, &len, outsz, cwd) < 0)
		goto toolong;
	if (walk(out, &len, outsz, arg) < 0)
		goto toolong;
	return 0;
toolong:
	errno = ENAMETOOLONG;
	out[0] = '/';
	out[1] = '\0';
	return -1;
}

const char *
vpath_relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path != '\0' ? path : ".";
}

const char *
vpath_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return path;
	if (slash[1] == '\0')
		return "/";
	return slash + 1;
}
