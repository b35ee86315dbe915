/*
 * Explanations and forecasts (SPEC 14) end to end: the order agrees with repeated call-next
 * (priority with an overdue ticket and a steal, fifo with a checked-in appointment), the
 * board's and the metric's risk counts, the quote that creates nothing, the estimate and
 * fairness reports and turneroctl simulate on scripted days.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define ALTA "0b5e7d2a-5c1e-4f7a-8d3b-000000000001"
#define BAJA "0b5e7d2a-5c1e-4f7a-8d3b-000000000003"
#define MEDIA "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"
#define DEFAULT_SERVICE_SECONDS 300

static char token[4096];

static void setup(void)
{
	it_init();
	if (!token[0])
		ck_assert_int_eq(it_admin_login(token, sizeof token), 0);
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	ck_assert_msg(o && json_object_object_get_ex(o, key, &v), "no %s in %s", key,
		      o ? json_object_to_json_string(o) : "(null)");
	return v;
}

static long long jint(struct json_object *o, const char *key)
{
	return json_object_get_int64(member(o, key));
}

static double jdouble(struct json_object *o, const char *key)
{
	return json_object_get_double(member(o, key));
}

static const char *jstr(struct json_object *o, const char *key)
{
	return json_object_get_string(member(o, key));
}

static void create_priority(const char *name, int level, int max_wait, char out[64])
{
	char body[256];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":%d,\"max_wait_minutes\":%d}", it_unique(name), level,
		 max_wait);
	ck_assert_int_eq(it_json("POST", "/api/v1/priorities", token, body, &r), 0);
	ck_assert_msg(r.status == 201, "create priority: %ld %s", r.status, r.body);
	snprintf(out, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

static void queue(const char *name, const char *policy, const char *prios, char id[64])
{
	char prefix[8];
	ck_assert_int_eq(it_create_queue(token, it_unique(name), policy, prios, id, prefix), 0);
}

/* Registers a walk-in in queue q with priority p; the id and code go to id/code (64 bytes each). */
static void issue(const char *q, const char *p, char id[64], char code[64])
{
	char body[512];
	struct it_response r;
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"queue_id\":\"%s\",\"customer\":{\"first_name\":\"Eva\",\"last_name\":\"Sol\"}}", p,
		 q);
	ck_assert_int_eq(it_json("POST", "/api/v1/tickets", token, body, &r), 0);
	ck_assert_msg(r.status == 201, "issue: %ld %s", r.status, r.body);
	snprintf(id, 64, "%s", it_str(&r, "id"));
	if (code)
		snprintf(code, 64, "%s", it_str(&r, "code"));
	it_response_free(&r);
}

/* GET /queues/{q}/order; the caller frees r. */
static struct json_object *order(const char *q, struct it_response *r)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/queues/%s/order", q);
	ck_assert_int_eq(it_json("GET", path, token, NULL, r), 0);
	ck_assert_msg(r->status == 200, "order: %ld %s", r->status, r->body);
	return member(r->json, "items");
}

/* POST /queues/{q}/call-next: the called code into code ("" for 204). */
static void call_next(const char *q, char code[64])
{
	char path[160];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", q);
	ck_assert_int_eq(it_json("POST", path, token, NULL, &r), 0);
	ck_assert_msg(r.status == 200 || r.status == 204, "call-next: %ld %s", r.status, r.body);
	snprintf(code, 64, "%s", r.status == 200 ? it_str(&r, "code") : "");
	it_response_free(&r);
}

/* The order's codes, in rank order, checked against 1..n ranks; returns how many. */
static size_t order_codes(const char *q, char codes[][64], size_t max)
{
	struct it_response r;
	struct json_object *items = order(q, &r);
	size_t n = json_object_array_length(items);
	ck_assert_uint_le(n, max);
	for (size_t i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		ck_assert_int_eq(jint(it, "rank"), (long long)i + 1);
		snprintf(codes[i], 64, "%s", jstr(it, "code"));
	}
	it_response_free(&r);
	return n;
}

