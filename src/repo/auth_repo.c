#include "repo/auth_repo.h"

#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

long long repo_login_failure_add(struct db *db, const char *user_name)
{
	return db_exec(db, STMT_LOGIN_FAILURE_ADD, DB_ARGS(db_str(user_name)));
}

long long repo_login_locked_for(struct db *db, const char *user_name, long window_seconds, long max_failures)
{
	long long left = 0;
	long long rc = db_query(db, STMT_LOGIN_FAILURE_FIFTH_RECENT,
				DB_ARGS(db_int(window_seconds), db_str(user_name), db_int(window_seconds),
					db_int(max_failures - 1)),
				row_count, &left);
	if (rc < 0)
		return rc;
	return rc == 0 ? 0 : (left < 1 ? 1 : left);
}

long long repo_login_failures_clear(struct db *db, const char *user_name)
{
	return db_exec(db, STMT_LOGIN_FAILURE_CLEAR, DB_ARGS(db_str(user_name)));
}

long long repo_refresh_insert(struct db *db, const char *id, const char *family_id, const char *user_id,
			      const char *token_hash, long ttl_seconds)
{
	return db_exec(db, STMT_REFRESH_INSERT,
		       DB_ARGS(db_str(id), db_str(family_id), db_str(user_id), db_str(token_hash), db_int(ttl_seconds)));
}

static int refresh_row(void *cls, const struct db_row *row)
{
	struct refresh_rec *r = cls;
	row_copy(row, 0, r->id, sizeof r->id);
	row_copy(row, 1, r->family_id, sizeof r->family_id);
	row_copy(row, 2, r->user_id, sizeof r->user_id);
	r->expires_at = db_row_int(row, 3);
	r->rotated = db_row_int(row, 4) != 0;
	r->revoked = db_row_int(row, 5) != 0;
	return 0;
}

long long repo_refresh_get_for_update(struct db *db, const char *token_hash, struct refresh_rec *out)
{
	memset(out, 0, sizeof *out);
	return db_query(db, STMT_REFRESH_GET_FOR_UPDATE, DB_ARGS(db_str(token_hash)), refresh_row, out);
}

long long repo_refresh_mark_rotated(struct db *db, const char *id)
{
	return db_exec(db, STMT_REFRESH_MARK_ROTATED, DB_ARGS(db_str(id)));
}

long long repo_refresh_revoke_family(struct db *db, const char *family_id)
{
	return db_exec(db, STMT_REFRESH_REVOKE_FAMILY, DB_ARGS(db_str(family_id)));
}

long long repo_refresh_revoke_user(struct db *db, const char *user_id)
{
	return db_exec(db, STMT_REFRESH_REVOKE_USER, DB_ARGS(db_str(user_id)));
}
