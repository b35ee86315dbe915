/* Queue rules: state machine, ordering, placement, wait estimates, codes and names. */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "service/queue_rules.h"

#define MIN_MS 60000LL
#define T0 1760670229172LL /* 2025-10-17T03:03:49.172Z */

/* ---- state machine ---- */

/* SPEC 3, written out independently of the implementation's table. */
static const struct {
	enum ticket_status from;
	enum ticket_op op;
	enum ticket_status to;
} legal[] = {
	{TICKET_WAITING, TICKET_OP_CALL, TICKET_CALLED},
	{TICKET_WAITING, TICKET_OP_CANCEL, TICKET_CANCELLED},
	{TICKET_WAITING, TICKET_OP_EXPIRE, TICKET_EXPIRED},
	{TICKET_WAITING, TICKET_OP_TRANSFER, TICKET_WAITING},
	{TICKET_CALLED, TICKET_OP_SERVE, TICKET_SERVED},
	{TICKET_CALLED, TICKET_OP_NO_SHOW, TICKET_NO_SHOW},
	{TICKET_CALLED, TICKET_OP_EXPIRE, TICKET_EXPIRED},
	{TICKET_CALLED, TICKET_OP_RECALL, TICKET_CALLED},
	{TICKET_CALLED, TICKET_OP_REQUEUE, TICKET_WAITING},
	{TICKET_CALLED, TICKET_OP_TRANSFER, TICKET_WAITING},
};

START_TEST(test_state_machine_allows_exactly_the_spec_transitions)
{
	size_t seen = 0;
	for (int from = 0; from < TICKET_STATUS__MAX; from++) {
		for (int op = 0; op < TICKET_OP__MAX; op++) {
			int want = -1;
			for (size_t i = 0; i < sizeof legal / sizeof legal[0]; i++)
				if ((int)legal[i].from == from && (int)legal[i].op == op)
					want = (int)legal[i].to;
			/* A sentinel no real status has, to see whether *to was written. */
			enum ticket_status to = TICKET_STATUS__MAX;
			bool ok = ticket_transition((enum ticket_status)from, (enum ticket_op)op, &to);
			ck_assert_msg(ok == (want >= 0), "%s --%s--> expected %s", ticket_status_name(from),
				      ticket_op_name(op), want >= 0 ? "legal" : "refused");
			if (ok) {
				ck_assert_msg((int)to == want, "%s --%s--> %s, expected %s", ticket_status_name(from),
					      ticket_op_name(op), ticket_status_name(to), ticket_status_name(want));
				seen++;
			} else {
				ck_assert_int_eq(to, TICKET_STATUS__MAX);
			}
		}
	}
	ck_assert_uint_eq(seen, sizeof legal / sizeof legal[0]);
}
END_TEST

START_TEST(test_final_states_refuse_every_operation)
{
	const enum ticket_status finals[] = {TICKET_SERVED, TICKET_NO_SHOW, TICKET_CANCELLED, TICKET_EXPIRED};
	for (size_t i = 0; i < 4; i++) {
		ck_assert(ticket_status_is_final(finals[i]));
		for (int op = 0; op < TICKET_OP__MAX; op++)
			ck_assert_msg(!ticket_transition(finals[i], (enum ticket_op)op, NULL), "%s allowed %s",
				      ticket_status_name(finals[i]), ticket_op_name(op));
	}
	ck_assert(!ticket_status_is_final(TICKET_WAITING));
	ck_assert(!ticket_status_is_final(TICKET_CALLED));
}
END_TEST

START_TEST(test_transition_without_out_param_only_answers_legality)
{
	ck_assert(ticket_transition(TICKET_WAITING, TICKET_OP_CALL, NULL));
	ck_assert(!ticket_transition(TICKET_WAITING, TICKET_OP_SERVE, NULL));
}
END_TEST

START_TEST(test_transition_refuses_values_outside_the_enums)
{
	enum ticket_status to = TICKET_STATUS__MAX;
	ck_assert(!ticket_transition(TICKET_STATUS__MAX, TICKET_OP_CALL, &to));
	ck_assert(!ticket_transition(TICKET_WAITING, TICKET_OP__MAX, &to));
	ck_assert(!ticket_transition((enum ticket_status)-1, TICKET_OP_CALL, &to));
	ck_assert(!ticket_transition(TICKET_CALLED, (enum ticket_op)-1, &to));
	ck_assert_int_eq(to, TICKET_STATUS__MAX);
}
END_TEST

