/*
 * Notifications (SPEC 12) through real nginx, workers and MariaDB: notify on POST /tickets,
 * `turneroctl notify-run --once` delivering to the stack's mail sink (aiosmtpd, a Maildir
 * in the state directory) and to an SMS gateway this program plays, the listing with
 * masked contacts, `near` and `called` through notify_on_event (the relay's entry point,
 * called here the way the relay does), and retries then failure while SMTP is down: these
 * run with the stack's turnero-relay stopped, so notify-run is the only sender.
 * Then, with the relay running (tcase "relay"): it sends `issued`, `called` naming the
 * desk, `near` once and `booked` (staff booking with notify, public booking with an email,
 * check-in with notify) by itself, and a relay killed with SIGKILL loses nothing.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/config.h"
#include "common/strbuf.h"
#include "harness.h"
#include "notify/notify.h"
#include "repo/db.h"

static char token[4096];
static char priority_id[64], queue_id[64], queue_name[64];
static long dni_counter;
static long last_position; /* of the last ticket issue_ok made */

/* ---- helpers ------------------------------------------------------------------ */


static const char *next_dni(void)
{
	static char buf[32];
	snprintf(buf, sizeof buf, "9%05ld%04ld", (long)getpid() % 100000, ++dni_counter);
	return buf;
}

/* POST /tickets for a new inline customer (email/phone may be "" to leave them out). */
static long issue(const char *email, const char *phone, const char *notify_json, struct it_response *r)
{
	char body[2048], contacts[512] = "";
	if (*email)
		snprintf(contacts + strlen(contacts), sizeof contacts - strlen(contacts), ",\"email\":\"%s\"", email);
	if (*phone)
		snprintf(contacts + strlen(contacts), sizeof contacts - strlen(contacts), ",\"phone\":\"%s\"", phone);
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"dni\":\"%s\",\"first_name\":\"Rosa\",\"last_name\":\"Luna\"%s}"
		 "%s%s}",
		 priority_id, next_dni(), contacts, notify_json ? ",\"notify\":" : "", notify_json ? notify_json : "");
	it_json("POST", "/api/v1/tickets", token, body, r);
	return r->status;
}

static void issue_ok(const char *email, const char *phone, const char *notify_json, char id[64], char code[16])
{
	struct it_response r;
	issue(email, phone, notify_json, &r);
	ck_assert_msg(r.status == 201, "POST /tickets: %ld %s", r.status, r.body);
	snprintf(id, 64, "%s", it_str(&r, "id"));
	if (code)
		snprintf(code, 16, "%s", it_str(&r, "code"));
	last_position = (long)it_obj_int(r.json, "position");
	it_response_free(&r);
}

/* GET /tickets/{id}/notifications; the caller frees r. */
static struct json_object *notifications(const char *ticket_id, struct it_response *r)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/tickets/%s/notifications", ticket_id);
	it_json("GET", path, token, NULL, r);
	ck_assert_msg(r->status == 200, "GET %s: %ld %s", path, r->status, r->body);
	ck_assert(json_object_is_type(r->json, json_type_array));
	return r->json;
}

/* Runs turneroctl notify-run --once with extra environment ("" for none); returns its stdout. */
static char *notify_run(const char *env)
{
	char cmd[2048], conf[1024];
	/* it_state_path answers in one static buffer. */
	snprintf(conf, sizeof conf, "%s", it_state_path("turnero.conf"));
	snprintf(cmd, sizeof cmd, "env %s '%s/turneroctl' -c '%s' notify-run --once 2>>'%s'", env,
		 getenv("TURNERO_BUILD_DIR"), conf, it_state_path("log/notify-run.log"));
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char *out = calloc(1, 4096);
	size_t n = fread(out, 1, 4095, p);
	out[n] = '\0';
	int status = pclose(p);
	ck_assert_msg(status == 0, "notify-run failed (%d): %s", status, out);
	return out;
}

/* Decodes quoted-printable text (soft breaks "=\n" or "=\r\n") in place. */
static void qp_decode(char *s)
{
	char *o = s;
	for (char *p = s; *p;) {
		if (p[0] == '=' && p[1] == '\n') {
			p += 2;
		} else if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = {p[1], p[2], 0};
			*o++ = (char)strtol(hex, NULL, 16);
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
}

/* Decodes a header value made of "=?UTF-8?B?...?=" words (folded or not) or plain text. */
static void header_decode(const char *v, char *out, size_t outlen)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = 0;
	if (strncmp(v, "=?", 2) != 0) {
		snprintf(out, outlen, "%.*s", (int)strcspn(v, "\r\n"), v);
		return;
	}
	for (const char *p = v; (p = strstr(p, "=?UTF-8?B?")) != NULL;) {
		p += 10;
		unsigned acc = 0, bits = 0;
		for (; *p && *p != '?' && *p != '='; p++) {
			const char *c = strchr(b64, *p);
			if (!c)
				break;
			acc = acc << 6 | (unsigned)(c - b64);
			bits += 6;
			if (bits >= 8 && n + 1 < outlen) {
				bits -= 8;
				out[n++] = (char)(acc >> bits & 0xff);
			}
		}
	}
	out[n] = '\0';
}

struct mail {
	char subject[512];
	char *body; /* decoded; malloc'd */
	char *raw;
};

/* The messages in the sink addressed to `to`, oldest first is not guaranteed; returns how many. */
static int mails_to(const char *to, struct mail *out, int max)
{
	char dir[512], want[320];
	snprintf(dir, sizeof dir, "%s", it_state_path("mail/new"));
	snprintf(want, sizeof want, "\nTo: %s\n", to);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		struct strbuf sb = STRBUF_INIT;
		char buf[4096];
		size_t k;
		strbuf_puts(&sb, "\n");
		while ((k = fread(buf, 1, sizeof buf, f)) > 0)
			strbuf_append(&sb, buf, k);
		fclose(f);
		if (!strstr(sb.data, want) || n >= max) {
			strbuf_free(&sb);
			continue;
		}
		struct mail *m = &out[n++];
		memset(m, 0, sizeof *m);
		m->raw = sb.data;
		const char *subj = strstr(sb.data, "\nSubject: ");
		/* Unfold the header before decoding it. */
		char folded[1024] = "";
		if (subj) {
			subj += 10;
			size_t o = 0;
			for (const char *p = subj; *p && o + 1 < sizeof folded; p++) {
				if (*p == '\n' && (p[1] == ' ' || p[1] == '\t')) {
					p++;
					continue;
				}
				if (*p == '\n')
					break;
				folded[o++] = *p;
			}
			folded[o] = '\0';
		}
		header_decode(folded, m->subject, sizeof m->subject);
		const char *body = strstr(sb.data, "\n\n");
		m->body = strdup(body ? body + 2 : "");
		qp_decode(m->body);
	}
	closedir(d);
	return n;
}