START_TEST(test_order_priority_overdue_steal_agrees_with_call_next)
{
	setup();
	char mine[64], q1[64], q2[64], prios[256];
	create_priority("Explain", 2, 30, mine);
	snprintf(prios, sizeof prios, "[\"" ALTA "\",\"" BAJA "\",\"%s\"]", mine);
	queue("Why", "priority", prios, q1);
	snprintf(prios, sizeof prios, "[\"%s\"]", mine);
	queue("Thief", "fifo", prios, q2);
	char a[64], b[64], c[64], d[64], e[64], ca[64], cb[64], cc[64], cd[64], ce[64];
	issue(q1, BAJA, a, ca);
	issue(q1, mine, b, cb);
	issue(q1, ALTA, c, cc);
	issue(q1, BAJA, d, cd);
	issue(q1, mine, e, ce);
	/* d came two hours ago: past Baja's 60 minutes. */
	char stmt[512];
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET created_date = created_date - INTERVAL 2 HOUR, due_date = due_date - INTERVAL 2 HOUR,"
		 " sla_deadline = due_date + INTERVAL 60 MINUTE WHERE id = '%s'",
		 d);
	it_sql(stmt);

	struct it_response r;
	struct json_object *items = order(q1, &r);
	ck_assert_str_eq(jstr(r.json, "policy"), "priority");
	ck_assert_str_eq(jstr(r.json, "queue_id"), q1);
	ck_assert_uint_eq(json_object_array_length(items), 5);
	const char *want[5] = {cd, cc, cb, ce, ca};
	const char *reason[5] = {"overdue", "priority", "priority", "priority", "arrival"};
	for (size_t i = 0; i < 5; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		ck_assert_str_eq(jstr(it, "code"), want[i]);
		ck_assert_msg(strcmp(jstr(it, "reason"), reason[i]) == 0, "rank %zu: %s", i + 1, json_object_to_json_string(it));
		/* nothing served today in this queue: rank x default service time, one desk */
		ck_assert_int_eq(jint(it, "rank"), (long long)i + 1);
	}
	struct json_object *first = json_object_array_get_idx(items, 0);
	ck_assert_int_ge(jint(first, "overdue_seconds"), 3599);
	ck_assert(json_object_get_boolean(member(first, "at_risk")));
	ck_assert_int_eq(jint(first, "level"), 3);
	/* c (Alta, 10 minutes) is called 2 x 300 s from now: later than 10 minutes after it came. */
	for (size_t i = 1; i < 5; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		ck_assert_int_eq(jint(it, "overdue_seconds"), 0);
		ck_assert_int_eq(json_object_get_boolean(member(it, "at_risk")), i == 1);
	}
	it_response_free(&r);

	/* The ticket itself says the same: position = rank, the estimate, its range, the risk. */
	char path[160];
	snprintf(path, sizeof path, "/api/v1/tickets/%s", b);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_int_eq(jint(r.json, "position"), 3);
	ck_assert_int_eq(jint(r.json, "estimated_wait_seconds"), 3 * DEFAULT_SERVICE_SECONDS);
	struct json_object *range = member(r.json, "estimated_wait_range");
	ck_assert_int_eq(jint(range, "low"), 3 * DEFAULT_SERVICE_SECONDS); /* nothing measured: no spread */
	ck_assert_int_eq(jint(range, "high"), 3 * DEFAULT_SERVICE_SECONDS);
	ck_assert(!json_object_get_boolean(member(r.json, "at_risk")));
	struct json_object *quoted = member(r.json, "quoted_wait_range");
	ck_assert_int_eq(jint(quoted, "low"), DEFAULT_SERVICE_SECONDS); /* first when issued: ahead of a (Baja) */
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/tickets/%s", d);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert(json_object_get_boolean(member(r.json, "at_risk")));
	it_response_free(&r);

	/* The board counts the two at risk; so does the metric. */
	ck_assert_int_eq(it_json("GET", "/api/v1/board", token, NULL, &r), 0);
	struct json_object *queues = member(r.json, "queues");
	bool seen = false;
	for (size_t i = 0; i < json_object_array_length(queues); i++) {
		struct json_object *bq = json_object_array_get_idx(queues, i);
		if (strcmp(jstr(bq, "queue_id"), q1) == 0) {
			ck_assert_int_eq(jint(bq, "at_risk"), 2);
			seen = true;
		} else if (strcmp(jstr(bq, "queue_id"), q2) == 0) {
			ck_assert_int_eq(jint(bq, "at_risk"), 0);
		}
	}
	ck_assert(seen);
	it_response_free(&r);
	ck_assert_int_eq(it_request("GET", "/api/v1/metrics", NULL, NULL, 0, &r), 0);
	const char *g = strstr(r.body, "\nturnero_tickets_at_risk ");
	ck_assert_msg(g, "no gauge in %s", r.body);
	ck_assert_int_ge(atoll(g + strlen("\nturnero_tickets_at_risk ")), 2);
	ck_assert_ptr_nonnull(strstr(r.body, "# TYPE turnero_tickets_at_risk gauge"));
	it_response_free(&r);

	/* The empty queue steals the best of its priority by its own (fifo) order: b. */
	char got[64];
	call_next(q2, got);
	ck_assert_str_eq(got, cb);
	char codes[8][64];
	size_t n = order_codes(q1, codes, 8);
	ck_assert_uint_eq(n, 4);
	const char *rest[4] = {cd, cc, ce, ca};
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(codes[i], rest[i]);
	/* Each call-next takes the order's rank 1, and the order follows. */
	for (size_t i = 0; i < 4; i++) {
		n = order_codes(q1, codes, 8);
		ck_assert_uint_eq(n, 4 - i);
		call_next(q1, got);
		ck_assert_str_eq(got, codes[0]);
		ck_assert_str_eq(got, rest[i]);
	}
	ck_assert_uint_eq(order_codes(q1, codes, 8), 0);

	/* Unknown queue: 404; a bad id: 404 too. */
	ck_assert_int_eq(it_json("GET", "/api/v1/queues/6f1c0a3e-0a51-4c55-9a0e-0000000000ff/order", token, NULL, &r), 0);
	it_assert_problem(&r, 404);
	it_response_free(&r);
}
END_TEST

