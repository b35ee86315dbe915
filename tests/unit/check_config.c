/* Configuration: defaults, file values, environment overrides and clear refusals. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"

static char path[64];

static void write_config(const char *text)
{
	snprintf(path, sizeof path, "/tmp/turnero-check-config-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void teardown(void)
{
	unlink(path);
	unsetenv("TURNERO_SERVER_WORKERS");
	unsetenv("TURNERO_DATABASE_NAME");
	unsetenv("TURNERO_LOG_ACCESS");
}

START_TEST(test_config_defaults_apply_to_missing_keys)
{
	struct config cfg;
	char err[256];
	write_config("[server]\nworkers = 3\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_int_eq(cfg.server.workers, 3);
	ck_assert_int_eq(cfg.server.max_body_bytes, 65536);
	ck_assert_int_eq(cfg.server.socket_mode, 0660);
	ck_assert_str_eq(cfg.database.name, "turnero");
	ck_assert_int_eq(cfg.auth.access_ttl, 900);
	ck_assert_int_eq(cfg.queue.default_service_seconds, 300);
	ck_assert(cfg.log.access);
}
END_TEST

START_TEST(test_config_environment_overrides_file)
{
	struct config cfg;
	char err[256];
	write_config("[server]\nworkers = 3\n[database]\nname = fromfile\n");
	setenv("TURNERO_SERVER_WORKERS", "7", 1);
	setenv("TURNERO_DATABASE_NAME", "fromenv", 1);
	setenv("TURNERO_LOG_ACCESS", "false", 1);
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_int_eq(cfg.server.workers, 7);
	ck_assert_str_eq(cfg.database.name, "fromenv");
	ck_assert(!cfg.log.access);
}
END_TEST

START_TEST(test_config_unknown_key_is_refused_with_its_name)
{
	struct config cfg;
	char err[256];
	write_config("[server]\nworkerz = 3\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "[server] workerz"));
	ck_assert_ptr_nonnull(strstr(err, "unknown key"));
}
END_TEST

START_TEST(test_config_out_of_range_and_garbage_numbers_are_refused)
{
	struct config cfg;
	char err[256];
	write_config("[server]\nworkers = 0\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "out of range"));
	unlink(path);
	write_config("[server]\nworkers = 4x\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "integer"));
	unlink(path);
	write_config("[log]\nlevel = loud\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "[log] level"));
}
END_TEST

/* A worker waits io_timeout for one exchange with the database, then moves down the
 * node list: 8 s by default, above Galera's ~6 s eviction of a dead node. */
START_TEST(test_config_database_io_timeout)
{
	struct config cfg;
	char err[256];
	write_config("[database]\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_int_eq(cfg.database.io_timeout, 8);
	unlink(path);
	write_config("[database]\nio_timeout = 20\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_int_eq(cfg.database.io_timeout, 20);
	unlink(path);
	write_config("[database]\nio_timeout = 0\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "io_timeout"));
	ck_assert_ptr_nonnull(strstr(err, "out of range"));
}
END_TEST

START_TEST(test_config_bad_environment_value_names_the_variable)
{
	struct config cfg;
	char err[256];
	write_config("[server]\n");
	setenv("TURNERO_SERVER_WORKERS", "many", 1);
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "TURNERO_SERVER_WORKERS"));
}
END_TEST

START_TEST(test_config_missing_file_is_an_error)
{
	struct config cfg;
	char err[256];
	ck_assert_int_eq(config_load(&cfg, "/nonexistent/turnero.conf", err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/turnero.conf"));
}
END_TEST

START_TEST(test_config_secret_strips_one_newline)
{
	char buf[64], err[128];
	write_config("0123456789abcdef0123456789abcdef\n");
	ck_assert_int_eq(config_read_secret(path, buf, sizeof buf, err, sizeof err), 32);
	ck_assert_int_eq(memcmp(buf, "0123456789abcdef0123456789abcdef", 32), 0);
	/* A file larger than the buffer is refused, not truncated. */
	ck_assert_int_eq(config_read_secret(path, buf, 16, err, sizeof err), -1);
}
END_TEST

START_TEST(test_config_dump_round_trips)
{
	struct config cfg, again;
	char err[256];
	write_config("[server]\nworkers = 5\nsocket_mode = 0600\n[queue]\ntimezone = America/Argentina/Buenos_Aires\n");
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	unlink(path);
	snprintf(path, sizeof path, "/tmp/turnero-check-dump-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	config_dump(&cfg, f);
	fclose(f);
	ck_assert_int_eq(config_load(&again, path, err, sizeof err), 0);
	ck_assert_int_eq(memcmp(&cfg, &again, sizeof cfg), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_config_defaults_apply_to_missing_keys);
	tcase_add_test(tc, test_config_environment_overrides_file);
	tcase_add_test(tc, test_config_unknown_key_is_refused_with_its_name);
	tcase_add_test(tc, test_config_database_io_timeout);
	tcase_add_test(tc, test_config_out_of_range_and_garbage_numbers_are_refused);
	tcase_add_test(tc, test_config_bad_environment_value_names_the_variable);
	tcase_add_test(tc, test_config_missing_file_is_an_error);
	tcase_add_test(tc, test_config_secret_strips_one_newline);
	tcase_add_test(tc, test_config_dump_round_trips);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
