/* Strict UTF-8 checks for untrusted input. */
#ifndef TURNERO_UTF8_H
#define TURNERO_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when s[0..len) is well-formed UTF-8 (RFC 3629): no overlong forms, no
 * surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
 * NUL bytes are valid UTF-8; callers that need C strings reject them separately.
 * s may be NULL when len is 0.
 */
bool utf8_valid(const char *s, size_t len);

/*
 * Number of code points in s[0..len), for length limits stated in characters.
 * Counts every byte that is not a continuation byte, so the result is only
 * meaningful for input that passed utf8_valid().
 */
size_t utf8_length(const char *s, size_t len);

/*
 * Length of the well-formed UTF-8 sequence starting at s[0] (1..4), or 0 when
 * the bytes at s[0..avail) do not start one.
 */
size_t utf8_sequence_len(const unsigned char *s, size_t avail);

#endif
