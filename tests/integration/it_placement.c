/*
 * Placement from the kept waiting counts (sql/013_waiting_counts.sql): the counts follow
 * every status change, and registration picks the queue and position that counting the
 * waiting tickets one by one under the call order gives. And the queue list, memoised per
 * worker (service/catalog.c), is current in every worker.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "repo/queue_repo.h"
#include "repo/stmt.h"

static char admin_token[4096];
static char customer_id[64];

/* Every (queue, level) whose kept count differs from the waiting tickets, in one statement
 * (one consistent read, so other programs writing at the same time do not disturb it). */
#define COUNTS_DRIFT                                                                                        \
	"SELECT COUNT(*) FROM (SELECT queue_id, priority_level, SUM(k) AS s FROM ("                            \
	" SELECT queue_id, priority_level, IF(direction = 0, n, -n) AS k FROM queue_waiting_counts"            \
	" UNION ALL SELECT queue_id, priority_level, -1 FROM tickets WHERE status = 'waiting') u"               \
	" GROUP BY queue_id, priority_level HAVING s <> 0) d"

static void assert_counts_agree(const char *when)
{
	long long drift = it_sql_number(COUNTS_DRIFT);
	ck_assert_msg(drift == 0, "%s: %lld (queue, level) counts differ from the waiting tickets", when, drift);
}

static void create_priority(const char *name, int level, int max_wait, char out[64])
{
	char body[256];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":%d,\"max_wait_minutes\":%d}", name, level, max_wait);
	it_json("POST", "/api/v1/priorities", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "create priority: %ld %s", r.status, r.body);
	snprintf(out, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

static void create_queue(const char *name, const char *policy, const char *ids_json, char id[64])
{
	char prefix[4];
	ck_assert_int_eq(it_create_queue(admin_token, name, policy, ids_json, id, prefix), 0);
}

/* Issues a ticket (into queue_id, or where placement puts it when NULL); returns the answer. */
static void issue(const char *priority_id, const char *queue_id, struct it_response *r)
{
	char body[512];
	if (queue_id)
		snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"%s\"}",
			 priority_id, customer_id, queue_id);
	else
		snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\"}", priority_id, customer_id);
	it_sleep_ms(2); /* distinct created_date values */
	it_json("POST", "/api/v1/tickets", admin_token, body, r);
	ck_assert_msg(r->status == 201, "issue: %ld %s", r->status, r->body);
	it_sleep_ms(2);
}

