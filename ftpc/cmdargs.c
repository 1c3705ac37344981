/*
 * cmdargs.c: see cmdargs.h.
 */
#include <string.h>

#include "cmdargs.h"
#include "status.h"

/*
 * Walks the option words of argv (up to "--" or the first word not
 * starting with '-'), calling set for each letter. Returns the index of
 * the first operand, or -1 when set refuses a letter.
 */
static int
each_flag(int argc, char **argv, int (*set)(void *, char), void *arg,
    char *err, size_t errsz)
{
	const char *p;
	int a;

	for (a = 1; a < argc && argv[a][0] == '-' && argv[a][1] != '\0'; a++) {
		if (strcmp(argv[a], "--") == 0)
			return a + 1;
		for (p = argv[a] + 1; *p != '\0'; p++) {
			if (set(arg, *p) < 0) {
				fc_errf(err, errsz, "%s: unknown option -%c",
				    argv[0], *p);
				return -1;
			}
		}
	}
	return a;
}

static int
set_ls(void *arg, char ch)
{
	struct ls_args *o = arg;

	if (ch == 'a' || ch == 'A')
		o->all = 1;
	else if (ch != 'l')
		return -1;
	return 0;
}

int
cmdargs_ls(int argc, char **argv, struct ls_args *out, char *err,
    size_t errsz)
{
	int a;

	memset(out, 0, sizeof(*out));
	a = each_flag(argc, argv, set_ls, out, err, errsz);
	if (a < 0)
		return -1;
	if (argc - a > 1) {
		fc_errf(err, errsz, "%s: one path at most", argv[0]);
		return -1;
	}
	out->path = a < argc ? argv[a] : NULL;
	return 0;
}

static int
set_rm(void *arg, char ch)
{
	struct rm_args *o = arg;

	if (ch == 'r' || ch == 'R')
		o->recursive = 1;
	else if (ch == 'f')
		o->force = 1;
	else
		return -1;
	return 0;
}

int
cmdargs_rm(int argc, char **argv, struct rm_args *out, char *err,
    size_t errsz)
{
	memset(out, 0, sizeof(*out));
	out->first = each_flag(argc, argv, set_rm, out, err, errsz);
	if (out->first < 0)
		return -1;
	if (out->first >= argc) {
		fc_errf(err, errsz, "%s: which files?", argv[0]);
		return -1;
	}
	return 0;
}
