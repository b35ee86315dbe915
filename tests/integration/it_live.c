/*
 * Live updates and the event log (SPEC 10) through the real stack: nginx with nchan,
 * the workers answering the authorization subrequests, and turnero-relay publishing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"
#include "live_client.h"

#define ALTA "0b5e7d2a-5c1e-4f7a-8d3b-000000000001"
#define BAJA "0b5e7d2a-5c1e-4f7a-8d3b-000000000003"
#define DISPLAY_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000005"
#define MISSING_ID "00000000-0000-4000-8000-000000000000"
#define WAIT_MS 8000 /* generous: a message normally arrives well within a second */

static char admin_token[4096];
static char display_token[4096];

/* The highest seq in the log right now (pages through GET /events). */
static long long last_seq(void)
{
	long long after = 0;
	for (;;) {
		char path[96];
		struct it_response r;
		snprintf(path, sizeof path, "/api/v1/events?after=%lld&limit=500", after);
		it_json("GET", path, admin_token, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		long long next = it_obj_int(r.json, "next_after");
		struct json_object *items;
		ck_assert(json_object_object_get_ex(r.json, "items", &items));
		size_t n = json_object_array_length(items);
		it_response_free(&r);
		if (n == 0 || next == after)
			return after;
		after = next;
	}
}

START_TEST(test_events_log_pages_oldest_first)
{
	char queue[64], t1[64], t2[64];
	long long before = last_seq();
	it_new_queue(admin_token, "live-log", queue);
	it_new_ticket(admin_token, queue, t1);
	it_new_ticket(admin_token, queue, t2);
	it_call_next(admin_token, queue);

	char path[96];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/events?after=%lld&limit=2", before);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	struct json_object *items;
	ck_assert(json_object_object_get_ex(r.json, "items", &items));
	ck_assert_int_eq(json_object_array_length(items), 2);
	struct json_object *first = json_object_array_get_idx(items, 0), *second = json_object_array_get_idx(items, 1);
	long long s1 = it_obj_int(first, "seq"), s2 = it_obj_int(second, "seq");
	ck_assert_int_gt(s1, before);
	ck_assert_int_gt(s2, s1);
	ck_assert_int_eq(it_obj_int(r.json, "next_after"), s2);
	/* Every field of the contract is there, absent values as null. */
	static const char *const fields[] = {"seq", "ticket_id", "event", "from_queue_id", "to_queue_id", "desk_id",
					     "user_id", "reason", "at", NULL};
	for (int i = 0; fields[i]; i++)
		ck_assert_msg(json_object_object_get_ex(first, fields[i], NULL), "event has %s", fields[i]);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(first, "event")), "created");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(first, "ticket_id")), t1);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(first, "to_queue_id")), queue);
	ck_assert_ptr_null(json_object_object_get(first, "desk_id"));
	it_response_free(&r);

	/* The next page starts after next_after: t2 created, then t1 called. */
	snprintf(path, sizeof path, "/api/v1/events?after=%lld&limit=500", s2);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_object_object_get_ex(r.json, "items", &items));
	ck_assert_int_ge(json_object_array_length(items), 1);
	struct json_object *third = json_object_array_get_idx(items, 0);
	ck_assert_int_gt(it_obj_int(third, "seq"), s2);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(third, "event")), "called");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(third, "ticket_id")), t1);
	it_response_free(&r);

	/* Past the end: empty, and next_after stays where it was. */
	snprintf(path, sizeof path, "/api/v1/events?after=%lld", last_seq() + 1000);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(json_object_object_get_ex(r.json, "items", &items));
	ck_assert_int_eq(json_object_array_length(items), 0);
	it_response_free(&r);
}
END_TEST