START_TEST(test_each_operation_records_its_spec_event_name)
{
	ck_assert_str_eq(ticket_op_event(TICKET_OP_CALL), "called");
	ck_assert_str_eq(ticket_op_event(TICKET_OP_RECALL), "recalled");
	ck_assert_str_eq(ticket_op_event(TICKET_OP_REQUEUE), "requeued");
	ck_assert_str_eq(ticket_op_event(TICKET_OP_SERVE), "served");
	ck_assert_str_eq(ticket_op_event(TICKET_OP_NO_SHOW), "no_show");
	ck_assert_str_eq(ticket_op_event(TICKET_OP_CANCEL), "cancelled");
	ck_assert_str_eq(ticket_op_event(TICKET_OP_TRANSFER), "transferred");
	ck_assert_str_eq(ticket_op_event(TICKET_OP_EXPIRE), "expired");
	ck_assert_ptr_null(ticket_op_event(TICKET_OP__MAX));
	for (int op = 0; op < TICKET_OP__MAX; op++)
		ck_assert_ptr_nonnull(ticket_op_name((enum ticket_op)op));
	ck_assert_ptr_null(ticket_op_name(TICKET_OP__MAX));
}
END_TEST

/* ---- names ---- */

START_TEST(test_ticket_status_names_round_trip)
{
	const char *names[TICKET_STATUS__MAX] = {"waiting", "called", "served", "no_show", "cancelled", "expired"};
	for (int s = 0; s < TICKET_STATUS__MAX; s++) {
		ck_assert_str_eq(ticket_status_name((enum ticket_status)s), names[s]);
		ck_assert_int_eq(ticket_status_parse(names[s]), s);
	}
	ck_assert_ptr_null(ticket_status_name(TICKET_STATUS__MAX));
	ck_assert_ptr_null(ticket_status_name((enum ticket_status)-1));
}
END_TEST

START_TEST(test_queue_policy_and_state_names_round_trip)
{
	ck_assert_str_eq(queue_policy_name(POLICY_PRIORITY), "priority");
	ck_assert_str_eq(queue_policy_name(POLICY_FIFO), "fifo");
	ck_assert_int_eq(queue_policy_parse("priority"), POLICY_PRIORITY);
	ck_assert_int_eq(queue_policy_parse("fifo"), POLICY_FIFO);
	ck_assert_ptr_null(queue_policy_name((enum queue_policy)2));

	ck_assert_str_eq(queue_state_name(QUEUE_OPEN), "open");
	ck_assert_str_eq(queue_state_name(QUEUE_PAUSED), "paused");
	ck_assert_str_eq(queue_state_name(QUEUE_CLOSED), "closed");
	ck_assert_int_eq(queue_state_parse("open"), QUEUE_OPEN);
	ck_assert_int_eq(queue_state_parse("paused"), QUEUE_PAUSED);
	ck_assert_int_eq(queue_state_parse("closed"), QUEUE_CLOSED);
	ck_assert_ptr_null(queue_state_name((enum queue_state)3));
}
END_TEST

START_TEST(test_parsers_refuse_unknown_null_and_differently_cased_names)
{
	const char *bad[] = {"", "Waiting", "WAITING", "no-show", "waiting ", "fifo\n", "Open", "unknown"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(ticket_status_parse(bad[i]), -1);
		ck_assert_int_eq(queue_policy_parse(bad[i]), -1);
		ck_assert_int_eq(queue_state_parse(bad[i]), -1);
	}
	ck_assert_int_eq(ticket_status_parse(NULL), -1);
	ck_assert_int_eq(queue_policy_parse(NULL), -1);
	ck_assert_int_eq(queue_state_parse(NULL), -1);
	/* Names of one vocabulary are not accepted by another. */
	ck_assert_int_eq(queue_state_parse("waiting"), -1);
	ck_assert_int_eq(ticket_status_parse("open"), -1);
}
END_TEST

/* ---- ordering ---- */

static struct rules_ticket tk(long long created_ms, int level, long long sla_deadline_ms, long long tiebreak)
{
	struct rules_ticket t = {created_ms, level, sla_deadline_ms, tiebreak};
	return t;
}

