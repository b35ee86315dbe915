/* Reports' pure rules: the percentile definition, sort keys and ordering, dates and ranges. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "service/report.h"

/* ---- percentile (PERCENTILE_CONT) ---- */

static double p(const double *v, size_t n, double q)
{
	double out = -1;
	ck_assert(report_percentile(v, n, q, &out));
	return out;
}

START_TEST(test_percentile_interpolates_between_closest_ranks)
{
	const double v[] = {60, 120, 300, 1200, 2400};
	/* h = 0.9 * 4 = 3.6: 1200 + 0.6 * (2400 - 1200) */
	ck_assert_double_eq_tol(p(v, 5, 0.9), 1920, 1e-9);
	ck_assert_double_eq_tol(p(v, 5, 0.5), 300, 1e-9);
	ck_assert_double_eq_tol(p(v, 5, 0.25), 120, 1e-9);
	const double w[] = {30, 120, 1200};
	/* h = 1.8: 120 + 0.8 * 1080 */
	ck_assert_double_eq_tol(p(w, 3, 0.9), 984, 1e-9);
	const double two[] = {10, 20};
	ck_assert_double_eq_tol(p(two, 2, 0.9), 19, 1e-9);
}
END_TEST

START_TEST(test_percentile_ends_and_single_values)
{
	const double v[] = {1, 2, 3, 4};
	ck_assert_double_eq(p(v, 4, 0), 1);
	ck_assert_double_eq(p(v, 4, 1), 4);
	/* Out-of-range p is clamped. */
	ck_assert_double_eq(p(v, 4, -3), 1);
	ck_assert_double_eq(p(v, 4, 7), 4);
	const double one[] = {42.5};
	ck_assert_double_eq(p(one, 1, 0.9), 42.5);
	const double same[] = {5, 5, 5};
	ck_assert_double_eq(p(same, 3, 0.9), 5);
}
END_TEST

START_TEST(test_percentile_of_nothing_is_no_value)
{
	double out = 123;
	ck_assert(!report_percentile(NULL, 0, 0.9, &out));
	ck_assert_double_eq(out, 123);
}
END_TEST

START_TEST(test_percentile_of_ten_values_matches_the_textbook_example)
{
	double v[10];
	for (int i = 0; i < 10; i++)
		v[i] = (i + 1) * 10; /* 10 .. 100 */
	/* h = 8.1: 90 + 0.1 * 10 */
	ck_assert_double_eq_tol(p(v, 10, 0.9), 91, 1e-9);
}
END_TEST

/* ---- sort keys ---- */

START_TEST(test_sort_keys_are_the_numeric_columns_and_the_label)
{
	struct report_sort s;
	const char *numeric[] = {"issued", "served", "no_show", "cancelled", "expired", "avg_wait_seconds",
				 "p90_wait_seconds", "avg_service_seconds", "sla_met_pct"};
	for (int g = 0; g < REPORT_GROUP__MAX; g++) {
		for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++) {
			char desc[64] = "-";
			strcat(desc, numeric[i]);
			ck_assert_msg(report_sort_parse((enum report_group)g, numeric[i], &s), "%s", numeric[i]);
			ck_assert_str_eq(report_col_name((enum report_group)g, s.col), numeric[i]);
			ck_assert(!s.desc);
			ck_assert(report_sort_parse((enum report_group)g, desc, &s));
			ck_assert_str_eq(report_col_name((enum report_group)g, s.col), numeric[i]);
			ck_assert(s.desc);
		}
	}
	ck_assert(report_sort_parse(REPORT_BY_QUEUE, "-name", &s));
	ck_assert(s.col == REPORT_COL_NAME && s.desc);
	ck_assert(report_sort_parse(REPORT_BY_ATTENDANT, "user_name", &s));
	ck_assert(s.col == REPORT_COL_NAME && !s.desc);
	ck_assert(!report_sort_parse(REPORT_BY_ATTENDANT, "name", &s));
	ck_assert(!report_sort_parse(REPORT_BY_QUEUE, "user_name", &s));
	/* Desks are labelled by their name, like queues. */
	ck_assert(report_sort_parse(REPORT_BY_DESK, "name", &s));
	ck_assert(s.col == REPORT_COL_NAME && !s.desc);
	ck_assert(!report_sort_parse(REPORT_BY_DESK, "user_name", &s));
}
END_TEST

