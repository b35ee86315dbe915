/* Validation errors collected per field, rendered as the 422 errors[] array. */
#ifndef TURNERO_FIELD_ERRORS_H
#define TURNERO_FIELD_ERRORS_H

#include <stddef.h>

#define FIELD_ERRORS_MAX 32

struct field_error {
	char field[64];
	char message[160];
};

/* A fixed-size list: no allocation, so it can live on the stack of a handler. */
struct field_errors {
	size_t n;
	size_t dropped; /* errors beyond FIELD_ERRORS_MAX */
	struct field_error e[FIELD_ERRORS_MAX];
};

void field_errors_init(struct field_errors *fe);

/* Appends one error; message is printf-formatted. Silently counts overflow. */
void field_errors_add(struct field_errors *fe, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
