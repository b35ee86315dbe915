/*
 * [database] nodes against the stack's real MariaDB (no Galera: a plain server always
 * qualifies): turneroctl migrate connects through the first node that answers, skipping
 * dead ones, and fails with every node named when none answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Writes a config like the stack's but with [database] nodes = nodes; returns its path. */
static const char *config_with_nodes(const char *nodes)
{
	static char path[4096];
	snprintf(path, sizeof path, "%s", it_state_path("it-nodes.conf"));
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
		"[database]\nnodes = %s\npassword_file = %s\nmigrations_dir = %s/sql\n"
		"[auth]\nsecret_file = %s\n",
		nodes, it_state_path("db.password"), getenv("TURNERO_SRC_DIR"), it_state_path("jwt.secret"));
	fclose(f);
	return path;
}

/* Runs turneroctl -c conf migrate; returns its exit status, output in out. */
static int migrate(const char *conf, char *out, size_t len)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' migrate 2>&1 </dev/null", getenv("TURNERO_BUILD_DIR"), conf);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_first_answering_node_is_used)
{
	char sock[4200], nodes[8600], out[8192];
	snprintf(sock, sizeof sock, "%s", it_state_path("run/mysql.sock"));
	ck_assert_int_eq(access(sock, F_OK), 0);
	/* Port 1 on loopback refuses at once; a socket path that does not exist too. */
	snprintf(nodes, sizeof nodes, "127.0.0.1:1, %s.absent %s", sock, sock);
	int rc = migrate(config_with_nodes(nodes), out, sizeof out);
	ck_assert_msg(rc == 0, "migrate through the third node: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "0 applied"), "schema already up to date: %s", out);
}
END_TEST

START_TEST(test_no_answering_node_fails_naming_each)
{
	char sock[4200], nodes[8600], out[8192];
	snprintf(sock, sizeof sock, "%s.absent", it_state_path("run/mysql.sock"));
	snprintf(nodes, sizeof nodes, "127.0.0.1:1,%s", sock);
	int rc = migrate(config_with_nodes(nodes), out, sizeof out);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(out, "127.0.0.1:1") && strstr(out, sock), "both nodes named: %s", out);
}
END_TEST

START_TEST(test_bad_node_list_is_refused_before_connecting)
{
	char out[8192];
	int rc = migrate(config_with_nodes("127.0.0.1:70000"), out, sizeof out);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(out, "[database] nodes"), "names the key: %s", out);
}
END_TEST

int main(void)
{
	it_init();
	Suite *s = suite_create("nodes");
	TCase *tc = tcase_create("nodes");
	tcase_add_test(tc, test_first_answering_node_is_used);
	tcase_add_test(tc, test_no_answering_node_fails_naming_each);
	tcase_add_test(tc, test_bad_node_list_is_refused_before_connecting);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
