/*
 * fuzz_proxy.c: PROXY protocol v1 and v2 headers.
 *
 * Input: byte 0 picks the versions a listener accepts; the rest is what
 * arrives on the connection. Properties: proxy_header_length never names
 * more bytes than the longest header, gives the same answer for every
 * longer prefix once it has decided, and never reads past what it was
 * given (each prefix is a heap copy of exactly that size); proxy_parse of
 * the measured header never reads past it, and a relayed header always
 * names TCP over IPv4 or IPv6 for both ends.
 */
#include <netinet/in.h>

#include "fuzz.h"
#include "proxy.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum proxy_versions v;
	struct proxy_header h;
	ssize_t len = 0, r;
	size_t i;

	if (size < 1)
		return 0;
	v = (enum proxy_versions)(data[0] % 4);
	data++;
	size--;
	if (size > PROXY_V2_MAX + 64)
		size = PROXY_V2_MAX + 64;
	for (i = 0; i <= size; i++) {
		unsigned char *copy = malloc(i ? i : 1);

		FUZZ_CHECK(copy != NULL);
		memcpy(copy, data, i);
		r = proxy_header_length(copy, i, v);
		free(copy);
		if (v == PROXY_OFF)
			FUZZ_CHECK(r == -1 || (i == 0 && r == 0));
		FUZZ_CHECK(r <= PROXY_V2_MAX);
		if (len != 0) {
			FUZZ_CHECK(r == len);	/* decided answers stay */
			continue;
		}
		len = r;
		if (r < 0)
			return 0;
	}
	if (len <= 0 || (size_t)len > size)
		return 0;
	{
		unsigned char *hdr = malloc((size_t)len);

		FUZZ_CHECK(hdr != NULL);
		memcpy(hdr, data, (size_t)len);
		if (proxy_parse(hdr, (size_t)len, &h) == 0 && h.relayed) {
			FUZZ_CHECK(h.src.ss_family == AF_INET ||
			    h.src.ss_family == AF_INET6);
			FUZZ_CHECK(h.dst.ss_family == h.src.ss_family);
		}
		free(hdr);
	}
	return 0;
}
