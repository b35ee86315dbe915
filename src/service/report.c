#include "service/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/date.h"
#include "repo/db.h"

static const char *const col_names[REPORT_COL__MAX] = {
	[REPORT_COL_NAME] = "name",
	[REPORT_COL_ISSUED] = "issued",
	[REPORT_COL_SERVED] = "served",
	[REPORT_COL_NO_SHOW] = "no_show",
	[REPORT_COL_CANCELLED] = "cancelled",
	[REPORT_COL_EXPIRED] = "expired",
	[REPORT_COL_AVG_WAIT] = "avg_wait_seconds",
	[REPORT_COL_P90_WAIT] = "p90_wait_seconds",
	[REPORT_COL_AVG_SERVICE] = "avg_service_seconds",
	[REPORT_COL_SLA_MET] = "sla_met_pct",
};

const char *report_col_name(enum report_group group, enum report_col col)
{
	if ((unsigned)col >= REPORT_COL__MAX)
		return "";
	if (col == REPORT_COL_NAME && group == REPORT_BY_ATTENDANT)
		return "user_name";
	return col_names[col];
}

bool report_sort_parse(enum report_group group, const char *s, struct report_sort *out)
{
	if (!s) {
		out->col = REPORT_COL_NAME;
		out->desc = false;
		return true;
	}
	bool desc = s[0] == '-';
	const char *key = desc ? s + 1 : s;
	for (int c = 0; c < REPORT_COL__MAX; c++) {
		if (strcmp(key, report_col_name(group, (enum report_col)c)) == 0) {
			out->col = (enum report_col)c;
			out->desc = desc;
			return true;
		}
	}
	return false;
}

/* The value of col in r; false when it is null. */
static bool col_value(const struct report_row *r, enum report_col col, double *v)
{
	switch (col) {
	case REPORT_COL_ISSUED: *v = (double)r->issued; return true;
	case REPORT_COL_SERVED: *v = (double)r->served; return true;
	case REPORT_COL_NO_SHOW: *v = (double)r->no_show; return true;
	case REPORT_COL_CANCELLED: *v = (double)r->cancelled; return true;
	case REPORT_COL_EXPIRED: *v = (double)r->expired; return true;
	case REPORT_COL_AVG_WAIT: *v = r->avg_wait; return r->has_avg_wait;
	case REPORT_COL_P90_WAIT: *v = r->p90_wait; return r->has_p90_wait;
	case REPORT_COL_AVG_SERVICE: *v = r->avg_service; return r->has_avg_service;
	case REPORT_COL_SLA_MET: *v = r->sla_met_pct; return r->has_sla_met;
	default: *v = (double)r->ord; return true; /* the name order the database gave */
	}
}

static int cmp_rows(const struct report_row *a, const struct report_row *b, const struct report_sort *s)
{
	double va, vb;
	bool ha = col_value(a, s->col, &va), hb = col_value(b, s->col, &vb);
	if (ha != hb)
		return ha ? -1 : 1; /* nulls last, whatever the direction */
	if (ha && va != vb)
		return (va < vb) == !s->desc ? -1 : 1;
	return a->ord < b->ord ? -1 : a->ord > b->ord ? 1 : 0;
}

void report_sort_rows(struct report_row *rows, size_t n, const struct report_sort *s)
{
	/* Insertion sort: stable, and a report has one row per queue, attendant or priority. */
	for (size_t i = 1; i < n; i++) {
		struct report_row cur = rows[i];
		size_t j = i;
		for (; j > 0 && cmp_rows(&cur, &rows[j - 1], s) < 0; j--)
			rows[j] = rows[j - 1];
		rows[j] = cur;
	}
}

bool report_percentile(const double *sorted, size_t n, double p, double *out)
{
	if (n == 0)
		return false;
	if (p <= 0)
		p = 0;
	if (p >= 1)
		p = 1;
	double h = p * (double)(n - 1);
	size_t lo = (size_t)h; /* h >= 0, so truncation is floor */
	if (lo + 1 >= n) {
		*out = sorted[n - 1];
		return true;
	}
	*out = sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
	return true;
}

bool report_date_parse(const char *s, long *days)
{
	return date_parse_ymd(s, days);
}

bool report_range_check(const char *from, const char *to, struct field_errors *fe)
{
	size_t before = fe->n + fe->dropped;
	long f = 0, t = 0;
	bool fok = report_date_parse(from, &f), tok = report_date_parse(to, &t);
	if (!fok)
		field_errors_add(fe, "from", "must be a date YYYY-MM-DD");
	if (!tok)
		field_errors_add(fe, "to", "must be a date YYYY-MM-DD");
	if (fok && tok && f > t)
		field_errors_add(fe, "to", "must not be before from");
	else if (fok && tok && t - f + 1 > REPORT_MAX_DAYS)
		field_errors_add(fe, "to", "the range must not exceed %d days", REPORT_MAX_DAYS);
	return fe->n + fe->dropped == before;
}

enum app_err svc_report_summary(struct svc_app *app, enum report_group group, const char *from, const char *to,
				const struct report_sort *sort, struct report_list *out)
{
	long long rc = repo_report_summary(app->db, group, from, to, out);
	if (rc < 0)
		return db_app_err(rc);
	report_sort_rows(out->items, out->n, sort);
	return APP_OK;
}

const char *const report_export_columns[] = {
	"id", "code", "service_date", "queue_id", "queue_name", "priority_name", "customer_id", "dni",
	"first_name", "last_name", "status", "created_date", "called_date", "served_date", "called_by_user_name",
	NULL,
};

static int export_csv_row(void *cls, const struct ticket_export_row *t)
{
	struct strbuf *out = cls;
	const char *fields[] = {
		t->id, t->code, t->service_date, t->queue_id, t->queue_name, t->priority_name, t->customer_id, t->dni,
		t->first_name, t->last_name, t->status, t->created_date, t->called_date, t->served_date,
		t->called_by_user_name,
	};
	csv_write_row(out, fields, sizeof fields / sizeof fields[0], CSV_FORMULA_SAFE);
	return out->oom ? DB_HARD : 0;
}

enum app_err svc_report_export_tickets(struct svc_app *app, const char *from, const char *to, const char *queue_id,
				       struct strbuf *out)
{
	size_t ncols = 0;
	while (report_export_columns[ncols])
		ncols++;
	csv_write_row(out, report_export_columns, ncols, 0);
	struct ticket_export_cursor cursor;
	repo_report_export_cursor_init(&cursor, from);
	for (;;) {
		long long rc = repo_report_export_page(app->db, from, to, queue_id, &cursor, REPORT_EXPORT_PAGE,
						       export_csv_row, out);
		if (rc < 0)
			return db_app_err(rc);
		if (rc < REPORT_EXPORT_PAGE)
			break;
	}
	return out->oom ? APP_INTERNAL : APP_OK;
}
