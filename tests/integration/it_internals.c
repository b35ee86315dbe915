/*
 * Engine internals through the real stack: the transaction runner against the stack's
 * MariaDB (libturnero linked directly), 404 before 422 on ticket operations, and CORS.
 */
#include <dlfcn.h>
#include <mysql.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/config.h"
#include "common/ids.h"
#include "harness.h"
#include "repo/customer_repo.h"
#include "repo/db.h"
#include "repo/stmt.h"

#define MISSING_ID "00000000-0000-4000-8000-000000000000"
#define MEDIA_PRIORITY "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"

static char admin_token[4096];

/* ---- the transaction runner ------------------------------------------------ */

/*
 * libturnero's calls to mysql_rollback land here (the program's own definition wins over
 * the shared library's): while armed, the next rollback "fails" without reaching the
 * server, as a rollback lost to a network fault would, leaving the transaction open.
 */
static int rollbacks_to_fail;
static int rollbacks_seen;

my_bool STDCALL mysql_rollback(MYSQL *mysql)
{
	rollbacks_seen++;
	if (rollbacks_to_fail > 0) {
		rollbacks_to_fail--;
		return 1;
	}
	my_bool(STDCALL * real)(MYSQL *) = (my_bool(STDCALL *)(MYSQL *))dlsym(RTLD_NEXT, "mysql_rollback");
	ck_assert_ptr_nonnull(real);
	return real(mysql);
}

static struct config cfg;

static void load_stack_config(void)
{
	char err[512];
	ck_assert_msg(config_load(&cfg, it_state_path("turnero.conf"), err, sizeof err) == 0, "%s", err);
}

/* A dni no other run uses (VARCHAR(20)). */
static void fresh_dni(char out[21])
{
	static unsigned n;
	snprintf(out, 21, "tx%u-%u-%u", (unsigned)getpid() % 100000u, (unsigned)(ids_mono_us() % 100000),
		 n++);
}

static long long insert_customer(struct db *db, const char *dni)
{
	struct customer_rec c;
	memset(&c, 0, sizeof c);
	ids_uuid_v4(c.id);
	c.has_dni = true;
	snprintf(c.dni, sizeof c.dni, "%s", dni);
	snprintf(c.first_name, sizeof c.first_name, "Tx");
	snprintf(c.last_name, sizeof c.last_name, "Runner");
	c.state = true;
	return repo_customer_insert(db, &c);
}

/* 1 when a customer with dni is committed, seen from a connection of its own. */
static long long committed(const char *dni)
{
	struct db *other = db_new(&cfg);
	ck_assert_ptr_nonnull(other);
	struct customer_rec c;
	long long rc = repo_customer_get_by_dni(other, dni, &c);
	db_free(other);
	ck_assert_int_ge(rc, 0);
	return rc;
}

struct insert_then_fail {
	const char *dni;
	long long insert_rc;
	int calls;
};

static enum app_err insert_then_refuse(struct db *db, void *cls)
{
	struct insert_then_fail *t = cls;
	t->calls++;
	t->insert_rc = insert_customer(db, t->dni);
	return APP_INVALID;
}

START_TEST(test_tx_failed_rollback_commits_nothing)
{
	load_stack_config();
	struct db *db = db_new(&cfg);
	ck_assert_ptr_nonnull(db);
	char dni[21];
	fresh_dni(dni);
	struct insert_then_fail t = {dni, 0, 0};
	rollbacks_to_fail = 1;
	rollbacks_seen = 0;
	ck_assert_int_eq(db_tx_run(db, "it rollback fails", insert_then_refuse, &t), APP_INVALID);
	ck_assert_int_eq(t.calls, 1);
	ck_assert_int_eq(t.insert_rc, 1);
	ck_assert_int_eq(rollbacks_seen, 1);
	ck_assert_int_eq(rollbacks_to_fail, 0);
	/* Turning autocommit back on would have committed the insert; the connection was closed instead. */
	ck_assert_int_eq(committed(dni), 0);
	ck_assert(!db_in_tx(db));

	/* The same handle reconnects by itself and works normally: a refused body leaves nothing... */
	char dni2[21];
	fresh_dni(dni2);
	struct insert_then_fail t2 = {dni2, 0, 0};
	ck_assert_int_eq(db_tx_run(db, "it rollback works", insert_then_refuse, &t2), APP_INVALID);
	ck_assert_int_eq(t2.insert_rc, 1);
	ck_assert_int_eq(committed(dni2), 0);
	/* ...and a plain statement outside a transaction is committed at once. */
	ck_assert_int_eq(insert_customer(db, dni2), 1);
	ck_assert_int_eq(committed(dni2), 1);
	db_free(db);
}
END_TEST

