#include "repo/row.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"

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

/* Column col parsed by parse; -1 for NULL, a name too long for any table or an unknown one. */
static int row_name(const struct db_row *row, unsigned col, int (*parse)(const char *), const char *what)
{
	char name[16];
	int v = -1;
	if (!db_row_is_null(row, col) && db_row_len(row, col) < sizeof name) {
		row_copy(row, col, name, sizeof name);
		v = parse(name);
	}
	if (v < 0)
		log_err("db: column %u holds no %s this build knows", col, what);
	return v;
}

int row_ticket_status(const struct db_row *row, unsigned col, enum ticket_status *out)
{
	int v = row_name(row, col, ticket_status_parse, "ticket status");
	if (v < 0)
		return DB_HARD;
	*out = (enum ticket_status)v;
	return 0;
}

int row_queue_state(const struct db_row *row, unsigned col, enum queue_state *out)
{
	int v = row_name(row, col, queue_state_parse, "queue state");
	if (v < 0)
		return DB_HARD;
	*out = (enum queue_state)v;
	return 0;
}

int row_queue_policy(const struct db_row *row, unsigned col, enum queue_policy *out)
{
	int v = row_name(row, col, queue_policy_parse, "queue policy");
	if (v < 0)
		return DB_HARD;
	*out = (enum queue_policy)v;
	return 0;
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
