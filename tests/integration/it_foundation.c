/* Foundation behaviour through real nginx, workers and MariaDB. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* Polls health until it answers want (bounded); returns the last status. */
static long wait_health(long want, int seconds)
{
	long last = 0;
	for (int i = 0; i < seconds * 10; i++) {
		struct it_response r;
		it_request("GET", "/api/v1/health", NULL, NULL, 0, &r);
		last = r.status;
		it_response_free(&r);
		if (last == want)
			break;
		it_sleep_ms(100);
	}
	return last;
}

/* After the database comes back, each worker reconnects on its own: one that
 * failed to connect while it was down keeps failing fast for half a second
 * (db.c's reconnect pause). The pool is healthy only when every worker is, so
 * wait for a second's worth of consecutive 200s, not the first one. */
static bool wait_pool_healthy(int seconds)
{
	int streak = 0;
	for (int i = 0; i < seconds * 10 && streak < 12; i++) {
		struct it_response r;
		it_request("GET", "/api/v1/health", NULL, NULL, 0, &r);
		streak = r.status == 200 ? streak + 1 : 0;
		it_response_free(&r);
		it_sleep_ms(100);
	}
	return streak >= 12;
}

START_TEST(test_health_reports_db_up_and_version)
{
	struct it_response r;
	ck_assert_int_eq(it_request("GET", "/api/v1/health", NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "status"), "ok");
	ck_assert_str_eq(it_str(&r, "db"), "up");
	ck_assert_ptr_nonnull(it_str(&r, "version"));
	char *ct = it_header(&r, "Content-Type");
	ck_assert_str_eq(ct, "application/json");
	char *rid = it_header(&r, "X-Request-Id");
	ck_assert_msg(rid && strlen(rid) >= 16, "X-Request-Id present");
	free(ct);
	free(rid);
	it_response_free(&r);
}
END_TEST

START_TEST(test_every_response_has_distinct_request_id)
{
	struct it_response a, b;
	it_request("GET", "/api/v1/nope", NULL, NULL, 0, &a);
	it_request("GET", "/api/v1/nope", NULL, NULL, 0, &b);
	char *ra = it_header(&a, "X-Request-Id"), *rb = it_header(&b, "X-Request-Id");
	ck_assert_ptr_nonnull(ra);
	ck_assert_ptr_nonnull(rb);
	ck_assert_str_ne(ra, rb);
	free(ra);
	free(rb);
	it_response_free(&a);
	it_response_free(&b);
}
END_TEST

