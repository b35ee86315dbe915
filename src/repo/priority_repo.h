/* Priorities in SQL: the urgency levels tickets carry and their SLA targets. */
#ifndef TURNERO_PRIORITY_REPO_H
#define TURNERO_PRIORITY_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"

struct db;

struct priority_rec {
	char id[UUID_STR_LEN];
	char name[201];         /* VARCHAR(50) in utf8mb4, NUL included */
	char description[1021]; /* VARCHAR(255) */
	int level;              /* 1 = most urgent */
	int max_wait_minutes;   /* 0 = no SLA */
	bool state;
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
};

/* A page of priorities; free with priority_list_free. */
struct priority_list {
	struct priority_rec *items;
	size_t n;
};

struct priority_filter {
	int state;        /* -1: any */
	const char *sort; /* one of priority_repo_sorts */
	long long limit, offset;
};

/* The sort keys STMT_PRIORITY_LIST understands, NULL-terminated; the first is the default. */
extern const char *const priority_repo_sorts[];

/* Inserts p (id set by the caller): 1, DB_CONFLICT on a duplicate name, or another negative db_status. */
long long repo_priority_insert(struct db *db, const struct priority_rec *p);
/* 1 found (fills out), 0 none, or a negative db_status. */
long long repo_priority_get_by_id(struct db *db, const char *id, struct priority_rec *out);
/* Locks the row for the rest of the transaction: 1 found, 0 none, or negative. */
long long repo_priority_lock(struct db *db, const char *id);
/*
 * One page into out (set empty first; caller frees with priority_list_free, also on
 * error it holds nothing) and the filter's row count into *total.
 * Returns the rows fetched or a negative db_status.
 */
long long repo_priority_list(struct db *db, const struct priority_filter *f, struct priority_list *out,
			     long long *total);
/* Frees the items and leaves an empty list; NULL-safe. */
void priority_list_free(struct priority_list *l);
/* Writes the editable fields of p: 1 updated, 0 no such id, DB_CONFLICT for a taken name. */
long long repo_priority_update(struct db *db, const struct priority_rec *p);
/* 1 updated, 0 no such id, or negative. */
long long repo_priority_set_state(struct db *db, const char *id, bool state);

#endif
