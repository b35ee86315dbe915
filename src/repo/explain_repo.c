#include "repo/explain_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

static int inputs_row(void *cls, const struct db_row *row)
{
	struct forecast_inputs *o = cls;
	const char *kind = db_row_str(row, 0);
	if (kind && kind[0] == 'd')
		o->desks = (long)db_row_int(row, 1);
	else if (!db_row_is_null(row, 1) && o->nservices < FORECAST_SERVICE_SAMPLES)
		o->services[o->nservices++] = db_row_double(row, 1);
	return 0;
}

long long repo_forecast_inputs(struct db *db, const char *queue_id, const char *service_date,
			       struct forecast_inputs *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->queue_id, sizeof out->queue_id, "%s", queue_id);
	return db_query(db, STMT_FORECAST_BASIS, DB_ARGS(db_str(queue_id), db_str(service_date), db_str(queue_id)),
			inputs_row, out);
}

static struct forecast_inputs *inputs_of(struct waiting_ranks *w, const char *queue_id)
{
	for (size_t i = 0; i < w->ninputs; i++)
		if (strcmp(w->inputs[i].queue_id, queue_id) == 0)
			return &w->inputs[i];
	struct forecast_inputs *f = row_append(&w->inputs, &w->ninputs, sizeof *f);
	if (f)
		snprintf(f->queue_id, sizeof f->queue_id, "%s", queue_id);
	return f;
}

/* One row of STMT_FORECAST_WAITING_RANKS: a ranked ticket ('w'), the clock ('n'), a service ('s') or desks ('d'). */
static int ranks_row(void *cls, const struct db_row *row)
{
	struct waiting_ranks *w = cls;
	const char *kind = db_row_str(row, 0);
	if (!kind)
		return DB_HARD;
	if (kind[0] == 'w') {
		struct risk_row *r = row_append(&w->rows, &w->nrows, sizeof *r);
		if (!r)
			return DB_HARD;
		row_copy(row, 1, r->queue_id, sizeof r->queue_id);
		r->rank = db_row_int(row, 2);
		row_copy(row, 3, r->code, sizeof r->code);
		r->has_deadline = !db_row_is_null(row, 4);
		r->deadline_ms = db_row_int(row, 4);
		return 0;
	}
	if (kind[0] == 'n') {
		w->now_ms = db_row_int(row, 4);
		return 0;
	}
	char queue_id[UUID_STR_LEN];
	row_copy(row, 1, queue_id, sizeof queue_id);
	struct forecast_inputs *f = inputs_of(w, queue_id);
	if (!f)
		return DB_HARD;
	if (kind[0] == 'd')
		f->desks = (long)db_row_int(row, 2);
	else if (!db_row_is_null(row, 4) && f->nservices < FORECAST_SERVICE_SAMPLES)
		f->services[f->nservices++] = db_row_double(row, 4);
	return 0;
}

void waiting_ranks_free(struct waiting_ranks *w)
{
	if (!w)
		return;
	free(w->rows);
	free(w->inputs);
	*w = (struct waiting_ranks){0};
}

long long repo_forecast_waiting_ranks(struct db *db, const char *service_date, long long first,
				      struct waiting_ranks *out)
{
	*out = (struct waiting_ranks){0};
	long long rc = db_query(db, STMT_FORECAST_WAITING_RANKS, DB_ARGS(db_int(first), db_int(first), db_str(service_date)),
				ranks_row, out);
	if (rc < 0)
		waiting_ranks_free(out);
	return rc;
}

struct order_list {
	enum queue_policy *policy;
	long long *now_ms;
	struct order_row *items;
	size_t n;
};

static int order_row(void *cls, const struct db_row *row)
{
	struct order_list *l = cls;
	if (row_queue_policy(row, 0, l->policy) < 0)
		return DB_HARD;
	*l->now_ms = db_row_int(row, 10);
	if (db_row_is_null(row, 1))
		return 0; /* the queue exists, nobody waits */
	struct order_row *r = row_append(&l->items, &l->n, sizeof *r);
	if (!r)
		return DB_HARD;
	row_copy(row, 1, r->ticket_id, sizeof r->ticket_id);
	row_copy(row, 2, r->code, sizeof r->code);
	row_copy(row, 3, r->priority_id, sizeof r->priority_id);
	r->level = (int)db_row_int(row, 4);
	row_time(row, 5, r->due_date);
	r->due_ms = db_row_int(row, 6);
	r->has_deadline = db_row_int(row, 7) != 0;
	r->deadline_ms = db_row_int(row, 8);
	r->overdue = db_row_int(row, 9) != 0;
	return 0;
}

