#include "repo/role_repo.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const role_repo_sorts[] = {"name", "-name", "created_date", "-created_date", NULL};

/* Columns: id, name, description, state, created_date, updated_date */
static void read_role(const struct db_row *row, struct role_rec *r)
{
	row_copy(row, 0, r->id, sizeof r->id);
	row_copy(row, 1, r->name, sizeof r->name);
	row_copy(row, 2, r->description, sizeof r->description);
	r->state = db_row_int(row, 3) != 0;
	row_time(row, 4, r->created_date);
	row_time(row, 5, r->updated_date);
}

static int one_role(void *cls, const struct db_row *row)
{
	read_role(row, cls);
	return 0;
}

static int append_role(void *cls, const struct db_row *row)
{
	struct role_list *l = cls;
	struct role_rec *slot = row_append(&l->items, &l->n, sizeof *slot);
	if (!slot)
		return DB_HARD;
	read_role(row, slot);
	return 0;
}

long long repo_role_insert(struct db *db, const struct role_rec *r)
{
	return db_exec(db, STMT_ROLE_INSERT,
		       DB_ARGS(db_str(r->id), db_str(r->name), db_str(r->description), db_int(r->state)));
}

long long repo_role_get_by_id(struct db *db, const char *id, struct role_rec *out)
{
	return db_query(db, STMT_ROLE_GET_BY_ID, DB_ARGS(db_str(id)), one_role, out);
}

long long repo_role_get_by_name(struct db *db, const char *name, struct role_rec *out)
{
	return db_query(db, STMT_ROLE_GET_BY_NAME, DB_ARGS(db_str(name)), one_role, out);
}

long long repo_role_list(struct db *db, const struct role_filter *f, struct role_list *out, long long *total)
{
	memset(out, 0, sizeof *out);
	struct db_arg state = f->state < 0 ? db_null() : db_int(f->state);
	long long rc = db_query(db, STMT_ROLE_COUNT, DB_ARGS(db_str(f->name), db_str(f->name), state, state),
				row_count, total);
	if (rc < 0)
		return rc;
	const char *s = f->sort;
	rc = db_query(db, STMT_ROLE_LIST,
		      DB_ARGS(db_str(f->name), db_str(f->name), state, state, db_str(s), db_str(s), db_str(s),
			      db_str(s), db_int(f->limit), db_int(f->offset)),
		      append_role, out);
	if (rc < 0)
		role_list_free(out);
	return rc;
}

void role_list_free(struct role_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_role_update(struct db *db, const struct role_rec *r)
{
	return db_exec(db, STMT_ROLE_UPDATE,
		       DB_ARGS(db_str(r->name), db_str(r->description), db_int(r->state), db_str(r->id)));
}

long long repo_role_set_state(struct db *db, const char *id, bool state)
{
	return db_exec(db, STMT_ROLE_SET_STATE, DB_ARGS(db_int(state), db_str(id)));
}

long long repo_role_lock(struct db *db, const char *id)
{
	return db_query(db, STMT_ROLE_LOCK, DB_ARGS(db_str(id)), NULL, NULL);
}

static int add_perm(void *cls, const struct db_row *row)
{
	perm_set *set = cls;
	int m = perm_module_parse(db_row_str(row, 0) ? db_row_str(row, 0) : "");
	int a = perm_action_parse(db_row_str(row, 1) ? db_row_str(row, 1) : "");
	if (m >= 0 && a >= 0)
		*set |= perm_bit((enum perm_module)m, (enum perm_action)a);
	return 0;
}

long long repo_role_permissions(struct db *db, const char *id, perm_set *out)
{
	*out = 0;
	return db_query(db, STMT_ROLE_PERMISSIONS, DB_ARGS(db_str(id)), add_perm, out);
}

long long repo_role_permissions_replace(struct db *db, const char *id, perm_set set)
{
	long long rc = db_exec(db, STMT_ROLE_PERMISSIONS_CLEAR, DB_ARGS(db_str(id)));
	for (int m = 0; rc >= 0 && m < PERM_MODULE__MAX; m++)
		for (int a = 0; rc >= 0 && a < PERM_ACTION__MAX; a++)
			if (perm_has(set, (enum perm_module)m, (enum perm_action)a))
				rc = db_exec(db, STMT_ROLE_PERMISSION_ADD,
					     DB_ARGS(db_str(id), db_str(perm_module_name((enum perm_module)m)),
						     db_str(perm_action_name((enum perm_action)a))));
	return rc;
}
