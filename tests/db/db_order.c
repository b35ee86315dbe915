/*
 * The call order (src/repo/queue_order.h) against a real MariaDB: tickets are written
 * straight into the tickets table with chosen levels, created/due dates and SLA
 * deadlines, and the statements production runs order them:
 *   - the take of call-next, through svc_ticket_call_next (service/ticket.c) until the
 *     queue is empty;
 *   - GET /queues/{id}/order, through repo_explain_order;
 *   - the position of every waiting ticket, through repo_ticket_position.
 * All three must give the expected order. Times are fixed instants in the past (overdue
 * means a deadline in the past, in SLA one far ahead), so nothing depends on the clock.
 *
 * Runs under tests/db/run.sh, which starts a private MariaDB and migrates it;
 * TURNERO_TEST_STATE is that directory (turnero.conf, run/mysql.sock).
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "common/ids.h"
#include "common/strbuf.h"
#include "repo/db.h"
#include "repo/explain_repo.h"
#include "repo/ticket_repo.h"
#include "service/app.h"
#include "service/ticket.h"

#define ALTA "0b5e7d2a-5c1e-4f7a-8d3b-000000000001" /* seeded by sql/002_seed.sql */
#define ADMIN_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000001"
/* Every instant of a test counts from here, in minutes (and milliseconds) after it. */
#define BASE "'2020-03-02 09:00:00.000'"
#define MAX_TICKETS 12

static struct config cfg;
static struct svc_app app;
static char user_id[UUID_STR_LEN], customer_id[UUID_STR_LEN];
static int queue_seq;

static char state_dir[256];

/* Runs SQL through the mariadb client, as the stack's administrator (fixtures only): 0 or -1. */
static int sql_run(const char *statement)
{
	struct strbuf cmd = STRBUF_INIT;
	strbuf_printf(&cmd, "mariadb --no-defaults --socket='%s/run/mysql.sock' -uroot turnero -e \"%s\"", state_dir,
		      statement);
	int rc = system(strbuf_cstr(&cmd));
	strbuf_free(&cmd);
	return rc == 0 ? 0 : -1;
}

static void sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sql(const char *fmt, ...)
{
	char statement[4096];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(statement, sizeof statement, fmt, ap);
	va_end(ap);
	ck_assert_int_lt(len, (int)sizeof statement);
	ck_assert_msg(sql_run(statement) == 0, "SQL failed: %s", statement);
}

enum sla { NO_SLA, IN_SLA, OVERDUE };

/* One ticket of a case: its label (for messages), level, times and SLA. */
struct tspec {
	const char *label;
	int level;
	long long created_ms; /* after BASE */
	long long due_ms;     /* after BASE; -1: the same as created (no appointment) */
	enum sla sla;
	char id_suffix; /* the last hex digit of its id: decides full ties (id is the last key) */
};

#define MIN_MS 60000LL

/* A paused queue of its own (paused: call-next serves only its own tickets, steals nothing). */
static void make_queue(const char *policy, char id[UUID_STR_LEN])
{
	ids_uuid_v4(id);
	int n = queue_seq++;
	sql("INSERT INTO queues (id, name, prefix, state, policy) VALUES ('%s', 'db order %d', '%c%c', 'paused', '%s')",
	    id, n, 'A' + n / 26 % 26, 'A' + n % 26, policy);
	sql("INSERT INTO queue_priorities (queue_id, priority_id) VALUES ('%s', '" ALTA "')", id);
}

