/*
 * Webhooks (SPEC 11) and turnero-relay (SPEC 13) through the real stack: a receiver in
 * this process (127.0.0.1, a thread) checks every delivery's signature with its own HMAC.
 * The stack sets [webhooks] allow_private, so http://127.0.0.1 receivers are allowed; the
 * address rules themselves are unit-tested (tests/unit/check_webhook.c), and one test runs
 * the relay with allow_private off to see it refuse a loopback address when connecting.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "live_client.h"

#define MEDIA IT_MEDIA_PRIORITY
#define MISSING_ID "00000000-0000-4000-8000-000000000000"

static char admin_token[4096];
static int receiver_port;

/* ---- the receiver -------------------------------------------------------------------- */

struct hit {
	char path[600];
	char id[128], timestamp[32], signature[512], content_type[128];
	char *body;
	int answered;
};

static pthread_mutex_t hits_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hit hits[1024];
static size_t nhits;

/*
 * The receivers that misbehave (paths /hang/, /slow/): they hold each request's connection
 * until the test sets `release`; /slow/ then answers 200, /hang/ closes without a word.
 * held: connections held right now; abandoned: held ones the relay closed first.
 */
static int release, held, abandoned;

static void header_value(const char *head, const char *name, char *out, size_t size)
{
	out[0] = '\0';
	size_t nlen = strlen(name);
	for (const char *p = head; (p = strstr(p, "\r\n")); p += 2) {
		if (strncasecmp(p + 2, name, nlen) == 0 && p[2 + nlen] == ':') {
			const char *v = p + 3 + nlen;
			while (*v == ' ')
				v++;
			size_t n = strcspn(v, "\r\n");
			snprintf(out, size, "%.*s", (int)n, v);
			return;
		}
	}
}

/* How many earlier requests carried this webhook-id (the caller holds the lock). */
static int seen_before(const char *id)
{
	int n = 0;
	for (size_t i = 0; i < nhits; i++)
		if (strcmp(hits[i].id, id) == 0)
			n++;
	return n;
}

static void serve(int fd)
{
	char buf[65536];
	size_t len = 0;
	char *end = NULL;
	while (len < sizeof buf - 1 && !(end = strstr(buf, "\r\n\r\n"))) {
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			return;
		len += (size_t)n;
		buf[len] = '\0';
	}
	if (!end)
		return;
	size_t head_len = (size_t)(end - buf) + 4;
	char cl[32];
	header_value(buf, "Content-Length", cl, sizeof cl);
	size_t body_len = (size_t)strtoul(cl, NULL, 10);
	while (len < head_len + body_len && len < sizeof buf - 1) {
		ssize_t n = read(fd, buf + len, sizeof buf - 1 - len);
		if (n <= 0)
			return;
		len += (size_t)n;
	}
	buf[len] = '\0';
	struct hit h;
	memset(&h, 0, sizeof h);
	sscanf(buf, "POST %255s", h.path);
	header_value(buf, "webhook-id", h.id, sizeof h.id);
	header_value(buf, "webhook-timestamp", h.timestamp, sizeof h.timestamp);
	header_value(buf, "webhook-signature", h.signature, sizeof h.signature);
	header_value(buf, "Content-Type", h.content_type, sizeof h.content_type);
	h.body = strndup(buf + head_len, body_len);
	bool hold = strncmp(h.path, "/hang/", 6) == 0 || strncmp(h.path, "/slow/", 6) == 0;
	pthread_mutex_lock(&hits_lock);
	int status = 200;
	if (strncmp(h.path, "/fail-once/", 11) == 0 && seen_before(h.id) == 0)
		status = 500;
	else if (strncmp(h.path, "/gone/", 6) == 0)
		status = 410;
	h.answered = status;
	if (nhits < sizeof hits / sizeof hits[0])
		hits[nhits++] = h;
	else
		free(h.body);
	if (hold)
		held++;
	pthread_mutex_unlock(&hits_lock);
	if (strncmp(h.path, "/close/", 7) == 0)
		return; /* closed without an answer */
	if (hold) {
		/* Until released, or until the relay gives up on us (it closes its end). */
		bool gone = false;
		for (;;) {
			pthread_mutex_lock(&hits_lock);
			int done = release;
			pthread_mutex_unlock(&hits_lock);
			if (done)
				break;
			struct pollfd pfd = {fd, POLLIN, 0};
			if (poll(&pfd, 1, 50) > 0) {
				char c;
				if (read(fd, &c, 1) <= 0) {
					gone = true;
					break;
				}
			}
		}
		pthread_mutex_lock(&hits_lock);
		held--;
		if (gone)
			abandoned++;
		pthread_mutex_unlock(&hits_lock);
		if (gone || strncmp(h.path, "/hang/", 6) == 0)
			return;
	}
	char resp[128];
	int n = snprintf(resp, sizeof resp, "HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
	(void)!write(fd, resp, (size_t)n);
}

static void *connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	serve(fd);
	close(fd);
	return NULL;
}

/* One thread per connection: the relay sends many deliveries at once. */
static void *receiver(void *arg)
{
	int lfd = *(int *)arg;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_t t;
		if (pthread_create(&t, NULL, connection, (void *)(intptr_t)fd) != 0) {
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

static void start_receiver(void)
{
	static int lfd;
	lfd = it_listen_loopback(64, &receiver_port);
	if (lfd < 0) {
		perror("receiver");
		exit(1);
	}
	pthread_t t;
	pthread_create(&t, NULL, receiver, &lfd);
	pthread_detach(t);
}

/* Requests received on paths starting with prefix, copied into out (bodies borrowed). */
static size_t hits_for(const char *prefix, struct hit *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&hits_lock);
	for (size_t i = 0; i < nhits && n < max; i++)
		if (strncmp(hits[i].path, prefix, strlen(prefix)) == 0)
			out[n++] = hits[i];
	pthread_mutex_unlock(&hits_lock);
	return n;
}

/* Waits until at least count requests arrived on prefix; returns how many did. */
static size_t wait_hits(const char *prefix, size_t count, long timeout_ms, struct hit *out, size_t max)
{
	long long until = it_now_ms() + timeout_ms;
	size_t n;
	while ((n = hits_for(prefix, out, max)) < count && it_now_ms() < until)
		it_sleep_ms(100);
	return n;
}

/* ---- signatures, computed here independently of the server ---------------------------- */

static void expected_signature(const char *secret, const struct hit *h, char out[128])
{
	unsigned char key[64];
	const char *b64 = secret + 6;
	int klen = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)strlen(b64));
	ck_assert_int_ge(klen, 32);
	klen = 32; /* 44 base64 characters with one '=' of padding: 32 bytes */
	char *msg = NULL;
	ck_assert_int_gt(asprintf(&msg, "%s.%s.%s", h->id, h->timestamp, h->body), 0);
	unsigned char mac[32];
	unsigned int mlen = 0;
	HMAC(EVP_sha256(), key, klen, (unsigned char *)msg, strlen(msg), mac, &mlen);
	free(msg);
	memcpy(out, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)out + 3, mac, (int)mlen);
}

