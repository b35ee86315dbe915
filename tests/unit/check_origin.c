/* server.cors_origins: which lists are accepted, and which Origin values they allow. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/origin.h"

START_TEST(test_origin_lists_accepted)
{
	static const char *const good[] = {
		"",
		"https://dash.example.org",
		"https://dash.example.org, http://127.0.0.1:5173",
		"  https://a.example ,https://b.example:8443  ",
		"HTTPS://Dash.Example.Org",
		"http://[::1]:8080",
		"http://localhost:65535",
		NULL,
	};
	char err[200];
	for (int i = 0; good[i]; i++)
		ck_assert_msg(origin_list_check(good[i], err, sizeof err) == 0, "\"%s\": %s", good[i], err);
}
END_TEST

START_TEST(test_origin_lists_refused_with_a_reason)
{
	static const char *const bad[] = {
		"*",
		"null",
		"dash.example.org",
		"ftp://dash.example.org",
		"https://",
		"https://dash.example.org/",
		"https://dash.example.org/app",
		"https://dash.example.org:0",
		"https://dash.example.org:65536",
		"https://dash.example.org:",
		"https://dash.example.org:84a",
		"https://user@dash.example.org",
		"https://dash.example.org,,https://b.example",
		"https://dash.example.org,",
		"https://*.example.org",
		"http://[]:80",
		"http://[::1",
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		char err[200] = "";
		ck_assert_msg(origin_list_check(bad[i], err, sizeof err) == -1, "\"%s\" accepted", bad[i]);
		ck_assert_msg(err[0] != '\0', "\"%s\": no reason", bad[i]);
	}
}
END_TEST

START_TEST(test_origin_find_matches_whole_items_only)
{
	const char *list = "https://dash.example.org, http://127.0.0.1:5173";
	size_t len = 0;
	const char *hit = origin_list_find(list, "https://dash.example.org", &len);
	ck_assert_ptr_eq(hit, list);
	ck_assert_uint_eq(len, strlen("https://dash.example.org"));
	hit = origin_list_find(list, "http://127.0.0.1:5173", &len);
	ck_assert_ptr_nonnull(hit);
	ck_assert_int_eq(strncmp(hit, "http://127.0.0.1:5173", len), 0);
	ck_assert_uint_eq(len, strlen("http://127.0.0.1:5173"));
	/* Case of scheme and host does not matter; the configured text is what is returned. */
	hit = origin_list_find(list, "HTTPS://DASH.example.org", &len);
	ck_assert_ptr_eq(hit, list);

	static const char *const miss[] = {"https://dash.example.org.evil.example", "https://dash.example.or",
					   "http://dash.example.org", "https://dash.example.org:443",
					   "http://127.0.0.1:517", "http://127.0.0.1:51730", "null", "*", "", NULL};
	for (int i = 0; miss[i]; i++)
		ck_assert_msg(origin_list_find(list, miss[i], &len) == NULL, "\"%s\" matched", miss[i]);
	ck_assert_ptr_null(origin_list_find("", "https://dash.example.org", &len));
	ck_assert_ptr_null(origin_list_find(list, NULL, &len));
}
END_TEST

static void write_file(char *path, size_t size, const char *text)
{
	snprintf(path, size, "/tmp/turnero-check-origin-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

START_TEST(test_config_cors_origins_default_file_and_environment)
{
	char path[64], err[256];
	struct config cfg;
	write_file(path, sizeof path, "[server]\nworkers = 2\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_str_eq(cfg.server.cors_origins, "");
	unlink(path);

	write_file(path, sizeof path, "[server]\ncors_origins = https://a.example, https://b.example:8443\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_str_eq(cfg.server.cors_origins, "https://a.example, https://b.example:8443");
	setenv("TURNERO_SERVER_CORS_ORIGINS", "http://127.0.0.1:5173", 1);
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_str_eq(cfg.server.cors_origins, "http://127.0.0.1:5173");
	setenv("TURNERO_SERVER_CORS_ORIGINS", "*", 1);
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "cors_origins") != NULL, "%s", err);
	unsetenv("TURNERO_SERVER_CORS_ORIGINS");
	unlink(path);

	write_file(path, sizeof path, "[server]\ncors_origins = https://a.example/\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "[server] cors_origins") != NULL, "%s", err);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("origin");
	TCase *tc = tcase_create("cors_origins");
	tcase_add_test(tc, test_origin_lists_accepted);
	tcase_add_test(tc, test_origin_lists_refused_with_a_reason);
	tcase_add_test(tc, test_origin_find_matches_whole_items_only);
	tcase_add_test(tc, test_config_cors_origins_default_file_and_environment);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