/* The board's database counters so far (GET /metrics, route /api/v1/board; 0 before its first request). */
static void board_db_counts(long long *statements, long long *round_trips)
{
	static const char *const names[2] = {"\nturnero_db_statements_total{route=\"/api/v1/board\"} ",
					     "\nturnero_db_round_trips_total{route=\"/api/v1/board\"} "};
	long long *out[2] = {statements, round_trips};
	struct it_response r;
	ck_assert_int_eq(it_request("GET", "/api/v1/metrics", NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	for (size_t i = 0; i < 2; i++) {
		const char *line = strstr(r.body, names[i]);
		*out[i] = line ? atoll(line + strlen(names[i])) : 0;
	}
	it_response_free(&r);
}

/* The board's entry for queue q (the caller frees r). */
static struct json_object *board_queue(const char *q, struct it_response *r)
{
	ck_assert_int_eq(it_json("GET", "/api/v1/board", token, NULL, r), 0);
	ck_assert_msg(r->status == 200, "board: %ld %s", r->status, r->body);
	struct json_object *queues = member(r->json, "queues");
	for (size_t i = 0; i < json_object_array_length(queues); i++) {
		struct json_object *bq = json_object_array_get_idx(queues, i);
		if (strcmp(jstr(bq, "queue_id"), q) == 0)
			return bq;
	}
	ck_abort_msg("queue %s not on the board: %s", q, r->body);
	return NULL;
}

START_TEST(test_board_next_codes_and_risk_follow_the_order_in_two_statements)
{
	setup();
	char mine[64], q[64], prios[256], stmt[512];
	create_priority("BoardRisk", 2, 30, mine);
	snprintf(prios, sizeof prios, "[\"" ALTA "\",\"" BAJA "\",\"%s\"]", mine);
	queue("BoardWhy", "priority", prios, q);
	/* Alta: level 1, 10 minutes; mine: level 2, 30 minutes; Baja: level 3, 60 minutes. */
	const char *prio[7] = {BAJA, mine, ALTA, BAJA, mine, BAJA, ALTA};
	char ids[7][64], codes[7][64];
	for (size_t i = 0; i < 7; i++)
		issue(q, prio[i], ids[i], codes[i]);
	/* Two Baja tickets came hours ago: overdue, so first, the earlier due first. */
	const int hours[2] = {2, 3};
	const size_t late[2] = {3, 5};
	for (size_t i = 0; i < 2; i++) {
		snprintf(stmt, sizeof stmt,
			 "UPDATE tickets SET created_date = created_date - INTERVAL %d HOUR,"
			 " due_date = due_date - INTERVAL %d HOUR, sla_deadline = due_date + INTERVAL 60 MINUTE WHERE id = '%s'",
			 hours[i], hours[i], ids[late[i]]);
		it_sql(stmt);
	}
	/*
	 * The order: the overdue ones (5, 3), then by level (Alta 2, 6; mine 1, 4; Baja 0). With
	 * nothing served, rank r is called r x 300 s from now: at risk are the overdue ones, both
	 * Alta (15 and 20 minutes against 10) and mine at rank 6 (30 minutes against a deadline
	 * 30 minutes after it came): 5, two of them past the five codes the board shows.
	 */
	const size_t want[7] = {5, 3, 2, 6, 1, 4, 0};
	const bool risky[7] = {true, true, true, true, false, true, false};
	struct it_response r;
	struct json_object *items = order(q, &r);
	ck_assert_uint_eq(json_object_array_length(items), 7);
	for (size_t i = 0; i < 7; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		ck_assert_str_eq(jstr(it, "code"), codes[want[i]]);
		ck_assert_msg(json_object_get_boolean(member(it, "at_risk")) == risky[i], "rank %zu: %s", i + 1,
			      json_object_to_json_string(it));
	}
	it_response_free(&r);

	struct json_object *bq = board_queue(q, &r);
	struct json_object *next = member(bq, "next");
	ck_assert_uint_eq(json_object_array_length(next), 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(next, i)), codes[want[i]]);
	ck_assert_int_eq(jint(bq, "at_risk"), 5);
	ck_assert_int_eq(jint(bq, "waiting"), 7);
	it_response_free(&r);

	/*
	 * Two statements per board: the queues with their desks, and one ranking of the waiting
	 * tickets with the forecast inputs. The fewest of several single requests, since a
	 * worker's first sight of a token or an expired permission memo may add a look-up.
	 */
	long long fewest_s = -1, fewest_t = -1;
	for (int i = 0; i < 6; i++) {
		long long s0, t0, s1, t1;
		board_db_counts(&s0, &t0);
		board_queue(q, &r);
		it_response_free(&r);
		board_db_counts(&s1, &t1);
		if (fewest_s < 0 || s1 - s0 < fewest_s)
			fewest_s = s1 - s0;
		if (fewest_t < 0 || t1 - t0 < fewest_t)
			fewest_t = t1 - t0;
	}
	ck_assert_int_eq(fewest_s, 2);
	ck_assert_int_eq(fewest_t, 2);

	/* Once the first is called, the board moves up by one and the risk follows. */
	char got[64];
	call_next(q, got);
	ck_assert_str_eq(got, codes[want[0]]);
	bq = board_queue(q, &r);
	next = member(bq, "next");
	ck_assert_uint_eq(json_object_array_length(next), 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(next, i)), codes[want[i + 1]]);
	/* At risk now: the overdue one and both Alta; mine at rank 5 (25 minutes of its 30) is not. */
	ck_assert_int_eq(jint(bq, "at_risk"), 3);
	it_response_free(&r);
}
END_TEST