START_TEST(test_sla_deadline_is_created_plus_max_wait_and_zero_without_sla)
{
	ck_assert_int_eq(rules_sla_deadline(T0, 10), T0 + 10 * MIN_MS);
	ck_assert_int_eq(rules_sla_deadline(T0, 0), 0);
	ck_assert_int_eq(rules_sla_deadline(T0, -5), 0);
	ck_assert_int_eq(rules_sla_deadline(LLONG_MAX - 1, 1), LLONG_MAX);
	ck_assert_int_eq(rules_sla_deadline(T0, LONG_MAX), LLONG_MAX);
}
END_TEST

START_TEST(test_overdue_starts_exactly_at_the_deadline)
{
	struct rules_ticket t = tk(T0, 3, T0 + 60 * MIN_MS, 1);
	ck_assert(!rules_overdue(&t, T0));
	ck_assert(!rules_overdue(&t, T0 + 60 * MIN_MS - 1));
	ck_assert(rules_overdue(&t, T0 + 60 * MIN_MS));
	ck_assert(rules_overdue(&t, T0 + 61 * MIN_MS));
}
END_TEST

START_TEST(test_ticket_without_sla_is_never_overdue)
{
	struct rules_ticket t = tk(T0, 3, 0, 1);
	ck_assert(!rules_overdue(&t, T0));
	ck_assert(!rules_overdue(&t, LLONG_MAX));
}
END_TEST

START_TEST(test_fifo_orders_by_creation_then_tiebreak_ignoring_level_and_sla)
{
	long long now = T0 + 120 * MIN_MS;
	struct rules_ticket old_low = tk(T0, 3, 0, 5);
	struct rules_ticket new_urgent_overdue = tk(T0 + MIN_MS, 1, T0 + 2 * MIN_MS, 1);
	ck_assert_int_lt(rules_compare(POLICY_FIFO, &old_low, &new_urgent_overdue, now), 0);
	ck_assert_int_gt(rules_compare(POLICY_FIFO, &new_urgent_overdue, &old_low, now), 0);

	struct rules_ticket same_ms_a = tk(T0, 2, 0, 7), same_ms_b = tk(T0, 1, 0, 8);
	ck_assert_int_lt(rules_compare(POLICY_FIFO, &same_ms_a, &same_ms_b, now), 0);
	ck_assert_int_gt(rules_compare(POLICY_FIFO, &same_ms_b, &same_ms_a, now), 0);
	ck_assert_int_eq(rules_compare(POLICY_FIFO, &same_ms_a, &same_ms_a, now), 0);
}
END_TEST

START_TEST(test_priority_orders_by_level_then_age_when_nothing_is_overdue)
{
	long long now = T0 + 5 * MIN_MS;
	struct rules_ticket old_media = tk(T0, 2, T0 + 30 * MIN_MS, 1);
	struct rules_ticket new_alta = tk(T0 + 4 * MIN_MS, 1, T0 + 14 * MIN_MS, 2);
	struct rules_ticket newer_alta = tk(T0 + 4 * MIN_MS + 1, 1, T0 + 14 * MIN_MS + 1, 3);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &new_alta, &old_media, now), 0);
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &old_media, &new_alta, now), 0);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &new_alta, &newer_alta, now), 0);
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &newer_alta, &new_alta, now), 0);

	struct rules_ticket twin_a = tk(T0, 2, 0, 10), twin_b = tk(T0, 2, 0, 11);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &twin_a, &twin_b, now), 0);
	ck_assert_int_eq(rules_compare(POLICY_PRIORITY, &twin_b, &twin_b, now), 0);
}
END_TEST

START_TEST(test_overdue_low_priority_beats_fresh_high_priority)
{
	/* Baja (level 3, 60 min) waiting 61 minutes vs. an Alta issued just now. */
	struct rules_ticket baja = tk(T0, 3, T0 + 60 * MIN_MS, 1);
	long long now = T0 + 61 * MIN_MS;
	struct rules_ticket alta = tk(now, 1, now + 10 * MIN_MS, 2);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &baja, &alta, now), 0);
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &alta, &baja, now), 0);
	/* A minute earlier the Baja was within its SLA and level decided. */
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &baja, &alta, now - 2 * MIN_MS), 0);
}
END_TEST