struct nested {
	enum app_err inner;
	const char *dni;
};

static enum app_err insert_only(struct db *db, void *cls)
{
	struct nested *n = cls;
	return db_app_err(insert_customer(db, n->dni));
}

static enum app_err nest(struct db *db, void *cls)
{
	struct nested *n = cls;
	ck_assert(db_in_tx(db));
	n->inner = db_tx_run(db, "it inner", insert_only, n);
	/* The outer transaction is still open and still ours to roll back. */
	ck_assert(db_in_tx(db));
	return APP_CONFLICT;
}

START_TEST(test_tx_nested_run_is_refused)
{
	load_stack_config();
	struct db *db = db_new(&cfg);
	ck_assert_ptr_nonnull(db);
	char dni[21];
	fresh_dni(dni);
	struct nested n = {APP_OK, dni};
	ck_assert_int_eq(db_tx_run(db, "it outer", nest, &n), APP_CONFLICT);
	ck_assert_int_eq(n.inner, APP_INTERNAL);
	ck_assert_int_eq(committed(dni), 0);
	db_free(db);
}
END_TEST

/* Kills every connection of the turnero user (workers reconnect by themselves). */
static void kill_turnero_connections(void)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "mariadb --no-defaults --socket='%s' --user=\"$(id -un)\" -e 'KILL CONNECTION USER turnero'"
		 " >/dev/null 2>&1",
		 it_state_path("run/mysql.sock"));
	ck_assert_int_eq(system(cmd), 0);
}

struct lost_tx {
	const char *dni[3];
	long long rc[3];
	int calls;
};

/* First attempt: insert, lose the connection, and carry on regardless (a careless body). */
static enum app_err insert_lose_insert(struct db *db, void *cls)
{
	struct lost_tx *t = cls;
	if (t->calls++ > 0)
		return APP_INVALID; /* the retry gives up, so only the first attempt could leave rows */
	t->rc[0] = insert_customer(db, t->dni[0]);
	kill_turnero_connections();
	t->rc[1] = insert_customer(db, t->dni[1]);
	t->rc[2] = insert_customer(db, t->dni[2]);
	return APP_OK;
}

START_TEST(test_tx_lost_connection_runs_nothing_outside_the_transaction)
{
	load_stack_config();
	struct db *db = db_new(&cfg);
	ck_assert_ptr_nonnull(db);
	char dni[3][21];
	struct lost_tx t = {{dni[0], dni[1], dni[2]}, {0, 0, 0}, 0};
	for (int i = 0; i < 3; i++)
		fresh_dni(dni[i]);
	ck_assert_int_eq(db_tx_run(db, "it lost", insert_lose_insert, &t), APP_INVALID);
	ck_assert_int_eq(t.calls, 2); /* lost before COMMIT: the runner tried again */
	ck_assert_int_eq(t.rc[0], 1);
	ck_assert_int_eq(t.rc[1], DB_UNAVAILABLE);
	/* No silent reconnect in autocommit mode for the rest of the body. */
	ck_assert_int_eq(t.rc[2], DB_UNAVAILABLE);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(committed(dni[i]), 0);
	db_free(db);
}
END_TEST

/* ---- 404 before 422 on ticket operations ------------------------------------ */

static void assert_not_found(const char *op, const char *body)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/tickets/%s/%s", MISSING_ID, op);
	struct it_response r;
	it_json("POST", path, admin_token, body, &r);
	ck_assert_msg(r.status == 404, "POST %s %s: %ld %s", path, body ? body : "(no body)", r.status,
		      r.body ? r.body : "");
	it_assert_problem(&r, 404);
	it_response_free(&r);
}

START_TEST(test_unknown_ticket_is_404_before_body_checks)
{
	static const char *const plain[] = {"serve", "no-show", "recall", "cancel", "requeue", "call", NULL};
	for (int i = 0; plain[i]; i++)
		assert_not_found(plain[i], NULL);
	/* What the body lacks or gets wrong is not looked at for a ticket that does not exist. */
	assert_not_found("call", "{}");
	assert_not_found("call", "{\"queue_id\":\"not-a-uuid\"}");
	assert_not_found("call", "{\"queue_id\":\"" MISSING_ID "\"}");
	assert_not_found("transfer", "{}");
	assert_not_found("transfer", "{\"queue_id\":42}");
	assert_not_found("transfer", "{\"queue_id\":\"" MISSING_ID "\"}");
}
END_TEST

