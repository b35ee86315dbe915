/* The slot grid of SPEC 9: hours, slot length, remainders, closed dates, DST, validation. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/slots.h"

static void use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Unix time of a UTC wall-clock time. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return timegm(&tm);
}

static void add_hours(struct schedule *s, int weekday, const char *from, const char *to)
{
	struct sched_hours *h = &s->hours[s->nhours++];
	h->weekday = weekday;
	ck_assert(sched_parse_hhmm(from, false, &h->from_min));
	ck_assert(sched_parse_hhmm(to, true, &h->to_min));
}

START_TEST(test_slots_follow_from_every_slot_minutes_and_a_short_remainder_is_no_slot)
{
	use_tz("UTC");
	struct schedule s;
	sched_defaults(&s);
	s.slot_minutes = 20;
	add_hours(&s, 1, "09:00", "10:10"); /* 09:00 09:20 09:40; 09:60-10:10 is only 10 min */
	time_t t[16];
	/* 2025-03-03 is a Monday. */
	ck_assert_int_eq(sched_weekday(2025, 3, 3), 1);
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 3, t, 16), 3);
	ck_assert_int_eq(t[0], utc(2025, 3, 3, 9, 0));
	ck_assert_int_eq(t[1], utc(2025, 3, 3, 9, 20));
	ck_assert_int_eq(t[2], utc(2025, 3, 3, 9, 40));
	/* Other weekdays have none. */
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 4, t, 16), 0);
	/* A remainder exactly one slot long is a slot. */
	s.hours[0].to_min = 10 * 60;
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 3, t, 16), 3);
	s.hours[0].to_min = 10 * 60 + 20;
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 3, t, 16), 4);
}
END_TEST

START_TEST(test_several_ranges_of_a_day_come_out_in_time_order)
{
	use_tz("UTC");
	struct schedule s;
	sched_defaults(&s);
	s.slot_minutes = 30;
	add_hours(&s, 5, "14:00", "15:00");
	add_hours(&s, 5, "08:00", "09:00");
	time_t t[8];
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 7, t, 8), 4);
	ck_assert_int_eq(t[0], utc(2025, 3, 7, 8, 0));
	ck_assert_int_eq(t[1], utc(2025, 3, 7, 8, 30));
	ck_assert_int_eq(t[2], utc(2025, 3, 7, 14, 0));
	ck_assert_int_eq(t[3], utc(2025, 3, 7, 14, 30));
	/* Counting only (max 0) gives the same number. */
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 7, NULL, 0), 4);
}
END_TEST

START_TEST(test_closed_dates_have_no_slots)
{
	use_tz("UTC");
	struct schedule s;
	sched_defaults(&s);
	add_hours(&s, 1, "09:00", "10:00");
	snprintf(s.closed[s.nclosed++], 11, "2025-03-10");
	time_t t[8];
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 10, t, 8), 0);
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 17, t, 8), 4);
	ck_assert(!sched_is_slot_start(&s, utc(2025, 3, 10, 9, 0), NULL));
	ck_assert(sched_is_slot_start(&s, utc(2025, 3, 17, 9, 0), NULL));
}
END_TEST

START_TEST(test_slot_start_is_exact_and_carries_its_end)
{
	use_tz("UTC");
	struct schedule s;
	sched_defaults(&s);
	s.slot_minutes = 15;
	add_hours(&s, 1, "09:00", "10:00");
	time_t end = 0;
	ck_assert(sched_is_slot_start(&s, utc(2025, 3, 3, 9, 45), &end));
	ck_assert_int_eq(end, utc(2025, 3, 3, 10, 0));
	ck_assert(!sched_is_slot_start(&s, utc(2025, 3, 3, 9, 45) + 1, NULL));
	ck_assert(!sched_is_slot_start(&s, utc(2025, 3, 3, 9, 50), NULL));
	ck_assert(!sched_is_slot_start(&s, utc(2025, 3, 3, 10, 0), NULL));
	ck_assert(!sched_is_slot_start(&s, utc(2025, 3, 3, 8, 45), NULL));
}
END_TEST

