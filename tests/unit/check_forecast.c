/*
 * SPEC 14's arithmetic, worked by hand: forecasts (wait, range, risk), the reasons of an
 * order, the fairness count, and the simulator's order (against the cases queue_order.h
 * decides) and event loop on a tiny day.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "service/explain.h"
#include "service/forecast.h"
#include "service/simulate.h"

/* ---- forecasts ---- */

START_TEST(test_basis_mean_and_sample_sd)
{
	const double s[] = {60, 120, 180};
	struct forecast_basis b;
	forecast_basis_make(s, 3, 2, 300, &b);
	ck_assert_double_eq_tol(b.mean, 120, 1e-9);
	/* deviations -60, 0, 60: (3600 + 0 + 3600) / (3 - 1) = 3600 */
	ck_assert_double_eq_tol(b.sd, 60, 1e-9);
	ck_assert_uint_eq(b.samples, 3);
	ck_assert_int_eq(b.desks, 2);
	/* Negative and non-finite samples are ignored. */
	const double bad[] = {-5, NAN, 100, INFINITY};
	forecast_basis_make(bad, 4, 1, 300, &b);
	ck_assert_uint_eq(b.samples, 1);
	ck_assert_double_eq_tol(b.mean, 100, 1e-9);
	ck_assert_double_eq(b.sd, 0);
}
END_TEST

START_TEST(test_wait_is_position_times_mean_over_desks)
{
	const double s[] = {60, 120, 180};
	struct forecast_basis b;
	forecast_basis_make(s, 3, 2, 300, &b);
	/* 4 x 120 / 2 */
	ck_assert_int_eq(forecast_wait(&b, 4), 240);
	ck_assert_int_eq(forecast_wait(&b, 1), 60);
	ck_assert_int_eq(forecast_wait(&b, 0), 0);
	ck_assert_int_eq(forecast_wait(&b, -3), 0);
	/* One desk: SPEC 3's position x average. */
	forecast_basis_make(s, 3, 1, 300, &b);
	ck_assert_int_eq(forecast_wait(&b, 3), 360);
	/* Rounded half up: 1 x 1.5 = 1.5 -> 2, 3 x 1.5 = 4.5 -> 5, 1.4 -> 1. */
	const double h[] = {1.5};
	forecast_basis_make(h, 1, 1, 300, &b);
	ck_assert_int_eq(forecast_wait(&b, 1), 2);
	ck_assert_int_eq(forecast_wait(&b, 3), 5);
	const double l[] = {1.4};
	forecast_basis_make(l, 1, 1, 300, &b);
	ck_assert_int_eq(forecast_wait(&b, 1), 1);
}
END_TEST

START_TEST(test_no_samples_uses_the_default_and_no_desk_counts_as_one)
{
	struct forecast_basis b;
	forecast_basis_make(NULL, 0, 0, 300, &b);
	ck_assert_int_eq(b.desks, 1);
	ck_assert_int_eq(forecast_wait(&b, 2), 600);
	struct forecast_range r = forecast_range_of(&b, 2);
	/* Nothing measured, no spread: the range is the estimate. */
	ck_assert_int_eq(r.low, 600);
	ck_assert_int_eq(r.high, 600);
	forecast_basis_make(NULL, 0, 3, -7, &b);
	ck_assert_int_eq(forecast_wait(&b, 5), 0);
}
END_TEST

START_TEST(test_range_is_the_10th_to_90th_percentile_of_k_services)
{
	const double s[] = {60, 120, 180};
	struct forecast_basis b;
	forecast_basis_make(s, 3, 2, 300, &b);
	/* k = 4, desks 2: 240 -/+ 1.28155 x sqrt(4) x 60 / 2 = 240 -/+ 76.893 -> 163, 317 */
	struct forecast_range r = forecast_range_of(&b, 4);
	ck_assert_int_eq(r.low, 163);
	ck_assert_int_eq(r.high, 317);
	/* k = 1, one desk: 120 -/+ 76.893 -> 43, 197 */
	forecast_basis_make(s, 3, 1, 300, &b);
	r = forecast_range_of(&b, 1);
	ck_assert_int_eq(r.low, 43);
	ck_assert_int_eq(r.high, 197);
	/* A wide spread never goes below 0: {10, 290}: mean 150, sd 197.99; 150 - 253.7 < 0 */
	const double w[] = {10, 290};
	forecast_basis_make(w, 2, 1, 300, &b);
	r = forecast_range_of(&b, 1);
	ck_assert_int_eq(r.low, 0);
	ck_assert_int_eq(r.high, 404); /* 150 + 1.28155 x 197.990 = 403.73 */
	r = forecast_range_of(&b, 0);
	ck_assert_int_eq(r.low, 0);
	ck_assert_int_eq(r.high, 0);
}
END_TEST