START_TEST(test_known_ticket_still_gets_422_for_a_missing_queue)
{
	char queue_id[64], prefix[4], body[512], path[160];
	ck_assert_int_eq(it_create_queue(admin_token, it_unique("it-internals"), "fifo", "[\"" MEDIA_PRIORITY "\"]",
					 queue_id, prefix),
			 0);
	char dni[21];
	fresh_dni(dni);
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"" MEDIA_PRIORITY "\",\"queue_id\":\"%s\","
		 "\"customer\":{\"dni\":\"%s\",\"first_name\":\"Ida\",\"last_name\":\"Known\"}}",
		 queue_id, dni);
	struct it_response r;
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	char ticket_id[64];
	snprintf(ticket_id, sizeof ticket_id, "%s", it_str(&r, "id"));
	it_response_free(&r);

	/* The admin has no queue of their own, so a call needs queue_id. */
	snprintf(path, sizeof path, "/api/v1/tickets/%s/call", ticket_id);
	it_json("POST", path, admin_token, NULL, &r);
	it_assert_problem(&r, 422);
	ck_assert_ptr_nonnull(strstr(r.body, "\"queue_id\""));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/tickets/%s/transfer", ticket_id);
	it_json("POST", path, admin_token, "{}", &r);
	it_assert_problem(&r, 422);
	ck_assert_ptr_nonnull(strstr(r.body, "\"queue_id\""));
	it_response_free(&r);

	/* Nothing changed: the ticket still waits in its queue. */
	snprintf(path, sizeof path, "/api/v1/tickets/%s", ticket_id);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "status"), "waiting");
	ck_assert_str_eq(it_str(&r, "queue_id"), queue_id);
	it_response_free(&r);
}
END_TEST

/* What openapi.yaml's shared BadRequest promises for {id} routes (and every other). */
START_TEST(test_unreadable_uri_or_query_is_a_400_problem)
{
	static const char *const paths[] = {"/api/v1/tickets/%00", "/api/v1/tickets/%00/serve",
					    "/api/v1/priorities/" MEDIA_PRIORITY "?%zz", "/api/v1/health?a=%zz", NULL};
	for (int i = 0; paths[i]; i++) {
		struct it_response r;
		it_json(i == 1 ? "POST" : "GET", paths[i], admin_token, NULL, &r);
		ck_assert_msg(r.status == 400, "%s: %ld %s", paths[i], r.status, r.body);
		it_assert_problem(&r, 400);
		char *rid = it_header(&r, "X-Request-Id");
		ck_assert_ptr_nonnull(rid);
		free(rid);
		it_response_free(&r);
	}
}
END_TEST

/* ---- CORS (run-stack.sh allows the two origins below) ------------------------ */

#define DASH "https://dash.example.org"
#define DEV_DASH "http://127.0.0.1:5173"

static void assert_header(const struct it_response *r, const char *name, const char *want)
{
	char *v = it_header(r, name);
	ck_assert_msg(v != NULL, "no %s header in:\n%s", name, r->headers);
	ck_assert_str_eq(v, want);
	free(v);
}

/* Not one Access-Control-* header. */
static void assert_no_cors(const struct it_response *r)
{
	for (const char *line = r->headers; line && *line; line = strstr(line, "\n") ? strstr(line, "\n") + 1 : "")
		ck_assert_msg(strncasecmp(line, "access-control-", 15) != 0, "unexpected CORS header in:\n%s",
			      r->headers);
}

static void preflight(const char *path, const char *origin, struct it_response *r)
{
	char o[256];
	snprintf(o, sizeof o, "Origin: %s", origin);
	const char *headers[] = {o, "Access-Control-Request-Method: POST",
				 "Access-Control-Request-Headers: authorization, content-type, idempotency-key", NULL};
	it_request("OPTIONS", path, headers, NULL, 0, r);
}

