/* Appointments (SPEC 9) end to end: schedules, bookings, the slot lock, check-in and the order,
 * self-service without a token, nginx's rate limit, the daily restart and the report. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define MEDIA "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"
#define BAJA "0b5e7d2a-5c1e-4f7a-8d3b-000000000003"
#define ALTA "0b5e7d2a-5c1e-4f7a-8d3b-000000000001"

static char token[4096];

static void setup(void)
{
	it_init();
	if (!token[0])
		ck_assert_int_eq(it_admin_login(token, sizeof token), 0);
}

static long long jint(const struct it_response *r, const char *key)
{
	struct json_object *v;
	ck_assert_msg(r->json && json_object_object_get_ex(r->json, key, &v), "no %s in %s", key, r->body);
	return json_object_get_int64(v);
}

static void assert_invalid(const struct it_response *r, const char *field)
{
	it_assert_problem(r, 422);
	char needle[128];
	snprintf(needle, sizeof needle, "\"field\":\"%s\"", field);
	ck_assert_msg(strstr(r->body, needle), "422 does not name %s: %s", field, r->body);
}

/* A queue serving Media and Baja with an all-week schedule of 5-minute slots. */
static void bookable_queue(const char *name, const char *policy, int capacity, int grace, char id[64])
{
	char prefix[8], path[128], body[512];
	ck_assert_int_eq(it_create_queue(token, it_unique(name), policy, "[\"" MEDIA "\",\"" BAJA "\"]", id, prefix), 0);
	snprintf(path, sizeof path, "/api/v1/queues/%s/schedule", id);
	snprintf(body, sizeof body,
		 "{\"slot_minutes\":5,\"capacity\":%d,\"weeks_ahead\":2,\"late_grace_minutes\":%d,\"hours\":["
		 "{\"weekday\":1,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":2,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":3,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":4,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":5,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":6,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":7,\"from\":\"00:00\",\"to\":\"24:00\"}],\"closed_dates\":[]}",
		 capacity, grace);
	struct it_response r;
	ck_assert_int_eq(it_json("PUT", path, token, body, &r), 0);
	ck_assert_msg(r.status == 200, "schedule: %ld %s", r.status, r.body);
	it_response_free(&r);
}

static long book(const char *queue, long long start, const char *priority, const char *dni, char id[64])
{
	char body[512], when[32];
	it_rfc3339(start, when);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"priority_id\":\"%s\","
		 "\"customer\":{\"dni\":\"%s\",\"first_name\":\"Ana\",\"last_name\":\"Paz\"}}",
		 queue, when, priority, dni);
	struct it_response r;
	ck_assert_int_eq(it_json("POST", "/api/v1/appointments", token, body, &r), 0);
	long status = r.status;
	if (id)
		snprintf(id, 64, "%s", status == 201 ? it_str(&r, "id") : "");
	if (status == 201) {
		char want[32];
		it_rfc3339(start, want);
		ck_assert_msg(strncmp(it_str(&r, "start"), want, 19) == 0, "start %s vs %s", it_str(&r, "start"), want);
		ck_assert_str_eq(it_str(&r, "status"), "booked");
	}
	it_response_free(&r);
	return status;
}

static const char *dni(void)
{
	static unsigned n;
	static char buf[8][24];
	char *b = buf[n % 8];
	snprintf(b, 24, "%u%05u", (unsigned)(time(NULL) % 100000), n++ % 100000);
	return b;
}