static void issue_id(const char *priority_id, const char *queue_id, char out[64])
{
	struct it_response r;
	issue(priority_id, queue_id, &r);
	snprintf(out, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

/* POST /api/v1/{kind}/{id}/{action}; returns the status. */
static long op(const char *kind, const char *id, const char *action, const char *body)
{
	char path[160];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/%s/%s/%s", kind, id, action);
	it_json("POST", path, admin_token, body, &r);
	long status = r.status;
	it_response_free(&r);
	return status;
}

static long long waiting_of(const char *queue_id)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/queues/%s", queue_id);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "get queue: %ld %s", r.status, r.body);
	struct json_object *v;
	ck_assert(json_object_object_get_ex(r.json, "waiting", &v));
	long long n = json_object_get_int64(v);
	it_response_free(&r);
	return n;
}

/*
 * The tickets a new, not overdue ticket of level would wait behind in queue_id, counted one by
 * one the way the order reads (queue_order.h), written out here independently of the server:
 * fifo: everything due before now; priority: the overdue ones, the lower levels, and the
 * same level due before now.
 */
static long long ahead_counted(const char *queue_id, const char *policy, int level)
{
	char q[768];
	if (strcmp(policy, "fifo") == 0)
		snprintf(q, sizeof q,
			 "SELECT COUNT(*) FROM tickets WHERE queue_id = '%s' AND status = 'waiting'"
			 " AND due_date < UTC_TIMESTAMP(3)",
			 queue_id);
	else
		snprintf(q, sizeof q,
			 "SELECT COUNT(*) FROM tickets WHERE queue_id = '%s' AND status = 'waiting'"
			 " AND ((sla_deadline IS NOT NULL AND sla_deadline <= UTC_TIMESTAMP(3)) OR priority_level < %d"
			 " OR (priority_level = %d AND due_date < UTC_TIMESTAMP(3)))",
			 queue_id, level, level);
	return it_sql_number(q);
}

static void setup(void)
{
	if (customer_id[0])
		return;
	char body[256];
	struct it_response r;
	snprintf(body, sizeof body, "{\"dni\":\"%s\",\"first_name\":\"Pia\",\"last_name\":\"Place\"}",
		 it_unique("pl-dni"));
	it_json("POST", "/api/v1/customers", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "create customer: %ld %s", r.status, r.body);
	snprintf(customer_id, sizeof customer_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

START_TEST(test_counts_follow_every_status_change)
{
	setup();
	char prio[64], q1[64], q2[64], ids[96], t[6][64];
	create_priority(it_unique("Counts"), 71, 30, prio);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	create_queue(it_unique("Counts one"), "priority", ids, q1);
	create_queue(it_unique("Counts two"), "fifo", ids, q2);
	for (int i = 0; i < 4; i++)
		issue_id(prio, q1, t[i]);
	issue_id(prio, q2, t[4]);
	issue_id(prio, q2, t[5]);
	ck_assert_int_eq(waiting_of(q1), 4);
	ck_assert_int_eq(waiting_of(q2), 2);
	assert_counts_agree("after registration");

	char body[128];
	ck_assert_int_eq(op("queues", q1, "call-next", NULL), 200); /* t0 called */
	ck_assert_int_eq(waiting_of(q1), 3);
	ck_assert_int_eq(op("tickets", t[0], "requeue", NULL), 200); /* waiting again */
	ck_assert_int_eq(waiting_of(q1), 4);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q2);
	ck_assert_int_eq(op("tickets", t[1], "transfer", body), 200);
	ck_assert_int_eq(waiting_of(q1), 3);
	ck_assert_int_eq(waiting_of(q2), 3);
	ck_assert_int_eq(op("tickets", t[2], "cancel", NULL), 200);
	ck_assert_int_eq(op("queues", q1, "call-next", NULL), 200); /* t0 called again */
	ck_assert_int_eq(op("tickets", t[0], "no-show", NULL), 200);
	ck_assert_int_eq(waiting_of(q1), 1);
	assert_counts_agree("after call, requeue, transfer, cancel, no-show");

	/* Closing q2 moves its waiting tickets to q1 (the only other queue serving prio). */
	struct it_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/queues/%s", q2);
	it_json("PATCH", path, admin_token, "{\"state\":\"closed\"}", &r);
	ck_assert_msg(r.status == 200, "close: %ld %s", r.status, r.body);
	it_response_free(&r);
	ck_assert_int_eq(waiting_of(q2), 0);
	ck_assert_int_eq(waiting_of(q1), 4);

	/* Writes outside the API (the daily expiry, an operator's SQL) are counted too. */
	char stmt[256];
	snprintf(stmt, sizeof stmt, "UPDATE tickets SET status = 'expired' WHERE id = '%s'", t[3]);
	it_sql(stmt);
	ck_assert_int_eq(waiting_of(q1), 3);
	snprintf(stmt, sizeof stmt, "DELETE FROM ticket_events WHERE ticket_id = '%s'", t[4]);
	it_sql(stmt);
	snprintf(stmt, sizeof stmt, "DELETE FROM tickets WHERE id = '%s'", t[4]);
	it_sql(stmt);
	ck_assert_int_eq(waiting_of(q1), 2);
	assert_counts_agree("after close, expiry and delete");
}
END_TEST

/*
 * Three levels in a priority queue and a fifo queue, with an overdue ticket, a ticket due in
 * the future (an early appointment) and tickets moved between them: for each level, the
 * queue and position registration chooses are those the one-by-one count gives (fewest
 * ahead; ties: fewer waiting, then the queue created first).
 */
START_TEST(test_placement_matches_counting_one_by_one)
{
	setup();
	char high[64], mid[64], low[64], ids[256], qp[64], qf[64], tmp[64], stmt[320];
	create_priority(it_unique("Place high"), 72, 30, high);
	create_priority(it_unique("Place mid"), 73, 30, mid);
	create_priority(it_unique("Place low"), 74, 0, low);
	snprintf(ids, sizeof ids, "[\"%s\",\"%s\",\"%s\"]", high, mid, low);
	create_queue(it_unique("Place prio"), "priority", ids, qp);
	create_queue(it_unique("Place fifo"), "fifo", ids, qf);

	const char *levels[] = {low, low, low, mid, mid, high};
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		issue_id(levels[i], qp, tmp);
	/* The first low one of qp is overdue. */
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET sla_deadline = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE queue_id = '%s'"
		 " AND priority_level = 74 ORDER BY created_date LIMIT 1",
		 qp);
	it_sql(stmt);
	const char *flevels[] = {mid, low, mid, high};
	char fids[4][64];
	for (size_t i = 0; i < 4; i++)
		issue_id(flevels[i], qf, fids[i]);
	/* One of qf's is due in an hour (checked in early for an appointment): nobody waits behind it yet. */
	snprintf(stmt, sizeof stmt, "UPDATE tickets SET due_date = UTC_TIMESTAMP(3) + INTERVAL 1 HOUR WHERE id = '%s'",
		 fids[0]);
	it_sql(stmt);
	/* One moves from qf to qp and back to waiting after a call. */
	char body[128];
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", qp);
	ck_assert_int_eq(op("tickets", fids[1], "transfer", body), 200);
	assert_counts_agree("set-up");

	const char *prios[] = {high, mid, low, mid, high, low, low};
	const int plevels[] = {72, 73, 74, 73, 72, 74, 74};
	for (size_t i = 0; i < sizeof prios / sizeof prios[0]; i++) {
		long long ap = ahead_counted(qp, "priority", plevels[i]);
		long long af = ahead_counted(qf, "fifo", plevels[i]);
		long long wp = waiting_of(qp), wf = waiting_of(qf);
		/* qp was created first: it wins a full tie. */
		const char *want = ap < af ? qp : af < ap ? qf : wp <= wf ? qp : qf;
		long long want_pos = (want == qp ? ap : af) + 1;
		struct it_response r;
		issue(prios[i], NULL, &r);
		ck_assert_msg(strcmp(it_str(&r, "queue_id"), want) == 0,
			      "level %d: placed in %s, counting says %s (ahead %lld/%lld, waiting %lld/%lld)", plevels[i],
			      it_str(&r, "queue_id"), want, ap, af, wp, wf);
		struct json_object *v;
		ck_assert(json_object_object_get_ex(r.json, "position", &v));
		ck_assert_msg(json_object_get_int64(v) == want_pos, "level %d: position %lld, counting says %lld",
			      plevels[i], (long long)json_object_get_int64(v), want_pos);
		it_response_free(&r);
		/* Calls change the counts between registrations. */
		if (i % 3 == 2)
			ck_assert_int_eq(op("queues", want, "call-next", NULL), 200);
	}
	assert_counts_agree("after placement");
}
END_TEST


/* The member of GET /queues (newest first) with id, copied into *out as JSON text; false when absent. */
static bool listed(const char *id, char *name, size_t name_len, long long *waiting)
{
	struct it_response r;
	it_json("GET", "/api/v1/queues?sort=-created_date&limit=100", admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "list: %ld %s", r.status, r.body);
	struct json_object *items, *v;
	ck_assert(json_object_object_get_ex(r.json, "items", &items));
	bool found = false;
	for (size_t i = 0; !found && i < json_object_array_length(items); i++) {
		struct json_object *q = json_object_array_get_idx(items, i);
		if (!json_object_object_get_ex(q, "id", &v) || strcmp(json_object_get_string(v), id) != 0)
			continue;
		found = true;
		ck_assert(json_object_object_get_ex(q, "name", &v));
		snprintf(name, name_len, "%s", json_object_get_string(v));
		ck_assert(json_object_object_get_ex(q, "waiting", &v));
		*waiting = json_object_get_int64(v);
	}
	it_response_free(&r);
	return found;
}

/* More requests than workers: every worker of the pool answers some of them. */
#define EVERY_WORKER 12

START_TEST(test_queue_list_is_current_in_every_worker)
{
	setup();
	char prio[64], q[64], ids[96], name[200], want[200];
	long long waiting = -1;
	create_priority(it_unique("Memo"), 75, 0, prio);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	for (int i = 0; i < EVERY_WORKER; i++) /* every worker memoises the list before the change */
		ck_assert(!listed(prio, name, sizeof name, &waiting));
	snprintf(want, sizeof want, "%s", it_unique("Memo queue"));
	create_queue(want, "fifo", ids, q);
	for (int i = 0; i < EVERY_WORKER; i++) {
		ck_assert_msg(listed(q, name, sizeof name, &waiting), "request %d: a new queue is missing", i);
		ck_assert_str_eq(name, want);
		ck_assert_int_eq(waiting, 0);
	}
	/* Waiting counts are read with every list. */
	struct it_response r;
	issue(prio, q, &r);
	it_response_free(&r);
	issue(prio, q, &r);
	it_response_free(&r);
	for (int i = 0; i < EVERY_WORKER; i++) {
		ck_assert(listed(q, name, sizeof name, &waiting));
		ck_assert_int_eq(waiting, 2);
	}
	/* A change through the API holds at once in every worker. */
	char path[128], body[256];
	snprintf(want, sizeof want, "%s", it_unique("Memo renamed"));
	snprintf(path, sizeof path, "/api/v1/queues/%s", q);
	snprintf(body, sizeof body, "{\"name\":\"%s\"}", want);
	it_json("PATCH", path, admin_token, body, &r);
	ck_assert_msg(r.status == 200, "rename: %ld %s", r.status, r.body);
	it_response_free(&r);
	for (int i = 0; i < EVERY_WORKER; i++) {
		ck_assert(listed(q, name, sizeof name, &waiting));
		ck_assert_str_eq(name, want);
	}
	/* One made outside the API (another machine, turneroctl) shows within the memo's 5 s. */
	char stmt[512];
	snprintf(want, sizeof want, "%s", it_unique("Memo by SQL"));
	snprintf(stmt, sizeof stmt, "UPDATE queues SET name = '%s' WHERE id = '%s'", want, q);
	it_sql(stmt);
	int seen = 0;
	for (long long start = it_now_ms(); seen < EVERY_WORKER && it_now_ms() - start < 30000;) {
		ck_assert(listed(q, name, sizeof name, &waiting));
		if (strcmp(name, want) == 0)
			seen++;
		else
			it_sleep_ms(100);
	}
	ck_assert_msg(seen == EVERY_WORKER, "the SQL rename was not listed by every worker within 30 s");
}
END_TEST

/* The rows of tickets (alias t) a plan read in all: each access's rows per loop times its loops. */
static double ticket_rows_read(struct json_object *o)
{
	double sum = 0;
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			sum += ticket_rows_read(json_object_array_get_idx(o, i));
		return sum;
	}
	if (!json_object_is_type(o, json_type_object))
		return 0;
	struct json_object *name, *rows, *loops;
	if (json_object_object_get_ex(o, "table_name", &name) && strcmp(json_object_get_string(name), "t") == 0 &&
	    json_object_object_get_ex(o, "r_rows", &rows) && json_object_object_get_ex(o, "r_loops", &loops))
		sum += json_object_get_double(rows) * json_object_get_double(loops);
	json_object_object_foreach(o, key, val)
	{
		(void)key;
		sum += ticket_rows_read(val);
	}
	return sum;
}

