/*
 * cmdargs: the options of shell commands that take them (ls and dir, rm),
 * parsed apart from the handlers so that the rules are tested without a
 * server. argv[0] is the command name, as the dispatcher hands it over.
 * Each parser returns 0, or -1 with a one-line reason in err.
 */
#ifndef FTPC_CMDARGS_H
#define FTPC_CMDARGS_H

#include <stddef.h>

#include "compat.h"

/*
 * ls, dir, nlist: [-a] [-l] [--] [path]. Letters may be grouped ("-la").
 * -l is what LIST always gives, so only -a (or -A) is kept.
 */
struct ls_args {
	int all;		/* -a, -A: names starting with '.' too */
	const char *path;	/* NULL: the current directory */
};

int cmdargs_ls(int argc, char **argv, struct ls_args *out, char *err,
    size_t errsz) WARN_UNUSED;

/* rm: [-r] [-f] [--] path...; -R is -r. At least one path. */
struct rm_args {
	int recursive;		/* folders too, with everything in them */
	int force;		/* do not ask on a terminal */
	int first;		/* argv index of the first path */
};

int cmdargs_rm(int argc, char **argv, struct rm_args *out, char *err,
    size_t errsz) WARN_UNUSED;

#endif
