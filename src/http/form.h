/* Query strings and application/x-www-form-urlencoded bodies, decoded strictly. */
#ifndef TURNERO_FORM_H
#define TURNERO_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct kv {
	char *key;   /* owned, NUL-terminated, valid UTF-8 */
	char *value; /* owned, "" for a key without '=' */
};

/* Pairs in input order; zero-initialise (or kv_list_free) before use. */
struct kv_list {
	struct kv *items;
	size_t n, cap;
};

/*
 * Parses "a=1&b=x+y&c=%C3%A9" ('+' is a space, %XY is a byte). Empty pairs
 * ("&&") are skipped; a key without '=' gets the value "". s may be NULL when
 * len is 0. out must be empty; on success it owns the pairs (kv_list_free).
 * Returns 0, or -1 on a malformed escape (%4, %zz), a decoded NUL byte,
 * invalid UTF-8 after decoding, more than max_pairs pairs, or out of memory;
 * on -1 the list is left empty.
 */
int form_parse(const char *s, size_t len, size_t max_pairs, struct kv_list *out);

/* The first value for key, or NULL; borrowed from l. NULL-safe. */
const char *kv_get(const struct kv_list *l, const char *key);
/* The first pair named key, for its owner to change the value in place; NULL when none. */
struct kv *kv_find(struct kv_list *l, const char *key);

/* How many times key appears (callers reject duplicates). NULL-safe. */
size_t kv_count(const struct kv_list *l, const char *key);

/* Frees the pairs and leaves an empty list; NULL-safe. */
void kv_list_free(struct kv_list *l);

/*
 * Percent-decodes in[0..len) into a new NUL-terminated string the caller
 * frees. plus_is_space turns '+' into ' ' (form bodies); without it '+' stays.
 * Returns NULL on a malformed escape, a NUL byte (encoded or raw), invalid
 * UTF-8 after decoding, or out of memory.
 * [out] outlen: when not NULL, the decoded length (set on success only).
 */
char *percent_decode(const char *in, size_t len, bool plus_is_space, size_t *outlen);

#endif
