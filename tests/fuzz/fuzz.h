/*
 * Fuzz drivers: each feeds one input to one parser of untrusted bytes. The
 * bodies are plain functions so the unit test suite can replay the corpus and
 * the regression inputs through them without libFuzzer; under libFuzzer each
 * driver file also defines LLVMFuzzerTestOneInput (unless FUZZ_NO_ENTRY).
 */
#ifndef TURNERO_FUZZ_H
#define TURNERO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A broken invariant is a crash, so both libFuzzer and the replay test notice it. */
#define FUZZ_CHECK(cond)                                                                       \
	do {                                                                                   \
		if (!(cond)) {                                                                 \
			fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                               \
		}                                                                              \
	} while (0)

/*
 * A NUL-terminated copy of data[0..n) (which need not hold a NUL), or NULL. Not strndup:
 * the sanitizer's strndup may read one byte past n when the bytes hold no NUL.
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);
	if (s) {
		for (size_t i = 0; i < n; i++)
			s[i] = (char)data[i];
		s[n] = '\0';
	}
	return s;
}

/* Each returns 0; a bug shows as a crash, a sanitizer report or an abort. data may be NULL when size is 0. */
int fuzz_form_one(const uint8_t *data, size_t size);
int fuzz_json_one(const uint8_t *data, size_t size);
int fuzz_router_one(const uint8_t *data, size_t size);
int fuzz_request_one(const uint8_t *data, size_t size);
int fuzz_token_one(const uint8_t *data, size_t size);
int fuzz_csv_one(const uint8_t *data, size_t size);

/* libFuzzer's entry point, declared here for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
