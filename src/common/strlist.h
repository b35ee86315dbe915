/* A list of owned strings, for layers that must not see json-c (services' inputs). */
#ifndef TURNERO_STRLIST_H
#define TURNERO_STRLIST_H

#include <stddef.h>

/* items and each string are owned (malloc'd); free with strlist_free. */
struct strlist {
	char **items;
	size_t n;
};

/* Frees the items and leaves an empty list; NULL-safe. */
void strlist_free(struct strlist *l);

#endif