START_TEST(test_schedule_put_names_every_bad_field)
{
	setup();
	char q[64], prefix[8], path[128];
	ck_assert_int_eq(it_create_queue(token, it_unique("Sched"), "fifo", "[\"" MEDIA "\"]", q, prefix), 0);
	snprintf(path, sizeof path, "/api/v1/queues/%s/schedule", q);
	struct it_response r;
	/* The defaults first: no hours, no bookings. */
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(jint(&r, "slot_minutes"), 15);
	ck_assert(strstr(r.body, "\"hours\":[]") || strstr(r.body, "\"hours\":[ ]"));
	ck_assert_ptr_nonnull(it_str(&r, "timezone"));
	it_response_free(&r);
	static const struct {
		const char *body, *field;
	} bad[] = {
		{"{\"slot_minutes\":4,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0}", "slot_minutes"},
		{"{\"slot_minutes\":241,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0}", "slot_minutes"},
		{"{\"slot_minutes\":5,\"capacity\":0,\"weeks_ahead\":1,\"late_grace_minutes\":0}", "capacity"},
		{"{\"slot_minutes\":5,\"capacity\":101,\"weeks_ahead\":1,\"late_grace_minutes\":0}", "capacity"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":27,\"late_grace_minutes\":0}", "weeks_ahead"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":0,\"late_grace_minutes\":0}", "weeks_ahead"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":121}", "late_grace_minutes"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":-1}", "late_grace_minutes"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,\"hours\":{}}", "hours"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,"
		 "\"hours\":[{\"weekday\":8,\"from\":\"09:00\",\"to\":\"10:00\"}]}", "hours[0].weekday"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,"
		 "\"hours\":[{\"weekday\":1,\"from\":\"25:00\",\"to\":\"10:00\"}]}", "hours[0].from"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,"
		 "\"hours\":[{\"weekday\":1,\"from\":\"09:00\",\"to\":\"9:30\"}]}", "hours[0].to"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,"
		 "\"hours\":[{\"weekday\":1,\"from\":\"10:00\",\"to\":\"09:00\"}]}", "hours[0].to"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,"
		 "\"hours\":[{\"weekday\":1,\"from\":\"09:00\",\"to\":\"11:00\"},"
		 "{\"weekday\":1,\"from\":\"10:00\",\"to\":\"12:00\"}]}", "hours[1]"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,"
		 "\"closed_dates\":[\"2025-12-25\",\"2025-02-31\"]}", "closed_dates[1]"},
		{"{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0,\"timezone\":\"UTC\"}",
		 "timezone"},
		{"{\"capacity\":1,\"weeks_ahead\":1,\"late_grace_minutes\":0}", "slot_minutes"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(it_json("PUT", path, token, bad[i].body, &r), 0);
		assert_invalid(&r, bad[i].field);
		it_response_free(&r);
	}
	/* Nothing of that was stored. */
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_int_eq(jint(&r, "slot_minutes"), 15);
	it_response_free(&r);
	const char *good = "{\"slot_minutes\":20,\"capacity\":2,\"weeks_ahead\":3,\"late_grace_minutes\":5,"
			   "\"hours\":[{\"weekday\":1,\"from\":\"09:00\",\"to\":\"12:10\"}],\"closed_dates\":[\"2030-01-07\"]}";
	ck_assert_int_eq(it_json("PUT", path, token, good, &r), 0);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_int_eq(jint(&r, "slot_minutes"), 20);
	ck_assert_int_eq(jint(&r, "capacity"), 2);
	ck_assert_int_eq(jint(&r, "weeks_ahead"), 3);
	ck_assert_int_eq(jint(&r, "late_grace_minutes"), 5);
	ck_assert(strstr(r.body, "\"from\":\"09:00\"") && strstr(r.body, "\"to\":\"12:10\""));
	ck_assert(strstr(r.body, "\"2030-01-07\""));
	it_response_free(&r);
	ck_assert_int_eq(it_json("GET", "/api/v1/queues/6f1c0a3e-0a51-4c55-9a0e-0000000000ff/schedule", token, NULL, &r), 0);
	it_assert_problem(&r, 404);
	it_response_free(&r);
}
END_TEST

START_TEST(test_booking_validation_and_cancel_rules)
{
	setup();
	char q[64], id[64], body[512], when[32];
	bookable_queue("Book", "fifo", 1, 10, q);
	long long slot = it_future_slot(0);
	struct it_response r;
	/* Not on the grid, in the past, beyond weeks_ahead: 422 naming start. */
	long long starts[] = {slot + 60, slot - 3600, slot + 15 * 86400LL};
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(book(q, starts[i], MEDIA, dni(), NULL), 422);
	it_rfc3339(slot, when);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\",\"start\":\"yesterday\",\"priority_id\":\"%s\",\"customer_id\":\"%s\"}",
		 q, MEDIA, q);
	ck_assert_int_eq(it_json("POST", "/api/v1/appointments", token, body, &r), 0);
	assert_invalid(&r, "start");
	it_response_free(&r);
	/* A priority the queue does not serve; an unknown queue; both or neither customer forms. */
	ck_assert_int_eq(book(q, slot, ALTA, dni(), NULL), 422);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"6f1c0a3e-0a51-4c55-9a0e-0000000000ff\",\"start\":\"%s\",\"priority_id\":\"%s\","
		 "\"customer\":{\"first_name\":\"A\",\"last_name\":\"B\"}}", when, MEDIA);
	ck_assert_int_eq(it_json("POST", "/api/v1/appointments", token, body, &r), 0);
	assert_invalid(&r, "queue_id");
	it_response_free(&r);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\",\"start\":\"%s\",\"priority_id\":\"%s\"}", q, when, MEDIA);
	ck_assert_int_eq(it_json("POST", "/api/v1/appointments", token, body, &r), 0);
	assert_invalid(&r, "customer_id");
	it_response_free(&r);
	/* Refused bookings wrote nothing. */
	char count[256];
	snprintf(count, sizeof count, "SELECT COUNT(*) FROM appointments WHERE queue_id = '%s'", q);
	ck_assert_int_eq(it_sql_number(count), 0);

	/* A good one, in another offset: the same instant. */
	ck_assert_int_eq(book(q, slot, MEDIA, dni(), id), 201);
	ck_assert_int_eq(book(q, slot, MEDIA, dni(), NULL), 409); /* capacity 1 */
	char path[160];
	snprintf(path, sizeof path, "/api/v1/appointments/%s", id);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "queue_id"), q);
	ck_assert_str_eq(it_str(&r, "priority_id"), MEDIA);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/appointments/%s/cancel", id);
	ck_assert_int_eq(it_json("POST", path, token, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "status"), "cancelled");
	it_response_free(&r);
	ck_assert_int_eq(it_json("POST", path, token, NULL, &r), 0);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	/* The cancelled place is free again. */
	ck_assert_int_eq(book(q, slot, MEDIA, dni(), NULL), 201);
	char list[256];
	snprintf(list, sizeof list, "/api/v1/appointments?queue_id=%s&status=cancelled", q);
	ck_assert_int_eq(it_json("GET", list, token, NULL, &r), 0);
	ck_assert_int_eq(jint(&r, "total"), 1);
	it_response_free(&r);
	ck_assert_int_eq(it_json("GET", "/api/v1/appointments?status=late", token, NULL, &r), 0);
	assert_invalid(&r, "status");
	it_response_free(&r);
}
END_TEST

