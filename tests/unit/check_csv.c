/* CSV: the streaming reader (RFC 4180 and the usual deviations), the writer and formula escaping. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"

/*
 * Every record the reader delivers, one per line of text: "LINE:field|field" or
 * "LINE:!error". Control characters in fields show as \r and \n, NUL as \0.
 */
struct seen {
	struct strbuf text;
	int stop_after; /* stop (return 7) after this many records; 0: never */
	int count;
};

static int collect(void *cls, const struct csv_record *rec)
{
	struct seen *s = cls;
	strbuf_printf(&s->text, "%ld:", rec->line);
	if (rec->error) {
		ck_assert_uint_eq(rec->nfields, 0);
		strbuf_printf(&s->text, "!%s", rec->error);
	}
	for (size_t i = 0; i < rec->nfields; i++) {
		if (i)
			strbuf_puts(&s->text, "|");
		ck_assert_uint_eq(rec->fields[i][rec->lens[i]], '\0');
		for (size_t k = 0; k < rec->lens[i]; k++) {
			char c = rec->fields[i][k];
			if (c == '\r')
				strbuf_puts(&s->text, "\\r");
			else if (c == '\n')
				strbuf_puts(&s->text, "\\n");
			else if (c == '\0')
				strbuf_puts(&s->text, "\\0");
			else
				strbuf_append(&s->text, &c, 1);
		}
	}
	strbuf_puts(&s->text, "\n");
	s->count++;
	return s->stop_after && s->count >= s->stop_after ? 7 : 0;
}

/* Reads input in pieces of `step` bytes (0: all at once) and returns what was seen; caller frees. */
static char *parse_in_steps(const char *input, size_t len, size_t step, size_t max_record)
{
	struct seen s = {STRBUF_INIT, 0, 0};
	struct csv_reader *r = csv_reader_new(max_record);
	ck_assert_ptr_nonnull(r);
	if (step == 0)
		step = len ? len : 1;
	for (size_t off = 0; off < len; off += step)
		ck_assert_int_eq(csv_feed(r, input + off, off + step <= len ? step : len - off, collect, &s), 0);
	ck_assert_int_eq(csv_finish(r, collect, &s), 0);
	ck_assert_uint_eq(csv_reader_offset(r), len);
	csv_reader_free(r);
	char *out = strdup(strbuf_cstr(&s.text));
	strbuf_free(&s.text);
	return out;
}

/* Parses in one piece, byte by byte and in 3-byte pieces; all three must agree with want. */
static void expect(const char *input, const char *want)
{
	size_t len = strlen(input);
	size_t steps[] = {0, 1, 3};
	for (size_t i = 0; i < 3; i++) {
		char *got = parse_in_steps(input, len, steps[i], 0);
		ck_assert_msg(strcmp(got, want) == 0, "input %s (pieces of %zu)\n got: %s\nwant: %s", input, steps[i], got,
			      want);
		free(got);
	}
}

START_TEST(test_plain_records_with_their_line_numbers)
{
	expect("a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n");
}
END_TEST

START_TEST(test_final_line_without_newline_is_a_record)
{
	expect("a,b\nc,d", "1:a|b\n2:c|d\n");
	expect("x", "1:x\n");
}
END_TEST

START_TEST(test_empty_fields_are_kept)
{
	expect(",\na,,b\n,x,\n", "1:|\n2:a||b\n3:|x|\n");
}
END_TEST

START_TEST(test_quoted_fields_and_doubled_quotes)
{
	expect("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "1:a,b|say \"hi\"|\n");
	expect("\"\"\"\"\n", "1:\"\n");
}
END_TEST

START_TEST(test_embedded_line_breaks_shift_the_next_line_number)
{
	expect("\"one\ntwo\",x\nnext,y\n", "1:one\\ntwo|x\n3:next|y\n");
	expect("\"a\r\nb\r\nc\",1\r\nz,2\r\n", "1:a\\r\\nb\\r\\nc|1\n4:z|2\n");
}
END_TEST

