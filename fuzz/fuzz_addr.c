/*
 * fuzz_addr.c: the PORT, EPRT, PASV and EPSV syntaxes.
 *
 * Input: any text. It goes to each parser as a NUL-terminated string of
 * its own size; whatever a parser accepts must be a sane address that
 * survives format then parse unchanged. The leading bytes are also taken
 * as a raw IPv4 and IPv6 address and port, formatted, and parsed back,
 * including as the text of a 227 and a 229 reply.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "addr.h"
#include "fuzz.h"

static int
same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return a->ss_family == b->ss_family && addr_same_host(a, b) &&
	    addr_port(a) == addr_port(b);
}

/* Formats ss as PORT and EPRT text (where it can be) and parses it back. */
static void
round_trip(const struct sockaddr_storage *ss)
{
	struct sockaddr_storage back;
	char text[128], reply[160];
	unsigned port;

	if (ss->ss_family == AF_INET) {
		FUZZ_CHECK(addr_format_port(ss, text, sizeof(text)) == 0);
		FUZZ_CHECK(addr_parse_port(text, &back) == 0 && same(ss, &back));
		snprintf(reply, sizeof(reply), "Entering Passive Mode (%s).", text);
		FUZZ_CHECK(addr_parse_pasv_reply(reply, &back) == 0 && same(ss, &back));
	} else {
		FUZZ_CHECK(addr_format_port(ss, text, sizeof(text)) == -1);
	}
	FUZZ_CHECK(addr_format_eprt(ss, text, sizeof(text)) == 0);
	if (addr_port(ss) == 0) {
		/* Port 0 is never a data port: formatted, but refused. */
		FUZZ_CHECK(addr_parse_eprt(text, &back) == -1);
		return;
	}
	FUZZ_CHECK(addr_parse_eprt(text, &back) == 0 && same(ss, &back));
	snprintf(reply, sizeof(reply), "Entering Extended Passive Mode (|||%u|)",
	    addr_port(ss));
	FUZZ_CHECK(addr_parse_epsv_reply(reply, &port) == 0 &&
	    port == addr_port(ss));
}

static void
from_raw(const uint8_t *d)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, d, 4);
	memcpy(&sin->sin_port, d + 4, 2);
	round_trip(&ss);

	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, d, 16);
	memcpy(&sin6->sin6_port, d + 16, 2);
	round_trip(&ss);
	addr_unmap(&ss);
	FUZZ_CHECK(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	char *text = fuzz_cstr(data, size);
	unsigned port;

	if (addr_parse_port(text, &ss) == 0) {
		FUZZ_CHECK(ss.ss_family == AF_INET);
		round_trip(&ss);
	}
	if (addr_parse_eprt(text, &ss) == 0) {
		FUZZ_CHECK(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
		FUZZ_CHECK(addr_port(&ss) >= 1 && addr_port(&ss) <= 65535);
		round_trip(&ss);
	}
	if (addr_parse_pasv_reply(text, &ss) == 0) {
		FUZZ_CHECK(ss.ss_family == AF_INET);
		round_trip(&ss);
	}
	if (addr_parse_epsv_reply(text, &port) == 0)
		FUZZ_CHECK(port >= 1 && port <= 65535);
	if (size >= 18)
		from_raw(data);
	free(text);
	return 0;
}
