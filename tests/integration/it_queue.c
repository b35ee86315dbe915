/* The queue engine (placement, ordering, calling, state changes, board, restart) through the real stack. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define ATTENDANT_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000003"
#define MISSING_ID "00000000-0000-4000-8000-000000000000"
#define DEFAULT_SERVICE_SECONDS 300

static char admin_token[4096];
static char admin_id[64];
static const char *admin_password;
static char customer_id[64];

/* A 3-letter queue prefix, different on every call of this run and likely across runs. */
static void next_prefix(char out[4])
{
	static unsigned counter;
	unsigned v = ((unsigned)getpid() * 101u + counter++) % (26u * 26u * 26u);
	out[0] = (char)('A' + v / 676);
	out[1] = (char)('A' + v / 26 % 26);
	out[2] = (char)('A' + v % 26);
	out[3] = '\0';
}

static long get(const char *path, const char *token, struct it_response *r)
{
	it_json("GET", path, token, NULL, r);
	return r->status;
}

/* Asserts a 422 whose errors name field. */
static void assert_invalid_field(const struct it_response *r, const char *field)
{
	it_assert_problem(r, 422);
	char needle[96];
	snprintf(needle, sizeof needle, "\"field\":\"%s\"", field);
	ck_assert_msg(strstr(r->body, needle), "422 names %s: %s", field, r->body);
}

static void setup_admin(void)
{
	/* main() logged the admin in; this learns its id once. */
	if (admin_id[0])
		return;
	struct it_response r;
	ck_assert_int_eq(get("/api/v1/auth/me", admin_token, &r), 200);
	snprintf(admin_id, sizeof admin_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	char body[256];
	snprintf(body, sizeof body, "{\"dni\":\"%s\",\"first_name\":\"Ana\",\"last_name\":\"Queue\"}", it_unique("q-dni"));
	it_json("POST", "/api/v1/customers", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "create customer: %ld %s", r.status, r.body);
	snprintf(customer_id, sizeof customer_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

/* Creates a priority that only this scenario's queues serve; returns its id in out. */
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

struct queue {
	char id[64];
	char prefix[4];
	char name[40];
};

/* Creates a queue serving the listed priorities (a JSON array body); retries when a prefix is taken. */
static void create_queue_state(const char *name, const char *policy, const char *priority_ids_json,
			       const char *state, struct queue *q)
{
	char body[512];
	struct it_response r;
	/* Programs share one database and walk prefixes in sequence: step past taken ones. */
	for (int attempt = 0; attempt < 200; attempt++) {
		next_prefix(q->prefix);
		snprintf(body, sizeof body,
			 "{\"name\":\"%s\",\"prefix\":\"%s\",\"policy\":\"%s\",\"state\":\"%s\",\"priority_ids\":%s}", name,
			 q->prefix, policy, state, priority_ids_json);
		it_json("POST", "/api/v1/queues", admin_token, body, &r);
		if (r.status != 409)
			break;
		it_response_free(&r);
	}
	ck_assert_msg(r.status == 201, "create queue: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "prefix"), q->prefix);
	ck_assert_str_eq(it_str(&r, "policy"), policy);
	ck_assert_str_eq(it_str(&r, "state"), state);
	ck_assert_int_eq(it_obj_int(r.json, "waiting"), 0);
	snprintf(q->id, sizeof q->id, "%s", it_str(&r, "id"));
	snprintf(q->name, sizeof q->name, "%s", name);
	it_response_free(&r);
}

static void create_queue(const char *name, const char *policy, const char *priority_id, struct queue *q)
{
	char ids[128];
	snprintf(ids, sizeof ids, "[\"%s\"]", priority_id);
	create_queue_state(name, policy, ids, "open", q);
}

/* POST /tickets for the shared customer; queue_id NULL lets placement decide. */
static void post_ticket(const char *token, const char *priority_id, const char *queue_id, struct it_response *r)
{
	char body[512];
	if (queue_id)
		snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"%s\"}",
			 priority_id, customer_id, queue_id);
	else
		snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\"}", priority_id, customer_id);
	it_json("POST", "/api/v1/tickets", token, body, r);
}

/* Issues a ticket (201 expected) and copies its id; distinct created_date values keep order deterministic. */
static void issue(const char *priority_id, const char *queue_id, char out[64])
{
	struct it_response r;
	it_sleep_ms(3);
	post_ticket(admin_token, priority_id, queue_id, &r);
	ck_assert_msg(r.status == 201, "issue ticket: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "status"), "waiting");
	if (queue_id)
		ck_assert_str_eq(it_str(&r, "queue_id"), queue_id);
	snprintf(out, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
	it_sleep_ms(3);
}

static long call_next(const char *queue_id, const char *token, struct it_response *r)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue_id);
	it_json("POST", path, token, NULL, r);
	return r->status;
}

/* call-next that must call ticket want. */
static void call_next_expect(const char *queue_id, const char *want)
{
	struct it_response r;
	call_next(queue_id, admin_token, &r);
	ck_assert_msg(r.status == 200, "call-next: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "id"), want);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	ck_assert_str_eq(it_str(&r, "queue_id"), queue_id);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/tickets/%s", want);
	it_assert_answer_is_stored(&r, path, admin_token);
	it_response_free(&r);
}

static void call_next_none(const char *queue_id)
{
	struct it_response r;
	call_next(queue_id, admin_token, &r);
	ck_assert_msg(r.status == 204, "call-next with nothing left: %ld %s", r.status, r.body);
	ck_assert_int_eq(r.body_len, 0);
	it_response_free(&r);
}

/* POST /tickets/{id}/<op> with an optional JSON body. */
static long ticket_op(const char *id, const char *op, const char *body, const char *token, struct it_response *r)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/tickets/%s/%s", id, op);
	it_json("POST", path, token, body, r);
	return r->status;
}

static long get_ticket(const char *id, struct it_response *r)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/tickets/%s", id);
	return get(path, admin_token, r);
}

static void assert_ticket(const char *id, const char *status, const char *queue_id)
{
	struct it_response r;
	ck_assert_int_eq(get_ticket(id, &r), 200);
	ck_assert_msg(strcmp(it_str(&r, "status"), status) == 0, "ticket status: %s", r.body);
	if (queue_id)
		ck_assert_str_eq(it_str(&r, "queue_id"), queue_id);
	it_response_free(&r);
}

/* Position of a waiting ticket; its estimated wait goes to *wait when wait is not NULL. */
static long ticket_standing(const char *id, long long *wait)
{
	struct it_response r;
	ck_assert_int_eq(get_ticket(id, &r), 200);
	long long p = it_obj_int(r.json, "position");
	long long w = it_obj_int(r.json, "estimated_wait_seconds");
	ck_assert_int_ge(w, 0);
	if (wait)
		*wait = w;
	it_response_free(&r);
	return (long)p;
}

/* Position of a waiting ticket in a queue that has served nothing yet today: the default estimate applies. */
static long ticket_position(const char *id)
{
	long long wait;
	long p = ticket_standing(id, &wait);
	ck_assert_int_eq(wait, p * DEFAULT_SERVICE_SECONDS);
	return p;
}

/* GET /tickets/{id}/events into r; returns the array of events (owned by r). */
static struct json_object *events(const char *id, struct it_response *r)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/tickets/%s/events", id);
	ck_assert_int_eq(get(path, admin_token, r), 200);
	/* SPEC: the audit trail is a plain array, not a page. */
	ck_assert_msg(r->json && json_object_is_type(r->json, json_type_array), "events: %s", r->body);
	return r->json;
}

