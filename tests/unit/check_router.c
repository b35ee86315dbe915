/* Route matching: parameters, 404 vs 405 and the Allow list. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

static void h(struct api_ctx *ctx)
{
	(void)ctx;
}

static const struct http_route routes[] = {
	{HTTP_GET, "/api/v1/queues", h, PERM_QUEUES, PERM_READ, 0},
	{HTTP_POST, "/api/v1/queues", h, PERM_QUEUES, PERM_CREATE, ROUTE_BODY_JSON},
	{HTTP_GET, "/api/v1/queues/{id}", h, PERM_QUEUES, PERM_READ, 0},
	{HTTP_PATCH, "/api/v1/queues/{id}", h, PERM_QUEUES, PERM_UPDATE, ROUTE_BODY_JSON},
	{HTTP_POST, "/api/v1/queues/{id}/call-next", h, PERM_TICKETS, PERM_UPDATE, 0},
	{HTTP_GET, "/api/v1/roles/{id}/permissions", h, PERM_ROLES, PERM_READ, 0},
};
#define N (sizeof routes / sizeof routes[0])

START_TEST(test_router_exact_path_matches)
{
	const struct http_route *r;
	struct http_params p;
	char allow[64];
	ck_assert_int_eq(router_match(routes, N, HTTP_GET, "/api/v1/queues", &r, &p, allow, sizeof allow),
			 ROUTE_MATCHED);
	ck_assert_ptr_eq(r, &routes[0]);
	ck_assert_int_eq(router_match(routes, N, HTTP_POST, "/api/v1/queues", &r, &p, allow, sizeof allow),
			 ROUTE_MATCHED);
	ck_assert_ptr_eq(r, &routes[1]);
}
END_TEST

START_TEST(test_router_captures_parameter)
{
	const struct http_route *r;
	struct http_params p;
	char allow[64];
	ck_assert_int_eq(router_match(routes, N, HTTP_POST, "/api/v1/queues/abc-123/call-next", &r, &p, allow,
				      sizeof allow),
			 ROUTE_MATCHED);
	ck_assert_ptr_eq(r, &routes[4]);
	ck_assert_str_eq(router_param(&p, "id"), "abc-123");
	ck_assert_ptr_null(router_param(&p, "i"));
	ck_assert_ptr_null(router_param(&p, "other"));
}
END_TEST

START_TEST(test_router_unknown_path_is_not_found)
{
	const struct http_route *r;
	struct http_params p;
	char allow[64];
	const char *paths[] = {"/", "/api/v1", "/api/v1/queues/", "/api/v1/queues/x/y", "/api/v1/queuesx",
			       "/api/v1/queues//call-next", "//api/v1/queues", "api/v1/queues", ""};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		ck_assert_msg(router_match(routes, N, HTTP_GET, paths[i], &r, &p, allow, sizeof allow) ==
				      ROUTE_NOT_FOUND,
			      "%s is not found", paths[i]);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_router_wrong_method_lists_allow_with_head)
{
	const struct http_route *r;
	struct http_params p;
	char allow[64];
	ck_assert_int_eq(router_match(routes, N, HTTP_DELETE, "/api/v1/queues/42", &r, &p, allow, sizeof allow),
			 ROUTE_WRONG_METHOD);
	ck_assert_str_eq(allow, "GET, HEAD, PATCH");
	ck_assert_int_eq(router_match(routes, N, HTTP_PUT, "/api/v1/queues", &r, &p, allow, sizeof allow),
			 ROUTE_WRONG_METHOD);
	ck_assert_str_eq(allow, "GET, HEAD, POST");
}
END_TEST

START_TEST(test_router_head_uses_get_route)
{
	const struct http_route *r;
	struct http_params p;
	char allow[64];
	ck_assert_int_eq(router_match(routes, N, HTTP_HEAD, "/api/v1/roles/7/permissions", &r, &p, allow,
				      sizeof allow),
			 ROUTE_MATCHED);
	ck_assert_ptr_eq(r, &routes[5]);
}
END_TEST

START_TEST(test_router_overlong_parameter_never_matches)
{
	const struct http_route *r;
	struct http_params p;
	char allow[64];
	char path[256];
	char seg[HTTP_PARAM_MAX + 1];
	memset(seg, 'a', sizeof seg - 1);
	seg[sizeof seg - 1] = '\0';
	snprintf(path, sizeof path, "/api/v1/queues/%s", seg);
	ck_assert_int_eq(router_match(routes, N, HTTP_GET, path, &r, &p, allow, sizeof allow), ROUTE_NOT_FOUND);
	seg[HTTP_PARAM_MAX - 1] = '\0'; /* exactly the longest that fits */
	snprintf(path, sizeof path, "/api/v1/queues/%s", seg);
	ck_assert_int_eq(router_match(routes, N, HTTP_GET, path, &r, &p, allow, sizeof allow), ROUTE_MATCHED);
	ck_assert_str_eq(router_param(&p, "id"), seg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");
	tcase_add_test(tc, test_router_exact_path_matches);
	tcase_add_test(tc, test_router_captures_parameter);
	tcase_add_test(tc, test_router_unknown_path_is_not_found);
	tcase_add_test(tc, test_router_wrong_method_lists_allow_with_head);
	tcase_add_test(tc, test_router_head_uses_get_route);
	tcase_add_test(tc, test_router_overlong_parameter_never_matches);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