START_TEST(test_unknown_sort_keys_are_refused_and_null_is_the_default)
{
	struct report_sort s = {REPORT_COL_SLA_MET, true};
	const char *bad[] = {"", "-", "--issued", "Issued", "issued ", "queue_id", "wait", "+issued"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(!report_sort_parse(REPORT_BY_QUEUE, bad[i], &s), "'%s' accepted", bad[i]);
		ck_assert(s.col == REPORT_COL_SLA_MET && s.desc); /* untouched */
	}
	ck_assert(report_sort_parse(REPORT_BY_PRIORITY, NULL, &s));
	ck_assert(s.col == REPORT_COL_NAME && !s.desc);
}
END_TEST

/* ---- ordering rows ---- */

static struct report_row row(const char *name, size_t ord, long long issued, bool has_wait, double wait)
{
	struct report_row r;
	memset(&r, 0, sizeof r);
	strcpy(r.name, name);
	r.ord = ord;
	r.issued = issued;
	r.has_avg_wait = has_wait;
	r.avg_wait = wait;
	return r;
}

static void order_is(const struct report_row *rows, size_t n, const char *want)
{
	char got[128] = "";
	for (size_t i = 0; i < n; i++) {
		strcat(got, rows[i].name);
		if (i + 1 < n)
			strcat(got, " ");
	}
	ck_assert_str_eq(got, want);
}

START_TEST(test_rows_sort_by_a_number_with_ties_in_name_order)
{
	struct report_row rows[] = {row("a", 0, 5, true, 10), row("b", 1, 9, true, 30), row("c", 2, 5, true, 20),
				    row("d", 3, 1, true, 30)};
	struct report_sort s = {REPORT_COL_ISSUED, false};
	report_sort_rows(rows, 4, &s);
	order_is(rows, 4, "d a c b");
	s.desc = true;
	report_sort_rows(rows, 4, &s);
	order_is(rows, 4, "b a c d");
	s.col = REPORT_COL_AVG_WAIT;
	report_sort_rows(rows, 4, &s);
	order_is(rows, 4, "b d c a");
}
END_TEST

START_TEST(test_null_figures_sort_last_in_both_directions)
{
	struct report_row rows[] = {row("a", 0, 1, false, 0), row("b", 1, 1, true, 5), row("c", 2, 1, false, 0),
				    row("d", 3, 1, true, 2)};
	struct report_sort s = {REPORT_COL_AVG_WAIT, false};
	report_sort_rows(rows, 4, &s);
	order_is(rows, 4, "d b a c");
	s.desc = true;
	report_sort_rows(rows, 4, &s);
	order_is(rows, 4, "b d a c");
}
END_TEST

START_TEST(test_name_sort_follows_the_database_order_or_its_reverse)
{
	/* ord is the collation order the query returned, which need not be strcmp order. */
	struct report_row rows[] = {row("b", 1, 0, false, 0), row("A", 0, 0, false, 0), row("c", 2, 0, false, 0)};
	struct report_sort s = {REPORT_COL_NAME, false};
	report_sort_rows(rows, 3, &s);
	order_is(rows, 3, "A b c");
	s.desc = true;
	report_sort_rows(rows, 3, &s);
	order_is(rows, 3, "c b A");
	report_sort_rows(rows, 0, &s);
}
END_TEST

/* ---- dates and ranges ---- */

