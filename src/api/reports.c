/* /reports: figures per queue, attendant, priority and desk, and the CSV ticket export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "service/appointment.h"
#include "service/explain.h"
#include "service/report.h"

/* from and to, defaulting to today (to) and to (from); checked by report_range_check. */
static void read_range(struct api_ctx *ctx, char today[11], const char **from, const char **to,
		       struct field_errors *fe)
{
	svc_service_date(today);
	*to = params_str(ctx, "to");
	if (!*to)
		*to = today;
	*from = params_str(ctx, "from");
	if (!*from)
		*from = *to;
	report_range_check(*from, *to, fe);
}

/* A seconds or percent figure with at most `decimals` places and no trailing zeros; null when absent. */
static struct json_object *figure(bool has, double v, int decimals)
{
	if (!has)
		return NULL;
	char text[48];
	snprintf(text, sizeof text, "%.*f", decimals, v);
	size_t len = strlen(text);
	if (strchr(text, '.')) {
		while (len && text[len - 1] == '0')
			text[--len] = '\0';
		if (len && text[len - 1] == '.')
			text[--len] = '\0';
	}
	if (strcmp(text, "-0") == 0)
		strcpy(text, "0");
	/* json-c prints the given text, so 816.5 does not come out as 816.50000000000001. */
	return json_object_new_double_s(v, text);
}

static struct json_object *render_report_row(enum report_group group, const struct report_row *r)
{
	static const char *const id_key[REPORT_GROUP__MAX] = {"queue_id", "user_id", "priority_id", "desk_id"};
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, id_key[group], json_object_new_string(r->id));
	json_object_object_add(o, report_col_name(group, REPORT_COL_NAME), json_object_new_string(r->name));
	json_object_object_add(o, "issued", json_object_new_int64(r->issued));
	json_object_object_add(o, "served", json_object_new_int64(r->served));
	json_object_object_add(o, "no_show", json_object_new_int64(r->no_show));
	json_object_object_add(o, "cancelled", json_object_new_int64(r->cancelled));
	json_object_object_add(o, "expired", json_object_new_int64(r->expired));
	json_object_object_add(o, "avg_wait_seconds", figure(r->has_avg_wait, r->avg_wait, 3));
	json_object_object_add(o, "p90_wait_seconds", figure(r->has_p90_wait, r->p90_wait, 3));
	json_object_object_add(o, "avg_service_seconds", figure(r->has_avg_service, r->avg_service, 3));
	json_object_object_add(o, "sla_met_pct", figure(r->has_sla_met, r->sla_met_pct, 2));
	return o;
}

static void summary(struct api_ctx *ctx, enum report_group group)
{
	static const char *const allowed[] = {"from", "to", "sort", NULL};
	struct field_errors fe;
	struct report_sort sort;
	const char *from, *to;
	char today[11];
	field_errors_init(&fe);
	params_only(ctx, allowed, &fe);
	read_range(ctx, today, &from, &to, &fe);
	if (!report_sort_parse(group, params_str(ctx, "sort"), &sort)) {
		char keys[512] = "";
		for (int c = 0; c < REPORT_COL__MAX; c++)
			snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s", c ? ", " : "",
				 report_col_name(group, (enum report_col)c));
		field_errors_add(&fe, "sort", "must be one of %s, optionally with a leading -", keys);
	}
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct report_list list;
	enum app_err e = svc_report_summary(&ctx->app->services, group, from, to, &sort, &list);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_report_row(group, &list.items[i]));
	report_list_free(&list);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "from", json_object_new_string(from));
	json_object_object_add(o, "to", json_object_new_string(to));
	json_object_object_add(o, "items", items);
	api_json(ctx, 200, o);
}

void api_reports_queues(struct api_ctx *ctx)
{
	summary(ctx, REPORT_BY_QUEUE);
}

void api_reports_attendants(struct api_ctx *ctx)
{
	summary(ctx, REPORT_BY_ATTENDANT);
}

void api_reports_priorities(struct api_ctx *ctx)
{
	summary(ctx, REPORT_BY_PRIORITY);
}

void api_reports_desks(struct api_ctx *ctx)
{
	summary(ctx, REPORT_BY_DESK);
}

void api_reports_tickets_csv(struct api_ctx *ctx)
{
	static const char *const allowed[] = {"from", "to", "queue_id", NULL};
	struct field_errors fe;
	const char *from, *to;
	char today[11];
	field_errors_init(&fe);
	params_only(ctx, allowed, &fe);
	read_range(ctx, today, &from, &to, &fe);
	const char *queue_id = params_uuid(ctx, "queue_id", &fe);
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	/* The rows go straight into the response body, a page of tickets at a time. */
	http_response_text(ctx->resp, 200, "text/csv; charset=utf-8", NULL, 0);
	enum app_err e = svc_report_export_tickets(&ctx->app->services, from, to, queue_id, &ctx->resp->body);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	http_response_header(ctx->resp, "Content-Disposition", "attachment; filename=\"tickets-%s-%s.csv\"", from, to);
}

