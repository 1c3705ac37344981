/*
 * fuzz_vpath.c: virtual path resolution.
 *
 * Input: byte 0 picks the output buffer's size (VPATH_MAX or 0..63
 * bytes), then "cwd NUL arg" (without a NUL the cwd is "/"). The buffer
 * is allocated to exactly that size so that AddressSanitizer catches any
 * write past it. The result must equal a component-stack model, keep the
 * canonical shape (starts with '/', no "//", "/./" or "/../", no trailing
 * '/' or "." or ".."), fail only when the model's path (at its longest
 * along the way) does not fit, and resolve to itself again.
 */
#include <errno.h>

#include "fuzz.h"
#include "vpath.h"

/* Applies the components of p to the model path m (length *len). */
static void
model_walk(char *m, size_t *len, size_t *peak, const char *p)
{
	while (*p != '\0') {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 1 && p[0] == '.') {
			;
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (*len > 1 && m[*len - 1] != '/')
				(*len)--;
			if (*len > 1)
				(*len)--;
		} else if (n > 0) {
			if (*len > 1)
				m[(*len)++] = '/';
			memcpy(m + *len, p, n);
			*len += n;
			if (*len > *peak)
				*peak = *len;
		}
		m[*len] = '\0';
		p += n;
	}
}

static void
check_shape(const char *p, size_t outsz)
{
	size_t n = strlen(p);

	FUZZ_CHECK(p[0] == '/' && n < outsz);
	FUZZ_CHECK(strstr(p, "//") == NULL);
	FUZZ_CHECK(strstr(p, "/./") == NULL && strstr(p, "/../") == NULL);
	if (n > 1) {
		FUZZ_CHECK(p[n - 1] != '/');
		FUZZ_CHECK(strcmp(p + n - 2, "/.") != 0);
		FUZZ_CHECK(n < 3 || strcmp(p + n - 3, "/..") != 0);
	}
}

/* The result resolves to itself, from any cwd and as a cwd. */
static void
check_idempotent(const char *p)
{
	char again[VPATH_MAX];

	FUZZ_CHECK(vpath_resolve("/", p, again, sizeof(again)) == 0);
	FUZZ_CHECK(strcmp(again, p) == 0);
	FUZZ_CHECK(vpath_resolve("/elsewhere/deep", p, again, sizeof(again)) == 0);
	FUZZ_CHECK(strcmp(again, p) == 0);
	FUZZ_CHECK(vpath_resolve(p, "", again, sizeof(again)) == 0);
	FUZZ_CHECK(strcmp(again, p) == 0);
	FUZZ_CHECK(vpath_resolve(p, ".", again, sizeof(again)) == 0);
	FUZZ_CHECK(strcmp(again, p) == 0);
}

static void
check_helpers(const char *p)
{
	const char *rel = vpath_relative(p), *base = vpath_basename(p);

	if (strcmp(p, "/") == 0) {
		FUZZ_CHECK(strcmp(rel, ".") == 0 && strcmp(base, "/") == 0);
		return;
	}
	FUZZ_CHECK(rel == p + 1);
	FUZZ_CHECK(*base != '\0' && strchr(base, '/') == NULL);
	FUZZ_CHECK(base > p && base[-1] == '/' && base + strlen(base) == p + strlen(p));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, *cwd, *arg, *out, *m;
	size_t outsz, len = 1, peak = 1;
	const uint8_t *nul;
	int rc;

	if (size < 1)
		return 0;
	outsz = data[0] < 128 ? VPATH_MAX : (size_t)(data[0] & 63);
	in = fuzz_cstr(data + 1, size - 1);
	nul = memchr(data + 1, '\0', size - 1);
	if (nul != NULL) {
		cwd = in;
		arg = in + (nul - (data + 1)) + 1;
	} else {
		cwd = (char *)"/";
		arg = in;
	}
	/* The model never grows past "/" + cwd + "/" + arg. */
	m = malloc(size + 4);
	out = malloc(outsz > 0 ? outsz : 1);
	if (m == NULL || out == NULL)
		abort();
	m[0] = '/';
	m[1] = '\0';
	if (arg[0] != '/')
		model_walk(m, &len, &peak, cwd);
	model_walk(m, &len, &peak, arg);

	errno = 0;
	rc = vpath_resolve(cwd, arg, out, outsz);
	if (outsz < 2 || peak + 1 > outsz) {
		FUZZ_CHECK(rc == -1 && errno == ENAMETOOLONG);
		FUZZ_CHECK(outsz < 2 || strcmp(out, "/") == 0);
	} else {
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(strcmp(out, m) == 0);
		check_shape(out, outsz);
		check_idempotent(out);
		check_helpers(out);
	}
	free(in);
	free(m);
	free(out);
	return 0;
}
