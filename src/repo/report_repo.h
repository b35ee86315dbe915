/* Reports in SQL: per-group ticket figures and the ticket export, page by page. */
#ifndef TURNERO_REPORT_REPO_H
#define TURNERO_REPORT_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"

struct db;

/* What a summary report groups tickets by. */
enum report_group {
	REPORT_BY_QUEUE,     /* tickets.queue_id: the queue a ticket is (or ended) in */
	REPORT_BY_ATTENDANT, /* tickets.called_by: only tickets someone called */
	REPORT_BY_PRIORITY,
	REPORT_BY_DESK,      /* tickets.desk_id: only tickets called at a desk */
	REPORT_GROUP__MAX
};

/* One group's figures; the has_* flags are false where there was nothing to average. */
struct report_row {
	char id[UUID_STR_LEN];
	char name[201]; /* queue or priority name, or the attendant's user_name */
	long long issued, served, no_show, cancelled, expired;
	bool has_avg_wait, has_p90_wait, has_avg_service, has_sla_met;
	double avg_wait, p90_wait, avg_service; /* seconds, to the millisecond */
	double sla_met_pct;                      /* 0-100, two decimals */
	size_t ord;                              /* position in the name order the query returned */
};

/* Free with report_list_free. */
struct report_list {
	struct report_row *items;
	size_t n;
};

/*
 * The figures of every group with tickets whose service_date lies in [from, to]
 * (YYYY-MM-DD), ordered by name. Aggregation (including the 90th percentile, as
 * PERCENTILE_CONT) happens in the server; one row per group comes back.
 * [out] out: set empty first; caller frees with report_list_free (empty on error).
 * Returns the number of groups or a negative db_status.
 */
long long repo_report_summary(struct db *db, enum report_group group, const char *from, const char *to,
			      struct report_list *out);
/* Frees the items and leaves an empty list; NULL-safe. */
void report_list_free(struct report_list *l);

/* One exported ticket; times are RFC 3339 ("" when unset). */
struct ticket_export_row {
	char id[UUID_STR_LEN];
	char code[16];
	char service_date[11];
	char queue_id[UUID_STR_LEN];
	char queue_name[161];
	char priority_name[201];
	char customer_id[UUID_STR_LEN];
	char dni[81]; /* "" when the customer has none */
	char first_name[401];
	char last_name[401];
	char status[10];
	char created_date[TS_STR_LEN];
	char called_date[TS_STR_LEN];
	char served_date[TS_STR_LEN];
	char called_by_user_name[129]; /* "" when nobody called it */
	char created_raw[32];          /* created_date as the database has it, for the next page's cursor */
};

/* Where the next export page starts: after (service_date, created_raw, id). */
struct ticket_export_cursor {
	char service_date[11];
	char created_raw[32];
	char id[UUID_STR_LEN];
};

/* Sets the cursor before the first ticket of service date from. */
void repo_report_export_cursor_init(struct ticket_export_cursor *c, const char *from);

/* Called once per exported row; a non-zero return stops the page and is returned. */
typedef int (*ticket_export_fn)(void *cls, const struct ticket_export_row *row);

/*
 * At most limit tickets of [from, to] (and of queue_id unless NULL) after the cursor, in
 * (service_date, created_date, id) order; the cursor moves to the last row delivered.
 * Returns the rows fetched, a negative db_status or fn's non-zero value.
 */
long long repo_report_export_page(struct db *db, const char *from, const char *to, const char *queue_id,
				  struct ticket_export_cursor *cursor, long long limit, ticket_export_fn fn, void *cls);

#endif
