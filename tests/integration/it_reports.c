/* Reports, the CSV ticket export and the customer import through real nginx, workers and MariaDB. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/csv.h"
#include "common/strbuf.h"
#include "harness.h"

#define ATTENDANT_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000003"
#define RECEPTIONIST_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000004"
#define IMPORT_ROWS 10000

static char admin_token[4096];
static const char *admin_password;

/* A 3-letter queue prefix, different on every call of this run and likely across runs. */
static void next_prefix(char out[4])
{
	static unsigned counter;
	unsigned v = ((unsigned)getpid() * 37u + 7919u + counter++) % (26u * 26u * 26u);
	out[0] = (char)('A' + v / 676);
	out[1] = (char)('A' + v / 26 % 26);
	out[2] = (char)('A' + v % 26);
	out[3] = '\0';
}

static void setup_admin(void)
{
	if (!admin_token[0])
		ck_assert_int_eq(it_login("admin", admin_password, admin_token, sizeof admin_token, NULL, 0), 200);
}

static long get(const char *path, const char *token, struct it_response *r)
{
	it_json("GET", path, token, NULL, r);
	return r->status;
}

/* POSTs a JSON body as admin, expects 201 and copies the new id. */
static void create(const char *path, const char *body, char id[64])
{
	struct it_response r;
	it_json("POST", path, admin_token, body, &r);
	ck_assert_msg(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
	snprintf(id, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

static void create_priority(const char *name, int level, int max_wait, char id[64])
{
	char body[256];
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":%d,\"max_wait_minutes\":%d}", name, level, max_wait);
	create("/api/v1/priorities", body, id);
}

static void create_queue(const char *name, const char *priority_ids_json, char id[64])
{
	char body[512], prefix[4];
	struct it_response r;
	/* Programs share one database and walk prefixes in sequence: step past taken ones. */
	for (int attempt = 0; attempt < 200; attempt++) {
		next_prefix(prefix);
		snprintf(body, sizeof body, "{\"name\":\"%s\",\"prefix\":\"%s\",\"policy\":\"fifo\",\"priority_ids\":%s}",
			 name, prefix, priority_ids_json);
		it_json("POST", "/api/v1/queues", admin_token, body, &r);
		if (r.status != 409)
			break;
		it_response_free(&r);
	}
	ck_assert_msg(r.status == 201, "create queue: %ld %s", r.status, r.body);
	snprintf(id, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

static void create_user(const char *user_name, const char *role_id, char id[64])
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"user_name\":\"%s\",\"first_name\":\"Rep\",\"last_name\":\"Orts\",\"password\":\"reports-password\","
		 "\"role_id\":\"%s\"}",
		 user_name, role_id);
	create("/api/v1/users", body, id);
}

/* ---- JSON helpers ---- */

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	ck_assert_msg(o && json_object_object_get_ex(o, key, &v), "no member %s in %s", key,
		      o ? json_object_to_json_string(o) : "(null)");
	return v;
}

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);
	ck_assert_msg(json_object_is_type(v, json_type_string), "%s is not a string", key);
	return json_object_get_string(v);
}

static long long int_of(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key);
	ck_assert_msg(json_object_is_type(v, json_type_int), "%s is not an integer: %s", key,
		      json_object_to_json_string(o));
	return json_object_get_int64(v);
}

/* Index of the item whose key equals id in the answer's items, or -1. */
static int find_item(const struct it_response *r, const char *key, const char *id)
{
	struct json_object *items = member(r->json, "items");
	for (size_t i = 0; i < json_object_array_length(items); i++)
		if (strcmp(str_of(json_object_array_get_idx(items, i), key), id) == 0)
			return (int)i;
	return -1;
}

static struct json_object *item(const struct it_response *r, int i)
{
	ck_assert_int_ge(i, 0);
	return json_object_array_get_idx(member(r->json, "items"), (size_t)i);
}

/* A figure: want < 0 means it must be null. */
static void figure_is(struct json_object *o, const char *key, double want)
{
	struct json_object *v = member(o, key);
	if (want < 0) {
		ck_assert_msg(v == NULL, "%s should be null: %s", key, json_object_to_json_string(o));
		return;
	}
	ck_assert_msg(v && (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)),
		      "%s is not a number: %s", key, json_object_to_json_string(o));
	ck_assert_msg(json_object_get_double(v) > want - 1e-6 && json_object_get_double(v) < want + 1e-6,
		      "%s is %s, want %g", key, json_object_to_json_string(v), want);
}

struct figures {
	long long issued, served, no_show, cancelled, expired;
	double avg_wait, p90_wait, avg_service, sla; /* -1: null */
};

static void figures_are(struct json_object *o, const struct figures *f)
{
	ck_assert_int_eq(int_of(o, "issued"), f->issued);
	ck_assert_int_eq(int_of(o, "served"), f->served);
	ck_assert_int_eq(int_of(o, "no_show"), f->no_show);
	ck_assert_int_eq(int_of(o, "cancelled"), f->cancelled);
	ck_assert_int_eq(int_of(o, "expired"), f->expired);
	figure_is(o, "avg_wait_seconds", f->avg_wait);
	figure_is(o, "p90_wait_seconds", f->p90_wait);
	figure_is(o, "avg_service_seconds", f->avg_service);
	figure_is(o, "sla_met_pct", f->sla);
	ck_assert_int_eq(json_object_object_length(o), 11);
}

/* ---- the report scenario: tickets with known times on fixed past days ---- */