START_TEST(test_events_validation_and_permission)
{
	static const struct {
		const char *query, *field;
	} bad[] = {
		{"after=-1", "after"}, {"after=abc", "after"}, {"after=1.5", "after"}, {"limit=0", "limit"},
		{"limit=501", "limit"}, {"limit=x", "limit"}, {"offset=3", "offset"}, {"after=1&after=2", "after"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[128], needle[64];
		struct it_response r;
		snprintf(path, sizeof path, "/api/v1/events?%s", bad[i].query);
		it_json("GET", path, admin_token, NULL, &r);
		it_assert_problem(&r, 422);
		snprintf(needle, sizeof needle, "\"field\":\"%s\"", bad[i].field);
		ck_assert_msg(strstr(r.body, needle), "%s: 422 names %s: %s", bad[i].query, bad[i].field, r.body);
		it_response_free(&r);
	}
	struct it_response r;
	it_json("GET", "/api/v1/events", NULL, NULL, &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);
	it_json("GET", "/api/v1/events", display_token, NULL, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
}
END_TEST

/* Asserts the stream at path answers status with a problem+json body. */
static void assert_stream_refused(const char *path, const char *token, long status)
{
	struct sse s;
	sse_open(&s, path, token, NULL);
	ck_assert_msg(sse_status(&s) == status, "%s: expected %ld, got %ld", path, status, sse_status(&s));
	ck_assert_msg(sse_wait(&s, 0, "\"status\":", 5000), "%s: a problem body: %s", path, s.buf);
	char needle[32];
	snprintf(needle, sizeof needle, "\"status\":%ld", status);
	ck_assert_msg(strstr(s.buf, needle), "%s: problem with status %ld: %s", path, status, s.buf);
	ck_assert_msg(strcasestr(s.head, "content-type: application/problem+json"), "%s: problem+json: %s", path,
		      s.head);
	if (status == 401)
		ck_assert_msg(strcasestr(s.head, "www-authenticate: Bearer"), "401 carries WWW-Authenticate: %s", s.head);
	sse_close(&s);
}

START_TEST(test_stream_authorization)
{
	char queue[64], ticket[64], path[160];
	it_new_queue(admin_token, "live-auth", queue);
	it_new_ticket(admin_token, queue, ticket);

	assert_stream_refused("/api/v1/live/board", NULL, 401);
	assert_stream_refused("/api/v1/live/board", "not.a.token", 401);
	snprintf(path, sizeof path, "/api/v1/live/queues/%s", queue);
	assert_stream_refused(path, NULL, 401);
	/* display holds queues:read only: the board yes, a queue's tickets no. */
	assert_stream_refused(path, display_token, 403);
	assert_stream_refused("/api/v1/live/queues/" MISSING_ID, admin_token, 404);
	assert_stream_refused("/api/v1/live/queues/not-a-uuid", admin_token, 404);
	assert_stream_refused("/api/v1/public/live/tickets/" MISSING_ID, NULL, 404);

	struct sse s;
	sse_open(&s, "/api/v1/live/board", display_token, NULL);
	ck_assert_int_eq(sse_status(&s), 200);
	ck_assert_msg(strcasestr(s.head, "content-type: text/event-stream"), "SSE content type: %s", s.head);
	sse_close(&s);
	sse_open(&s, path, admin_token, NULL);
	ck_assert_int_eq(sse_status(&s), 200);
	sse_close(&s);
	/* Only the site's own origin may read a stream from a browser; nchan would allow any. */
	sse_extra_header = "Origin: https://elsewhere.example";
	sse_open(&s, "/api/v1/live/board", admin_token, NULL);
	sse_extra_header = NULL;
	ck_assert_int_eq(sse_status(&s), 403);
	ck_assert_msg(!strstr(s.buf, "event:"), "no stream for another origin: %s", s.buf);
	sse_close(&s);
	char origin[300];
	snprintf(origin, sizeof origin, "Origin: %s", getenv("TURNERO_TEST_URL"));
	sse_extra_header = origin;
	sse_open(&s, "/api/v1/live/board", admin_token, NULL);
	sse_extra_header = NULL;
	ck_assert_int_eq(sse_status(&s), 200);
	sse_close(&s);
	/* The public stream needs no token: the random id is the capability. */
	snprintf(path, sizeof path, "/api/v1/public/live/tickets/%s", ticket);
	sse_open(&s, path, NULL, NULL);
	ck_assert_int_eq(sse_status(&s), 200);
	sse_close(&s);
}
END_TEST

START_TEST(test_queue_and_board_messages_after_call_next)
{
	char queue[64], ticket[64], path[160], needle[200];
	it_new_queue(admin_token, "live-msg", queue);
	snprintf(path, sizeof path, "/api/v1/live/queues/%s", queue);
	struct sse q, b;
	sse_open(&q, path, admin_token, NULL);
	ck_assert_int_eq(sse_status(&q), 200);
	sse_open(&b, "/api/v1/live/board", admin_token, NULL);
	ck_assert_int_eq(sse_status(&b), 200);
	size_t board_from = b.len;

	it_new_ticket(admin_token, queue, ticket);
	snprintf(needle, sizeof needle, "\"event\":\"created\",\"ticket\":{\"id\":\"%s\"", ticket);
	ck_assert_msg(sse_wait(&q, 0, needle, WAIT_MS), "created message on the queue stream: %s", q.buf);
	ck_assert_msg(strstr(q.buf, "event: ticket\n"), "SSE event name ticket: %s", q.buf);
	ck_assert_msg(strstr(q.buf, "\"status\":\"waiting\",\"position\":1"), "ticket as GET shows it: %s", q.buf);
	ck_assert_msg(strstr(q.buf, "\nid: "), "messages carry an id: %s", q.buf);
	size_t from = q.len;
	it_call_next(admin_token, queue);
	snprintf(needle, sizeof needle, "\"event\":\"called\",\"ticket\":{\"id\":\"%s\"", ticket);
	ck_assert_msg(sse_wait(&q, from, needle, WAIT_MS), "called message: %s", q.buf + from);
	ck_assert_msg(strstr(q.buf + from, "\"status\":\"called\""), "ticket after the change: %s", q.buf + from);

	/* The board shows the queue serving that ticket's code. */
	snprintf(needle, sizeof needle, "\"queue_id\":\"%s\"", queue);
	ck_assert_msg(sse_wait(&b, board_from, needle, WAIT_MS), "board message names the queue: %s", b.buf);
	snprintf(needle, sizeof needle, "\"serving\":{\"ticket_id\":\"%s\"", ticket);
	ck_assert_msg(sse_wait(&b, board_from, needle, WAIT_MS), "board shows the called ticket: %s", b.buf + board_from);
	ck_assert_msg(strstr(b.buf, "event: board\n"), "SSE event name board: %s", b.buf);
	sse_close(&q);
	sse_close(&b);

	/* A new subscriber's first message is the latest one published on the stream. */
	sse_open(&q, path, admin_token, NULL);
	snprintf(needle, sizeof needle, "\"event\":\"called\",\"ticket\":{\"id\":\"%s\"", ticket);
	ck_assert_msg(sse_wait(&q, 0, needle, WAIT_MS), "first message = latest: %s", q.buf);
	ck_assert_msg(!strstr(q.buf, "\"event\":\"created\""), "only the latest, not the history: %s", q.buf);
	sse_close(&q);
}
END_TEST

START_TEST(test_public_stream_follows_status_and_position)
{
	char queue[64], t1[64], t2[64], path[160], needle[200];
	it_new_queue(admin_token, "live-pub", queue);
	it_new_ticket(admin_token, queue, t1);
	it_new_ticket(admin_token, queue, t2);
	snprintf(path, sizeof path, "/api/v1/public/live/tickets/%s", t2);
	struct sse s;
	sse_open(&s, path, NULL, NULL);
	ck_assert_int_eq(sse_status(&s), 200);
	/* Latest published view: second in line. */
	snprintf(needle, sizeof needle, "{\"id\":\"%s\"", t2);
	ck_assert_msg(sse_wait(&s, 0, "\"position\":2", WAIT_MS), "public view, position 2: %s", s.buf);
	ck_assert_msg(strstr(s.buf, needle), "the ticket's own view: %s", s.buf);
	ck_assert_msg(!strstr(s.buf, "customer"), "nothing about the customer: %s", s.buf);
	size_t from = s.len;
	it_call_next(admin_token, queue); /* t1 called: t2 moves to position 1 */
	ck_assert_msg(sse_wait(&s, from, "\"position\":1", WAIT_MS), "moved up: %s", s.buf + from);
	ck_assert_msg(strstr(s.buf + from, "\"status\":\"waiting\""), "still waiting: %s", s.buf + from);
	from = s.len;
	it_call_next(admin_token, queue); /* t1 served, t2 called */
	ck_assert_msg(sse_wait(&s, from, "\"status\":\"called\"", WAIT_MS), "called: %s", s.buf + from);
	ck_assert_msg(strstr(s.buf, "event: ticket\n"), "SSE event name ticket: %s", s.buf);
	sse_close(&s);
}
END_TEST

/* The position GET /public/tickets/{id} gives now. */
static long long rest_position(const char *ticket)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/public/tickets/%s", ticket);
	it_json("GET", path, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "public ticket: %ld %s", r.status, r.body);
	long long p = it_obj_int(r.json, "position");
	it_response_free(&r);
	return p;
}

/*
 * The relay works out a queue's public views from one sort of the queue: the positions it
 * streams are those of the call order (priority first here, not arrival), the same as the
 * REST view's, before and after a call.
 */
START_TEST(test_public_positions_follow_the_call_order)
{
	char queue[64], prefix[4], path[160], needle[64];
	ck_assert_int_eq(it_create_queue(admin_token, it_unique("live-order"), "priority",
					 "[\"" ALTA "\",\"" IT_MEDIA_PRIORITY "\",\"" BAJA "\"]", queue, prefix),
			 0);
	const char *prios[3] = {BAJA, IT_MEDIA_PRIORITY, ALTA}; /* arrival order: the reverse of the call order */
	const long long expected[3] = {3, 2, 1};
	char t[3][64];
	struct sse s[3];
	for (int i = 0; i < 3; i++)
		it_new_ticket_of(admin_token, queue, prios[i], t[i]);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(rest_position(t[i]), expected[i]);
		snprintf(path, sizeof path, "/api/v1/public/live/tickets/%s", t[i]);
		sse_open(&s[i], path, NULL, NULL);
		ck_assert_int_eq(sse_status(&s[i]), 200);
		snprintf(needle, sizeof needle, "\"position\":%lld,", expected[i]);
		ck_assert_msg(sse_wait(&s[i], 0, needle, WAIT_MS), "ticket %d streams %s: %s", i, needle, s[i].buf);
	}
	size_t from[3] = {s[0].len, s[1].len, 0};
	it_call_next(admin_token, queue); /* Alta called: Media is first, Baja second */
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(rest_position(t[i]), expected[i] - 1);
		snprintf(needle, sizeof needle, "\"position\":%lld,", expected[i] - 1);
		ck_assert_msg(sse_wait(&s[i], from[i], needle, WAIT_MS), "ticket %d moves to %s: %s", i, needle,
			      s[i].buf + from[i]);
	}
	ck_assert_msg(sse_wait(&s[2], 0, "\"status\":\"called\"", WAIT_MS), "Alta called: %s", s[2].buf);
	for (int i = 0; i < 3; i++)
		sse_close(&s[i]);
}
END_TEST