START_TEST(test_dates_parse_to_days_since_the_epoch)
{
	long d = -1;
	ck_assert(report_date_parse("1970-01-01", &d));
	ck_assert_int_eq(d, 0);
	ck_assert(report_date_parse("2020-03-02", &d));
	ck_assert_int_eq(d, 18323);
	ck_assert(report_date_parse("2000-02-29", &d));
	ck_assert_int_eq(d, 11016);
	ck_assert(report_date_parse("1969-12-31", &d));
	ck_assert_int_eq(d, -1);
}
END_TEST

START_TEST(test_impossible_or_misshapen_dates_are_refused)
{
	long d;
	const char *bad[] = {"2021-02-29", "1900-02-29", "2020-04-31", "2020-13-01", "2020-00-10", "2020-01-00",
			     "2020-1-01", "20200101", "2020-01-01T00:00", " 2020-01-01", "2020/01/01", "abcd-ef-gh",
			     "0999-01-01", "", "2020-01-0x", "+020-01-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!report_date_parse(bad[i], &d), "%s accepted", bad[i]);
	ck_assert(!report_date_parse(NULL, &d));
}
END_TEST

static bool names(const struct field_errors *fe, const char *field)
{
	for (size_t i = 0; i < fe->n; i++)
		if (strcmp(fe->e[i].field, field) == 0)
			return true;
	return false;
}

START_TEST(test_ranges_run_forward_and_cover_at_most_366_days)
{
	struct field_errors fe;
	field_errors_init(&fe);
	ck_assert(report_range_check("2020-03-02", "2020-03-02", &fe));
	ck_assert(report_range_check("2020-01-01", "2020-12-31", &fe)); /* 366 days, a leap year */
	ck_assert(report_range_check("2021-01-01", "2022-01-01", &fe)); /* 366 days */
	ck_assert_uint_eq(fe.n, 0);

	ck_assert(!report_range_check("2021-01-01", "2022-01-02", &fe)); /* 367 */
	ck_assert_uint_eq(fe.n, 1);
	ck_assert(names(&fe, "to"));
	field_errors_init(&fe);
	ck_assert(!report_range_check("2020-03-03", "2020-03-02", &fe));
	ck_assert_uint_eq(fe.n, 1);
	ck_assert_str_eq(fe.e[0].message, "must not be before from");
	field_errors_init(&fe);
	ck_assert(!report_range_check("2020-02-30", "nope", &fe));
	ck_assert_uint_eq(fe.n, 2);
	ck_assert(names(&fe, "from") && names(&fe, "to"));
}
END_TEST

START_TEST(test_export_columns_start_with_the_ticket_and_name_the_customer)
{
	size_t n = 0;
	while (report_export_columns[n])
		n++;
	ck_assert_uint_eq(n, 15);
	ck_assert_str_eq(report_export_columns[0], "id");
	ck_assert_str_eq(report_export_columns[7], "dni");
	ck_assert_str_eq(report_export_columns[8], "first_name");
	ck_assert_str_eq(report_export_columns[9], "last_name");
	ck_assert_str_eq(report_export_columns[14], "called_by_user_name");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_percentile_interpolates_between_closest_ranks);
	tcase_add_test(tc, test_percentile_ends_and_single_values);
	tcase_add_test(tc, test_percentile_of_nothing_is_no_value);
	tcase_add_test(tc, test_percentile_of_ten_values_matches_the_textbook_example);
	tcase_add_test(tc, test_sort_keys_are_the_numeric_columns_and_the_label);
	tcase_add_test(tc, test_unknown_sort_keys_are_refused_and_null_is_the_default);
	tcase_add_test(tc, test_rows_sort_by_a_number_with_ties_in_name_order);
	tcase_add_test(tc, test_null_figures_sort_last_in_both_directions);
	tcase_add_test(tc, test_name_sort_follows_the_database_order_or_its_reverse);
	tcase_add_test(tc, test_dates_parse_to_days_since_the_epoch);
	tcase_add_test(tc, test_impossible_or_misshapen_dates_are_refused);
	tcase_add_test(tc, test_ranges_run_forward_and_cover_at_most_366_days);
	tcase_add_test(tc, test_export_columns_start_with_the_ticket_and_name_the_customer);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