START_TEST(test_order_fifo_with_checked_in_appointment_agrees_with_call_next)
{
	setup();
	char mine[64], q[64], prios[128], path[160], body[768];
	create_priority("ExplainFifo", 3, 0, mine);
	snprintf(prios, sizeof prios, "[\"%s\"]", mine);
	queue("WhyFifo", "fifo", prios, q);
	snprintf(path, sizeof path, "/api/v1/queues/%s/schedule", q);
	snprintf(body, sizeof body,
		 "{\"slot_minutes\":5,\"capacity\":2,\"weeks_ahead\":2,\"late_grace_minutes\":10,\"hours\":["
		 "{\"weekday\":1,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":2,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":3,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":4,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":5,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":6,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":7,\"from\":\"00:00\",\"to\":\"24:00\"}],\"closed_dates\":[]}");
	struct it_response r;
	ck_assert_int_eq(it_json("PUT", path, token, body, &r), 0);
	ck_assert_msg(r.status == 200, "schedule: %ld %s", r.status, r.body);
	it_response_free(&r);

	char w1[64], w2[64], w3[64], c1[64], c2[64], c3[64];
	issue(q, mine, w1, c1);
	issue(q, mine, w2, c2);
	/* The appointment checks in early: it counts from its slot start, behind later walk-ins. */
	char when[32];
	it_rfc3339(it_future_slot(0), when);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"priority_id\":\"%s\","
		 "\"customer\":{\"first_name\":\"Ana\",\"last_name\":\"Paz\"}}",
		 q, when, mine);
	ck_assert_int_eq(it_json("POST", "/api/v1/appointments", token, body, &r), 0);
	ck_assert_msg(r.status == 201, "book: %ld %s", r.status, r.body);
	char appt[64], ca[64];
	snprintf(appt, sizeof appt, "%s", it_str(&r, "id"));
	it_response_free(&r);
	/* Only today's bookings check in: keep the slot 10 minutes ahead but on today's service
	 * day, also when that is after midnight (the stack's [queue] timezone is UTC). */
	char stmt[768];
	snprintf(stmt, sizeof stmt,
		 "SET @s = DATE_FORMAT(UTC_TIMESTAMP() + INTERVAL 10 MINUTE, '%%Y-%%m-%%d %%H:%%i:00');"
		 " INSERT IGNORE INTO appointment_slots (queue_id, start) SELECT queue_id, @s FROM appointments WHERE id = '%s';"
		 " UPDATE appointments SET start = @s, end = @s + INTERVAL 5 MINUTE, service_date = UTC_DATE() WHERE id = '%s'",
		 appt, appt);
	it_sql(stmt);
	char query[256];
	snprintf(query, sizeof query, "SELECT UNIX_TIMESTAMP(start) FROM appointments WHERE id = '%s'", appt);
	it_rfc3339(it_sql_number(query), when);
	snprintf(path, sizeof path, "/api/v1/appointments/%s/check-in", appt);
	ck_assert_int_eq(it_json("POST", path, token, NULL, &r), 0);
	ck_assert_msg(r.status == 201, "check-in: %ld %s", r.status, r.body);
	snprintf(ca, sizeof ca, "%s", it_str(&r, "code"));
	it_response_free(&r);
	issue(q, mine, w3, c3);

	struct json_object *items = order(q, &r);
	ck_assert_str_eq(jstr(r.json, "policy"), "fifo");
	ck_assert_uint_eq(json_object_array_length(items), 4);
	const char *want[4] = {c1, c2, c3, ca};
	for (size_t i = 0; i < 4; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		ck_assert_str_eq(jstr(it, "code"), want[i]);
		ck_assert_str_eq(jstr(it, "reason"), "arrival");
		ck_assert(!json_object_get_boolean(member(it, "at_risk"))); /* no SLA target */
	}
	ck_assert_int_eq(strncmp(jstr(json_object_array_get_idx(items, 3), "due_date"), when, 19), 0);
	it_response_free(&r);
	char codes[8][64], got[64];
	for (size_t i = 0; i < 4; i++) {
		ck_assert_uint_eq(order_codes(q, codes, 8), 4 - i);
		call_next(q, got);
		ck_assert_str_eq(got, codes[0]);
		ck_assert_str_eq(got, want[i]);
	}
}
END_TEST