START_TEST(test_crlf_lf_and_lone_cr_line_ends_read_alike)
{
	expect("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
	expect("a,b\nc,d\n", "1:a|b\n2:c|d\n");
	expect("a,b\rc,d\r", "1:a|b\n2:c|d\n");
	expect("a\r\nb\nc\rd", "1:a\n2:b\n3:c\n4:d\n");
}
END_TEST

START_TEST(test_byte_order_mark_is_skipped_only_at_the_start)
{
	expect("\xEF\xBB\xBFid,name\n1,x\n", "1:id|name\n2:1|x\n");
	/* Elsewhere it is data. */
	expect("a\n\xEF\xBB\xBF" "b\n", "1:a\n2:\xEF\xBB\xBF" "b\n");
}
END_TEST

START_TEST(test_bytes_that_only_start_like_a_bom_are_data)
{
	expect("\xEF\xBBx,y\n", "1:\xEF\xBBx|y\n");
	expect("\xEF", "1:\xEF\n");
	expect("\xEF\xBB\xBF", "");
}
END_TEST

START_TEST(test_empty_lines_are_skipped_but_counted)
{
	expect("\n\na\n\r\n\nb\n\n", "3:a\n6:b\n");
	expect("", "");
	expect("\r\n\r\n", "");
}
END_TEST

START_TEST(test_a_quoted_empty_field_is_not_an_empty_line)
{
	expect("\"\"\n", "1:\n");
}
END_TEST

START_TEST(test_ragged_rows_come_through_with_their_own_field_count)
{
	expect("a,b,c\n1,2\n1,2,3,4\n", "1:a|b|c\n2:1|2\n3:1|2|3|4\n");
}
END_TEST

START_TEST(test_quote_inside_an_unquoted_field_is_an_error_for_that_line_only)
{
	expect("ok,1\nbad\"x,2\nok,3\n", "1:ok|1\n2:!a quote inside an unquoted field\n3:ok|3\n");
}
END_TEST

START_TEST(test_text_after_a_closing_quote_is_an_error)
{
	expect("\"a\"b,1\nc,2\n", "1:!text after the closing quote of a field\n2:c|2\n");
}
END_TEST

START_TEST(test_unterminated_quote_at_the_end_is_an_error_at_its_starting_line)
{
	expect("a,1\n\"open,2\nmore\n", "1:a|1\n2:!unterminated quoted field\n");
}
END_TEST

START_TEST(test_nul_bytes_are_kept_with_their_length)
{
	const char input[] = "a\0b,c\n";
	char *got = parse_in_steps(input, sizeof input - 1, 0, 0);
	ck_assert_str_eq(got, "1:a\\0b|c\n");
	free(got);
}
END_TEST

START_TEST(test_records_over_the_limit_are_errors_and_reading_goes_on)
{
	char *got = parse_in_steps("abcdefghij,k\nab\n\"0123456789\nxx\",y\nz\n", 36, 1, 8);
	ck_assert_str_eq(got, "1:!the record is too long\n2:ab\n3:!the record is too long\n5:z\n");
	free(got);
}
END_TEST

START_TEST(test_a_non_zero_callback_result_stops_the_reader)
{
	struct seen s = {STRBUF_INIT, 2, 0};
	struct csv_reader *r = csv_reader_new(0);
	ck_assert_int_eq(csv_feed(r, "a\nb\nc\nd\n", 8, collect, &s), 7);
	ck_assert_int_eq(s.count, 2);
	ck_assert_str_eq(strbuf_cstr(&s.text), "1:a\n2:b\n");
	csv_reader_free(r);
	strbuf_free(&s.text);
	csv_reader_free(NULL);
}
END_TEST

struct span {
	long line, end;
	int n;
};

static int keep_span(void *cls, const struct csv_record *rec)
{
	struct span *got = cls;
	got->line = rec->line;
	got->end = rec->end_line;
	got->n++;
	return 0;
}

START_TEST(test_end_line_of_a_multi_line_record)
{
	struct csv_reader *r = csv_reader_new(0);
	struct span got = {0, 0, 0};
	ck_assert_int_eq(csv_feed(r, "\"a\nb\nc\"\n", 8, keep_span, &got), 0);
	ck_assert_int_eq(got.n, 1);
	ck_assert_int_eq(got.line, 1);
	ck_assert_int_eq(got.end, 3);
	csv_reader_free(r);
}
END_TEST

/* ---- writer ---- */

static char *field(const char *s, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	csv_write_field(&sb, s, s ? strlen(s) : 0, flags);
	char *out = strdup(strbuf_cstr(&sb));
	strbuf_free(&sb);
	return out;
}

static void expect_field(const char *in, unsigned flags, const char *want)
{
	char *got = field(in, flags);
	ck_assert_msg(strcmp(got, want) == 0, "field [%s] flags %u: got [%s], want [%s]", in ? in : "(null)", flags, got,
		      want);
	free(got);
}

START_TEST(test_writer_quotes_only_what_needs_quoting)
{
	expect_field("plain", 0, "plain");
	expect_field("", 0, "");
	expect_field(NULL, 0, "");
	expect_field("with space", 0, "with space");
	expect_field("a,b", 0, "\"a,b\"");
	expect_field("say \"hi\"", 0, "\"say \"\"hi\"\"\"");
	expect_field("\"", 0, "\"\"\"\"");
	expect_field("line\nbreak", 0, "\"line\nbreak\"");
	expect_field("cr\rhere", 0, "\"cr\rhere\"");
}
END_TEST

START_TEST(test_formula_risky_values_are_the_six_leading_characters)
{
	const char *risky[] = {"=1+1", "+49 123", "-5", "@SUM(A1)", "\tx", "\rx"};
	for (size_t i = 0; i < 6; i++)
		ck_assert_msg(csv_formula_risky(risky[i], strlen(risky[i])), "%s should be risky", risky[i]);
	const char *safe[] = {"", "a=1", " =1", "'=1", "1-2", "x@y"};
	for (size_t i = 0; i < 6; i++)
		ck_assert_msg(!csv_formula_risky(safe[i], strlen(safe[i])), "%s should be safe", safe[i]);
	ck_assert(!csv_formula_risky(NULL, 0));
}
END_TEST

START_TEST(test_formula_safe_writing_prefixes_a_single_quote)
{
	expect_field("=HYPERLINK(\"x\")", CSV_FORMULA_SAFE, "\"'=HYPERLINK(\"\"x\"\")\"");
	expect_field("=1+1", CSV_FORMULA_SAFE, "'=1+1");
	expect_field("+1", CSV_FORMULA_SAFE, "'+1");
	expect_field("-1", CSV_FORMULA_SAFE, "'-1");
	expect_field("@x", CSV_FORMULA_SAFE, "'@x");
	expect_field("\tx", CSV_FORMULA_SAFE, "'\tx");
	expect_field("\rx", CSV_FORMULA_SAFE, "\"'\rx\"");
	expect_field("=a,b", CSV_FORMULA_SAFE, "\"'=a,b\"");
	expect_field("safe", CSV_FORMULA_SAFE, "safe");
	/* Without the flag the value is written as it is. */
	expect_field("=1+1", 0, "=1+1");
}
END_TEST

START_TEST(test_rows_end_with_crlf)
{
	struct strbuf sb = STRBUF_INIT;
	const char *row[] = {"a", NULL, "b,c"};
	csv_write_row(&sb, row, 3, 0);
	csv_write_row(&sb, row, 1, 0);
	ck_assert_str_eq(strbuf_cstr(&sb), "a,,\"b,c\"\r\na\r\n");
	strbuf_free(&sb);
}
END_TEST

START_TEST(test_written_rows_read_back_unchanged)
{
	const char *values[] = {"plain", "", "a,b", "\"q\"", "multi\r\nline", "lf\nonly", "trailing ", "ñandú €"};
	const size_t n = sizeof values / sizeof values[0];
	struct strbuf sb = STRBUF_INIT;
	csv_write_row(&sb, values, n, 0);
	csv_write_row(&sb, values, n, 0);
	struct seen s = {STRBUF_INIT, 0, 0};
	struct csv_reader *r = csv_reader_new(0);
	ck_assert_int_eq(csv_feed(r, sb.data, sb.len, collect, &s), 0);
	ck_assert_int_eq(csv_finish(r, collect, &s), 0);
	const char *row = "plain||a,b|\"q\"|multi\\r\\nline|lf\\nonly|trailing |ñandú €\n";
	char want[512];
	/* The first row spans lines 1-3 (one CRLF and one LF inside quotes). */
	snprintf(want, sizeof want, "1:%s4:%s", row, row);
	ck_assert_str_eq(strbuf_cstr(&s.text), want);
	csv_reader_free(r);
	strbuf_free(&s.text);
	strbuf_free(&sb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("reader");
	tcase_add_test(tc, test_plain_records_with_their_line_numbers);
	tcase_add_test(tc, test_final_line_without_newline_is_a_record);
	tcase_add_test(tc, test_empty_fields_are_kept);
	tcase_add_test(tc, test_quoted_fields_and_doubled_quotes);
	tcase_add_test(tc, test_embedded_line_breaks_shift_the_next_line_number);
	tcase_add_test(tc, test_crlf_lf_and_lone_cr_line_ends_read_alike);
	tcase_add_test(tc, test_byte_order_mark_is_skipped_only_at_the_start);
	tcase_add_test(tc, test_bytes_that_only_start_like_a_bom_are_data);
	tcase_add_test(tc, test_empty_lines_are_skipped_but_counted);
	tcase_add_test(tc, test_a_quoted_empty_field_is_not_an_empty_line);
	tcase_add_test(tc, test_ragged_rows_come_through_with_their_own_field_count);
	tcase_add_test(tc, test_quote_inside_an_unquoted_field_is_an_error_for_that_line_only);
	tcase_add_test(tc, test_text_after_a_closing_quote_is_an_error);
	tcase_add_test(tc, test_unterminated_quote_at_the_end_is_an_error_at_its_starting_line);
	tcase_add_test(tc, test_nul_bytes_are_kept_with_their_length);
	tcase_add_test(tc, test_records_over_the_limit_are_errors_and_reading_goes_on);
	tcase_add_test(tc, test_a_non_zero_callback_result_stops_the_reader);
	tcase_add_test(tc, test_end_line_of_a_multi_line_record);
	suite_add_tcase(s, tc);
	TCase *tw = tcase_create("writer");
	tcase_add_test(tw, test_writer_quotes_only_what_needs_quoting);
	tcase_add_test(tw, test_formula_risky_values_are_the_six_leading_characters);
	tcase_add_test(tw, test_formula_safe_writing_prefixes_a_single_quote);
	tcase_add_test(tw, test_rows_end_with_crlf);
	tcase_add_test(tw, test_written_rows_read_back_unchanged);
	suite_add_tcase(s, tw);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