/* ANALYZE FORMAT=JSON of statement id with its placeholders filled by values (SQL literals), in order. */
static struct json_object *analyze(enum stmt_id id, const char *const *values, size_t nvalues)
{
	const char *sql = stmt_sql(id);
	size_t size = strlen(sql) + 128 * nvalues + 64, len = 0, used = 0;
	char *query = malloc(size);
	ck_assert_ptr_nonnull(query);
	len = (size_t)snprintf(query, size, "ANALYZE FORMAT=JSON ");
	for (const char *p = sql; *p; p++) {
		if (*p == '?') {
			ck_assert_uint_lt(used, nvalues);
			len += (size_t)snprintf(query + len, size - len, "%s", values[used++]);
		} else {
			query[len++] = *p;
		}
		ck_assert_uint_lt(len + 128, size);
	}
	query[len] = '\0';
	ck_assert_uint_eq(used, nvalues);
	struct json_object *plan = it_sql_json(query);
	free(query);
	return plan;
}

/*
 * With hundreds waiting, the placement of one queue reads only the few tickets its
 * corrections must decide (an overdue one, one due later), not the queue: the queue's id
 * bound makes each correction an index range.
 */
START_TEST(test_placement_reads_ranges_not_the_queue)
{
	setup();
	char prio[64], ids[96], qp[64], qf[64], tmp[64], stmt[320];
	create_priority(it_unique("Ranges"), 76, 30, prio);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	create_queue(it_unique("Ranges prio"), "priority", ids, qp);
	create_queue(it_unique("Ranges fifo"), "fifo", ids, qf);
	enum { WAITING = 150 };
	for (int i = 0; i < WAITING; i++) {
		issue_id(prio, qp, tmp);
		issue_id(prio, qf, tmp);
	}
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET sla_deadline = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE queue_id IN ('%s', '%s')"
		 " ORDER BY created_date LIMIT 2",
		 qp, qf);
	it_sql(stmt);
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET due_date = UTC_TIMESTAMP(3) + INTERVAL 1 HOUR WHERE queue_id IN ('%s', '%s')"
		 " ORDER BY created_date DESC LIMIT 2",
		 qp, qf);
	it_sql(stmt);
	char p[80], q1[80], q2[80];
	snprintf(p, sizeof p, "'%s'", prio);
	snprintf(q1, sizeof q1, "'%s'", qp);
	snprintf(q2, sizeof q2, "'%s'", qf);
	/* Per block: customer, the check's priority and exception, me (due, created, level, sla,
	 * max wait, due, max wait), the priority, the exception, the queue: the fifo one first. */
	const char *values[] = {"NULL", p, "''", "NULL", "NULL", "76", "NULL", "30", "NULL", "30", p, "''", q2,
				"NULL", p, "''", "NULL", "NULL", "76", "NULL", "30", "NULL", "30", p, "''", q1};
	struct json_object *plan = analyze(STMT_QUEUE_CANDIDATES_F1P1, values, sizeof values / sizeof values[0]);
	double rows = ticket_rows_read(plan);
	if (rows > 8)
		fprintf(stderr, "the plan: %s\n", json_object_to_json_string(plan));
	ck_assert_msg(rows <= 8, "placement read %.0f ticket rows with %d waiting in each queue", rows, WAITING);
	json_object_put(plan);
}
END_TEST

