#include "repo/report_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

static const enum stmt_id summary_stmt[REPORT_GROUP__MAX] = {
	[REPORT_BY_QUEUE] = STMT_REPORT_BY_QUEUE,
	[REPORT_BY_ATTENDANT] = STMT_REPORT_BY_ATTENDANT,
	[REPORT_BY_PRIORITY] = STMT_REPORT_BY_PRIORITY,
	[REPORT_BY_DESK] = STMT_REPORT_BY_DESK,
};

/* Columns: id, name, issued, served, no_show, cancelled, expired, avg_wait, p90_wait, avg_service, sla_met_pct */
static int append_row(void *cls, const struct db_row *row)
{
	struct report_list *l = cls;
	struct report_row *r = row_append(&l->items, &l->n, sizeof *r);
	if (!r)
		return DB_HARD;
	row_copy(row, 0, r->id, sizeof r->id);
	row_copy(row, 1, r->name, sizeof r->name);
	r->issued = db_row_int(row, 2);
	r->served = db_row_int(row, 3);
	r->no_show = db_row_int(row, 4);
	r->cancelled = db_row_int(row, 5);
	r->expired = db_row_int(row, 6);
	r->has_avg_wait = !db_row_is_null(row, 7);
	r->avg_wait = db_row_double(row, 7);
	r->has_p90_wait = !db_row_is_null(row, 8);
	r->p90_wait = db_row_double(row, 8);
	r->has_avg_service = !db_row_is_null(row, 9);
	r->avg_service = db_row_double(row, 9);
	r->has_sla_met = !db_row_is_null(row, 10);
	r->sla_met_pct = db_row_double(row, 10);
	r->ord = l->n - 1; /* the order the database gave, kept for stable sorts */
	return 0;
}

long long repo_report_summary(struct db *db, enum report_group group, const char *from, const char *to,
			      struct report_list *out)
{
	memset(out, 0, sizeof *out);
	if ((unsigned)group >= REPORT_GROUP__MAX)
		return DB_HARD;
	long long rc = db_query(db, summary_stmt[group], DB_ARGS(db_str(from), db_str(to)), append_row, out);
	if (rc < 0)
		report_list_free(out);
	return rc;
}

void report_list_free(struct report_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

void repo_report_export_cursor_init(struct ticket_export_cursor *c, const char *from)
{
	memset(c, 0, sizeof *c);
	snprintf(c->service_date, sizeof c->service_date, "%s", from);
	/* Before any real time, and "" sorts before every id. */
	snprintf(c->created_raw, sizeof c->created_raw, "1000-01-01 00:00:00.000");
}

struct export_page {
	struct ticket_export_cursor *cursor;
	ticket_export_fn fn;
	void *cls;
	struct ticket_export_row row;
};

/*
 * Columns: id, code, service_date, queue_id, queue name, priority name, customer_id, dni,
 * first_name, last_name, status, created_date, called_date, served_date, user_name, created_date raw
 */
static int export_row(void *cls, const struct db_row *row)
{
	struct export_page *p = cls;
	struct ticket_export_row *t = &p->row;
	row_copy(row, 0, t->id, sizeof t->id);
	row_copy(row, 1, t->code, sizeof t->code);
	row_copy(row, 2, t->service_date, sizeof t->service_date);
	row_copy(row, 3, t->queue_id, sizeof t->queue_id);
	row_copy(row, 4, t->queue_name, sizeof t->queue_name);
	row_copy(row, 5, t->priority_name, sizeof t->priority_name);
	row_copy(row, 6, t->customer_id, sizeof t->customer_id);
	row_copy(row, 7, t->dni, sizeof t->dni);
	row_copy(row, 8, t->first_name, sizeof t->first_name);
	row_copy(row, 9, t->last_name, sizeof t->last_name);
	row_copy(row, 10, t->status, sizeof t->status);
	row_time(row, 11, t->created_date);
	row_time(row, 12, t->called_date);
	row_time(row, 13, t->served_date);
	row_copy(row, 14, t->called_by_user_name, sizeof t->called_by_user_name);
	row_copy(row, 15, t->created_raw, sizeof t->created_raw);
	snprintf(p->cursor->service_date, sizeof p->cursor->service_date, "%s", t->service_date);
	snprintf(p->cursor->created_raw, sizeof p->cursor->created_raw, "%s", t->created_raw);
	snprintf(p->cursor->id, sizeof p->cursor->id, "%s", t->id);
	return p->fn(p->cls, t);
}

long long repo_report_export_page(struct db *db, const char *from, const char *to, const char *queue_id,
				  struct ticket_export_cursor *cursor, long long limit, ticket_export_fn fn, void *cls)
{
	struct export_page *p = calloc(1, sizeof *p);
	if (!p)
		return DB_HARD;
	p->cursor = cursor;
	p->fn = fn;
	p->cls = cls;
	/* The cursor's strings are copied first: the row callback overwrites them while the query runs. */
	struct ticket_export_cursor after = *cursor;
	long long rc = db_query(db, STMT_REPORT_EXPORT_PAGE,
				DB_ARGS(db_str(from), db_str(to), db_str(queue_id), db_str(queue_id),
					db_str(after.service_date), db_str(after.service_date), db_str(after.created_raw),
					db_str(after.created_raw), db_str(after.id), db_int(limit)),
				export_row, p);
	free(p);
	return rc;
}
