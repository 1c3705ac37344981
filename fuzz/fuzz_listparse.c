/*
 * fuzz_listparse.c: ftpc's LIST and MLSD parsers.
 *
 * Input: byte 0 bit 0 picks MLSD or LIST, bytes 1-4 are "now" (which
 * decides the year of Unix dates without one), the rest is a listing as a
 * server sends it. listparse_buffer must give exactly the entries that the
 * line parsers give line by line (each line in a buffer of its own size,
 * so AddressSanitizer sees any read past it), every entry must be sane
 * (a terminated, non-empty name without LF, never "." or "..", a known
 * type, size and mode in range) and listparse_find must find each name.
 */
#include "fuzz.h"
#include "listparse.h"

/* Lines longer than this are counted as bad by listparse_buffer. */
#define LINE_LIMIT (LP_NAME_MAX + 512)

static void
check_entry(const struct lp_entry *e)
{
	FUZZ_CHECK(memchr(e->name, '\0', sizeof(e->name)) != NULL);
	FUZZ_CHECK(memchr(e->target, '\0', sizeof(e->target)) != NULL);
	FUZZ_CHECK(e->name[0] != '\0' && strchr(e->name, '\n') == NULL);
	FUZZ_CHECK(strchr(e->target, '\n') == NULL);
	FUZZ_CHECK(e->type == LP_UNKNOWN || e->type == LP_FILE ||
	    e->type == LP_DIR || e->type == LP_LINK);
	FUZZ_CHECK(e->size >= -1);
	FUZZ_CHECK(e->mode >= -1 && e->mode <= 07777);
}

static int
same_entry(const struct lp_entry *a, const struct lp_entry *b)
{
	return strcmp(a->name, b->name) == 0 &&
	    strcmp(a->target, b->target) == 0 && a->type == b->type &&
	    a->size == b->size && a->mtime == b->mtime && a->mode == b->mode;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lp_list l = { NULL, 0, 0 };
	struct lp_entry e;
	const char *p, *nl;
	char *text;
	size_t i, want = 0;
	time_t now;
	int mlsd, bad, lbad = 0;

	if (size < 5)
		return 0;
	mlsd = data[0] & 1;
	now = (time_t)((uint32_t)data[1] << 24 | data[2] << 16 | data[3] << 8 |
	    data[4]);
	text = fuzz_cstr(data + 5, size - 5);
	bad = listparse_buffer(text, mlsd, now, &l);
	FUZZ_CHECK(bad >= 0);

	/* The same text line by line, as listparse.h describes it. */
	for (p = text; *p != '\0'; p = nl + 1) {
		size_t n;
		char *line;
		int rc;

		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n >= LINE_LIMIT) {
			lbad++;
		} else {
			line = fuzz_cstr((const uint8_t *)p, n);
			rc = mlsd ? listparse_mlsd_line(line, &e) :
			    listparse_list_line(line, now, &e);
			FUZZ_CHECK(rc >= -1 && rc <= 1);
			if (rc < 0) {
				lbad++;
			} else if (rc > 0) {
				check_entry(&e);
				if (strcmp(e.name, ".") != 0 && strcmp(e.name, "..") != 0) {
					FUZZ_CHECK(want < l.n && same_entry(&e, &l.v[want]));
					want++;
				}
			}
			free(line);
		}
		if (nl == NULL)
			break;
	}
	FUZZ_CHECK(want == l.n && lbad == bad);
	for (i = 0; i < l.n; i++) {
		const struct lp_entry *f = listparse_find(&l, l.v[i].name);

		check_entry(&l.v[i]);
		FUZZ_CHECK(strcmp(l.v[i].name, ".") != 0 && strcmp(l.v[i].name, "..") != 0);
		FUZZ_CHECK(f != NULL && f <= &l.v[i] && strcmp(f->name, l.v[i].name) == 0);
	}
	listparse_free(&l);
	free(text);
	return 0;
}