/* True when the signature header holds a v1 signature made with secret. */
static bool signed_with(const struct hit *h, const char *secret)
{
	char want[128];
	expected_signature(secret, h, want);
	char sigs[512];
	snprintf(sigs, sizeof sigs, "%s", h->signature);
	for (char *save = NULL, *tok = strtok_r(sigs, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (strcmp(tok, want) == 0)
			return true;
	return false;
}

/* ---- API helpers ---------------------------------------------------------------------- */

struct webhook {
	char id[64];
	char secret[128];
	char prefix[96]; /* the receiver path prefix of this webhook */
};

/* Webhooks of the running test, deactivated by its teardown even when it fails. */
static char created[64][64];
static size_t ncreated;

static void create_webhook(const char *kind, const char *events_json, struct webhook *w)
{
	static unsigned n;
	snprintf(w->prefix, sizeof w->prefix, "/%s/%d-%u/", kind, (int)getpid(), n++);
	char body[512];
	snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%d%shook\",\"events\":%s,\"description\":\"it\"}",
		 receiver_port, w->prefix, events_json);
	struct it_response r;
	it_json("POST", "/api/v1/webhooks", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "create webhook: %ld %s", r.status, r.body);
	snprintf(w->id, sizeof w->id, "%s", it_str(&r, "id"));
	snprintf(w->secret, sizeof w->secret, "%s", it_str(&r, "secret"));
	it_response_free(&r);
	if (ncreated < 64)
		snprintf(created[ncreated++], 64, "%s", w->id);
}

static void deactivate_created(void)
{
	for (size_t i = 0; i < ncreated; i++) {
		char path[128];
		struct it_response r;
		snprintf(path, sizeof path, "/api/v1/webhooks/%.36s", created[i]);
		it_json("DELETE", path, admin_token, NULL, &r);
		it_response_free(&r);
	}
	ncreated = 0;
}

static void delete_webhook(const struct webhook *w)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/webhooks/%s", w->id);
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
}

/* GET /webhooks/{id}/deliveries (the first page of 500) into r. */
static void deliveries(const struct webhook *w, struct it_response *r)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/webhooks/%s/deliveries?limit=500", w->id);
	it_json("GET", path, admin_token, NULL, r);
	ck_assert_msg(r->status == 200, "deliveries: %ld %s", r->status, r->body);
}

static const char *jget(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

/* Waits until delivery id of w has status; returns its JSON text (malloc'd) or NULL. */
static char *wait_delivery(const struct webhook *w, const char *id, const char *status, long timeout_ms)
{
	long long until = it_now_ms() + timeout_ms;
	do {
		struct it_response r;
		deliveries(w, &r);
		struct json_object *items = json_object_object_get(r.json, "items");
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			struct json_object *d = json_object_array_get_idx(items, i);
			const char *st = jget(d, "status");
			if (strcmp(jget(d, "id"), id) == 0 && st && strcmp(st, status) == 0) {
				char *text = strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
				it_response_free(&r);
				return text;
			}
		}
		it_response_free(&r);
		it_sleep_ms(200);
	} while (it_now_ms() < until);
	return NULL;
}

/* ---- tests ---------------------------------------------------------------------------- */

