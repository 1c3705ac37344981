/*
 * fuzz.h: what every libFuzzer target here shares.
 *
 * A target checks properties of the code it drives; a property that does
 * not hold is a finding, reported like a sanitizer error: a message naming
 * the check, then abort() so that libFuzzer writes the input out.
 */
#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "FUZZ CHECK FAILED: %s:%d: %s\n",   \
			    __FILE__, __LINE__, #cond);                     \
			abort();                                            \
		}                                                           \
	} while (0)

/*
 * A heap copy of data[0..n) with a NUL after it and nothing more, so that
 * AddressSanitizer sees any read past the string's end. Embedded NULs
 * stay: C string code simply stops at the first.
 */
static inline char *
fuzz_cstr(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

#endif
