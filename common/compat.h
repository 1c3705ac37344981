/*
 * compat.h: small project-wide macros.
 */
#ifndef FTP_COMPAT_H
#define FTP_COMPAT_H

#include <stdio.h>
#include <stdlib.h>

#define WARN_UNUSED __attribute__((warn_unused_result))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A broken invariant is a bug in our code, never peer input: say where and
 * stop, rather than carry on with corrupt state.
 */
#define BUG_ON(cond)                                                        \
	do {                                                                \
		if (cond) {                                                 \
			fprintf(stderr, "BUG: %s:%d: %s\n", __FILE__,       \
			    __LINE__, #cond);                               \
			abort();                                            \
		}                                                           \
	} while (0)

#endif