static struct {
	bool ready;
	char p1[64], p2[64];     /* p1: 10-minute SLA; p2: none */
	char q1[64], q2[64], q3[64];
	char u1[64], u2[64];
	char u1_name[40], u2_name[40];
	char q1_name[40], q2_name[40], q3_name[40];
	char p1_name[40], p2_name[40];
	char customer[64];
} sc;

/* One ticket row; times are "HH:MM:SS" on day (NULL for none). */
static void ticket(const char *queue, const char *prio, int level, const char *day, int number, const char *status,
		   const char *created, const char *called, const char *served, const char *by)
{
	char stmt[2048], c[40], cd[40], sd[40], byq[80];
	snprintf(c, sizeof c, "'%s %s'", day, created);
	snprintf(cd, sizeof cd, called ? "'%s %s'" : "NULL", day, called);
	snprintf(sd, sizeof sd, served ? "'%s %s'" : "NULL", day, served);
	snprintf(byq, sizeof byq, by ? "'%s'" : "NULL", by);
	snprintf(stmt, sizeof stmt,
		 "INSERT INTO tickets (id, customer_id, priority_id, priority_level, queue_id, issued_queue_id,"
		 " service_date, number, code, status, created_date, called_date, served_date, called_by, updated_date)"
		 " VALUES (UUID(), '%s', '%s', %d, '%s', '%s', '%s', %d, 'R-%03d', '%s', %s, %s, %s, %s, %s)",
		 sc.customer, prio, level, queue, queue, day, number, number, status, c, cd, sd, byq, c);
	it_sql(stmt);
}

static void setup_scenario(void)
{
	setup_admin();
	if (sc.ready)
		return;
	char ids[160];
	snprintf(sc.p1_name, sizeof sc.p1_name, "%s", it_unique("RepSLA"));
	snprintf(sc.p2_name, sizeof sc.p2_name, "%s", it_unique("RepNoSLA"));
	create_priority(sc.p1_name, 7, 10, sc.p1);
	create_priority(sc.p2_name, 8, 0, sc.p2);
	snprintf(ids, sizeof ids, "[\"%s\",\"%s\"]", sc.p1, sc.p2);
	snprintf(sc.q1_name, sizeof sc.q1_name, "%s", it_unique("Rep one"));
	snprintf(sc.q2_name, sizeof sc.q2_name, "%s", it_unique("Rep two"));
	snprintf(sc.q3_name, sizeof sc.q3_name, "%s", it_unique("Rep three"));
	create_queue(sc.q1_name, ids, sc.q1);
	snprintf(ids, sizeof ids, "[\"%s\"]", sc.p1);
	create_queue(sc.q2_name, ids, sc.q2);
	create_queue(sc.q3_name, ids, sc.q3);
	snprintf(sc.u1_name, sizeof sc.u1_name, "%s", it_unique("rep.u1"));
	snprintf(sc.u2_name, sizeof sc.u2_name, "%s", it_unique("rep.u2"));
	create_user(sc.u1_name, ATTENDANT_ROLE, sc.u1);
	create_user(sc.u2_name, ATTENDANT_ROLE, sc.u2);
	create("/api/v1/customers", "{\"first_name\":\"Report\",\"last_name\":\"Customer\"}", sc.customer);

	const char *d2 = "2020-03-02", *d3 = "2020-03-03";
	/* q1, p1 (10-minute SLA) */
	ticket(sc.q1, sc.p1, 7, d2, 1, "served", "09:00:00", "09:01:00", "09:06:00", sc.u1);  /* wait 60, service 300 */
	ticket(sc.q1, sc.p1, 7, d2, 2, "served", "09:00:00", "09:05:00", "09:08:00", sc.u1);  /* wait 300, service 180 */
	ticket(sc.q1, sc.p1, 7, d2, 3, "served", "09:00:00", "09:20:00", "09:30:00", sc.u2);  /* wait 1200 (late), 600 */
	ticket(sc.q1, sc.p1, 7, d2, 4, "no_show", "09:10:00", "09:12:00", NULL, sc.u2);       /* wait 120 */
	ticket(sc.q1, sc.p1, 7, d2, 5, "cancelled", "09:15:00", NULL, NULL, NULL);
	ticket(sc.q1, sc.p1, 7, d2, 6, "expired", "09:20:00", NULL, NULL, NULL);
	/* q1, p2 (no SLA): a long wait still counts as met */
	ticket(sc.q1, sc.p2, 8, d2, 7, "served", "10:00:00", "10:40:00", "10:41:00", sc.u1); /* wait 2400, service 60 */
	/* q2, p1, the next day */
	ticket(sc.q2, sc.p1, 7, d3, 1, "served", "11:00:00", "11:00:30", "11:01:30", sc.u2); /* wait 30, service 60 */
	/* q3: nothing to average */
	ticket(sc.q3, sc.p1, 7, d2, 1, "cancelled", "12:00:00", NULL, NULL, NULL);
	/* Outside the range. */
	ticket(sc.q1, sc.p1, 7, "2020-03-10", 1, "served", "09:00:00", "09:00:10", "09:00:20", sc.u1);
	sc.ready = true;
}

