/*
 * Enum <-> name tables: an array of names indexed by the enum, looked up both ways.
 * Used by the name tables of ticket statuses, queue states and policies (and ops).
 */
#ifndef TURNERO_NAME_TABLE_H
#define TURNERO_NAME_TABLE_H

#include <stddef.h>
#include <string.h>

#define NAME_TABLE_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* names[v], or NULL for v outside the table (an enum may be signed: compare as unsigned). */
static inline const char *name_table_get(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : NULL;
}

/* The index of s in names (exact, case-sensitive), or -1 for NULL or a name not there. */
static inline int name_table_find(const char *const *names, size_t n, const char *s)
{
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

#endif