/* The event names of a ticket joined by commas, in order. */
static void event_names(const char *id, char *out, size_t len)
{
	struct it_response r;
	struct json_object *items = events(id, &r);
	out[0] = '\0';
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		const char *e = it_obj_str(json_object_array_get_idx(items, i), "event");
		snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? "," : "", e ? e : "?");
	}
	it_response_free(&r);
}

/* The last event of a ticket must be `event` with these queues and reason (NULL = JSON null). */
static void assert_last_event(const char *id, const char *event, const char *from, const char *to,
			      const char *reason)
{
	struct it_response r;
	struct json_object *items = events(id, &r);
	size_t len = json_object_array_length(items);
	ck_assert_uint_gt(len, 0);
	struct json_object *e = json_object_array_get_idx(items, len - 1);
	ck_assert_msg(strcmp(it_obj_str(e, "event"), event) == 0, "last event of %s", r.body);
	if (from)
		ck_assert_str_eq(it_obj_str(e, "from_queue_id"), from);
	else
		ck_assert(it_obj_null(e, "from_queue_id"));
	if (to)
		ck_assert_str_eq(it_obj_str(e, "to_queue_id"), to);
	else
		ck_assert(it_obj_null(e, "to_queue_id"));
	if (reason)
		ck_assert_str_eq(it_obj_str(e, "reason"), reason);
	else
		ck_assert(it_obj_null(e, "reason"));
	it_response_free(&r);
}

static long long list_total(const char *path)
{
	struct it_response r;
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	long long total = it_obj_int(r.json, "total");
	it_response_free(&r);
	return total;
}

/* An RFC 3339 UTC time with milliseconds: 2025-10-17T03:03:49.172Z. */
static bool is_timestamp(const char *s)
{
	int y, mo, d, h, mi, sec, ms;
	char z;
	return s && strlen(s) == 24 && sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &sec, &ms, &z) == 8 &&
	       z == 'Z';
}

START_TEST(test_placement_picks_fewest_ahead_then_fewer_waiting_then_oldest_queue)
{
	setup_admin();
	char prio[64];
	struct queue q1, q2;
	create_priority(it_unique("Place"), 40, 0, prio);
	create_queue(it_unique("Place one"), "priority", prio, &q1);
	create_queue(it_unique("Place two"), "fifo", prio, &q2);
	struct {
		const struct queue *q;
		long number, position;
	} want[] = {{&q1, 1, 1}, {&q2, 1, 1}, {&q1, 2, 2}};
	for (size_t i = 0; i < 3; i++) {
		struct it_response r;
		it_sleep_ms(3);
		post_ticket(admin_token, prio, NULL, &r);
		ck_assert_msg(r.status == 201, "ticket %zu: %ld %s", i, r.status, r.body);
		char code[16], location[128];
		snprintf(code, sizeof code, "%s-%03ld", want[i].q->prefix, want[i].number);
		ck_assert_msg(strcmp(it_str(&r, "queue_id"), want[i].q->id) == 0, "ticket %zu placed in %s", i,
			      r.body);
		ck_assert_str_eq(it_str(&r, "code"), code);
		ck_assert_int_eq(it_obj_int(r.json, "number"), want[i].number);
		ck_assert_str_eq(it_str(&r, "status"), "waiting");
		ck_assert_str_eq(it_str(&r, "priority_id"), prio);
		ck_assert_str_eq(it_str(&r, "customer_id"), customer_id);
		ck_assert_int_eq(it_obj_int(r.json, "position"), want[i].position);
		ck_assert_int_eq(it_obj_int(r.json, "estimated_wait_seconds"), want[i].position * DEFAULT_SERVICE_SECONDS);
		ck_assert_int_eq(it_obj_int(r.json, "quoted_wait_seconds"), want[i].position * DEFAULT_SERVICE_SECONDS);
		ck_assert(is_timestamp(it_str(&r, "created_date")));
		ck_assert(it_obj_null(r.json, "called_date"));
		ck_assert(it_obj_null(r.json, "served_date"));
		ck_assert(it_obj_null(r.json, "called_by"));
		char *loc = it_header(&r, "Location");
		snprintf(location, sizeof location, "/api/v1/tickets/%s", it_str(&r, "id"));
		ck_assert_ptr_nonnull(loc);
		ck_assert_str_eq(loc, location);
		free(loc);
		it_response_free(&r);
	}
	struct it_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/queues/%s", q1.id);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_int_eq(it_obj_int(r.json, "waiting"), 2);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/queues/%s", q2.id);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_int_eq(it_obj_int(r.json, "waiting"), 1);
	it_response_free(&r);
}
END_TEST

START_TEST(test_priority_queue_calls_by_level_then_age_and_overdue_first)
{
	setup_admin();
	char high[64], low[64], ids[160];
	struct queue q;
	create_priority(it_unique("Order high"), 1, 10, high);
	create_priority(it_unique("Order low"), 5, 60, low);
	snprintf(ids, sizeof ids, "[\"%s\",\"%s\"]", high, low);
	create_queue_state(it_unique("Order"), "priority", ids, "open", &q);

	char low1[64], low2[64], high1[64];
	issue(low, NULL, low1);
	issue(low, NULL, low2);
	issue(high, NULL, high1);
	/* Positions follow the same ordering as calling. */
	ck_assert_int_eq(ticket_position(high1), 1);
	ck_assert_int_eq(ticket_position(low1), 2);
	ck_assert_int_eq(ticket_position(low2), 3);
	call_next_expect(q.id, high1);
	call_next_expect(q.id, low1);
	call_next_expect(q.id, low2);
	call_next_none(q.id);
	assert_ticket(low2, "served", q.id);

	/* A low ticket past its SLA goes before a fresh urgent one. */
	char late[64], fresh[64], stmt[256];
	issue(low, NULL, late);
	issue(high, NULL, fresh);
	/* Served tickets took milliseconds: their average, not the default, makes the estimate now. */
	long long wait;
	ck_assert_int_eq(ticket_standing(fresh, &wait), 1);
	ck_assert_int_lt(wait, DEFAULT_SERVICE_SECONDS);
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET sla_deadline = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE id = '%s'", late);
	it_sql(stmt);
	ck_assert_int_eq(ticket_standing(late, NULL), 1);
	ck_assert_int_eq(ticket_standing(fresh, NULL), 2);
	call_next_expect(q.id, late);
	call_next_expect(q.id, fresh);
	call_next_none(q.id);
}
END_TEST

