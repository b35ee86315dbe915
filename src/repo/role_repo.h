/* Roles and their permission sets in SQL. */
#ifndef TURNERO_ROLE_REPO_H
#define TURNERO_ROLE_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"
#include "common/perm.h"

struct db;

struct role_rec {
	char id[UUID_STR_LEN];
	char name[201];
	char description[1021];
	bool state;
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
};

struct role_list {
	struct role_rec *items;
	size_t n;
};

struct role_filter {
	const char *name; /* NULL: any */
	int state;        /* -1: any */
	const char *sort;
	long long limit, offset;
};

extern const char *const role_repo_sorts[];

long long repo_role_insert(struct db *db, const struct role_rec *r);
long long repo_role_get_by_id(struct db *db, const char *id, struct role_rec *out);
long long repo_role_get_by_name(struct db *db, const char *name, struct role_rec *out);
long long repo_role_list(struct db *db, const struct role_filter *f, struct role_list *out, long long *total);
void role_list_free(struct role_list *l);
long long repo_role_update(struct db *db, const struct role_rec *r);
long long repo_role_set_state(struct db *db, const char *id, bool state);
/* Locks the role row for the rest of the transaction; 1 found, 0 none. */
long long repo_role_lock(struct db *db, const char *id);
/* The role's permissions as a set (0 rows is an empty set). */
long long repo_role_permissions(struct db *db, const char *id, perm_set *out);
/* Replaces the role's set; run inside a transaction. */
long long repo_role_permissions_replace(struct db *db, const char *id, perm_set set);

#endif