START_TEST(test_unknown_route_is_problem_404)
{
	struct it_response r;
	it_request("GET", "/api/v1/does-not-exist", NULL, NULL, 0, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
}
END_TEST

START_TEST(test_wrong_method_is_405_with_allow)
{
	struct it_response r;
	it_request("POST", "/api/v1/health", NULL, "", 0, &r);
	it_assert_problem(&r, 405);
	char *allow = it_header(&r, "Allow");
	ck_assert_ptr_nonnull(allow);
	ck_assert_str_eq(allow, "GET, HEAD");
	free(allow);
	it_response_free(&r);
}
END_TEST

START_TEST(test_head_answers_like_get_without_body)
{
	struct it_response r;
	it_request("HEAD", "/api/v1/health", NULL, NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.body_len, 0);
	it_response_free(&r);
}
END_TEST

START_TEST(test_metrics_expose_requests_and_histogram)
{
	struct it_response r;
	it_request("GET", "/api/v1/health", NULL, NULL, 0, &r);
	it_response_free(&r);
	it_request("GET", "/api/v1/metrics", NULL, NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "turnero_http_requests_total{route=\"/api/v1/health\",status=\"200\"}"));
	ck_assert_ptr_nonnull(strstr(r.body, "turnero_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
	ck_assert_ptr_nonnull(strstr(r.body, "turnero_worker_restarts_total"));
	ck_assert_ptr_nonnull(strstr(r.body, "turnero_db_errors_total"));
	/* health runs one statement: per-route database counters (bench/run reads them). */
	static const char *const db_counters[] = {"turnero_db_statements_total{route=\"/api/v1/health\"} ",
						  "turnero_db_round_trips_total{route=\"/api/v1/health\"} "};
	for (size_t i = 0; i < 2; i++) {
		const char *line = strstr(r.body, db_counters[i]);
		ck_assert_msg(line != NULL, "%s missing", db_counters[i]);
		ck_assert_int_ge(atol(line + strlen(db_counters[i])), 1);
	}
	it_response_free(&r);
}
END_TEST

START_TEST(test_killed_worker_is_respawned_and_service_keeps_answering)
{
	pid_t before[64];
	int n = it_worker_pids(before, 64);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(kill(before[0], SIGKILL), 0);

	for (int i = 0; i < 20; i++) {
		struct it_response r;
		it_request("GET", "/api/v1/health", NULL, NULL, 0, &r);
		ck_assert_int_eq(r.status, 200);
		it_response_free(&r);
	}
	/* The pool is back to full size with a new process in place of the killed one. */
	int replaced = 0;
	for (int i = 0; i < 50 && !replaced; i++) {
		pid_t now[64];
		int m = it_worker_pids(now, 64);
		replaced = m == n;
		for (int k = 0; k < m; k++)
			if (now[k] == before[0])
				replaced = 0;
		if (!replaced)
			it_sleep_ms(100);
	}
	ck_assert_msg(replaced, "worker pool restored after SIGKILL");

	struct it_response r;
	it_request("GET", "/api/v1/metrics", NULL, NULL, 0, &r);
	const char *line = strstr(r.body, "\nturnero_worker_restarts_total ");
	ck_assert_ptr_nonnull(line);
	ck_assert_int_ge(atol(line + strlen("\nturnero_worker_restarts_total ")), 1);
	it_response_free(&r);
}
END_TEST

START_TEST(test_database_down_gives_503_then_recovers)
{
	ck_assert_int_eq(it_stack("db-stop"), 0);
	struct it_response r;
	it_request("GET", "/api/v1/health", NULL, NULL, 0, &r);
	ck_assert_int_eq(r.status, 503);
	ck_assert_str_eq(it_str(&r, "db"), "down");
	char *retry = it_header(&r, "Retry-After");
	ck_assert_ptr_nonnull(retry);
	free(retry);
	it_response_free(&r);

	ck_assert_int_eq(it_stack("db-start"), 0);
	ck_assert_msg(wait_pool_healthy(20), "every worker answers 200 again after the database restarts");
}
END_TEST

START_TEST(test_sighup_replaces_workers_without_dropping_requests)
{
	pid_t before[64], after[64];
	int n = it_worker_pids(before, 64);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(kill(it_master_pid(), SIGHUP), 0);
	/* Requests keep succeeding while the generations swap. */
	for (int i = 0; i < 30; i++) {
		struct it_response r;
		it_request("GET", "/api/v1/health", NULL, NULL, 0, &r);
		ck_assert_msg(r.status == 200, "request %d during reload: %ld", i, r.status);
		it_response_free(&r);
		it_sleep_ms(20);
	}
	/* Every old worker is gone and as many new ones serve. */
	int m = 0, old_left = 1;
	for (int i = 0; i < 50 && (old_left || m != n); i++) {
		m = it_worker_pids(after, 64);
		old_left = 0;
		for (int a = 0; a < m; a++)
			for (int b = 0; b < n; b++)
				old_left |= after[a] == before[b];
		if (old_left || m != n)
			it_sleep_ms(100);
	}
	ck_assert_msg(!old_left && m == n, "workers replaced after SIGHUP (%d now, %d before)", m, n);
}
END_TEST

/* ---- graceful stop, observed at the FastCGI socket itself ---------------- */

static void fcgi_record(char *out, size_t *len, int type, const char *content, size_t clen)
{
	unsigned char h[8] = {1, (unsigned char)type, 0, 1, (unsigned char)(clen >> 8), (unsigned char)clen, 0, 0};
	memcpy(out + *len, h, 8);
	memcpy(out + *len + 8, content, clen);
	*len += 8 + clen;
}

static size_t fcgi_param(char *out, const char *name, const char *value)
{
	size_t n = strlen(name), v = strlen(value), len = 0;
	out[len++] = (char)n;
	out[len++] = (char)v;
	memcpy(out + len, name, n);
	len += n;
	memcpy(out + len, value, v);
	return len + v;
}

START_TEST(test_sigterm_lets_in_flight_request_finish)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", it_state_path("run/turnero.sock"));
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);

	char rec[1024];
	size_t len = 0;
	const char begin[8] = {0, 1, 0, 0, 0, 0, 0, 0}; /* role responder, no keep-alive */
	fcgi_record(rec, &len, 1, begin, 8);
	char params[512];
	size_t plen = fcgi_param(params, "REQUEST_METHOD", "GET");
	fcgi_record(rec, &len, 4, params, plen);
	/* Half a request: a worker has accepted it and waits for the rest. */
	ck_assert_int_eq(write(fd, rec, len), (ssize_t)len);
	it_sleep_ms(300);

	pid_t master = it_master_pid();
	ck_assert_int_gt(master, 0);
	ck_assert_int_eq(kill(master, SIGTERM), 0);
	it_sleep_ms(300);

	len = 0;
	plen = fcgi_param(params, "REQUEST_URI", "/api/v1/health");
	fcgi_record(rec, &len, 4, params, plen);
	fcgi_record(rec, &len, 4, "", 0);
	fcgi_record(rec, &len, 5, "", 0);
	ck_assert_int_eq(write(fd, rec, len), (ssize_t)len);

	char answer[8192];
	size_t got = 0;
	ssize_t n;
	while (got < sizeof answer - 1 && (n = read(fd, answer + got, sizeof answer - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	answer[got] = '\0';
	/* The STDOUT record carries our headers; find the status text past the record header. */
	ck_assert_msg(got > 16 && memmem(answer, got, "Status: 200", 11), "in-flight request answered 200");

	int gone = 0;
	for (int i = 0; i < 100 && !gone; i++) {
		gone = kill(master, 0) < 0 && errno == ESRCH;
		if (!gone)
			it_sleep_ms(100);
	}
	ck_assert_msg(gone, "master exited after draining");
	ck_assert_int_eq(it_stack("fcgi-start"), 0);
	ck_assert_int_eq(wait_health(200, 15), 200);
}
END_TEST

int main(void)
{
	it_init();
	Suite *s = suite_create("foundation");
	TCase *basic = tcase_create("http");
	tcase_add_test(basic, test_health_reports_db_up_and_version);
	tcase_add_test(basic, test_every_response_has_distinct_request_id);
	tcase_add_test(basic, test_unknown_route_is_problem_404);
	tcase_add_test(basic, test_wrong_method_is_405_with_allow);
	tcase_add_test(basic, test_head_answers_like_get_without_body);
	tcase_add_test(basic, test_metrics_expose_requests_and_histogram);
	suite_add_tcase(s, basic);
	TCase *faults = tcase_create("faults");
	tcase_set_timeout(faults, 120);
	tcase_add_test(faults, test_killed_worker_is_respawned_and_service_keeps_answering);
	tcase_add_test(faults, test_database_down_gives_503_then_recovers);
	tcase_add_test(faults, test_sighup_replaces_workers_without_dropping_requests);
	tcase_add_test(faults, test_sigterm_lets_in_flight_request_finish);
	suite_add_tcase(s, faults);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