START_TEST(test_overdue_takes_effect_at_exactly_the_deadline)
{
	struct rules_ticket baja = tk(T0, 3, T0 + 60 * MIN_MS, 1);
	struct rules_ticket alta = tk(T0 + 59 * MIN_MS, 1, T0 + 69 * MIN_MS, 2);
	long long deadline = T0 + 60 * MIN_MS;
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &baja, &alta, deadline - 1), 0);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &baja, &alta, deadline), 0);
}
END_TEST

START_TEST(test_two_overdue_tickets_go_oldest_first_whatever_their_level)
{
	long long now = T0 + 120 * MIN_MS;
	struct rules_ticket old_baja = tk(T0, 3, T0 + 60 * MIN_MS, 2);
	struct rules_ticket younger_alta = tk(T0 + 30 * MIN_MS, 1, T0 + 40 * MIN_MS, 1);
	ck_assert(rules_overdue(&old_baja, now) && rules_overdue(&younger_alta, now));
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &old_baja, &younger_alta, now), 0);
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &younger_alta, &old_baja, now), 0);

	/* Created in the same millisecond: level, then tiebreak. */
	struct rules_ticket same_media = tk(T0, 2, T0 + 30 * MIN_MS, 9);
	struct rules_ticket same_baja = tk(T0, 3, T0 + 60 * MIN_MS, 1);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &same_media, &same_baja, now), 0);
	struct rules_ticket same_media2 = tk(T0, 2, T0 + 30 * MIN_MS, 10);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &same_media, &same_media2, now), 0);
}
END_TEST

START_TEST(test_policy_outside_the_enum_orders_as_fifo)
{
	long long now = T0;
	struct rules_ticket older_low = tk(T0 - MIN_MS, 3, 0, 1), newer_high = tk(T0, 1, 0, 2);
	ck_assert_int_lt(rules_compare((enum queue_policy)7, &older_low, &newer_high, now), 0);
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &older_low, &newer_high, now), 0);
}
END_TEST

START_TEST(test_compare_does_not_overflow_on_extreme_values)
{
	struct rules_ticket lo = tk(LLONG_MIN, INT_MIN, 0, LLONG_MIN), hi = tk(LLONG_MAX, INT_MAX, 0, LLONG_MAX);
	ck_assert_int_lt(rules_compare(POLICY_FIFO, &lo, &hi, 0), 0);
	ck_assert_int_gt(rules_compare(POLICY_FIFO, &hi, &lo, 0), 0);
	ck_assert_int_lt(rules_compare(POLICY_PRIORITY, &lo, &hi, 0), 0);
	ck_assert_int_gt(rules_compare(POLICY_PRIORITY, &hi, &lo, 0), 0);
}
END_TEST

/* A fixed linear congruential generator: the same "random" queues on every run. */
static unsigned long long lcg_state;

static unsigned lcg_next(unsigned bound)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((lcg_state >> 33) % bound);
}

static enum queue_policy sort_policy;
static long long sort_now;

static int by_rules(const void *a, const void *b)
{
	return rules_compare(sort_policy, a, b, sort_now);
}

/* A queue of n tickets over two hours with the seeded priorities' SLAs, unique tiebreaks. */
static void random_queue(struct rules_ticket *t, size_t n)
{
	static const long sla_minutes[] = {10, 30, 60, 0};
	for (size_t i = 0; i < n; i++) {
		unsigned kind = lcg_next(4);
		long long created = T0 + (long long)lcg_next(120) * MIN_MS + lcg_next(3);
		t[i] = tk(created, (int)kind + 1, rules_sla_deadline(created, sla_minutes[kind]), (long long)i);
	}
}

START_TEST(test_ahead_equals_position_after_sorting_by_compare)
{
	enum { N = 40 };
	struct rules_ticket sorted[N], others[N - 1];
	const enum queue_policy policies[] = {POLICY_FIFO, POLICY_PRIORITY};
	lcg_state = 20251017;
	for (int round = 0; round < 25; round++) {
		sort_policy = policies[round % 2];
		sort_now = T0 + (long long)lcg_next(200) * MIN_MS;
		random_queue(sorted, N);
		qsort(sorted, N, sizeof sorted[0], by_rules);
		for (size_t i = 0; i + 1 < N; i++)
			ck_assert_int_lt(rules_compare(sort_policy, &sorted[i], &sorted[i + 1], sort_now), 0);
		for (size_t i = 0; i < N; i++) {
			size_t k = 0;
			for (size_t j = 0; j < N; j++)
				if (j != i)
					others[k++] = sorted[j];
			ck_assert_uint_eq(rules_ahead(sort_policy, others, N - 1, &sorted[i], sort_now), i);
		}
		ck_assert_int_eq(rules_first(sort_policy, sorted, N, sort_now), 0);
	}
}
END_TEST