START_TEST(test_webhook_crud_and_validation)
{
	struct webhook w;
	create_webhook("ok", "[\"ticket.called\",\"ticket.served\"]", &w);
	ck_assert_msg(strncmp(w.secret, "whsec_", 6) == 0 && strlen(w.secret) == 6 + 44, "secret format: %s", w.secret);
	unsigned char raw[48];
	ck_assert_int_eq(EVP_DecodeBlock(raw, (const unsigned char *)w.secret + 6, 44), 33); /* 32 bytes + padding */

	char path[160];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/webhooks/%s", w.id);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(!strstr(r.body, "secret") && !strstr(r.body, "whsec_"), "the secret is shown once: %s", r.body);
	ck_assert_msg(strstr(r.body, "\"events\":[\"ticket.called\",\"ticket.served\"]"), "events: %s", r.body);
	ck_assert_msg(strstr(r.body, "\"state\":true"), "active: %s", r.body);
	it_response_free(&r);

	it_json("PATCH", path, admin_token, "{\"events\":[\"*\"],\"description\":\"all of them\"}", &r);
	ck_assert_msg(r.status == 200, "patch: %ld %s", r.status, r.body);
	ck_assert_msg(strstr(r.body, "\"events\":[\"*\"]") && strstr(r.body, "\"description\":\"all of them\""),
		      "patched: %s", r.body);
	it_response_free(&r);

	it_json("GET", "/api/v1/webhooks?state=true&limit=500", admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, w.id) && strstr(r.body, "\"total\":"), "listed: %s", r.body);
	ck_assert_msg(!strstr(r.body, "whsec_"), "no secrets in lists: %s", r.body);
	it_response_free(&r);

	static const struct {
		const char *body, *field;
	} bad[] = {
		{"{\"events\":[\"*\"]}", "url"},
		{"{\"url\":\"ftp://127.0.0.1/x\",\"events\":[\"*\"]}", "url"},
		{"{\"url\":\"http://user:pw@127.0.0.1/x\",\"events\":[\"*\"]}", "url"},
		{"{\"url\":\"not a url\",\"events\":[\"*\"]}", "url"},
		{"{\"url\":\"http://127.0.0.1:99999/x\",\"events\":[\"*\"]}", "url"},
		{"{\"url\":\"http://127.0.0.1/x\"}", "events"},
		{"{\"url\":\"http://127.0.0.1/x\",\"events\":[]}", "events"},
		{"{\"url\":\"http://127.0.0.1/x\",\"events\":[\"ticket.exploded\"]}", "events"},
		{"{\"url\":\"http://127.0.0.1/x\",\"events\":[\"*\",\"ticket.called\"]}", "events"},
		{"{\"url\":\"http://127.0.0.1/x\",\"events\":[\"ticket.called\",\"ticket.called\"]}", "events"},
		{"{\"url\":\"http://127.0.0.1/x\",\"events\":\"ticket.called\"}", "events"},
		{"{\"url\":\"http://127.0.0.1/x\",\"events\":[\"*\"],\"secret\":\"whsec_x\"}", "secret"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char needle[64];
		it_json("POST", "/api/v1/webhooks", admin_token, bad[i].body, &r);
		it_assert_problem(&r, 422);
		snprintf(needle, sizeof needle, "\"field\":\"%s\"", bad[i].field);
		ck_assert_msg(strstr(r.body, needle), "%s: names %s: %s", bad[i].body, bad[i].field, r.body);
		it_response_free(&r);
	}
	/* Both problems at once. */
	it_json("POST", "/api/v1/webhooks", admin_token, "{\"url\":\"gopher://x\",\"events\":[\"nope\"]}", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(strstr(r.body, "\"field\":\"url\"") && strstr(r.body, "\"field\":\"events\""), "all errors: %s",
		      r.body);
	it_response_free(&r);

	it_json("GET", "/api/v1/webhooks/" MISSING_ID, admin_token, NULL, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	it_json("GET", "/api/v1/webhooks", NULL, NULL, &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);

	delete_webhook(&w);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_msg(strstr(r.body, "\"state\":false"), "DELETE deactivates: %s", r.body);
	it_response_free(&r);
}
END_TEST

START_TEST(test_signed_delivery_of_subscribed_events)
{
	struct webhook w;
	char queue[64], ticket[64];
	create_webhook("ok", "[\"ticket.called\"]", &w);
	it_new_queue(admin_token, "hook-sign", queue);
	it_new_ticket(admin_token, queue, ticket);
	it_call_next(admin_token, queue);

	struct hit h[8];
	ck_assert_msg(wait_hits(w.prefix, 1, 15000, h, 8) >= 1, "a delivery arrived");
	ck_assert_str_eq(h[0].content_type, "application/json");
	ck_assert_msg(signed_with(&h[0], w.secret), "signature %s verifies with the secret", h[0].signature);
	long long ts = strtoll(h[0].timestamp, NULL, 10);
	ck_assert_msg(llabs(ts - (long long)time(NULL)) < 120, "webhook-timestamp is unix seconds: %s", h[0].timestamp);
	struct json_object *body = json_tokener_parse(h[0].body);
	ck_assert_msg(body, "JSON body: %s", h[0].body);
	ck_assert_str_eq(jget(body, "type"), "ticket.called");
	ck_assert_ptr_nonnull(jget(body, "timestamp"));
	struct json_object *data = json_object_object_get(body, "data");
	struct json_object *t = json_object_object_get(data, "ticket");
	ck_assert_str_eq(jget(t, "id"), ticket);
	ck_assert_str_eq(jget(t, "status"), "called");
	json_object_put(body);

	/* Only the subscribed type: the outbox was written with the events, so this is final. */
	struct it_response r;
	deliveries(&w, &r);
	struct json_object *items = json_object_object_get(r.json, "items");
	ck_assert_int_eq(json_object_array_length(items), 1);
	struct json_object *d = json_object_array_get_idx(items, 0);
	ck_assert_str_eq(jget(d, "id"), h[0].id); /* webhook-id is the delivery id */
	ck_assert_str_eq(jget(d, "type"), "ticket.called");
	ck_assert_ptr_nonnull(jget(d, "seq"));
	it_response_free(&r);
	char *done = wait_delivery(&w, h[0].id, "delivered", 10000);
	ck_assert_msg(done, "the delivery is marked delivered");
	ck_assert_msg(strstr(done, "\"attempts\":1") && strstr(done, "\"last_status_code\":200"), "recorded: %s", done);
	ck_assert_msg(strstr(done, "\"delivered_date\":\"20"), "delivered_date: %s", done);
	free(done);
	delete_webhook(&w);

	/* The relay's metrics come with the workers' (it rewrites its file every second). */
	bool seen = false;
	for (int i = 0; i < 50 && !seen; i++) {
		it_json("GET", "/api/v1/metrics", NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		const char *p = strstr(r.body, "\nturnero_relay_deliveries_total{status=\"delivered\"} ");
		seen = p && strtoll(p + strlen("\nturnero_relay_deliveries_total{status=\"delivered\"} "), NULL, 10) >= 1 &&
		       strstr(r.body, "\nturnero_relay_lag_events ") && strstr(r.body, "\nturnero_relay_lag_seconds ") &&
		       strstr(r.body, "\nturnero_relay_leader 1\n");
		if (!seen)
			it_sleep_ms(100);
		if (!seen && i == 49)
			ck_abort_msg("relay metrics in GET /metrics: %s", r.body);
		it_response_free(&r);
	}
}
END_TEST

/* The types of w's deliveries, oldest first, comma-separated. */
static void delivery_types(const struct webhook *w, char *out, size_t size)
{
	struct it_response r;
	deliveries(w, &r);
	struct json_object *items = json_object_object_get(r.json, "items");
	out[0] = '\0';
	for (size_t i = json_object_array_length(items); i-- > 0;) {
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s", len ? "," : "", jget(json_object_array_get_idx(items, i), "type"));
	}
	it_response_free(&r);
}

/* "type:ticket id" of a delivered body. */
static void hit_event(const struct hit *h, char *out, size_t size)
{
	struct json_object *body = json_tokener_parse(h->body);
	ck_assert_msg(body, "JSON body: %s", h->body);
	struct json_object *ticket = json_object_object_get(json_object_object_get(body, "data"), "ticket");
	snprintf(out, size, "%s:%s", jget(body, "type"), jget(ticket, "id"));
	json_object_put(body);
}

/*
 * Every writer of ticket events fills the outbox in the event's transaction: a call out of
 * order (POST /tickets/{id}/call) and the daily restart's expired events included.
 */
START_TEST(test_manual_calls_and_the_restart_are_delivered)
{
	struct webhook w;
	char queue[64], called[64], stale[64], path[160], stmt[256], want[512], got[2048];
	create_webhook("ok", "[\"ticket.called\",\"ticket.expired\"]", &w);
	it_new_queue(admin_token, "hook-writers", queue);
	it_new_ticket(admin_token, queue, stale);
	it_new_ticket(admin_token, queue, called);
	struct it_response r;
	char body[128];
	snprintf(path, sizeof path, "/api/v1/tickets/%s/call", called);
	snprintf(body, sizeof body, "{\"queue_id\":\"%s\"}", queue);
	it_json("POST", path, admin_token, body, &r);
	ck_assert_msg(r.status == 200, "manual call: %ld %s", r.status, r.body);
	it_response_free(&r);
	snprintf(stmt, sizeof stmt, "UPDATE tickets SET service_date = UTC_DATE() - INTERVAL 1 DAY WHERE id = '%s'", stale);
	it_sql(stmt);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' schedule-restart >/dev/null", getenv("TURNERO_BUILD_DIR"),
		 it_state_path("turnero.conf"));
	ck_assert_int_eq(system(cmd), 0);

	delivery_types(&w, got, sizeof got);
	ck_assert_str_eq(got, "ticket.called,ticket.expired");
	struct hit h[4];
	ck_assert_msg(wait_hits(w.prefix, 2, 15000, h, 4) == 2, "both were delivered");
	char first[160], second[160];
	hit_event(&h[0], first, sizeof first);
	hit_event(&h[1], second, sizeof second);
	snprintf(want, sizeof want, "ticket.called:%s", called);
	ck_assert_msg(strcmp(first, want) == 0 || strcmp(second, want) == 0, "delivered %s and %s", first, second);
	snprintf(want, sizeof want, "ticket.expired:%s", stale);
	ck_assert_msg(strcmp(first, want) == 0 || strcmp(second, want) == 0, "delivered %s and %s", first, second);
	delete_webhook(&w);
}
END_TEST

START_TEST(test_retry_after_500_keeps_the_webhook_id)
{
	struct webhook w;
	char queue[64];
	char ticket[64];
	create_webhook("fail-once", "[\"ticket.created\"]", &w);
	it_new_queue(admin_token, "hook-retry", queue);
	it_new_ticket(admin_token, queue, ticket);
	struct hit h[8];
	/* The first answer is 500; the retry comes after [webhooks] retry_seconds' first step (5 s). */
	size_t n = wait_hits(w.prefix, 2, 30000, h, 8);
	ck_assert_msg(n >= 2, "retried after a 500 (%zu requests)", n);
	ck_assert_msg(strstr(h[0].body, ticket), "the ticket's event: %s", h[0].body);
	ck_assert_int_eq(h[0].answered, 500);
	ck_assert_int_eq(h[1].answered, 200);
	ck_assert_str_eq(h[0].id, h[1].id);
	ck_assert_str_eq(h[0].body, h[1].body);
	ck_assert(signed_with(&h[0], w.secret));
	ck_assert(signed_with(&h[1], w.secret));
	char *done = wait_delivery(&w, h[0].id, "delivered", 10000);
	ck_assert_msg(done && strstr(done, "\"attempts\":2"), "two attempts recorded: %s", done ? done : "(none)");
	free(done);
	delete_webhook(&w);
}
END_TEST

START_TEST(test_410_deactivates_the_webhook)
{
	struct webhook w;
	char queue[64], path[160];
	create_webhook("gone", "[\"ticket.created\"]", &w);
	it_new_queue(admin_token, "hook-gone", queue);
	it_new_ticket(admin_token, queue, NULL);
	struct hit h[8];
	ck_assert(wait_hits(w.prefix, 1, 15000, h, 8) >= 1);
	char *failed = wait_delivery(&w, h[0].id, "failed", 10000);
	ck_assert_msg(failed && strstr(failed, "\"last_status_code\":410"), "failed with 410: %s",
		      failed ? failed : "(none)");
	free(failed);
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/webhooks/%s", w.id);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_msg(strstr(r.body, "\"state\":false"), "deactivated: %s", r.body);
	it_response_free(&r);
	/* A deactivated webhook gets no new deliveries. */
	it_new_ticket(admin_token, queue, NULL);
	deliveries(&w, &r);
	ck_assert_int_eq(json_object_array_length(json_object_object_get(r.json, "items")), 1);
	it_response_free(&r);
}
END_TEST

