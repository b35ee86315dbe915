/* Queue rules: the state machine, placement, wait estimates and codes (names: check_states.c, the order: tests/db). */
#include <check.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "service/queue_rules.h"


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