/* More queues than one statement binds: every one of them is weighed. */
START_TEST(test_placement_weighs_every_queue_of_many)
{
	setup();
	enum { QUEUES = QUEUE_CANDIDATES_PER_STATEMENT + 2 };
	char prio[64], ids[96], q[QUEUES][64], tmp[64];
	create_priority(it_unique("Many"), 77, 0, prio);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	for (int i = 0; i < QUEUES; i++) {
		char name[64];
		snprintf(name, sizeof name, "Many queue %d", i);
		create_queue(it_unique(name), i % 2 ? "fifo" : "priority", ids, q[i]);
	}
	for (int i = 0; i < QUEUES - 1; i++)
		issue_id(prio, q[i], tmp);
	/* Only the last queue, read by the second statement, has nobody waiting. */
	struct it_response r;
	issue(prio, NULL, &r);
	ck_assert_str_eq(it_str(&r, "queue_id"), q[QUEUES - 1]);
	it_response_free(&r);
	/* All tied now: the queue created first. */
	issue(prio, NULL, &r);
	ck_assert_str_eq(it_str(&r, "queue_id"), q[0]);
	it_response_free(&r);
}
END_TEST

/*
 * A queue that began to serve the priority behind the memo's back (another host, SQL) is
 * weighed at once: the statement counts the qualifying queues and a shortfall reads them all.
 */