START_TEST(test_quote_creates_nothing_and_matches_the_next_registration)
{
	setup();
	char mine[64], q[64], prios[128];
	create_priority("ExplainQuote", 4, 0, mine);
	snprintf(prios, sizeof prios, "[\"%s\"]", mine);
	queue("Quote", "priority", prios, q);
	char t1[64], t2[64];
	issue(q, mine, t1, NULL);
	issue(q, mine, t2, NULL);
	char query[512], dni[32];
	snprintf(dni, sizeof dni, "77%06ld", (long)(time(NULL) % 1000000));
	snprintf(query, sizeof query, "SELECT COUNT(*) FROM tickets WHERE queue_id = '%s'", q);
	long long tickets = it_sql_number(query);
	snprintf(query, sizeof query, "SELECT COALESCE(MAX(last_number), 0) FROM queue_day_counters WHERE queue_id = '%s'", q);
	long long counter = it_sql_number(query);
	ck_assert_int_eq(counter, 2);
	char body[512];
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"dni\":\"%s\",\"first_name\":\"Rosa\",\"last_name\":\"Luna\"},"
		 "\"notify\":{\"email\":true}}",
		 mine, dni);
	struct it_response r;
	ck_assert_int_eq(it_json("POST", "/api/v1/tickets/quote", token, body, &r), 0);
	ck_assert_msg(r.status == 200, "quote: %ld %s", r.status, r.body);
	ck_assert_str_eq(jstr(r.json, "queue_id"), q);
	ck_assert_ptr_nonnull(strstr(jstr(r.json, "queue_name"), "Quote"));
	ck_assert_int_eq(jint(r.json, "position"), 3);
	long long estimate = jint(r.json, "estimated_wait_seconds");
	ck_assert_int_eq(estimate, 3 * DEFAULT_SERVICE_SECONDS);
	struct json_object *range = member(r.json, "estimated_wait_range");
	long long low = jint(range, "low"), high = jint(range, "high");
	ck_assert_int_le(low, estimate);
	ck_assert_int_ge(high, estimate);
	ck_assert_uint_eq(json_object_object_length(r.json), 5);
	it_response_free(&r);
	/* Nothing was written: no ticket, no number, no customer. */
	snprintf(query, sizeof query, "SELECT COUNT(*) FROM tickets WHERE queue_id = '%s'", q);
	ck_assert_int_eq(it_sql_number(query), tickets);
	snprintf(query, sizeof query, "SELECT COALESCE(MAX(last_number), 0) FROM queue_day_counters WHERE queue_id = '%s'", q);
	ck_assert_int_eq(it_sql_number(query), counter);
	snprintf(query, sizeof query, "SELECT COUNT(*) FROM customers WHERE dni = '%s'", dni);
	ck_assert_int_eq(it_sql_number(query), 0);

	/* The real registration right after gets the same place, estimate and range. */
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"dni\":\"%s\",\"first_name\":\"Rosa\",\"last_name\":\"Luna\"}}",
		 mine, dni);
	ck_assert_int_eq(it_json("POST", "/api/v1/tickets", token, body, &r), 0);
	ck_assert_msg(r.status == 201, "issue: %ld %s", r.status, r.body);
	ck_assert_str_eq(jstr(r.json, "queue_id"), q);
	ck_assert_int_eq(jint(r.json, "position"), 3);
	ck_assert_int_eq(jint(r.json, "estimated_wait_seconds"), estimate);
	ck_assert_int_eq(jint(r.json, "quoted_wait_seconds"), estimate);
	range = member(r.json, "quoted_wait_range");
	ck_assert_int_eq(jint(range, "low"), low);
	ck_assert_int_eq(jint(range, "high"), high);
	range = member(r.json, "estimated_wait_range");
	ck_assert_int_eq(jint(range, "low"), low);
	ck_assert_int_eq(jint(range, "high"), high);
	it_response_free(&r);

	/* The same validation as POST /tickets, and still nothing written. */
	ck_assert_int_eq(it_json("POST", "/api/v1/tickets/quote", token,
				 "{\"priority_id\":\"6f1c0a3e-0a51-4c55-9a0e-0000000000ff\",\"customer_id\":"
				 "\"6f1c0a3e-0a51-4c55-9a0e-0000000000fe\"}",
				 &r),
			 0);
	it_assert_problem(&r, 422);
	ck_assert_ptr_nonnull(strstr(r.body, "\"field\":\"priority_id\""));
	ck_assert_ptr_nonnull(strstr(r.body, "\"field\":\"customer_id\""));
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\"}", mine);
	ck_assert_int_eq(it_json("POST", "/api/v1/tickets/quote", token, body, &r), 0);
	it_assert_problem(&r, 422);
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"code\":\"A-001\"}", mine, mine);
	ck_assert_int_eq(it_json("POST", "/api/v1/tickets/quote", token, body, &r), 0);
	it_assert_problem(&r, 422);
	it_response_free(&r);
	snprintf(query, sizeof query, "SELECT COUNT(*) FROM tickets WHERE queue_id = '%s'", q);
	ck_assert_int_eq(it_sql_number(query), tickets + 1);
}
END_TEST