START_TEST(test_at_risk_when_the_predicted_call_passes_the_deadline)
{
	/* now 1000 ms + 10 s = 11000 ms */
	ck_assert(forecast_at_risk(1000, 10, true, 10999));
	ck_assert(!forecast_at_risk(1000, 10, true, 11000)); /* called at the deadline: in time */
	ck_assert(!forecast_at_risk(1000, 10, true, 50000));
	ck_assert(!forecast_at_risk(1000, 1000000, false, 0)); /* no target: never at risk */
	ck_assert(forecast_at_risk(5000, 0, true, 4000));        /* overdue already */
}
END_TEST

START_TEST(test_reasons_of_an_order)
{
	/* Call order under policy priority: A overdue (due 100); B level 1 (due 300) ahead of C
	 * (level 2, due 200): priority; C and D by arrival. */
	const long long due[] = {100, 300, 200, 400};
	const bool overdue[] = {true, false, false, false};
	enum order_reason r[4];
	forecast_reasons(true, due, overdue, 4, r);
	ck_assert_int_eq(r[0], REASON_OVERDUE);
	ck_assert_int_eq(r[1], REASON_PRIORITY);
	ck_assert_int_eq(r[2], REASON_ARRIVAL);
	ck_assert_int_eq(r[3], REASON_ARRIVAL);
	/* Under fifo nothing jumps: all arrival. */
	forecast_reasons(false, due, overdue, 4, r);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(r[i], REASON_ARRIVAL);
	/* Equal due dates are no earlier arrival. */
	const long long same[] = {100, 100};
	const bool none[] = {false, false};
	forecast_reasons(true, same, none, 2, r);
	ck_assert_int_eq(r[0], REASON_ARRIVAL);
	ck_assert_str_eq(forecast_reason_name(REASON_PRIORITY), "priority");
	ck_assert_ptr_null(forecast_reason_name(REASON__MAX));
}
END_TEST

/* ---- fairness ---- */

static struct fairness_ticket ft(const char *priority, long long created, long long due, int level, long long called)
{
	struct fairness_ticket t;
	memset(&t, 0, sizeof t);
	strcpy(t.queue_id, "q1");
	strcpy(t.service_date, "2001-02-03");
	strcpy(t.priority_id, priority);
	t.created_ms = created;
	t.due_ms = due;
	t.level = level;
	t.called_ms = called;
	return t;
}

START_TEST(test_fairness_counts_later_arrivals_called_first)
{
	/* In call order: A (arrived 0), C (20, level 1), D (30, called out of order), B (10). B was
	 * overtaken by C (priority) and D (manual); nobody else was. */
	struct fairness_ticket rows[4];
	rows[0] = ft("p2", 0, 0, 2, 100);
	rows[1] = ft("p1", 20, 20, 1, 200);
	rows[2] = ft("p2", 30, 30, 2, 250);
	rows[2].manual = true;
	rows[3] = ft("p2", 10, 10, 2, 300);
	struct fairness_group *g = NULL;
	size_t n = 0;
	ck_assert_int_eq(fairness_count(rows, 4, &g, &n), 0);
	ck_assert_uint_eq(n, 2);
	/* level 1 first */
	ck_assert_str_eq(g[0].priority_id, "p1");
	ck_assert_int_eq(g[0].tickets, 1);
	ck_assert_double_eq(g[0].overtaken_avg, 0);
	ck_assert_int_eq(g[0].overtaken_max, 0);
	ck_assert_str_eq(g[1].priority_id, "p2");
	ck_assert_int_eq(g[1].tickets, 3);
	/* counts {0, 0, 2}: avg 2/3; p90: h = 1.8 -> 0 + 0.8 x 2 = 1.6 */
	ck_assert_double_eq_tol(g[1].overtaken_avg, 2.0 / 3.0, 1e-9);
	ck_assert_double_eq_tol(g[1].overtaken_p90, 1.6, 1e-9);
	ck_assert_int_eq(g[1].overtaken_max, 2);
	ck_assert_int_eq(g[1].by_cause[CAUSE_PRIORITY], 1);
	ck_assert_int_eq(g[1].by_cause[CAUSE_MANUAL], 1);
	ck_assert_int_eq(g[1].by_cause[CAUSE_OVERDUE] + g[1].by_cause[CAUSE_REBALANCE] + g[1].by_cause[CAUSE_TRANSFER] +
			     g[1].by_cause[CAUSE_APPOINTMENT],
			 0);
	free(g);
	/* Another day is another block: nobody overtakes across days. */
	rows[3] = ft("p2", 10, 10, 2, 300);
	strcpy(rows[3].service_date, "2001-02-04");
	ck_assert_int_eq(fairness_count(rows, 4, &g, &n), 0);
	ck_assert_int_eq(g[1].overtaken_max, 0);
	free(g);
}
END_TEST