START_TEST(test_cors_preflight_from_an_allowed_origin)
{
	struct it_response r;
	preflight("/api/v1/tickets", DASH, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_int_eq(r.body_len, 0);
	assert_header(&r, "Access-Control-Allow-Origin", DASH);
	assert_header(&r, "Access-Control-Allow-Methods", "GET, HEAD, POST");
	assert_header(&r, "Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key");
	assert_header(&r, "Access-Control-Max-Age", "600");
	assert_header(&r, "Vary", "Origin");
	assert_header(&r, "Allow", "GET, HEAD, POST, OPTIONS");
	ck_assert_ptr_null(it_header(&r, "Access-Control-Allow-Credentials"));
	ck_assert_ptr_null(it_header(&r, "Access-Control-Expose-Headers"));
	it_response_free(&r);

	/* A route with a parameter, the other listed origin: its own methods. */
	preflight("/api/v1/priorities/" MEDIA_PRIORITY, DEV_DASH, &r);
	ck_assert_int_eq(r.status, 204);
	assert_header(&r, "Access-Control-Allow-Origin", DEV_DASH);
	assert_header(&r, "Access-Control-Allow-Methods", "GET, HEAD, PATCH, DELETE");
	it_response_free(&r);

	/* Scheme and host are compared without regard to case; the configured text is echoed. */
	preflight("/api/v1/health", "HTTPS://Dash.Example.ORG", &r);
	ck_assert_int_eq(r.status, 204);
	assert_header(&r, "Access-Control-Allow-Origin", DASH);
	it_response_free(&r);

	/* No route, no preflight. */
	preflight("/api/v1/no-such-route", DASH, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
}
END_TEST

START_TEST(test_cors_preflight_from_a_foreign_origin_allows_nothing)
{
	static const char *const foreign[] = {"https://evil.example", "https://dash.example.org.evil.example",
					      "http://dash.example.org", "https://dash.example.org:444", "null",
					      "*", NULL};
	for (int i = 0; foreign[i]; i++) {
		struct it_response r;
		preflight("/api/v1/tickets", foreign[i], &r);
		ck_assert_msg(r.status == 204, "%s: %ld", foreign[i], r.status);
		assert_no_cors(&r);
		assert_header(&r, "Allow", "GET, HEAD, POST, OPTIONS");
		it_response_free(&r);
	}
	/* Without Origin, OPTIONS simply lists the methods. */
	struct it_response r;
	it_request("OPTIONS", "/api/v1/health", NULL, NULL, 0, &r);
	ck_assert_int_eq(r.status, 204);
	assert_no_cors(&r);
	assert_header(&r, "Allow", "GET, HEAD, OPTIONS");
	it_response_free(&r);
}
END_TEST

START_TEST(test_cors_answers_carry_headers_for_allowed_origins_only)
{
	struct it_response r;
	const char *dash[] = {"Origin: " DASH, NULL};
	it_request("GET", "/api/v1/health", dash, NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	assert_header(&r, "Access-Control-Allow-Origin", DASH);
	assert_header(&r, "Access-Control-Expose-Headers", "X-Request-Id, Retry-After, Location");
	assert_header(&r, "Vary", "Origin");
	ck_assert_ptr_null(it_header(&r, "Access-Control-Allow-Methods"));
	it_response_free(&r);

	/* Problems too, so the dashboard can read why (here: no token). */
	it_request("GET", "/api/v1/priorities", dash, NULL, 0, &r);
	it_assert_problem(&r, 401);
	assert_header(&r, "Access-Control-Allow-Origin", DASH);
	it_response_free(&r);

	/* An authenticated answer from the other listed origin. */
	char auth[4200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin_token);
	const char *dev[] = {"Origin: " DEV_DASH, auth, NULL};
	it_request("GET", "/api/v1/priorities", dev, NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	assert_header(&r, "Access-Control-Allow-Origin", DEV_DASH);
	it_response_free(&r);

	const char *evil[] = {"Origin: https://evil.example", NULL};
	it_request("GET", "/api/v1/health", evil, NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	assert_no_cors(&r);
	it_response_free(&r);
	it_request("GET", "/api/v1/health", NULL, NULL, 0, &r);
	ck_assert_int_eq(r.status, 200);
	assert_no_cors(&r);
	it_response_free(&r);
}
END_TEST

/* ---- statements ------------------------------------------------------------ */

/* Every statement of stmt.c prepares against the migrated schema, those no other test
 * happens to run included (placement has one per split of its blocks by policy). */
START_TEST(test_every_statement_prepares)
{
	MYSQL *m = mysql_init(NULL);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(mysql_real_connect(m, NULL, "root", NULL, "turnero", 0, it_state_path("run/mysql.sock"), 0),
		      "connect: %s", mysql_error(m));
	for (int i = 0; i < STMT__MAX; i++) {
		const char *sql = stmt_sql((enum stmt_id)i);
		MYSQL_STMT *st = mysql_stmt_init(m);
		ck_assert_ptr_nonnull(st);
		int rc = mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql));
		ck_assert_msg(rc == 0, "%s: %s", stmt_name((enum stmt_id)i), mysql_stmt_error(st));
		mysql_stmt_close(st);
	}
	mysql_close(m);
}
END_TEST

/* ---- identifiers (sql/015_ascii_ids.sql) -------------------------------------------- */

/* Every UUID column compares as bytes: one utf8mb4 column among them would make MariaDB
 * convert the other side of each comparison with it, and its index would go unused. */
START_TEST(test_every_id_column_compares_as_bytes)
{
	long long ids = it_sql_number("SELECT COUNT(*) FROM information_schema.columns"
				       " WHERE table_schema = DATABASE() AND column_type = 'char(36)'");
	ck_assert_msg(ids >= 40, "the UUID columns are found: %lld", ids);
	long long other = it_sql_number("SELECT COUNT(*) FROM information_schema.columns"
					 " WHERE table_schema = DATABASE() AND column_type = 'char(36)'"
					 " AND collation_name <> 'ascii_bin'");
	ck_assert_msg(other == 0, "%lld UUID columns are not ascii_bin", other);
}
END_TEST

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'f')
			*s = (char)(*s - 'a' + 'A');
}

/* Stored ids are lowercase; one written in capitals finds the same rows, in a path, a
 * query parameter and a body (the API lowercases them before they reach the database). */
START_TEST(test_ids_in_capitals_find_the_same_rows)
{
	char queue_id[64], upper_queue[64], ticket_id[64], upper_ticket[64], path[256], body[256];
	it_new_queue(admin_token, "it-internals-caps", queue_id);
	it_new_ticket(admin_token, queue_id, ticket_id);
	snprintf(upper_queue, sizeof upper_queue, "%s", queue_id);
	snprintf(upper_ticket, sizeof upper_ticket, "%s", ticket_id);
	upper(upper_queue);
	upper(upper_ticket);
	ck_assert_str_ne(upper_queue, queue_id);

	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/tickets/%s", upper_ticket);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	ck_assert_str_eq(it_str(&r, "id"), ticket_id);
	it_response_free(&r);

	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s", upper_queue);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	ck_assert_int_eq(it_obj_int(r.json, "total"), 1);
	it_response_free(&r);

	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"queue_id\":\"%s\",\"customer\":{\"first_name\":\"Ana\",\"last_name\":\"Caps\"}}",
		 MEDIA_PRIORITY, upper_queue);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "POST /tickets: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "queue_id"), queue_id);
	it_response_free(&r);
	snprintf(path, sizeof path, "SELECT COUNT(*) FROM tickets WHERE queue_id = '%s'", queue_id);
	ck_assert_int_eq(it_sql_number(path), 2);
}
END_TEST