START_TEST(test_queue_report_figures_are_exact)
{
	setup_scenario();
	struct it_response r;
	ck_assert_int_eq(get("/api/v1/reports/queues?from=2020-03-02&to=2020-03-03", admin_token, &r), 200);
	ck_assert_str_eq(str_of(r.json, "from"), "2020-03-02");
	ck_assert_str_eq(str_of(r.json, "to"), "2020-03-03");
	/* waits 60 120 300 1200 2400: avg 816, p90 1200 + 0.6 * 1200; services 300 180 600 60; SLA 3 of 4 */
	struct figures q1 = {7, 4, 1, 1, 1, 816, 1920, 285, 75};
	struct json_object *o = item(&r, find_item(&r, "queue_id", sc.q1));
	ck_assert_str_eq(str_of(o, "name"), sc.q1_name);
	figures_are(o, &q1);
	struct figures q2 = {1, 1, 0, 0, 0, 30, 30, 60, 100};
	figures_are(item(&r, find_item(&r, "queue_id", sc.q2)), &q2);
	struct figures q3 = {1, 0, 0, 1, 0, -1, -1, -1, -1};
	figures_are(item(&r, find_item(&r, "queue_id", sc.q3)), &q3);
	it_response_free(&r);

	/* One day only: q2 has nothing then. */
	ck_assert_int_eq(get("/api/v1/reports/queues?from=2020-03-02&to=2020-03-02", admin_token, &r), 200);
	ck_assert_int_ge(find_item(&r, "queue_id", sc.q1), 0);
	ck_assert_int_eq(find_item(&r, "queue_id", sc.q2), -1);
	it_response_free(&r);
	/* A wider range takes in the 10th. */
	ck_assert_int_eq(get("/api/v1/reports/queues?from=2020-03-02&to=2020-03-10", admin_token, &r), 200);
	ck_assert_int_eq(int_of(item(&r, find_item(&r, "queue_id", sc.q1)), "issued"), 8);
	it_response_free(&r);
	/* to alone: from defaults to it. */
	ck_assert_int_eq(get("/api/v1/reports/queues?to=2020-03-03", admin_token, &r), 200);
	ck_assert_str_eq(str_of(r.json, "from"), "2020-03-03");
	ck_assert_int_eq(find_item(&r, "queue_id", sc.q1), -1);
	ck_assert_int_eq(int_of(item(&r, find_item(&r, "queue_id", sc.q2)), "issued"), 1);
	it_response_free(&r);
}
END_TEST

START_TEST(test_attendant_report_counts_what_each_one_called)
{
	setup_scenario();
	struct it_response r;
	ck_assert_int_eq(get("/api/v1/reports/attendants?from=2020-03-02&to=2020-03-03", admin_token, &r), 200);
	/* u1: waits 60 300 2400 (p90 300 + 0.8 * 2100), services 300 180 60, all within SLA */
	struct figures u1 = {3, 3, 0, 0, 0, 920, 1980, 180, 100};
	struct json_object *o = item(&r, find_item(&r, "user_id", sc.u1));
	ck_assert_str_eq(str_of(o, "user_name"), sc.u1_name);
	figures_are(o, &u1);
	/* u2: waits 1200 120 30 (p90 120 + 0.8 * 1080), services 600 60, one of two served within SLA */
	struct figures u2 = {3, 2, 1, 0, 0, 450, 984, 330, 50};
	figures_are(item(&r, find_item(&r, "user_id", sc.u2)), &u2);
	it_response_free(&r);
}
END_TEST

START_TEST(test_priority_report_groups_by_priority)
{
	setup_scenario();
	struct it_response r;
	ck_assert_int_eq(get("/api/v1/reports/priorities?from=2020-03-02&to=2020-03-03", admin_token, &r), 200);
	/* p1: waits 60 300 1200 120 30 (p90 300 + 0.6 * 900), services 300 180 600 60, SLA 3 of 4 */
	struct figures p1 = {8, 4, 1, 2, 1, 342, 840, 285, 75};
	struct json_object *o = item(&r, find_item(&r, "priority_id", sc.p1));
	ck_assert_str_eq(str_of(o, "name"), sc.p1_name);
	figures_are(o, &p1);
	struct figures p2 = {1, 1, 0, 0, 0, 2400, 2400, 60, 100};
	figures_are(item(&r, find_item(&r, "priority_id", sc.p2)), &p2);
	it_response_free(&r);
}
END_TEST

