/* Staff users in SQL. Never returns password hashes except to the login path. */
#ifndef TURNERO_USER_REPO_H
#define TURNERO_USER_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"
#include "common/perm.h"

struct db;

#define NAME_FIELD_SIZE 401 /* VARCHAR(100) in utf8mb4, NUL included */

struct user_rec {
	char id[UUID_STR_LEN];
	char user_name[33];
	char first_name[NAME_FIELD_SIZE];
	char last_name[NAME_FIELD_SIZE];
	bool state;
	char role_id[UUID_STR_LEN];
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
};

/* A page of users; free with user_list_free. */
struct user_list {
	struct user_rec *items;
	size_t n;
};

struct user_filter {
	const char *user_name; /* NULL: any */
	const char *role_id;
	int state;             /* -1: any */
	const char *sort;      /* one of the names user_repo_sorts lists */
	long long limit, offset;
};

/* The login view: hash and the states that decide whether a login may succeed. */
struct user_login {
	char id[UUID_STR_LEN];
	char user_name[33];
	char *password_hash; /* owned; free with free() */
	bool state;
	char role_name[201];
	bool role_state;
};

/* The sort keys STMT_USER_LIST understands, NULL-terminated. */
extern const char *const user_repo_sorts[];

/* Returns 1 inserted, DB_CONFLICT on a duplicate user_name, or another negative db_status. */
long long repo_user_insert(struct db *db, const struct user_rec *u, const char *password_hash);
/* 1 found (fills out), 0 none, or negative. */
long long repo_user_get_by_id(struct db *db, const char *id, struct user_rec *out);
/* 1 found (fills id), 0 none, or negative. */
long long repo_user_id_by_name(struct db *db, const char *user_name, char id[UUID_STR_LEN]);
/* 1 found (fills out; caller frees out->password_hash), 0 none, or negative. */
long long repo_user_login_by_name(struct db *db, const char *user_name, struct user_login *out);
/* Rows of the page into out (caller frees with user_list_free) and the filter's total. */
long long repo_user_list(struct db *db, const struct user_filter *f, struct user_list *out, long long *total);
void user_list_free(struct user_list *l);
/* Writes the editable fields of u; 1 updated, 0 no such id, or negative. */
long long repo_user_update(struct db *db, const struct user_rec *u);
long long repo_user_set_password(struct db *db, const char *id, const char *password_hash);
long long repo_user_set_state(struct db *db, const char *id, bool state);
/* Active users in the active admin role other than except_id, locking their rows. */
long long repo_user_count_active_admins_except(struct db *db, const char *except_id);

/* What the caller may do now: user and role state and the role's permissions. */
struct user_principal {
	char user_name[33];
	bool user_state;
	char role_id[UUID_STR_LEN];
	char role_name[201];
	bool role_state;
	perm_set perms;
};
/* 1 found, 0 none, or negative. */
long long repo_user_principal(struct db *db, const char *id, struct user_principal *out);

#endif