/* Writes the tickets of a case into queue_id; ids[i] gets ticket i's id. */
static void insert_tickets(const char *queue_id, const struct tspec *t, size_t n, char ids[][UUID_STR_LEN])
{
	for (size_t i = 0; i < n; i++) {
		/* The queue's id with the last 2 hex digits replaced: unique, and ties order by suffix. */
		snprintf(ids[i], UUID_STR_LEN, "%.34s%c%x", queue_id, t[i].id_suffix, (unsigned)i);
		long long due = t[i].due_ms >= 0 ? t[i].due_ms : t[i].created_ms;
		const char *deadline = t[i].sla == NO_SLA   ? "NULL"
				       : t[i].sla == IN_SLA ? "'2999-01-01 00:00:00.000'"
							    : BASE " + INTERVAL 1 SECOND";
		sql("INSERT INTO tickets (id, customer_id, priority_id, priority_level, queue_id, issued_queue_id,"
		    " service_date, number, code, status, due_date, sla_deadline, created_date, updated_date)"
		    " VALUES ('%s', '%s', '" ALTA "', %d, '%s', '%s', '2020-03-02', %zu, 'T-%03zu', 'waiting',"
		    " " BASE " + INTERVAL %lld MICROSECOND, %s, " BASE " + INTERVAL %lld MICROSECOND,"
		    " " BASE " + INTERVAL %lld MICROSECOND)",
		    ids[i], customer_id, t[i].level, queue_id, queue_id, i + 1, i + 1, due * 1000, deadline,
		    t[i].created_ms * 1000, t[i].created_ms * 1000);
	}
}

static const char *label_of(const struct tspec *t, char ids[][UUID_STR_LEN], size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return t[i].label;
	return "(a ticket of no case)";
}

/*
 * The case: tickets t[0..n) in a new queue of policy; expected lists their labels in call
 * order. Checks the order statement, every position, then calls them all.
 */
