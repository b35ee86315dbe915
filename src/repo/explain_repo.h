/* SPEC 14 in SQL: a queue's call order, forecast inputs, the estimate and fairness reports'
 * rows and the tickets a simulation replays. The arithmetic is the services' (forecast.c,
 * explain.c, simulate.c); these only fetch. */
#ifndef TURNERO_EXPLAIN_REPO_H
#define TURNERO_EXPLAIN_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"
#include "common/queue_state.h"

/* Services per queue a forecast averages over (the statements LIMIT 20; RULES_WAIT_SAMPLES). */
#define FORECAST_SERVICE_SAMPLES 20

struct db;

/* What a forecast of one queue needs: its last services of the day and the desks open. */
struct forecast_inputs {
	char queue_id[UUID_STR_LEN];
	double services[FORECAST_SERVICE_SAMPLES]; /* seconds, most recent first */
	size_t nservices;
	long desks; /* desks with someone signed in (may be 0) */
};

/* One queue's inputs for service_date; out is filled (zeroed first). Returns rows or a db_status. */
long long repo_forecast_inputs(struct db *db, const char *queue_id, const char *service_date,
			       struct forecast_inputs *out);

/*
 * A waiting ticket of an open or paused queue with its rank in the queue's call order
 * (queue_order.h): one of the queue's first ranks, or one with an SLA deadline.
 */
struct risk_row {
	char queue_id[UUID_STR_LEN];
	long long rank; /* 1 = called next */
	char code[16]; /* "" past the first ranks asked for */
	bool has_deadline;
	long long deadline_ms;
};

/* What the board's next codes and the risk counts (SPEC 14) are made of. */
struct waiting_ranks {
	struct risk_row *rows; /* in no particular order */
	size_t nrows;
	struct forecast_inputs *inputs; /* every queue's (queues with neither services nor desks are absent) */
	size_t ninputs;
	long long now_ms; /* the database's clock at the query */
};

/*
 * One statement: the waiting tickets of open and paused queues ranked once in each queue's
 * call order, keeping the first `first` ranks of each queue (0: none) and every ticket with
 * an SLA, and every queue's forecast inputs for service_date. Returns rows or a db_status;
 * waiting_ranks_free(out) (also after an error).
 */
long long repo_forecast_waiting_ranks(struct db *db, const char *service_date, long long first,
				      struct waiting_ranks *out);
void waiting_ranks_free(struct waiting_ranks *w);

/* One waiting ticket of GET /queues/{id}/order, in call order. */
struct order_row {
	char ticket_id[UUID_STR_LEN];
	char code[16];
	char priority_id[UUID_STR_LEN];
	int level;
	char due_date[TS_STR_LEN];
	long long due_ms;
	bool has_deadline;
	long long deadline_ms;
	bool overdue; /* QO_OVERDUE, as the take-next statements see it */
};

/*
 * The waiting tickets of queue_id in call order (the ordering of queue_order.h by the queue's
 * policy, in one statement), the policy and the database's clock. Returns 0 when there is no
 * such queue, else > 0; free(*out) (NULL when none wait).
 */
long long repo_explain_order(struct db *db, const char *queue_id, enum queue_policy *policy, long long *now_ms,
			     struct order_row **out, size_t *n);

/* One queue of GET /reports/estimates; the has_* flags are false where nothing was measured. */
struct estimate_row {
	char queue_id[UUID_STR_LEN];
	char name[161];
	long long samples;
	double mean_abs_error, bias, within_range_pct;
	bool has_within_range;
};
/* Queues that issued called tickets in [from, to], by name; free(*out). */
long long repo_report_estimates(struct db *db, const char *from, const char *to, struct estimate_row **out,
				size_t *n);

/* A ticket of the range that was called, for the fairness report. */
struct fairness_ticket {
	char queue_id[UUID_STR_LEN]; /* the queue that issued it */
	char priority_id[UUID_STR_LEN];
	char service_date[11];
	long long created_ms, due_ms;
	int level;
	bool has_deadline;
	long long deadline_ms;
	long long called_ms; /* its first call */
	bool manual;         /* that call was out of order (POST /tickets/{id}/call) */
	bool stolen;         /* it reached that call through a rebalance transfer */
	bool transferred;    /* it was transferred by hand or by a closing queue before */
};
/* Grouped by issuing queue and day, in order of first call; free(*out). */
long long repo_report_fairness_rows(struct db *db, const char *from, const char *to, struct fairness_ticket **out,
				    size_t *n);

struct sim_queue {
	char id[UUID_STR_LEN];
	char name[161];
	char prefix[4];
	enum queue_policy policy;
};
struct sim_priority {
	char id[UUID_STR_LEN];
	char name[201];
	int max_wait_minutes;
};
/* A called ticket of the days a simulation replays. */
struct sim_row {
	char queue_id[UUID_STR_LEN];
	char service_date[11];
	char id[UUID_STR_LEN];
	long long created_ms, due_ms;
	int level;
	char priority_id[UUID_STR_LEN];
	long long called_ms;
	bool served;
	long long served_ms;
	char server[UUID_STR_LEN]; /* the desk that called it, else the user; "" when neither */
};
/* Every queue, oldest first; free(*out). */
long long repo_sim_queues(struct db *db, struct sim_queue **out, size_t *n);
/* Every priority; free(*out). */
long long repo_sim_priorities(struct db *db, struct sim_priority **out, size_t *n);
/* The called tickets of [from, to] by queue, day and arrival; free(*out). */
long long repo_sim_tickets(struct db *db, const char *from, const char *to, struct sim_row **out, size_t *n);

#endif