START_TEST(test_reports_sort_by_any_figure_either_way)
{
	setup_scenario();
	struct it_response r;
	const char *base = "/api/v1/reports/attendants?from=2020-03-02&to=2020-03-03&sort=";
	struct {
		const char *sort;
		bool u1_first;
	} cases[] = {
		{"-avg_wait_seconds", true}, {"avg_wait_seconds", false}, {"-sla_met_pct", true},
		{"no_show", true},           {"-no_show", false},         {"-avg_service_seconds", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s%s", base, cases[i].sort);
		ck_assert_int_eq(get(path, admin_token, &r), 200);
		int a = find_item(&r, "user_id", sc.u1), b = find_item(&r, "user_id", sc.u2);
		ck_assert_msg((a < b) == cases[i].u1_first, "sort=%s: u1 at %d, u2 at %d", cases[i].sort, a, b);
		it_response_free(&r);
	}
	/* Names: q1 "Rep one", q3 "Rep three", q2 "Rep two". */
	ck_assert_int_eq(get("/api/v1/reports/queues?from=2020-03-02&to=2020-03-03", admin_token, &r), 200);
	int one = find_item(&r, "queue_id", sc.q1), two = find_item(&r, "queue_id", sc.q2),
	    three = find_item(&r, "queue_id", sc.q3);
	ck_assert(one < three && three < two);
	it_response_free(&r);
	ck_assert_int_eq(get("/api/v1/reports/queues?from=2020-03-02&to=2020-03-03&sort=-name", admin_token, &r), 200);
	one = find_item(&r, "queue_id", sc.q1), two = find_item(&r, "queue_id", sc.q2),
	three = find_item(&r, "queue_id", sc.q3);
	ck_assert(two < three && three < one);
	it_response_free(&r);
	/* Null figures last, also descending. */
	ck_assert_int_eq(get("/api/v1/reports/queues?from=2020-03-02&to=2020-03-03&sort=-p90_wait_seconds", admin_token,
			     &r),
			 200);
	one = find_item(&r, "queue_id", sc.q1), two = find_item(&r, "queue_id", sc.q2),
	three = find_item(&r, "queue_id", sc.q3);
	ck_assert(one < two && two < three);
	it_response_free(&r);
}
END_TEST

static bool names_field(const struct it_response *r, const char *field)
{
	struct json_object *errs = member(r->json, "errors");
	for (size_t i = 0; i < json_object_array_length(errs); i++)
		if (strcmp(str_of(json_object_array_get_idx(errs, i), "field"), field) == 0)
			return true;
	return false;
}

/* True when some entry of the 422 errors[] has a message containing text. */
static bool has_message(const struct it_response *r, const char *text)
{
	struct json_object *errs = member(r->json, "errors");
	for (size_t i = 0; i < json_object_array_length(errs); i++)
		if (strstr(str_of(json_object_array_get_idx(errs, i), "message"), text))
			return true;
	return false;
}

START_TEST(test_bad_dates_ranges_and_sorts_are_422)
{
	setup_admin();
	struct {
		const char *path, *field;
	} bad[] = {
		{"/api/v1/reports/queues?from=2021-02-29&to=2021-03-01", "from"},
		{"/api/v1/reports/queues?from=2020-03-02&to=2020-3-3", "to"},
		{"/api/v1/reports/queues?from=yesterday", "from"},
		{"/api/v1/reports/queues?from=2020-03-03&to=2020-03-02", "to"},
		{"/api/v1/reports/attendants?from=2021-01-01&to=2022-01-02", "to"},
		{"/api/v1/reports/queues?from=2020-03-02&to=2020-03-02&sort=bogus", "sort"},
		{"/api/v1/reports/queues?from=2020-03-02&to=2020-03-02&sort=user_name", "sort"},
		{"/api/v1/reports/attendants?from=2020-03-02&to=2020-03-02&sort=name", "sort"},
		{"/api/v1/reports/priorities?from=2020-03-02&to=2020-03-02&limit=5", "limit"},
		{"/api/v1/reports/priorities?from=2020-03-02&from=2020-03-01&to=2020-03-02", "from"},
		{"/api/v1/reports/tickets.csv?from=2020-03-03&to=2020-03-02", "to"},
		{"/api/v1/reports/tickets.csv?from=2020-03-02&to=2020-03-02&queue_id=abc", "queue_id"},
		{"/api/v1/reports/tickets.csv?from=2020-03-02&to=2020-03-02&sort=name", "sort"},
	};
	struct it_response r;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		get(bad[i].path, admin_token, &r);
		it_assert_problem(&r, 422);
		ck_assert_msg(names_field(&r, bad[i].field), "%s should name %s: %s", bad[i].path, bad[i].field, r.body);
		it_response_free(&r);
	}
	/* 366 days, both ends counted, is allowed. */
	ck_assert_int_eq(get("/api/v1/reports/priorities?from=2020-01-01&to=2020-12-31", admin_token, &r), 200);
	it_response_free(&r);
	/* No range at all: today. */
	ck_assert_int_eq(get("/api/v1/reports/queues", admin_token, &r), 200);
	const char *from = str_of(r.json, "from");
	ck_assert_int_eq(strlen(from), 10);
	ck_assert_str_eq(from, str_of(r.json, "to"));
	it_response_free(&r);
}
END_TEST

START_TEST(test_reports_need_reports_read)
{
	setup_admin();
	char id[64], token[4096];
	const char *name = it_unique("rep.front");
	create_user(name, RECEPTIONIST_ROLE, id);
	ck_assert_int_eq(it_login(name, "reports-password", token, sizeof token, NULL, 0), 200);
	const char *paths[] = {"/api/v1/reports/queues", "/api/v1/reports/attendants", "/api/v1/reports/priorities",
			       "/api/v1/reports/tickets.csv"};
	struct it_response r;
	for (size_t i = 0; i < 4; i++) {
		get(paths[i], token, &r);
		it_assert_problem(&r, 403);
		it_response_free(&r);
		get(paths[i], NULL, &r);
		it_assert_problem(&r, 401);
		it_response_free(&r);
	}
}
END_TEST

/* ---- import ---- */

static long post_csv(const char *token, const char *body, size_t len, struct it_response *r)
{
	char auth[4200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	const char *headers[] = {"Content-Type: text/csv", auth, NULL};
	it_request("POST", "/api/v1/customers/import", headers, body, len, r);
	return r->status;
}

static char dni_prefix[16];

static const char *dni_of(int i)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "%s%d", dni_prefix, i);
	return buf;
}

/* The expected row errors of the generated file. */
struct want_error {
	long line;
	const char *message;
};

static struct want_error want_errors[8];
static size_t nwant_errors;

/*
 * IMPORT_ROWS data rows under a shuffled header with a byte order mark: six bad ones,
 * one quoted first name holding a line break and one empty line (both move the later
 * rows down a line), and three customers the export test uses.
 */