struct racer {
	const char *queue;
	long long start;
	int n;
	long status;
};

static void *race(void *cls)
{
	struct racer *r = cls;
	char body[512], when[32], d[24];
	it_rfc3339(r->start, when);
	snprintf(d, sizeof d, "R%lld%02d", (long long)(time(NULL) % 1000000), r->n);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"priority_id\":\"" MEDIA "\","
		 "\"customer\":{\"dni\":\"%s\",\"first_name\":\"Racer\",\"last_name\":\"Number\"}}",
		 r->queue, when, d);
	struct it_response resp;
	r->status = it_json("POST", "/api/v1/appointments", token, body, &resp) == 0 ? resp.status : 0;
	it_response_free(&resp);
	return NULL;
}

START_TEST(test_sixteen_concurrent_bookings_fill_exactly_the_capacity)
{
	setup();
	char q[64];
	bookable_queue("Race", "fifo", 3, 10, q);
	enum { N = 16 };
	struct racer racers[N];
	pthread_t th[N];
	long long slot = it_future_slot(1);
	for (int i = 0; i < N; i++) {
		racers[i] = (struct racer){q, slot, i, 0};
		ck_assert_int_eq(pthread_create(&th[i], NULL, race, &racers[i]), 0);
	}
	int created = 0, full = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		created += racers[i].status == 201;
		full += racers[i].status == 409;
	}
	ck_assert_int_eq(created, 3);
	ck_assert_int_eq(full, 13);
	char query[256];
	snprintf(query, sizeof query, "SELECT COUNT(*) FROM appointments WHERE queue_id = '%s'", q);
	ck_assert_int_eq(it_sql_number(query), 3);
}
END_TEST

