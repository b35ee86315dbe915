/*
 * Desks (SPEC 8) through the real stack: CRUD and validation, signing in and out and
 * takeover, call-next at a desk, the attendant rule, the board's desks, the per-desk
 * report, desks of one queue calling in parallel without ever sharing a ticket, and the
 * demo desks of turneroctl seed-demo.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ATTENDANT_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000003"
#define MISSING_ID "00000000-0000-4000-8000-000000000000"

static char admin_token[4096];
static char admin_id[64];
static char customer_id[64];

/* ---- helpers ------------------------------------------------------------ */

static bool jbool(struct json_object *o, const char *key)
{
	struct json_object *v;
	ck_assert_msg(o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean),
		      "%s is not a boolean", key);
	return json_object_get_boolean(v);
}

static void assert_invalid_field(const struct it_response *r, const char *field)
{
	it_assert_problem(r, 422);
	char needle[96];
	snprintf(needle, sizeof needle, "\"field\":\"%s\"", field);
	ck_assert_msg(strstr(r->body, needle), "422 names %s: %s", field, r->body);
}

static long req(const char *method, const char *path, const char *token, const char *body, struct it_response *r)
{
	it_json(method, path, token, body, r);
	return r->status;
}

static void setup(void)
{
	if (admin_id[0])
		return;
	struct it_response r;
	ck_assert_int_eq(req("GET", "/api/v1/auth/me", admin_token, NULL, &r), 200);
	snprintf(admin_id, sizeof admin_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	char body[256];
	snprintf(body, sizeof body, "{\"dni\":\"%s\",\"first_name\":\"Dora\",\"last_name\":\"Desk\"}",
		 it_unique("d-dni"));
	ck_assert_msg(req("POST", "/api/v1/customers", admin_token, body, &r) == 201, "customer: %s", r.body);
	snprintf(customer_id, sizeof customer_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

/* A priority only this scenario's queues serve, and a queue serving it. */
static void scenario(const char *name, char prio[64], char queue[64])
{
	char body[256], ids[96], prefix[4];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":7,\"max_wait_minutes\":0}", it_unique(name));
	ck_assert_msg(req("POST", "/api/v1/priorities", admin_token, body, &r) == 201, "priority: %s", r.body);
	snprintf(prio, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	ck_assert_int_eq(it_create_queue(admin_token, it_unique(name), "fifo", ids, queue, prefix), 0);
}

static void create_desk(const char *name, const char *queue_id, char out[64])
{
	char body[256];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"queue_id\":\"%s\"}", name, queue_id);
	ck_assert_msg(req("POST", "/api/v1/desks", admin_token, body, &r) == 201, "create desk: %ld %s", r.status,
		      r.body);
	snprintf(out, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

/* An attendant (no queue assigned) and its token. */
static void create_attendant(const char *base, char id[64], char *token, size_t len)
{
	char body[512];
	const char *name = it_unique(base);
	struct it_response r;
	snprintf(body, sizeof body,
		 "{\"user_name\":\"%s\",\"first_name\":\"Desk\",\"last_name\":\"Attendant\",\"password\":\"desk-pw-123\","
		 "\"role_id\":\"" ATTENDANT_ROLE "\"}",
		 name);
	ck_assert_msg(req("POST", "/api/v1/users", admin_token, body, &r) == 201, "attendant: %s", r.body);
	snprintf(id, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
	ck_assert_int_eq(it_login(name, "desk-pw-123", token, len, NULL, 0), 200);
}

static void issue(const char *prio, const char *queue_id, char out[64])
{
	char body[512];
	struct it_response r;
	it_sleep_ms(3);
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"%s\"}", prio,
		 customer_id, queue_id);
	ck_assert_msg(req("POST", "/api/v1/tickets", admin_token, body, &r) == 201, "issue: %s", r.body);
	snprintf(out, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
	it_sleep_ms(3);
}

/* POST /desks/{id}/<op> (open, close, call-next). */
static long desk_op(const char *desk, const char *op, const char *token, struct it_response *r)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/desks/%s/%s", desk, op);
	return req("POST", path, token, NULL, r);
}

/* call-next at desk must call want there. */
static void desk_call_expect(const char *desk, const char *token, const char *want, const char *queue_id)
{
	struct it_response r;
	desk_op(desk, "call-next", token, &r);
	ck_assert_msg(r.status == 200, "desk call-next: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "id"), want);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	ck_assert_str_eq(it_str(&r, "queue_id"), queue_id);
	ck_assert_str_eq(it_str(&r, "desk_id"), desk);
	ck_assert_ptr_nonnull(it_str(&r, "desk_name"));
	char path[128];
	snprintf(path, sizeof path, "/api/v1/tickets/%s", want);
	it_assert_answer_is_stored(&r, path, admin_token);
	it_response_free(&r);
}

static long ticket_op(const char *id, const char *op, const char *body, const char *token, struct it_response *r)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/tickets/%s/%s", id, op);
	return req("POST", path, token, body, r);
}

/* Asserts a ticket's status and desk (NULL: no desk). */
static void assert_ticket(const char *id, const char *status, const char *desk)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/tickets/%s", id);
	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	ck_assert_msg(strcmp(it_str(&r, "status"), status) == 0, "ticket %s is %s, not %s", id, it_str(&r, "status"),
		      status);
	if (desk)
		ck_assert_msg(it_str(&r, "desk_id") && strcmp(it_str(&r, "desk_id"), desk) == 0, "ticket desk: %s",
			      r.body);
	else
		ck_assert_msg(it_obj_null(r.json, "desk_id") && it_obj_null(r.json, "desk_name"), "ticket has a desk: %s", r.body);
	it_response_free(&r);
}

/* The desk's user_id (NULL when nobody) into out ("" then). */
static void desk_user(const char *desk, char out[64])
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/desks/%s", desk);
	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	const char *u = it_str(&r, "user_id");
	ck_assert(u || it_obj_null(r.json, "user_id"));
	snprintf(out, 64, "%s", u ? u : "");
	it_response_free(&r);
}

static long long list_total(const char *path)
{
	struct it_response r;
	ck_assert_msg(req("GET", path, admin_token, NULL, &r) == 200, "%s: %s", path, r.body);
	long long total = it_obj_int(r.json, "total");
	it_response_free(&r);
	return total;
}

/* ---- CRUD ---------------------------------------------------------------- */

START_TEST(test_desk_crud_validation_and_unknown_ids)
{
	setup();
	char prio[64], queue[64], other_queue[64], other_prio[64], body[512], path[160], d1[64], d2[64];
	struct it_response r;
	scenario("Desk crud", prio, queue);
	scenario("Desk crud other", other_prio, other_queue);

	snprintf(body, sizeof body, "{\"name\":\"%s\",\"queue_id\":\"%s\"}", it_unique("Crud one"), queue);
	ck_assert_int_eq(req("POST", "/api/v1/desks", admin_token, body, &r), 201);
	snprintf(d1, sizeof d1, "%s", it_str(&r, "id"));
	ck_assert_str_eq(it_str(&r, "name"), it_unique("Crud one"));
	ck_assert_str_eq(it_str(&r, "queue_id"), queue);
	ck_assert(jbool(r.json, "state"));
	ck_assert(it_obj_null(r.json, "user_id"));
	ck_assert_ptr_nonnull(it_str(&r, "created_date"));
	ck_assert_ptr_nonnull(it_str(&r, "updated_date"));
	char *location = it_header(&r, "Location");
	snprintf(path, sizeof path, "/api/v1/desks/%s", d1);
	ck_assert_msg(location && strcmp(location, path) == 0, "Location: %s", location ? location : "(none)");
	free(location);
	it_response_free(&r);

	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), d1);
	ck_assert_str_eq(it_str(&r, "queue_id"), queue);
	it_response_free(&r);

	/* The same name again, even for another queue: 409. */
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"queue_id\":\"%s\"}", it_unique("Crud one"), other_queue);
	req("POST", "/api/v1/desks", admin_token, body, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);

	/* Each body is the members after "queue_id" (the real queue) or, with no queue, the whole object. */
	struct {
		const char *members, *field;
		bool with_queue;
	} bad[] = {
		{"}", "name", true},
		{",\"name\":\"\"}", "name", true},
		{",\"name\":\"12345678901234567890123456789012345678901\"}", "name", true},
		{",\"name\":7}", "name", true},
		{"{\"name\":\"No queue\"}", "queue_id", false},
		{"{\"name\":\"Bad queue\",\"queue_id\":\"abc\"}", "queue_id", false},
		{"{\"name\":\"Unknown queue\",\"queue_id\":\"" MISSING_ID "\"}", "queue_id", false},
		{",\"name\":\"Bad state\",\"state\":\"yes\"}", "state", true},
		{",\"name\":\"Seated\",\"user_id\":\"" MISSING_ID "\"}", "user_id", true},
		{",\"name\":\"Extra\",\"color\":\"red\"}", "color", true},
		{",\"name\":\"Id\",\"id\":\"" MISSING_ID "\"}", "id", true},
	};
	long long before = list_total("/api/v1/desks?limit=1");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (bad[i].with_queue)
			snprintf(body, sizeof body, "{\"queue_id\":\"%s\"%s", queue, bad[i].members);
		else
			snprintf(body, sizeof body, "%s", bad[i].members);
		req("POST", "/api/v1/desks", admin_token, body, &r);
		assert_invalid_field(&r, bad[i].field);
		it_response_free(&r);
	}
	ck_assert_int_eq(list_total("/api/v1/desks?limit=1"), before);

	/* PATCH: rename and move; unknown queue or taken name change nothing. */
	create_desk(it_unique("Crud two"), queue, d2);
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"queue_id\":\"%s\"}", it_unique("Crud one bis"), other_queue);
	ck_assert_int_eq(req("PATCH", path, admin_token, body, &r), 200);
	ck_assert_str_eq(it_str(&r, "name"), it_unique("Crud one bis"));
	ck_assert_str_eq(it_str(&r, "queue_id"), other_queue);
	it_response_free(&r);
	req("PATCH", path, admin_token, "{\"queue_id\":\"" MISSING_ID "\"}", &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"name\":\"%s\"}", it_unique("Crud two"));
	req("PATCH", path, admin_token, body, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	req("PATCH", path, admin_token, "{\"user_id\":null}", &r);
	assert_invalid_field(&r, "user_id");
	it_response_free(&r);
	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "name"), it_unique("Crud one bis"));
	ck_assert_str_eq(it_str(&r, "queue_id"), other_queue);
	it_response_free(&r);

	/* Lists: filters, envelope, sort. */
	char q[256];
	snprintf(q, sizeof q, "/api/v1/desks?queue_id=%s", queue);
	ck_assert_int_eq(req("GET", q, admin_token, NULL, &r), 200);
	ck_assert_int_eq(it_obj_int(r.json, "total"), 1);
	ck_assert_int_eq(it_obj_int(r.json, "limit"), 50);
	ck_assert_int_eq(it_obj_int(r.json, "offset"), 0);
	struct json_object *items;
	ck_assert(json_object_object_get_ex(r.json, "items", &items));
	ck_assert_int_eq(json_object_array_length(items), 1);
	ck_assert_str_eq(it_obj_str(json_object_array_get_idx(items, 0), "id"), d2);
	it_response_free(&r);

	/* DELETE deactivates: 204, the desk stays with state false. */
	ck_assert_int_eq(req("DELETE", path, admin_token, NULL, &r), 204);
	it_response_free(&r);
	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	ck_assert(!jbool(r.json, "state"));
	it_response_free(&r);
	snprintf(q, sizeof q, "/api/v1/desks?queue_id=%s&state=false", other_queue);
	ck_assert_int_eq(list_total(q), 1);
	snprintf(q, sizeof q, "/api/v1/desks?queue_id=%s&state=true", other_queue);
	ck_assert_int_eq(list_total(q), 0);
	/* A deactivated desk cannot be opened; PATCH state=true brings it back. */
	desk_op(d1, "open", admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ck_assert_int_eq(req("PATCH", path, admin_token, "{\"state\":true}", &r), 200);
	ck_assert(jbool(r.json, "state"));
	it_response_free(&r);

	const char *bad_queries[][2] = {
		{"/api/v1/desks?state=maybe", "state"},   {"/api/v1/desks?queue_id=abc", "queue_id"},
		{"/api/v1/desks?user_id=1", "user_id"},   {"/api/v1/desks?sort=prefix", "sort"},
		{"/api/v1/desks?limit=0", "limit"},       {"/api/v1/desks?offset=-1", "offset"},
		{"/api/v1/desks?prefix=A", "prefix"},
	};
	for (size_t i = 0; i < sizeof bad_queries / sizeof bad_queries[0]; i++) {
		req("GET", bad_queries[i][0], admin_token, NULL, &r);
		assert_invalid_field(&r, bad_queries[i][1]);
		it_response_free(&r);
	}

	/* Unknown ids: 404 on every desk route. */
	const char *missing[][2] = {
		{"GET", "/api/v1/desks/" MISSING_ID},
		{"DELETE", "/api/v1/desks/" MISSING_ID},
		{"POST", "/api/v1/desks/" MISSING_ID "/open"},
		{"POST", "/api/v1/desks/" MISSING_ID "/close"},
		{"POST", "/api/v1/desks/" MISSING_ID "/call-next"},
		{"GET", "/api/v1/desks/not-a-uuid"},
	};
	for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
		req(missing[i][0], missing[i][1], admin_token, NULL, &r);
		it_assert_problem(&r, 404);
		it_response_free(&r);
	}
	req("PATCH", "/api/v1/desks/" MISSING_ID, admin_token, "{\"name\":\"Nobody\"}", &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);

	/* Desks belong to queues: an attendant (queues:read only) may read but not create. */
	char att[64], token[4096];
	create_attendant("crud.att", att, token, sizeof token);
	ck_assert_int_eq(req("GET", path, token, NULL, &r), 200);
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"queue_id\":\"%s\"}", it_unique("Crud forbidden"), queue);
	req("POST", "/api/v1/desks", token, body, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	req("DELETE", path, token, NULL, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
}
END_TEST

/* ---- signing in and out -------------------------------------------------- */

START_TEST(test_open_close_one_desk_per_user_and_takeover)
{
	setup();
	char prio[64], queue[64], d1[64], d2[64], a[64], b[64], user[64], path[200];
	char ta[4096], tb[4096];
	struct it_response r;
	scenario("Desk seats", prio, queue);
	create_desk(it_unique("Seat one"), queue, d1);
	create_desk(it_unique("Seat two"), queue, d2);
	create_attendant("seat.a", a, ta, sizeof ta);
	create_attendant("seat.b", b, tb, sizeof tb);

	ck_assert_int_eq(desk_op(d1, "open", ta, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), d1);
	ck_assert_str_eq(it_str(&r, "user_id"), a);
	it_response_free(&r);
	/* Opening again is harmless. */
	ck_assert_int_eq(desk_op(d1, "open", ta, &r), 200);
	it_response_free(&r);

	/* Opening another desk signs A out of the first. */
	ck_assert_int_eq(desk_op(d2, "open", ta, &r), 200);
	ck_assert_str_eq(it_str(&r, "user_id"), a);
	it_response_free(&r);
	desk_user(d1, user);
	ck_assert_str_eq(user, "");
	snprintf(path, sizeof path, "/api/v1/desks?user_id=%s", a);
	ck_assert_int_eq(list_total(path), 1);

	/* B may neither open nor close A's desk. */
	desk_op(d2, "open", tb, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	desk_op(d2, "close", tb, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	desk_user(d2, user);
	ck_assert_str_eq(user, a);

	/* A holder of queues:update takes it over. */
	ck_assert_int_eq(desk_op(d2, "open", admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "user_id"), admin_id);
	it_response_free(&r);
	ck_assert_int_eq(list_total(path), 0);
	ck_assert_int_eq(desk_op(d2, "close", admin_token, &r), 200);
	ck_assert(it_obj_null(r.json, "user_id"));
	it_response_free(&r);
	/* Closing a free desk changes nothing. */
	ck_assert_int_eq(desk_op(d2, "close", tb, &r), 200);
	ck_assert(it_obj_null(r.json, "user_id"));
	it_response_free(&r);

	/* B signs in at the free desk; A's own close works. */
	ck_assert_int_eq(desk_op(d2, "open", tb, &r), 200);
	it_response_free(&r);
	ck_assert_int_eq(desk_op(d1, "open", ta, &r), 200);
	it_response_free(&r);
	ck_assert_int_eq(desk_op(d1, "close", ta, &r), 200);
	ck_assert(it_obj_null(r.json, "user_id"));
	it_response_free(&r);

	/* Deactivating a desk signs its user out, and it cannot be opened until reactivated. */
	snprintf(path, sizeof path, "/api/v1/desks/%s", d2);
	ck_assert_int_eq(req("DELETE", path, admin_token, NULL, &r), 204);
	it_response_free(&r);
	desk_user(d2, user);
	ck_assert_str_eq(user, "");
	desk_op(d2, "open", tb, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
}
END_TEST

/* ---- calling at desks ---------------------------------------------------- */

START_TEST(test_desk_call_next_serves_its_own_ticket_and_calls_the_next)
{
	setup();
	char prio[64], queue[64], other[64], d1[64], d2[64], t1[64], t2[64], t3[64], t4[64], t5[64], t6[64];
	char path[200], ids[96], prefix[4];
	struct it_response r;
	scenario("Desk calls", prio, queue);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	ck_assert_int_eq(it_create_queue(admin_token, it_unique("Desk calls other"), "fifo", ids, other, prefix), 0);
	create_desk(it_unique("Call one"), queue, d1);
	create_desk(it_unique("Call two"), queue, d2);
	issue(prio, queue, t1);
	issue(prio, queue, t2);
	issue(prio, queue, t3);

	desk_call_expect(d1, admin_token, t1, queue);
	desk_call_expect(d2, admin_token, t2, queue);
	assert_ticket(t1, "called", d1); /* another desk's call serves only its own */
	desk_call_expect(d1, admin_token, t3, queue);
	assert_ticket(t1, "served", d1);
	assert_ticket(t2, "called", d2);

	/* The called event records the desk. */
	snprintf(path, sizeof path, "/api/v1/tickets/%s/events", t1);
	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	bool seen = false;
	for (size_t i = 0; i < json_object_array_length(r.json); i++) {
		struct json_object *e = json_object_array_get_idx(r.json, i);
		if (strcmp(it_obj_str(e, "event"), "called") == 0) {
			ck_assert_str_eq(it_obj_str(e, "desk_id"), d1);
			seen = true;
		} else {
			ck_assert(it_obj_null(e, "desk_id"));
		}
	}
	ck_assert(seen);
	it_response_free(&r);

	/* The desk's name is on every rendering, lists included. */
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&status=called", queue);
	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	struct json_object *items;
	ck_assert(json_object_object_get_ex(r.json, "items", &items));
	ck_assert_int_eq(json_object_array_length(items), 2);
	for (size_t i = 0; i < 2; i++) {
		struct json_object *t = json_object_array_get_idx(items, i);
		const char *desk = it_obj_str(t, "desk_id");
		ck_assert(desk && (strcmp(desk, d1) == 0 || strcmp(desk, d2) == 0));
		ck_assert_str_eq(it_obj_str(t, "desk_name"), strcmp(desk, d1) == 0 ? it_unique("Call one") : it_unique("Call two"));
	}
	it_response_free(&r);

	/* Nothing left of its own: the desk steals by its queue's ordering (reason rebalance). */
	issue(prio, other, t4);
	desk_call_expect(d1, admin_token, t4, queue);
	assert_ticket(t3, "served", d1);
	snprintf(path, sizeof path, "/api/v1/tickets/%s/events", t4);
	ck_assert_int_eq(req("GET", path, admin_token, NULL, &r), 200);
	ck_assert_msg(strstr(r.body, "\"reason\":\"rebalance\""), "steal recorded: %s", r.body);
	it_response_free(&r);

	/* Queue call-next is a call without a desk: it serves only what was called without one. */
	ck_assert_int_eq(req("POST", "/api/v1/queues/" MISSING_ID "/call-next", admin_token, NULL, &r), 404);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue);
	ck_assert_int_eq(req("POST", path, admin_token, NULL, &r), 204);
	it_response_free(&r);
	assert_ticket(t2, "called", d2);
	assert_ticket(t4, "called", d1);
	issue(prio, queue, t5);
	ck_assert_int_eq(req("POST", path, admin_token, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t5);
	ck_assert(it_obj_null(r.json, "desk_id") && it_obj_null(r.json, "desk_name"));
	it_response_free(&r);
	issue(prio, queue, t6);
	ck_assert_int_eq(req("POST", path, admin_token, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t6);
	it_response_free(&r);
	assert_ticket(t5, "served", NULL);
	assert_ticket(t2, "called", d2);
	assert_ticket(t4, "called", d1);

	/* Closing a desk leaves its ticket called there; requeue forgets the desk. */
	ck_assert_int_eq(desk_op(d1, "open", admin_token, &r), 200);
	it_response_free(&r);
	ck_assert_int_eq(desk_op(d1, "close", admin_token, &r), 200);
	it_response_free(&r);
	assert_ticket(t4, "called", d1);
	ck_assert_int_eq(ticket_op(t4, "requeue", NULL, admin_token, &r), 200);
	ck_assert(it_obj_null(r.json, "desk_id"));
	it_response_free(&r);
	/* Nothing to call and the desk's own called: 204, and d2's ticket becomes served. */
	desk_call_expect(d2, admin_token, t4, queue);
	assert_ticket(t2, "served", d2);
	ck_assert_int_eq(desk_op(d2, "call-next", admin_token, &r), 204);
	ck_assert_int_eq(r.body_len, 0);
	it_response_free(&r);
	assert_ticket(t4, "served", d2);

	/* A deactivated desk calls nothing (409), nor do the desks of a closed queue. */
	snprintf(path, sizeof path, "/api/v1/desks/%s", d1);
	ck_assert_int_eq(req("DELETE", path, admin_token, NULL, &r), 204);
	it_response_free(&r);
	desk_op(d1, "call-next", admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/queues/%s", queue);
	ck_assert_int_eq(req("DELETE", path, admin_token, NULL, &r), 204);
	it_response_free(&r);
	desk_op(d2, "call-next", admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
}
END_TEST

START_TEST(test_attendant_signed_in_at_a_desk_operates_its_queue)
{
	setup();
	char prio[64], queue[64], other_prio[64], other[64], d1[64], d2[64], a[64], b[64], ta[4096], tb[4096];
	char t1[64], t2[64], t3[64], t4[64], body[256], path[200];
	struct it_response r;
	scenario("Desk rule", prio, queue);
	scenario("Desk rule other", other_prio, other);
	create_desk(it_unique("Rule one"), queue, d1);
	create_desk(it_unique("Rule two"), queue, d2);
	create_attendant("rule.a", a, ta, sizeof ta);
	create_attendant("rule.b", b, tb, sizeof tb);
	issue(prio, queue, t1);
	issue(prio, queue, t2);
	issue(prio, queue, t3);
	issue(prio, queue, t4);
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue);

	/* Not signed in, no queue assigned: neither desk nor queue call-next. */
	desk_op(d1, "call-next", ta, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	req("POST", path, ta, NULL, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	ticket_op(t1, "call", NULL, ta, &r);
	assert_invalid_field(&r, "queue_id");
	it_response_free(&r);

	ck_assert_int_eq(desk_op(d1, "open", ta, &r), 200);
	it_response_free(&r);
	desk_call_expect(d1, ta, t1, queue);
	assert_ticket(t1, "called", d1);
	snprintf(body, sizeof body, "/api/v1/tickets/%s", t1);
	ck_assert_int_eq(req("GET", body, ta, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "called_by"), a);
	it_response_free(&r);
	/* Someone else's desk: 403, and B (signed in nowhere) may not touch the queue. */
	desk_op(d1, "call-next", tb, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	desk_op(d2, "call-next", ta, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	ticket_op(t1, "serve", NULL, tb, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	assert_ticket(t1, "called", d1);

	/* Signed in at one of its desks, A operates the queue: tickets and queue call-next. */
	ck_assert_int_eq(ticket_op(t1, "serve", NULL, ta, &r), 200);
	ck_assert_str_eq(it_str(&r, "status"), "served");
	it_response_free(&r);
	ck_assert_int_eq(req("POST", path, ta, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t2);
	ck_assert(it_obj_null(r.json, "desk_id"));
	it_response_free(&r);

	/* call without a body calls at the caller's desk; with desk_id at that desk. */
	ck_assert_int_eq(ticket_op(t4, "call", NULL, ta, &r), 200);
	ck_assert_str_eq(it_str(&r, "desk_id"), d1);
	ck_assert_str_eq(it_str(&r, "queue_id"), queue);
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"desk_id\":\"%s\"}", d1);
	ck_assert_int_eq(ticket_op(t3, "call", body, ta, &r), 200);
	ck_assert_str_eq(it_str(&r, "desk_id"), d1);
	it_response_free(&r);
	assert_ticket(t4, "served", d1); /* the desk's previous call counts as served */
	ck_assert_int_eq(ticket_op(t3, "requeue", NULL, ta, &r), 200);
	it_response_free(&r);
	/* Another desk (nobody there), an unknown desk, a desk of another queue than queue_id. */
	snprintf(body, sizeof body, "{\"desk_id\":\"%s\"}", d2);
	ticket_op(t3, "call", body, ta, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	ticket_op(t3, "call", "{\"desk_id\":\"" MISSING_ID "\"}", admin_token, &r);
	assert_invalid_field(&r, "desk_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"desk_id\":\"%s\",\"queue_id\":\"%s\"}", d1, other);
	ticket_op(t3, "call", body, admin_token, &r);
	assert_invalid_field(&r, "desk_id");
	it_response_free(&r);
	ticket_op(t3, "call", "{\"desk_id\":\"abc\"}", admin_token, &r);
	assert_invalid_field(&r, "desk_id");
	it_response_free(&r);
	/* A desk of a queue that does not serve the ticket's priority: 409, as for queues. */
	char foreign[64], foreign_desk[64], t5[64];
	scenario("Desk rule foreign", other_prio, foreign);
	create_desk(it_unique("Rule foreign"), foreign, foreign_desk);
	issue(prio, queue, t5);
	snprintf(body, sizeof body, "{\"desk_id\":\"%s\"}", foreign_desk);
	ticket_op(t5, "call", body, admin_token, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	assert_ticket(t3, "waiting", NULL);
	assert_ticket(t5, "waiting", NULL);

	/* Signed out again, A may not operate the queue. */
	ck_assert_int_eq(desk_op(d1, "close", ta, &r), 200);
	it_response_free(&r);
	ticket_op(t3, "cancel", NULL, ta, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	req("POST", path, ta, NULL, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	assert_ticket(t3, "waiting", NULL);
}
END_TEST

/* ---- board and report ---------------------------------------------------- */

static struct json_object *board_queue(struct json_object *board, const char *queue_id)
{
	struct json_object *queues;
	ck_assert(json_object_object_get_ex(board, "queues", &queues));
	for (size_t i = 0; i < json_object_array_length(queues); i++) {
		struct json_object *q = json_object_array_get_idx(queues, i);
		if (strcmp(it_obj_str(q, "queue_id"), queue_id) == 0)
			return q;
	}
	ck_abort_msg("queue %s not on the board", queue_id);
	return NULL;
}

START_TEST(test_board_lists_active_desks_with_what_each_serves)
{
	setup();
	char prio[64], queue[64], d1[64], d2[64], d3[64], a[64], ta[4096], t1[64], t2[64], path[200];
	struct it_response r;
	scenario("Desk board", prio, queue);
	/* Created out of name order: the board lists them by name. */
	create_desk(it_unique("Board c"), queue, d3);
	create_desk(it_unique("Board a"), queue, d1);
	create_desk(it_unique("Board b"), queue, d2);
	create_attendant("board.a", a, ta, sizeof ta);
	snprintf(path, sizeof path, "/api/v1/desks/%s", d2);
	ck_assert_int_eq(req("DELETE", path, admin_token, NULL, &r), 204);
	it_response_free(&r);
	issue(prio, queue, t1);
	issue(prio, queue, t2);
	ck_assert_int_eq(desk_op(d1, "open", ta, &r), 200);
	it_response_free(&r);
	desk_call_expect(d1, ta, t1, queue);

	ck_assert_int_eq(req("GET", "/api/v1/board", ta, NULL, &r), 200);
	struct json_object *q = board_queue(r.json, queue), *desks, *serving;
	ck_assert(json_object_object_get_ex(q, "desks", &desks));
	ck_assert_int_eq(json_object_array_length(desks), 2); /* the deactivated one is not shown */
	struct json_object *first = json_object_array_get_idx(desks, 0), *second = json_object_array_get_idx(desks, 1);
	ck_assert_str_eq(it_obj_str(first, "desk_id"), d1);
	ck_assert_str_eq(it_obj_str(first, "name"), it_unique("Board a"));
	ck_assert_str_eq(it_obj_str(first, "user_id"), a);
	ck_assert(json_object_object_get_ex(first, "serving", &serving) && serving);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t1);
	ck_assert_ptr_nonnull(it_obj_str(serving, "code"));
	ck_assert_ptr_nonnull(it_obj_str(serving, "called_date"));
	ck_assert_str_eq(it_obj_str(second, "desk_id"), d3);
	ck_assert(it_obj_null(second, "user_id"));
	ck_assert(it_obj_null(second, "serving"));
	ck_assert(json_object_object_get_ex(q, "serving", &serving) && serving);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t1);
	it_response_free(&r);

	/* The queue's serving stays its most recently called ticket, whichever desk called. */
	desk_call_expect(d3, admin_token, t2, queue);
	ck_assert_int_eq(req("GET", "/api/v1/board", admin_token, NULL, &r), 200);
	q = board_queue(r.json, queue);
	ck_assert(json_object_object_get_ex(q, "serving", &serving) && serving);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t2);
	ck_assert(json_object_object_get_ex(q, "desks", &desks));
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(desks, 0), "serving", &serving) && serving);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t1);
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(desks, 1), "serving", &serving) && serving);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t2);
	it_response_free(&r);

	/* A queue without desks has an empty list. */
	char bare_prio[64], bare[64];
	scenario("Desk board bare", bare_prio, bare);
	ck_assert_int_eq(req("GET", "/api/v1/board", admin_token, NULL, &r), 200);
	q = board_queue(r.json, bare);
	ck_assert(json_object_object_get_ex(q, "desks", &desks));
	ck_assert_int_eq(json_object_array_length(desks), 0);
	it_response_free(&r);
}
END_TEST

/* The board's serving_without_desk of queue: its ticket_id, or NULL when null. */
static const char *board_nodesk(struct it_response *r, const char *queue)
{
	ck_assert_int_eq(req("GET", "/api/v1/board", admin_token, NULL, r), 200);
	struct json_object *q = board_queue(r->json, queue), *nodesk;
	ck_assert_msg(json_object_object_get_ex(q, "serving_without_desk", &nodesk), "no serving_without_desk: %s",
		      json_object_to_json_string(q));
	return nodesk ? it_obj_str(nodesk, "ticket_id") : NULL;
}

/* GET /public/tickets/{id} (no token) must name desk (NULL: desk_name null). */
static void assert_public_desk(const char *id, const char *desk)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/public/tickets/%s", id);
	ck_assert_int_eq(req("GET", path, NULL, NULL, &r), 200);
	if (desk)
		ck_assert_msg(it_str(&r, "desk_name") && strcmp(it_str(&r, "desk_name"), desk) == 0, "public desk: %s",
			      r.body);
	else
		ck_assert_msg(it_obj_null(r.json, "desk_name"), "public desk_name not null: %s", r.body);
	it_response_free(&r);
}

START_TEST(test_board_keeps_a_call_without_desk_beside_the_desks_and_the_public_view_names_the_desk)
{
	setup();
	char prio[64], queue[64], d1[64], a[64], ta[4096], t1[64], t2[64], t3[64], path[200];
	char desk_name[64];
	struct it_response r;
	snprintf(desk_name, sizeof desk_name, "%s", it_unique("Ventanilla nd"));
	scenario("Desk nodesk", prio, queue);
	create_desk(desk_name, queue, d1);
	create_attendant("nodesk.a", a, ta, sizeof ta);
	issue(prio, queue, t1);
	issue(prio, queue, t2);
	issue(prio, queue, t3);
	ck_assert_ptr_null(board_nodesk(&r, queue));
	it_response_free(&r);
	assert_public_desk(t1, NULL);

	/* A call at the queue (no desk): on the board, and the public view names no desk. */
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue);
	ck_assert_int_eq(req("POST", path, admin_token, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t1);
	it_response_free(&r);
	ck_assert_str_eq(board_nodesk(&r, queue), t1);
	it_response_free(&r);
	assert_public_desk(t1, NULL);

	/* A later call at a desk becomes the queue's serving; the desk-less call stays shown. */
	ck_assert_int_eq(desk_op(d1, "open", ta, &r), 200);
	it_response_free(&r);
	desk_call_expect(d1, ta, t2, queue);
	ck_assert_str_eq(board_nodesk(&r, queue), t1);
	struct json_object *serving;
	ck_assert(json_object_object_get_ex(board_queue(r.json, queue), "serving", &serving) && serving);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t2);
	it_response_free(&r);
	assert_public_desk(t2, desk_name);
	assert_public_desk(t1, NULL);

	/* The queue's next call serves t1 and calls t3 without a desk; served, it leaves the board. */
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue);
	ck_assert_int_eq(req("POST", path, admin_token, NULL, &r), 200);
	ck_assert_str_eq(it_str(&r, "id"), t3);
	it_response_free(&r);
	assert_ticket(t1, "served", NULL);
	ck_assert_str_eq(board_nodesk(&r, queue), t3);
	it_response_free(&r);
	ck_assert_int_eq(ticket_op(t3, "serve", NULL, admin_token, &r), 200);
	it_response_free(&r);
	ck_assert_ptr_null(board_nodesk(&r, queue));
	it_response_free(&r);
	/* The desk's call is still shown at the desk, and its customer still told where to go. */
	ck_assert_int_eq(req("GET", "/api/v1/board", admin_token, NULL, &r), 200);
	struct json_object *desks;
	ck_assert(json_object_object_get_ex(board_queue(r.json, queue), "desks", &desks));
	ck_assert(json_object_object_get_ex(json_object_array_get_idx(desks, 0), "serving", &serving) && serving);
	ck_assert_str_eq(it_obj_str(serving, "ticket_id"), t2);
	it_response_free(&r);
	assert_public_desk(t2, desk_name);
}
END_TEST

static struct json_object *report_item(struct json_object *report, const char *desk)
{
	struct json_object *items;
	ck_assert(json_object_object_get_ex(report, "items", &items));
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		if (it_obj_str(it, "desk_id") && strcmp(it_obj_str(it, "desk_id"), desk) == 0)
			return it;
	}
	return NULL;
}

START_TEST(test_reports_desks_gives_the_attendant_figures_per_desk)
{
	setup();
	char prio[64], queue[64], d1[64], d2[64], idle[64], t1[64], t2[64], t3[64], t4[64], path[200];
	struct it_response r;
	scenario("Desk report", prio, queue);
	create_desk(it_unique("Report one"), queue, d1);
	create_desk(it_unique("Report two"), queue, d2);
	create_desk(it_unique("Report idle"), queue, idle);
	issue(prio, queue, t1);
	issue(prio, queue, t2);
	issue(prio, queue, t3);
	issue(prio, queue, t4);
	desk_call_expect(d1, admin_token, t1, queue);
	desk_call_expect(d1, admin_token, t2, queue);
	desk_call_expect(d2, admin_token, t3, queue);
	ck_assert_int_eq(desk_op(d1, "call-next", admin_token, &r), 200); /* t4; t2 served */
	it_response_free(&r);
	ck_assert_int_eq(ticket_op(t4, "serve", NULL, admin_token, &r), 200);
	it_response_free(&r);
	ck_assert_int_eq(ticket_op(t3, "no-show", NULL, admin_token, &r), 200);
	it_response_free(&r);

	ck_assert_int_eq(req("GET", "/api/v1/reports/desks", admin_token, NULL, &r), 200);
	ck_assert_ptr_nonnull(it_str(&r, "from"));
	struct json_object *one = report_item(r.json, d1), *two = report_item(r.json, d2);
	ck_assert_msg(one && two, "both desks reported: %s", r.body);
	ck_assert_ptr_null(report_item(r.json, idle)); /* no tickets called there */
	ck_assert_str_eq(it_obj_str(one, "name"), it_unique("Report one"));
	ck_assert_int_eq(it_obj_int(one, "issued"), 3);
	ck_assert_int_eq(it_obj_int(one, "served"), 3);
	ck_assert_int_eq(it_obj_int(one, "no_show"), 0);
	ck_assert_int_eq(it_obj_int(two, "issued"), 1);
	ck_assert_int_eq(it_obj_int(two, "served"), 0);
	ck_assert_int_eq(it_obj_int(two, "no_show"), 1);
	ck_assert(!it_obj_null(one, "avg_wait_seconds") && !it_obj_null(one, "avg_service_seconds"));
	ck_assert(it_obj_null(two, "avg_service_seconds"));
	ck_assert_int_eq(it_obj_int(one, "cancelled"), 0);
	ck_assert_int_eq(it_obj_int(one, "expired"), 0);
	struct json_object *v;
	ck_assert(!json_object_object_get_ex(one, "user_id", &v));
	it_response_free(&r);

	ck_assert_int_eq(req("GET", "/api/v1/reports/desks?sort=-issued", admin_token, NULL, &r), 200);
	it_response_free(&r);
	req("GET", "/api/v1/reports/desks?sort=user_name", admin_token, NULL, &r);
	assert_invalid_field(&r, "sort");
	it_response_free(&r);
	req("GET", "/api/v1/reports/desks?from=2025-02-30", admin_token, NULL, &r);
	assert_invalid_field(&r, "from");
	it_response_free(&r);
	ck_assert_int_eq(req("GET", "/api/v1/reports/desks?from=2001-01-01&to=2001-01-02", admin_token, NULL, &r), 200);
	ck_assert_ptr_null(report_item(r.json, d1));
	it_response_free(&r);
	char att[64], token[4096];
	create_attendant("report.att", att, token, sizeof token);
	snprintf(path, sizeof path, "/api/v1/reports/desks");
	req("GET", path, token, NULL, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
}
END_TEST

/* ---- parallel desks ------------------------------------------------------ */

#define PAR_DESKS 2
#define PAR_CALLERS 8
#define PAR_REGISTRARS 4
#define PAR_TICKETS_PER_REGISTRAR 100
#define PAR_TOTAL (PAR_REGISTRARS * PAR_TICKETS_PER_REGISTRAR)

static char par_prio[64], par_queue[64], par_desks[PAR_DESKS][64];
static char par_issued[PAR_TOTAL][40];
static char par_called[PAR_TOTAL * 2][40];
static int par_nissued, par_ncalled, par_failures;
static pthread_mutex_t par_lock = PTHREAD_MUTEX_INITIALIZER;

static void *par_registrar(void *arg)
{
	(void)arg;
	char body[256];
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"%s\"}", par_prio,
		 customer_id, par_queue);
	for (int i = 0; i < PAR_TICKETS_PER_REGISTRAR; i++) {
		struct it_response r;
		it_json("POST", "/api/v1/tickets", admin_token, body, &r);
		pthread_mutex_lock(&par_lock);
		if (r.status == 201 && par_nissued < PAR_TOTAL) {
			snprintf(par_issued[par_nissued++], sizeof par_issued[0], "%s", it_str(&r, "id"));
		} else {
			fprintf(stderr, "register: %ld %s\n", r.status, r.body);
			par_failures++;
		}
		pthread_mutex_unlock(&par_lock);
		it_response_free(&r);
	}
	return NULL;
}

/* Calls at one desk until nothing is left; every answer must name that desk. */
static void *par_caller(void *arg)
{
	const char *desk = par_desks[(long)arg % PAR_DESKS];
	char path[160];
	snprintf(path, sizeof path, "/api/v1/desks/%s/call-next", desk);
	for (int guard = 0; guard < PAR_TOTAL * 2; guard++) {
		struct it_response r;
		it_json("POST", path, admin_token, NULL, &r);
		long status = r.status;
		pthread_mutex_lock(&par_lock);
		if (status == 200 && par_ncalled < PAR_TOTAL * 2 && it_str(&r, "desk_id") &&
		    strcmp(it_str(&r, "desk_id"), desk) == 0) {
			snprintf(par_called[par_ncalled++], sizeof par_called[0], "%s", it_str(&r, "id"));
		} else if (status != 204) {
			fprintf(stderr, "desk call-next: %ld %s\n", status, r.body);
			par_failures++;
		}
		pthread_mutex_unlock(&par_lock);
		it_response_free(&r);
		if (status != 200)
			break;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(test_desks_of_one_queue_calling_in_parallel_never_share_a_ticket)
{
	setup();
	scenario("Desk load", par_prio, par_queue);
	for (int d = 0; d < PAR_DESKS; d++) {
		char name[64];
		snprintf(name, sizeof name, "Load desk %d", d);
		create_desk(it_unique(name), par_queue, par_desks[d]);
	}
	pthread_t regs[PAR_REGISTRARS], calls[PAR_CALLERS];
	for (long i = 0; i < PAR_REGISTRARS; i++)
		ck_assert_int_eq(pthread_create(&regs[i], NULL, par_registrar, NULL), 0);
	for (int i = 0; i < PAR_REGISTRARS; i++)
		pthread_join(regs[i], NULL);
	ck_assert_int_eq(par_failures, 0);
	ck_assert_int_eq(par_nissued, PAR_TOTAL);

	for (long i = 0; i < PAR_CALLERS; i++)
		ck_assert_int_eq(pthread_create(&calls[i], NULL, par_caller, (void *)i), 0);
	for (int i = 0; i < PAR_CALLERS; i++)
		pthread_join(calls[i], NULL);
	ck_assert_int_eq(par_failures, 0);
	ck_assert_msg(par_ncalled == PAR_TOTAL, "called %d of %d tickets", par_ncalled, PAR_TOTAL);

	qsort(par_called, (size_t)par_ncalled, sizeof par_called[0], cmp_str);
	for (int i = 1; i < par_ncalled; i++)
		ck_assert_msg(strcmp(par_called[i - 1], par_called[i]) != 0, "ticket %s called twice", par_called[i]);
	for (int i = 0; i < par_nissued; i++)
		ck_assert_msg(bsearch(par_issued[i], par_called, (size_t)par_ncalled, sizeof par_called[0], cmp_str),
			      "ticket %s never called", par_issued[i]);

	/* Every desk ended on a 204, which served its last ticket too: all served, none left. */
	char path[256];
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&status=called", par_queue);
	ck_assert_int_eq(list_total(path), 0);
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&status=served&limit=1", par_queue);
	ck_assert_int_eq(list_total(path), PAR_TOTAL);
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s&status=waiting&limit=1", par_queue);
	ck_assert_int_eq(list_total(path), 0);
}
END_TEST

/* ---- seed-demo ----------------------------------------------------------- */

/* Runs a shell command; its standard output (up to len - 1 bytes) goes to out. Returns the exit status. */
static int run(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = 0;
	if (out) {
		n = fread(out, 1, len - 1, f);
		out[n] = '\0';
	} else {
		char sink[512];
		while (fread(sink, 1, sizeof sink, f) > 0)
			;
	}
	return pclose(f);
}

/* seed-demo twice on a database of its own (the shared one must not get demo queues). */
START_TEST(test_seed_demo_creates_the_desks_once)
{
	char db[64], cmd[4096], out[1024], sock[1024];
	snprintf(sock, sizeof sock, "%s", it_state_path("run/mysql.sock")); /* a static buffer */
	snprintf(db, sizeof db, "turnero_seed_%ld", (long)getpid());
	snprintf(cmd, sizeof cmd,
		 "mariadb --no-defaults --socket='%s' -uroot -e \"CREATE DATABASE %s CHARACTER SET utf8mb4"
		 " COLLATE utf8mb4_unicode_ci; GRANT ALL PRIVILEGES ON %s.* TO 'turnero'@'localhost'\" 2>&1",
		 sock, db, db);
	ck_assert_msg(run(cmd, out, sizeof out) == 0, "create database: %s", out);
	char ctl[2048];
	snprintf(ctl, sizeof ctl, "TURNERO_DATABASE_NAME=%s '%s/turneroctl' -c '%s'", db, getenv("TURNERO_BUILD_DIR"),
		 it_state_path("turnero.conf"));
	const char *steps[] = {"migrate", "seed-demo", "seed-demo"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(cmd, sizeof cmd, "%s %s </dev/null 2>&1", ctl, steps[i]);
		ck_assert_msg(run(cmd, out, sizeof out) == 0, "%s: %s", steps[i], out);
	}
	snprintf(cmd, sizeof cmd,
		 "mariadb --no-defaults --socket='%s' -uroot -N -B %s -e \"SELECT q.name, d.name, d.state, d.user_id IS NULL"
		 " FROM desks d JOIN queues q ON q.id = d.queue_id ORDER BY q.name, d.name\" 2>&1",
		 sock, db);
	int rc = run(cmd, out, sizeof out);
	ck_assert_msg(rc == 0, "query: %s", out);
	snprintf(cmd, sizeof cmd, "mariadb --no-defaults --socket='%s' -uroot -e 'DROP DATABASE %s' 2>&1", sock, db);
	run(cmd, NULL, 0);
	ck_assert_str_eq(out, "Caja\tCaja 1\t1\t1\n"
			      "General\tVentanilla 1\t1\t1\n"
			      "General\tVentanilla 2\t1\t1\n"
			      "Preferencial\tPreferencial 1\t1\t1\n");
}
END_TEST

int main(void)
{
	it_init();
	if (it_admin_login(admin_token, sizeof admin_token) < 0)
		return 1;
	Suite *s = suite_create("desks");
	TCase *tc = tcase_create("desks");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_desk_crud_validation_and_unknown_ids);
	tcase_add_test(tc, test_open_close_one_desk_per_user_and_takeover);
	tcase_add_test(tc, test_desk_call_next_serves_its_own_ticket_and_calls_the_next);
	tcase_add_test(tc, test_attendant_signed_in_at_a_desk_operates_its_queue);
	tcase_add_test(tc, test_board_lists_active_desks_with_what_each_serves);
	tcase_add_test(tc, test_board_keeps_a_call_without_desk_beside_the_desks_and_the_public_view_names_the_desk);
	tcase_add_test(tc, test_reports_desks_gives_the_attendant_figures_per_desk);
	tcase_add_test(tc, test_desks_of_one_queue_calling_in_parallel_never_share_a_ticket);
	tcase_add_test(tc, test_seed_demo_creates_the_desks_once);
	suite_add_tcase(s, tc);
	/* One process: tests share the admin token and the customer. */
	return it_run_suite(s);
}