static void mails_free(struct mail *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].body);
		free(m[i].raw);
	}
}

/* ---- a tiny SMS gateway on 127.0.0.1 ------------------------------------------- */

struct gateway {
	int fd, port, answer;
	volatile int stop;
	pthread_t thread;
	pthread_mutex_t lock;
	struct strbuf requests; /* every request, separated by "\n----\n" */
	int count;
};

static void *gateway_main(void *arg)
{
	struct gateway *g = arg;
	while (!g->stop) {
		struct pollfd pfd = {g->fd, POLLIN, 0};
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		int c = accept(g->fd, NULL, NULL);
		if (c < 0)
			continue;
		struct strbuf req = STRBUF_INIT;
		char buf[4096];
		for (;;) {
			struct pollfd cp = {c, POLLIN, 0};
			if (poll(&cp, 1, 5000) <= 0)
				break;
			ssize_t k = read(c, buf, sizeof buf);
			if (k <= 0)
				break;
			strbuf_append(&req, buf, (size_t)k);
			const char *end = strstr(strbuf_cstr(&req), "\r\n\r\n");
			const char *cl = strcasestr(strbuf_cstr(&req), "\r\nContent-Length:");
			if (end && cl && req.len >= (size_t)(end + 4 - req.data) + strtoul(cl + 17, NULL, 10))
				break;
		}
		char answer[128];
		int len = snprintf(answer, sizeof answer, "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
				   g->answer);
		if (write(c, answer, (size_t)len) < 0) {
			/* the sender gave up: it will retry */
		}
		close(c);
		pthread_mutex_lock(&g->lock);
		strbuf_append(&g->requests, strbuf_cstr(&req), req.len);
		strbuf_puts(&g->requests, "\n----\n");
		g->count++;
		pthread_mutex_unlock(&g->lock);
		strbuf_free(&req);
	}
	return NULL;
}

static void gateway_start(struct gateway *g, int answer)
{
	memset(g, 0, sizeof *g);
	g->answer = answer;
	pthread_mutex_init(&g->lock, NULL);
	g->fd = it_listen_loopback(8, &g->port);
	ck_assert_int_ge(g->fd, 0);
	ck_assert_int_eq(pthread_create(&g->thread, NULL, gateway_main, g), 0);
}