START_TEST(test_test_event_and_manual_retry)
{
	struct webhook w;
	char path[600];
	create_webhook("ok", "[\"ticket.served\"]", &w);
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/webhooks/%s/test", w.id);
	it_json("POST", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 202, "test: %ld %s", r.status, r.body);
	char delivery[64];
	snprintf(delivery, sizeof delivery, "%s", it_str(&r, "delivery_id"));
	it_response_free(&r);
	struct hit h[8];
	ck_assert(wait_hits(w.prefix, 1, 15000, h, 8) >= 1);
	ck_assert_str_eq(h[0].id, delivery);
	ck_assert_msg(strstr(h[0].body, "\"type\":\"webhook.test\""), "webhook.test: %s", h[0].body);
	ck_assert(signed_with(&h[0], w.secret));
	char *done = wait_delivery(&w, delivery, "delivered", 10000);
	ck_assert_ptr_nonnull(done);
	free(done);

	/* A delivered one is sent again, with the same webhook-id. */
	snprintf(path, sizeof path, "/api/v1/webhooks/%s/deliveries/%s/retry", w.id, delivery);
	it_json("POST", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 202, "retry: %ld %s", r.status, r.body);
	it_response_free(&r);
	ck_assert(wait_hits(w.prefix, 2, 15000, h, 8) >= 2);
	ck_assert_str_eq(h[1].id, delivery);
	ck_assert_str_eq(h[1].body, h[0].body);

	snprintf(path, sizeof path, "/api/v1/webhooks/%s/deliveries/" MISSING_ID "/retry", w.id);
	it_json("POST", path, admin_token, NULL, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	it_json("POST", "/api/v1/webhooks/" MISSING_ID "/test", admin_token, NULL, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/webhooks/%s/deliveries?status=lost", w.id);
	it_json("GET", path, admin_token, NULL, &r);
	it_assert_problem(&r, 422);
	it_response_free(&r);
	delete_webhook(&w);
}
END_TEST

START_TEST(test_rotated_secret_signs_with_both_for_a_day)
{
	struct webhook w;
	char path[256], fresh[128];
	create_webhook("ok", "[\"ticket.served\"]", &w);
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/webhooks/%s/rotate-secret", w.id);
	it_json("POST", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "rotate: %ld %s", r.status, r.body);
	snprintf(fresh, sizeof fresh, "%s", it_str(&r, "secret"));
	it_response_free(&r);
	ck_assert_msg(strncmp(fresh, "whsec_", 6) == 0 && strcmp(fresh, w.secret) != 0, "a new secret: %s", fresh);
	snprintf(path, sizeof path, "/api/v1/webhooks/%s/test", w.id);
	it_json("POST", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 202);
	it_response_free(&r);
	struct hit h[8];
	ck_assert(wait_hits(w.prefix, 1, 15000, h, 8) >= 1);
	ck_assert_msg(strchr(h[0].signature, ' '), "two signatures: %s", h[0].signature);
	ck_assert_msg(signed_with(&h[0], fresh), "signed with the new secret: %s", h[0].signature);
	ck_assert_msg(signed_with(&h[0], w.secret), "and with the old one: %s", h[0].signature);
	delete_webhook(&w);
}
END_TEST

/* Everything committed while the relay is dead is published and delivered after it restarts. */
START_TEST(test_relay_killed_during_a_burst_loses_nothing)
{
	struct webhook w;
	char queue[64], path[160];
	create_webhook("ok", "[\"*\"]", &w);
	it_new_queue(admin_token, "hook-burst", queue);
	snprintf(path, sizeof path, "/api/v1/live/queues/%s", queue);
	struct sse s;
	sse_open(&s, path, admin_token, NULL);
	ck_assert_int_eq(sse_status(&s), 200);

	FILE *f = fopen(it_state_path("run/turnero-relay.pid"), "r");
	ck_assert_ptr_nonnull(f);
	int pid = 0;
	ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	enum { TICKETS = 12, CALLS = 4 };
	char ids[TICKETS][64];
	for (int i = 0; i < TICKETS; i++) {
		it_new_ticket(admin_token, queue, ids[i]);
		if (i == 3)
			ck_assert_int_eq(kill(pid, SIGKILL), 0); /* in the middle of the burst */
	}
	for (int i = 0; i < CALLS; i++)
		it_call_next(admin_token, queue);
	ck_assert_int_eq(it_stack("relay-start"), 0);

	/* TICKETS created + CALLS called + (CALLS - 1) served events, each delivered once at least. */
	const size_t events = TICKETS + CALLS + (CALLS - 1);
	struct hit *h = calloc(256, sizeof *h);
	size_t n = wait_hits(w.prefix, events, 60000, h, 256);
	ck_assert_msg(n >= events, "%zu of %zu events delivered", n, events);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(signed_with(&h[i], w.secret), "delivery %zu signed", i);
	for (int i = 0; i < TICKETS; i++) {
		char needle[128];
		snprintf(needle, sizeof needle, "\"type\":\"ticket.created\",");
		bool found = false;
		for (size_t j = 0; j < n && !found; j++)
			found = strstr(h[j].body, needle) && strstr(h[j].body, ids[i]);
		ck_assert_msg(found, "ticket.created of ticket %d delivered", i);
	}
	free(h);
	/* And the queue stream got a message for every one of those events. */
	for (int i = 0; i < TICKETS; i++) {
		char needle[160];
		snprintf(needle, sizeof needle, "\"event\":\"created\",\"ticket\":{\"id\":\"%.36s\"", ids[i]);
		ck_assert_msg(sse_wait(&s, 0, needle, 30000), "created message of ticket %d published", i);
	}
	for (int i = 0; i < CALLS; i++) {
		char needle[160];
		snprintf(needle, sizeof needle, "\"event\":\"called\",\"ticket\":{\"id\":\"%.36s\"", ids[i]);
		ck_assert_msg(sse_wait(&s, 0, needle, 30000), "called message of ticket %d published", i);
	}
	sse_close(&s);
	delete_webhook(&w);
}
END_TEST

/* The contents of a file of the stack's state directory (malloc'd), or NULL. */
static char *read_state_file(const char *rel)
{
	FILE *f = fopen(it_state_path(rel), "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, 65536);
	size_t n = buf ? fread(buf, 1, 65535, f) : 0;
	(void)n;
	fclose(f);
	return buf;
}

static int relay_pid(void)
{
	char *text = read_state_file("run/turnero-relay.pid");
	int pid = text ? atoi(text) : 0;
	free(text);
	return pid;
}

/* A second relay, as on a second host, waits; it takes the work over when the first dies. */
START_TEST(test_standby_relay_takes_over_the_lease)
{
	char metrics[1024], wake[1024], log[1024];
	snprintf(metrics, sizeof metrics, "%s", it_state_path("run/relay2.prom"));
	snprintf(wake, sizeof wake, "%s", it_state_path("run/relay2.wake"));
	snprintf(log, sizeof log, "%s", it_state_path("log/relay2.log"));
	pid_t standby = fork();
	ck_assert_int_ge(standby, 0);
	if (standby == 0) {
		char exe[1024];
		snprintf(exe, sizeof exe, "%s/turnero-relay", getenv("TURNERO_BUILD_DIR"));
		setenv("TURNERO_RELAY_METRICS_FILE", metrics, 1);
		setenv("TURNERO_RELAY_WAKE_SOCKET", wake, 1);
		if (!freopen(log, "a", stderr) || !freopen("/dev/null", "r", stdin))
			_exit(127);
		execl(exe, exe, "-c", it_state_path("turnero.conf"), (char *)NULL);
		_exit(127);
	}
	/* The standby reports that it does not lead. */
	bool waiting = false;
	for (int i = 0; i < 100 && !waiting; i++) {
		char *m = read_state_file("run/relay2.prom");
		waiting = m && strstr(m, "\nturnero_relay_leader 0\n");
		free(m);
		if (!waiting)
			it_sleep_ms(100);
	}
	if (!waiting) {
		kill(standby, SIGTERM);
		waitpid(standby, NULL, 0);
	}
	ck_assert_msg(waiting, "the second relay waits (turnero_relay_leader 0)");

	struct webhook w;
	char queue[64], ticket[64];
	create_webhook("ok", "[\"ticket.created\"]", &w);
	it_new_queue(admin_token, "hook-standby", queue);
	int first = relay_pid();
	ck_assert_int_gt(first, 0);
	ck_assert_int_eq(kill(first, SIGKILL), 0);
	it_new_ticket(admin_token, queue, ticket);

	/* Its lease expires within 6 s; give the takeover a generous bound. */
	struct hit h[8];
	size_t n = wait_hits(w.prefix, 1, 30000, h, 8);
	bool leads = false;
	char *m = read_state_file("run/relay2.prom");
	leads = m && strstr(m, "\nturnero_relay_leader 1\n");
	free(m);
	kill(standby, SIGTERM);
	waitpid(standby, NULL, 0);
	ck_assert_int_eq(it_stack("relay-start"), 0); /* the stack's own relay again */
	ck_assert_msg(n >= 1 && strstr(h[0].body, ticket), "the standby delivered the event (%zu requests)", n);
	ck_assert_msg(leads, "the standby took the lease");
	ck_assert(signed_with(&h[0], w.secret));
}
END_TEST

/* ---- appointment events ----------------------------------------------------------------- */

#define BAJA "0b5e7d2a-5c1e-4f7a-8d3b-000000000003"

/* A queue serving Media and Baja, one place per 5-minute slot all week. */
static void bookable_queue(const char *name, char id[64])
{
	char prefix[8], path[128], body[1024];
	ck_assert_int_eq(it_create_queue(admin_token, it_unique(name), "fifo", "[\"" MEDIA "\",\"" BAJA "\"]", id, prefix),
			 0);
	snprintf(path, sizeof path, "/api/v1/queues/%s/schedule", id);
	size_t n = (size_t)snprintf(body, sizeof body,
				    "{\"slot_minutes\":5,\"capacity\":1,\"weeks_ahead\":2,\"late_grace_minutes\":10,"
				    "\"closed_dates\":[],\"hours\":[");
	for (int d = 1; d <= 7; d++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{\"weekday\":%d,\"from\":\"00:00\",\"to\":\"24:00\"}",
				      d > 1 ? "," : "", d);
	snprintf(body + n, sizeof body - n, "]}");
	struct it_response r;
	it_json("PUT", path, admin_token, body, &r);
	ck_assert_msg(r.status == 200, "schedule: %ld %s", r.status, r.body);
	it_response_free(&r);
}

static const char *unique_dni(void)
{
	static unsigned n;
	static char buf[4][24];
	char *b = buf[n % 4];
	snprintf(b, 24, "7%05u%04u", (unsigned)getpid() % 100000, n++ % 10000);
	return b;
}

/* POST /appointments for a new customer; extra is more JSON members (or ""). The answer in r. */
static void book(const char *queue, long long start, const char *extra, struct it_response *r)
{
	char body[768], when[32];
	it_rfc3339(start, when);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"priority_id\":\"" MEDIA "\","
		 "\"customer\":{\"dni\":\"%s\",\"first_name\":\"Cita\",\"last_name\":\"Hook\"}%s}",
		 queue, when, unique_dni(), extra);
	it_json("POST", "/api/v1/appointments", admin_token, body, r);
}

/* The appointment as GET /appointments/{id} shows it now (caller frees with json_object_put). */
static struct json_object *appointment_now(const char *id)
{
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/appointments/%s", id);
	it_json("GET", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET appointment: %ld %s", r.status, r.body);
	struct json_object *o = json_object_get(r.json);
	it_response_free(&r);
	return o;
}

struct expected_event {
	const char *type;
	char id[64];
	struct json_object *appointment; /* as the API showed it right after the change */
};

START_TEST(test_appointment_events_are_delivered_signed)
{
	struct webhook w, tickets_only;
	char queue[64], path[256];
	create_webhook("ok", "[\"appointment.booked\",\"appointment.cancelled\",\"appointment.checked_in\","
			     "\"appointment.no_show\"]", &w);
	create_webhook("ok", "[\"ticket.created\"]", &tickets_only); /* gets no appointment event */
	bookable_queue("hook-appt", queue);
	struct expected_event want[12];
	size_t nwant = 0;
	struct it_response r;

	/* booked, by the staff route: the event carries the 201 answer. */
	long long slot0 = it_future_slot(0);
	book(queue, slot0, "", &r);
	ck_assert_msg(r.status == 201, "book: %ld %s", r.status, r.body);
	want[nwant] = (struct expected_event){"appointment.booked", "", json_object_get(r.json)};
	snprintf(want[nwant++].id, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);

	/* Failed bookings write nothing: a full slot (409), a bad start (422), a notify the
	 * customer cannot take (422 after the appointment row was written: rolled back). */
	book(queue, slot0, "", &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	book(queue, slot0 + 60, "", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(strstr(r.body, "\"field\":\"start\""), "names start: %s", r.body);
	it_response_free(&r);
	book(queue, it_future_slot(1), ",\"notify\":{\"email\":true}", &r);
	it_assert_problem(&r, 422);
	ck_assert_msg(strstr(r.body, "\"field\":\"notify.email\""), "names notify.email: %s", r.body);
	it_response_free(&r);

	/* cancelled (staff); a second cancel is 409 and writes nothing. */
	book(queue, it_future_slot(1), "", &r);
	ck_assert_msg(r.status == 201, "book: %ld %s", r.status, r.body);
	char cancelled[64];
	snprintf(cancelled, sizeof cancelled, "%s", it_str(&r, "id"));
	want[nwant] = (struct expected_event){"appointment.booked", "", json_object_get(r.json)};
	snprintf(want[nwant++].id, 64, "%s", cancelled);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/appointments/%s/cancel", cancelled);
	it_json("POST", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 200, "cancel: %ld %s", r.status, r.body);
	want[nwant] = (struct expected_event){"appointment.cancelled", "", json_object_get(r.json)};
	snprintf(want[nwant++].id, 64, "%s", cancelled);
	it_response_free(&r);
	it_json("POST", path, admin_token, NULL, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);

	/* checked_in: the slot moved to 3 minutes ago, today; the event names the new ticket. */
	book(queue, it_future_slot(2), "", &r);
	ck_assert_msg(r.status == 201, "book: %ld %s", r.status, r.body);
	char checked[64], stmt[1024];
	snprintf(checked, sizeof checked, "%s", it_str(&r, "id"));
	want[nwant] = (struct expected_event){"appointment.booked", "", json_object_get(r.json)};
	snprintf(want[nwant++].id, 64, "%s", checked);
	it_response_free(&r);
	snprintf(stmt, sizeof stmt,
		 "SET @s = UTC_TIMESTAMP() - INTERVAL 3 MINUTE; INSERT IGNORE INTO appointment_slots (queue_id, start)"
		 " SELECT queue_id, @s FROM appointments WHERE id = '%s'; UPDATE appointments SET start = @s,"
		 " end = @s + INTERVAL 5 MINUTE, service_date = UTC_DATE() WHERE id = '%s'", checked, checked);
	it_sql(stmt);
	snprintf(path, sizeof path, "/api/v1/appointments/%s/check-in", checked);
	it_json("POST", path, admin_token, NULL, &r);
	ck_assert_msg(r.status == 201, "check-in: %ld %s", r.status, r.body);
	char ticket[64];
	snprintf(ticket, sizeof ticket, "%s", it_str(&r, "id"));
	it_response_free(&r);
	want[nwant] = (struct expected_event){"appointment.checked_in", "", appointment_now(checked)};
	snprintf(want[nwant++].id, 64, "%s", checked);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(want[nwant - 1].appointment, "ticket_id")),
			 ticket);

	/* booked and cancelled through the public self-service routes. */
	char body[512], when[32], pub[64];
	it_rfc3339(it_future_slot(3), when);
	snprintf(body, sizeof body,
		 "{\"queue_id\":\"%s\",\"start\":\"%s\",\"customer\":{\"first_name\":\"Pub\",\"last_name\":\"Lic\","
		 "\"dni\":\"%s\"}}", queue, when, unique_dni());
	it_json("POST", "/api/v1/public/appointments", NULL, body, &r);
	ck_assert_msg(r.status == 201, "public booking: %ld %s", r.status, r.body);
	snprintf(pub, sizeof pub, "%s", it_str(&r, "id"));
	it_response_free(&r);
	want[nwant] = (struct expected_event){"appointment.booked", "", appointment_now(pub)};
	snprintf(want[nwant++].id, 64, "%s", pub);
	snprintf(path, sizeof path, "/api/v1/public/appointments/%s/cancel", pub);
	it_json("POST", path, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "public cancel: %ld %s", r.status, r.body);
	it_response_free(&r);
	want[nwant] = (struct expected_event){"appointment.cancelled", "", appointment_now(pub)};
	snprintf(want[nwant++].id, 64, "%s", pub);

	/* no_show: yesterday's booking, marked by the daily restart. */
	book(queue, it_future_slot(4), "", &r);
	ck_assert_msg(r.status == 201, "book: %ld %s", r.status, r.body);
	char gone[64];
	snprintf(gone, sizeof gone, "%s", it_str(&r, "id"));
	want[nwant] = (struct expected_event){"appointment.booked", "", json_object_get(r.json)};
	snprintf(want[nwant++].id, 64, "%s", gone);
	it_response_free(&r);
	snprintf(stmt, sizeof stmt,
		 "INSERT IGNORE INTO appointment_slots (queue_id, start) SELECT queue_id, start - INTERVAL 1 DAY"
		 " FROM appointments WHERE id = '%s'; UPDATE appointments SET start = start - INTERVAL 1 DAY,"
		 " end = end - INTERVAL 1 DAY, service_date = UTC_DATE() - INTERVAL 1 DAY WHERE id = '%s'", gone, gone);
	it_sql(stmt);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s/turneroctl' -c '%s' schedule-restart >&2", getenv("TURNERO_BUILD_DIR"),
		 it_state_path("turnero.conf"));
	ck_assert_int_eq(system(cmd), 0);
	want[nwant] = (struct expected_event){"appointment.no_show", "", appointment_now(gone)};
	snprintf(want[nwant++].id, 64, "%s", gone);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(want[nwant - 1].appointment, "status")),
			 "no_show");

	/* Every change arrives once, signed, with its type and the appointment as the API showed it. */
	struct hit h[32];
	size_t n = wait_hits(w.prefix, nwant, 30000, h, 32);
	ck_assert_msg(n >= nwant, "%zu of %zu appointment events delivered", n, nwant);
	bool matched[12] = {false};
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(signed_with(&h[i], w.secret), "delivery %zu signed: %s", i, h[i].signature);
		ck_assert_str_eq(h[i].content_type, "application/json");
		struct json_object *b = json_tokener_parse(h[i].body);
		ck_assert_msg(b, "JSON body: %s", h[i].body);
		struct json_object *data = json_object_object_get(b, "data");
		struct json_object *a = json_object_object_get(data, "appointment");
		ck_assert_msg(a && json_object_object_length(data) == 1, "data: {appointment}: %s", h[i].body);
		ck_assert_msg(jget(b, "timestamp") && strcmp(jget(b, "timestamp"), jget(a, "updated_date")) == 0,
			      "timestamp is the change's time: %s", h[i].body);
		bool found = false;
		for (size_t j = 0; j < nwant && !found; j++) {
			if (matched[j] || strcmp(jget(b, "type"), want[j].type) != 0 || strcmp(jget(a, "id"), want[j].id) != 0)
				continue;
			ck_assert_msg(json_object_equal(a, want[j].appointment), "%s of %s: sent %s, the API showed %s",
				      want[j].type, want[j].id, json_object_to_json_string(a),
				      json_object_to_json_string(want[j].appointment));
			matched[j] = found = true;
		}
		ck_assert_msg(found, "an expected event, and only once: %s", h[i].body);
		json_object_put(b);
	}
	/* The outbox holds exactly these (the failed requests wrote none); seq is for ticket events. */
	deliveries(&w, &r);
	struct json_object *items = json_object_object_get(r.json, "items");
	ck_assert_int_eq(json_object_array_length(items), nwant);
	for (size_t i = 0; i < nwant; i++) {
		struct json_object *d = json_object_array_get_idx(items, i);
		ck_assert_msg(strncmp(jget(d, "type"), "appointment.", 12) == 0, "type %s", jget(d, "type"));
		ck_assert_ptr_null(jget(d, "seq"));
	}
	it_response_free(&r);
	deliveries(&tickets_only, &r);
	items = json_object_object_get(r.json, "items");
	ck_assert_int_eq(json_object_array_length(items), 1); /* the check-in's ticket.created */
	ck_assert_str_eq(jget(json_object_array_get_idx(items, 0), "type"), "ticket.created");
	it_response_free(&r);
	for (size_t i = 0; i < nwant; i++)
		json_object_put(want[i].appointment);
}
END_TEST

