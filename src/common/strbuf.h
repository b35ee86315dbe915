/* A growable byte buffer, always NUL-terminated. */
#ifndef TURNERO_STRBUF_H
#define TURNERO_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data; /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	bool oom; /* set once an allocation failed; later appends are no-ops */
};

#define STRBUF_INIT {NULL, 0, 0, false}

void strbuf_append(struct strbuf *sb, const char *s, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keeps the allocation, forgets the content. */
void strbuf_reset(struct strbuf *sb);
/* Frees the allocation; the buffer can be reused after. */
void strbuf_free(struct strbuf *sb);
/* Returns the content ("" when empty); borrowed until the next append. */
const char *strbuf_cstr(const struct strbuf *sb);

#endif