START_TEST(test_wall_clock_slots_follow_the_time_zone_across_dst)
{
	use_tz("America/New_York");
	struct schedule s;
	sched_defaults(&s);
	s.slot_minutes = 60;
	add_hours(&s, 7, "00:00", "05:00"); /* Sundays */
	time_t t[16];
	/* An ordinary Sunday in winter (UTC-5): five slots from 05:00Z. */
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 2, t, 16), 5);
	ck_assert_int_eq(t[0], utc(2025, 3, 2, 5, 0));
	ck_assert_int_eq(t[4], utc(2025, 3, 2, 9, 0));
	/* 2025-03-09: 02:00 local does not exist (clocks jump to 03:00): that slot is skipped. */
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 3, 9, t, 16), 4);
	ck_assert_int_eq(t[0], utc(2025, 3, 9, 5, 0));  /* 00:00 EST */
	ck_assert_int_eq(t[1], utc(2025, 3, 9, 6, 0));  /* 01:00 EST */
	ck_assert_int_eq(t[2], utc(2025, 3, 9, 7, 0));  /* 03:00 EDT */
	ck_assert_int_eq(t[3], utc(2025, 3, 9, 8, 0));  /* 04:00 EDT */
	/* Summer (UTC-4). */
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 6, 1, t, 16), 5);
	ck_assert_int_eq(t[0], utc(2025, 6, 1, 4, 0));
	/* 2025-11-02: 01:00 local happens twice; the slot is its first occurrence (EDT). */
	ck_assert_uint_eq(sched_day_slots(&s, 2025, 11, 2, t, 16), 5);
	ck_assert_int_eq(t[0], utc(2025, 11, 2, 4, 0)); /* 00:00 EDT */
	ck_assert_int_eq(t[1], utc(2025, 11, 2, 5, 0)); /* 01:00 EDT */
	ck_assert_int_eq(t[2], utc(2025, 11, 2, 7, 0)); /* 02:00 EST */
	char day[11];
	sched_local_date(utc(2025, 11, 2, 4, 30), day);
	ck_assert_str_eq(day, "2025-11-02");
	sched_local_date(utc(2025, 11, 2, 3, 30), day);
	ck_assert_str_eq(day, "2025-11-01");
	use_tz("UTC");
}
END_TEST

START_TEST(test_dates_are_strict)
{
	int y, m, d;
	ck_assert(sched_parse_date("2024-02-29", &y, &m, &d));
	ck_assert_int_eq(y * 10000 + m * 100 + d, 20240229);
	ck_assert(!sched_parse_date("2025-02-29", &y, &m, &d));
	ck_assert(!sched_parse_date("2025-02-31", &y, &m, &d));
	ck_assert(!sched_parse_date("1900-02-29", &y, &m, &d));
	ck_assert(sched_parse_date("2000-02-29", &y, &m, &d));
	ck_assert(!sched_parse_date("2025-04-31", &y, &m, &d));
	ck_assert(!sched_parse_date("2025-13-01", &y, &m, &d));
	ck_assert(!sched_parse_date("2025-1-01", &y, &m, &d));
	ck_assert(!sched_parse_date("2025-01-01x", &y, &m, &d));
	ck_assert(!sched_parse_date(" 2025-01-01", &y, &m, &d));
	ck_assert(!sched_parse_date(NULL, &y, &m, &d));
	ck_assert_int_eq(sched_days_between(2025, 2, 27, 2025, 3, 1), 2);
	ck_assert_int_eq(sched_days_between(2024, 2, 27, 2024, 3, 1), 3);
	sched_add_days(&y, &m, &d, 366); /* from 2000-02-29 */
	ck_assert_int_eq(y * 10000 + m * 100 + d, 20010301);
	ck_assert_int_eq(sched_weekday(2025, 10, 19), 7);
	ck_assert_int_eq(sched_weekday(2000, 1, 1), 6);
}
END_TEST

START_TEST(test_times_are_strict)
{
	int min;
	ck_assert(sched_parse_hhmm("00:00", false, &min) && min == 0);
	ck_assert(sched_parse_hhmm("23:59", false, &min) && min == 1439);
	ck_assert(!sched_parse_hhmm("24:00", false, &min));
	ck_assert(sched_parse_hhmm("24:00", true, &min) && min == 1440);
	ck_assert(!sched_parse_hhmm("24:01", true, &min));
	ck_assert(!sched_parse_hhmm("12:60", false, &min));
	ck_assert(!sched_parse_hhmm("9:00", false, &min));
	ck_assert(!sched_parse_hhmm("09:00:00", false, &min));
	ck_assert(!sched_parse_hhmm("ab:cd", false, &min));
}
END_TEST