static void gateway_stop(struct gateway *g)
{
	g->stop = 1;
	pthread_join(g->thread, NULL);
	close(g->fd);
	strbuf_free(&g->requests);
	pthread_mutex_destroy(&g->lock);
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* ---- setup ---------------------------------------------------------------------- */

static void setup_once(void)
{
	if (token[0])
		return;
	/* notify-run is the only sender in these tests (main starts the relay again). */
	ck_assert_int_eq(it_stack("relay-stop"), 0);
	ck_assert_int_eq(it_admin_login(token, sizeof token), 0);
	/* A priority of our own and one queue serving it: placement is ours alone. */
	char body[512];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":50,\"max_wait_minutes\":0}", it_unique("notify"));
	it_json("POST", "/api/v1/priorities", token, body, &r);
	ck_assert_msg(r.status == 201, "priority: %ld %s", r.status, r.body);
	snprintf(priority_id, sizeof priority_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	char ids[128], prefix[4];
	snprintf(ids, sizeof ids, "[\"%s\"]", priority_id);
	snprintf(queue_name, sizeof queue_name, "Pediatría %ld", (long)getpid() % 100000);
	ck_assert_int_eq(it_create_queue(token, queue_name, "fifo", ids, queue_id, prefix), 0);
}

/* ---- tests ---------------------------------------------------------------------- */

static bool has_error(const struct it_response *r, const char *name)
{
	struct json_object *errors;
	if (!json_object_object_get_ex(r->json, "errors", &errors))
		return false;
	for (size_t i = 0; i < json_object_array_length(errors); i++)
		if (strcmp(it_obj_str(json_object_array_get_idx(errors, i), "field"), name) == 0)
			return true;
	return false;
}

START_TEST(test_notify_without_the_contact_is_422_naming_the_field_and_writes_nothing)
{
	setup_once();
	struct it_response r, list;
	char before[32];
	char path[160];
	snprintf(path, sizeof path, "/api/v1/tickets?queue_id=%s", queue_id);
	it_json("GET", path, token, NULL, &list);
	snprintf(before, sizeof before, "%lld", it_obj_int(list.json, "total"));
	it_response_free(&list);

	issue("", "", "{\"email\":true,\"sms\":true}", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(has_error(&r, "notify.email") && has_error(&r, "notify.sms"), "%s", r.body);
	it_response_free(&r);
	issue("nadie@example.org", "", "{\"email\":true,\"sms\":true}", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(!has_error(&r, "notify.email") && has_error(&r, "notify.sms"), "%s", r.body);
	it_response_free(&r);
	issue("", "+54 911 555-0000", "{\"email\":true}", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(has_error(&r, "notify.email"), "%s", r.body);
	it_response_free(&r);

	static const char *const bad[][2] = {
		{"{\"email\":true,\"ahead\":0}", "notify.ahead"},  {"{\"email\":true,\"ahead\":21}", "notify.ahead"},
		{"{\"email\":\"yes\"}", "notify.email"},           {"{\"email\":true,\"push\":true}", "notify.push"},
		{"null", "notify"},                                {"[true]", "notify"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		issue("a@example.org", "", bad[i][0], &r);
		it_assert_problem(&r, 422);
		ck_assert_msg(has_error(&r, bad[i][1]), "%s: %s", bad[i][0], r.body);
		it_response_free(&r);
	}
	/* Nothing was issued by any of these. */
	it_json("GET", path, token, NULL, &list);
	char after[32];
	snprintf(after, sizeof after, "%lld", it_obj_int(list.json, "total"));
	ck_assert_str_eq(after, before);
	it_response_free(&list);

	/* No notify, or asking for nothing: a ticket as ever, with no notifications. */
	char id[64];
	issue_ok("", "", NULL, id, NULL);
	struct json_object *l = notifications(id, &r);
	ck_assert_uint_eq(json_object_array_length(l), 0);
	it_response_free(&r);
	issue_ok("", "", "{\"email\":false,\"sms\":false,\"ahead\":5}", id, NULL);
	l = notifications(id, &r);
	ck_assert_uint_eq(json_object_array_length(l), 0);
	it_response_free(&r);

	it_json("GET", "/api/v1/tickets/00000000-0000-4000-8000-000000000000/notifications", token, NULL, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	it_json("GET", "/api/v1/tickets/00000000-0000-4000-8000-000000000000/notifications", NULL, NULL, &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);
}
END_TEST

START_TEST(test_issued_email_reaches_the_sink_once_and_is_listed_sent_and_masked)
{
	setup_once();
	char email[128], id[64], code[16];
	snprintf(email, sizeof email, "rosa.%ld@example.org", (long)getpid());
	issue_ok(email, "", "{\"email\":true}", id, code);

	struct it_response r;
	struct json_object *l = notifications(id, &r);
	ck_assert_uint_eq(json_object_array_length(l), 1);
	struct json_object *n = json_object_array_get_idx(l, 0);
	ck_assert_str_eq(it_obj_str(n, "kind"), "issued");
	ck_assert_str_eq(it_obj_str(n, "channel"), "email");
	ck_assert_str_eq(it_obj_str(n, "status"), "pending");
	ck_assert_str_eq(it_obj_str(n, "to"), "r***@example.org");
	ck_assert_int_eq(it_obj_int(n, "attempts"), 0);
	ck_assert_ptr_nonnull(it_obj_str(n, "created_date"));
	ck_assert(!strstr(r.body, email)); /* never the address itself */
	char nid[64];
	snprintf(nid, sizeof nid, "%s", it_obj_str(n, "id"));
	it_response_free(&r);

	char *out = notify_run("");
	ck_assert_msg(strstr(out, "sent 1, to retry 0, failed 0"), "%s", out);
	free(out);

	struct mail m[4];
	int k = mails_to(email, m, 4);
	ck_assert_int_eq(k, 1);
	char want[256];
	snprintf(want, sizeof want, "Su turno %s en %s", code, queue_name);
	ck_assert_str_eq(m[0].subject, want);
	snprintf(want, sizeof want, "Su turno es %s en %s.", code, queue_name);
	ck_assert_msg(strstr(m[0].body, want), "%s", m[0].body);
	snprintf(want, sizeof want, "Su lugar en la fila es el %ld y la espera estimada es de ", last_position);
	ck_assert_msg(strstr(m[0].body, want), "%s", m[0].body);
	snprintf(want, sizeof want, "%s/t/%s", getenv("TURNERO_TEST_URL"), id);
	ck_assert_msg(strstr(m[0].body, want), "%s", m[0].body);
	ck_assert(strstr(m[0].raw, "\nContent-Type: text/plain; charset=\"utf-8\"\n") ||
		  strstr(m[0].raw, "\nContent-Type: text/plain; charset=UTF-8\n"));
	ck_assert_ptr_nonnull(strstr(m[0].raw, "\nFrom: Turnero <no-reply@turnero.test>\n"));
	ck_assert_ptr_nonnull(strstr(m[0].raw, "\nMessage-ID: <"));
	ck_assert_ptr_nonnull(strstr(m[0].raw, "@turnero.test>\n"));
	ck_assert_ptr_nonnull(strstr(m[0].raw, "\nDate: "));
	mails_free(m, k);

	l = notifications(id, &r);
	n = json_object_array_get_idx(l, 0);
	ck_assert_str_eq(it_obj_str(n, "id"), nid);
	ck_assert_str_eq(it_obj_str(n, "status"), "sent");
	ck_assert_int_eq(it_obj_int(n, "attempts"), 1);
	ck_assert_ptr_nonnull(it_obj_str(n, "sent_date"));
	struct json_object *le;
	ck_assert(json_object_object_get_ex(n, "last_error", &le) && le == NULL);
	it_response_free(&r);

	/* A second run finds nothing due: the message is not sent again. */
	out = notify_run("");
	free(out);
	k = mails_to(email, m, 4);
	ck_assert_int_eq(k, 1);
	mails_free(m, k);

	/* The public view says nothing about contacts or notifications. */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/public/tickets/%s", id);
	it_json("GET", path, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(!strstr(r.body, "example.org") && !strstr(r.body, "notif"));
	it_response_free(&r);
}
END_TEST

/* The request the gateway saw for the given number, copied into out. */
static bool gateway_request_for(struct gateway *g, const char *needle, char *out, size_t outlen)
{
	pthread_mutex_lock(&g->lock);
	const char *all = strbuf_cstr(&g->requests);
	const char *hit = strstr(all, needle);
	bool found = false;
	if (hit) {
		const char *start = hit;
		while (start > all && strncmp(start, "POST ", 5) != 0)
			start--;
		const char *end = strstr(hit, "\n----\n");
		snprintf(out, outlen, "%.*s", (int)(end ? end - start : (long)strlen(start)), start);
		found = true;
	}
	pthread_mutex_unlock(&g->lock);
	return found;
}

START_TEST(test_sms_goes_to_the_gateway_as_form_and_as_json_with_credentials)
{
	setup_once();
	struct gateway g;
	gateway_start(&g, 200);
	char auth[512], env[2048], id[64], code[16], req[8192];
	struct it_response r;

	/* form + bearer token */
	snprintf(auth, sizeof auth, "%s", it_state_path("sms-bearer"));
	FILE *f = fopen(auth, "w");
	fputs("Bearer tok-123\n", f);
	fclose(f);
	issue_ok("", "+54 911 555-0101", "{\"sms\":true}", id, code);
	struct json_object *l = notifications(id, &r);
	ck_assert_uint_eq(json_object_array_length(l), 1);
	ck_assert_str_eq(it_obj_str(json_object_array_get_idx(l, 0), "to"), "+5491******01");
	char nid[64];
	snprintf(nid, sizeof nid, "%s", it_obj_str(json_object_array_get_idx(l, 0), "id"));
	it_response_free(&r);
	snprintf(env, sizeof env,
		 "TURNERO_NOTIFY_SMS_URL=http://127.0.0.1:%d/sms TURNERO_NOTIFY_SMS_FORMAT=form "
		 "TURNERO_NOTIFY_SMS_AUTH_FILE='%s'",
		 g.port, auth);
	free(notify_run(env));
	ck_assert_msg(gateway_request_for(&g, "to=%2B549115550101", req, sizeof req), "gateway saw: %s",
		      strbuf_cstr(&g.requests));
	ck_assert_msg(strncmp(req, "POST /sms HTTP/1.1\r\n", 20) == 0, "%s", req);
	ck_assert_msg(strcasestr(req, "\r\nContent-Type: application/x-www-form-urlencoded\r\n"), "%s", req);
	ck_assert_msg(strcasestr(req, "\r\nAuthorization: Bearer tok-123\r\n"), "%s", req);
	char want[256];
	snprintf(want, sizeof want, "\r\nIdempotency-Key: %s\r\n", nid);
	ck_assert_msg(strcasestr(req, want), "%s", req);
	snprintf(want, sizeof want, "&text=Hola%%3A%%0A%%0ASu%%20turno%%20es%%20%s%%20en%%20", code);
	ck_assert_msg(strstr(req, want), "%s", req);
	l = notifications(id, &r);
	ck_assert_str_eq(it_obj_str(json_object_array_get_idx(l, 0), "status"), "sent");
	it_response_free(&r);

	/* json + basic credentials */
	f = fopen(auth, "w");
	fputs("gw-user:gw-pass\n", f);
	fclose(f);
	issue_ok("", "11 5555-0202", "{\"sms\":true}", id, code);
	snprintf(env, sizeof env,
		 "TURNERO_NOTIFY_SMS_URL=http://127.0.0.1:%d/sms TURNERO_NOTIFY_SMS_FORMAT=json "
		 "TURNERO_NOTIFY_SMS_AUTH_FILE='%s'",
		 g.port, auth);
	free(notify_run(env));
	ck_assert_msg(gateway_request_for(&g, "\"to\":\"1155550202\"", req, sizeof req), "gateway saw: %s",
		      strbuf_cstr(&g.requests));
	ck_assert_msg(strcasestr(req, "\r\nContent-Type: application/json\r\n"), "%s", req);
	/* base64("gw-user:gw-pass") */
	ck_assert_msg(strcasestr(req, "\r\nAuthorization: Basic Z3ctdXNlcjpndy1wYXNz\r\n"), "%s", req);
	struct json_object *body = json_tokener_parse(strstr(req, "\r\n\r\n") + 4);
	ck_assert_ptr_nonnull(body);
	snprintf(want, sizeof want, "Su turno es %s en %s.", code, queue_name);
	ck_assert_msg(strstr(it_obj_str(body, "text"), want), "%s", it_obj_str(body, "text"));
	json_object_put(body);
	l = notifications(id, &r);
	ck_assert_str_eq(it_obj_str(json_object_array_get_idx(l, 0), "status"), "sent");
	it_response_free(&r);
	gateway_stop(&g);

	/* A gateway refusing the message for good (400) fails it at once, with the reason. */
	gateway_start(&g, 400);
	issue_ok("", "11 5555-0303", "{\"sms\":true}", id, code);
	snprintf(env, sizeof env, "TURNERO_NOTIFY_SMS_URL=http://127.0.0.1:%d/sms", g.port);
	free(notify_run(env));
	l = notifications(id, &r);
	struct json_object *n = json_object_array_get_idx(l, 0);
	ck_assert_str_eq(it_obj_str(n, "status"), "failed");
	ck_assert_int_eq(it_obj_int(n, "attempts"), 1);
	ck_assert_msg(strstr(it_obj_str(n, "last_error"), "HTTP 400"), "%s", it_obj_str(n, "last_error"));
	it_response_free(&r);
	gateway_stop(&g);
	unlink(auth);
}
END_TEST

/* The relay's call: notify_on_event for the ticket's newest event, in a transaction. */
struct event_call {
	struct notify_event ev;
	const struct config *cfg;
};

static enum app_err on_event_tx(struct db *db, void *cls)
{
	struct event_call *c = cls;
	return notify_on_event(db, c->cfg, &c->ev);
}

static void relay_last_event(struct db *db, const struct config *cfg, const char *ticket_id, const char *expect,
			     int times)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/tickets/%s/events", ticket_id);
	it_json("GET", path, token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	size_t n = json_object_array_length(r.json);
	struct json_object *e = json_object_array_get_idx(r.json, n - 1);
	ck_assert_str_eq(it_obj_str(e, "event"), expect);
	struct event_call c = {{it_obj_int(e, "seq"), ticket_id, it_obj_str(e, "event"), it_obj_str(e, "from_queue_id"),
				it_obj_str(e, "to_queue_id"), NULL},
			       cfg};
	for (int i = 0; i < times; i++) /* the relay may see an event again after a restart */
		ck_assert_int_eq(db_tx_run(db, "it notify event", on_event_tx, &c), APP_OK);
	it_response_free(&r);
}

static size_t count_kind(const char *ticket_id, const char *kind)
{
	struct it_response r;
	struct json_object *l = notifications(ticket_id, &r);
	size_t k = 0;
	for (size_t i = 0; i < json_object_array_length(l); i++)
		k += strcmp(it_obj_str(json_object_array_get_idx(l, i), "kind"), kind) == 0;
	it_response_free(&r);
	return k;
}

START_TEST(test_near_once_when_the_position_comes_within_ahead_and_called_per_call)
{
	setup_once();
	struct config cfg;
	char err[512];
	ck_assert_msg(config_load(&cfg, it_state_path("turnero.conf"), err, sizeof err) == 0, "%s", err);
	struct db *db = db_new(&cfg);
	ck_assert_ptr_nonnull(db);

	/* Serve what earlier tests left waiting in the queue. */
	for (;;) {
		char path[128];
		struct it_response r;
		snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue_id);
		it_json("POST", path, token, NULL, &r);
		long st = r.status;
		it_response_free(&r);
		if (st == 204)
			break;
		ck_assert_int_eq(st, 200);
	}

	char t1[64], t2[64], t3[64], t4[64], code3[16], email[128], email4[128];
	snprintf(email, sizeof email, "near.%ld@example.org", (long)getpid());
	snprintf(email4, sizeof email4, "close.%ld@example.org", (long)getpid());
	issue_ok("", "", NULL, t1, NULL);
	issue_ok("", "", NULL, t2, NULL);
	issue_ok(email, "", "{\"email\":true,\"ahead\":1}", t3, code3); /* position 3 */
	issue_ok(email4, "", "{\"email\":true,\"ahead\":5}", t4, NULL); /* position 4: that close already */
	relay_last_event(db, &cfg, t3, "created", 2);                    /* issued was written with the ticket */
	ck_assert_uint_eq(count_kind(t3, "issued"), 1);

	it_call_next(token, queue_id); /* t1 called: t3 is 2nd, still more than 1 ahead */
	relay_last_event(db, &cfg, t1, "called", 1);
	ck_assert_uint_eq(count_kind(t3, "near"), 0);

	it_call_next(token, queue_id); /* t1 served, t2 called: t3 is next */
	relay_last_event(db, &cfg, t2, "called", 2);
	ck_assert_uint_eq(count_kind(t3, "near"), 1);
	relay_last_event(db, &cfg, t2, "called", 1); /* again: still once */
	ck_assert_uint_eq(count_kind(t3, "near"), 1);

	it_call_next(token, queue_id); /* t3 called */
	relay_last_event(db, &cfg, t3, "called", 2);
	ck_assert_uint_eq(count_kind(t3, "called"), 1);
	ck_assert_uint_eq(count_kind(t3, "near"), 1);
	/* t4 was issued within its ahead: never a `near`. */
	ck_assert_uint_eq(count_kind(t4, "near"), 0);
	ck_assert_uint_eq(count_kind(t4, "issued"), 1);
	/* A ticket without notify gets nothing from events. */
	ck_assert_uint_eq(count_kind(t2, "called"), 0);

	free(notify_run(""));
	struct mail m[8];
	int k = mails_to(email, m, 8);
	ck_assert_int_eq(k, 3);
	char want_near[128], want_called[256];
	snprintf(want_near, sizeof want_near, "%s: ya casi es su turno", code3);
	snprintf(want_called, sizeof want_called, "%s: es su turno, pase a %s", code3, queue_name);
	bool near = false, called = false;
	for (int i = 0; i < k; i++) {
		near = near || strcmp(m[i].subject, want_near) == 0;
		called = called || strcmp(m[i].subject, want_called) == 0;
		if (strcmp(m[i].subject, want_near) == 0)
			ck_assert_msg(strstr(m[i].body, "posición 1,"), "%s", m[i].body);
	}
	ck_assert_msg(near && called, "subjects: %s | %s | %s", m[0].subject, m[1].subject, m[2].subject);
	mails_free(m, k);
	db_free(db);
}
END_TEST

START_TEST(test_smtp_down_is_retried_then_failed_with_the_reason_and_tickets_still_issue)
{
	setup_once();
	ck_assert_int_eq(it_stack("smtp-stop"), 0);
	char id[64], email[128];
	snprintf(email, sizeof email, "down.%ld@example.org", (long)getpid());
	issue_ok(email, "", "{\"email\":true}", id, NULL); /* the counter does not wait for mail */

	/* The shortest schedule [notify] retry_seconds takes: two retries a second apart. */
	const char *env = "TURNERO_NOTIFY_RETRY_SECONDS=1,1";
	struct it_response r;
	for (int attempt = 1; attempt <= 3; attempt++) {
		if (attempt > 1)
			pause_ms(1300); /* the retry (1 s plus up to a tenth of jitter) is due */
		free(notify_run(env));
		struct json_object *l = notifications(id, &r);
		struct json_object *n = json_object_array_get_idx(l, 0);
		ck_assert_int_eq(it_obj_int(n, "attempts"), attempt);
		ck_assert_str_eq(it_obj_str(n, "status"), attempt < 3 ? "pending" : "failed");
		const char *why = it_obj_str(n, "last_error");
		ck_assert_msg(why && strstr(why, "smtp: ") && strstr(why, "onnect"), "%s", why ? why : "(null)");
		ck_assert(!strstr(r.body, email));
		it_response_free(&r);
	}
	/* A failed notification is not tried again. */
	pause_ms(1300);
	free(notify_run(env));
	struct json_object *l = notifications(id, &r);
	ck_assert_int_eq(it_obj_int(json_object_array_get_idx(l, 0), "attempts"), 3);
	it_response_free(&r);
	ck_assert_int_eq(it_stack("smtp-start"), 0);
	struct mail m[2];
	ck_assert_int_eq(mails_to(email, m, 2), 0);
}
END_TEST

START_TEST(test_check_config_refuses_a_template_with_an_unknown_placeholder_in_one_line)
{
	char dir[] = "/tmp/turnero-it-notify-XXXXXX", path[256], cmd[2048], conf[1024];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/es", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	static const char *const kinds[] = {"issued", "near", "called", "booked"};
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/es/%s.txt", dir, kinds[i]);
		FILE *f = fopen(path, "w");
		fputs(i == 1 ? "Subject: {{code}}\nFaltan {{faltan}}\n" : "Subject: {{code}}\n{{link}}\n", f);
		fclose(f);
	}
	snprintf(conf, sizeof conf, "%s", it_state_path("turnero.conf"));
	snprintf(cmd, sizeof cmd, "TURNERO_NOTIFY_TEMPLATES_DIR='%s' '%s/turneroctl' -c '%s' check-config 2>&1 >/dev/null",
		 dir, getenv("TURNERO_BUILD_DIR"), conf);
	FILE *p = popen(cmd, "r");
	char out[1024] = "";
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "exit %d: %s", status, out);
	ck_assert_msg(strstr(out, "/es/near.txt: unknown placeholder {{faltan}}\n"), "%s", out);
	ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1, "one line: %s", out);
	/* The shipped templates pass. */
	snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' check-config >/dev/null 2>&1", getenv("TURNERO_BUILD_DIR"), conf);
	ck_assert_int_eq(system(cmd), 0);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/es/%s.txt", dir, kinds[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/es", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

/* ---- with turnero-relay sending ---------------------------------------------------- */

/* The relay of the stack runs; a priority and a queue of its own for these tests. */
static void relay_setup(void)
{
	setup_once();
	ck_assert_int_eq(it_stack("smtp-start"), 0);
	ck_assert_int_eq(it_stack("relay-start"), 0);
	static bool fresh;
	if (fresh)
		return;
	fresh = true;
	char body[512], ids[128], prefix[8];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":50,\"max_wait_minutes\":0}", it_unique("notify-relay"));
	it_json("POST", "/api/v1/priorities", token, body, &r);
	ck_assert_msg(r.status == 201, "priority: %ld %s", r.status, r.body);
	snprintf(priority_id, sizeof priority_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	snprintf(ids, sizeof ids, "[\"%s\"]", priority_id);
	snprintf(queue_name, sizeof queue_name, "Clínica %ld", (long)getpid() % 100000);
	ck_assert_int_eq(it_create_queue(token, queue_name, "fifo", ids, queue_id, prefix), 0);
}

/*
 * Waits (up to 60 s) until the sink holds at least want messages to `to`, then a moment
 * more so that a duplicate would show; returns how many there are.
 */
static int wait_mails(const char *to, int want, struct mail *m, int max)
{
	int k = 0;
	for (int i = 0; i < 600; i++) {
		k = mails_to(to, m, max);
		if (k >= want)
			break;
		mails_free(m, k);
		pause_ms(100);
	}
	if (k < want)
		return k;
	mails_free(m, k);
	pause_ms(1500);
	return mails_to(to, m, max);
}

static const struct mail *with_subject(const struct mail *m, int n, const char *subject)
{
	for (int i = 0; i < n; i++)
		if (strcmp(m[i].subject, subject) == 0)
			return &m[i];
	return NULL;
}

/* Every notification of the ticket is sent (waits up to 60 s for the relay). */
static void wait_all_sent(const char *ticket_id, size_t at_least)
{
	for (int i = 0; i < 600; i++) {
		struct it_response r;
		struct json_object *l = notifications(ticket_id, &r);
		size_t n = json_object_array_length(l), sent = 0;
		for (size_t j = 0; j < n; j++)
			sent += strcmp(it_obj_str(json_object_array_get_idx(l, j), "status"), "sent") == 0;
		it_response_free(&r);
		if (n >= at_least && sent == n)
			return;
		pause_ms(100);
	}
	ck_abort_msg("the notifications of %s were not all sent", ticket_id);
}

START_TEST(test_relay_sends_issued_and_called_naming_the_desk_without_notify_run)
{
	relay_setup();
	char email[128], id[64], code[16], desk[64], path[160], body[256], desk_name[64];
	struct it_response r;
	snprintf(email, sizeof email, "relay.%ld@example.org", (long)getpid());
	snprintf(desk_name, sizeof desk_name, "Consultorio %ld", (long)getpid() % 1000);
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"queue_id\":\"%s\"}", desk_name, queue_id);
	it_json("POST", "/api/v1/desks", token, body, &r);
	ck_assert_msg(r.status == 201, "desk: %ld %s", r.status, r.body);
	snprintf(desk, sizeof desk, "%s", it_str(&r, "id"));
	it_response_free(&r);

	issue_ok(email, "", "{\"email\":true}", id, code);
	struct mail m[4];
	int k = wait_mails(email, 1, m, 4);
	ck_assert_int_eq(k, 1);
	char want[256];
	snprintf(want, sizeof want, "Su turno %s en %s", code, queue_name);
	ck_assert_str_eq(m[0].subject, want);
	mails_free(m, k);
	wait_all_sent(id, 1);

	snprintf(path, sizeof path, "/api/v1/desks/%s/open", desk);
	it_json("POST", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "open: %ld %s", r.status, r.body);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/desks/%s/call-next", desk);
	it_json("POST", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "desk call-next: %ld %s", r.status, r.body);
	ck_assert_str_eq(it_str(&r, "id"), id);
	it_response_free(&r);

	k = wait_mails(email, 2, m, 4);
	ck_assert_int_eq(k, 2);
	snprintf(want, sizeof want, "%s: es su turno, pase a %s", code, desk_name);
	const struct mail *called = with_subject(m, k, want);
	ck_assert_msg(called, "no mail \"%s\": %s | %s", want, m[0].subject, m[1].subject);
	snprintf(want, sizeof want, "pase a %s (%s)", desk_name, queue_name);
	ck_assert_msg(strstr(called->body, want), "%s", called->body);
	mails_free(m, k);
	wait_all_sent(id, 2);
	ck_assert_uint_eq(count_kind(id, "called"), 1);

	snprintf(path, sizeof path, "/api/v1/desks/%s/call-next", desk); /* serves it */
	it_json("POST", path, token, NULL, &r);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/desks/%s/close", desk);
	it_json("POST", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "close: %ld %s", r.status, r.body);
	it_response_free(&r);
}
END_TEST

static void drain_queue(void)
{
	for (;;) {
		char path[128];
		struct it_response r;
		snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue_id);
		it_json("POST", path, token, NULL, &r);
		long st = r.status;
		it_response_free(&r);
		if (st == 204)
			break;
		ck_assert_int_eq(st, 200);
	}
}

START_TEST(test_relay_sends_near_exactly_once_when_the_position_reaches_ahead)
{
	relay_setup();
	drain_queue();
	char t1[64], t2[64], t3[64], code3[16], email[128];
	snprintf(email, sizeof email, "relay.near.%ld@example.org", (long)getpid());
	issue_ok("", "", NULL, t1, NULL);
	issue_ok("", "", NULL, t2, NULL);
	issue_ok(email, "", "{\"email\":true,\"ahead\":1}", t3, code3); /* position 3 */
	ck_assert_int_eq(last_position, 3);
	wait_all_sent(t3, 1);

	it_call_next(token, queue_id); /* t1 called: t3 is 2nd */
	it_call_next(token, queue_id); /* t2 called: t3 is next */
	struct mail m[8];
	int k = wait_mails(email, 2, m, 8);
	ck_assert_int_eq(k, 2);
	char want[128];
	snprintf(want, sizeof want, "%s: ya casi es su turno", code3);
	const struct mail *near = with_subject(m, k, want);
	ck_assert_msg(near, "no mail \"%s\"", want);
	ck_assert_msg(strstr(near->body, "posición 1,"), "%s", near->body);
	mails_free(m, k);

	it_call_next(token, queue_id); /* t3 called: the call names the queue (no desk) */
	k = wait_mails(email, 3, m, 8);
	ck_assert_int_eq(k, 3);
	snprintf(want, sizeof want, "%s: es su turno, pase a %s", code3, queue_name);
	ck_assert_msg(with_subject(m, k, want), "no mail \"%s\"", want);
	mails_free(m, k);
	wait_all_sent(t3, 3);
	ck_assert_uint_eq(count_kind(t3, "near"), 1);
	ck_assert_uint_eq(count_kind(t3, "issued"), 1);
	ck_assert_uint_eq(count_kind(t3, "called"), 1);
	ck_assert_uint_eq(count_kind(t2, "called"), 0); /* without notify: nothing */
	drain_queue();
}
END_TEST

static void bookable(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	char path[160], body[1024];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/queues/%s/schedule", queue_id);
	snprintf(body, sizeof body,
		 "{\"slot_minutes\":5,\"capacity\":50,\"weeks_ahead\":2,\"late_grace_minutes\":10,\"hours\":["
		 "{\"weekday\":1,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":2,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":3,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":4,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":5,\"from\":\"00:00\",\"to\":\"24:00\"},{\"weekday\":6,\"from\":\"00:00\",\"to\":\"24:00\"},"
		 "{\"weekday\":7,\"from\":\"00:00\",\"to\":\"24:00\"}],\"closed_dates\":[]}");
	it_json("PUT", path, token, body, &r);
	ck_assert_msg(r.status == 200, "schedule: %ld %s", r.status, r.body);
	it_response_free(&r);
}

/* A slot start on the 5-minute grid, some 15-20 minutes ahead (+ 5 * ahead minutes). */
static long long slot_ahead(int ahead, char rfc3339[32], char local[64])
{
	time_t t = (time_t)(((long long)time(NULL) / 300 + 3 + ahead) * 300);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(rfc3339, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(local, 64, "%Y-%m-%d %H:%M (UTC)", &tm); /* the stack's [queue] timezone is UTC */
	return (long long)t;
}

static long book(const char *email, const char *notify_json, int ahead, char id[64], char local[64])
{
	char body[1024], when[32], contact[200] = "";
	slot_ahead(ahead, when, local);
	if (*email)
		snprintf(contact, sizeof contact, ",\"email\":\"%s\"", email);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"priority_id\":\"%s\","
		 "\"customer\":{\"dni\":\"%s\",\"first_name\":\"Ana\",\"last_name\":\"Paz\"%s}%s%s}",
		 queue_id, when, priority_id, next_dni(), contact, notify_json ? ",\"notify\":" : "",
		 notify_json ? notify_json : "");
	struct it_response r;
	it_json("POST", "/api/v1/appointments", token, body, &r);
	long status = r.status;
	snprintf(id, 64, "%s", status == 201 ? it_str(&r, "id") : "");
	if (status != 201 && status != 422)
		ck_abort_msg("POST /appointments: %ld %s", r.status, r.body);
	if (status == 422 && notify_json)
		ck_assert_msg(has_error(&r, strstr(notify_json, "ahead\":0") ? "notify.ahead"
					    : strstr(notify_json, "sms") ? "notify.sms" : "notify.email"),
			      "%s", r.body);
	it_response_free(&r);
	return status;
}

static long long appointments_of_queue(void)
{
	char path[160];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/appointments?queue_id=%s", queue_id);
	it_json("GET", path, token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	long long total = it_obj_int(r.json, "total");
	it_response_free(&r);
	return total;
}

START_TEST(test_bookings_with_notify_and_public_bookings_with_an_email_get_a_booked_mail)
{
	relay_setup();
	bookable();
	char email[128], email2[128], id[64], local[64], want[512];
	struct mail m[4];
	snprintf(email, sizeof email, "book.%ld@example.org", (long)getpid());
	snprintf(email2, sizeof email2, "public.%ld@example.org", (long)getpid());

	/* Contacts missing or ahead out of range: 422 naming the field, nothing booked. */
	long long before = appointments_of_queue();
	ck_assert_int_eq(book("", "{\"email\":true}", 0, id, local), 422);
	ck_assert_int_eq(book(email, "{\"sms\":true}", 0, id, local), 422);
	ck_assert_int_eq(book(email, "{\"email\":true,\"ahead\":0}", 0, id, local), 422);
	ck_assert_int_eq(appointments_of_queue(), before);

	/* Staff booking with notify.email: `booked` with the slot, the queue and the cancel link. */
	ck_assert_int_eq(book(email, "{\"email\":true}", 0, id, local), 201);
	int k = wait_mails(email, 1, m, 4);
	ck_assert_int_eq(k, 1);
	snprintf(want, sizeof want, "Turno reservado: %s en %s", local, queue_name);
	ck_assert_str_eq(m[0].subject, want);
	snprintf(want, sizeof want, "Su turno en %s quedó reservado para el %s.", queue_name, local);
	ck_assert_msg(strstr(m[0].body, want), "%s", m[0].body);
	snprintf(want, sizeof want, "%s/book/%s", getenv("TURNERO_TEST_URL"), id);
	ck_assert_msg(strstr(m[0].body, want), "%s", m[0].body);
	mails_free(m, k);

	/* Without notify a staff booking sends nothing (the same address books again). */
	char other[64];
	ck_assert_int_eq(book(email, NULL, 1, other, local), 201);

	/* A public booking with an email is confirmed by email, without asking. */
	char body[1024], when[32], path[160];
	slot_ahead(2, when, local);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"customer\":{\"first_name\":\"Leo\",\"last_name\":\"Sol\","
		 "\"email\":\"%s\"}}",
		 queue_id, when, email2);
	struct it_response r;
	it_json("POST", "/api/v1/public/appointments", NULL, body, &r);
	ck_assert_msg(r.status == 201, "public booking: %ld %s", r.status, r.body);
	char pub[64];
	snprintf(pub, sizeof pub, "%s", it_str(&r, "id"));
	it_response_free(&r);
	k = wait_mails(email2, 1, m, 4);
	ck_assert_int_eq(k, 1);
	snprintf(want, sizeof want, "Turno reservado: %s en %s", local, queue_name);
	ck_assert_str_eq(m[0].subject, want);
	snprintf(want, sizeof want, "%s/book/%s", getenv("TURNERO_TEST_URL"), pub);
	ck_assert_msg(strstr(m[0].body, want), "%s", m[0].body);
	mails_free(m, k);
	/* Still one booked mail for the staff booking (the second one asked for nothing). */
	k = mails_to(email, m, 4);
	ck_assert_int_eq(k, 1);
	mails_free(m, k);
	snprintf(path, sizeof path, "/api/v1/public/appointments/%s/cancel", pub);
	it_json("POST", path, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
}
END_TEST

START_TEST(test_check_in_with_notify_issues_a_ticket_that_gets_issued_and_called)
{
	relay_setup();
	bookable();
	drain_queue();
	char email[128], appt[64], bare[64], local[64], path[160], ticket[64];
	struct it_response r;
	snprintf(email, sizeof email, "checkin.%ld@example.org", (long)getpid());
	ck_assert_int_eq(book(email, NULL, 3, appt, local), 201);
	ck_assert_int_eq(book("", NULL, 4, bare, local), 201);
	/* Today's slots, a minute ago (check-in takes only today's bookings). */
	char stmt[1024];
	snprintf(stmt, sizeof stmt,
		 "SET @s = UTC_TIMESTAMP() - INTERVAL 1 MINUTE; INSERT IGNORE INTO appointment_slots (queue_id, start)"
		 " SELECT queue_id, @s FROM appointments WHERE id IN ('%s', '%s'); UPDATE appointments SET start = @s,"
		 " end = @s + INTERVAL 5 MINUTE, service_date = UTC_DATE() WHERE id IN ('%s', '%s')",
		 appt, bare, appt, bare);
	it_sql(stmt);

	/* No email to notify: 422 naming notify.email, and the appointment is still booked. */
	snprintf(path, sizeof path, "/api/v1/appointments/%s/check-in", bare);
	it_json("POST", path, token, "{\"notify\":{\"email\":true}}", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(has_error(&r, "notify.email"), "%s", r.body);
	it_response_free(&r);
	it_json("POST", path, token, "{\"notify\":{\"email\":true,\"ahead\":21}}", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(has_error(&r, "notify.ahead"), "%s", r.body);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/appointments/%s", bare);
	it_json("GET", path, token, NULL, &r);
	ck_assert_str_eq(it_str(&r, "status"), "booked");
	it_response_free(&r);
	/* Without a body, as before. */
	snprintf(path, sizeof path, "/api/v1/appointments/%s/check-in", bare);
	it_json("POST", path, token, NULL, &r);
	ck_assert_msg(r.status == 201, "check-in: %ld %s", r.status, r.body);
	char bare_ticket[64];
	snprintf(bare_ticket, sizeof bare_ticket, "%s", it_str(&r, "id"));
	it_response_free(&r);

	snprintf(path, sizeof path, "/api/v1/appointments/%s/check-in", appt);
	it_json("POST", path, token, "{\"notify\":{\"email\":true}}", &r);
	ck_assert_msg(r.status == 201, "check-in: %ld %s", r.status, r.body);
	snprintf(ticket, sizeof ticket, "%s", it_str(&r, "id"));
	char code[16];
	snprintf(code, sizeof code, "%s", it_str(&r, "code"));
	it_response_free(&r);
	wait_all_sent(ticket, 1);
	ck_assert_uint_eq(count_kind(ticket, "issued"), 1);
	ck_assert_uint_eq(count_kind(bare_ticket, "issued"), 0);

	drain_queue(); /* calls both (and serves them) */
	wait_all_sent(ticket, 2);
	ck_assert_uint_eq(count_kind(ticket, "called"), 1);
	struct mail m[4];
	int k = wait_mails(email, 2, m, 4);
	ck_assert_int_eq(k, 2);
	char want[256];
	snprintf(want, sizeof want, "%s: es su turno, pase a %s", code, queue_name);
	ck_assert_msg(with_subject(m, k, want), "no mail \"%s\"", want);
	mails_free(m, k);
}
END_TEST

static int relay_pid(void)
{
	FILE *f = fopen(it_state_path("run/turnero-relay.pid"), "r");
	ck_assert_ptr_nonnull(f);
	int pid = 0;
	ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	return pid;
}

START_TEST(test_relay_killed_before_sending_sends_everything_once_after_a_restart)
{
	relay_setup();
	drain_queue();
	int pid = relay_pid();
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		pause_ms(100);

	char email[128], id[64], code[16];
	snprintf(email, sizeof email, "killed.%ld@example.org", (long)getpid());
	issue_ok(email, "", "{\"email\":true}", id, code); /* `issued` enqueued with the ticket */
	it_call_next(token, queue_id); /* `called` is the relay's to enqueue */
	pause_ms(1500);
	struct mail m[4];
	ck_assert_int_eq(mails_to(email, m, 4), 0);
	ck_assert_uint_eq(count_kind(id, "issued"), 1);
	ck_assert_uint_eq(count_kind(id, "called"), 0);

	ck_assert_int_eq(it_stack("relay-start"), 0); /* takes the dead holder's lease over */
	int k = wait_mails(email, 2, m, 4);
	ck_assert_int_eq(k, 2);
	char want[256];
	snprintf(want, sizeof want, "Su turno %s en %s", code, queue_name);
	ck_assert_msg(with_subject(m, k, want), "no mail \"%s\"", want);
	snprintf(want, sizeof want, "%s: es su turno, pase a %s", code, queue_name);
	ck_assert_msg(with_subject(m, k, want), "no mail \"%s\"", want);
	mails_free(m, k);
	wait_all_sent(id, 2);
	struct it_response r;
	struct json_object *l = notifications(id, &r);
	for (size_t i = 0; i < json_object_array_length(l); i++)
		ck_assert_int_eq(it_obj_int(json_object_array_get_idx(l, i), "attempts"), 1);
	it_response_free(&r);
	drain_queue();
}
END_TEST

int main(void)
{
	it_init();
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_check_config_refuses_a_template_with_an_unknown_placeholder_in_one_line);
	tcase_add_test(tc, test_notify_without_the_contact_is_422_naming_the_field_and_writes_nothing);
	tcase_add_test(tc, test_issued_email_reaches_the_sink_once_and_is_listed_sent_and_masked);
	tcase_add_test(tc, test_sms_goes_to_the_gateway_as_form_and_as_json_with_credentials);
	tcase_add_test(tc, test_near_once_when_the_position_comes_within_ahead_and_called_per_call);
	tcase_add_test(tc, test_smtp_down_is_retried_then_failed_with_the_reason_and_tickets_still_issue);
	suite_add_tcase(s, tc);
	TCase *relay = tcase_create("relay");
	tcase_set_timeout(relay, 300);
	tcase_add_test(relay, test_relay_sends_issued_and_called_naming_the_desk_without_notify_run);
	tcase_add_test(relay, test_relay_sends_near_exactly_once_when_the_position_reaches_ahead);
	tcase_add_test(relay, test_bookings_with_notify_and_public_bookings_with_an_email_get_a_booked_mail);
	tcase_add_test(relay, test_check_in_with_notify_issues_a_ticket_that_gets_issued_and_called);
	tcase_add_test(relay, test_relay_killed_before_sending_sends_everything_once_after_a_restart);
	suite_add_tcase(s, relay);
	int failed = it_run_suite(s);
	/* The programs after this one expect the stack's relay running. */
	if (it_stack("relay-start") != 0)
		failed = 1;
	return failed;
}
