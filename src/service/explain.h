/*
 * Explanations (SPEC 14): a queue's call order with the reason and forecast of each place,
 * SLA risk per queue, and the estimate and fairness reports.
 */
#ifndef TURNERO_SVC_EXPLAIN_H
#define TURNERO_SVC_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/app_err.h"
#include "common/ids.h"
#include "repo/explain_repo.h"
#include "service/app.h"
#include "service/forecast.h"

/* One place of GET /queues/{id}/order. */
struct explain_item {
	long long rank; /* 1 = next */
	struct order_row t;
	long long overdue_seconds; /* whole seconds past the deadline; 0 when not overdue */
	enum order_reason reason;
	bool at_risk;
	long long predicted_call_ms;
};

/* Free with explain_order_free. */
struct explain_order {
	enum queue_policy policy;
	long long generated_ms; /* the database's clock when the order was read */
	struct explain_item *items;
	size_t n;
};

/*
 * The waiting tickets of queue_id in the order call-next takes them (one statement ordered
 * by queue_order.h), each with its reason (forecast_reasons), predicted call time (now +
 * forecast_wait(rank)) and SLA risk. APP_NOT_FOUND for an unknown queue.
 * [out] out: caller frees with explain_order_free (empty unless APP_OK).
 */
enum app_err svc_explain_order(struct svc_app *app, const char *queue_id, struct explain_order *out);
void explain_order_free(struct explain_order *o);

struct queue_at_risk {
	char queue_id[UUID_STR_LEN];
	long long at_risk;
};

/*
 * Waiting tickets at risk of missing their SLA per open or paused queue (queues with none
 * are absent) and in all: svc_explain_count_at_risk over svc_explain_waiting_ranks (one
 * statement). [out] out: free(*out).
 */
enum app_err svc_explain_at_risk(struct svc_app *app, struct queue_at_risk **out, size_t *n, long long *total);

/*
 * The row source of svc_explain_at_risk, for callers that need more of it (the board): the
 * waiting tickets ranked in call order, with the first `first` ranks of every queue as well
 * as those with an SLA, and the forecast inputs (repo_forecast_waiting_ranks).
 * waiting_ranks_free(out) in every case.
 */
enum app_err svc_explain_waiting_ranks(struct svc_app *app, long long first, struct waiting_ranks *out);

/* SPEC 14's risk counts of rows read by svc_explain_waiting_ranks, as svc_explain_at_risk. */
enum app_err svc_explain_count_at_risk(const struct svc_app *app, const struct waiting_ranks *w,
				       struct queue_at_risk **out, size_t *n, long long *total);

/* GET /reports/estimates over service days [from, to] (checked by the caller). free(*out). */
enum app_err svc_report_estimates(struct svc_app *app, const char *from, const char *to, struct estimate_row **out,
				  size_t *n);

/* Who overtook whom, by cause (GET /reports/fairness). */
enum fairness_cause {
	CAUSE_PRIORITY,
	CAUSE_OVERDUE,
	CAUSE_REBALANCE,
	CAUSE_TRANSFER,
	CAUSE_MANUAL,
	CAUSE_APPOINTMENT,
	CAUSE__MAX,
	CAUSE_NONE = CAUSE__MAX /* none of the above explains it (counted in the total only) */
};

/* "priority", "overdue", "rebalance", "transfer", "manual", "appointment"; NULL otherwise. */
const char *fairness_cause_name(enum fairness_cause c);

/*
 * Why y, called before x and arrived later (y's created_date after x's), overtook x; the
 * first that holds of:
 *   manual      - y's first call was out of order (POST /tickets/{id}/call);
 *   rebalance   - y was stolen by another queue's call-next (a rebalance transfer);
 *   transfer    - y was transferred (by hand, or by its queue closing) before its call;
 *   appointment - y's due_date is not after x's: only a checked-in appointment (whose
 *                 due_date is its slot start, not its arrival; y's or x's) puts a later
 *                 arrival first by due_date;
 *   overdue     - y was past its SLA deadline when called;
 *   priority    - y's level is more urgent than x's;
 *   transfer / rebalance - x itself left the queue by a transfer / was stolen elsewhere;
 * else CAUSE_NONE.
 */
enum fairness_cause fairness_cause_of(const struct fairness_ticket *x, const struct fairness_ticket *y);

/* One queue and priority of GET /reports/fairness. */
struct fairness_group {
	char queue_id[UUID_STR_LEN];
	char priority_id[UUID_STR_LEN];
	int level;
	long long tickets;
	double overtaken_avg, overtaken_p90;
	long long overtaken_max;
	long long by_cause[CAUSE__MAX];
};

/*
 * Counts overtakings in rows as repo_report_fairness_rows gives them (grouped by issuing
 * queue and day, in order of first call): ticket x is overtaken by every ticket y of the
 * same issuing queue and day that arrived later (created_date after x's) and was first
 * called before x. Groups come out by queue (as the rows), then level, then priority id;
 * p90 is PERCENTILE_CONT(0.9) of the tickets' counts. Returns 0, or -1 when out of memory.
 * [out] out: free(*out).
 */
int fairness_count(const struct fairness_ticket *rows, size_t n, struct fairness_group **out, size_t *ngroups);

/* GET /reports/fairness over service days [from, to] (checked by the caller). free(*out). */
enum app_err svc_report_fairness(struct svc_app *app, const char *from, const char *to, struct fairness_group **out,
				 size_t *n);

#endif