/* from and to as the summaries take them; false after answering 422. */
static bool range_only(struct api_ctx *ctx, char today[11], const char **from, const char **to)
{
	static const char *const allowed[] = {"from", "to", NULL};
	struct field_errors fe;
	field_errors_init(&fe);
	params_only(ctx, allowed, &fe);
	read_range(ctx, today, from, to, &fe);
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return false;
	}
	return true;
}

static void answer_range(struct api_ctx *ctx, const char *from, const char *to, struct json_object *items)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "from", json_object_new_string(from));
	json_object_object_add(o, "to", json_object_new_string(to));
	json_object_object_add(o, "items", items);
	api_json(ctx, 200, o);
}

/* GET /reports/appointments: bookings by their current status per queue over the days of start. */
void api_reports_appointments(struct api_ctx *ctx)
{
	const char *from, *to;
	char today[11];
	if (!range_only(ctx, today, &from, &to))
		return;
	struct appointment_report_row *rows = NULL;
	size_t n = 0;
	enum app_err e = svc_report_appointments(&ctx->app->services, from, to, &rows, &n);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "queue_id", json_object_new_string(rows[i].queue_id));
		json_object_object_add(o, "name", json_object_new_string(rows[i].name));
		json_object_object_add(o, "booked", json_object_new_int64(rows[i].booked));
		json_object_object_add(o, "checked_in", json_object_new_int64(rows[i].checked_in));
		json_object_object_add(o, "cancelled", json_object_new_int64(rows[i].cancelled));
		json_object_object_add(o, "no_show", json_object_new_int64(rows[i].no_show));
		json_object_object_add(o, "on_time_pct", figure(rows[i].has_on_time, rows[i].on_time_pct, 2));
		json_object_array_add(items, o);
	}
	free(rows);
	answer_range(ctx, from, to, items);
}

/* GET /reports/estimates: the wait quoted at issue against the real one, per issuing queue. */
void api_reports_estimates(struct api_ctx *ctx)
{
	const char *from, *to;
	char today[11];
	if (!range_only(ctx, today, &from, &to))
		return;
	struct estimate_row *rows = NULL;
	size_t n = 0;
	enum app_err e = svc_report_estimates(&ctx->app->services, from, to, &rows, &n);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "queue_id", json_object_new_string(rows[i].queue_id));
		json_object_object_add(o, "name", json_object_new_string(rows[i].name));
		json_object_object_add(o, "samples", json_object_new_int64(rows[i].samples));
		json_object_object_add(o, "mean_abs_error_seconds", figure(true, rows[i].mean_abs_error, 3));
		json_object_object_add(o, "bias_seconds", figure(true, rows[i].bias, 3));
		json_object_object_add(o, "within_range_pct", figure(rows[i].has_within_range, rows[i].within_range_pct, 2));
		json_object_array_add(items, o);
	}
	free(rows);
	answer_range(ctx, from, to, items);
}

/* GET /reports/fairness: how often later arrivals were called first, and why. */
void api_reports_fairness(struct api_ctx *ctx)
{
	const char *from, *to;
	char today[11];
	if (!range_only(ctx, today, &from, &to))
		return;
	struct fairness_group *groups = NULL;
	size_t n = 0;
	enum app_err e = svc_report_fairness(&ctx->app->services, from, to, &groups, &n);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct fairness_group *g = &groups[i];
		struct json_object *o = json_object_new_object(), *causes = json_object_new_object();
		json_object_object_add(o, "queue_id", json_object_new_string(g->queue_id));
		json_object_object_add(o, "priority_id", json_object_new_string(g->priority_id));
		json_object_object_add(o, "tickets", json_object_new_int64(g->tickets));
		json_object_object_add(o, "overtaken_avg", figure(true, g->overtaken_avg, 3));
		json_object_object_add(o, "overtaken_p90", figure(true, g->overtaken_p90, 3));
		json_object_object_add(o, "overtaken_max", json_object_new_int64(g->overtaken_max));
		for (int c = 0; c < CAUSE__MAX; c++)
			json_object_object_add(causes, fairness_cause_name((enum fairness_cause)c),
					       json_object_new_int64(g->by_cause[c]));
		json_object_object_add(o, "by_cause", causes);
		json_object_array_add(items, o);
	}
	free(groups);
	answer_range(ctx, from, to, items);
}
