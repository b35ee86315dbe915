/* [database] nodes: the list parser and the configuration's refusal of bad lists. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/db_nodes.h"

START_TEST(test_nodes_parse_in_order)
{
	struct db_node n[DB_NODES_MAX];
	char err[256], name[600];
	int c = db_nodes_parse(" db1.example.org:3307, 10.0.0.2:13306 /run/mysqld/mysqld.sock,[::1]:3308,db5", 3306, n,
			       DB_NODES_MAX, err, sizeof err);
	ck_assert_int_eq(c, 5);
	ck_assert_str_eq(n[0].host, "db1.example.org");
	ck_assert_uint_eq(n[0].port, 3307);
	ck_assert_str_eq(n[0].socket, "");
	ck_assert_str_eq(n[1].host, "10.0.0.2");
	ck_assert_uint_eq(n[1].port, 13306);
	ck_assert_str_eq(n[2].socket, "/run/mysqld/mysqld.sock");
	ck_assert_str_eq(n[2].host, "");
	ck_assert_str_eq(n[3].host, "::1");
	ck_assert_uint_eq(n[3].port, 3308);
	ck_assert_str_eq(db_node_name(&n[3], name, sizeof name), "[::1]:3308");
	ck_assert_str_eq(n[4].host, "db5");
	ck_assert_uint_eq(n[4].port, 3306); /* the default port */
	ck_assert_str_eq(db_node_name(&n[0], name, sizeof name), "db1.example.org:3307");
	ck_assert_str_eq(db_node_name(&n[2], name, sizeof name), "/run/mysqld/mysqld.sock");
}
END_TEST

START_TEST(test_empty_list_is_zero_nodes)
{
	struct db_node n[2];
	char err[64];
	ck_assert_int_eq(db_nodes_parse("", 3306, n, 2, err, sizeof err), 0);
	ck_assert_int_eq(db_nodes_parse(" , ,", 3306, n, 2, err, sizeof err), 0);
}
END_TEST

START_TEST(test_bad_entries_are_refused_with_a_reason)
{
	static const char *const bad[] = {"db1:0", "db1:65536", "db1:33x6", "db1:", ":3306", "db one!:3306",
					  "[::1", "[]:3306", "[::1]3306", "relative/sock", "db1:123456"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct db_node n[4];
		char err[256] = "";
		ck_assert_msg(db_nodes_parse(bad[i], 3306, n, 4, err, sizeof err) == -1, "'%s' refused", bad[i]);
		ck_assert_msg(err[0] != '\0', "'%s' has a reason", bad[i]);
	}
	struct db_node n[2];
	char err[256];
	ck_assert_int_eq(db_nodes_parse("a:1,b:2,c:3", 3306, n, 2, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than 2"));
}
END_TEST

START_TEST(test_config_names_the_key_of_a_bad_list)
{
	char path[] = "/tmp/turnero-check-nodes-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *text = "[database]\nnodes = 127.0.0.1:13306, 127.0.0.1:99999\n";
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct config cfg;
	char err[512];
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "[database] nodes") && strstr(err, "99999"), "error names key and entry: %s", err);

	setenv("TURNERO_DATABASE_NODES", "127.0.0.1:13306 /tmp/n2.sock", 1);
	ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), 0);
	ck_assert_str_eq(cfg.database.nodes, "127.0.0.1:13306 /tmp/n2.sock");
	unsetenv("TURNERO_DATABASE_NODES");
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("db_nodes");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_nodes_parse_in_order);
	tcase_add_test(tc, test_empty_list_is_zero_nodes);
	tcase_add_test(tc, test_bad_entries_are_refused_with_a_reason);
	tcase_add_test(tc, test_config_names_the_key_of_a_bad_list);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
