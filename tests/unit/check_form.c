/* Query strings and form bodies: decoding, strict rejections and lookups. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

static int parse(const char *s, size_t max_pairs, struct kv_list *l)
{
	memset(l, 0, sizeof *l);
	return form_parse(s, strlen(s), max_pairs, l);
}

static void assert_refused(const char *s)
{
	struct kv_list l;
	ck_assert_msg(parse(s, 64, &l) == -1, "\"%s\" is refused", s);
	ck_assert_ptr_null(l.items);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.cap, 0);
}

START_TEST(test_form_decodes_pairs_in_order)
{
	struct kv_list l;
	ck_assert_int_eq(parse("a=1&b=x+y&c=%C3%A9&d=%2B%26%3d", 64, &l), 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_str_eq(l.items[0].key, "a");
	ck_assert_str_eq(l.items[0].value, "1");
	ck_assert_str_eq(l.items[1].key, "b");
	ck_assert_str_eq(l.items[1].value, "x y");
	ck_assert_str_eq(l.items[2].value, "\xc3\xa9");
	ck_assert_str_eq(l.items[3].value, "+&=");
	ck_assert_str_eq(kv_get(&l, "c"), "\xc3\xa9");
	ck_assert_ptr_null(kv_get(&l, "e"));
	kv_list_free(&l);
}
END_TEST

START_TEST(test_form_decodes_keys_too)
{
	struct kv_list l;
	ck_assert_int_eq(parse("first+name=Ana&%73ort=-name&a%3Db=c", 64, &l), 0);
	ck_assert_str_eq(kv_get(&l, "first name"), "Ana");
	ck_assert_str_eq(kv_get(&l, "sort"), "-name");
	ck_assert_str_eq(kv_get(&l, "a=b"), "c"); /* only the first raw '=' splits */
	kv_list_free(&l);
	ck_assert_int_eq(parse("k=a=b", 64, &l), 0);
	ck_assert_str_eq(kv_get(&l, "k"), "a=b");
	kv_list_free(&l);
}
END_TEST