static void walk_in(const char *queue, char id[64])
{
	char body[512];
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"" MEDIA "\",\"queue_id\":\"%s\",\"customer\":{\"dni\":\"%s\",\"first_name\":\"W\","
		 "\"last_name\":\"K\"}}", queue, dni());
	struct it_response r;
	ck_assert_int_eq(it_json("POST", "/api/v1/tickets", token, body, &r), 0);
	ck_assert_msg(r.status == 201, "walk-in: %ld %s", r.status, r.body);
	snprintf(id, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

static void call_next_expect(const char *queue, const char *want)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue);
	struct it_response r;
	ck_assert_int_eq(it_json("POST", path, token, NULL, &r), 0);
	ck_assert_msg(r.status == 200, "call-next: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "id"), want);
	it_response_free(&r);
}

/* Moves an appointment's slot to `minutes_ago` minutes before now, today. */
/* The appointment's slot becomes one that began MINUTES_AGO; it stays on today's service
 * day (the day rule has its own test), so the grace tests pass just after midnight too. */
static void move_slot(const char *appt, int minutes_ago)
{
	char stmt[768];
	snprintf(stmt, sizeof stmt,
		 "SET @s = UTC_TIMESTAMP() - INTERVAL %d MINUTE; INSERT IGNORE INTO appointment_slots (queue_id, start)"
		 " SELECT queue_id, @s FROM appointments WHERE id = '%s'; UPDATE appointments SET start = @s,"
		 " end = @s + INTERVAL 5 MINUTE, service_date = UTC_DATE() WHERE id = '%s'", minutes_ago, appt, appt);
	it_sql(stmt);
}

static long check_in(const char *appt, struct it_response *r)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/appointments/%s/check-in", appt);
	ck_assert_int_eq(it_json("POST", path, token, NULL, r), 0);
	return r->status;
}

START_TEST(test_check_in_within_grace_counts_from_the_slot_start)
{
	setup();
	char q[64], appt[64], early[64], late[64];
	bookable_queue("Order", "fifo", 2, 10, q);
	ck_assert_int_eq(book(q, it_future_slot(0), MEDIA, dni(), appt), 201);
	walk_in(q, early);
	walk_in(q, late);
	char stmt[512];
	/* The walk-ins arrived 8 and 2 minutes ago; the slot started 5 minutes ago. */
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET created_date = UTC_TIMESTAMP(3) - INTERVAL 8 MINUTE, due_date = created_date"
		 " WHERE id = '%s'", early);
	it_sql(stmt);
	snprintf(stmt, sizeof stmt,
		 "UPDATE tickets SET created_date = UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, due_date = created_date"
		 " WHERE id = '%s'", late);
	it_sql(stmt);
	move_slot(appt, 5);
	struct it_response r;
	ck_assert_int_eq(check_in(appt, &r), 201);
	char ticket[64], due[32];
	snprintf(ticket, sizeof ticket, "%s", it_str(&r, "id"));
	snprintf(due, sizeof due, "%s", it_str(&r, "due_date"));
	ck_assert_str_eq(it_str(&r, "queue_id"), q);
	ck_assert_str_eq(it_str(&r, "status"), "waiting");
	ck_assert_int_eq(jint(&r, "position"), 2);
	ck_assert_str_ne(due, it_str(&r, "created_date"));
	it_response_free(&r);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/appointments/%s", appt);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_str_eq(it_str(&r, "status"), "checked_in");
	ck_assert_str_eq(it_str(&r, "ticket_id"), ticket);
	ck_assert_str_eq(it_str(&r, "start"), due); /* due_date = the slot start */
	it_response_free(&r);
	/* Behind the walk-in who came before the slot start, ahead of the one after it. */
	call_next_expect(q, early);
	call_next_expect(q, ticket);
	call_next_expect(q, late);
	/* Checked in already: 409. */
	ck_assert_int_eq(check_in(appt, &r), 409);
	it_assert_problem(&r, 409);
	it_response_free(&r);
}
END_TEST

