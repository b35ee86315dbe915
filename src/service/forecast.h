/*
 * Forecasts (SPEC 14) as pure functions: the wait a place in a queue can expect, its range,
 * SLA risk and why a ticket stands where it does. No I/O, no SQL, no allocation: the
 * services feed them what the statements fetched.
 *
 * The model, in words: a queue's desks open (desks with someone signed in; at least 1) each
 * serve one ticket at a time; a service takes the mean of the queue's last (up to
 * RULES_WAIT_SAMPLES) served tickets of the day (default_service_seconds before the first).
 * The ticket at place k is called after k services shared among the desks:
 *
 *     wait(k) = k x mean / desks                      (SPEC 3's estimate when desks = 1)
 *
 * and its range is the 10th to 90th percentile of a sum of k independent service times
 * with the measured standard deviation sd (normal approximation), shared among the desks:
 *
 *     low, high = wait(k) -/+ 1.2816 x sqrt(k) x sd / desks     (low never below 0)
 *
 * All results are whole seconds rounded half up. predicted_call_at = now + wait(rank); a
 * ticket with an SLA is at risk when that is later than its deadline (due_date +
 * max_wait_minutes); priorities without a target (0) are never at risk.
 */
#ifndef TURNERO_SVC_FORECAST_H
#define TURNERO_SVC_FORECAST_H

#include <stdbool.h>
#include <stddef.h>

/* z of the 90th percentile of a normal distribution: the range is its 10th to 90th. */
#define FORECAST_Z90 1.2815515655446004

struct forecast_basis {
	double mean;    /* seconds per service */
	double sd;      /* sample standard deviation of the services (0 with fewer than 2) */
	size_t samples; /* how many services were measured (0: mean is the default) */
	long desks;     /* desks open, at least 1 */
};

/*
 * The basis from the measured service times (seconds; n may be 0, negative or non-finite
 * values are ignored), the desks open (below 1 counts as 1) and the default service time
 * used while nothing is measured (negative counts as 0).
 */
void forecast_basis_make(const double *service_seconds, size_t n, long open_desks, long default_service_seconds,
			 struct forecast_basis *out);

/* wait(position) in whole seconds, rounded half up; 0 for position <= 0; saturates at LLONG_MAX. */
long long forecast_wait(const struct forecast_basis *b, long long position);

struct forecast_range {
	long long low, high;
};

/* The 10th-90th percentile range of wait(position); {0, 0} for position <= 0. */
struct forecast_range forecast_range_of(const struct forecast_basis *b, long long position);

/*
 * true when a ticket with an SLA deadline (has_deadline) would be called after it:
 * now_ms + wait_seconds * 1000 > deadline_ms. Without a deadline: false.
 */
bool forecast_at_risk(long long now_ms, long long wait_seconds, bool has_deadline, long long deadline_ms);

/* Why a waiting ticket stands where it does in the order (GET /queues/{id}/order). */
enum order_reason { REASON_ARRIVAL, REASON_PRIORITY, REASON_OVERDUE, REASON__MAX };

/* "arrival", "priority", "overdue"; NULL outside the enum. */
const char *forecast_reason_name(enum order_reason r);

/*
 * The reasons of a queue's waiting tickets given in call order (rank 1 first):
 *   overdue  - policy priority and the ticket is overdue (past due_date + max_wait_minutes,
 *              which moves it ahead of every ticket that is not);
 *   priority - otherwise, when some ticket behind it has a strictly earlier due_date: it
 *              stands ahead of an earlier arrival only because its level is more urgent
 *              (under policy priority nothing else can put it there);
 *   arrival  - otherwise: it stands where its due_date puts it.
 * Under policy fifo every ticket is "arrival". due_ms[i] is ticket i's due_date in ms,
 * overdue[i] whether it is overdue now; out gets n reasons.
 */
void forecast_reasons(bool priority_policy, const long long *due_ms, const bool *overdue, size_t n,
		      enum order_reason *out);

#endif