/* ---- receivers that misbehave ------------------------------------------------------------- */

static int held_now(int *gave_up)
{
	pthread_mutex_lock(&hits_lock);
	int n = held;
	if (gave_up)
		*gave_up = abandoned;
	pthread_mutex_unlock(&hits_lock);
	return n;
}

/* Polls w's deliveries until one was attempted and failed without delivering; its JSON, or NULL. */
static char *wait_failed_attempt(const struct webhook *w, long timeout_ms)
{
	long long until = it_now_ms() + timeout_ms;
	do {
		struct it_response r;
		deliveries(w, &r);
		struct json_object *items = json_object_object_get(r.json, "items");
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			struct json_object *d = json_object_array_get_idx(items, i);
			const char *attempts = jget(d, "attempts");
			if (attempts && atoi(attempts) >= 1 && jget(d, "last_error") && strcmp(jget(d, "status"), "delivered")) {
				char *text = strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
				it_response_free(&r);
				return text;
			}
		}
		it_response_free(&r);
		it_sleep_ms(200);
	} while (it_now_ms() < until);
	return NULL;
}

/*
 * A receiver that hangs, one that answers slowly and one that closes the connection: while
 * the first two still hold their connections (the relay has not given up on them), the API
 * answers and a healthy receiver gets every event, the later ones included.
 */
