/*
 * fuzz_cmdline.c: the server's command input, as session.c drives it.
 *
 * Input: byte 0 picks the reader's mode (TELNET on or off, and a small
 * maximum now and then so that the over-long path is cheap to reach),
 * byte 1 seeds the chunk sizes, and the rest is the byte stream from the
 * peer. The stream goes through ctrl_feed in random pieces; the events
 * must equal those of a one-shot model of RFC 854/959 framing, whatever
 * the split (an over-long line's tail never becomes a command). Each line
 * then goes through cmd_runs_during_transfer and cmd_split, which are
 * checked against the rules their header states.
 */
#include <ctype.h>

#include "cmdtab.h"
#include "ctrlio.h"
#include "fuzz.h"

#define IAC 255
#define WILL 251
#define DONT 254

struct event {
	enum ctrl_result kind;
	const unsigned char *line;	/* into the model's stripped stream */
	size_t len;
};

/* The framing as a model: strip TELNET, split at LF, judge each line. */
static size_t
model(const uint8_t *in, size_t n, int telnet, size_t max,
    unsigned char *clean, struct event *ev)
{
	size_t i, m = 0, start = 0, nev = 0;

	for (i = 0; i < n; i++) {
		if (telnet && in[i] == IAC) {
			if (i + 1 < n && in[i + 1] == IAC)
				clean[m++] = IAC;
			else if (i + 1 < n && in[i + 1] >= WILL && in[i + 1] <= DONT)
				i++;	/* and the option byte below */
			i++;
			continue;
		}
		clean[m++] = in[i];
	}
	for (i = 0; i < m; i++) {
		size_t len;

		if (clean[i] != '\n')
			continue;
		len = i - start;
		if (len > 0 && clean[i - 1] == '\r')
			len--;
		ev[nev].line = clean + start;
		ev[nev].len = len;
		if (len > max)
			ev[nev].kind = CTRL_TOO_LONG;
		else if (memchr(clean + start, '\0', len) != NULL)
			ev[nev].kind = CTRL_BAD_BYTE;
		else
			ev[nev].kind = CTRL_LINE;
		nev++;
		start = i + 1;
	}
	return nev;
}

/* cmd_split and cmd_runs_during_transfer against their contracts. */
static void
check_command(const char *line)
{
	size_t len = strlen(line), n = strcspn(line, " "), i;
	char *copy = fuzz_cstr((const uint8_t *)line, len), *verb, *arg;
	int valid = n >= 1 && n <= 8, during = cmd_runs_during_transfer(line);
	const struct command *c = NULL;

	for (i = 0; i < n && valid; i++)
		valid = isalpha((unsigned char)line[i]) != 0;
	FUZZ_CHECK((cmd_split(copy, &verb, &arg) == 0) == valid);
	if (valid) {
		FUZZ_CHECK(verb == copy && strlen(verb) == n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(verb[i] >= 'A' && verb[i] <= 'Z' &&
			    verb[i] == toupper((unsigned char)line[i]));
		if (line[n] == ' ' && line[n + 1] != '\0')
			FUZZ_CHECK(arg == copy + n + 1 && strcmp(arg, line + n + 1) == 0);
		else
			FUZZ_CHECK(arg == NULL);
		c = cmdtab_find(verb);
		FUZZ_CHECK(c == NULL || strcmp(c->name, verb) == 0);
	} else {
		FUZZ_CHECK(verb == NULL && arg == NULL);
	}
	/* Only a known verb marked for it runs mid-transfer; STAT only bare. */
	FUZZ_CHECK(during == (c != NULL && (c->flags & CMD_DURING_XFER) &&
	    !(strcmp(c->name, "STAT") == 0 && arg != NULL)));
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t maxes[4] = { CTRL_LINE_MAX, 1, 8, 64 };
	struct ctrl_reader r;
	struct event *ev;
	unsigned char *clean;
	size_t nev, got = 0, pos = 0, max;
	uint32_t rnd;
	int telnet;

	if (size < 2)
		return 0;
	telnet = !(data[0] & 1);
	max = maxes[(data[0] >> 1) & 3];
	rnd = data[1] * 2654435761u + 1;
	data += 2;
	size -= 2;
	clean = malloc(size + 1);
	ev = malloc((size + 1) * sizeof(*ev));
	if (clean == NULL || ev == NULL)
		abort();
	nev = model(data, size, telnet, max, clean, ev);

	ctrl_reader_init(&r, max, telnet);
	while (pos < size) {
		size_t chunk, used;

		rnd ^= rnd << 13;
		rnd ^= rnd >> 17;
		rnd ^= rnd << 5;
		chunk = (rnd & 7) == 0 ? size - pos : 1 + rnd % 16;
		if (chunk > size - pos)
			chunk = size - pos;
		while (chunk > 0) {
			enum ctrl_result res;
			const char *line;

			used = (size_t)-1;
			res = ctrl_feed(&r, data + pos, chunk, &used);
			FUZZ_CHECK(used <= chunk);
			pos += used;
			chunk -= used;
			if (res == CTRL_NEED_MORE) {
				FUZZ_CHECK(chunk == 0);
				continue;
			}
			FUZZ_CHECK(used >= 1 && data[pos - 1] == '\n');
			FUZZ_CHECK(got < nev && res == ev[got].kind);
			if (res != CTRL_LINE) {
				got++;
				continue;
			}
			line = r.line.data != NULL ? r.line.data : "";
			FUZZ_CHECK(r.line.len <= max && r.line.len <= CTRL_LINE_MAX);
			FUZZ_CHECK(strlen(line) == r.line.len);
			FUZZ_CHECK(strchr(line, '\n') == NULL);
			FUZZ_CHECK(r.line.len == ev[got].len &&
			    memcmp(line, ev[got].line, r.line.len) == 0);
			got++;
			check_command(line);
		}
	}
	FUZZ_CHECK(got == nev);
	ctrl_reader_free(&r);
	free(clean);
	free(ev);
	return 0;
}