START_TEST(test_ahead_counts_overdue_and_more_urgent_tickets_only)
{
	long long now = T0 + 65 * MIN_MS;
	struct rules_ticket waiting[] = {
		tk(T0, 3, T0 + 60 * MIN_MS, 1),			/* overdue Baja: ahead */
		tk(T0 + 50 * MIN_MS, 1, T0 + 60 * MIN_MS, 2),	/* overdue Alta: ahead */
		tk(T0 + 60 * MIN_MS, 1, T0 + 70 * MIN_MS, 3),	/* Alta in SLA: ahead of a Media */
		tk(T0 + 61 * MIN_MS, 2, T0 + 91 * MIN_MS, 4),	/* older Media: ahead */
		tk(T0 + 62 * MIN_MS, 3, T0 + 122 * MIN_MS, 5), /* Baja in SLA: behind */
	};
	struct rules_ticket media = tk(now, 2, now + 30 * MIN_MS, 6);
	ck_assert_uint_eq(rules_ahead(POLICY_PRIORITY, waiting, 5, &media, now), 4);
	ck_assert_uint_eq(rules_ahead(POLICY_FIFO, waiting, 5, &media, now), 5);
	ck_assert_uint_eq(rules_ahead(POLICY_PRIORITY, NULL, 0, &media, now), 0);
}
END_TEST

START_TEST(test_first_picks_the_next_ticket_to_call)
{
	long long now = T0 + 20 * MIN_MS;
	struct rules_ticket t[] = {
		tk(T0 + 5 * MIN_MS, 2, T0 + 35 * MIN_MS, 1),
		tk(T0 + 15 * MIN_MS, 1, T0 + 25 * MIN_MS, 2),
		tk(T0, 3, T0 + 60 * MIN_MS, 3),
	};
	ck_assert_int_eq(rules_first(POLICY_PRIORITY, t, 3, now), 1);
	ck_assert_int_eq(rules_first(POLICY_FIFO, t, 3, now), 2);
	ck_assert_int_eq(rules_first(POLICY_PRIORITY, t, 0, now), -1);
	ck_assert_int_eq(rules_first(POLICY_PRIORITY, NULL, 3, now), -1);
	/* Equal tickets: the first one given. */
	struct rules_ticket same[] = {tk(T0, 1, 0, 1), tk(T0, 1, 0, 1)};
	ck_assert_int_eq(rules_first(POLICY_PRIORITY, same, 2, now), 0);
}
END_TEST

/* ---- placement ---- */

START_TEST(test_placement_prefers_fewest_ahead)
{
	struct rules_candidate c[] = {{3, 3, 1}, {1, 9, 2}, {2, 0, 0}};
	ck_assert_int_eq(rules_pick_queue(c, 3), 1);
}
END_TEST

START_TEST(test_placement_breaks_ahead_tie_by_fewer_waiting)
{
	struct rules_candidate c[] = {{1, 5, 1}, {1, 2, 3}, {1, 4, 2}, {4, 0, 0}};
	ck_assert_int_eq(rules_pick_queue(c, 4), 1);
}
END_TEST

START_TEST(test_placement_breaks_waiting_tie_by_queue_created_first)
{
	struct rules_candidate c[] = {{0, 2, 30}, {0, 2, 10}, {0, 2, 20}, {0, 3, 1}};
	ck_assert_int_eq(rules_pick_queue(c, 4), 1);
	/* Full tie: the first candidate given. */
	struct rules_candidate same[] = {{0, 0, 5}, {0, 0, 5}};
	ck_assert_int_eq(rules_pick_queue(same, 2), 0);
}
END_TEST

START_TEST(test_placement_without_candidates_returns_minus_one)
{
	struct rules_candidate c[] = {{0, 0, 0}};
	ck_assert_int_eq(rules_pick_queue(c, 0), -1);
	ck_assert_int_eq(rules_pick_queue(NULL, 0), -1);
	ck_assert_int_eq(rules_pick_queue(NULL, 2), -1);
	ck_assert_int_eq(rules_pick_queue(c, 1), 0);
}
END_TEST

/* ---- estimated wait ---- */

