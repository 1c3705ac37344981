/*
 * fuzz_ascii.c: TYPE A line-ending conversion, both directions.
 *
 * Input: byte 0 and byte 1 pick two chunk sizes (1-256), the rest is the
 * data. The data goes through ascii_from_net and ascii_to_net in one piece
 * and in pieces that alternate between the two sizes. Each output buffer
 * is allocated at exactly the bound ascii.h states for its input, so
 * AddressSanitizer reports a single byte written past it. Checks: the
 * chunked result equals the one-piece result; each equals a direct model
 * (CRLF becomes LF; a LF without CR before it becomes CRLF); text without
 * CR comes back unchanged from disk to wire to disk.
 */
#include "ascii.h"
#include "fuzz.h"

/* Runs one direction over in[0..n) in pieces; returns malloc'd output. */
static char *
convert(int to_net, const uint8_t *in, size_t n, size_t c1, size_t c2,
    size_t *outlen)
{
	struct ascii_state st;
	char *all = malloc(to_net ? ASCII_TO_NET_MAX(n) + 1 :
	    ASCII_FROM_NET_MAX(n));
	size_t off = 0, o = 0, turn = 0;

	if (all == NULL)
		abort();
	ascii_init(&st);
	while (off < n) {
		size_t k = turn++ % 2 == 0 ? c1 : c2, w;
		char *piece;

		if (k > n - off)
			k = n - off;
		piece = malloc(to_net ? ASCII_TO_NET_MAX(k) : ASCII_FROM_NET_MAX(k));
		if (piece == NULL)
			abort();
		if (to_net) {
			w = ascii_to_net(&st, (const char *)in + off, k, piece);
			FUZZ_CHECK(w <= ASCII_TO_NET_MAX(k));
		} else {
			w = ascii_from_net(&st, (const char *)in + off, k, piece);
			FUZZ_CHECK(w <= ASCII_FROM_NET_MAX(k));
		}
		memcpy(all + o, piece, w);
		free(piece);
		o += w;
		off += k;
	}
	if (!to_net) {
		char tail[1];
		size_t t = ascii_from_net_finish(&st, tail);

		FUZZ_CHECK(t <= 1);
		if (t == 1)
			all[o++] = tail[0];
	}
	*outlen = o;
	return all;
}

/* The one-shot model of both directions. */
static size_t
model(int to_net, const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (to_net) {
			if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
				out[o++] = '\r';
		} else if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue;
		out[o++] = (char)in[i];
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t c1, c2, n, len1, len2, mlen, i;
	const uint8_t *in;
	char *one, *pieces, *want;
	int dir, has_cr = 0;

	if (size < 2)
		return 0;
	c1 = (size_t)data[0] + 1;
	c2 = (size_t)data[1] + 1;
	in = data + 2;
	n = size - 2;
	want = malloc(2 * n + 1);
	if (want == NULL)
		abort();
	for (dir = 0; dir < 2; dir++) {
		one = convert(dir, in, n, n > 0 ? n : 1, n > 0 ? n : 1, &len1);
		pieces = convert(dir, in, n, c1, c2, &len2);
		mlen = model(dir, in, n, want);
		FUZZ_CHECK(len1 == len2 && memcmp(one, pieces, len1) == 0);
		FUZZ_CHECK(len1 == mlen && memcmp(one, want, mlen) == 0);
		free(one);
		free(pieces);
	}
	for (i = 0; i < n; i++)
		has_cr |= in[i] == '\r';
	if (!has_cr) {
		char *back;

		one = convert(1, in, n, c1, c2, &len1);
		back = convert(0, (const uint8_t *)one, len1, c2, c1, &len2);
		FUZZ_CHECK(len2 == n && memcmp(back, in, n) == 0);
		free(one);
		free(back);
	}
	free(want);
	return 0;
}
