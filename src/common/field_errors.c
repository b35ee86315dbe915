#include "common/field_errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void field_errors_init(struct field_errors *fe)
{
	memset(fe, 0, sizeof *fe);
}

void field_errors_add(struct field_errors *fe, const char *field, const char *fmt, ...)
{
	if (fe->n >= FIELD_ERRORS_MAX) {
		fe->dropped++;
		return;
	}
	struct field_error *e = &fe->e[fe->n++];
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}