/*
 * Rewrites ticket id onto service day `day`: created = due at `created`, called and served at
 * the given times (HH:MM:SS), its called events at the call, and the quote given.
 */
static void script(const char *id, const char *day, const char *created, const char *called, const char *served,
		   int quote, int low, int high)
{
	char stmt[2048];
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET service_date = '%s', created_date = '%s %s', due_date = '%s %s',"
		 " called_date = '%s %s', served_date = '%s %s', quoted_wait_seconds = %d, quoted_wait_low = %d,"
		 " quoted_wait_high = %d WHERE id = '%s'; UPDATE ticket_events SET at = '%s %s' WHERE ticket_id = '%s'"
		 " AND event = 'called'",
		 day, day, created, day, created, day, called, day, served, quote, low, high, id, day, called, id);
	it_sql(stmt);
}

static struct json_object *report_item(struct json_object *items, const char *queue_id, const char *priority_id)
{
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		if (strcmp(jstr(it, "queue_id"), queue_id) == 0 &&
		    (!priority_id || strcmp(jstr(it, "priority_id"), priority_id) == 0))
			return it;
	}
	ck_abort_msg("no item for %s %s", queue_id, priority_id ? priority_id : "");
	return NULL;
}

START_TEST(test_estimate_and_fairness_reports_on_a_scripted_day)
{
	setup();
	char urgent[64], normal[64], q[64], prios[256];
	create_priority("ExplainUrgent", 1, 0, urgent);
	create_priority("ExplainNormal", 2, 0, normal);
	snprintf(prios, sizeof prios, "[\"%s\",\"%s\"]", urgent, normal);
	queue("Fair", "priority", prios, q);
	char t1[64], t2[64], t3[64], t4[64], got[64], c3[64], c1[64], c4[64], c2[64];
	issue(q, normal, t1, c1);
	issue(q, normal, t2, c2);
	issue(q, urgent, t3, c3);
	issue(q, normal, t4, c4);
	/* t3 (more urgent), t1, then t4 out of order by hand, then t2. */
	call_next(q, got);
	ck_assert_str_eq(got, c3);
	call_next(q, got);
	ck_assert_str_eq(got, c1);
	char path[160];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/tickets/%s/call", t4);
	snprintf(prios, sizeof prios, "{\"queue_id\":\"%s\"}", q);
	ck_assert_int_eq(it_json("POST", path, token, prios, &r), 0);
	ck_assert_msg(r.status == 200, "call: %ld %s", r.status, r.body);
	it_response_free(&r);
	call_next(q, got);
	ck_assert_str_eq(got, c2);
	call_next(q, got);
	ck_assert_str_eq(got, "");
	/* The manual call is marked on its event, and only that one. */
	char query[256];
	snprintf(query, sizeof query, "SELECT SUM(out_of_order) FROM ticket_events WHERE event = 'called' AND ticket_id = '%s'", t4);
	ck_assert_int_eq(it_sql_number(query), 1);
	snprintf(query, sizeof query, "SELECT SUM(out_of_order) FROM ticket_events WHERE event = 'called' AND ticket_id = '%s'", t2);
	ck_assert_int_eq(it_sql_number(query), 0);

	/* 2001-02-03, one attendant, 300 s each: waits t3 0, t1 420, t4 540, t2 960. */
	script(t1, "2001-02-03", "09:00:00", "09:07:00", "09:12:00", 600, 500, 700);
	script(t2, "2001-02-03", "09:01:00", "09:17:00", "09:22:00", 900, 800, 1000);
	script(t3, "2001-02-03", "09:02:00", "09:02:00", "09:07:00", 300, 200, 400);
	script(t4, "2001-02-03", "09:03:00", "09:12:00", "09:17:00", 600, 400, 800);

	/* |quoted - real|: 300, 180, 60, 60 -> 150; quoted - real: 300, 180, 60, -60 -> 120;
	 * inside the range: t4 and t2 -> 50 %. */
	ck_assert_int_eq(it_json("GET", "/api/v1/reports/estimates?from=2001-02-03&to=2001-02-03", token, NULL, &r), 0);
	ck_assert_msg(r.status == 200, "estimates: %ld %s", r.status, r.body);
	ck_assert_str_eq(jstr(r.json, "from"), "2001-02-03");
	struct json_object *it = report_item(member(r.json, "items"), q, NULL);
	ck_assert_int_eq(jint(it, "samples"), 4);
	ck_assert_double_eq_tol(jdouble(it, "mean_abs_error_seconds"), 150, 1e-9);
	ck_assert_double_eq_tol(jdouble(it, "bias_seconds"), 120, 1e-9);
	ck_assert_double_eq_tol(jdouble(it, "within_range_pct"), 50, 1e-9);
	it_response_free(&r);

	/* t1 was overtaken by t3 (priority); t2 by t3 (priority) and t4 (manual); t4 and t3 by nobody. */
	ck_assert_int_eq(it_json("GET", "/api/v1/reports/fairness?from=2001-02-03&to=2001-02-03", token, NULL, &r), 0);
	ck_assert_msg(r.status == 200, "fairness: %ld %s", r.status, r.body);
	struct json_object *items = member(r.json, "items");
	it = report_item(items, q, normal);
	ck_assert_int_eq(jint(it, "tickets"), 3);
	ck_assert_double_eq_tol(jdouble(it, "overtaken_avg"), 1, 1e-9);
	ck_assert_double_eq_tol(jdouble(it, "overtaken_p90"), 1.8, 1e-9); /* {0, 1, 2}: 1 + 0.8 x 1 */
	ck_assert_int_eq(jint(it, "overtaken_max"), 2);
	struct json_object *by = member(it, "by_cause");
	ck_assert_int_eq(jint(by, "priority"), 2);
	ck_assert_int_eq(jint(by, "manual"), 1);
	ck_assert_int_eq(jint(by, "overdue") + jint(by, "rebalance") + jint(by, "transfer") + jint(by, "appointment"), 0);
	it = report_item(items, q, urgent);
	ck_assert_int_eq(jint(it, "tickets"), 1);
	ck_assert_int_eq(jint(it, "overtaken_max"), 0);
	it_response_free(&r);

	ck_assert_int_eq(it_json("GET", "/api/v1/reports/fairness?from=2001-02-04&to=2001-02-03", token, NULL, &r), 0);
	it_assert_problem(&r, 422);
	it_response_free(&r);
	ck_assert_int_eq(it_json("GET", "/api/v1/reports/estimates?day=1", token, NULL, &r), 0);
	it_assert_problem(&r, 422);
	it_response_free(&r);
}
END_TEST