static void make_import_file(struct strbuf *sb)
{
	snprintf(dni_prefix, sizeof dni_prefix, "R%ld-", (long)getpid() % 100000);
	strbuf_puts(sb, "\xEF\xBB\xBF" "email,dni,last_name,first_name,phone\r\n");
	long line = 2;
	nwant_errors = 0;
	for (int i = 0; i < IMPORT_ROWS; i++) {
		const char *eol = i % 3 ? "\r\n" : "\n"; /* both line ends in one file */
		long start = line;
		line++;
		switch (i) {
		case 10:
			strbuf_printf(sb, "not-an-email,%s,L%d,F%d,%s", dni_of(i), i, i, eol);
			want_errors[nwant_errors++] = (struct want_error){start, "email must look like name@example.org"};
			break;
		case 20:
			strbuf_printf(sb, "ana@example.org,%s,\"O\"\"Neil\",\"Ana, María\",+54 11 5555%s", dni_of(i), eol);
			break;
		case 21:
			strbuf_printf(sb, ",%s,Formula,=SUM(A1),%s", dni_of(i), eol);
			break;
		case 22:
			strbuf_printf(sb, ",%s,Pérez,Juan,%s", dni_of(i), eol);
			break;
		case 500:
			strbuf_printf(sb, ",%s,,F%d,%s", dni_of(i), i, eol);
			want_errors[nwant_errors++] = (struct want_error){start, "last_name must not be empty"};
			break;
		case 1234:
			strbuf_printf(sb, ",%s123456789012345678901,L%d,F%d,%s", dni_prefix, i, i, eol);
			want_errors[nwant_errors++] = (struct want_error){start, "dni must be at most 20 characters"};
			break;
		case 4321:
			strbuf_printf(sb, ",%s,L%d,F%d%s", dni_of(i), i, i, eol);
			want_errors[nwant_errors++] = (struct want_error){start, "has 4 fields, the header has 5"};
			break;
		case 7000:
			strbuf_printf(sb, ",%s,L%d,\"Multi\nLine\",%s", dni_of(i), i, eol);
			line++;
			break;
		case 8000:
			strbuf_printf(sb, ",%s,L\"%d,F%d,%s", dni_of(i), i, i, eol);
			want_errors[nwant_errors++] = (struct want_error){start, "a quote inside an unquoted field"};
			break;
		case 9000:
			strbuf_printf(sb, ",%s,L%d,F%d,%s\r\n", dni_of(i), i, i, eol); /* then an empty line */
			line++;
			break;
		case 9500:
			strbuf_printf(sb, ",%s,L%d,\xff\xfe,%s", dni_of(i), i, eol);
			want_errors[nwant_errors++] = (struct want_error){start, "first_name must be valid UTF-8 text"};
			break;
		default:
			strbuf_printf(sb, "c%d@example.org,%s,L%d,F%d,555-%d%s", i, dni_of(i), i, i, i, eol);
		}
	}
	ck_assert(!sb->oom);
}

static void summary_is(const struct it_response *r, long long inserted, long long updated)
{
	ck_assert_msg(r->status == 200, "import: %ld %.500s", r->status, r->body);
	ck_assert_int_eq(int_of(r->json, "inserted"), inserted);
	ck_assert_int_eq(int_of(r->json, "updated"), updated);
	ck_assert_int_eq(int_of(r->json, "failed"), (long long)nwant_errors);
	struct json_object *errors = member(r->json, "errors");
	ck_assert_uint_eq(json_object_array_length(errors), nwant_errors);
	for (size_t i = 0; i < nwant_errors; i++) {
		struct json_object *e = json_object_array_get_idx(errors, i);
		ck_assert_int_eq(int_of(e, "line"), want_errors[i].line);
		ck_assert_str_eq(str_of(e, "message"), want_errors[i].message);
	}
}

/* GET /customers?dni=... must find exactly one customer; returns it (caller frees r). */
static struct json_object *customer_by_dni(const char *dni, struct it_response *r)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/customers?dni=%s", dni);
	ck_assert_int_eq(get(path, admin_token, r), 200);
	ck_assert_int_eq(int_of(r->json, "total"), 1);
	return json_object_array_get_idx(member(r->json, "items"), 0);
}

static bool imported;

START_TEST(test_import_of_ten_thousand_rows_reports_bad_rows_by_line)
{
	setup_admin();
	struct strbuf csv = STRBUF_INIT;
	make_import_file(&csv);
	struct it_response r;
	post_csv(admin_token, csv.data, csv.len, &r);
	summary_is(&r, IMPORT_ROWS - (long long)nwant_errors, 0);
	it_response_free(&r);
	imported = true;

	struct json_object *c = customer_by_dni(dni_of(20), &r);
	ck_assert_str_eq(str_of(c, "first_name"), "Ana, María");
	ck_assert_str_eq(str_of(c, "last_name"), "O\"Neil");
	ck_assert_str_eq(str_of(c, "phone"), "+54 11 5555");
	ck_assert_str_eq(str_of(c, "email"), "ana@example.org");
	it_response_free(&r);
	c = customer_by_dni(dni_of(7000), &r);
	ck_assert_str_eq(str_of(c, "first_name"), "Multi\nLine");
	it_response_free(&r);
	c = customer_by_dni(dni_of(9999), &r);
	ck_assert_str_eq(str_of(c, "first_name"), "F9999");
	ck_assert_str_eq(str_of(c, "email"), "c9999@example.org");
	it_response_free(&r);
	/* The bad rows left nothing behind. */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/customers?dni=%s", dni_of(10));
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_int_eq(int_of(r.json, "total"), 0);
	it_response_free(&r);

	/* The same file again: every good row updates its customer. */
	post_csv(admin_token, csv.data, csv.len, &r);
	summary_is(&r, 0, IMPORT_ROWS - (long long)nwant_errors);
	it_response_free(&r);
	strbuf_free(&csv);
}
END_TEST