START_TEST(test_misbehaving_receivers_delay_nobody)
{
	struct webhook hang, slow, closer, ok;
	char queue[64], t[3][64];
	create_webhook("hang", "[\"ticket.created\"]", &hang);
	create_webhook("slow", "[\"ticket.created\"]", &slow);
	create_webhook("close", "[\"ticket.created\"]", &closer);
	create_webhook("ok", "[\"ticket.created\"]", &ok);
	it_new_queue(admin_token, "hook-misbehave", queue);
	int gave_up0 = 0;
	held_now(&gave_up0);
	it_new_ticket(admin_token, queue, t[0]);
	struct hit h[16];
	ck_assert_msg(wait_hits(hang.prefix, 1, 15000, h, 16) >= 1, "the hanging receiver got the event");
	ck_assert_msg(wait_hits(slow.prefix, 1, 15000, h, 16) >= 1, "the slow receiver got the event");
	ck_assert_msg(wait_hits(closer.prefix, 1, 15000, h, 16) >= 1, "the closing receiver got the event");

	/* Both hold their first connection now; the API and the relay go on. */
	it_new_ticket(admin_token, queue, t[1]);
	it_new_ticket(admin_token, queue, t[2]);
	struct it_response r;
	it_json("GET", "/api/v1/queues", admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
	size_t n = wait_hits(ok.prefix, 3, 15000, h, 16);
	int gave_up = 0;
	int still_held = held_now(&gave_up);
	ck_assert_msg(n >= 3, "the healthy receiver got %zu of 3 events", n);
	for (int i = 0; i < 3; i++) {
		bool found = false;
		for (size_t j = 0; j < n && !found; j++)
			found = strstr(h[j].body, t[i]) != NULL;
		ck_assert_msg(found, "ticket %d's event reached the healthy receiver", i);
	}
	ck_assert_msg(gave_up == gave_up0 && still_held >= 2,
		      "delivered while the slow receivers still held their connections (held %d, abandoned %d)",
		      still_held, gave_up - gave_up0);
	char *failed = wait_failed_attempt(&closer, 15000);
	ck_assert_msg(failed, "the closed connection is recorded as a failed attempt, to be retried");
	ck_assert_msg(strstr(failed, "\"status\":\"pending\""), "retried later: %s", failed);
	free(failed);

	/* Released: the slow one answers 200 and is delivered; the hanging one closes unanswered. */
	pthread_mutex_lock(&hits_lock);
	release = 1;
	pthread_mutex_unlock(&hits_lock);
	size_t ns = hits_for(slow.prefix, h, 16);
	for (size_t i = 0; i < ns; i++) {
		char *done = wait_delivery(&slow, h[i].id, "delivered", 20000);
		ck_assert_msg(done, "the slow answer delivers %s", h[i].id);
		free(done);
	}
	failed = wait_failed_attempt(&hang, 20000);
	ck_assert_msg(failed, "the unanswered request is a failed attempt");
	free(failed);
}
END_TEST


/* ---- request forgery at delivery time -------------------------------------------------- */

/* A TLS-less listener that counts the connections it is offered and closes them at once. */
static int plain_lfd = -1, plain_port, plain_accepted;

static void *plain_listener(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept(plain_lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&hits_lock);
		plain_accepted++;
		pthread_mutex_unlock(&hits_lock);
		close(fd);
	}
	return NULL;
}

