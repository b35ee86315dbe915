/* Small helpers for reading result rows into fixed-size records (repository use only). */
#ifndef TURNERO_ROW_H
#define TURNERO_ROW_H

#include <stddef.h>

#include "common/ids.h"
#include "common/queue_state.h"
#include "common/ticket_status.h"
#include "repo/db.h"

/* Copies column col into dst (empty for NULL), truncating to size - 1 bytes. */
void row_copy(const struct db_row *row, unsigned col, char *dst, size_t size);
/*
 * The states of the schema's ENUM columns, parsed with their name tables (common/) at this
 * boundary: 0, or DB_HARD (logged) for NULL or a name the table does not know, which
 * means the schema and the enum disagree. *out is untouched then.
 */
int row_ticket_status(const struct db_row *row, unsigned col, enum ticket_status *out);
int row_queue_state(const struct db_row *row, unsigned col, enum queue_state *out);
int row_queue_policy(const struct db_row *row, unsigned col, enum queue_policy *out);
/* Converts a DATETIME(3) column to RFC 3339 ("" for NULL). */
void row_time(const struct db_row *row, unsigned col, char dst[TS_STR_LEN]);
/*
 * Grows the array *items (n elements of size bytes, owned by the caller) by one zeroed
 * element and returns it, or NULL when out of memory (the array is then unchanged).
 * items is the address of the caller's typed pointer, e.g. &list->items.
 */
void *row_append(void *items, size_t *n, size_t size);

/* Row callback storing column 0 as an integer into *(long long *)cls. */
int row_count(void *cls, const struct db_row *row);

#endif
