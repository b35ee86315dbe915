/*
 * What nginx itself answers, through the stand-alone nginx/turnero.conf the stack
 * renders: problem+json for everything nginx decides on its own (plain HTTP on the
 * TLS port, paths neither under /api/ nor pages of the web app), the security headers
 * on nginx's answers, the web app's and the application's alike, the web app's own
 * Content-Security-Policy, and no compression of API answers.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static size_t collect(char *data, size_t size, size_t n, void *user)
{
	struct json_object **out = user;
	size_t len = size * n;
	char *text = strndup(data, len);
	if (!text)
		return 0;
	json_object_put(*out);
	*out = json_tokener_parse(text);
	free(text);
	return len;
}

START_TEST(test_plain_http_on_tls_port_is_problem_400)
{
	const char *url = getenv("TURNERO_TEST_URL");
	ck_assert_ptr_nonnull(url);
	ck_assert_msg(strncmp(url, "https://", 8) == 0, "test URL is https: %s", url);
	char plain[512];
	snprintf(plain, sizeof plain, "http://%s/api/v1/health", url + 8);

	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	struct json_object *body = NULL;
	curl_easy_setopt(c, CURLOPT_URL, plain);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	long status = 0;
	char *ct = NULL;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	ck_assert_int_eq(status, 400);
	ck_assert_str_eq(ct, "application/problem+json");
	ck_assert_ptr_nonnull(body);
	struct json_object *v;
	ck_assert(json_object_object_get_ex(body, "status", &v));
	ck_assert_int_eq(json_object_get_int(v), 400);
	ck_assert(json_object_object_get_ex(body, "detail", &v));
	ck_assert_ptr_nonnull(strstr(json_object_get_string(v), "HTTPS"));
	json_object_put(body);
	curl_easy_cleanup(c);

	/* The TLS port still answers TLS afterwards. */
	struct it_response r;
	ck_assert_int_eq(it_request("GET", "/api/v1/health", NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
}
END_TEST

static void assert_security_headers(const struct it_response *r, const char *what)
{
	static const char *const names[] = {"Strict-Transport-Security", "X-Content-Type-Options",
					    "X-Frame-Options", "Content-Security-Policy", "X-Request-Id",
					    "Cache-Control"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *v = it_header(r, names[i]);
		ck_assert_msg(v && *v, "%s: header %s present", what, names[i]);
		free(v);
	}
}

START_TEST(test_paths_outside_api_are_problem_404_with_headers)
{
	static const char *const paths[] = {"/index.html", "/api", "/apix", "/.problem/bad-request",
					    "/api/.problem/bad-request", "/api/.problem/plain-http", "/etc/passwd"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct it_response r;
		ck_assert_int_eq(it_request("GET", paths[i], NULL, NULL, 0, &r), 0);
		it_assert_problem(&r, 404);
		assert_security_headers(&r, paths[i]);
		it_response_free(&r);
	}
}
END_TEST

/* The web app's pages: HTML revalidated on every visit, scripts only from the site itself. */
START_TEST(test_web_pages_are_served_with_their_own_policy)
{
	static const char *const paths[] = {"/", "/board", "/kiosk", "/counter", "/t/0b5e7d2a-5c1e-4f7a-8d3b-000000000002"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct it_response r;
		ck_assert_int_eq(it_request("GET", paths[i], NULL, NULL, 0, &r), 0);
		ck_assert_msg(r.status == 200, "%s: status %ld", paths[i], r.status);
		assert_security_headers(&r, paths[i]);
		char *ct = it_header(&r, "Content-Type");
		ck_assert_msg(ct && strncmp(ct, "text/html", 9) == 0, "%s: content type %s", paths[i], ct ? ct : "");
		free(ct);
		char *csp = it_header(&r, "Content-Security-Policy");
		ck_assert_ptr_nonnull(csp);
		ck_assert_msg(strstr(csp, "script-src 'self'") && !strstr(csp, "unsafe-inline"), "%s: CSP %s", paths[i], csp);
		free(csp);
		char *cc = it_header(&r, "Cache-Control");
		ck_assert_msg(cc && strcmp(cc, "no-cache") == 0, "%s: Cache-Control %s", paths[i], cc ? cc : "");
		free(cc);
		it_response_free(&r);
	}
	/* The API keeps the strictest policy. */
	struct it_response r;
	ck_assert_int_eq(it_request("GET", "/api/v1/health", NULL, NULL, 0, &r), 0);
	char *csp = it_header(&r, "Content-Security-Policy");
	ck_assert_str_eq(csp, "default-src 'none'; frame-ancestors 'none'");
	free(csp);
	it_response_free(&r);
}
END_TEST

START_TEST(test_api_answers_carry_headers_once_and_are_not_compressed)
{
	/* A path a site's "location ~ \.php$" would take: /api/ is matched with ^~. */
	const char *const headers[] = {"Accept-Encoding: gzip, deflate, br", NULL};
	struct it_response r;
	ck_assert_int_eq(it_request("GET", "/api/v1/no-such.php", headers, NULL, 0, &r), 0);
	it_assert_problem(&r, 404);
	assert_security_headers(&r, "application 404");
	ck_assert_ptr_null(strcasestr(r.headers, "Content-Encoding:"));
	/* The application's own X-Request-Id is not doubled by nginx's. */
	const char *first = strcasestr(r.headers, "X-Request-Id:");
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_null(strcasestr(first + 1, "X-Request-Id:"));
	it_response_free(&r);

	ck_assert_int_eq(it_request("GET", "/api/v1/health", headers, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	assert_security_headers(&r, "health");
	ck_assert_ptr_null(strcasestr(r.headers, "Content-Encoding:"));
	it_response_free(&r);
}
END_TEST

int main(void)
{
	it_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *s = suite_create("nginx");
	TCase *tc = tcase_create("nginx");
	tcase_add_test(tc, test_plain_http_on_tls_port_is_problem_400);
	tcase_add_test(tc, test_paths_outside_api_are_problem_404_with_headers);
	tcase_add_test(tc, test_web_pages_are_served_with_their_own_policy);
	tcase_add_test(tc, test_api_answers_carry_headers_once_and_are_not_compressed);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