/*
 * Webhooks made while allow_private was on (https://localhost, whose name resolves to
 * 127.0.0.1, and https://127.0.0.1), then delivered by a relay with it off: the relay
 * resolves nothing itself, so only its check of the address curl is about to connect to
 * stands between the delivery and the loopback listener. The attempt is recorded with the
 * refusal and no connection reaches the listener.
 */
START_TEST(test_private_address_is_refused_when_connecting)
{
	if (plain_lfd < 0) {
		plain_lfd = it_listen_loopback(16, &plain_port);
		ck_assert_int_ge(plain_lfd, 0);
		pthread_t t;
		ck_assert_int_eq(pthread_create(&t, NULL, plain_listener, NULL), 0);
		pthread_detach(t);
	}
	static const char *const hosts[] = {"localhost", "127.0.0.1"};
	struct webhook w[2];
	char delivery[2][64];
	for (int i = 0; i < 2; i++) {
		char body[512];
		struct it_response r;
		snprintf(w[i].prefix, sizeof w[i].prefix, "/refused/%d-%d/", (int)getpid(), i);
		snprintf(body, sizeof body, "{\"url\":\"https://%s:%d%shook\",\"events\":[\"ticket.created\"]}", hosts[i],
			 plain_port, w[i].prefix);
		it_json("POST", "/api/v1/webhooks", admin_token, body, &r);
		ck_assert_msg(r.status == 201, "create %s (allow_private is on): %ld %s", body, r.status, r.body);
		snprintf(w[i].id, sizeof w[i].id, "%s", it_str(&r, "id"));
		it_response_free(&r);
		if (ncreated < 64)
			snprintf(created[ncreated++], 64, "%.36s", w[i].id);
	}
	it_relay_restart("TURNERO_WEBHOOKS_ALLOW_PRIVATE=false");
	for (int i = 0; i < 2; i++) {
		char path[160];
		struct it_response r;
		snprintf(path, sizeof path, "/api/v1/webhooks/%.36s/test", w[i].id);
		it_json("POST", path, admin_token, NULL, &r);
		ck_assert_msg(r.status == 202, "test: %ld %s", r.status, r.body);
		snprintf(delivery[i], sizeof delivery[i], "%s", it_str(&r, "delivery_id"));
		it_response_free(&r);
	}
	char *failed[2] = {wait_failed_attempt(&w[0], 20000), wait_failed_attempt(&w[1], 20000)};
	pthread_mutex_lock(&hits_lock);
	int accepted = plain_accepted;
	pthread_mutex_unlock(&hits_lock);
	it_relay_restart(""); /* the stack's relay as it was, before anything can fail */
	for (int i = 0; i < 2; i++) {
		ck_assert_msg(failed[i], "the delivery to %s was attempted and not delivered", hosts[i]);
		ck_assert_msg(strstr(failed[i], delivery[i]) && strstr(failed[i], "\"status\":\"pending\"") &&
				      strstr(failed[i], "must not resolve to a loopback, private, link-local or multicast"),
			      "refused as a private target, to be retried: %s", failed[i]);
		free(failed[i]);
	}
	ck_assert_msg(accepted == 0, "no connection reached the loopback listener (%d did)", accepted);
}
END_TEST