static void check_order(const char *policy, const struct tspec *t, size_t n, const char *const *expected)
{
	char queue_id[UUID_STR_LEN], ids[MAX_TICKETS][UUID_STR_LEN];
	ck_assert_uint_le(n, MAX_TICKETS);
	make_queue(policy, queue_id);
	insert_tickets(queue_id, t, n, ids);

	/* GET /queues/{id}/order */
	enum queue_policy pol;
	long long now_ms = 0;
	struct order_row *rows = NULL;
	size_t nrows = 0;
	ck_assert_int_gt(repo_explain_order(app.db, queue_id, &pol, &now_ms, &rows, &nrows), 0);
	ck_assert_str_eq(queue_policy_name(pol), policy);
	ck_assert_uint_eq(nrows, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(label_of(t, ids, n, rows[i].ticket_id), expected[i]) == 0,
			      "%s order: rank %zu is %s, expected %s", policy, i + 1,
			      label_of(t, ids, n, rows[i].ticket_id), expected[i]);
	free(rows);

	/* The position of each ticket is its rank. */
	for (size_t i = 0; i < n; i++) {
		long long position = 0;
		ck_assert_int_ge(repo_ticket_position(app.db, ids[i], &position), 0);
		size_t rank = 0;
		while (rank < n && strcmp(expected[rank], t[i].label) != 0)
			rank++;
		ck_assert_msg(position == (long long)rank + 1, "%s: position of %s is %lld, expected %zu", policy,
			      t[i].label, position, rank + 1);
	}

	/* call-next, as an attendant presses it, until nobody waits. */
	struct svc_actor who = {user_id, true};
	for (size_t i = 0; i <= n; i++) {
		struct ticket_view v;
		bool called = false;
		ck_assert_int_eq(svc_ticket_call_next(&app, &who, queue_id, &v, &called), APP_OK);
		if (i == n) {
			ck_assert_msg(!called, "%s: call %zu called %s after the last", policy, i + 1,
				      label_of(t, ids, n, v.t.id));
			break;
		}
		ck_assert_msg(called, "%s: call %zu found nobody, expected %s", policy, i + 1, expected[i]);
		ck_assert_msg(strcmp(label_of(t, ids, n, v.t.id), expected[i]) == 0, "%s: call %zu called %s, expected %s",
			      policy, i + 1, label_of(t, ids, n, v.t.id), expected[i]);
		ck_assert_int_eq(v.t.status, TICKET_CALLED);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_priority_orders_by_level_then_arrival)
{
	const struct tspec t[] = {
		{"old media", 2, 0, -1, IN_SLA, '0'},
		{"new alta", 1, 4 * MIN_MS, -1, IN_SLA, '0'},
		{"newer alta", 1, 4 * MIN_MS + 1, -1, IN_SLA, '0'},
		{"baja", 3, 1 * MIN_MS, -1, NO_SLA, '0'},
		{"older baja", 3, 0, -1, NO_SLA, '0'},
	};
	const char *const want[] = {"new alta", "newer alta", "old media", "older baja", "baja"};
	check_order("priority", t, N(t), want);
}
END_TEST

START_TEST(test_priority_equal_keys_go_by_id)
{
	/* The same level and the same instant to the millisecond: the id decides. */
	const struct tspec t[] = {
		{"twin b", 2, 0, -1, NO_SLA, 'b'},
		{"twin a", 2, 0, -1, NO_SLA, 'a'},
	};
	const char *const want[] = {"twin a", "twin b"};
	check_order("priority", t, N(t), want);
}
END_TEST

START_TEST(test_fifo_orders_by_arrival_ignoring_level_and_sla)
{
	const struct tspec t[] = {
		{"urgent overdue", 1, 1 * MIN_MS, -1, OVERDUE, '0'},
		{"old low", 3, 0, -1, NO_SLA, '0'},
		{"same ms b", 1, 2 * MIN_MS, -1, NO_SLA, 'b'},
		{"same ms a", 2, 2 * MIN_MS, -1, NO_SLA, 'a'},
	};
	const char *const want[] = {"old low", "urgent overdue", "same ms a", "same ms b"};
	check_order("fifo", t, N(t), want);
}
END_TEST

START_TEST(test_overdue_low_priority_beats_fresh_high_priority)
{
	const struct tspec t[] = {
		{"fresh alta", 1, 61 * MIN_MS, -1, IN_SLA, '0'},
		{"media in sla", 2, 30 * MIN_MS, -1, IN_SLA, '0'},
		{"overdue baja", 3, 0, -1, OVERDUE, '0'},
	};
	const char *const want[] = {"overdue baja", "fresh alta", "media in sla"};
	check_order("priority", t, N(t), want);
}
END_TEST

START_TEST(test_overdue_tickets_go_by_due_date_then_level_then_created_then_id)
{
	/* queue_order.h: among overdue tickets due_date first, whatever the level; equal due
	 * dates by level, then created_date, then id. */
	const struct tspec t[] = {
		{"younger alta", 1, 30 * MIN_MS, -1, OVERDUE, '0'},
		{"old baja", 3, 0, -1, OVERDUE, '0'},
		{"same due baja", 3, 10 * MIN_MS, -1, OVERDUE, '0'},
		{"same due media", 2, 10 * MIN_MS, -1, OVERDUE, '0'},
		/* due at the same instant as the two above, but checked in (created) later */
		{"same due media later", 2, 11 * MIN_MS, 10 * MIN_MS, OVERDUE, '0'},
		{"same due media later b", 2, 11 * MIN_MS, 10 * MIN_MS, OVERDUE, 'b'},
		{"alta in sla", 1, 0, -1, IN_SLA, '0'},
	};
	const char *const want[] = {"old baja",		   "same due media", "same due media later",
				    "same due media later b", "same due baja",  "younger alta",
				    "alta in sla"};
	check_order("priority", t, N(t), want);
}
END_TEST

START_TEST(test_due_date_counts_instead_of_created_date)
{
	/* An appointment checked in late in the morning counts from its slot (due_date). */
	const struct tspec fifo[] = {
		{"walk-in", 2, 10 * MIN_MS, -1, NO_SLA, '0'},
		{"appointment", 2, 20 * MIN_MS, 5 * MIN_MS, NO_SLA, '0'},
	};
	const char *const fifo_want[] = {"appointment", "walk-in"};
	check_order("fifo", fifo, N(fifo), fifo_want);

	/* Under priority the level still comes first; within a level the due date. */
	const struct tspec prio[] = {
		{"walk-in media", 2, 10 * MIN_MS, -1, NO_SLA, '0'},
		{"appointment media", 2, 20 * MIN_MS, 5 * MIN_MS, NO_SLA, '0'},
		{"walk-in alta", 1, 30 * MIN_MS, -1, NO_SLA, '0'},
	};
	const char *const prio_want[] = {"walk-in alta", "appointment media", "walk-in media"};
	check_order("priority", prio, N(prio), prio_want);
}
END_TEST

START_TEST(test_mixed_queue_positions_match_the_calls)
{
	/* The old C test's queue: overdue, in-SLA and SLA-less tickets of every level. */
	const struct tspec t[] = {
		{"overdue baja", 3, 0, -1, OVERDUE, '0'},
		{"overdue alta", 1, 50 * MIN_MS, -1, OVERDUE, '0'},
		{"alta in sla", 1, 60 * MIN_MS, -1, IN_SLA, '0'},
		{"older media", 2, 61 * MIN_MS, -1, IN_SLA, '0'},
		{"baja in sla", 3, 62 * MIN_MS, -1, IN_SLA, '0'},
		{"media", 2, 65 * MIN_MS, -1, IN_SLA, '0'},
		{"media no sla", 2, 64 * MIN_MS, -1, NO_SLA, '0'},
	};
	const char *const prio_want[] = {"overdue baja", "overdue alta", "alta in sla", "older media",
					 "media no sla", "media",	 "baja in sla"};
	check_order("priority", t, N(t), prio_want);
	const char *const fifo_want[] = {"overdue baja", "overdue alta", "alta in sla", "older media",
					 "baja in sla",	 "media no sla", "media"};
	check_order("fifo", t, N(t), fifo_want);
}
END_TEST

static Suite *order_suite(void)
{
	Suite *s = suite_create("db_order");
	TCase *tc = tcase_create("order");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_priority_orders_by_level_then_arrival);
	tcase_add_test(tc, test_priority_equal_keys_go_by_id);
	tcase_add_test(tc, test_fifo_orders_by_arrival_ignoring_level_and_sla);
	tcase_add_test(tc, test_overdue_low_priority_beats_fresh_high_priority);
	tcase_add_test(tc, test_overdue_tickets_go_by_due_date_then_level_then_created_then_id);
	tcase_add_test(tc, test_due_date_counts_instead_of_created_date);
	tcase_add_test(tc, test_mixed_queue_positions_match_the_calls);
	suite_add_tcase(s, tc);
	return s;
}

