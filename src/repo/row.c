#include "repo/row.h"

#include <stdlib.h>
#include <string.h>

void row_copy(const struct db_row *row, unsigned col, char *dst, size_t size)
{
	const char *s = db_row_str(row, col);
	size_t len = s ? db_row_len(row, col) : 0;
	if (len >= size)
		len = size - 1;
	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
}

void row_time(const struct db_row *row, unsigned col, char dst[TS_STR_LEN])
{
	const char *s = db_row_str(row, col);
	if (!s || ids_db_to_rfc3339(s, dst) < 0)
		dst[0] = '\0';
}

int row_count(void *cls, const struct db_row *row)
{
	*(long long *)cls = db_row_int(row, 0);
	return 0;
}

void *row_append(void *items, size_t *n, size_t size)
{
	void *array;
	memcpy(&array, items, sizeof array); /* items points at a typed pointer: copy, do not alias */
	char *grown = realloc(array, (*n + 1) * size);
	if (!grown)
		return NULL;
	memcpy(items, &grown, sizeof grown);
	char *slot = grown + (*n)++ * size;
	memset(slot, 0, size);
	return slot;
}