/* The seq of the ticket's message in a queue stream's text, or 0. */
static long long seq_of(const char *text, const char *ticket)
{
	char needle[128];
	snprintf(needle, sizeof needle, "\"ticket\":{\"id\":\"%s\"", ticket);
	const char *hit = strstr(text, needle);
	if (!hit)
		return 0;
	const char *line = hit;
	while (line > text && line[-1] != '\n')
		line--;
	const char *seq = strstr(line, "{\"seq\":");
	return seq && seq < hit ? strtoll(seq + 7, NULL, 10) : 0;
}

START_TEST(test_resume_with_last_event_id)
{
	char queue[64], t1[64], t2[64], t3[64], t4[64], path[160], needle[200], id1[128], id2[128];
	it_new_queue(admin_token, "live-resume", queue);
	snprintf(path, sizeof path, "/api/v1/live/queues/%s", queue);
	struct sse s;
	sse_open(&s, path, admin_token, NULL);
	it_new_ticket(admin_token, queue, t1);
	snprintf(needle, sizeof needle, "\"ticket\":{\"id\":\"%s\"", t1);
	ck_assert_msg(sse_wait(&s, 0, needle, WAIT_MS), "first message: %s", s.buf);
	ck_assert_msg(sse_id_of(&s, 0, needle, id1, sizeof id1), "the message has an id: %s", s.buf);
	sse_close(&s);

	/* One change while disconnected: the resumed stream starts with it, not with t1 again. */
	it_new_ticket(admin_token, queue, t2);
	it_sleep_ms(300);
	sse_open(&s, path, admin_token, id1);
	ck_assert_int_eq(sse_status(&s), 200);
	snprintf(needle, sizeof needle, "\"ticket\":{\"id\":\"%s\"", t2);
	ck_assert_msg(sse_wait(&s, 0, needle, WAIT_MS), "resumed with t2: %s", s.buf);
	ck_assert_msg(!strstr(s.buf, t1), "not the message already seen: %s", s.buf);
	ck_assert_msg(sse_id_of(&s, 0, needle, id2, sizeof id2), "t2 has an id: %s", s.buf);
	long long seq2 = seq_of(s.buf, t2);
	ck_assert_int_gt(seq2, 0);
	sse_close(&s);

	/*
	 * Two changes while disconnected: nginx holds the latest message of a stream, so the
	 * client gets t4, sees the gap in seq and finds t3 in the event log.
	 */
	it_new_ticket(admin_token, queue, t3);
	it_new_ticket(admin_token, queue, t4);
	it_sleep_ms(300);
	sse_open(&s, path, admin_token, id2);
	snprintf(needle, sizeof needle, "\"ticket\":{\"id\":\"%s\"", t4);
	ck_assert_msg(sse_wait(&s, 0, needle, WAIT_MS), "resumed with the latest, t4: %s", s.buf);
	ck_assert_msg(!strstr(s.buf, t2), "not t2 again: %s", s.buf);
	long long seq4 = seq_of(s.buf, t4);
	ck_assert_int_gt(seq4, seq2 + 1);
	sse_close(&s);
	char query[96];
	struct it_response r;
	snprintf(query, sizeof query, "/api/v1/events?after=%lld&limit=500", seq2);
	it_json("GET", query, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, t3), "the missed event is in the log: %s", r.body);
	it_response_free(&r);
}
END_TEST