/* The services over the stack's database, one attendant and one customer for every case. */
static int open_stack(void)
{
	char err[256] = "", statement[640];
	const char *dir = getenv("TURNERO_TEST_STATE");
	if (!dir || !*dir || strlen(dir) >= sizeof state_dir) {
		fprintf(stderr, "db_order: TURNERO_TEST_STATE is not set (run it through tests/db/run.sh)\n");
		return -1;
	}
	snprintf(state_dir, sizeof state_dir, "%s", dir);
	snprintf(statement, sizeof statement, "%s/turnero.conf", state_dir);
	if (config_load(&cfg, statement, err, sizeof err) < 0 || svc_app_open(&app, &cfg, err, sizeof err) < 0) {
		fprintf(stderr, "db_order: %s\n", err);
		return -1;
	}
	ids_uuid_v4(user_id);
	ids_uuid_v4(customer_id);
	snprintf(statement, sizeof statement,
		 "INSERT INTO users (id, user_name, password_hash, role_id) VALUES ('%s', 'db-order-%.8s', 'x', '%s')",
		 user_id, user_id, ADMIN_ROLE);
	if (sql_run(statement) < 0)
		return -1;
	snprintf(statement, sizeof statement,
		 "INSERT INTO customers (id, first_name, last_name) VALUES ('%s', 'Order', 'Test')", customer_id);
	return sql_run(statement);
}

int main(void)
{
	if (open_stack() < 0)
		return 99; /* automake: a hard error, not a failed test */
	SRunner *sr = srunner_create(order_suite());
	/* One process: the cases share the connection, the fixtures and the queue counter. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	svc_app_close(&app);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