START_TEST(test_placement_sees_a_queue_the_memo_missed)
{
	setup();
	char prio[64], other[64], ids[96], busy[64], idle[64], tmp[64], stmt[320];
	create_priority(it_unique("Missed"), 78, 0, prio);
	create_priority(it_unique("Missed other"), 79, 0, other);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	create_queue(it_unique("Missed busy"), "fifo", ids, busy);
	snprintf(ids, sizeof ids, "[\"%s\"]", other);
	create_queue(it_unique("Missed idle"), "fifo", ids, idle);
	issue_id(prio, busy, tmp);
	issue_id(prio, busy, tmp);
	/* Every worker memoises the queues as they are now (a placement reads the memo). */
	for (int i = 0; i < EVERY_WORKER; i++)
		issue_id(prio, NULL, tmp);
	snprintf(stmt, sizeof stmt, "INSERT INTO queue_priorities (queue_id, priority_id) VALUES ('%s', '%s')", idle,
		 prio);
	it_sql(stmt);
	for (int i = 0; i < EVERY_WORKER; i++) {
		struct it_response r;
		issue(prio, NULL, &r);
		ck_assert_msg(strcmp(it_str(&r, "queue_id"), idle) == 0, "registration %d: placed in the busy queue", i);
		it_response_free(&r);
	}
}
END_TEST