START_TEST(test_check_in_after_grace_counts_from_the_check_in)
{
	setup();
	char q[64], appt[64];
	bookable_queue("Late", "priority", 2, 10, q);
	ck_assert_int_eq(book(q, it_future_slot(0), MEDIA, dni(), appt), 201);
	move_slot(appt, 30);
	struct it_response r;
	ck_assert_int_eq(check_in(appt, &r), 201);
	ck_assert_str_eq(it_str(&r, "due_date"), it_str(&r, "created_date"));
	it_response_free(&r);

	/* Only booked appointments of today: another day's, or a cancelled one, answer 409. */
	char other[64], stmt[512], path[160];
	ck_assert_int_eq(book(q, it_future_slot(0), MEDIA, dni(), other), 201);
	snprintf(stmt, sizeof stmt, "UPDATE appointments SET service_date = UTC_DATE() + INTERVAL 1 DAY WHERE id = '%s'",
		 other);
	it_sql(stmt);
	ck_assert_int_eq(check_in(other, &r), 409);
	it_response_free(&r);
	move_slot(other, 1);
	snprintf(path, sizeof path, "/api/v1/appointments/%s/cancel", other);
	ck_assert_int_eq(it_json("POST", path, token, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
	ck_assert_int_eq(check_in(other, &r), 409);
	it_response_free(&r);
	snprintf(stmt, sizeof stmt, "SELECT COUNT(*) FROM tickets WHERE queue_id = '%s'", q);
	ck_assert_int_eq(it_sql_number(stmt), 1);
	ck_assert_int_eq(check_in("6f1c0a3e-0a51-4c55-9a0e-0000000000ff", &r), 404);
	it_response_free(&r);
}
END_TEST

START_TEST(test_public_self_service_without_a_token)
{
	setup();
	char q[64], body[768], when[32], path[256];
	bookable_queue("Public", "fifo", 2, 10, q);
	/* nginx allows 5 public requests a second per address (burst 20), and the programs before
	 * this one (it_hostile walks every route) come from 127.0.0.1 too: let that allowance refill. */
	it_sleep_ms(4500);
	struct it_response r;
	ck_assert_int_eq(it_json("GET", "/api/v1/public/queues", NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, q), "%s", r.body);
	it_response_free(&r);

	long long slot = it_future_slot(2);
	char day[16];
	it_rfc3339(slot, when);
	snprintf(day, sizeof day, "%.10s", when);
	snprintf(path, sizeof path, "/api/v1/public/queues/%s/availability?from=%s&to=%s", q, day, day);
	ck_assert_int_eq(it_json("GET", path, NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	char *cc = it_header(&r, "Cache-Control");
	ck_assert_ptr_nonnull(cc);
	ck_assert_str_eq(cc, "public, max-age=5");
	free(cc);
	char want[96];
	snprintf(want, sizeof want, "{\"start\":\"%.19s.000Z\"", when);
	ck_assert_msg(strstr(r.body, want), "no slot %s in %s", want, r.body);
	ck_assert_msg(strstr(strstr(r.body, want), "\"free\":2"), "%s", r.body);
	ck_assert_str_eq(it_str(&r, "queue_id"), q);
	char zone[64];
	ck_assert_ptr_nonnull(it_str(&r, "timezone"));
	snprintf(zone, sizeof zone, "%s", it_str(&r, "timezone"));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/public/queues/%s/availability?from=2030-01-01&to=2030-02-01", q);
	ck_assert_int_eq(it_json("GET", path, NULL, NULL, &r), 0);
	assert_invalid(&r, "to");
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/public/queues/%s/availability?from=2030-02-30&to=2030-03-01", q);
	ck_assert_int_eq(it_json("GET", path, NULL, NULL, &r), 0);
	assert_invalid(&r, "from");
	it_response_free(&r);

	/* No contact at all: 422 naming customer. */
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"customer\":{\"first_name\":\"Eva\",\"last_name\":\"Sol\"}}", q,
		 when);
	ck_assert_int_eq(it_json("POST", "/api/v1/public/appointments", NULL, body, &r), 0);
	assert_invalid(&r, "customer");
	it_response_free(&r);
	const char *mail = it_unique("eva");
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"customer\":{\"first_name\":\"Eva\",\"last_name\":\"Sol\","
		 "\"email\":\"%s@example.org\"}}", q, when, mail);
	ck_assert_int_eq(it_json("POST", "/api/v1/public/appointments", NULL, body, &r), 0);
	ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
	char id[64];
	snprintf(id, sizeof id, "%s", it_str(&r, "id"));
	ck_assert_str_eq(it_str(&r, "queue_id"), q);
	ck_assert_str_eq(it_str(&r, "status"), "booked");
	/* id, queue_id, queue_name, start, end, status and the queue's timezone (the zone the
	 * availability names), in which the booking page shows the start */
	ck_assert_int_eq(json_object_object_length(r.json), 7);
	ck_assert_str_eq(it_str(&r, "timezone"), zone);
	ck_assert_ptr_nonnull(it_str(&r, "queue_name"));
	it_response_free(&r);
	/* The least urgent priority the queue serves. */
	snprintf(path, sizeof path, "SELECT COUNT(*) FROM appointments WHERE id = '%s' AND priority_id = '" BAJA "'", id);
	ck_assert_int_eq(it_sql_number(path), 1);
	/* The same email again that day, even in another slot: 409. The other slot is the
	 * next one, or the one before when the next one starts the following (UTC) day. */
	long long other = (slot + 300) % 86400 == 0 ? slot - 300 : slot + 300;
	it_rfc3339(other, when);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"customer\":{\"first_name\":\"Eve\",\"last_name\":\"Other\","
		 "\"email\":\"%s@example.org\"}}", q, when, mail);
	ck_assert_int_eq(it_json("POST", "/api/v1/public/appointments", NULL, body, &r), 0);
	it_assert_problem(&r, 409);
	ck_assert_ptr_null(strstr(r.body, "Eva"));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/public/appointments/%s", id);
	ck_assert_int_eq(it_json("GET", path, NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(strstr(r.body, "Eva"));
	ck_assert_str_eq(it_str(&r, "timezone"), zone);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/public/appointments/%s/cancel", id);
	ck_assert_int_eq(it_json("POST", path, NULL, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "status"), "cancelled");
	it_response_free(&r);
	ck_assert_int_eq(it_json("POST", path, NULL, NULL, &r), 0);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	/* Cancelled, it no longer blocks that person. */
	ck_assert_int_eq(it_json("POST", "/api/v1/public/appointments", NULL, body, &r), 0);
	ck_assert_int_eq(r.status, 201);
	it_response_free(&r);
}
END_TEST

static size_t discard(char *p, size_t size, size_t n, void *cls)
{
	(void)p;
	(void)cls;
	return size * n;
}

START_TEST(test_a_flood_from_one_address_gets_429_from_nginx)
{
	setup();
	/* From 127.0.0.2, so the other programs' public requests keep their own allowance. */
	char url[512];
	snprintf(url, sizeof url, "%s/api/v1/public/queues", getenv("TURNERO_TEST_URL"));
	int limited = 0, ok = 0;
	CURL *c = curl_easy_init();
	ck_assert_ptr_nonnull(c);
	for (int i = 0; i < 60; i++) {
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_INTERFACE, "host!127.0.0.2");
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
		ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
		long status = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		limited += status == 429;
		ok += status == 200;
	}
	curl_easy_cleanup(c);
	ck_assert_int_ge(ok, 1);
	ck_assert_int_ge(limited, 1);
}
END_TEST

START_TEST(test_restart_marks_earlier_booked_no_show_and_report_counts)
{
	setup();
	char q[64], booked[64], shown[64], gone[64], cancelled[64], stmt[512];
	bookable_queue("Report", "fifo", 5, 10, q);
	long long slot = it_future_slot(0);
	ck_assert_int_eq(book(q, slot, MEDIA, dni(), booked), 201);
	ck_assert_int_eq(book(q, slot, MEDIA, dni(), shown), 201);
	ck_assert_int_eq(book(q, slot, MEDIA, dni(), gone), 201);
	ck_assert_int_eq(book(q, slot, MEDIA, dni(), cancelled), 201);
	struct it_response r;
	char path[256];
	snprintf(path, sizeof path, "/api/v1/appointments/%s/cancel", cancelled);
	ck_assert_int_eq(it_json("POST", path, token, NULL, &r), 0);
	it_response_free(&r);
	move_slot(shown, 3);
	ck_assert_int_eq(check_in(shown, &r), 201);
	it_response_free(&r);
	/* gone was yesterday's and nobody came. */
	snprintf(stmt, sizeof stmt,
		 "INSERT IGNORE INTO appointment_slots (queue_id, start) SELECT queue_id, start - INTERVAL 1 DAY"
		 " FROM appointments WHERE id = '%s'; UPDATE appointments SET start = start - INTERVAL 1 DAY,"
		 " end = end - INTERVAL 1 DAY, service_date = UTC_DATE() - INTERVAL 1 DAY WHERE id = '%s'", gone, gone);
	it_sql(stmt);
	char cmd[2048], line[1024];
	for (int run = 0; run < 2; run++) {
		snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' schedule-restart", getenv("TURNERO_BUILD_DIR"),
			 it_state_path("turnero.conf"));
		FILE *f = popen(cmd, "r");
		ck_assert_ptr_nonnull(f);
		long long marked = -1;
		while (fgets(line, sizeof line, f)) {
			const char *p = strstr(line, "marked ");
			if (p)
				ck_assert_int_eq(sscanf(p, "marked %lld", &marked), 1);
		}
		ck_assert_int_eq(pclose(f), 0);
		if (run == 0)
			ck_assert_int_ge(marked, 1);
		else
			ck_assert_int_eq(marked, 0); /* idempotent */
	}
	snprintf(path, sizeof path, "/api/v1/appointments/%s", gone);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_str_eq(it_str(&r, "status"), "no_show");
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/appointments/%s", booked);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_str_eq(it_str(&r, "status"), "booked");
	it_response_free(&r);

	/* The report over the days around: one of each; on time = 1 of the 2 that were due. */
	time_t now = time(NULL) - 2 * 86400;
	char from[16], to[16];
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(from, sizeof from, "%Y-%m-%d", &tm);
	now += 4 * 86400;
	gmtime_r(&now, &tm);
	strftime(to, sizeof to, "%Y-%m-%d", &tm);
	snprintf(path, sizeof path, "/api/v1/reports/appointments?from=%s&to=%s", from, to);
	ck_assert_int_eq(it_json("GET", path, token, NULL, &r), 0);
	ck_assert_int_eq(r.status, 200);
	const char *row = strstr(r.body, q);
	ck_assert_msg(row, "%s", r.body);
	ck_assert_msg(strstr(row, "\"booked\":1,\"checked_in\":1,\"cancelled\":1,\"no_show\":1,\"on_time_pct\":50"),
		      "%s", row);
	it_response_free(&r);
	ck_assert_int_eq(it_json("GET", "/api/v1/reports/appointments?from=2025-02-31", token, NULL, &r), 0);
	assert_invalid(&r, "from");
	it_response_free(&r);
}
END_TEST

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	Suite *s = suite_create("appointments");
	TCase *tc = tcase_create("appointments");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_schedule_put_names_every_bad_field);
	tcase_add_test(tc, test_booking_validation_and_cancel_rules);
	tcase_add_test(tc, test_sixteen_concurrent_bookings_fill_exactly_the_capacity);
	tcase_add_test(tc, test_check_in_within_grace_counts_from_the_slot_start);
	tcase_add_test(tc, test_check_in_after_grace_counts_from_the_check_in);
	tcase_add_test(tc, test_public_self_service_without_a_token);
	tcase_add_test(tc, test_a_flood_from_one_address_gets_429_from_nginx);
	tcase_add_test(tc, test_restart_marks_earlier_booked_no_show_and_report_counts);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