START_TEST(test_call_next_serves_the_previous_called_ticket)
{
	setup_admin();
	char prio[64], t1[64], t2[64], names[256];
	struct queue q;
	create_priority(it_unique("Serve prev"), 41, 0, prio);
	create_queue(it_unique("Serve prev"), "fifo", prio, &q);
	issue(prio, NULL, t1);
	issue(prio, NULL, t2);

	struct it_response r;
	ck_assert_int_eq(call_next(q.id, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t1);
	ck_assert_str_eq(it_str(&r, "called_by"), admin_id);
	ck_assert(is_timestamp(it_str(&r, "called_date")));
	ck_assert(it_obj_null(r.json, "served_date"));
	ck_assert(it_obj_null(r.json, "position"));
	ck_assert(it_obj_null(r.json, "estimated_wait_seconds"));
	it_response_free(&r);

	call_next_expect(q.id, t2);
	ck_assert_int_eq(get_ticket(t1, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "served");
	ck_assert(is_timestamp(it_str(&r, "served_date")));
	ck_assert(is_timestamp(it_str(&r, "called_date")));
	ck_assert_str_le(it_str(&r, "called_date"), it_str(&r, "served_date"));
	it_response_free(&r);
	event_names(t1, names, sizeof names);
	ck_assert_str_eq(names, "created,called,served");

	/* Nothing left: the called ticket is still served, and the answer is 204. */
	call_next_none(q.id);
	ck_assert_int_eq(get_ticket(t2, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "served");
	ck_assert(is_timestamp(it_str(&r, "served_date")));
	it_response_free(&r);
	call_next_none(q.id);
	event_names(t2, names, sizeof names);
	ck_assert_str_eq(names, "created,called,served");
}
END_TEST

START_TEST(test_empty_queue_steals_from_another_queue_of_its_priority)
{
	setup_admin();
	char prio[64], t[64], path[128], ids_patch[256];
	struct queue a, b;
	create_priority(it_unique("Steal"), 42, 0, prio);
	create_queue(it_unique("Steal A"), "priority", prio, &a);
	create_queue(it_unique("Steal B"), "priority", prio, &b);
	issue(prio, b.id, t);

	struct it_response r;
	ck_assert_int_eq(call_next(a.id, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t);
	ck_assert_str_eq(it_str(&r, "queue_id"), a.id);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	char code[16];
	snprintf(code, sizeof code, "%s-001", b.prefix);
	ck_assert_str_eq(it_str(&r, "code"), code); /* the number it was issued with stays */
	it_response_free(&r);

	struct json_object *items = events(t, &r);
	bool found = false;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *e = json_object_array_get_idx(items, i);
		if (strcmp(it_obj_str(e, "event"), "transferred") != 0)
			continue;
		found = true;
		ck_assert_str_eq(it_obj_str(e, "reason"), "rebalance");
		ck_assert_str_eq(it_obj_str(e, "from_queue_id"), b.id);
		ck_assert_str_eq(it_obj_str(e, "to_queue_id"), a.id);
		ck_assert_str_eq(it_obj_str(e, "user_id"), admin_id);
	}
	ck_assert_msg(found, "no transferred event: %s", r.body);
	it_response_free(&r);
	call_next_none(b.id);
	call_next_none(a.id);

	/* What is taken follows the calling queue's ordering: by level for priority, by age for fifo. */
	char urgent[64], ids[160], old_low[64], new_high[64];
	struct queue c;
	create_priority(it_unique("Steal urgent"), 3, 0, urgent);
	snprintf(ids, sizeof ids, "[\"%s\",\"%s\"]", prio, urgent);
	create_queue_state(it_unique("Steal C"), "fifo", ids, "open", &c);
	snprintf(ids_patch, sizeof ids_patch, "{\"priority_ids\":%s}", ids);
	const struct queue *both[] = {&a, &b};
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "/api/v1/queues/%s", both[i]->id);
		it_json("PATCH", path, admin_token, ids_patch, &r);
		ck_assert_msg(r.status == 200, "serve both priorities: %ld %s", r.status, r.body);
		ck_assert_int_eq(json_object_array_length(json_object_object_get(r.json, "priority_ids")), 2);
		it_response_free(&r);
	}
	issue(prio, b.id, old_low);
	issue(urgent, b.id, new_high);
	call_next_expect(a.id, new_high);
	call_next_expect(c.id, old_low);
}
END_TEST

START_TEST(test_state_machine_through_the_api)
{
	setup_admin();
	char prio[64], body[128], names[256];
	struct queue q1, q2;
	struct it_response r;
	create_priority(it_unique("States"), 43, 0, prio);
	create_queue(it_unique("States one"), "priority", prio, &q1);
	create_queue(it_unique("States two"), "priority", prio, &q2);

	/* waiting: serve is illegal, cancel is final, and nothing applies to a final ticket. */
	char t1[64];
	issue(prio, q1.id, t1);
	ticket_op(t1, "serve", NULL, admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ck_assert_int_eq(ticket_op(t1, "cancel", NULL, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "cancelled");
	ck_assert(it_obj_null(r.json, "position"));
	it_response_free(&r);
	const char *ops[] = {"serve", "no-show", "recall", "cancel", "requeue"};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		ticket_op(t1, ops[i], NULL, admin_token, &r);
		it_assert_problem(&r, 409);
		it_response_free(&r);
	}
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q2.id);
	ticket_op(t1, "transfer", body, admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q1.id);
	ticket_op(t1, "call", body, admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	assert_ticket(t1, "cancelled", q1.id);
	assert_last_event(t1, "cancelled", q1.id, NULL, NULL);

	/* called: recall, requeue (keeps created_date and its place), call again, no-show. */
	char t2[64], created[32], younger[64];
	issue(prio, q1.id, t2);
	issue(prio, q1.id, younger);
	const char *waiting_ops[] = {"recall", "requeue", "no-show"};
	for (size_t i = 0; i < sizeof waiting_ops / sizeof waiting_ops[0]; i++) {
		ticket_op(t2, waiting_ops[i], NULL, admin_token, &r);
		it_assert_problem(&r, 409);
		it_response_free(&r);
	}
	ck_assert_int_eq(get_ticket(t2, &r), 200);
	snprintf(created, sizeof created, "%s", it_str(&r, "created_date"));
	it_response_free(&r);
	call_next_expect(q1.id, t2);
	ck_assert_int_eq(ticket_op(t2, "recall", NULL, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	it_response_free(&r);
	assert_last_event(t2, "recalled", q1.id, NULL, NULL);
	ck_assert_int_eq(ticket_op(t2, "requeue", NULL, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "waiting");
	ck_assert_str_eq(it_str(&r, "created_date"), created);
	ck_assert_str_eq(it_str(&r, "queue_id"), q1.id);
	ck_assert(it_obj_null(r.json, "called_date"));
	ck_assert(it_obj_null(r.json, "called_by"));
	ck_assert_int_eq(it_obj_int(r.json, "position"), 1); /* back ahead of the younger ticket */
	it_response_free(&r);
	ck_assert_int_eq(ticket_position(younger), 2);
	assert_last_event(t2, "requeued", q1.id, NULL, NULL);
	call_next_expect(q1.id, t2);
	ck_assert_int_eq(ticket_op(t2, "no-show", NULL, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "no_show");
	it_response_free(&r);
	event_names(t2, names, sizeof names);
	ck_assert_str_eq(names, "created,called,recalled,requeued,called,no_show");
	ck_assert_int_eq(ticket_op(younger, "cancel", NULL, admin_token, &r), 200);
	it_response_free(&r);

	/* transfer: manual, to another queue, waiting there. */
	char t3[64];
	issue(prio, q1.id, t3);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q2.id);
	ck_assert_int_eq(ticket_op(t3, "transfer", body, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "queue_id"), q2.id);
	ck_assert_str_eq(it_str(&r, "status"), "waiting");
	it_response_free(&r);
	ticket_op(t3, "transfer", body, admin_token, &r); /* already there */
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ticket_op(t3, "transfer", "{\"queue_id\":\"nope\"}", admin_token, &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);
	ticket_op(t3, "transfer", "{}", admin_token, &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);

	/* The audit trail: order and every field. */
	struct json_object *items = events(t3, &r);
	ck_assert_int_eq(json_object_array_length(items), 2);
	const char *keys[] = {"seq", "event", "from_queue_id", "to_queue_id", "user_id", "reason", "at"};
	long long last_seq = 0;
	for (size_t i = 0; i < 2; i++) {
		struct json_object *e = json_object_array_get_idx(items, i);
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			ck_assert_msg(json_object_object_get_ex(e, keys[k], NULL), "event lacks %s: %s", keys[k],
				      r.body);
		ck_assert_int_gt(it_obj_int(e, "seq"), last_seq);
		last_seq = it_obj_int(e, "seq");
		ck_assert(is_timestamp(it_obj_str(e, "at")));
		ck_assert_str_eq(it_obj_str(e, "user_id"), admin_id);
	}
	struct json_object *e0 = json_object_array_get_idx(items, 0), *e1 = json_object_array_get_idx(items, 1);
	ck_assert_str_eq(it_obj_str(e0, "event"), "created");
	ck_assert(it_obj_null(e0, "from_queue_id"));
	ck_assert_str_eq(it_obj_str(e0, "to_queue_id"), q1.id);
	ck_assert(it_obj_null(e0, "reason"));
	ck_assert_str_eq(it_obj_str(e1, "event"), "transferred");
	ck_assert_str_eq(it_obj_str(e1, "from_queue_id"), q1.id);
	ck_assert_str_eq(it_obj_str(e1, "to_queue_id"), q2.id);
	ck_assert_str_eq(it_obj_str(e1, "reason"), "manual");
	ck_assert_str_le(it_obj_str(e0, "at"), it_obj_str(e1, "at"));
	it_response_free(&r);

	/* call: one waiting ticket out of order, at the given queue (the admin has no queue of their own). */
	char t4[64], t5[64];
	issue(prio, q2.id, t4);
	issue(prio, q2.id, t5);
	ticket_op(t5, "call", NULL, admin_token, &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q2.id);
	ck_assert_int_eq(ticket_op(t5, "call", body, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t5);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	ck_assert_str_eq(it_str(&r, "queue_id"), q2.id);
	ck_assert_str_eq(it_str(&r, "called_by"), admin_id);
	it_response_free(&r);
	assert_ticket(t3, "waiting", q2.id);
	assert_ticket(t4, "waiting", q2.id);
	ck_assert_int_eq(ticket_position(t3), 1);
	ck_assert_int_eq(ticket_position(t4), 2);
	assert_last_event(t5, "called", q2.id, q2.id, NULL);
	/* The next call-next serves t5 and calls the oldest. */
	call_next_expect(q2.id, t3);
	assert_ticket(t5, "served", q2.id);
	ck_assert_int_eq(ticket_standing(t4, NULL), 1);
}
END_TEST

START_TEST(test_attendant_operates_only_the_assigned_queue)
{
	setup_admin();
	char prio[64], body[512], path[128], user_id[64], token[4096];
	struct queue q1, q2;
	struct it_response r;
	create_priority(it_unique("Owner"), 44, 0, prio);
	create_queue(it_unique("Owner one"), "priority", prio, &q1);
	create_queue(it_unique("Owner two"), "priority", prio, &q2);

	snprintf(body, sizeof body,
		 "{\"user_name\":\"%s\",\"first_name\":\"Counter\",\"last_name\":\"One\",\"password\":\"counter-pw-1\","
		 "\"role_id\":\"" ATTENDANT_ROLE "\"}",
		 it_unique("counter.one"));
	it_json("POST", "/api/v1/users", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "create attendant: %ld %s", r.status, r.body);
	snprintf(user_id, sizeof user_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/queues/%s", q1.id);
	snprintf(body, sizeof body, "{\"user_id\":\"%s\"}", user_id);
	it_json("PATCH", path, admin_token, body, &r);
	ck_assert_msg(r.status == 200, "assign: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "user_id"), user_id);
	it_response_free(&r);
	/* One queue per attendant. */
	snprintf(path, sizeof path, "/api/v1/queues/%s", q2.id);
	it_json("PATCH", path, admin_token, body, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ck_assert_int_eq(it_login(it_unique("counter.one"), "counter-pw-1", token, sizeof token, NULL, 0), 200);

	char t1[64], t2[64];
	issue(prio, q1.id, t1);
	issue(prio, q2.id, t2);
	ck_assert_int_eq(call_next(q1.id, token, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t1);
	ck_assert_str_eq(it_str(&r, "called_by"), user_id);
	it_response_free(&r);
	call_next(q2.id, token, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	assert_ticket(t2, "waiting", q2.id);
	/* Operations on tickets follow the same rule. */
	ck_assert_int_eq(ticket_op(t1, "serve", NULL, token, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "served");
	it_response_free(&r);
	ticket_op(t2, "cancel", NULL, token, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q2.id);
	ticket_op(t2, "call", body, token, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	assert_ticket(t2, "waiting", q2.id);
	/* Without a body, call uses the caller's own queue. */
	char t3[64];
	issue(prio, q1.id, t3);
	ck_assert_int_eq(ticket_op(t3, "call", NULL, token, &r), 200);
	ck_assert_str_eq(it_str(&r, "queue_id"), q1.id);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	it_response_free(&r);
	/* Nor may they call their own queue's ticket to someone else's counter. */
	char t4[64];
	issue(prio, q1.id, t4);
	ticket_op(t4, "call", body, token, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	assert_ticket(t4, "waiting", q1.id);
}
END_TEST

START_TEST(test_closing_a_queue_re_places_its_waiting_tickets)
{
	setup_admin();
	char prio[64], t1[64], t2[64], created[2][32], path[128], code[16];
	struct queue q1, q2;
	struct it_response r;
	create_priority(it_unique("Close"), 45, 0, prio);
	create_queue(it_unique("Close one"), "priority", prio, &q1);
	create_queue(it_unique("Close two"), "priority", prio, &q2);
	issue(prio, q1.id, t1);
	issue(prio, q1.id, t2);
	const char *ids[] = {t1, t2};
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(get_ticket(ids[i], &r), 200);
		snprintf(created[i], sizeof created[i], "%s", it_str(&r, "created_date"));
		it_response_free(&r);
	}

	snprintf(path, sizeof path, "/api/v1/queues/%s", q1.id);
	it_json("PATCH", path, admin_token, "{\"state\":\"closed\"}", &r);
	ck_assert_msg(r.status == 200, "close: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "state"), "closed");
	ck_assert_int_eq(it_obj_int(r.json, "waiting"), 0);
	it_response_free(&r);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(get_ticket(ids[i], &r), 200);
		ck_assert_str_eq(it_str(&r, "queue_id"), q2.id);
		ck_assert_str_eq(it_str(&r, "status"), "waiting");
		ck_assert_str_eq(it_str(&r, "created_date"), created[i]);
		snprintf(code, sizeof code, "%s-%03zu", q1.prefix, i + 1);
		ck_assert_str_eq(it_str(&r, "code"), code);
		ck_assert_int_eq(it_obj_int(r.json, "position"), (long long)i + 1);
		it_response_free(&r);
		assert_last_event(ids[i], "transferred", q1.id, q2.id, "queue_closed");
	}
	/* A closed queue calls nothing and takes no tickets, not even by transfer. */
	call_next(q1.id, admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	char body[128];
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q1.id);
	ticket_op(t1, "transfer", body, admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	post_ticket(admin_token, prio, q1.id, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);

	/* The last open queue for the priority cannot close while tickets wait: nothing changes. */
	snprintf(path, sizeof path, "/api/v1/queues/%s", q2.id);
	it_json("PATCH", path, admin_token, "{\"state\":\"closed\"}", &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "state"), "open");
	ck_assert_int_eq(it_obj_int(r.json, "waiting"), 2);
	it_response_free(&r);
	it_json("DELETE", path, admin_token, NULL, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	for (size_t i = 0; i < 2; i++) {
		assert_ticket(ids[i], "waiting", q2.id);
		assert_last_event(ids[i], "transferred", q1.id, q2.id, "queue_closed");
	}

	/* Once nothing waits, DELETE closes it. */
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(ticket_op(ids[i], "cancel", NULL, admin_token, &r), 200);
		it_response_free(&r);
	}
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 204, "delete: %ld %s", r.status, r.body);
	it_response_free(&r);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "state"), "closed");
	it_response_free(&r);
	post_ticket(admin_token, prio, NULL, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
}
END_TEST

START_TEST(test_closing_re_places_tickets_by_their_own_age)
{
	setup_admin();
	char prio[64], old_in_x[64], moving[64], young_in_y[64], path[128];
	struct queue x, y, z;
	struct it_response r;
	create_priority(it_unique("Age"), 47, 0, prio);
	create_queue(it_unique("Age x"), "fifo", prio, &x);
	create_queue(it_unique("Age y"), "fifo", prio, &y);
	create_queue(it_unique("Age z"), "fifo", prio, &z);
	issue(prio, x.id, old_in_x);
	issue(prio, z.id, moving);
	issue(prio, y.id, young_in_y);
	/* In x one older ticket stays ahead of it; in y it goes before the younger one. */
	snprintf(path, sizeof path, "/api/v1/queues/%s", z.id);
	it_json("PATCH", path, admin_token, "{\"state\":\"closed\"}", &r);
	ck_assert_msg(r.status == 200, "close: %ld %s", r.status, r.body);
	it_response_free(&r);
	assert_ticket(moving, "waiting", y.id);
	ck_assert_int_eq(get_ticket(moving, &r), 200);
	ck_assert_int_eq(it_obj_int(r.json, "position"), 1);
	it_response_free(&r);
	assert_ticket(old_in_x, "waiting", x.id);
	assert_ticket(young_in_y, "waiting", y.id);
}
END_TEST

START_TEST(test_paused_queue_takes_no_new_tickets_but_serves_its_own)
{
	setup_admin();
	char prio[64], own[64], other[2][64], path[128];
	struct queue q1, q2;
	struct it_response r;
	create_priority(it_unique("Pause"), 46, 0, prio);
	create_queue(it_unique("Pause one"), "priority", prio, &q1);
	create_queue(it_unique("Pause two"), "priority", prio, &q2);
	issue(prio, q1.id, own);
	issue(prio, q2.id, other[0]);
	issue(prio, q2.id, other[1]);

	snprintf(path, sizeof path, "/api/v1/queues/%s", q1.id);
	it_json("PATCH", path, admin_token, "{\"state\":\"paused\"}", &r);
	ck_assert_msg(r.status == 200, "pause: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "state"), "paused");
	ck_assert_int_eq(it_obj_int(r.json, "waiting"), 1);
	it_response_free(&r);

	post_ticket(admin_token, prio, q1.id, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	/* Open, q1 would win (one ahead against two); paused, it is skipped. */
	post_ticket(admin_token, prio, NULL, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	ck_assert_str_eq(it_str(&r, "queue_id"), q2.id);
	ck_assert_int_eq(it_obj_int(r.json, "position"), 3);
	it_response_free(&r);
	call_next_expect(q1.id, own);
	assert_ticket(other[0], "waiting", q2.id);

	/* Empty now, the paused queue does not take work from the open one ... */
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", q1.id);
	it_json("POST", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 204, "paused queue stole a ticket: %ld %s", r.status, r.body);
	it_response_free(&r);
	assert_ticket(other[0], "waiting", q2.id);
	/* ... and takes no transfers either. */
	char body[128];
	snprintf(path, sizeof path, "/api/v1/tickets/%s/transfer", other[0]);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", q1.id);
	it_json("POST", path, admin_token, body, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	assert_ticket(other[0], "waiting", q2.id);
}
END_TEST

static void post_idempotent(const char *key, const char *body, struct it_response *r)
{
	char auth[4200], idem[300];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin_token);
	snprintf(idem, sizeof idem, "Idempotency-Key: %s", key);
	const char *headers[] = {"Content-Type: application/json", auth, idem, NULL};
	it_request("POST", "/api/v1/tickets", headers, body, strlen(body), r);
}

START_TEST(test_idempotency_key_replays_the_first_answer)
{
	setup_admin();
	char prio[64], body[512], id[64], key[64], query[160];
	struct queue q;
	struct it_response r;
	create_priority(it_unique("Idem"), 47, 0, prio);
	create_queue(it_unique("Idem"), "priority", prio, &q);
	snprintf(key, sizeof key, "%s", it_unique("idem-key"));
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\"}", prio, customer_id);

	post_idempotent(key, body, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	snprintf(id, sizeof id, "%s", it_str(&r, "id"));
	char *replayed = it_header(&r, "Idempotent-Replayed");
	ck_assert_ptr_null(replayed);
	it_response_free(&r);

	post_idempotent(key, body, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	ck_assert_str_eq(it_str(&r, "id"), id);
	char code[16];
	snprintf(code, sizeof code, "%s-001", q.prefix);
	ck_assert_str_eq(it_str(&r, "code"), code);
	replayed = it_header(&r, "Idempotent-Replayed");
	ck_assert_ptr_nonnull(replayed);
	ck_assert_str_eq(replayed, "true");
	free(replayed);
	it_response_free(&r);

	/* The same key with another body is refused and issues nothing. */
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"%s\"}", prio,
		 customer_id, q.id);
	post_idempotent(key, body, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	snprintf(query, sizeof query, "/api/v1/tickets?queue_id=%s", q.id);
	ck_assert_int_eq(list_total(query), 1);
	/* Another key is another ticket. */
	char key2[64];
	snprintf(key2, sizeof key2, "%s", it_unique("idem-key-2"));
	post_idempotent(key2, body, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	ck_assert_str_ne(it_str(&r, "id"), id);
	it_response_free(&r);
	ck_assert_int_eq(list_total(query), 2);
}
END_TEST

/*
 * Registration memoises priorities per worker and reads the customer's state with the
 * placement: a change through the API holds for the very next request in every worker, and
 * a bad customer still answers 422 before a missing queue's 409. The answer is the stored row.
 */
START_TEST(test_registration_follows_priority_and_customer_changes_at_once)
{
	setup_admin();
	char prio[64], body[512], path[128], cust[64];
	struct queue q;
	struct it_response r;
	create_priority(it_unique("Memo"), 49, 5, prio);
	create_queue(it_unique("Memo"), "priority", prio, &q);
	/* Every worker reads and memoises the priority (4 rounds per worker of the stack). */
	for (int i = 0; i < 16; i++) {
		post_ticket(admin_token, prio, NULL, &r);
		ck_assert_msg(r.status == 201, "%s", r.body);
		it_response_free(&r);
	}
	snprintf(path, sizeof path, "/api/v1/priorities/%s", prio);
	it_json("PATCH", path, admin_token, "{\"state\":false}", &r);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
	for (int i = 0; i < 16; i++) {
		post_ticket(admin_token, prio, NULL, &r);
		assert_invalid_field(&r, "priority_id");
		it_response_free(&r);
	}
	it_json("PATCH", path, admin_token, "{\"state\":true}", &r);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
	for (int i = 0; i < 16; i++) {
		post_ticket(admin_token, prio, NULL, &r);
		ck_assert_msg(r.status == 201, "%s", r.body);
		it_response_free(&r);
	}

	/* The 201 is the row as stored, times and all. */
	post_ticket(admin_token, prio, NULL, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	char answered[2048];
	snprintf(answered, sizeof answered, "%s", r.body);
	snprintf(path, sizeof path, "/api/v1/tickets/%s", it_str(&r, "id"));
	ck_assert_int_eq(it_obj_int(r.json, "position"), 33);
	it_response_free(&r);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	static const char *const fields[] = {"code", "queue_id", "status", "created_date", "updated_date",
					     "customer_id", "priority_id", "service_date"};
	struct json_object *first = json_tokener_parse(answered);
	ck_assert_ptr_nonnull(first);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		struct json_object *a = NULL, *b = NULL;
		ck_assert(json_object_object_get_ex(first, fields[i], &a));
		ck_assert(json_object_object_get_ex(r.json, fields[i], &b));
		ck_assert_msg(strcmp(json_object_get_string(a), json_object_get_string(b)) == 0, "%s: %s vs %s",
			      fields[i], json_object_get_string(a), json_object_get_string(b));
	}
	json_object_put(first);
	it_response_free(&r);

	/* A deactivated customer: 422, with a queue to go to and without one. */
	snprintf(body, sizeof body, "{\"dni\":\"%s\",\"first_name\":\"Eva\",\"last_name\":\"Memo\"}",
		 it_unique("memo-dni"));
	it_json("POST", "/api/v1/customers", admin_token, body, &r);
	ck_assert_int_eq(r.status, 201);
	snprintf(cust, sizeof cust, "%s", it_str(&r, "id"));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/customers/%s", cust);
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\"}", prio, cust);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "customer_id");
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/queues/%s", q.id);
	it_json("PATCH", path, admin_token, "{\"state\":\"paused\"}", &r);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "customer_id");
	it_response_free(&r);
	/* A good customer with nowhere to go: 409. */
	post_ticket(admin_token, prio, NULL, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
}
END_TEST

/*
 * The estimate is position x the average service time of the queue's last 20 served tickets
 * of the day: 22 served with known times (the two oldest far off) give an average of 20 s.
 */
START_TEST(test_estimate_averages_the_last_20_served_tickets)
{
	setup_admin();
	char prio[64], id[64], stmt[512];
	struct queue q;
	create_priority(it_unique("Avg"), 56, 0, prio);
	create_queue(it_unique("Avg"), "fifo", prio, &q);
	for (int i = 0; i < 22; i++) {
		issue(prio, q.id, id);
		call_next_expect(q.id, id);
	}
	call_next_none(q.id); /* serves the last one */
	/* Service times: the 20 latest 10 s and 30 s alternately (average 20), the 2 oldest 500 s. */
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets t JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY served_date DESC, id) AS n FROM tickets"
		 " WHERE queue_id = '%s' AND status = 'served') r ON r.id = t.id"
		 " SET t.served_date = UTC_TIMESTAMP(3) - INTERVAL r.n MINUTE,"
		 " t.called_date = UTC_TIMESTAMP(3) - INTERVAL r.n MINUTE"
		 " - INTERVAL IF(r.n > 20, 500, IF(r.n %% 2 = 0, 10, 30)) SECOND",
		 q.id);
	it_sql(stmt);
	char a[64], b[64];
	issue(prio, q.id, a);
	issue(prio, q.id, b);
	long long wait = 0;
	ck_assert_int_eq(ticket_standing(b, &wait), 2);
	ck_assert_int_eq(wait, 40);
	struct it_response r;
	post_ticket(admin_token, prio, q.id, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	ck_assert_int_eq(it_obj_int(r.json, "position"), 3);
	ck_assert_int_eq(it_obj_int(r.json, "estimated_wait_seconds"), 60);
	it_response_free(&r);
}
END_TEST

/*
 * Each sort of GET /queues orders and pages as asked: three queues created in the order b, a, c
 * (so their prefixes and creation follow b, a, c) come out in that order or by name, reversed
 * for a descending sort, and the pages of 2 put together are the whole list.
 */
START_TEST(test_queue_list_sorts_and_pages)
{
	setup_admin();
	char prio[64];
	struct queue qs[3];
	static const char *const names[] = {"Sorts b", "Sorts a", "Sorts c"};
	create_priority(it_unique("Sorts"), 57, 0, prio);
	for (int i = 0; i < 3; i++)
		create_queue(it_unique(names[i]), "fifo", prio, &qs[i]);
	/* The expected order of qs[] for each sort: by name a, b, c = qs 1, 0, 2; else qs 0, 1, 2. */
	static const struct {
		const char *sort;
		int order[3];
	} sorts[] = {{"name", {1, 0, 2}},	  {"-name", {2, 0, 1}},		{"prefix", {0, 1, 2}},
		     {"-prefix", {2, 1, 0}},	  {"created_date", {0, 1, 2}}, {"-created_date", {2, 1, 0}}};
	for (size_t k = 0; k < sizeof sorts / sizeof sorts[0]; k++) {
		char path[160];
		struct it_response r;
		snprintf(path, sizeof path, "/api/v1/queues?sort=%s&limit=500", sorts[k].sort);
		ck_assert_int_eq(get(path, admin_token, &r), 200);
		struct json_object *all = json_object_object_get(r.json, "items");
		size_t n = json_object_array_length(all);
		long long total = it_obj_int(r.json, "total");
		ck_assert_int_eq((long long)n, total);
		int seen = 0;
		for (size_t i = 0; i < n; i++) {
			const char *id = json_object_get_string(json_object_object_get(json_object_array_get_idx(all, i), "id"));
			for (int m = 0; m < 3; m++)
				if (strcmp(id, qs[m].id) == 0) {
					ck_assert_msg(seen < 3 && m == sorts[k].order[seen], "sort=%s: %s out of order",
						      sorts[k].sort, qs[m].name);
					seen++;
				}
		}
		ck_assert_int_eq(seen, 3);
		/* Pages of 2: the same ids in the same order, and total counts every queue. */
		for (size_t off = 0; off < n; off += 2) {
			struct it_response pg;
			snprintf(path, sizeof path, "/api/v1/queues?sort=%s&limit=2&offset=%zu", sorts[k].sort, off);
			ck_assert_int_eq(get(path, admin_token, &pg), 200);
			ck_assert_int_eq(it_obj_int(pg.json, "total"), total);
			struct json_object *items = json_object_object_get(pg.json, "items");
			ck_assert_int_eq((long long)json_object_array_length(items), off + 2 <= n ? 2 : (long long)(n - off));
			for (size_t i = 0; i < json_object_array_length(items); i++) {
				struct json_object *got = json_object_object_get(json_object_array_get_idx(items, i), "id");
				struct json_object *want = json_object_object_get(json_object_array_get_idx(all, off + i), "id");
				ck_assert_str_eq(json_object_get_string(got), json_object_get_string(want));
			}
			it_response_free(&pg);
		}
		it_response_free(&r);
	}
}
END_TEST

START_TEST(test_inline_customer_is_upserted_by_dni)
{
	setup_admin();
	char prio[64], body[512], dni[32], cust[64], path[128], query[160];
	struct queue q;
	struct it_response r;
	create_priority(it_unique("Inline"), 48, 0, prio);
	create_queue(it_unique("Inline"), "priority", prio, &q);
	snprintf(dni, sizeof dni, "%s", it_unique("in-dni"));

	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"dni\":\"%s\",\"first_name\":\"Luis\",\"last_name\":\"Paz\"}}",
		 prio, dni);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	snprintf(cust, sizeof cust, "%s", it_str(&r, "customer_id"));
	it_response_free(&r);
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"dni\":\"%s\",\"first_name\":\"Luisa\",\"last_name\":\"Paz\","
		 "\"phone\":\"555-0101\"}}",
		 prio, dni);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	ck_assert_str_eq(it_str(&r, "customer_id"), cust);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/customers/%s", cust);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "dni"), dni);
	ck_assert_str_eq(it_str(&r, "first_name"), "Luisa");
	ck_assert_str_eq(it_str(&r, "phone"), "555-0101");
	it_response_free(&r);

	/* Bad inline fields are named under customer. */
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"dni\":\"012345678901234567890\",\"first_name\":\"\"}}", prio);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "customer.first_name");
	assert_invalid_field(&r, "customer.last_name");
	assert_invalid_field(&r, "customer.dni");
	it_response_free(&r);
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"nope\"}}",
		 prio);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "customer.email");
	it_response_free(&r);
	it_json("POST", "/api/v1/tickets", admin_token, "{\"priority_id\":\"" MISSING_ID "\",\"customer\":\"x\"}", &r);
	assert_invalid_field(&r, "customer");
	it_response_free(&r);
	/* Exactly one of customer_id and customer. */
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"customer\":{\"first_name\":\"A\",\"last_name\":\"B\"}}",
		 prio, cust);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "customer_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\"}", prio);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "customer_id");
	it_response_free(&r);
	snprintf(query, sizeof query, "/api/v1/tickets?queue_id=%s", q.id);
	ck_assert_int_eq(list_total(query), 2);
	snprintf(query, sizeof query, "/api/v1/tickets?customer_id=%s", cust);
	ck_assert_int_eq(list_total(query), 2);
}
END_TEST

START_TEST(test_public_ticket_shows_only_the_waiting_facts)
{
	setup_admin();
	char prio[64], t1[64], t2[64], path[128];
	struct queue q;
	struct it_response r;
	create_priority(it_unique("Public"), 49, 0, prio);
	create_queue(it_unique("Public"), "fifo", prio, &q);
	issue(prio, NULL, t1);
	issue(prio, NULL, t2);

	snprintf(path, sizeof path, "/api/v1/public/tickets/%s", t2);
	ck_assert_int_eq(get(path, NULL, &r), 200);
	const char *keys[] = {"id", "code", "queue_id", "queue_name",
			      "status", "desk_name", "position", "estimated_wait_seconds"};
	ck_assert_int_eq(json_object_object_length(r.json), 8);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		ck_assert_msg(json_object_object_get_ex(r.json, keys[i], NULL), "public ticket lacks %s: %s", keys[i],
			      r.body);
	char code[16];
	snprintf(code, sizeof code, "%s-002", q.prefix);
	ck_assert_str_eq(it_str(&r, "id"), t2);
	ck_assert_str_eq(it_str(&r, "code"), code);
	ck_assert_str_eq(it_str(&r, "queue_id"), q.id);
	ck_assert_str_eq(it_str(&r, "queue_name"), q.name);
	ck_assert_str_eq(it_str(&r, "status"), "waiting");
	ck_assert_int_eq(it_obj_int(r.json, "position"), 2);
	ck_assert_int_eq(it_obj_int(r.json, "estimated_wait_seconds"), 2 * DEFAULT_SERVICE_SECONDS);
	ck_assert_ptr_null(strstr(r.body, customer_id));
	it_response_free(&r);

	call_next_expect(q.id, t1);
	snprintf(path, sizeof path, "/api/v1/public/tickets/%s", t1);
	ck_assert_int_eq(get(path, NULL, &r), 200);
	ck_assert_int_eq(json_object_object_length(r.json), 8);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	ck_assert(it_obj_null(r.json, "desk_name")); /* called at the queue, without a desk */
	ck_assert(it_obj_null(r.json, "position"));
	ck_assert(it_obj_null(r.json, "estimated_wait_seconds"));
	it_response_free(&r);

	get("/api/v1/public/tickets/" MISSING_ID, NULL, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	get("/api/v1/public/tickets/not-a-ticket", NULL, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	/* The private view still needs a token. */
	snprintf(path, sizeof path, "/api/v1/tickets/%s", t1);
	get(path, NULL, &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);
}
END_TEST

/* The board entry of queue_id, or NULL (owned by r). */
static struct json_object *board_queue(const struct it_response *r, const char *queue_id)
{
	struct json_object *queues;
	ck_assert_msg(json_object_object_get_ex(r->json, "queues", &queues), "board: %s", r->body);
	for (size_t i = 0; i < json_object_array_length(queues); i++) {
		struct json_object *q = json_object_array_get_idx(queues, i);
		if (strcmp(it_obj_str(q, "queue_id"), queue_id) == 0)
			return q;
	}
	return NULL;
}

START_TEST(test_board_shows_serving_and_next_codes_in_call_order)
{
	setup_admin();
	char high[64], low[64], ids[160], t[7][64], path[128];
	struct queue q, paused, closed;
	struct it_response r;
	create_priority(it_unique("Board high"), 2, 0, high);
	create_priority(it_unique("Board low"), 9, 0, low);
	snprintf(ids, sizeof ids, "[\"%s\",\"%s\"]", high, low);
	create_queue_state(it_unique("Board"), "priority", ids, "open", &q);
	/* Issued L1 L2 H1 L3 H2 L4 L5: called H1, then H2 L1 L2 L3 L4 (five), L5 left off. */
	const char *levels[] = {low, low, high, low, high, low, low};
	for (size_t i = 0; i < 7; i++)
		issue(levels[i], q.id, t[i]);
	call_next_expect(q.id, t[2]);
	create_queue_state(it_unique("Board paused"), "fifo", ids, "paused", &paused);
	create_queue_state(it_unique("Board closed"), "fifo", ids, "open", &closed);
	snprintf(path, sizeof path, "/api/v1/queues/%s", closed.id);
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);

	ck_assert_int_eq(get("/api/v1/board", admin_token, &r), 200);
	ck_assert(is_timestamp(it_str(&r, "generated_at")));
	struct json_object *b = board_queue(&r, q.id);
	ck_assert_msg(b != NULL, "queue missing from the board: %s", r.body);
	ck_assert_str_eq(it_obj_str(b, "name"), q.name);
	ck_assert_str_eq(it_obj_str(b, "prefix"), q.prefix);
	ck_assert_str_eq(it_obj_str(b, "state"), "open");
	ck_assert_int_eq(it_obj_int(b, "waiting"), 6);
	struct json_object *serving, *next;
	ck_assert(json_object_object_get_ex(b, "serving", &serving) && serving);
	ck_assert_int_eq(json_object_object_length(serving), 3);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t[2]);
	char code[16];
	snprintf(code, sizeof code, "%s-003", q.prefix);
	ck_assert_str_eq(it_obj_str(serving, "code"), code);
	ck_assert(is_timestamp(it_obj_str(serving, "called_date")));
	ck_assert(json_object_object_get_ex(b, "next", &next) && json_object_is_type(next, json_type_array));
	ck_assert_int_eq(json_object_array_length(next), 5);
	const int order[] = {5, 1, 2, 4, 6}; /* numbers of H2 L1 L2 L3 L4 */
	for (size_t i = 0; i < 5; i++) {
		snprintf(code, sizeof code, "%s-%03d", q.prefix, order[i]);
		ck_assert_msg(strcmp(json_object_get_string(json_object_array_get_idx(next, i)), code) == 0,
			      "next[%zu] should be %s: %s", i, code, json_object_to_json_string(next));
	}

	struct json_object *p = board_queue(&r, paused.id);
	ck_assert_msg(p != NULL, "paused queue missing from the board");
	ck_assert_str_eq(it_obj_str(p, "state"), "paused");
	ck_assert(it_obj_null(p, "serving"));
	ck_assert_int_eq(it_obj_int(p, "waiting"), 0);
	ck_assert(json_object_object_get_ex(p, "next", &next) && json_object_array_length(next) == 0);
	ck_assert_ptr_null(board_queue(&r, closed.id));
	it_response_free(&r);

	/* The board is not public. */
	get("/api/v1/board", NULL, &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);
}
END_TEST

/* Runs turneroctl schedule-restart; returns the count its one-line summary gives. */
static long long schedule_restart(void)
{
	char cmd[2048], line[1024], conf[1024];
	snprintf(conf, sizeof conf, "%s", it_state_path("turnero.conf"));
	snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' schedule-restart", getenv("TURNERO_BUILD_DIR"), conf);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	int lines = 0;
	long long expired = -1;
	while (fgets(line, sizeof line, f)) {
		lines++;
		const char *p = strstr(line, "expired ");
		if (p)
			ck_assert_int_eq(sscanf(p, "expired %lld", &expired), 1);
	}
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_int_eq(lines, 1);
	ck_assert_int_ge(expired, 0);
	return expired;
}

START_TEST(test_schedule_restart_expires_earlier_days_once)
{
	setup_admin();
	char prio[64], old_waiting[64], old_called[64], today[64], stmt[512], names[256];
	struct queue q;
	create_priority(it_unique("Restart"), 50, 0, prio);
	create_queue(it_unique("Restart"), "fifo", prio, &q);
	issue(prio, NULL, old_called);
	issue(prio, NULL, old_waiting);
	issue(prio, NULL, today);
	call_next_expect(q.id, old_called);
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET service_date = UTC_DATE() - INTERVAL 1 DAY WHERE id IN ('%s', '%s')", old_called,
		 old_waiting);
	it_sql(stmt);

	ck_assert_int_ge(schedule_restart(), 2);
	assert_ticket(old_waiting, "expired", q.id);
	assert_ticket(old_called, "expired", q.id);
	assert_ticket(today, "waiting", q.id);
	assert_last_event(old_waiting, "expired", q.id, NULL, NULL);
	event_names(old_called, names, sizeof names);
	ck_assert_str_eq(names, "created,called,expired");
	/* Idempotent: the second run finds nothing, and adds no event. */
	ck_assert_int_eq(schedule_restart(), 0);
	event_names(old_waiting, names, sizeof names);
	ck_assert_str_eq(names, "created,expired");
	struct it_response r;
	ticket_op(old_waiting, "cancel", NULL, admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	/* Today's numbering goes on. */
	char next[64];
	issue(prio, NULL, next);
	ck_assert_int_eq(get_ticket(next, &r), 200);
	ck_assert_int_eq(it_obj_int(r.json, "number"), 4);
	it_response_free(&r);
}
END_TEST

START_TEST(test_validation_names_fields_and_unknown_ids_are_404)
{
	setup_admin();
	char prio[64], body[512], path[160], t[64];
	struct queue q;
	struct it_response r;
	create_priority(it_unique("Valid"), 51, 0, prio);
	create_queue(it_unique("Valid"), "priority", prio, &q);

	snprintf(body, sizeof body, "{\"priority_id\":\"" MISSING_ID "\",\"customer_id\":\"%s\"}", customer_id);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "priority_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"x\",\"customer_id\":\"%s\"}", customer_id);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "priority_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"" MISSING_ID "\"}", prio);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "customer_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"" MISSING_ID "\"}",
		 prio, customer_id);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":12}", prio,
		 customer_id);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);
	/* A queue that does not serve the priority. */
	char other[64];
	create_priority(it_unique("Valid other"), 52, 0, other);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"%s\"}", other,
		 customer_id, q.id);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);
	/* No open queue serves it: 409. */
	post_ticket(admin_token, other, NULL, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"status\":\"called\"}", prio,
		 customer_id);
	it_json("POST", "/api/v1/tickets", admin_token, body, &r);
	assert_invalid_field(&r, "status");
	it_response_free(&r);

	/* Unknown or malformed ids in paths. */
	call_next(MISSING_ID, admin_token, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	call_next("not-a-queue", admin_token, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	const char *paths[] = {"/api/v1/tickets/" MISSING_ID, "/api/v1/tickets/" MISSING_ID "/events",
			       "/api/v1/tickets/1%27%20OR%201=1", "/api/v1/tickets/nope/events"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		get(paths[i], admin_token, &r);
		it_assert_problem(&r, 404);
		it_response_free(&r);
	}
	ticket_op(MISSING_ID, "serve", NULL, admin_token, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	ticket_op("nope", "cancel", NULL, admin_token, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	issue(prio, q.id, t);
	snprintf(body, sizeof body, "{\"queue_id\":\"" MISSING_ID "\"}");
	ticket_op(t, "transfer", body, admin_token, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	assert_ticket(t, "waiting", q.id);

	/* List filters. */
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&status=waiting", q.id);
	ck_assert_int_eq(list_total(path), 1);
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&status=served", q.id);
	ck_assert_int_eq(list_total(path), 0);
	ck_assert_int_eq(get_ticket(t, &r), 200);
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&service_date=%s", q.id, it_str(&r, "service_date"));
	it_response_free(&r);
	ck_assert_int_eq(list_total(path), 1);
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&service_date=2001-01-01", q.id);
	ck_assert_int_eq(list_total(path), 0);
	struct {
		const char *query, *field;
	} bad[] = {
		{"/api/v1/tickets?status=lost", "status"},
		{"/api/v1/tickets?queue_id=abc", "queue_id"},
		{"/api/v1/tickets?customer_id=abc", "customer_id"},
		{"/api/v1/tickets?service_date=bad", "service_date"},
		{"/api/v1/tickets?service_date=2025-13-01", "service_date"},
		{"/api/v1/tickets?limit=0", "limit"},
		{"/api/v1/tickets?sort=code", "sort"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		get(bad[i].query, admin_token, &r);
		assert_invalid_field(&r, bad[i].field);
		it_response_free(&r);
	}
}
END_TEST

int main(void)
{
	it_init();
	/* The admin is made as an operator would: turneroctl create-admin with a password on stdin. */
	admin_password = IT_ADMIN_PASSWORD;
	if (it_admin_login(admin_token, sizeof admin_token) < 0)
		return 1;
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("engine");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_placement_picks_fewest_ahead_then_fewer_waiting_then_oldest_queue);
	tcase_add_test(tc, test_priority_queue_calls_by_level_then_age_and_overdue_first);
	tcase_add_test(tc, test_call_next_serves_the_previous_called_ticket);
	tcase_add_test(tc, test_empty_queue_steals_from_another_queue_of_its_priority);
	tcase_add_test(tc, test_state_machine_through_the_api);
	tcase_add_test(tc, test_attendant_operates_only_the_assigned_queue);
	tcase_add_test(tc, test_closing_a_queue_re_places_its_waiting_tickets);
	tcase_add_test(tc, test_closing_re_places_tickets_by_their_own_age);
	tcase_add_test(tc, test_paused_queue_takes_no_new_tickets_but_serves_its_own);
	tcase_add_test(tc, test_idempotency_key_replays_the_first_answer);
	tcase_add_test(tc, test_inline_customer_is_upserted_by_dni);
	tcase_add_test(tc, test_registration_follows_priority_and_customer_changes_at_once);
	tcase_add_test(tc, test_estimate_averages_the_last_20_served_tickets);
	tcase_add_test(tc, test_queue_list_sorts_and_pages);
	tcase_add_test(tc, test_public_ticket_shows_only_the_waiting_facts);
	tcase_add_test(tc, test_board_shows_serving_and_next_codes_in_call_order);
	tcase_add_test(tc, test_schedule_restart_expires_earlier_days_once);
	tcase_add_test(tc, test_validation_names_fields_and_unknown_ids_are_404);
	suite_add_tcase(s, tc);
	/* One process: tests share the admin token and the customer. */
	return it_run_suite(s);
}