/*
 * A queue whose policy changed behind the memo's back (another host, SQL) is weighed by
 * its new policy at once: the memo's policy picks the statement's blocks, a block of the
 * wrong policy gives no row, and the shortfall reads every queue again.
 */
START_TEST(test_placement_follows_a_policy_the_memo_missed)
{
	setup();
	char low[64], high[64], warm[64], ids[160], changed[64], other[64], warmq[64], tmp[64], stmt[320];
	create_priority(it_unique("Policy low"), 90, 0, low);
	create_priority(it_unique("Policy high"), 10, 0, high);
	create_priority(it_unique("Policy warm"), 50, 0, warm);
	snprintf(ids, sizeof ids, "[\"%s\",\"%s\"]", low, high);
	create_queue(it_unique("Policy changed"), "priority", ids, changed);
	create_queue(it_unique("Policy other"), "fifo", ids, other);
	snprintf(ids, sizeof ids, "[\"%s\"]", warm);
	create_queue(it_unique("Policy warm"), "fifo", ids, warmq);
	/* Three of low urgency where the policy will change, one in the other queue. */
	for (int i = 0; i < 3; i++)
		issue_id(low, changed, tmp);
	issue_id(low, other, tmp);
	/* Every worker memoises the queues as they are now (a placement reads the memo). */
	for (int i = 0; i < EVERY_WORKER; i++)
		issue_id(warm, NULL, tmp);
	/* By priority a ticket of high urgency would have nobody ahead there; by arrival, as
	 * the queue now is, three, against one in the other queue. */
	snprintf(stmt, sizeof stmt, "UPDATE queues SET policy = 'fifo' WHERE id = '%s'", changed);
	it_sql(stmt);
	for (int i = 0; i < EVERY_WORKER; i++) {
		struct it_response r;
		issue(high, NULL, &r);
		ck_assert_msg(strcmp(it_str(&r, "queue_id"), other) == 0, "registration %d: weighed by the old policy", i);
		it_response_free(&r);
		issue_id(low, changed, tmp); /* the other queue stays the shorter one */
	}
}
END_TEST

int main(void)
{
	it_init();
	if (it_admin_login(admin_token, sizeof admin_token) != 0)
		return 1;
	Suite *s = suite_create("placement");
	TCase *tc = tcase_create("placement");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_counts_follow_every_status_change);
	tcase_add_test(tc, test_placement_matches_counting_one_by_one);
	tcase_add_test(tc, test_queue_list_is_current_in_every_worker);
	tcase_add_test(tc, test_placement_reads_ranges_not_the_queue);
	tcase_add_test(tc, test_placement_weighs_every_queue_of_many);
	tcase_add_test(tc, test_placement_sees_a_queue_the_memo_missed);
	tcase_add_test(tc, test_placement_follows_a_policy_the_memo_missed);
	suite_add_tcase(s, tc);
	return it_run_suite(s);
}