START_TEST(test_estimated_wait_uses_the_average_of_served_samples)
{
	ck_assert_int_eq(rules_estimated_wait(3, 120.0, 20, 300), 360);
	ck_assert_int_eq(rules_estimated_wait(1, 95.0, 1, 300), 95);
	/* Rounded to whole seconds, half up. */
	ck_assert_int_eq(rules_estimated_wait(3, 100.5, 7, 300), 302);
	ck_assert_int_eq(rules_estimated_wait(2, 100.2, 7, 300), 200);
	ck_assert_int_eq(rules_estimated_wait(1, 0.4, 2, 300), 0);
	ck_assert_int_eq(rules_estimated_wait(1, 0.5, 2, 300), 1);
}
END_TEST

START_TEST(test_estimated_wait_without_samples_uses_the_default)
{
	ck_assert_int_eq(rules_estimated_wait(4, 0.0, 0, 300), 1200);
	/* The average is ignored when there are no samples behind it. */
	ck_assert_int_eq(rules_estimated_wait(2, 42.0, 0, 300), 600);
	ck_assert_int_eq(rules_estimated_wait(2, -1.0, 5, 60), 120);
	ck_assert_int_eq(rules_estimated_wait(2, NAN, 5, 60), 120);
	ck_assert_int_eq(rules_estimated_wait(2, 0.0, 0, -60), 0);
}
END_TEST

START_TEST(test_estimated_wait_is_zero_at_position_zero)
{
	ck_assert_int_eq(rules_estimated_wait(0, 120.0, 20, 300), 0);
	ck_assert_int_eq(rules_estimated_wait(0, 0.0, 0, 300), 0);
}
END_TEST

START_TEST(test_estimated_wait_saturates_instead_of_overflowing)
{
	ck_assert_int_eq(rules_estimated_wait((size_t)-1, 1e300, 1, 300), LLONG_MAX);
	ck_assert_int_eq(rules_estimated_wait(2, INFINITY, 1, 300), 600);
}
END_TEST

/* ---- codes ---- */

START_TEST(test_code_pads_numbers_to_three_digits)
{
	char out[RULES_CODE_MAX];
	ck_assert_int_eq(rules_format_code("A", 7, out, sizeof out), 0);
	ck_assert_str_eq(out, "A-007");
	ck_assert_int_eq(rules_format_code("A", 1, out, sizeof out), 0);
	ck_assert_str_eq(out, "A-001");
	ck_assert_int_eq(rules_format_code("AB", 42, out, sizeof out), 0);
	ck_assert_str_eq(out, "AB-042");
	ck_assert_int_eq(rules_format_code("ABC", 999, out, sizeof out), 0);
	ck_assert_str_eq(out, "ABC-999");
}
END_TEST

START_TEST(test_code_keeps_numbers_beyond_three_digits_whole)
{
	char out[RULES_CODE_MAX];
	ck_assert_int_eq(rules_format_code("ABC", 1234, out, sizeof out), 0);
	ck_assert_str_eq(out, "ABC-1234");
	ck_assert_int_eq(rules_format_code("Z", 1000, out, sizeof out), 0);
	ck_assert_str_eq(out, "Z-1000");
	/* RULES_CODE_MAX is enough for the largest number. */
	ck_assert_int_eq(rules_format_code("XYZ", LONG_MAX, out, sizeof out), 0);
	ck_assert_uint_eq(strlen(out), 4 + strlen("9223372036854775807"));
}
END_TEST

START_TEST(test_code_refuses_bad_prefixes_and_numbers)
{
	char out[RULES_CODE_MAX];
	const char *bad[] = {"", "a", "Ab", "ABCD", "A1", "A-", " A", "\xc3\x91", "@", "["};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(out, "junk");
		ck_assert_int_eq(rules_format_code(bad[i], 7, out, sizeof out), -1);
		ck_assert_str_eq(out, "");
	}
	ck_assert_int_eq(rules_format_code(NULL, 7, out, sizeof out), -1);
	ck_assert_int_eq(rules_format_code("A", 0, out, sizeof out), -1);
	ck_assert_int_eq(rules_format_code("A", -7, out, sizeof out), -1);
	ck_assert_int_eq(rules_format_code("A", 7, NULL, 16), -1);
}
END_TEST

