/*
 * Notifications when the other side misbehaves (SPEC 12, issue "Faults"), with the stack's
 * turnero-relay sending, started again for each case with the [notify] settings the case
 * needs (TURNERO_NOTIFY_* in its environment; the stack's own relay is back at the end):
 *  - an SMS gateway this program plays on 127.0.0.1 that answers 500 then 200 (retried,
 *    delivered once), that always answers 500 (retried, then `failed` with the reason), and
 *    that never answers (the attempt times out after [notify] timeout_seconds; meanwhile
 *    email is still sent, and the counter still issues tickets);
 *  - SMTP servers played by smtp_stub.py: a slow one, one answering 4xx (retried, then
 *    failed) or 5xx (failed at once), and one that holds the DATA phase open while the
 *    relay is killed with SIGKILL: after a restart the message is delivered, once.
 * No timing is asserted: waits poll with generous bounds, and "the counter does not wait"
 * is shown by a POST /tickets that answers 201 while the server still holds a connection.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "harness.h"

#define RETRY_ENV "TURNERO_NOTIFY_RETRY_SECONDS=1,1" /* three attempts, a second apart */

static char token[4096];
static char priority_id[64], queue_id[64];
static long dni_counter;

/* ---- the API ---------------------------------------------------------------------- */

/* POST /tickets for a new customer with notify; asserts 201 and copies the id. */
static void issue(const char *email, const char *phone, const char *notify_json, char id[64])
{
	char body[2048], contacts[512] = "";
	if (*email)
		snprintf(contacts + strlen(contacts), sizeof contacts - strlen(contacts), ",\"email\":\"%s\"", email);
	if (*phone)
		snprintf(contacts + strlen(contacts), sizeof contacts - strlen(contacts), ",\"phone\":\"%s\"", phone);
	snprintf(body, sizeof body,
		 "{\"priority_id\":\"%s\",\"customer\":{\"dni\":\"8%05ld%04ld\",\"first_name\":\"Eva\","
		 "\"last_name\":\"Rios\"%s},\"notify\":%s}",
		 priority_id, (long)getpid() % 100000, ++dni_counter, contacts, notify_json);
	struct it_response r;
	it_json("POST", "/api/v1/tickets", token, body, &r);
	ck_assert_msg(r.status == 201, "POST /tickets: %ld %s", r.status, r.body);
	snprintf(id, 64, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

/* The ticket's notification on channel, as GET /tickets/{id}/notifications lists it:
 * status, attempts, last_error ("" when null) and id. False when there is none. */
struct notif {
	char id[64], status[16], last_error[512];
	long long attempts;
};

static bool notification(const char *ticket_id, const char *channel, struct notif *out)
{
	char path[160];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/tickets/%s/notifications", ticket_id);
	it_json("GET", path, token, NULL, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	bool found = false;
	for (size_t i = 0; i < json_object_array_length(r.json) && !found; i++) {
		struct json_object *n = json_object_array_get_idx(r.json, i);
		if (strcmp(it_obj_str(n, "channel"), channel) != 0)
			continue;
		found = true;
		snprintf(out->id, sizeof out->id, "%s", it_obj_str(n, "id"));
		snprintf(out->status, sizeof out->status, "%s", it_obj_str(n, "status"));
		snprintf(out->last_error, sizeof out->last_error, "%s", it_obj_str(n, "last_error") ? it_obj_str(n, "last_error") : "");
		out->attempts = it_obj_int(n, "attempts");
	}
	it_response_free(&r);
	return found;
}

/* Waits (up to 90 s) until the notification's status is want; asserts it got there. */
static void wait_status(const char *ticket_id, const char *channel, const char *want, struct notif *out)
{
	for (int i = 0; i < 900; i++) {
		if (notification(ticket_id, channel, out) && strcmp(out->status, want) == 0)
			return;
		it_sleep_ms(100);
	}
	ck_abort_msg("the %s notification of %s is %s, not %s (attempts %lld, %s)", channel, ticket_id, out->status,
		     want, out->attempts, out->last_error);
}

/* ---- the stack's relay with other settings ------------------------------------------ */

static int relay_pid(void)
{
	FILE *f = fopen(it_state_path("run/turnero-relay.pid"), "r");
	ck_assert_ptr_nonnull(f);
	int pid = 0;
	ck_assert_int_eq(fscanf(f, "%d", &pid), 1);
	fclose(f);
	return pid;
}

/* ---- an SMS gateway on 127.0.0.1 -------------------------------------------------- */

/* answers[i] is the status of the i-th request (the last one repeats); 0: never answer,
 * holding the connection until the client goes away or gateway_release. */
struct gateway {
	int fd, port;
	int answers[8], nanswers;
	pthread_t thread;
	pthread_mutex_t lock;
	/* under lock: */
	bool stop, release;
	int count;       /* requests read */
	int holding;     /* 1 while a connection is held without an answer */
	int held_closed; /* held connections the client closed (it gave up: a timeout) */
	struct strbuf keys; /* the Idempotency-Key of every request, one a line */
};

static bool gw_flag(struct gateway *g, bool *flag)
{
	pthread_mutex_lock(&g->lock);
	bool v = *flag;
	pthread_mutex_unlock(&g->lock);
	return v;
}

static void read_request(int c, struct strbuf *req)
{
	char buf[4096];
	for (;;) {
		struct pollfd cp = {c, POLLIN, 0};
		if (poll(&cp, 1, 10000) <= 0)
			return;
		ssize_t k = read(c, buf, sizeof buf);
		if (k <= 0)
			return;
		strbuf_append(req, buf, (size_t)k);
		const char *end = strstr(strbuf_cstr(req), "\r\n\r\n");
		const char *cl = strcasestr(strbuf_cstr(req), "\r\nContent-Length:");
		if (end && cl && req->len >= (size_t)(end + 4 - req->data) + strtoul(cl + 17, NULL, 10))
			return;
	}
}

static void *gateway_main(void *arg)
{
	struct gateway *g = arg;
	while (!gw_flag(g, &g->stop)) {
		struct pollfd pfd = {g->fd, POLLIN, 0};
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		int c = accept(g->fd, NULL, NULL);
		if (c < 0)
			continue;
		struct strbuf req = STRBUF_INIT;
		read_request(c, &req);
		const char *key = strcasestr(strbuf_cstr(&req), "\r\nIdempotency-Key: ");
		pthread_mutex_lock(&g->lock);
		int answer = g->answers[g->count < g->nanswers ? g->count : g->nanswers - 1];
		g->count++;
		if (key)
			strbuf_printf(&g->keys, "%.*s\n", (int)strcspn(key + 19, "\r\n"), key + 19);
		if (answer == 0)
			g->holding = 1;
		pthread_mutex_unlock(&g->lock);
		strbuf_free(&req);
		if (answer == 0) {
			/* Say nothing until the client gives up or the test lets go. */
			bool closed = false;
			while (!gw_flag(g, &g->stop) && !gw_flag(g, &g->release)) {
				struct pollfd cp = {c, POLLIN, 0};
				char b[256];
				if (poll(&cp, 1, 100) > 0 && read(c, b, sizeof b) <= 0) {
					closed = true;
					break;
				}
			}
			pthread_mutex_lock(&g->lock);
			g->holding = 0;
			g->held_closed += closed;
			pthread_mutex_unlock(&g->lock);
		} else {
			char out[128];
			int len = snprintf(out, sizeof out,
					   "HTTP/1.1 %d X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", answer);
			if (write(c, out, (size_t)len) < 0) {
				/* the sender gave up already */
			}
		}
		close(c);
	}
	return NULL;
}

static void gateway_start(struct gateway *g, const int *answers, int n)
{
	memset(g, 0, sizeof *g);
	memcpy(g->answers, answers, sizeof *answers * (size_t)n);
	g->nanswers = n;
	struct strbuf empty = STRBUF_INIT;
	g->keys = empty;
	pthread_mutex_init(&g->lock, NULL);
	g->fd = it_listen_loopback(16, &g->port);
	ck_assert_int_ge(g->fd, 0);
	ck_assert_int_eq(pthread_create(&g->thread, NULL, gateway_main, g), 0);
}

static void gateway_stop(struct gateway *g)
{
	pthread_mutex_lock(&g->lock);
	g->stop = true;
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	close(g->fd);
	strbuf_free(&g->keys);
	pthread_mutex_destroy(&g->lock);
}

/* How many requests carried this Idempotency-Key (the notification's id). */
static int gateway_count_key(struct gateway *g, const char *key)
{
	char line[80];
	snprintf(line, sizeof line, "%s\n", key);
	pthread_mutex_lock(&g->lock);
	int n = 0;
	for (const char *p = strbuf_cstr(&g->keys); (p = strstr(p, line)) != NULL; p += strlen(line))
		n++;
	pthread_mutex_unlock(&g->lock);
	return n;
}

static int gateway_get(struct gateway *g, const int *v)
{
	pthread_mutex_lock(&g->lock);
	int x = *v;
	pthread_mutex_unlock(&g->lock);
	return x;
}

/* Waits (up to 60 s) until the gateway holds a connection without answering. */
static void gateway_wait_holding(struct gateway *g)
{
	for (int i = 0; i < 600 && !gateway_get(g, &g->holding); i++)
		it_sleep_ms(100);
	ck_assert_msg(gateway_get(g, &g->holding), "the gateway never got a request to hold");
}

static char *sms_env(struct gateway *g, const char *more)
{
	static char env[1024];
	snprintf(env, sizeof env, "TURNERO_NOTIFY_SMS_URL=http://127.0.0.1:%d/sms %s %s", g->port, RETRY_ENV, more);
	return env;
}

/* ---- an SMTP server that misbehaves (smtp_stub.py) ---------------------------------- */

struct smtp_stub {
	pid_t pid;
	int port;
	char log[1024];
};

/* Starts smtp_stub.py with args (a NULL-terminated list) and waits for its port. */
static void smtp_stub_start(struct smtp_stub *s, const char *const *args)
{
	char portfile[1024], script[1024];
	static int n;
	snprintf(portfile, sizeof portfile, "%s.%d", it_state_path("run/smtp-stub.port"), ++n);
	snprintf(s->log, sizeof s->log, "%s.%d", it_state_path("log/smtp-stub.events"), n);
	snprintf(script, sizeof script, "%s/tests/integration/smtp_stub.py", getenv("TURNERO_SRC_DIR"));
	unlink(portfile);
	unlink(s->log);
	const char *argv[16] = {"/usr/bin/python3", script, "--port-file", portfile, "--log", s->log};
	int k = 6;
	for (int i = 0; args[i] && k < 15; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0) {
		/* Gone with this program, also when a failed assertion skips smtp_stub_stop. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	s->port = 0;
	for (int i = 0; i < 200 && !s->port; i++) {
		FILE *f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &s->port) != 1)
				s->port = 0;
			fclose(f);
		}
		if (!s->port)
			it_sleep_ms(100);
	}
	ck_assert_msg(s->port > 0, "smtp_stub.py did not start");
}

static void smtp_stub_stop(struct smtp_stub *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
}

/* Lines of the stub's event log that start with prefix and contain needle (NULL: any). */
static int smtp_events(const struct smtp_stub *s, const char *prefix, const char *needle)
{
	FILE *f = fopen(s->log, "r");
	if (!f)
		return 0;
	char line[1024];
	int n = 0;
	while (fgets(line, sizeof line, f))
		n += strncmp(line, prefix, strlen(prefix)) == 0 && (!needle || strstr(line, needle));
	fclose(f);
	return n;
}

/* Waits (up to seconds) until there are at least want such events; returns how many. */
static int smtp_wait_events(const struct smtp_stub *s, const char *prefix, const char *needle, int want,
			    int seconds)
{
	int n = 0;
	for (int i = 0; i < seconds * 10; i++) {
		if ((n = smtp_events(s, prefix, needle)) >= want)
			break;
		it_sleep_ms(100);
	}
	return n;
}

static char *smtp_env(const struct smtp_stub *s, const char *more)
{
	static char env[1024];
	snprintf(env, sizeof env, "TURNERO_NOTIFY_SMTP_URL=smtp://127.0.0.1:%d %s %s", s->port, RETRY_ENV, more);
	return env;
}

/* The Message-ID the stub logged for a held message ("held N <id>"), into out. */
static void smtp_held_message_id(const struct smtp_stub *s, char *out, size_t outlen)
{
	FILE *f = fopen(s->log, "r");
	ck_assert_ptr_nonnull(f);
	char line[1024];
	out[0] = '\0';
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "held ", 5) == 0) {
			const char *id = strchr(line + 5, ' ');
			snprintf(out, outlen, "%.*s", id ? (int)strcspn(id + 1, "\n") : 0, id ? id + 1 : "");
		}
	fclose(f);
	ck_assert_msg(out[0] == '<', "no held message in %s", s->log);
}

/* ---- setup ---------------------------------------------------------------------------- */

static void setup(void)
{
	if (token[0])
		return;
	ck_assert_int_eq(it_admin_login(token, sizeof token), 0);
	char body[512], ids[128], prefix[8], name[64];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":50,\"max_wait_minutes\":0}", it_unique("notify-faults"));
	it_json("POST", "/api/v1/priorities", token, body, &r);
	ck_assert_msg(r.status == 201, "priority: %ld %s", r.status, r.body);
	snprintf(priority_id, sizeof priority_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	snprintf(ids, sizeof ids, "[\"%s\"]", priority_id);
	snprintf(name, sizeof name, "Faults %ld", (long)getpid() % 100000);
	ck_assert_int_eq(it_create_queue(token, name, "fifo", ids, queue_id, prefix), 0);
}

static void phone_for(char *out, size_t len)
{
	snprintf(out, len, "+54 911 %04ld-%04ld", (long)getpid() % 10000, dni_counter + 1);
}

/* ---- SMS gateway faults --------------------------------------------------------------- */

START_TEST(test_sms_gateway_500_then_200_is_retried_and_delivered_once)
{
	setup();
	struct gateway g;
	static const int answers[] = {500, 200};
	gateway_start(&g, answers, 2);
	it_relay_restart(sms_env(&g, ""));
	char id[64], phone[32];
	phone_for(phone, sizeof phone);
	issue("", phone, "{\"sms\":true}", id);
	struct notif n;
	wait_status(id, "sms", "sent", &n);
	ck_assert_int_eq(n.attempts, 2);
	ck_assert_str_eq(n.last_error, "");
	/* Both requests carried the notification's id; nothing after the 200. */
	ck_assert_int_eq(gateway_count_key(&g, n.id), 2);
	it_sleep_ms(2500); /* a retry (1 s) would have come by now */
	ck_assert_int_eq(gateway_count_key(&g, n.id), 2);
	ck_assert(notification(id, "sms", &n) && n.attempts == 2);
	gateway_stop(&g);
}
END_TEST

START_TEST(test_sms_gateway_always_500_is_retried_then_failed_with_the_reason)
{
	setup();
	struct gateway g;
	static const int answers[] = {500};
	gateway_start(&g, answers, 1);
	it_relay_restart(sms_env(&g, ""));
	char id[64], phone[32];
	phone_for(phone, sizeof phone);
	issue("", phone, "{\"sms\":true}", id);
	struct notif n;
	wait_status(id, "sms", "failed", &n);
	ck_assert_int_eq(n.attempts, 3); /* the first attempt and the two retries */
	ck_assert_msg(strstr(n.last_error, "HTTP 500"), "%s", n.last_error);
	ck_assert_int_eq(gateway_count_key(&g, n.id), 3);
	it_sleep_ms(2500); /* failed is final */
	ck_assert_int_eq(gateway_count_key(&g, n.id), 3);
	gateway_stop(&g);
}
END_TEST

START_TEST(test_sms_gateway_that_never_answers_times_out_and_holds_up_neither_email_nor_the_counter)
{
	setup();
	struct gateway g;
	static const int hang[] = {0, 200};
	gateway_start(&g, hang, 2);
	/* The longest attempt there is: the email below has all the time it needs. */
	it_relay_restart(sms_env(&g, "TURNERO_NOTIFY_TIMEOUT_SECONDS=45"));
	char sms_id[64], mail_id[64], phone[32], email[128];
	phone_for(phone, sizeof phone);
	issue("", phone, "{\"sms\":true}", sms_id);
	gateway_wait_holding(&g);

	/* While the gateway holds the relay's request: the counter issues, email goes out. */
	snprintf(email, sizeof email, "held.sms.%ld@example.org", (long)getpid());
	issue(email, "", "{\"email\":true}", mail_id);
	struct notif n;
	wait_status(mail_id, "email", "sent", &n);
	ck_assert_int_eq(n.attempts, 1);
	ck_assert_msg(gateway_get(&g, &g.holding) && gateway_get(&g, &g.held_closed) == 0,
		      "the SMS request was let go before the email was sent");
	ck_assert(notification(sms_id, "sms", &n));
	ck_assert_str_eq(n.status, "pending");
	ck_assert_int_eq(n.attempts, 1);

	/* Let go without an answer: a failed attempt, retried, then the 200 delivers. */
	pthread_mutex_lock(&g.lock);
	g.release = true;
	pthread_mutex_unlock(&g.lock);
	wait_status(sms_id, "sms", "sent", &n);
	ck_assert_int_eq(n.attempts, 2);
	gateway_stop(&g);

	/* A gateway that never answers, with a short timeout: each attempt is given up on. */
	static const int never[] = {0};
	gateway_start(&g, never, 1);
	it_relay_restart(sms_env(&g, "TURNERO_NOTIFY_TIMEOUT_SECONDS=2"));
	phone_for(phone, sizeof phone);
	issue("", phone, "{\"sms\":true}", sms_id);
	gateway_wait_holding(&g);
	issue("", "", "{\"email\":false}", mail_id); /* the counter does not wait */
	wait_status(sms_id, "sms", "failed", &n);
	ck_assert_int_eq(n.attempts, 3);
	ck_assert_msg(strstr(n.last_error, "sms: ") && strcasestr(n.last_error, "timeout"), "%s", n.last_error);
	/* The relay hung up each time (the gateway notices within a moment). */
	for (int i = 0; i < 100 && gateway_get(&g, &g.held_closed) < 3; i++)
		it_sleep_ms(100);
	ck_assert_int_eq(gateway_get(&g, &g.held_closed), 3);
	gateway_stop(&g);
}
END_TEST

/* ---- SMTP faults ------------------------------------------------------------------------ */

START_TEST(test_slow_smtp_server_delivers_and_a_silent_one_is_given_up_on)
{
	setup();
	struct smtp_stub s;
	static const char *const slow[] = {"--delay", "0.3", NULL};
	smtp_stub_start(&s, slow);
	it_relay_restart(smtp_env(&s, ""));
	char id[64], email[128];
	snprintf(email, sizeof email, "slow.%ld@example.org", (long)getpid());
	issue(email, "", "{\"email\":true}", id);
	struct notif n;
	wait_status(id, "email", "sent", &n);
	ck_assert_int_eq(n.attempts, 1);
	ck_assert_int_eq(smtp_events(&s, "accepted ", email), 1);
	smtp_stub_stop(&s);

	/* Slower than [notify] timeout_seconds: each attempt is given up on, then failed. */
	static const char *const slower[] = {"--delay", "4", NULL};
	smtp_stub_start(&s, slower);
	it_relay_restart(smtp_env(&s, "TURNERO_NOTIFY_TIMEOUT_SECONDS=1"));
	snprintf(email, sizeof email, "slower.%ld@example.org", (long)getpid());
	issue(email, "", "{\"email\":true}", id);
	wait_status(id, "email", "failed", &n);
	ck_assert_int_eq(n.attempts, 3);
	ck_assert_msg(strstr(n.last_error, "smtp: ") && strcasestr(n.last_error, "timeout"), "%s", n.last_error);
	ck_assert_int_eq(smtp_events(&s, "accepted ", email), 0);
	smtp_stub_stop(&s);
}
END_TEST

START_TEST(test_smtp_4xx_is_retried_then_failed_and_5xx_fails_at_once)
{
	setup();
	struct smtp_stub s;
	struct notif n;
	char id[64], email[128];
	static const char *const busy[] = {"--code", "451", "--at", "rcpt", NULL};
	smtp_stub_start(&s, busy);
	it_relay_restart(smtp_env(&s, ""));
	snprintf(email, sizeof email, "busy.%ld@example.org", (long)getpid());
	issue(email, "", "{\"email\":true}", id);
	wait_status(id, "email", "failed", &n);
	ck_assert_int_eq(n.attempts, 3);
	ck_assert_msg(strstr(n.last_error, "451"), "%s", n.last_error);
	ck_assert_int_eq(smtp_events(&s, "refused ", "451"), 3);
	smtp_stub_stop(&s);

	static const char *const no_user[] = {"--code", "550", "--at", "rcpt", NULL};
	smtp_stub_start(&s, no_user);
	it_relay_restart(smtp_env(&s, ""));
	snprintf(email, sizeof email, "nouser.%ld@example.org", (long)getpid());
	issue(email, "", "{\"email\":true}", id);
	wait_status(id, "email", "failed", &n);
	ck_assert_int_eq(n.attempts, 1);
	ck_assert_msg(strstr(n.last_error, "550"), "%s", n.last_error);
	smtp_stub_stop(&s);

	static const char *const rejected[] = {"--code", "554", "--at", "end", NULL};
	smtp_stub_start(&s, rejected);
	it_relay_restart(smtp_env(&s, ""));
	snprintf(email, sizeof email, "rejected.%ld@example.org", (long)getpid());
	issue(email, "", "{\"email\":true}", id);
	wait_status(id, "email", "failed", &n);
	ck_assert_int_eq(n.attempts, 1);
	ck_assert_msg(strstr(n.last_error, "554"), "%s", n.last_error);
	smtp_stub_stop(&s);
}
END_TEST

START_TEST(test_relay_killed_mid_smtp_session_delivers_after_a_restart_once)
{
	setup();
	struct smtp_stub s;
	static const char *const hold[] = {"--hold-first", NULL};
	smtp_stub_start(&s, hold);
	char env[1024];
	snprintf(env, sizeof env, "%s", smtp_env(&s, "TURNERO_NOTIFY_TIMEOUT_SECONDS=45"));
	it_relay_restart(env);
	char id[64], id2[64], email[128], email2[128], held[256];
	snprintf(email, sizeof email, "midsend.%ld@example.org", (long)getpid());
	snprintf(email2, sizeof email2, "behind.%ld@example.org", (long)getpid());
	issue(email, "", "{\"email\":true}", id);
	ck_assert_int_eq(smtp_wait_events(&s, "held ", NULL, 1, 60), 1);
	smtp_held_message_id(&s, held, sizeof held);

	/* The DATA phase is open: the counter still issues, with notify. */
	issue(email2, "", "{\"email\":true}", id2);
	ck_assert_int_eq(smtp_events(&s, "closed ", NULL), 0);
	struct notif n;
	ck_assert(notification(id, "email", &n));
	ck_assert_str_eq(n.status, "pending");
	ck_assert_int_eq(n.attempts, 1);

	int pid = relay_pid();
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		it_sleep_ms(100);
	ck_assert_int_eq(smtp_wait_events(&s, "closed ", NULL, 1, 30), 1);
	ck_assert_int_eq(smtp_events(&s, "accepted ", NULL), 0);

	/* A new relay takes the lease over; the claimed message goes once its claim runs out. */
	it_relay_restart(smtp_env(&s, ""));
	wait_status(id2, "email", "sent", &n);
	ck_assert_int_eq(n.attempts, 1);
	wait_status(id, "email", "sent", &n); /* up to 90 s: the claim is 60 s */
	ck_assert_int_eq(n.attempts, 2);
	/* The same message (its Message-ID) delivered once, and the one behind it once. */
	ck_assert_int_eq(smtp_events(&s, "accepted ", held), 1);
	ck_assert_int_eq(smtp_events(&s, "accepted ", email), 1);
	ck_assert_int_eq(smtp_events(&s, "accepted ", email2), 1);
	it_sleep_ms(2500); /* nothing goes again */
	ck_assert_int_eq(smtp_events(&s, "accepted ", NULL), 2);
	smtp_stub_stop(&s);
}
END_TEST

int main(void)
{
	it_init();
	Suite *s = suite_create("notify_faults");
	TCase *tc = tcase_create("faults");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_sms_gateway_500_then_200_is_retried_and_delivered_once);
	tcase_add_test(tc, test_sms_gateway_always_500_is_retried_then_failed_with_the_reason);
	tcase_add_test(tc, test_sms_gateway_that_never_answers_times_out_and_holds_up_neither_email_nor_the_counter);
	tcase_add_test(tc, test_slow_smtp_server_delivers_and_a_silent_one_is_given_up_on);
	tcase_add_test(tc, test_smtp_4xx_is_retried_then_failed_and_5xx_fails_at_once);
	tcase_add_test(tc, test_relay_killed_mid_smtp_session_delivers_after_a_restart_once);
	suite_add_tcase(s, tc);
	int failed = it_run_suite(s);
	/* The programs after this one expect the stack's relay as it was. */
	if (it_stack("relay-stop") != 0 || it_stack("relay-start") != 0)
		failed = 1;
	return failed;
}