struct seen {
	char fields[16][32];
	int n;
};

static void collect(void *cls, const char *field, const char *message)
{
	struct seen *s = cls;
	(void)message;
	if (s->n < 16)
		snprintf(s->fields[s->n++], 32, "%s", field);
}

START_TEST(test_check_names_every_bad_field)
{
	struct schedule s;
	sched_defaults(&s);
	struct seen seen = {.n = 0};
	ck_assert(sched_check(&s, collect, &seen));
	ck_assert_int_eq(seen.n, 0);
	s.slot_minutes = 4;
	s.capacity = 101;
	s.weeks_ahead = 0;
	s.late_grace_minutes = 121;
	s.hours[0] = (struct sched_hours){8, 60, 120};
	s.hours[1] = (struct sched_hours){1, 600, 600};
	s.hours[2] = (struct sched_hours){2, 600, 700};
	s.hours[3] = (struct sched_hours){2, 650, 800};
	s.nhours = 4;
	snprintf(s.closed[0], 11, "2025-02-31");
	s.nclosed = 1;
	ck_assert(!sched_check(&s, collect, &seen));
	const char *want[] = {"slot_minutes", "capacity", "weeks_ahead", "late_grace_minutes",
			      "hours[0]", "hours[1]", "hours[3]", "closed_dates[0]"};
	ck_assert_int_eq(seen.n, 8);
	for (int i = 0; i < 8; i++)
		ck_assert_str_eq(seen.fields[i], want[i]);
}
END_TEST

START_TEST(test_storage_form_round_trips)
{
	struct schedule s, back;
	sched_defaults(&s);
	add_hours(&s, 1, "09:00", "12:30");
	add_hours(&s, 7, "00:00", "24:00");
	snprintf(s.closed[s.nclosed++], 11, "2025-12-25");
	snprintf(s.closed[s.nclosed++], 11, "2026-01-01");
	char hours[SCHED_HOURS_TEXT_MAX], closed[SCHED_CLOSED_TEXT_MAX];
	ck_assert_int_eq(sched_encode_hours(&s, hours, sizeof hours), 0);
	ck_assert_int_eq(sched_encode_closed(&s, closed, sizeof closed), 0);
	ck_assert_str_eq(hours, "1 09:00 12:30,7 00:00 24:00");
	ck_assert_str_eq(closed, "2025-12-25,2026-01-01");
	sched_defaults(&back);
	ck_assert_int_eq(sched_decode(&back, hours, closed), 0);
	ck_assert_uint_eq(back.nhours, 2);
	ck_assert_int_eq(back.hours[1].to_min, 1440);
	ck_assert_uint_eq(back.nclosed, 2);
	ck_assert_str_eq(back.closed[1], "2026-01-01");
	ck_assert_int_eq(sched_decode(&back, "", ""), 0);
	ck_assert_uint_eq(back.nhours, 0);
	ck_assert_int_eq(sched_decode(&back, "1 09:00", ""), -1);
	ck_assert_int_eq(sched_decode(&back, "", "2025-02-30"), -1);
	char tiny[8];
	ck_assert_int_eq(sched_encode_hours(&s, tiny, sizeof tiny), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("slots");
	TCase *tc = tcase_create("grid");
	tcase_add_test(tc, test_slots_follow_from_every_slot_minutes_and_a_short_remainder_is_no_slot);
	tcase_add_test(tc, test_several_ranges_of_a_day_come_out_in_time_order);
	tcase_add_test(tc, test_closed_dates_have_no_slots);
	tcase_add_test(tc, test_slot_start_is_exact_and_carries_its_end);
	tcase_add_test(tc, test_wall_clock_slots_follow_the_time_zone_across_dst);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_add_test(tc, test_dates_are_strict);
	tcase_add_test(tc, test_times_are_strict);
	tcase_add_test(tc, test_check_names_every_bad_field);
	tcase_add_test(tc, test_storage_form_round_trips);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