START_TEST(test_import_updates_by_dni_keeping_unsent_phone_and_email)
{
	setup_admin();
	char body[512], dni[32];
	struct it_response r;
	snprintf(dni, sizeof dni, "U%ld", (long)getpid() % 100000);
	snprintf(body, sizeof body, "dni,first_name,last_name,phone,email\n%s,Eva,Uno,111,eva@example.org\n", dni);
	post_csv(admin_token, body, strlen(body), &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(int_of(r.json, "inserted"), 1);
	it_response_free(&r);
	/* Other column order, LF-less last line, empty phone and email: the names change, the rest stays. */
	snprintf(body, sizeof body, " Last_Name ,DNI,first_name,phone,email\r\nDos,%s,Eva María,,", dni);
	post_csv(admin_token, body, strlen(body), &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(int_of(r.json, "inserted"), 0);
	ck_assert_int_eq(int_of(r.json, "updated"), 1);
	it_response_free(&r);
	struct json_object *c = customer_by_dni(dni, &r);
	ck_assert_str_eq(str_of(c, "first_name"), "Eva María");
	ck_assert_str_eq(str_of(c, "last_name"), "Dos");
	ck_assert_str_eq(str_of(c, "phone"), "111");
	ck_assert_str_eq(str_of(c, "email"), "eva@example.org");
	it_response_free(&r);
	/* No dni: always a new customer. */
	snprintf(body, sizeof body, "dni,first_name,last_name\n,Sin,Documento\n,Sin,Documento\n");
	post_csv(admin_token, body, strlen(body), &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(int_of(r.json, "inserted"), 2);
	ck_assert_int_eq(int_of(r.json, "failed"), 0);
	it_response_free(&r);
	/* A header alone imports nothing and is fine. */
	post_csv(admin_token, "dni,first_name,last_name\r\n", 26, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(int_of(r.json, "inserted") + int_of(r.json, "updated") + int_of(r.json, "failed"), 0);
	it_response_free(&r);
}
END_TEST

START_TEST(test_import_header_problems_are_422_and_import_nothing)
{
	setup_admin();
	char dni[32], body[512];
	snprintf(dni, sizeof dni, "H%ld", (long)getpid() % 100000);
	struct {
		const char *header, *message;
	} bad[] = {
		{"dni,first_name,last_name,dni", "column \"dni\" appears more than once"},
		{"dni,first_name,last_name,age", "unknown column \"age\""},
		{"dni,first_name,phone,email", "column \"last_name\" is required"},
		{"first_name,last_name", "column \"dni\" is required"},
		{"dni,\"first\"name,last_name", "is not valid CSV"},
	};
	struct it_response r;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(body, sizeof body, "%s\n%s,Ana,Gomez,x\n", bad[i].header, dni);
		post_csv(admin_token, body, strlen(body), &r);
		it_assert_problem(&r, 422);
		ck_assert(names_field(&r, "header"));
		ck_assert_msg(has_message(&r, bad[i].message), "%s: %s", bad[i].header, r.body);
		it_response_free(&r);
	}
	/* An empty body has no header. */
	post_csv(admin_token, "", 0, &r);
	it_assert_problem(&r, 422);
	it_response_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/customers?dni=%s", dni);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_int_eq(int_of(r.json, "total"), 0);
	it_response_free(&r);
	/* CSV only. */
	it_json("POST", "/api/v1/customers/import", admin_token, "{}", &r);
	it_assert_problem(&r, 415);
	it_response_free(&r);
}
END_TEST

START_TEST(test_import_above_the_limit_is_413)
{
	setup_admin();
	size_t len = 16u * 1024 * 1024 + 1;
	char *body = malloc(len);
	ck_assert_ptr_nonnull(body);
	memset(body, 'a', len);
	memcpy(body, "dni,first_name,last_name\n", 25);
	struct it_response r;
	post_csv(admin_token, body, len, &r);
	ck_assert_int_eq(r.status, 413);
	it_response_free(&r);
	free(body);
}
END_TEST

START_TEST(test_import_needs_customers_create)
{
	setup_admin();
	char id[64], token[4096];
	const char *name = it_unique("rep.board");
	create_user(name, "6f1c0a3e-0a51-4c55-9a0e-000000000005", id); /* display */
	ck_assert_int_eq(it_login(name, "reports-password", token, sizeof token, NULL, 0), 200);
	struct it_response r;
	post_csv(token, "dni,first_name,last_name\n", 25, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
}
END_TEST

/* ---- export ---- */

/* Parsed CSV: records of strdup'd fields. */
struct table {
	size_t n;
	struct {
		size_t nfields;
		char **fields;
		long line;
	} rows[3000];
	int errors;
};

static int keep_record(void *cls, const struct csv_record *rec)
{
	struct table *t = cls;
	if (rec->error || t->n >= sizeof t->rows / sizeof t->rows[0]) {
		t->errors++;
		return 0;
	}
	t->rows[t->n].nfields = rec->nfields;
	t->rows[t->n].line = rec->line;
	t->rows[t->n].fields = calloc(rec->nfields, sizeof(char *));
	for (size_t i = 0; i < rec->nfields; i++)
		t->rows[t->n].fields[i] = strndup(rec->fields[i], rec->lens[i]);
	t->n++;
	return 0;
}

static struct table *parse_csv(const char *body, size_t len)
{
	struct table *t = calloc(1, sizeof *t);
	struct csv_reader *rd = csv_reader_new(0);
	ck_assert_int_eq(csv_feed(rd, body, len, keep_record, t), 0);
	ck_assert_int_eq(csv_finish(rd, keep_record, t), 0);
	csv_reader_free(rd);
	ck_assert_int_eq(t->errors, 0);
	return t;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t k = 0; k < t->rows[i].nfields; k++)
			free(t->rows[i].fields[k]);
		free(t->rows[i].fields);
	}
	free(t);
}

static const char *const columns[] = {"id", "code", "service_date", "queue_id", "queue_name", "priority_name",
				      "customer_id", "dni", "first_name", "last_name", "status", "created_date",
				      "called_date", "served_date", "called_by_user_name"};
enum { C_ID, C_CODE, C_DATE, C_QUEUE, C_QNAME, C_PRIO, C_CUST, C_DNI, C_FIRST, C_LAST, C_STATUS, C_CREATED,
       C_CALLED, C_SERVED, C_BY, C__N };

static void header_is_right(const struct table *t)
{
	ck_assert_uint_gt(t->n, 0);
	ck_assert_uint_eq(t->rows[0].nfields, C__N);
	for (size_t i = 0; i < C__N; i++)
		ck_assert_str_eq(t->rows[0].fields[i], columns[i]);
}

START_TEST(test_export_round_trips_imported_customers)
{
	setup_admin();
	if (!imported) {
		struct strbuf csv = STRBUF_INIT;
		struct it_response r;
		make_import_file(&csv);
		post_csv(admin_token, csv.data, csv.len, &r);
		ck_assert_int_eq(r.status, 200);
		it_response_free(&r);
		strbuf_free(&csv);
		imported = true;
	}
	char prio[64], queue[64], ids[128], body[512], customer[3][64];
	create_priority(it_unique("Export"), 9, 15, prio);
	snprintf(ids, sizeof ids, "[\"%s\"]", prio);
	create_queue(it_unique("Export"), ids, queue);
	struct it_response r;
	for (int i = 0; i < 3; i++) {
		struct json_object *c = customer_by_dni(dni_of(20 + i), &r);
		snprintf(customer[i], sizeof customer[i], "%s", str_of(c, "id"));
		it_response_free(&r);
		snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\",\"queue_id\":\"%s\"}", prio,
			 customer[i], queue);
		it_json("POST", "/api/v1/tickets", admin_token, body, &r);
		ck_assert_msg(r.status == 201, "ticket: %ld %s", r.status, r.body);
		it_response_free(&r);
		usleep(5000); /* distinct created_date values: export order is creation order */
	}
	char path[256];
	snprintf(path, sizeof path, "/api/v1/reports/tickets.csv?queue_id=%s", queue);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	char *type = it_header(&r, "Content-Type"), *disposition = it_header(&r, "Content-Disposition");
	ck_assert_str_eq(type, "text/csv; charset=utf-8");
	ck_assert_ptr_nonnull(disposition);
	ck_assert_msg(strncmp(disposition, "attachment; filename=\"tickets-", 30) == 0, "%s", disposition);
	free(type);
	free(disposition);
	/* RFC 4180 on the wire: CRLF, quotes doubled, commas quoted, formulas defused. */
	ck_assert_msg(strstr(r.body, "\r\n") && !strstr(r.body, "\r\n\n"), "line ends: %s", r.body);
	ck_assert_ptr_nonnull(strstr(r.body, ",\"O\"\"Neil\","));
	ck_assert_ptr_nonnull(strstr(r.body, ",\"Ana, María\","));
	ck_assert_ptr_nonnull(strstr(r.body, ",'=SUM(A1),"));

	struct table *t = parse_csv(r.body, r.body_len);
	header_is_right(t);
	ck_assert_uint_eq(t->n, 4);
	const char *want[3][3] = {{"Ana, María", "O\"Neil", NULL}, {"'=SUM(A1)", "Formula", NULL}, {"Juan", "Pérez", NULL}};
	for (int i = 0; i < 3; i++) {
		char **f = t->rows[i + 1].fields;
		ck_assert_uint_eq(t->rows[i + 1].nfields, C__N);
		ck_assert_str_eq(f[C_DNI], dni_of(20 + i));
		ck_assert_str_eq(f[C_FIRST], want[i][0]);
		ck_assert_str_eq(f[C_LAST], want[i][1]);
		ck_assert_str_eq(f[C_CUST], customer[i]);
		ck_assert_str_eq(f[C_QUEUE], queue);
		ck_assert_str_eq(f[C_PRIO], it_unique("Export"));
		ck_assert_str_eq(f[C_STATUS], "waiting");
		ck_assert_int_eq(strlen(f[C_CREATED]), 24);
		ck_assert_str_eq(f[C_CALLED], "");
		ck_assert_str_eq(f[C_BY], "");
		ck_assert_int_eq(strlen(f[C_CODE]), 7); /* "ABC-001" */
	}
	table_free(t);
	it_response_free(&r);
}
END_TEST

START_TEST(test_export_pages_through_thousands_of_tickets_in_order)
{
	setup_scenario();
	char queue[64], ids[128], stmt[1024];
	snprintf(ids, sizeof ids, "[\"%s\"]", sc.p1);
	create_queue(it_unique("Export many"), ids, queue);
	/* 2500 tickets, ten to a millisecond, so pages also break inside runs of equal times. */
	snprintf(stmt, sizeof stmt,
		 "INSERT INTO tickets (id, customer_id, priority_id, priority_level, queue_id, issued_queue_id,"
		 " service_date, number, code, status, created_date, updated_date)"
		 " SELECT UUID(), '%s', '%s', 7, '%s', '%s', '2020-04-01', seq, CONCAT('M-', seq), 'expired',"
		 " TIMESTAMP('2020-04-01 08:00:00') + INTERVAL (seq DIV 10) SECOND, NOW() FROM seq_1_to_2500",
		 sc.customer, sc.p1, queue, queue);
	it_sql(stmt);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/reports/tickets.csv?from=2020-04-01&to=2020-04-01&queue_id=%s", queue);
	struct it_response r;
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	struct table *t = parse_csv(r.body, r.body_len);
	header_is_right(t);
	ck_assert_uint_eq(t->n, 2501);
	/* Strictly increasing (created_date, id): every ticket exactly once, in order. */
	for (size_t i = 2; i < t->n; i++) {
		char **a = t->rows[i - 1].fields, **b = t->rows[i].fields;
		int c = strcmp(a[C_CREATED], b[C_CREATED]);
		ck_assert_msg(c < 0 || (c == 0 && strcmp(a[C_ID], b[C_ID]) < 0), "rows %zu and %zu out of order", i - 1,
			      i);
		ck_assert_str_eq(b[C_QUEUE], queue);
	}
	/* Each row is its own line: no value here needs quoting. */
	ck_assert_int_eq(t->rows[2500].line, 2501);
	table_free(t);
	it_response_free(&r);
}
END_TEST

/* ---- turneroctl import-customers ---- */

/* Runs turneroctl import-customers on file; stdout and stderr go to the strings (caller frees). */
static int run_ctl_import(const char *path, char **out, char **err)
{
	char cmd[2048], outf[256], errf[256], file[256], conf[256];
	snprintf(file, sizeof file, "%s", path); /* it_state_path answers in one static buffer */
	snprintf(conf, sizeof conf, "%s", it_state_path("turnero.conf"));
	snprintf(outf, sizeof outf, "%s", it_state_path("import.out"));
	snprintf(errf, sizeof errf, "%s", it_state_path("import.err"));
	snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' import-customers '%s' >'%s' 2>'%s'", getenv("TURNERO_BUILD_DIR"),
		 conf, file, outf, errf);
	int rc = system(cmd);
	const char *files[2] = {outf, errf};
	char **dst[2] = {out, err};
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "rb");
		ck_assert_ptr_nonnull(f);
		char buf[8192];
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		buf[len] = '\0';
		fclose(f);
		*dst[i] = strdup(buf);
	}
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

