/* The name tables of common/: ticket status, queue state and policy, both ways. */
#include <check.h>
#include <stdlib.h>

#include "common/queue_state.h"
#include "common/ticket_status.h"

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
	ck_assert_ptr_null(queue_policy_name(QUEUE_POLICY__MAX));
	ck_assert_ptr_null(queue_policy_name((enum queue_policy)-1));

	ck_assert_str_eq(queue_state_name(QUEUE_OPEN), "open");
	ck_assert_str_eq(queue_state_name(QUEUE_PAUSED), "paused");
	ck_assert_str_eq(queue_state_name(QUEUE_CLOSED), "closed");
	ck_assert_int_eq(queue_state_parse("open"), QUEUE_OPEN);
	ck_assert_int_eq(queue_state_parse("paused"), QUEUE_PAUSED);
	ck_assert_int_eq(queue_state_parse("closed"), QUEUE_CLOSED);
	ck_assert_ptr_null(queue_state_name(QUEUE_STATE__MAX));
	ck_assert_ptr_null(queue_state_name((enum queue_state)-1));
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

START_TEST(test_every_enum_value_has_a_name_that_parses_back)
{
	for (int s = 0; s < TICKET_STATUS__MAX; s++)
		ck_assert_int_eq(ticket_status_parse(ticket_status_name((enum ticket_status)s)), s);
	for (int s = 0; s < QUEUE_STATE__MAX; s++)
		ck_assert_int_eq(queue_state_parse(queue_state_name((enum queue_state)s)), s);
	for (int p = 0; p < QUEUE_POLICY__MAX; p++)
		ck_assert_int_eq(queue_policy_parse(queue_policy_name((enum queue_policy)p)), p);
}
END_TEST

static Suite *states_suite(void)
{
	Suite *s = suite_create("states");
	TCase *tc = tcase_create("names");
	tcase_add_test(tc, test_ticket_status_names_round_trip);
	tcase_add_test(tc, test_queue_policy_and_state_names_round_trip);
	tcase_add_test(tc, test_parsers_refuse_unknown_null_and_differently_cased_names);
	tcase_add_test(tc, test_every_enum_value_has_a_name_that_parses_back);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(states_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
