/* Request parsing from FastCGI parameters and problem+json rendering. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/app_err.h"
#include "http/request.h"
#include "http/response.h"

struct fake {
	const char *const *params; /* name, value, name, value, ..., NULL */
	const char *body;
	size_t pos;
};

static const char *fake_get(void *transport, const char *name)
{
	struct fake *f = transport;
	for (size_t i = 0; f->params[i]; i += 2)
		if (strcmp(f->params[i], name) == 0)
			return f->params[i + 1];
	return NULL;
}

static int fake_read(void *transport, char *buf, int n)
{
	struct fake *f = transport;
	size_t left = f->body ? strlen(f->body) - f->pos : 0;
	size_t take = left < (size_t)n ? left : (size_t)n;
	memcpy(buf, f->body + f->pos, take);
	f->pos += take;
	return (int)take;
}

START_TEST(test_request_parses_method_path_query_and_type)
{
	const char *p[] = {"REQUEST_METHOD", "PATCH", "REQUEST_URI", "/api/v1/users?limit=5&q=Jos%C3%A9",
			   "QUERY_STRING", "limit=5&q=Jos%C3%A9", "CONTENT_TYPE", "Application/JSON; charset=utf-8",
			   "HTTP_AUTHORIZATION", "Bearer abc", NULL};
	struct fake f = {p, NULL, 0};
	struct http_request req;
	ck_assert_int_eq(http_request_init(&req, fake_get, fake_read, &f), APP_OK);
	ck_assert_int_eq(req.method, HTTP_PATCH);
	ck_assert_str_eq(req.path, "/api/v1/users");
	ck_assert_str_eq(req.content_type, "application/json");
	ck_assert_str_eq(req.authorization, "Bearer abc");
	ck_assert_str_eq(kv_get(&req.query, "limit"), "5");
	ck_assert_str_eq(kv_get(&req.query, "q"), "Jos\xc3\xa9");
	ck_assert_int_eq(req.content_length, -1);
	http_request_free(&req);
}
END_TEST

START_TEST(test_request_rejects_bad_query_and_content_length)
{
	const char *bad_query[] = {"REQUEST_METHOD", "GET", "REQUEST_URI", "/x?a=%zz", "QUERY_STRING", "a=%zz", NULL};
	const char *bad_length[] = {"REQUEST_METHOD", "POST", "REQUEST_URI", "/x", "CONTENT_LENGTH", "-5", NULL};
	const char *junk_length[] = {"REQUEST_METHOD", "POST", "REQUEST_URI", "/x", "CONTENT_LENGTH", "12ab", NULL};
	struct fake f1 = {bad_query, NULL, 0}, f2 = {bad_length, NULL, 0}, f3 = {junk_length, NULL, 0};
	struct http_request req;
	ck_assert_int_eq(http_request_init(&req, fake_get, fake_read, &f1), APP_BAD_REQUEST);
	http_request_free(&req);
	ck_assert_int_eq(http_request_init(&req, fake_get, fake_read, &f2), APP_BAD_REQUEST);
	http_request_free(&req);
	ck_assert_int_eq(http_request_init(&req, fake_get, fake_read, &f3), APP_BAD_REQUEST);
	http_request_free(&req);
}
END_TEST

START_TEST(test_request_body_limit_and_truncation)
{
	const char *p[] = {"REQUEST_METHOD", "POST", "REQUEST_URI", "/x", "CONTENT_LENGTH", "11", NULL};
	struct fake f = {p, "hello world", 0};
	struct http_request req;
	ck_assert_int_eq(http_request_init(&req, fake_get, fake_read, &f), APP_OK);
	ck_assert_int_eq(http_request_read_body(&req, 10), APP_PAYLOAD_TOO_LARGE);
	ck_assert_ptr_null(req.body);
	ck_assert_int_eq(http_request_read_body(&req, 11), APP_OK);
	ck_assert_str_eq(req.body, "hello world");
	http_request_free(&req);

	const char *q[] = {"REQUEST_METHOD", "POST", "REQUEST_URI", "/x", "CONTENT_LENGTH", "20", NULL};
	struct fake g = {q, "short", 0};
	ck_assert_int_eq(http_request_init(&req, fake_get, fake_read, &g), APP_OK);
	ck_assert_int_eq(http_request_read_body(&req, 100), APP_BAD_REQUEST);
	http_request_free(&req);
}
END_TEST