START_TEST(test_form_skips_empty_pairs)
{
	struct kv_list l;
	ck_assert_int_eq(parse("&&a=1&&&b=2&", 64, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.items[0].key, "a");
	ck_assert_str_eq(l.items[1].key, "b");
	kv_list_free(&l);

	ck_assert_int_eq(parse("", 64, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(parse("&&&", 64, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(form_parse(NULL, 0, 64, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	kv_list_free(&l);
}
END_TEST

START_TEST(test_form_key_without_equals_has_empty_value)
{
	struct kv_list l;
	ck_assert_int_eq(parse("flag&x=&y=1", 64, &l), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(kv_get(&l, "flag"), "");
	ck_assert_str_eq(kv_get(&l, "x"), "");
	ck_assert_str_eq(kv_get(&l, "y"), "1");
	kv_list_free(&l);
}
END_TEST

START_TEST(test_form_counts_duplicates_and_returns_first)
{
	struct kv_list l;
	ck_assert_int_eq(parse("a=1&b=2&a=3&a=4", 64, &l), 0);
	ck_assert_uint_eq(kv_count(&l, "a"), 3);
	ck_assert_uint_eq(kv_count(&l, "b"), 1);
	ck_assert_uint_eq(kv_count(&l, "c"), 0);
	ck_assert_str_eq(kv_get(&l, "a"), "1");
	kv_list_free(&l);
	ck_assert_uint_eq(kv_count(NULL, "a"), 0);
	ck_assert_ptr_null(kv_get(NULL, "a"));
}
END_TEST

START_TEST(test_form_refuses_malformed_escapes)
{
	assert_refused("a=%4");
	assert_refused("a=%");
	assert_refused("a=%zz");
	assert_refused("a=%4g");
	assert_refused("a=%g4");
	assert_refused("%=1");
	assert_refused("ok=1&a=%2");
	assert_refused("a=%%41");
}
END_TEST

START_TEST(test_form_refuses_nul_bytes)
{
	assert_refused("a=%00");
	assert_refused("a%00b=1");
	struct kv_list l;
	memset(&l, 0, sizeof l);
	ck_assert_int_eq(form_parse("a=x\0y", 5, 64, &l), -1);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_form_refuses_invalid_utf8)
{
	assert_refused("a=%C3");       /* truncated */
	assert_refused("a=%C0%AF");    /* overlong */
	assert_refused("a=%ED%A0%80"); /* surrogate */
	assert_refused("a=%FF");
	assert_refused("a=\xff");      /* raw byte, not escaped */
	assert_refused("%80=1");
}
END_TEST

START_TEST(test_form_enforces_max_pairs)
{
	struct kv_list l;
	ck_assert_int_eq(parse("a=1&b=2&c=3", 3, &l), 0);
	ck_assert_uint_eq(l.n, 3);
	kv_list_free(&l);
	ck_assert_int_eq(parse("a=1&&b=2&&c=3&&", 3, &l), 0); /* empty pairs do not count */
	kv_list_free(&l);
	ck_assert_int_eq(parse("a=1&b=2&c=3&d=4", 3, &l), -1);
	ck_assert_ptr_null(l.items);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(parse("a=1", 0, &l), -1);
}
END_TEST

START_TEST(test_form_handles_many_pairs)
{
	/* grows past the initial capacity */
	char buf[2048];
	size_t n = 0;
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%sk%d=%d", i ? "&" : "", i, i);
	struct kv_list l;
	memset(&l, 0, sizeof l);
	ck_assert_int_eq(form_parse(buf, n, 100, &l), 0);
	ck_assert_uint_eq(l.n, 100);
	ck_assert_str_eq(kv_get(&l, "k99"), "99");
	kv_list_free(&l);
}
END_TEST

START_TEST(test_form_parses_only_len_bytes)
{
	struct kv_list l;
	memset(&l, 0, sizeof l);
	ck_assert_int_eq(form_parse("a=12&b=3", 3, 64, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(kv_get(&l, "a"), "1");
	kv_list_free(&l);
}
END_TEST

START_TEST(test_kv_list_free_leaves_empty_list)
{
	struct kv_list l;
	ck_assert_int_eq(parse("a=1", 64, &l), 0);
	kv_list_free(&l);
	ck_assert_ptr_null(l.items);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.cap, 0);
	kv_list_free(&l); /* twice is fine */
	kv_list_free(NULL);
}
END_TEST

START_TEST(test_percent_decode_plus_depends_on_flag)
{
	size_t len = 99;
	char *s = percent_decode("a+b%20c", 7, true, &len);
	ck_assert_str_eq(s, "a b c");
	ck_assert_uint_eq(len, 5);
	free(s);
	s = percent_decode("a+b%20c", 7, false, &len);
	ck_assert_str_eq(s, "a+b c");
	free(s);
	s = percent_decode("%2B", 3, true, NULL);
	ck_assert_str_eq(s, "+");
	free(s);
}
END_TEST

START_TEST(test_percent_decode_rejections)
{
	size_t len = 99;
	ck_assert_ptr_null(percent_decode("%4", 2, false, &len));
	ck_assert_uint_eq(len, 99); /* untouched on failure */
	ck_assert_ptr_null(percent_decode("%zz", 3, false, NULL));
	ck_assert_ptr_null(percent_decode("x%00", 4, false, NULL));
	ck_assert_ptr_null(percent_decode("x\0", 2, false, NULL));
	ck_assert_ptr_null(percent_decode("%E2%82", 6, false, NULL));
	ck_assert_ptr_null(percent_decode("%F4%90%80%80", 12, false, NULL));
}
END_TEST

START_TEST(test_percent_decode_empty_and_mixed_case)
{
	size_t len = 99;
	char *s = percent_decode("", 0, false, &len);
	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	s = percent_decode("%e2%82%AC", 9, false, &len);
	ck_assert_str_eq(s, "\xe2\x82\xac");
	ck_assert_uint_eq(len, 3);
	free(s);
}
END_TEST

static Suite *form_suite(void)
{
	Suite *s = suite_create("form");
	TCase *f = tcase_create("form_parse");
	tcase_add_test(f, test_form_decodes_pairs_in_order);
	tcase_add_test(f, test_form_decodes_keys_too);
	tcase_add_test(f, test_form_skips_empty_pairs);
	tcase_add_test(f, test_form_key_without_equals_has_empty_value);
	tcase_add_test(f, test_form_counts_duplicates_and_returns_first);
	tcase_add_test(f, test_form_refuses_malformed_escapes);
	tcase_add_test(f, test_form_refuses_nul_bytes);
	tcase_add_test(f, test_form_refuses_invalid_utf8);
	tcase_add_test(f, test_form_enforces_max_pairs);
	tcase_add_test(f, test_form_handles_many_pairs);
	tcase_add_test(f, test_form_parses_only_len_bytes);
	tcase_add_test(f, test_kv_list_free_leaves_empty_list);
	suite_add_tcase(s, f);

	TCase *p = tcase_create("percent_decode");
	tcase_add_test(p, test_percent_decode_plus_depends_on_flag);
	tcase_add_test(p, test_percent_decode_rejections);
	tcase_add_test(p, test_percent_decode_empty_and_mixed_case);
	suite_add_tcase(s, p);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(form_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