START_TEST(test_code_refuses_a_too_small_buffer)
{
	char out[8];
	strcpy(out, "junk");
	ck_assert_int_eq(rules_format_code("A", 7, out, 5), -1); /* "A-007" needs 6 bytes */
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(rules_format_code("A", 7, out, 0), -1);
	ck_assert_int_eq(rules_format_code("A", 7, out, 6), 0);
	ck_assert_str_eq(out, "A-007");
}
END_TEST

START_TEST(test_prefix_is_one_to_three_upper_case_ascii_letters)
{
	ck_assert(rules_prefix_valid("A"));
	ck_assert(rules_prefix_valid("AZ"));
	ck_assert(rules_prefix_valid("ZZZ"));
	ck_assert(!rules_prefix_valid(NULL));
	ck_assert(!rules_prefix_valid(""));
	ck_assert(!rules_prefix_valid("ABCD"));
	ck_assert(!rules_prefix_valid("aB"));
	ck_assert(!rules_prefix_valid("A B"));
	ck_assert(!rules_prefix_valid("\xc3\x89"));
}
END_TEST

static Suite *queue_rules_suite(void)
{
	Suite *s = suite_create("queue_rules");
	TCase *tc = tcase_create("state_machine");
	tcase_add_test(tc, test_state_machine_allows_exactly_the_spec_transitions);
	tcase_add_test(tc, test_final_states_refuse_every_operation);
	tcase_add_test(tc, test_transition_without_out_param_only_answers_legality);
	tcase_add_test(tc, test_transition_refuses_values_outside_the_enums);
	tcase_add_test(tc, test_each_operation_records_its_spec_event_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_ticket_status_names_round_trip);
	tcase_add_test(tc, test_queue_policy_and_state_names_round_trip);
	tcase_add_test(tc, test_parsers_refuse_unknown_null_and_differently_cased_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("ordering");
	tcase_add_test(tc, test_sla_deadline_is_created_plus_max_wait_and_zero_without_sla);
	tcase_add_test(tc, test_overdue_starts_exactly_at_the_deadline);
	tcase_add_test(tc, test_ticket_without_sla_is_never_overdue);
	tcase_add_test(tc, test_fifo_orders_by_creation_then_tiebreak_ignoring_level_and_sla);
	tcase_add_test(tc, test_priority_orders_by_level_then_age_when_nothing_is_overdue);
	tcase_add_test(tc, test_overdue_low_priority_beats_fresh_high_priority);
	tcase_add_test(tc, test_overdue_takes_effect_at_exactly_the_deadline);
	tcase_add_test(tc, test_two_overdue_tickets_go_oldest_first_whatever_their_level);
	tcase_add_test(tc, test_policy_outside_the_enum_orders_as_fifo);
	tcase_add_test(tc, test_compare_does_not_overflow_on_extreme_values);
	tcase_add_test(tc, test_ahead_equals_position_after_sorting_by_compare);
	tcase_add_test(tc, test_ahead_counts_overdue_and_more_urgent_tickets_only);
	tcase_add_test(tc, test_first_picks_the_next_ticket_to_call);
	suite_add_tcase(s, tc);

	tc = tcase_create("placement");
	tcase_add_test(tc, test_placement_prefers_fewest_ahead);
	tcase_add_test(tc, test_placement_breaks_ahead_tie_by_fewer_waiting);
	tcase_add_test(tc, test_placement_breaks_waiting_tie_by_queue_created_first);
	tcase_add_test(tc, test_placement_without_candidates_returns_minus_one);
	suite_add_tcase(s, tc);

	tc = tcase_create("estimated_wait");
	tcase_add_test(tc, test_estimated_wait_uses_the_average_of_served_samples);
	tcase_add_test(tc, test_estimated_wait_without_samples_uses_the_default);
	tcase_add_test(tc, test_estimated_wait_is_zero_at_position_zero);
	tcase_add_test(tc, test_estimated_wait_saturates_instead_of_overflowing);
	suite_add_tcase(s, tc);

	tc = tcase_create("codes");
	tcase_add_test(tc, test_code_pads_numbers_to_three_digits);
	tcase_add_test(tc, test_code_keeps_numbers_beyond_three_digits_whole);
	tcase_add_test(tc, test_code_refuses_bad_prefixes_and_numbers);
	tcase_add_test(tc, test_code_refuses_a_too_small_buffer);
	tcase_add_test(tc, test_prefix_is_one_to_three_upper_case_ascii_letters);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(queue_rules_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
