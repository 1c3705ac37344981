/*
 * ascii.c: TYPE A conversion; see ascii.h.
 */
#include "ascii.h"

void
ascii_init(struct ascii_state *st)
{
	st->last_cr = 0;
}

size_t
ascii_to_net(struct ascii_state *st, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && !st->last_cr)
			out[o++] = '\r';
		out[o++] = in[i];
		st->last_cr = in[i] == '\r';
	}
	return o;
}

size_t
ascii_from_net(struct ascii_state *st, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (st->last_cr) {
			st->last_cr = 0;
			if (in[i] != '\n')
				out[o++] = '\r';
		}
		if (in[i] == '\r') {
			st->last_cr = 1;
			continue;
		}
		out[o++] = in[i];
	}
	return o;
}

size_t
ascii_from_net_finish(struct ascii_state *st, char *out)
{
	if (!st->last_cr)
		return 0;
	st->last_cr = 0;
	out[0] = '\r';
	return 1;
}
