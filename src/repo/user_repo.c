#include "repo/user_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const user_repo_sorts[] = {"user_name", "-user_name", "created_date", "-created_date",
				       "last_name", "-last_name", NULL};

/* Columns: id, user_name, first_name, last_name, state, role_id, created_date, updated_date */
static void read_user(const struct db_row *row, struct user_rec *u)
{
	row_copy(row, 0, u->id, sizeof u->id);
	row_copy(row, 1, u->user_name, sizeof u->user_name);
	row_copy(row, 2, u->first_name, sizeof u->first_name);
	row_copy(row, 3, u->last_name, sizeof u->last_name);
	u->state = db_row_int(row, 4) != 0;
	row_copy(row, 5, u->role_id, sizeof u->role_id);
	row_time(row, 6, u->created_date);
	row_time(row, 7, u->updated_date);
}

static int one_user(void *cls, const struct db_row *row)
{
	read_user(row, cls);
	return 0;
}

long long repo_user_insert(struct db *db, const struct user_rec *u, const char *password_hash)
{
	return db_exec(db, STMT_USER_INSERT,
		       DB_ARGS(db_str(u->id), db_str(u->user_name), db_str(u->first_name), db_str(u->last_name),
			       db_str(password_hash), db_int(u->state), db_str(u->role_id)));
}

long long repo_user_get_by_id(struct db *db, const char *id, struct user_rec *out)
{
	return db_query(db, STMT_USER_GET_BY_ID, DB_ARGS(db_str(id)), one_user, out);
}

static int id_row(void *cls, const struct db_row *row)
{
	row_copy(row, 0, cls, UUID_STR_LEN);
	return 0;
}

long long repo_user_id_by_name(struct db *db, const char *user_name, char id[UUID_STR_LEN])
{
	id[0] = '\0';
	return db_query(db, STMT_USER_ID_BY_NAME, DB_ARGS(db_str(user_name)), id_row, id);
}

static int login_row(void *cls, const struct db_row *row)
{
	struct user_login *l = cls;
	row_copy(row, 0, l->id, sizeof l->id);
	row_copy(row, 1, l->user_name, sizeof l->user_name);
	free(l->password_hash);
	l->password_hash = strdup(db_row_str(row, 2) ? db_row_str(row, 2) : "");
	l->state = db_row_int(row, 3) != 0;
	row_copy(row, 4, l->role_name, sizeof l->role_name);
	l->role_state = db_row_int(row, 5) != 0;
	return l->password_hash ? 0 : DB_HARD;
}

long long repo_user_login_by_name(struct db *db, const char *user_name, struct user_login *out)
{
	memset(out, 0, sizeof *out);
	long long rc = db_query(db, STMT_USER_LOGIN_BY_NAME, DB_ARGS(db_str(user_name)), login_row, out);
	if (rc < 0) {
		free(out->password_hash);
		out->password_hash = NULL;
	}
	return rc;
}

static int append_user(void *cls, const struct db_row *row)
{
	struct user_list *l = cls;
	struct user_rec *slot = row_append(&l->items, &l->n, sizeof *slot);
	if (!slot)
		return DB_HARD;
	read_user(row, slot);
	return 0;
}

long long repo_user_list(struct db *db, const struct user_filter *f, struct user_list *out, long long *total)
{
	memset(out, 0, sizeof *out);
	struct db_arg state = f->state < 0 ? db_null() : db_int(f->state);
	long long rc = db_query(db, STMT_USER_COUNT,
				DB_ARGS(db_str(f->user_name), db_str(f->user_name), db_str(f->role_id),
					db_str(f->role_id), state, state),
				row_count, total);
	if (rc < 0)
		return rc;
	const char *s = f->sort;
	rc = db_query(db, STMT_USER_LIST,
		      DB_ARGS(db_str(f->user_name), db_str(f->user_name), db_str(f->role_id), db_str(f->role_id), state,
			      state, db_str(s), db_str(s), db_str(s), db_str(s), db_str(s), db_str(s), db_int(f->limit),
			      db_int(f->offset)),
		      append_user, out);
	if (rc < 0)
		user_list_free(out);
	return rc;
}

void user_list_free(struct user_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_user_update(struct db *db, const struct user_rec *u)
{
	return db_exec(db, STMT_USER_UPDATE,
		       DB_ARGS(db_str(u->user_name), db_str(u->first_name), db_str(u->last_name), db_int(u->state),
			       db_str(u->role_id), db_str(u->id)));
}

long long repo_user_set_password(struct db *db, const char *id, const char *password_hash)
{
	return db_exec(db, STMT_USER_SET_PASSWORD, DB_ARGS(db_str(password_hash), db_str(id)));
}

long long repo_user_set_state(struct db *db, const char *id, bool state)
{
	return db_exec(db, STMT_USER_SET_STATE, DB_ARGS(db_int(state), db_str(id)));
}

long long repo_user_count_active_admins_except(struct db *db, const char *except_id)
{
	long long n = 0;
	long long rc = db_query(db, STMT_USER_COUNT_ACTIVE_ADMINS_EXCEPT, DB_ARGS(db_str(except_id)), row_count, &n);
	return rc < 0 ? rc : n;
}

static int principal_row(void *cls, const struct db_row *row)
{
	struct user_principal *p = cls;
	row_copy(row, 0, p->user_name, sizeof p->user_name);
	p->user_state = db_row_int(row, 1) != 0;
	row_copy(row, 2, p->role_id, sizeof p->role_id);
	row_copy(row, 3, p->role_name, sizeof p->role_name);
	p->role_state = db_row_int(row, 4) != 0;
	const char *module = db_row_str(row, 5), *action = db_row_str(row, 6);
	if (module && action) {
		int m = perm_module_parse(module), a = perm_action_parse(action);
		if (m >= 0 && a >= 0)
			p->perms |= perm_bit((enum perm_module)m, (enum perm_action)a);
	}
	return 0;
}

long long repo_user_principal(struct db *db, const char *id, struct user_principal *out)
{
	memset(out, 0, sizeof *out);
	long long rc = db_query(db, STMT_USER_PRINCIPAL, DB_ARGS(db_str(id)), principal_row, out);
	return rc < 0 ? rc : rc > 0;
}
