/* Customers (the people who take tickets) in SQL. */
#ifndef TURNERO_CUSTOMER_REPO_H
#define TURNERO_CUSTOMER_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"

struct db;

/* Buffer sizes for the VARCHAR columns in utf8mb4 (4 bytes a character), NUL included. */
#define CUSTOMER_DNI_SIZE 81
#define CUSTOMER_NAME_SIZE 401
#define CUSTOMER_PHONE_SIZE 161
#define CUSTOMER_EMAIL_SIZE 1017

struct customer_rec {
	char id[UUID_STR_LEN];
	bool has_dni; /* false: dni is SQL NULL */
	char dni[CUSTOMER_DNI_SIZE];
	char first_name[CUSTOMER_NAME_SIZE];
	char last_name[CUSTOMER_NAME_SIZE];
	char phone[CUSTOMER_PHONE_SIZE];
	char email[CUSTOMER_EMAIL_SIZE];
	bool state;
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
};

/* A page of customers; free with customer_list_free. */
struct customer_list {
	struct customer_rec *items;
	size_t n;
};

struct customer_filter {
	const char *dni;  /* exact match; NULL: any */
	const char *q;    /* case-insensitive substring of "first_name last_name", taken literally; NULL: any */
	int state;        /* -1: any */
	const char *sort; /* one of customer_repo_sorts */
	long long limit, offset;
};

/* The sort keys STMT_CUSTOMER_LIST understands, NULL-terminated; the first is the default. */
extern const char *const customer_repo_sorts[];

/*
 * A LIKE pattern matching q anywhere, with '%', '_' and '\' escaped by a backslash so
 * they match only themselves. Returns a malloc'd string the caller frees, or NULL when
 * out of memory.
 */
char *repo_customer_like_pattern(const char *q);

/* Inserts c (id set by the caller): 1, DB_CONFLICT on a duplicate dni, or another negative db_status. */
long long repo_customer_insert(struct db *db, const struct customer_rec *c);
/* 1 found (fills out), 0 none, or a negative db_status. */
long long repo_customer_get_by_id(struct db *db, const char *id, struct customer_rec *out);
/* 1 found (fills out), 0 none, or a negative db_status. */
long long repo_customer_get_by_dni(struct db *db, const char *dni, struct customer_rec *out);
/* Locks the row for the rest of the transaction: 1 found, 0 none, or negative. */
long long repo_customer_lock(struct db *db, const char *id);
/*
 * One page into out (set empty first; caller frees with customer_list_free, also on
 * error it holds nothing) and the filter's row count into *total.
 * Returns the rows fetched or a negative db_status.
 */
long long repo_customer_list(struct db *db, const struct customer_filter *f, struct customer_list *out,
			     long long *total);
/* Frees the items and leaves an empty list; NULL-safe. */
void customer_list_free(struct customer_list *l);
/* Writes the editable fields of c: 1 updated, 0 no such id, DB_CONFLICT for a taken dni. */
long long repo_customer_update(struct db *db, const struct customer_rec *c);
/* 1 updated, 0 no such id, or negative. */
long long repo_customer_set_state(struct db *db, const char *id, bool state);
/*
 * Inserts a customer with id new_id and dni, or, when that dni exists, overwrites its
 * names; phone and email NULL keep the stored values (and insert ""). Atomic under the
 * unique dni index. Returns affected rows (>= 0) or a negative db_status; read the row
 * back by dni to learn its id.
 */
long long repo_customer_upsert_by_dni(struct db *db, const char *new_id, const char *dni, const char *first_name,
				      const char *last_name, const char *phone, const char *email);

#endif