START_TEST(test_websocket_upgrade)
{
	char queue[64], path[160];
	it_new_queue(admin_token, "live-ws", queue);
	ck_assert_int_eq(ws_upgrade_status("/api/v1/live/board", admin_token), 101);
	snprintf(path, sizeof path, "/api/v1/live/queues/%s", queue);
	ck_assert_int_eq(ws_upgrade_status(path, admin_token), 101);
	ck_assert_int_eq(ws_upgrade_status(path, NULL), 401);
	ck_assert_int_eq(ws_upgrade_status(path, display_token), 403);
}
END_TEST

/* ---- nginx restarted -------------------------------------------------------------------- */

/* One FastCGI name-value pair (both shorter than 128 bytes) appended at buf + *n. */
static void fcgi_pair(unsigned char *buf, size_t *n, size_t size, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	ck_assert(nl < 128 && vl < 65536 && *n + nl + vl + 8 < size);
	buf[(*n)++] = (unsigned char)nl;
	if (vl < 128) {
		buf[(*n)++] = (unsigned char)vl;
	} else {
		buf[(*n)++] = (unsigned char)(0x80 | (vl >> 24));
		buf[(*n)++] = (unsigned char)(vl >> 16);
		buf[(*n)++] = (unsigned char)(vl >> 8);
		buf[(*n)++] = (unsigned char)vl;
	}
	memcpy(buf + *n, name, nl);
	*n += nl;
	memcpy(buf + *n, value, vl);
	*n += vl;
}

