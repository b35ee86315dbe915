/*
 * Reports: date-range and sort-key rules (pure), the percentile definition the SQL
 * uses, the summaries per queue, attendant and priority, and the CSV ticket export.
 */
#ifndef TURNERO_SVC_REPORT_H
#define TURNERO_SVC_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "common/strbuf.h"
#include "repo/report_repo.h"
#include "service/app.h"

/* The longest range a report or export covers, in days (both ends included). */
#define REPORT_MAX_DAYS 366
/* Tickets per export query: bounds memory however long the range. */
#define REPORT_EXPORT_PAGE 1000

/* Sortable columns of a summary; REPORT_COL_NAME is the group's label (name or user_name). */
enum report_col {
	REPORT_COL_NAME,
	REPORT_COL_ISSUED,
	REPORT_COL_SERVED,
	REPORT_COL_NO_SHOW,
	REPORT_COL_CANCELLED,
	REPORT_COL_EXPIRED,
	REPORT_COL_AVG_WAIT,
	REPORT_COL_P90_WAIT,
	REPORT_COL_AVG_SERVICE,
	REPORT_COL_SLA_MET,
	REPORT_COL__MAX
};

struct report_sort {
	enum report_col col;
	bool desc;
};

/* The JSON/sort name of col in a report of group ("name", "user_name", "avg_wait_seconds", ...). */
const char *report_col_name(enum report_group group, enum report_col col);

/*
 * Parses a sort key: a column name of the report (report_col_name), optionally preceded
 * by '-' for descending. NULL means the default (by name, ascending). Returns false for
 * anything else; out is then untouched.
 */
bool report_sort_parse(enum report_group group, const char *s, struct report_sort *out);

/*
 * Orders rows by s. Rows whose value is null (nothing to average) come last in either
 * direction; ties keep the name order the rows came in (their ord).
 */
void report_sort_rows(struct report_row *rows, size_t n, const struct report_sort *s);

/*
 * The p-th percentile (0 <= p <= 1) of n values sorted ascending, by linear
 * interpolation between closest ranks: x[floor(h)] + (h - floor(h)) * (x[floor(h)+1] -
 * x[floor(h)]) with h = p * (n - 1). This is SQL's PERCENTILE_CONT, which the reports use.
 * Returns false when n is 0 (no value).
 */
bool report_percentile(const double *sorted, size_t n, double p, double *out);

/*
 * Days since 1970-01-01 of a calendar date written YYYY-MM-DD (years 1000-9999).
 * Returns false for any other shape or a date that does not exist (2021-02-29).
 * The rules are date_parse_ymd's (common/date.h).
 */
bool report_date_parse(const char *s, long *days);

/*
 * Checks a report range: both real dates, from <= to, at most REPORT_MAX_DAYS days
 * including both ends. Problems go to fe under "from" and "to"; returns true when none.
 */
bool report_range_check(const char *from, const char *to, struct field_errors *fe);

/*
 * The figures per group of the tickets whose service_date is in [from, to] (checked
 * with report_range_check by the caller), ordered by sort.
 * [out] out: caller frees with report_list_free (empty unless APP_OK).
 */
enum app_err svc_report_summary(struct svc_app *app, enum report_group group, const char *from, const char *to,
				const struct report_sort *sort, struct report_list *out);

/* The export's header row, in column order; NULL-terminated. */
extern const char *const report_export_columns[];

/*
 * Appends the tickets of [from, to] (and of queue_id unless NULL) to out as RFC 4180
 * CSV: the header row (report_export_columns), then one row per ticket in
 * (service_date, created_date, id) order, CRLF line ends, values that a spreadsheet
 * would take for a formula prefixed with a single quote. The rows are read
 * REPORT_EXPORT_PAGE at a time. On error out may hold a partial document.
 */
enum app_err svc_report_export_tickets(struct svc_app *app, const char *from, const char *to, const char *queue_id,
				       struct strbuf *out);

#endif