START_TEST(test_turneroctl_import_customers_uses_the_same_rules)
{
	setup_admin();
	char file[256], *out, *err;
	snprintf(file, sizeof file, "%s", it_state_path("customers.csv"));
	FILE *f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	long pid = (long)getpid() % 100000;
	fprintf(f, "dni,first_name,last_name,email\nC%ld-1,Ana,Uno,\nC%ld-2,Bea,Dos,bad\nC%ld-3,\"Caro\nLina\",Tres,\n",
		pid, pid, pid);
	fclose(f);
	ck_assert_int_eq(run_ctl_import(file, &out, &err), 0);
	ck_assert_str_eq(out, "inserted 2, updated 0, failed 1\n");
	ck_assert_msg(strstr(err, "line 3: email must look like name@example.org\n") != NULL, "stderr: %s", err);
	free(out);
	free(err);
	ck_assert_int_eq(run_ctl_import(file, &out, &err), 0);
	ck_assert_str_eq(out, "inserted 0, updated 2, failed 1\n");
	free(out);
	free(err);
	struct it_response r;
	char dni[32];
	snprintf(dni, sizeof dni, "C%ld-3", pid);
	struct json_object *c = customer_by_dni(dni, &r);
	ck_assert_str_eq(str_of(c, "first_name"), "Caro\nLina");
	it_response_free(&r);

	/* A file that cannot be read, and a bad header: exit 1 with a reason. */
	ck_assert_int_eq(run_ctl_import(it_state_path("no-such-file.csv"), &out, &err), 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(strstr(err, "no-such-file.csv") != NULL, "stderr: %s", err);
	free(out);
	free(err);
	f = fopen(file, "w");
	fprintf(f, "dni,dni\n1,2\n");
	fclose(f);
	ck_assert_int_eq(run_ctl_import(file, &out, &err), 1);
	ck_assert_msg(strstr(err, "appears more than once") != NULL, "stderr: %s", err);
	free(out);
	free(err);
}
END_TEST

int main(void)
{
	it_init();
	/* The admin is made as an operator would: turneroctl create-admin with a password on stdin. */
	admin_password = IT_ADMIN_PASSWORD;
	if (it_admin_login(admin_token, sizeof admin_token) < 0)
		return 1;
	Suite *s = suite_create("reports");
	TCase *tc = tcase_create("reports, export and import");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_queue_report_figures_are_exact);
	tcase_add_test(tc, test_attendant_report_counts_what_each_one_called);
	tcase_add_test(tc, test_priority_report_groups_by_priority);
	tcase_add_test(tc, test_reports_sort_by_any_figure_either_way);
	tcase_add_test(tc, test_bad_dates_ranges_and_sorts_are_422);
	tcase_add_test(tc, test_reports_need_reports_read);
	tcase_add_test(tc, test_import_of_ten_thousand_rows_reports_bad_rows_by_line);
	tcase_add_test(tc, test_import_updates_by_dni_keeping_unsent_phone_and_email);
	tcase_add_test(tc, test_import_header_problems_are_422_and_import_nothing);
	tcase_add_test(tc, test_import_above_the_limit_is_413);
	tcase_add_test(tc, test_import_needs_customers_create);
	tcase_add_test(tc, test_export_round_trips_imported_customers);
	tcase_add_test(tc, test_export_pages_through_thousands_of_tickets_in_order);
	tcase_add_test(tc, test_turneroctl_import_customers_uses_the_same_rules);
	suite_add_tcase(s, tc);
	/* One process: tests share the admin token and the scenario. */
	return it_run_suite(s);
}
