#include "repo/desk_repo.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const desk_repo_sorts[] = {"name", "-name", "created_date", "-created_date", NULL};

/* DESK_COLUMNS: id, name, queue_id, state, user_id, created_date, updated_date */
static void read_desk(const struct db_row *row, struct desk_rec *d)
{
	row_copy(row, 0, d->id, sizeof d->id);
	row_copy(row, 1, d->name, sizeof d->name);
	row_copy(row, 2, d->queue_id, sizeof d->queue_id);
	d->state = db_row_int(row, 3) != 0;
	row_copy(row, 4, d->user_id, sizeof d->user_id);
	row_time(row, 5, d->created_date);
	row_time(row, 6, d->updated_date);
}

static int one_desk(void *cls, const struct db_row *row)
{
	read_desk(row, cls);
	return 0;
}

static int append_desk(void *cls, const struct db_row *row)
{
	struct desk_list *l = cls;
	struct desk_rec *slot = row_append(&l->items, &l->n, sizeof *slot);
	if (!slot)
		return DB_HARD;
	read_desk(row, slot);
	return 0;
}

static struct db_arg str_or_null(const char *s)
{
	return db_str(s && *s ? s : NULL);
}

long long repo_desk_insert(struct db *db, const struct desk_rec *d)
{
	return db_exec(db, STMT_DESK_INSERT,
		       DB_ARGS(db_str(d->id), db_str(d->name), db_str(d->queue_id), db_int(d->state)));
}

long long repo_desk_get_by_id(struct db *db, const char *id, struct desk_rec *out)
{
	return db_query(db, STMT_DESK_GET_BY_ID, DB_ARGS(db_str(id)), one_desk, out);
}

long long repo_desk_lock(struct db *db, const char *id, struct desk_rec *out)
{
	return db_query(db, STMT_DESK_LOCK, DB_ARGS(db_str(id)), one_desk, out);
}

long long repo_desk_list(struct db *db, const struct desk_filter *f, struct desk_list *out, long long *total)
{
	memset(out, 0, sizeof *out);
	struct db_arg state = f->state < 0 ? db_null() : db_int(f->state);
	long long rc = db_query(db, STMT_DESK_COUNT,
				DB_ARGS(db_str(f->queue_id), db_str(f->queue_id), state, state, db_str(f->user_id),
					db_str(f->user_id)),
				row_count, total);
	if (rc < 0)
		return rc;
	const char *s = f->sort;
	rc = db_query(db, STMT_DESK_LIST,
		      DB_ARGS(db_str(f->queue_id), db_str(f->queue_id), state, state, db_str(f->user_id),
			      db_str(f->user_id), db_str(s), db_str(s), db_str(s), db_str(s), db_int(f->limit),
			      db_int(f->offset)),
		      append_desk, out);
	if (rc < 0)
		desk_list_free(out);
	return rc;
}

void desk_list_free(struct desk_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_desk_update(struct db *db, const struct desk_rec *d)
{
	return db_exec(db, STMT_DESK_UPDATE,
		       DB_ARGS(db_str(d->name), db_str(d->queue_id), db_int(d->state), str_or_null(d->user_id),
			       db_str(d->id)));
}

long long repo_desk_set_user(struct db *db, const char *id, const char *user_id)
{
	return db_exec(db, STMT_DESK_SET_USER, DB_ARGS(str_or_null(user_id), db_str(id)));
}

long long repo_desk_sign_out_elsewhere(struct db *db, const char *user_id, const char *keep_id)
{
	return db_exec(db, STMT_DESK_SIGN_OUT_ELSEWHERE, DB_ARGS(db_str(user_id), db_str(keep_id)));
}

long long repo_desk_signed_in_at_queue(struct db *db, const char *user_id, const char *queue_id, bool *yes)
{
	long long count = 0;
	*yes = false;
	long long rc =
		db_query(db, STMT_DESK_SIGNED_IN_AT_QUEUE, DB_ARGS(db_str(user_id), db_str(queue_id)), row_count, &count);
	if (rc < 0)
		return rc;
	*yes = count > 0;
	return 1;
}

static int id_row(void *cls, const struct db_row *row)
{
	row_copy(row, 0, cls, UUID_STR_LEN);
	return 0;
}

long long repo_desk_of_user(struct db *db, const char *user_id, char id[UUID_STR_LEN])
{
	id[0] = '\0';
	long long rc = db_query(db, STMT_DESK_OF_USER, DB_ARGS(db_str(user_id)), id_row, id);
	return rc < 0 ? rc : rc > 0;
}