int main(void)
{
	it_init();
	signal(SIGPIPE, SIG_IGN);
	if (it_admin_login(admin_token, sizeof admin_token) < 0)
		return 1;
	start_receiver();
	Suite *s = suite_create("webhooks");
	TCase *tc = tcase_create("webhooks");
	tcase_set_timeout(tc, 300);
	tcase_add_checked_fixture(tc, NULL, deactivate_created);
	tcase_add_test(tc, test_webhook_crud_and_validation);
	tcase_add_test(tc, test_signed_delivery_of_subscribed_events);
	tcase_add_test(tc, test_retry_after_500_keeps_the_webhook_id);
	tcase_add_test(tc, test_410_deactivates_the_webhook);
	tcase_add_test(tc, test_test_event_and_manual_retry);
	tcase_add_test(tc, test_manual_calls_and_the_restart_are_delivered);
	tcase_add_test(tc, test_rotated_secret_signs_with_both_for_a_day);
	tcase_add_test(tc, test_appointment_events_are_delivered_signed);
	tcase_add_test(tc, test_misbehaving_receivers_delay_nobody);
	tcase_add_test(tc, test_relay_killed_during_a_burst_loses_nothing);
	tcase_add_test(tc, test_standby_relay_takes_over_the_lease);
	tcase_add_test(tc, test_private_address_is_refused_when_connecting);
	suite_add_tcase(s, tc);
	int failed = it_run_suite(s);
	/* The programs after this one expect the stack's relay as it was (allow_private on). */
	if (it_stack("relay-stop") != 0 || it_stack("relay-start") != 0)
		failed = 1;
	return failed;
}