START_TEST(test_request_unknown_method_and_hostile_request_id)
{
	const char *p[] = {"REQUEST_METHOD", "BREW", "REQUEST_URI", "/", "REQUEST_ID", "ab\r\nSet-Cookie: x", NULL};
	struct fake f = {p, NULL, 0};
	struct http_request req;
	ck_assert_int_eq(http_request_init(&req, fake_get, fake_read, &f), APP_OK);
	ck_assert_int_eq(req.method, HTTP_METHOD_OTHER);
	ck_assert_ptr_null(strchr(req.request_id, '\n'));
	ck_assert_ptr_null(strchr(req.request_id, ' '));
	http_request_free(&req);
}
END_TEST

START_TEST(test_problem_has_rfc9457_members)
{
	struct http_response resp;
	http_response_init(&resp);
	http_response_problem(&resp, APP_NOT_FOUND, "No such queue.");
	ck_assert_int_eq(resp.status, 404);
	ck_assert_str_eq(resp.content_type, "application/problem+json");
	struct json_object *o = json_tokener_parse(resp.body.data), *v;
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "type", &v));
	ck_assert(json_object_object_get_ex(o, "title", &v));
	ck_assert_str_eq(json_object_get_string(v), "Not Found");
	ck_assert(json_object_object_get_ex(o, "status", &v));
	ck_assert_int_eq(json_object_get_int(v), 404);
	ck_assert(json_object_object_get_ex(o, "detail", &v));
	ck_assert_str_eq(json_object_get_string(v), "No such queue.");
	json_object_put(o);
	http_response_free(&resp);
}
END_TEST

START_TEST(test_invalid_lists_every_field_error)
{
	struct http_response resp;
	struct field_errors fe;
	field_errors_init(&fe);
	field_errors_add(&fe, "name", "is required");
	field_errors_add(&fe, "level", "must be between %d and %d", 1, 100);
	http_response_init(&resp);
	http_response_invalid(&resp, &fe);
	ck_assert_int_eq(resp.status, 422);
	struct json_object *o = json_tokener_parse(resp.body.data), *errors, *v;
	ck_assert(json_object_object_get_ex(o, "errors", &errors));
	ck_assert_int_eq(json_object_array_length(errors), 2);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(errors, 1), "field", &v));
	ck_assert_str_eq(json_object_get_string(v), "level");
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(errors, 1), "message", &v));
	ck_assert_str_eq(json_object_get_string(v), "must be between 1 and 100");
	json_object_put(o);
	http_response_free(&resp);
}
END_TEST

START_TEST(test_every_app_error_maps_to_a_status)
{
	for (int e = APP_BAD_REQUEST; e < APP__MAX; e++) {
		const struct app_err_info *info = app_err_info((enum app_err)e);
		ck_assert_int_ge(info->http_status, 400);
		ck_assert_ptr_nonnull(info->type);
		ck_assert_ptr_nonnull(info->title);
	}
	ck_assert_int_eq(app_err_info(APP_CONFLICT)->http_status, 409);
	ck_assert_int_eq(app_err_info(APP_UNAVAILABLE)->http_status, 503);
	ck_assert_int_eq(app_err_info((enum app_err)999)->http_status, 500);
}
END_TEST

START_TEST(test_header_values_cannot_split_lines)
{
	struct http_response resp;
	http_response_init(&resp);
	http_response_header(&resp, "Location", "/x\r\nSet-Cookie: y");
	ck_assert_ptr_null(strstr(resp.headers.data, "\r\nSet-Cookie"));
	http_response_free(&resp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("request-response");
	tcase_add_test(tc, test_request_parses_method_path_query_and_type);
	tcase_add_test(tc, test_request_rejects_bad_query_and_content_length);
	tcase_add_test(tc, test_request_body_limit_and_truncation);
	tcase_add_test(tc, test_request_unknown_method_and_hostile_request_id);
	tcase_add_test(tc, test_problem_has_rfc9457_members);
	tcase_add_test(tc, test_invalid_lists_every_field_error);
	tcase_add_test(tc, test_every_app_error_maps_to_a_status);
	tcase_add_test(tc, test_header_values_cannot_split_lines);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