static void fcgi_record(int fd, unsigned char type, const unsigned char *content, size_t len)
{
	unsigned char head[8] = {1, type, 0, 1, (unsigned char)(len >> 8), (unsigned char)len, 0, 0};
	ck_assert(write(fd, head, 8) == 8);
	if (len)
		ck_assert(write(fd, content, len) == (ssize_t)len);
}

/*
 * A bodyless request straight to the workers' FastCGI socket, as the nginx of a second host
 * would send it (SPEC 16): the API keeps working while this host's nginx is down. Returns
 * the status of the answer (its "Status:" line; 200 without one).
 */
static long fcgi_request(const char *method, const char *uri, const char *token)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_un sa;
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", it_state_path("run/turnero.sock"));
	ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0, "connect to the FastCGI socket");
	static const unsigned char begin[8] = {0, 1 /* responder */, 0, 0, 0, 0, 0, 0};
	fcgi_record(fd, 1 /* BEGIN_REQUEST */, begin, sizeof begin);
	unsigned char params[8192];
	size_t n = 0;
	char auth[4200];
	snprintf(auth, sizeof auth, "Bearer %s", token);
	fcgi_pair(params, &n, sizeof params, "REQUEST_METHOD", method);
	fcgi_pair(params, &n, sizeof params, "REQUEST_URI", uri);
	fcgi_pair(params, &n, sizeof params, "DOCUMENT_URI", uri);
	fcgi_pair(params, &n, sizeof params, "QUERY_STRING", "");
	fcgi_pair(params, &n, sizeof params, "CONTENT_LENGTH", "0");
	fcgi_pair(params, &n, sizeof params, "REMOTE_ADDR", "127.0.0.1");
	fcgi_pair(params, &n, sizeof params, "REQUEST_ID", "it-live-nginx-down");
	fcgi_pair(params, &n, sizeof params, "HTTP_AUTHORIZATION", auth);
	fcgi_record(fd, 4 /* PARAMS */, params, n);
	fcgi_record(fd, 4, NULL, 0);
	fcgi_record(fd, 5 /* STDIN */, NULL, 0);
	/* Collect STDOUT until END_REQUEST. */
	char out[65536];
	size_t olen = 0;
	for (;;) {
		unsigned char head[8];
		size_t got = 0;
		while (got < 8) {
			ssize_t r = read(fd, head + got, 8 - got);
			ck_assert_msg(r > 0, "the FastCGI answer ended early");
			got += (size_t)r;
		}
		size_t len = ((size_t)head[4] << 8 | head[5]) + head[6];
		unsigned char content[65536 + 256];
		got = 0;
		while (got < len) {
			ssize_t r = read(fd, content + got, len - got);
			ck_assert_msg(r > 0, "the FastCGI answer ended early");
			got += (size_t)r;
		}
		if (head[1] == 3 /* END_REQUEST */)
			break;
		size_t keep = len - head[6];
		if (head[1] == 6 /* STDOUT */ && olen + keep < sizeof out) {
			memcpy(out + olen, content, keep);
			olen += keep;
		}
	}
	close(fd);
	out[olen] = '\0';
	const char *st = strstr(out, "Status: ");
	return st ? strtol(st + 8, NULL, 10) : 200;
}