long long repo_explain_order(struct db *db, const char *queue_id, enum queue_policy *policy, long long *now_ms,
			     struct order_row **out, size_t *n)
{
	struct order_list l = {policy, now_ms, NULL, 0};
	*policy = POLICY_PRIORITY;
	*now_ms = 0;
	long long rc = db_query(db, STMT_EXPLAIN_ORDER, DB_ARGS(db_str(queue_id)), order_row, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

struct estimate_list {
	struct estimate_row *items;
	size_t n;
};

static int estimate_row(void *cls, const struct db_row *row)
{
	struct estimate_list *l = cls;
	struct estimate_row *r = row_append(&l->items, &l->n, sizeof *r);
	if (!r)
		return DB_HARD;
	row_copy(row, 0, r->queue_id, sizeof r->queue_id);
	row_copy(row, 1, r->name, sizeof r->name);
	r->samples = db_row_int(row, 2);
	r->mean_abs_error = db_row_double(row, 3);
	r->bias = db_row_double(row, 4);
	r->has_within_range = !db_row_is_null(row, 5);
	r->within_range_pct = db_row_double(row, 5);
	return 0;
}

long long repo_report_estimates(struct db *db, const char *from, const char *to, struct estimate_row **out,
				size_t *n)
{
	struct estimate_list l = {NULL, 0};
	long long rc = db_query(db, STMT_REPORT_ESTIMATES, DB_ARGS(db_str(from), db_str(to)), estimate_row, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

struct fairness_list {
	struct fairness_ticket *items;
	size_t n;
};

static int fairness_row(void *cls, const struct db_row *row)
{
	struct fairness_list *l = cls;
	struct fairness_ticket *r = row_append(&l->items, &l->n, sizeof *r);
	if (!r)
		return DB_HARD;
	row_copy(row, 0, r->queue_id, sizeof r->queue_id);
	row_copy(row, 1, r->priority_id, sizeof r->priority_id);
	row_copy(row, 2, r->service_date, sizeof r->service_date);
	r->created_ms = db_row_int(row, 3);
	r->due_ms = db_row_int(row, 4);
	r->level = (int)db_row_int(row, 5);
	r->has_deadline = db_row_int(row, 6) != 0;
	r->deadline_ms = db_row_int(row, 7);
	r->called_ms = db_row_int(row, 8);
	r->manual = db_row_int(row, 9) != 0;
	r->stolen = db_row_int(row, 10) != 0;
	r->transferred = db_row_int(row, 11) != 0;
	return 0;
}

long long repo_report_fairness_rows(struct db *db, const char *from, const char *to, struct fairness_ticket **out,
				    size_t *n)
{
	struct fairness_list l = {NULL, 0};
	long long rc = db_query(db, STMT_REPORT_FAIRNESS_ROWS, DB_ARGS(db_str(from), db_str(to)), fairness_row, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

struct sim_queue_list {
	struct sim_queue *items;
	size_t n;
};

static int sim_queue_row(void *cls, const struct db_row *row)
{
	struct sim_queue_list *l = cls;
	struct sim_queue *q = row_append(&l->items, &l->n, sizeof *q);
	if (!q)
		return DB_HARD;
	row_copy(row, 0, q->id, sizeof q->id);
	row_copy(row, 1, q->name, sizeof q->name);
	row_copy(row, 2, q->prefix, sizeof q->prefix);
	return row_queue_policy(row, 3, &q->policy);
}

long long repo_sim_queues(struct db *db, struct sim_queue **out, size_t *n)
{
	struct sim_queue_list l = {NULL, 0};
	long long rc = db_query(db, STMT_SIM_QUEUES, DB_NO_ARGS, sim_queue_row, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

struct sim_priority_list {
	struct sim_priority *items;
	size_t n;
};

static int sim_priority_row(void *cls, const struct db_row *row)
{
	struct sim_priority_list *l = cls;
	struct sim_priority *p = row_append(&l->items, &l->n, sizeof *p);
	if (!p)
		return DB_HARD;
	row_copy(row, 0, p->id, sizeof p->id);
	row_copy(row, 1, p->name, sizeof p->name);
	p->max_wait_minutes = (int)db_row_int(row, 2);
	return 0;
}

long long repo_sim_priorities(struct db *db, struct sim_priority **out, size_t *n)
{
	struct sim_priority_list l = {NULL, 0};
	long long rc = db_query(db, STMT_SIM_PRIORITIES, DB_NO_ARGS, sim_priority_row, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

struct sim_row_list {
	struct sim_row *items;
	size_t n;
};

static int sim_ticket_row(void *cls, const struct db_row *row)
{
	struct sim_row_list *l = cls;
	struct sim_row *r = row_append(&l->items, &l->n, sizeof *r);
	if (!r)
		return DB_HARD;
	row_copy(row, 0, r->queue_id, sizeof r->queue_id);
	row_copy(row, 1, r->service_date, sizeof r->service_date);
	row_copy(row, 2, r->id, sizeof r->id);
	r->created_ms = db_row_int(row, 3);
	r->due_ms = db_row_int(row, 4);
	r->level = (int)db_row_int(row, 5);
	row_copy(row, 6, r->priority_id, sizeof r->priority_id);
	r->called_ms = db_row_int(row, 7);
	r->served = db_row_int(row, 8) != 0;
	r->served_ms = db_row_int(row, 9);
	row_copy(row, 10, r->server, sizeof r->server);
	return 0;
}

long long repo_sim_tickets(struct db *db, const char *from, const char *to, struct sim_row **out, size_t *n)
{
	struct sim_row_list l = {NULL, 0};
	long long rc = db_query(db, STMT_SIM_TICKETS, DB_ARGS(db_str(from), db_str(to)), sim_ticket_row, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}
