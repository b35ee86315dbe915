#include "repo/priority_repo.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const priority_repo_sorts[] = {"level", "-level", "name", "-name", "created_date", "-created_date", NULL};

/* Columns: id, name, description, level, max_wait_minutes, state, created_date, updated_date */
static void read_priority(const struct db_row *row, struct priority_rec *p)
{
	row_copy(row, 0, p->id, sizeof p->id);
	row_copy(row, 1, p->name, sizeof p->name);
	row_copy(row, 2, p->description, sizeof p->description);
	p->level = (int)db_row_int(row, 3);
	p->max_wait_minutes = (int)db_row_int(row, 4);
	p->state = db_row_int(row, 5) != 0;
	row_time(row, 6, p->created_date);
	row_time(row, 7, p->updated_date);
}

static int one_priority(void *cls, const struct db_row *row)
{
	read_priority(row, cls);
	return 0;
}

static int append_priority(void *cls, const struct db_row *row)
{
	struct priority_list *l = cls;
	struct priority_rec *slot = row_append(&l->items, &l->n, sizeof *slot);
	if (!slot)
		return DB_HARD;
	read_priority(row, slot);
	return 0;
}

long long repo_priority_insert(struct db *db, const struct priority_rec *p)
{
	return db_exec(db, STMT_PRIORITY_INSERT,
		       DB_ARGS(db_str(p->id), db_str(p->name), db_str(p->description), db_int(p->level),
			       db_int(p->max_wait_minutes), db_int(p->state)));
}

long long repo_priority_get_by_id(struct db *db, const char *id, struct priority_rec *out)
{
	return db_query(db, STMT_PRIORITY_GET_BY_ID, DB_ARGS(db_str(id)), one_priority, out);
}

long long repo_priority_lock(struct db *db, const char *id)
{
	return db_query(db, STMT_PRIORITY_LOCK, DB_ARGS(db_str(id)), NULL, NULL);
}

long long repo_priority_list(struct db *db, const struct priority_filter *f, struct priority_list *out,
			     long long *total)
{
	memset(out, 0, sizeof *out);
	*total = 0;
	struct db_arg state = f->state < 0 ? db_null() : db_int(f->state);
	long long rc = db_query(db, STMT_PRIORITY_COUNT, DB_ARGS(state, state), row_count, total);
	if (rc < 0)
		return rc;
	const char *s = f->sort;
	rc = db_query(db, STMT_PRIORITY_LIST,
		      DB_ARGS(state, state, db_str(s), db_str(s), db_str(s), db_str(s), db_str(s), db_str(s),
			      db_int(f->limit), db_int(f->offset)),
		      append_priority, out);
	if (rc < 0)
		priority_list_free(out);
	return rc;
}

void priority_list_free(struct priority_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_priority_update(struct db *db, const struct priority_rec *p)
{
	return db_exec(db, STMT_PRIORITY_UPDATE,
		       DB_ARGS(db_str(p->name), db_str(p->description), db_int(p->level), db_int(p->max_wait_minutes),
			       db_int(p->state), db_str(p->id)));
}

long long repo_priority_set_state(struct db *db, const char *id, bool state)
{
	return db_exec(db, STMT_PRIORITY_SET_STATE, DB_ARGS(db_int(state), db_str(id)));
}