/* Polls GET /health through nginx until it answers 200. */
static bool wait_nginx_up(long timeout_ms)
{
	long long until = it_now_ms() + timeout_ms;
	do {
		struct it_response r;
		long status = it_json("GET", "/api/v1/health", NULL, NULL, &r) == 0 ? r.status : 0;
		it_response_free(&r);
		if (status == 200)
			return true;
		it_sleep_ms(200);
	} while (it_now_ms() < until);
	return false;
}

/*
 * nginx restarted: its nchan buffer is lost with the subscribers' connections. A client that
 * reconnects (with its Last-Event-ID), reads the REST snapshot and follows the stream
 * converges on the state, including a call made while this nginx was down.
 */
START_TEST(test_subscribers_converge_after_an_nginx_restart)
{
	char queue[64], t1[64], t2[64], path[160], needle[200], last_id[128], query[128];
	it_new_queue(admin_token, "live-restart", queue);
	it_new_ticket(admin_token, queue, t1);
	it_new_ticket(admin_token, queue, t2);
	snprintf(path, sizeof path, "/api/v1/live/queues/%s", queue);
	struct sse q, b;
	sse_open(&q, path, admin_token, NULL);
	ck_assert_int_eq(sse_status(&q), 200);
	sse_open(&b, "/api/v1/live/board", admin_token, NULL);
	ck_assert_int_eq(sse_status(&b), 200);
	snprintf(needle, sizeof needle, "\"event\":\"created\",\"ticket\":{\"id\":\"%s\"", t2);
	ck_assert_msg(sse_wait(&q, 0, needle, WAIT_MS), "the latest message, t2 created: %s", q.buf);
	ck_assert(sse_id_of(&q, 0, needle, last_id, sizeof last_id));
	long long seen_seq = seq_of(q.buf, t2);
	ck_assert_int_gt(seen_seq, 0);

	ck_assert_int_eq(it_stack("nginx-stop"), 0);
	/* Both streams end with nginx. */
	ck_assert_msg(!sse_wait(&q, 0, "\x01never", 15000) && q.done, "the queue stream ended");
	ck_assert_msg(!sse_wait(&b, 0, "\x01never", 15000) && b.done, "the board stream ended");
	sse_close(&q);
	sse_close(&b);

	/* A call while this nginx is down (through another host's nginx, say): t1 called. */
	snprintf(query, sizeof query, "/api/v1/queues/%s/call-next", queue);
	ck_assert_int_eq(fcgi_request("POST", query, admin_token), 200);

	ck_assert_int_eq(it_stack("nginx-start"), 0);
	ck_assert_msg(wait_nginx_up(30000), "nginx answers again");

	/* Reconnect with the last id seen, then read the snapshot: it shows the call. */
	sse_open(&q, path, admin_token, last_id);
	ck_assert_int_eq(sse_status(&q), 200);
	sse_open(&b, "/api/v1/live/board", admin_token, NULL);
	ck_assert_int_eq(sse_status(&b), 200);
	struct it_response r;
	snprintf(query, sizeof query, "/api/v1/tickets/%s", t1);
	it_json("GET", query, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "status"), "called");
	it_response_free(&r);
	it_json("GET", "/api/v1/board", admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(needle, sizeof needle, "\"serving\":{\"ticket_id\":\"%s\"", t1);
	ck_assert_msg(strstr(r.body, needle), "the board snapshot shows t1 served at the counter: %s", r.body);
	it_response_free(&r);

	/* The next change arrives on the new streams, and its seq tells the client what it missed. */
	it_call_next(admin_token, queue); /* t1 served, t2 called */
	snprintf(needle, sizeof needle, "\"event\":\"called\",\"ticket\":{\"id\":\"%s\"", t2);
	ck_assert_msg(sse_wait(&q, 0, needle, WAIT_MS), "t2 called on the reconnected queue stream: %s", q.buf);
	long long now_seq = 0;
	const char *hit = strstr(q.buf, needle);
	const char *line = hit;
	while (line > q.buf && line[-1] != '\n')
		line--;
	const char *seq = strstr(line, "{\"seq\":");
	ck_assert_msg(seq && seq < hit, "the message carries its seq: %s", q.buf);
	now_seq = strtoll(seq + 7, NULL, 10);
	ck_assert_int_gt(now_seq, seen_seq + 1); /* a gap: the call made during the outage */
	snprintf(query, sizeof query, "/api/v1/events?after=%lld&limit=500", seen_seq);
	it_json("GET", query, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(needle, sizeof needle, "\"ticket_id\":\"%s\",\"event\":\"called\"", t1);
	ck_assert_msg(strstr(r.body, needle), "the log holds the missed call: %s", r.body);
	it_response_free(&r);
	snprintf(needle, sizeof needle, "\"serving\":{\"ticket_id\":\"%s\"", t2);
	ck_assert_msg(sse_wait(&b, 0, needle, WAIT_MS), "the board stream shows t2 called: %s", b.buf);
	sse_close(&q);
	sse_close(&b);
}
END_TEST

static void setup_users(void)
{
	char body[512];
	struct it_response r;
	const char *name = it_unique("live.display");
	snprintf(body, sizeof body,
		 "{\"user_name\":\"%s\",\"first_name\":\"Dis\",\"last_name\":\"Play\",\"password\":\"display password 1\","
		 "\"role_id\":\"" DISPLAY_ROLE "\"}",
		 name);
	it_json("POST", "/api/v1/users", admin_token, body, &r);
	ck_assert_msg(r.status == 201 || r.status == 409, "create display user: %ld %s", r.status, r.body);
	it_response_free(&r);
	ck_assert_int_eq(it_login(name, "display password 1", display_token, sizeof display_token, NULL, 0), 200);
}

int main(void)
{
	it_init();
	if (it_admin_login(admin_token, sizeof admin_token) < 0)
		return 1;
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("live");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, setup_users, NULL);
	tcase_add_test(tc, test_events_log_pages_oldest_first);
	tcase_add_test(tc, test_events_validation_and_permission);
	tcase_add_test(tc, test_stream_authorization);
	tcase_add_test(tc, test_queue_and_board_messages_after_call_next);
	tcase_add_test(tc, test_public_stream_follows_status_and_position);
	tcase_add_test(tc, test_public_positions_follow_the_call_order);
	tcase_add_test(tc, test_resume_with_last_event_id);
	tcase_add_test(tc, test_websocket_upgrade);
	tcase_add_test(tc, test_subscribers_converge_after_an_nginx_restart);
	suite_add_tcase(s, tc);
	return it_run_suite(s);
}
