#include "repo/customer_repo.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const customer_repo_sorts[] = {"last_name", "-last_name", "first_name", "-first_name",
					   "created_date", "-created_date", NULL};

/* Columns: id, dni, first_name, last_name, phone, email, state, created_date, updated_date */
static void read_customer(const struct db_row *row, struct customer_rec *c)
{
	row_copy(row, 0, c->id, sizeof c->id);
	c->has_dni = !db_row_is_null(row, 1);
	row_copy(row, 1, c->dni, sizeof c->dni);
	row_copy(row, 2, c->first_name, sizeof c->first_name);
	row_copy(row, 3, c->last_name, sizeof c->last_name);
	row_copy(row, 4, c->phone, sizeof c->phone);
	row_copy(row, 5, c->email, sizeof c->email);
	c->state = db_row_int(row, 6) != 0;
	row_time(row, 7, c->created_date);
	row_time(row, 8, c->updated_date);
}

static int one_customer(void *cls, const struct db_row *row)
{
	read_customer(row, cls);
	return 0;
}

static int append_customer(void *cls, const struct db_row *row)
{
	struct customer_list *l = cls;
	struct customer_rec *slot = row_append(&l->items, &l->n, sizeof *slot);
	if (!slot)
		return DB_HARD;
	read_customer(row, slot);
	return 0;
}

static struct db_arg dni_arg(const struct customer_rec *c)
{
	return c->has_dni ? db_str(c->dni) : db_null();
}

char *repo_customer_like_pattern(const char *q)
{
	size_t len = strlen(q);
	/* Worst case every byte escaped, plus the two '%' and the NUL. */
	char *p = malloc(2 * len + 3);
	if (!p)
		return NULL;
	char *w = p;
	*w++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*w++ = '\\';
		*w++ = *q;
	}
	*w++ = '%';
	*w = '\0';
	return p;
}

long long repo_customer_insert(struct db *db, const struct customer_rec *c)
{
	return db_exec(db, STMT_CUSTOMER_INSERT,
		       DB_ARGS(db_str(c->id), dni_arg(c), db_str(c->first_name), db_str(c->last_name), db_str(c->phone),
			       db_str(c->email), db_int(c->state)));
}

long long repo_customer_get_by_id(struct db *db, const char *id, struct customer_rec *out)
{
	return db_query(db, STMT_CUSTOMER_GET_BY_ID, DB_ARGS(db_str(id)), one_customer, out);
}

long long repo_customer_get_by_dni(struct db *db, const char *dni, struct customer_rec *out)
{
	return db_query(db, STMT_CUSTOMER_GET_BY_DNI, DB_ARGS(db_str(dni)), one_customer, out);
}

long long repo_customer_lock(struct db *db, const char *id)
{
	return db_query(db, STMT_CUSTOMER_LOCK, DB_ARGS(db_str(id)), NULL, NULL);
}

long long repo_customer_list(struct db *db, const struct customer_filter *f, struct customer_list *out,
			     long long *total)
{
	struct db_arg state = f->state < 0 ? db_null() : db_int(f->state);
	const char *s = f->sort;
	char *like = NULL;
	long long rc;

	memset(out, 0, sizeof *out);
	*total = 0;
	if (f->q && !(like = repo_customer_like_pattern(f->q))) {
		rc = DB_HARD;
		goto out;
	}
	rc = db_query(db, STMT_CUSTOMER_COUNT,
		      DB_ARGS(db_str(f->dni), db_str(f->dni), db_str(like), db_str(like), state, state), row_count,
		      total);
	if (rc < 0)
		goto out;
	rc = db_query(db, STMT_CUSTOMER_LIST,
		      DB_ARGS(db_str(f->dni), db_str(f->dni), db_str(like), db_str(like), state, state, db_str(s),
			      db_str(s), db_str(s), db_str(s), db_str(s), db_str(s), db_int(f->limit),
			      db_int(f->offset)),
		      append_customer, out);
	if (rc < 0)
		customer_list_free(out);
out:
	free(like);
	return rc;
}

void customer_list_free(struct customer_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_customer_update(struct db *db, const struct customer_rec *c)
{
	return db_exec(db, STMT_CUSTOMER_UPDATE,
		       DB_ARGS(dni_arg(c), db_str(c->first_name), db_str(c->last_name), db_str(c->phone),
			       db_str(c->email), db_int(c->state), db_str(c->id)));
}

long long repo_customer_set_state(struct db *db, const char *id, bool state)
{
	return db_exec(db, STMT_CUSTOMER_SET_STATE, DB_ARGS(db_int(state), db_str(id)));
}

long long repo_customer_upsert_by_dni(struct db *db, const char *new_id, const char *dni, const char *first_name,
				      const char *last_name, const char *phone, const char *email)
{
	return db_exec(db, STMT_CUSTOMER_UPSERT_BY_DNI,
		       DB_ARGS(db_str(new_id), db_str(dni), db_str(first_name), db_str(last_name), db_str(phone),
			       db_str(email), db_str(phone), db_str(email)));
}
