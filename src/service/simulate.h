/*
 * turneroctl simulate (SPEC 14): a discrete-event replay of real days under other desk
 * counts or SLA targets. The event loop and the order are pure functions (unit-tested on a
 * day worked by hand); svc_simulate feeds them the days' tickets.
 *
 * The model: each queue and day on its own. A ticket is in the queue from its created_date
 * (when it was taken; a transfer or a steal is not replayed: it waits in the queue that
 * called it). Whenever a desk is free and somebody waits, the desk calls at once the first
 * waiting ticket by the call order (sim_before) and is busy for a service time drawn, with
 * the seeded generator, from the queue's measured services of that day (called -> served of
 * its served tickets; default_service_seconds when none). Waits are due_date -> call, never
 * below 0; SLA met = called by due_date + max_wait_minutes (no target: met).
 */
#ifndef TURNERO_SVC_SIMULATE_H
#define TURNERO_SVC_SIMULATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/app_err.h"
#include "common/ids.h"
#include "service/app.h"

struct sim_ticket {
	char id[UUID_STR_LEN]; /* last tie-break only */
	long long created_ms;  /* in the queue from here */
	long long due_ms;      /* the order counts from here */
	int level;
	long long deadline_ms; /* due + max_wait as simulated; -1: no SLA */
	long long call_ms;     /* out: when the simulation calls it */
};

/*
 * The call order of src/repo/queue_order.h, in C (keep the two in step; check_simulate tests
 * them on the same cases): true when a goes strictly before b at time now_ms.
 *   overdue(x) = x has a deadline and deadline <= now;
 *   fifo:      (due, created, id);
 *   priority:  overdue before not overdue; both overdue: (due, level, created, id);
 *              neither: (level, due, created, id).
 * ids compare as bytes (strcmp).
 */
bool sim_before(const struct sim_ticket *a, const struct sim_ticket *b, bool fifo, long long now_ms);

/* Draws the next service time in ms. */
typedef long long (*sim_draw_fn)(void *cls);

/*
 * Runs one queue's day: t holds its tickets sorted by created_ms; desks (>= 1) serve by the
 * model above and each t[i].call_ms is set. Services are drawn in call order. Returns 0, or
 * -1 when out of memory or desks < 1.
 */
int sim_run_day(struct sim_ticket *t, size_t n, bool fifo, long desks, sim_draw_fn draw, void *cls);

/* splitmix64: the next value of the generator whose state is *s (any seed is fine). */
uint64_t sim_random(uint64_t *s);

/* Per-queue options. */
struct sim_desks_override {
	char queue_id[UUID_STR_LEN];
	long desks;
};
struct sim_sla_override {
	char priority_id[UUID_STR_LEN];
	int max_wait_minutes;
};

/* avg and p90 wait (seconds) and SLA met % of a set of tickets; has = false with none. */
struct sim_figures {
	bool has;
	double avg_wait, p90_wait, sla_met_pct;
};

/* One queue of the result: what really happened beside what the simulation gives. */
struct sim_result {
	char queue_id[UUID_STR_LEN];
	char name[161];
	char prefix[4];
	long desks_real; /* the most servers (desks, else attendants) that called on one of the days */
	long desks_sim;  /* as simulated: the override, else each day's real number (the most shown) */
	long long tickets;
	struct sim_figures real, sim;
};

/*
 * Replays the called tickets of service days [from, to] per queue and day. SLA figures of
 * both columns use the targets of the run (overrides included). results: queues with
 * tickets in the range, oldest queue first. [out] out: free(*out).
 */
enum app_err svc_simulate(struct svc_app *app, const char *from, const char *to,
			  const struct sim_desks_override *desks, size_t ndesks, const struct sim_sla_override *sla,
			  size_t nsla, uint64_t seed, struct sim_result **out, size_t *n);

/* Resolves a queue named by id, prefix or name (exact); APP_NOT_FOUND when none matches. */
enum app_err svc_simulate_find_queue(struct svc_app *app, const char *name, char id[UUID_STR_LEN]);
/* Resolves a priority named by id or name (exact); APP_NOT_FOUND when none matches. */
enum app_err svc_simulate_find_priority(struct svc_app *app, const char *name, char id[UUID_STR_LEN]);

#endif