START_TEST(test_fairness_causes_in_their_order)
{
	struct fairness_ticket x = ft("p2", 0, 0, 2, 500), y = ft("p2", 10, 10, 2, 100);
	ck_assert_int_eq(fairness_cause_of(&x, &y), CAUSE_NONE);
	y.level = 1;
	ck_assert_int_eq(fairness_cause_of(&x, &y), CAUSE_PRIORITY);
	y.has_deadline = true;
	y.deadline_ms = 100; /* at the deadline when called: overdue (QO_OVERDUE) */
	ck_assert_int_eq(fairness_cause_of(&x, &y), CAUSE_OVERDUE);
	y.due_ms = -5; /* a checked-in appointment: due before x although it arrived later */
	ck_assert_int_eq(fairness_cause_of(&x, &y), CAUSE_APPOINTMENT);
	y.transferred = true;
	ck_assert_int_eq(fairness_cause_of(&x, &y), CAUSE_TRANSFER);
	y.stolen = true;
	ck_assert_int_eq(fairness_cause_of(&x, &y), CAUSE_REBALANCE);
	y.manual = true;
	ck_assert_int_eq(fairness_cause_of(&x, &y), CAUSE_MANUAL);
	/* x itself was moved away */
	struct fairness_ticket y2 = ft("p2", 10, 10, 2, 100);
	x.transferred = true;
	ck_assert_int_eq(fairness_cause_of(&x, &y2), CAUSE_TRANSFER);
	x.transferred = false;
	x.stolen = true;
	ck_assert_int_eq(fairness_cause_of(&x, &y2), CAUSE_REBALANCE);
	ck_assert_str_eq(fairness_cause_name(CAUSE_APPOINTMENT), "appointment");
	ck_assert_ptr_null(fairness_cause_name(CAUSE_NONE));
}
END_TEST

/* ---- the simulator's order: the cases queue_order.h decides ---- */

static struct sim_ticket st(const char *id, long long created, long long due, int level, long long deadline)
{
	struct sim_ticket t;
	memset(&t, 0, sizeof t);
	strcpy(t.id, id);
	t.created_ms = created;
	t.due_ms = due;
	t.level = level;
	t.deadline_ms = deadline;
	return t;
}

START_TEST(test_sim_order_matches_queue_order)
{
	long long now = 1000;
	/* QO_FIFO_KEYS: due_date, then created_date, then id; level and SLA do not count. */
	struct sim_ticket a = st("a", 50, 100, 3, -1), b = st("b", 10, 200, 1, 150);
	ck_assert(sim_before(&a, &b, true, now));
	ck_assert(!sim_before(&b, &a, true, now));
	struct sim_ticket c = st("c", 40, 100, 1, -1); /* same due as a, checked in earlier */
	ck_assert(sim_before(&c, &a, true, now));
	struct sim_ticket d = st("d", 50, 100, 1, -1); /* same due and created as a: id */
	ck_assert(sim_before(&a, &d, true, now));
	ck_assert(!sim_before(&a, &a, true, now));
	/* priority, neither overdue (QO_LEVEL_KEYS): level, then due, created, id. */
	struct sim_ticket e = st("e", 0, 300, 1, -1), f = st("f", 0, 100, 2, -1);
	ck_assert(sim_before(&e, &f, false, now));
	struct sim_ticket g = st("g", 0, 100, 1, -1);
	ck_assert(sim_before(&g, &e, false, now));
	/* an overdue ticket (deadline <= now; at the deadline itself too) goes first */
	struct sim_ticket h = st("h", 0, 500, 3, 1000);
	ck_assert(sim_before(&h, &g, false, now));
	ck_assert(!sim_before(&h, &g, false, 999)); /* a millisecond earlier it is not overdue */
	/* both overdue (QO_OVERDUE_KEYS): due, then level, created, id */
	struct sim_ticket i = st("i", 0, 400, 3, 900), j = st("j", 0, 450, 1, 800);
	ck_assert(sim_before(&i, &j, false, now));
	struct sim_ticket k = st("k", 0, 400, 2, 900);
	ck_assert(sim_before(&k, &i, false, now));
}
END_TEST