/* Runs turneroctl simulate with args; the line of the queue labelled label goes to line. */
static int simulate(const char *args, const char *label, char *line, size_t len)
{
	char cmd[2048], buf[1024];
	snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' simulate %s 2>&1", getenv("TURNERO_BUILD_DIR"),
		 it_state_path("turnero.conf"), args);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	line[0] = '\0';
	while (fgets(buf, sizeof buf, f))
		if (label && strncmp(buf, label, strlen(label)) == 0)
			snprintf(line, len, "%s", buf + strlen(label));
		else if (!label)
			snprintf(line, len, "%s", buf);
	int status = pclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_simulate_reproduces_a_scripted_day)
{
	setup();
	char mine[64], q[64], prios[128];
	create_priority("ExplainSim", 2, 5, mine);
	snprintf(prios, sizeof prios, "[\"%s\"]", mine);
	char prefix[8], name[64];
	snprintf(name, sizeof name, "%s", it_unique("Sim"));
	snprintf(prios, sizeof prios, "[\"%s\"]", mine);
	ck_assert_int_eq(it_create_queue(token, name, "fifo", prios, q, prefix), 0);
	char t[3][64], got[64];
	for (int i = 0; i < 3; i++)
		issue(q, mine, t[i], NULL);
	for (int i = 0; i < 4; i++)
		call_next(q, got);
	ck_assert_str_eq(got, "");
	/* One attendant, 300 s each, never idle: waits 0, 240, 480; SLA 5 min: 2 of 3 met. */
	script(t[0], "2001-02-04", "10:00:00", "10:00:00", "10:05:00", 300, 300, 300);
	script(t[1], "2001-02-04", "10:01:00", "10:05:00", "10:10:00", 300, 300, 300);
	script(t[2], "2001-02-04", "10:02:00", "10:10:00", "10:15:00", 300, 300, 300);
	char label[128], line[1024];
	snprintf(label, sizeof label, "%s (%s) ", name, prefix);
	ck_assert_int_eq(simulate("--from 2001-02-04 --to 2001-02-04 --seed 7", label, line, sizeof line), 0);
	long desks = 0, sim_desks = 0;
	long long tickets = 0;
	double v[6];
	ck_assert_msg(sscanf(line, "%ld %ld %lld %lf %lf %lf %lf %lf %lf", &desks, &sim_desks, &tickets, &v[0], &v[1],
			     &v[2], &v[3], &v[4], &v[5]) == 9,
		      "line: %s", line);
	ck_assert_int_eq(desks, 1);
	ck_assert_int_eq(sim_desks, 1);
	ck_assert_int_eq(tickets, 3);
	/* avg 240, p90 {0, 240, 480}: 240 + 0.8 x 240 = 432, SLA 66.7 %: real and simulated alike. */
	ck_assert_double_eq_tol(v[0], 240, 0.05);
	ck_assert_double_eq_tol(v[1], 240, 0.05);
	ck_assert_double_eq_tol(v[2], 432, 0.05);
	ck_assert_double_eq_tol(v[3], 432, 0.05);
	ck_assert_double_eq_tol(v[4], 66.7, 0.05);
	ck_assert_double_eq_tol(v[5], 66.7, 0.05);

	/* Two desks: t2 at 10:01, t3 at 10:05 -> waits 0, 0, 180: avg 60, p90 144, all within 5 min. */
	char args[256];
	snprintf(args, sizeof args, "--from 2001-02-04 --to 2001-02-04 --desks %s=2 --seed 7", prefix);
	ck_assert_int_eq(simulate(args, label, line, sizeof line), 0);
	ck_assert_int_eq(sscanf(line, "%ld %ld %lld %lf %lf %lf %lf %lf %lf", &desks, &sim_desks, &tickets, &v[0], &v[1],
				&v[2], &v[3], &v[4], &v[5]),
			 9);
	ck_assert_int_eq(sim_desks, 2);
	ck_assert_double_eq_tol(v[0], 240, 0.05);
	ck_assert_double_eq_tol(v[1], 60, 0.05);
	ck_assert_double_eq_tol(v[3], 144, 0.05);
	ck_assert_double_eq_tol(v[5], 100, 0.05);
	/* A looser SLA: 8 minutes meets all three, in both columns. */
	char sla[256];
	snprintf(sla, sizeof sla, "--from 2001-02-04 --to 2001-02-04 --sla %s=8", mine);
	ck_assert_int_eq(simulate(sla, label, line, sizeof line), 0);
	ck_assert_int_eq(sscanf(line, "%ld %ld %lld %lf %lf %lf %lf %lf %lf", &desks, &sim_desks, &tickets, &v[0], &v[1],
				&v[2], &v[3], &v[4], &v[5]),
			 9);
	ck_assert_double_eq_tol(v[4], 100, 0.05);
	ck_assert_double_eq_tol(v[5], 100, 0.05);

	/* One-line errors, exit 2 for bad usage. */
	ck_assert_int_eq(simulate("--from 2001-02-04", NULL, line, sizeof line), 2);
	ck_assert_ptr_nonnull(strstr(line, "turneroctl: simulate:"));
	ck_assert_int_eq(simulate("--from 2001-02-04 --to 2001-02-04 --desks NOPE=2", NULL, line, sizeof line), 2);
	ck_assert_ptr_nonnull(strstr(line, "NOPE"));
	ck_assert_int_eq(simulate("--from 2001-02-04 --to 2001-02-04 --desks X=0", NULL, line, sizeof line), 2);
	ck_assert_int_eq(simulate("--from 2001-02-31 --to 2001-03-01", NULL, line, sizeof line), 2);
	ck_assert_int_eq(simulate("--help", NULL, line, sizeof line), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("explain");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_order_priority_overdue_steal_agrees_with_call_next);
	tcase_add_test(tc, test_board_next_codes_and_risk_follow_the_order_in_two_statements);
	tcase_add_test(tc, test_order_fifo_with_checked_in_appointment_agrees_with_call_next);
	tcase_add_test(tc, test_quote_creates_nothing_and_matches_the_next_registration);
	tcase_add_test(tc, test_estimate_and_fairness_reports_on_a_scripted_day);
	tcase_add_test(tc, test_simulate_reproduces_a_scripted_day);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