int main(void)
{
	it_init();
	if (it_admin_login(admin_token, sizeof admin_token) < 0)
		return 1;
	Suite *s = suite_create("internals");
	TCase *tx = tcase_create("transaction runner");
	tcase_set_timeout(tx, 120);
	tcase_add_test(tx, test_tx_failed_rollback_commits_nothing);
	tcase_add_test(tx, test_tx_nested_run_is_refused);
	tcase_add_test(tx, test_tx_lost_connection_runs_nothing_outside_the_transaction);
	suite_add_tcase(s, tx);
	TCase *ops = tcase_create("ticket operations");
	tcase_set_timeout(ops, 120);
	tcase_add_test(ops, test_unknown_ticket_is_404_before_body_checks);
	tcase_add_test(ops, test_known_ticket_still_gets_422_for_a_missing_queue);
	tcase_add_test(ops, test_unreadable_uri_or_query_is_a_400_problem);
	suite_add_tcase(s, ops);
	TCase *cors = tcase_create("CORS");
	tcase_set_timeout(cors, 120);
	tcase_add_test(cors, test_cors_preflight_from_an_allowed_origin);
	tcase_add_test(cors, test_cors_preflight_from_a_foreign_origin_allows_nothing);
	tcase_add_test(cors, test_cors_answers_carry_headers_for_allowed_origins_only);
	suite_add_tcase(s, cors);
	TCase *idc = tcase_create("identifiers");
	tcase_set_timeout(idc, 120);
	tcase_add_test(idc, test_every_id_column_compares_as_bytes);
	tcase_add_test(idc, test_ids_in_capitals_find_the_same_rows);
	suite_add_tcase(s, idc);
	TCase *stc = tcase_create("statements");
	tcase_set_timeout(stc, 120);
	tcase_add_test(stc, test_every_statement_prepares);
	suite_add_tcase(s, stc);
	return it_run_suite(s);
}
