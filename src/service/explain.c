#include "service/explain.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "service/report.h"

static void basis_from_inputs(const struct svc_app *app, const struct forecast_inputs *in, struct forecast_basis *b)
{
	forecast_basis_make(in ? in->services : NULL, in ? in->nservices : 0, in ? in->desks : 0,
			    app->cfg->queue.default_service_seconds, b);
}

void explain_order_free(struct explain_order *o)
{
	if (!o)
		return;
	free(o->items);
	o->items = NULL;
	o->n = 0;
}

enum app_err svc_explain_order(struct svc_app *app, const char *queue_id, struct explain_order *out)
{
	struct order_row *rows = NULL;
	size_t n = 0;
	memset(out, 0, sizeof *out);
	long long rc = repo_explain_order(app->db, queue_id, &out->policy, &out->generated_ms, &rows, &n);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	char today[11];
	struct forecast_inputs in;
	svc_service_date(today);
	rc = repo_forecast_inputs(app->db, queue_id, today, &in);
	if (rc < 0) {
		free(rows);
		return db_app_err(rc);
	}
	struct forecast_basis b;
	basis_from_inputs(app, &in, &b);

	out->items = calloc(n ? n : 1, sizeof *out->items);
	long long *due = calloc(n ? n : 1, sizeof *due);
	bool *overdue = calloc(n ? n : 1, sizeof *overdue);
	enum order_reason *reasons = calloc(n ? n : 1, sizeof *reasons);
	enum app_err e = APP_OK;
	if (!out->items || !due || !overdue || !reasons) {
		e = APP_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		due[i] = rows[i].due_ms;
		overdue[i] = rows[i].overdue;
	}
	forecast_reasons(out->policy == POLICY_PRIORITY, due, overdue, n, reasons);
	for (size_t i = 0; i < n; i++) {
		struct explain_item *it = &out->items[i];
		it->rank = (long long)i + 1;
		it->t = rows[i];
		it->reason = reasons[i];
		long long late = rows[i].overdue ? (out->generated_ms - rows[i].deadline_ms) / 1000 : 0;
		it->overdue_seconds = late > 0 ? late : 0;
		long long wait = forecast_wait(&b, it->rank);
		/* A century is as far as a prediction needs to reach (and keeps the sum in range). */
		long long shown = wait < 3155760000LL ? wait : 3155760000LL;
		it->predicted_call_ms = out->generated_ms + shown * 1000;
		it->at_risk = forecast_at_risk(out->generated_ms, wait, rows[i].has_deadline, rows[i].deadline_ms);
	}
	out->n = n;
out:
	free(rows);
	free(due);
	free(overdue);
	free(reasons);
	if (e != APP_OK)
		explain_order_free(out);
	return e;
}