/* ---- the event loop on a tiny day ---- */

static long long fixed_minute(void *cls)
{
	int *calls = cls;
	(*calls)++;
	return 60000;
}

START_TEST(test_sim_day_worked_by_hand)
{
	/* A at 0 s (level 2), C at 5 s (level 2), B at 10 s (level 1); every service 60 s. */
	struct sim_ticket t[3];
	t[0] = st("A", 0, 0, 2, -1);
	t[1] = st("C", 5000, 5000, 2, -1);
	t[2] = st("B", 10000, 10000, 1, -1);
	int draws = 0;
	/* priority, one desk: A at 0; at 60 B (more urgent) before C; C at 120. */
	ck_assert_int_eq(sim_run_day(t, 3, false, 1, fixed_minute, &draws), 0);
	ck_assert_int_eq(t[0].call_ms, 0);
	ck_assert_int_eq(t[2].call_ms, 60000);
	ck_assert_int_eq(t[1].call_ms, 120000);
	ck_assert_int_eq(draws, 3);
	/* fifo, one desk: A, C, B. */
	ck_assert_int_eq(sim_run_day(t, 3, true, 1, fixed_minute, &draws), 0);
	ck_assert_int_eq(t[1].call_ms, 60000);
	ck_assert_int_eq(t[2].call_ms, 120000);
	/* priority, two desks: A at 0, C at 5 s on the second desk, B at 60 s. */
	ck_assert_int_eq(sim_run_day(t, 3, false, 2, fixed_minute, &draws), 0);
	ck_assert_int_eq(t[0].call_ms, 0);
	ck_assert_int_eq(t[1].call_ms, 5000);
	ck_assert_int_eq(t[2].call_ms, 60000);
	/* C's SLA ends at 55 s: overdue at 60 s, so it goes before B. */
	t[1].deadline_ms = 55000;
	ck_assert_int_eq(sim_run_day(t, 3, false, 1, fixed_minute, &draws), 0);
	ck_assert_int_eq(t[1].call_ms, 60000);
	ck_assert_int_eq(t[2].call_ms, 120000);
	/* An idle gap: a desk waits for the next arrival. */
	struct sim_ticket late[2] = {st("x", 0, 0, 1, -1), st("y", 300000, 300000, 1, -1)};
	ck_assert_int_eq(sim_run_day(late, 2, true, 1, fixed_minute, &draws), 0);
	ck_assert_int_eq(late[1].call_ms, 300000);
	/* An early check-in is present from created, ordered by due. */
	struct sim_ticket appt[3] = {st("w", 0, 0, 1, -1), st("p", 10000, 120000, 1, -1), st("q", 20000, 20000, 1, -1)};
	ck_assert_int_eq(sim_run_day(appt, 3, true, 1, fixed_minute, &draws), 0);
	ck_assert_int_eq(appt[2].call_ms, 60000);
	ck_assert_int_eq(appt[1].call_ms, 120000);
	ck_assert_int_eq(sim_run_day(t, 3, true, 0, fixed_minute, &draws), -1);
}
END_TEST

START_TEST(test_sim_random_is_deterministic)
{
	uint64_t a = 42, b = 42, c = 43;
	uint64_t x = sim_random(&a), y = sim_random(&b), z = sim_random(&c);
	ck_assert(x == y);
	ck_assert(x != z);
	ck_assert(sim_random(&a) == sim_random(&b));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("forecast");
	TCase *tc = tcase_create("forecast");
	tcase_add_test(tc, test_basis_mean_and_sample_sd);
	tcase_add_test(tc, test_wait_is_position_times_mean_over_desks);
	tcase_add_test(tc, test_no_samples_uses_the_default_and_no_desk_counts_as_one);
	tcase_add_test(tc, test_range_is_the_10th_to_90th_percentile_of_k_services);
	tcase_add_test(tc, test_at_risk_when_the_predicted_call_passes_the_deadline);
	tcase_add_test(tc, test_reasons_of_an_order);
	suite_add_tcase(s, tc);
	TCase *fair = tcase_create("fairness");
	tcase_add_test(fair, test_fairness_counts_later_arrivals_called_first);
	tcase_add_test(fair, test_fairness_causes_in_their_order);
	suite_add_tcase(s, fair);
	TCase *sim = tcase_create("simulate");
	tcase_add_test(sim, test_sim_order_matches_queue_order);
	tcase_add_test(sim, test_sim_day_worked_by_hand);
	tcase_add_test(sim, test_sim_random_is_deterministic);
	suite_add_tcase(s, sim);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
