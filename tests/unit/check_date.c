/* date_parse_ymd: exactly YYYY-MM-DD, and only days the calendar has. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/date.h"

START_TEST(test_date_real_days_are_accepted_with_their_day_number)
{
	long d = 12345;
	ck_assert(date_parse_ymd("1970-01-01", &d));
	ck_assert_int_eq(d, 0);
	ck_assert(date_parse_ymd("1969-12-31", &d));
	ck_assert_int_eq(d, -1);
	ck_assert(date_parse_ymd("2020-03-02", &d));
	ck_assert_int_eq(d, 18323);
	ck_assert(date_parse_ymd("2024-02-29", &d)); /* leap year */
	ck_assert_int_eq(d, 19782);
	ck_assert(date_parse_ymd("2000-02-29", &d)); /* divisible by 400: leap */
	ck_assert_int_eq(d, 11016);
	ck_assert(date_parse_ymd("2025-12-31", &d));
	ck_assert_int_eq(d, 20453);
	ck_assert(date_parse_ymd("1000-01-01", NULL));
	ck_assert(date_parse_ymd("9999-12-31", NULL));
}
END_TEST

START_TEST(test_date_days_that_do_not_exist_are_refused)
{
	static const char *const bad[] = {
		"2025-02-31", "2023-02-29", "1900-02-29", "2100-02-29", "2025-02-30", "2025-04-31", "2025-06-31",
		"2025-09-31", "2025-11-31", "2025-01-32", "2025-13-01", "2025-00-10", "2025-01-00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		long d = 777;
		ck_assert_msg(!date_parse_ymd(bad[i], &d), "%s accepted", bad[i]);
		ck_assert_int_eq(d, 777);
	}
}
END_TEST

START_TEST(test_date_other_shapes_are_refused)
{
	static const char *const bad[] = {
		"",           "2025",        "2025-1-01",   "2025-01-1",   "20250101",    "2025/01/01",
		" 2025-01-01", "2025-01-01 ", "2025-01-01T00:00", "+025-01-01", "-025-01-01", "2025-+1-01",
		"2025-01--1", "0999-12-31",  "abcd-ef-gh",  "2025-01-0x",  "2025-01-01\n", "１２３４-01-01",
		"2025-01",    "2025-01-",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!date_parse_ymd(bad[i], NULL), "\"%s\" accepted", bad[i]);
	ck_assert(!date_parse_ymd(NULL, NULL));
}
END_TEST

START_TEST(test_date_day_numbers_follow_each_other)
{
	/* Every day of 1999-2001 parses, and consecutive days differ by one. */
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	long prev = 0;
	ck_assert(date_parse_ymd("1998-12-31", &prev));
	for (int y = 1999; y <= 2001; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= mdays[m - 1] + (m == 2 && y == 2000); d++) {
				char s[40];
				long n;
				snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
				ck_assert_msg(date_parse_ymd(s, &n), "%s refused", s);
				ck_assert_int_eq(n, prev + 1);
				prev = n;
			}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("date_parse_ymd");
	tcase_add_test(tc, test_date_real_days_are_accepted_with_their_day_number);
	tcase_add_test(tc, test_date_days_that_do_not_exist_are_refused);
	tcase_add_test(tc, test_date_other_shapes_are_refused);
	tcase_add_test(tc, test_date_day_numbers_follow_each_other);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