enum app_err svc_explain_waiting_ranks(struct svc_app *app, long long first, struct waiting_ranks *out)
{
	char today[11];
	svc_service_date(today);
	long long rc = repo_forecast_waiting_ranks(app->db, today, first, out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_explain_count_at_risk(const struct svc_app *app, const struct waiting_ranks *w,
				       struct queue_at_risk **out, size_t *n, long long *total)
{
	size_t nq = 0;
	*out = NULL;
	*n = 0;
	*total = 0;
	struct queue_at_risk *counts = calloc(w->nrows ? w->nrows : 1, sizeof *counts);
	if (!counts)
		return APP_INTERNAL;
	for (size_t i = 0; i < w->nrows; i++) {
		const struct risk_row *r = &w->rows[i];
		const struct forecast_inputs *in = NULL;
		for (size_t k = 0; k < w->ninputs && !in; k++)
			if (strcmp(w->inputs[k].queue_id, r->queue_id) == 0)
				in = &w->inputs[k];
		struct forecast_basis b;
		basis_from_inputs(app, in, &b);
		long long wait = forecast_wait(&b, r->rank);
		if (!forecast_at_risk(w->now_ms, wait, r->has_deadline, r->deadline_ms))
			continue;
		size_t q = 0;
		while (q < nq && strcmp(counts[q].queue_id, r->queue_id) != 0)
			q++;
		if (q == nq)
			snprintf(counts[nq++].queue_id, sizeof counts[0].queue_id, "%s", r->queue_id);
		counts[q].at_risk++;
		(*total)++;
	}
	*out = counts;
	*n = nq;
	return APP_OK;
}

enum app_err svc_explain_at_risk(struct svc_app *app, struct queue_at_risk **out, size_t *n, long long *total)
{
	struct waiting_ranks w;
	*out = NULL;
	*n = 0;
	*total = 0;
	enum app_err e = svc_explain_waiting_ranks(app, 0, &w);
	if (e == APP_OK)
		e = svc_explain_count_at_risk(app, &w, out, n, total);
	waiting_ranks_free(&w);
	return e;
}

enum app_err svc_report_estimates(struct svc_app *app, const char *from, const char *to, struct estimate_row **out,
				  size_t *n)
{
	long long rc = repo_report_estimates(app->db, from, to, out, n);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

static const char *const cause_names[CAUSE__MAX] = {
	[CAUSE_PRIORITY] = "priority", [CAUSE_OVERDUE] = "overdue",	[CAUSE_REBALANCE] = "rebalance",
	[CAUSE_TRANSFER] = "transfer", [CAUSE_MANUAL] = "manual",	[CAUSE_APPOINTMENT] = "appointment",
};

const char *fairness_cause_name(enum fairness_cause c)
{
	return (unsigned)c < CAUSE__MAX ? cause_names[c] : NULL;
}

enum fairness_cause fairness_cause_of(const struct fairness_ticket *x, const struct fairness_ticket *y)
{
	if (y->manual)
		return CAUSE_MANUAL;
	if (y->stolen)
		return CAUSE_REBALANCE;
	if (y->transferred)
		return CAUSE_TRANSFER;
	if (y->due_ms <= x->due_ms)
		return CAUSE_APPOINTMENT;
	if (y->has_deadline && y->deadline_ms <= y->called_ms)
		return CAUSE_OVERDUE;
	if (y->level < x->level)
		return CAUSE_PRIORITY;
	if (x->transferred)
		return CAUSE_TRANSFER;
	if (x->stolen)
		return CAUSE_REBALANCE;
	return CAUSE_NONE;
}

/* One ticket's count, kept with its group while the groups are filled. */
struct counted {
	size_t group;
	double overtaken;
};

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int by_group(const void *a, const void *b)
{
	const struct fairness_group *x = a, *y = b;
	int c = strcmp(x->queue_id, y->queue_id);
	if (c)
		return c;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return strcmp(x->priority_id, y->priority_id);
}

int fairness_count(const struct fairness_ticket *rows, size_t n, struct fairness_group **out, size_t *ngroups)
{
	struct fairness_group *groups = calloc(n ? n : 1, sizeof *groups);
	struct counted *counts = calloc(n ? n : 1, sizeof *counts);
	double *values = calloc(n ? n : 1, sizeof *values);
	size_t ng = 0;
	*out = NULL;
	*ngroups = 0;
	if (!groups || !counts || !values) {
		free(groups);
		free(counts);
		free(values);
		return -1;
	}
	/* Blocks of one issuing queue and day; inside, rows are in order of first call. */
	for (size_t start = 0; start < n;) {
		size_t end = start;
		while (end < n && strcmp(rows[end].queue_id, rows[start].queue_id) == 0 &&
		       strcmp(rows[end].service_date, rows[start].service_date) == 0)
			end++;
		for (size_t i = start; i < end; i++) {
			const struct fairness_ticket *x = &rows[i];
			size_t g = 0;
			while (g < ng && !(strcmp(groups[g].queue_id, x->queue_id) == 0 &&
					   strcmp(groups[g].priority_id, x->priority_id) == 0))
				g++;
			if (g == ng) {
				snprintf(groups[g].queue_id, sizeof groups[g].queue_id, "%s", x->queue_id);
				snprintf(groups[g].priority_id, sizeof groups[g].priority_id, "%s", x->priority_id);
				groups[g].level = x->level;
				ng++;
			}
			long long overtaken = 0;
			for (size_t k = start; k < i; k++) {
				const struct fairness_ticket *y = &rows[k];
				if (y->created_ms <= x->created_ms || y->called_ms > x->called_ms)
					continue;
				overtaken++;
				enum fairness_cause c = fairness_cause_of(x, y);
				if (c != CAUSE_NONE)
					groups[g].by_cause[c]++;
			}
			groups[g].tickets++;
			groups[g].overtaken_avg += (double)overtaken; /* a sum until the end */
			if (overtaken > groups[g].overtaken_max)
				groups[g].overtaken_max = overtaken;
			counts[i].group = g;
			counts[i].overtaken = (double)overtaken;
		}
		start = end;
	}
	for (size_t g = 0; g < ng; g++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (counts[i].group == g)
				values[k++] = counts[i].overtaken;
		qsort(values, k, sizeof *values, by_double);
		report_percentile(values, k, 0.9, &groups[g].overtaken_p90);
		groups[g].overtaken_avg /= (double)groups[g].tickets;
	}
	qsort(groups, ng, sizeof *groups, by_group);
	free(counts);
	free(values);
	*out = groups;
	*ngroups = ng;
	return 0;
}

enum app_err svc_report_fairness(struct svc_app *app, const char *from, const char *to, struct fairness_group **out,
				 size_t *n)
{
	struct fairness_ticket *rows = NULL;
	size_t nrows = 0;
	*out = NULL;
	*n = 0;
	long long rc = repo_report_fairness_rows(app->db, from, to, &rows, &nrows);
	if (rc < 0)
		return db_app_err(rc);
	int r = fairness_count(rows, nrows, out, n);
	free(rows);
	return r < 0 ? APP_INTERNAL : APP_OK;
}
