/*
 * Webhook load (SPEC 11, 13): a receiver in this process (HTTP/1.1 with keep-alive on
 * 127.0.0.1, a thread per connection, counting distinct webhook-ids), then two runs:
 *
 * 1. Delivery rate: HOOK_WEBHOOKS webhooks (default 5) subscribed to ticket.created. With
 *    turnero-relay stopped, the outbox is filled, the relay started and the receiver times
 *    the deliveries: first HOOK_TESTS webhook.test events (default 5000; their bodies are
 *    written with the row, as appointment events' are), then HOOK_TICKETS tickets (default
 *    1000, so 5,000 deliveries of bodies the relay renders when it reaches each event).
 *    Each row also counts the connections the receiver accepted (keep-alive reuse) and,
 *    per delivery, the statements the relay executed (COM_STMT_EXECUTE: the workers are
 *    idle then and this program's own queries are not prepared), its commits (COM_COMMIT)
 *    and the InnoDB redo log writes.
 * 2. Relay lag under registration: wrk POST /tickets (bench/tickets.lua, HOOK_WRK_CONNS
 *    connections, default 16, for HOOK_WRK_SECONDS, default 10) with the same webhooks
 *    active, sampling the relay's distance from the newest event every ~100 ms: in events
 *    (MAX(seq) - relay_state.last_seq) and in time (age of the oldest event it has not
 *    processed), and how long it takes to catch up and deliver everything afterwards.
 *
 * Runs inside tests/integration/run-stack.sh ([webhooks] allow_private is set there), as
 * bench/hook_run does. Prints Markdown rows.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../tests/integration/harness.h"

#define MEDIA "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"
#define ID_SLOTS (1u << 18) /* distinct webhook-ids (open addressing) */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char (*ids)[40];
static long long received, distinct, first_ms, last_ms, connections;

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : def;
}

static void note(const char *id)
{
	unsigned h = 2166136261u;
	for (const char *p = id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	long long now = it_now_ms();
	pthread_mutex_lock(&lock);
	received++;
	if (!first_ms)
		first_ms = now;
	last_ms = now;
	for (unsigned i = 0; i < ID_SLOTS; i++) {
		char *slot = ids[(h + i) & (ID_SLOTS - 1)];
		if (!slot[0]) {
			snprintf(slot, 40, "%s", id);
			distinct++;
			break;
		}
		if (strcmp(slot, id) == 0)
			break;
	}
	pthread_mutex_unlock(&lock);
}

static void counts(long long *n, long long *d, long long *first, long long *last)
{
	pthread_mutex_lock(&lock);
	*n = received;
	*d = distinct;
	if (first)
		*first = first_ms;
	if (last)
		*last = last_ms;
	pthread_mutex_unlock(&lock);
}

static void reset_counts(void)
{
	pthread_mutex_lock(&lock);
	received = distinct = first_ms = last_ms = connections = 0;
	memset(ids, 0, sizeof(*ids) * ID_SLOTS);
	pthread_mutex_unlock(&lock);
}

/* Requests on one connection until the peer closes it; each answered 204 at once. */
static void *connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[65536];
	size_t len = 0;
	for (;;) {
		char *end;
		while (!(end = memmem(buf, len, "\r\n\r\n", 4))) {
			if (len == sizeof buf)
				goto out;
			ssize_t n = read(fd, buf + len, sizeof buf - len);
			if (n <= 0)
				goto out;
			len += (size_t)n;
		}
		size_t head = (size_t)(end - buf) + 4;
		size_t body = 0;
		char id[40] = "";
		for (char *p = buf; p < end; p++) {
			if (*p != '\n')
				continue;
			if (strncasecmp(p + 1, "content-length:", 15) == 0)
				body = strtoul(p + 16, NULL, 10);
			else if (strncasecmp(p + 1, "webhook-id:", 11) == 0)
				sscanf(p + 12, " %39[^\r\n]", id);
		}
		if (head + body > sizeof buf)
			goto out;
		while (len < head + body) {
			ssize_t n = read(fd, buf + len, sizeof buf - len);
			if (n <= 0)
				goto out;
			len += (size_t)n;
		}
		if (id[0])
			note(id);
		static const char ok[] = "HTTP/1.1 204 No Content\r\n\r\n";
		if (write(fd, ok, sizeof ok - 1) != (ssize_t)(sizeof ok - 1))
			goto out;
		memmove(buf, buf + head + body, len - head - body);
		len -= head + body;
	}
out:
	close(fd);
	return NULL;
}

static void *acceptor(void *arg)
{
	int lfd = *(int *)arg;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&lock);
		connections++;
		pthread_mutex_unlock(&lock);
		pthread_t t;
		if (pthread_create(&t, NULL, connection, (void *)(intptr_t)fd) != 0) {
			close(fd);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

static int start_receiver(void)
{
	static int lfd;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 512) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0)
		return -1;
	pthread_t t;
	if (pthread_create(&t, NULL, acceptor, &lfd) != 0)
		return -1;
	pthread_detach(t);
	return ntohs(sa.sin_port);
}

/* A number from the stack's database (the first column of the first row), or -1 with a message. */
static long long sql_number(const char *query)
{
	char cmd[2048], line[256] = "";
	snprintf(cmd, sizeof cmd, "mariadb --no-defaults --socket='%s' -uroot turnero -N -B -e \"%s\" 2>&1",
		 it_state_path("run/mysql.sock"), query);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	char *got = fgets(line, sizeof line, f);
	int rc = pclose(f);
	if (!got || rc != 0) {
		fprintf(stderr, "hook_load: %s: %s (exit %d)\n", query, got ? line : "no output", rc);
		return -1;
	}
	return atoll(line);
}

/* A counter of the stack's MariaDB (SHOW GLOBAL STATUS), or -1. */
static long long db_status(const char *name)
{
	char q[256];
	snprintf(q, sizeof q, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '%s'",
		 name);
	return sql_number(q);
}

static int post(const char *token, const char *path, const char *body, char *id, size_t size)
{
	struct it_response r;
	it_json("POST", path, token, body, &r);
	int ok = r.status == 201 || r.status == 200 || r.status == 202;
	if (!ok)
		fprintf(stderr, "hook_load: POST %s: %ld %s\n", path, r.status, r.body);
	else if (id)
		snprintf(id, size, "%s", it_str(&r, "id"));
	it_response_free(&r);
	return ok ? 0 : -1;
}

/* The relay's distance from the newest event: events, and the age in ms of the oldest one it has not processed. */
static void relay_lag(long long *events, long long *ms)
{
	*events = sql_number("SELECT COALESCE((SELECT MAX(seq) FROM ticket_events), 0)"
				" - (SELECT last_seq FROM relay_state WHERE id = 1)");
	*ms = sql_number("SELECT COALESCE(ROUND(TIMESTAMPDIFF(MICROSECOND, MIN(e.at), UTC_TIMESTAMP(6)) / 1000), 0)"
			    " FROM ticket_events e WHERE e.seq > (SELECT last_seq FROM relay_state WHERE id = 1)");
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	it_init();
	signal(SIGPIPE, SIG_IGN);
	int nhooks = env_int("HOOK_WEBHOOKS", 5), ntickets = env_int("HOOK_TICKETS", 1000);
	int ntests = env_int("HOOK_TESTS", 5000);
	int wrk_secs = env_int("HOOK_WRK_SECONDS", 10), wrk_conns = env_int("HOOK_WRK_CONNS", 16);
	ids = calloc(ID_SLOTS, sizeof *ids);
	int port = start_receiver();
	static char token[4096];
	char queue[64], prefix[4];
	if (!ids || port < 0 || nhooks < 1 || ntickets < 1 || it_admin_login(token, sizeof token) < 0 ||
	    it_create_queue(token, it_unique("hook-bench"), "fifo", "[\"" MEDIA "\"]", queue, prefix) < 0)
		return 1;
	char body[512];
	char(*hooks)[64] = calloc((size_t)nhooks, sizeof *hooks);
	for (int i = 0; hooks && i < nhooks; i++) {
		snprintf(body, sizeof body, "{\"url\":\"http://127.0.0.1:%d/hook/%d\",\"events\":[\"ticket.created\"]}", port,
			 i);
		if (post(token, "/api/v1/webhooks", body, hooks[i], sizeof hooks[i]) < 0)
			return 1;
	}
	if (!hooks)
		return 1;

	/*
	 * 1. The outbox filled while the relay is stopped, then drained: first with bodies
	 * written already (webhook.test, as appointment events are), then with ticket events,
	 * whose bodies the relay renders when it reaches each event.
	 */
	printf("| outbox | deliveries received (distinct) | repeats | first at ms | last at ms | deliveries/s |"
	       " all marked delivered at ms | connections | statements / delivery | commits / delivery |"
	       " redo log writes / delivery |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	long long expected = 0, n = 0, d = 0;
	for (int kind = 0; kind < 2; kind++) {
		reset_counts();
		if (it_stack("relay-stop") != 0)
			return 1;
		long long delivered0 = sql_number("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'");
		if (kind == 0) {
			for (int i = 0; i < ntests; i++) {
				char path[160];
				snprintf(path, sizeof path, "/api/v1/webhooks/%s/test", hooks[i % nhooks]);
				if (post(token, path, NULL, NULL, 0) < 0)
					return 1;
			}
			expected = ntests;
		} else {
			snprintf(body, sizeof body,
				 "{\"priority_id\":\"" MEDIA "\",\"queue_id\":\"%s\",\"customer\":{\"first_name\":\"Hook\","
				 "\"last_name\":\"Bench\"}}",
				 queue);
			for (int i = 0; i < ntickets; i++)
				if (post(token, "/api/v1/tickets", body, NULL, 0) < 0)
					return 1;
			expected = (long long)nhooks * ntickets;
		}
		/* From here on the statements are the relay's (the workers are idle, this program's own are not prepared). */
		long long stmts0 = db_status("COM_STMT_EXECUTE"), commits0 = db_status("COM_COMMIT");
		long long writes0 = db_status("INNODB_LOG_WRITES");
		long long t0 = it_now_ms(), first = 0, last = 0;
		if (it_stack("relay-start") != 0)
			return 1;
		while (it_now_ms() - t0 < 300000) {
			counts(&n, &d, &first, &last);
			if (d >= expected)
				break;
			it_sleep_ms(20);
		}
		long long marked_ms = -1;
		for (long long until = it_now_ms() + 120000; it_now_ms() < until;) {
			if (sql_number("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'") - delivered0 >=
			    expected) {
				marked_ms = it_now_ms() - t0;
				break;
			}
			it_sleep_ms(100);
		}
		long long stmts = db_status("COM_STMT_EXECUTE") - stmts0, commits = db_status("COM_COMMIT") - commits0;
		long long writes = db_status("INNODB_LOG_WRITES") - writes0;
		long long conns;
		pthread_mutex_lock(&lock);
		conns = connections;
		pthread_mutex_unlock(&lock);
		char what[160];
		if (kind == 0)
			snprintf(what, sizeof what, "%d webhook.test over %d webhooks (bodies ready)", ntests, nhooks);
		else
			snprintf(what, sizeof what, "%d tickets x %d webhooks (ticket.created, one queue)", ntickets, nhooks);
		double per = d ? 1.0 / (double)d : 0.0;
		printf("| %s | %lld of %lld | %lld | %lld | %lld | %.0f | %lld | %lld | %.3f | %.3f | %.3f |\n", what, d,
		       expected, n - d, first - t0, last - t0, last > first ? (d - 1) * 1000.0 / (double)(last - first) : 0.0,
		       marked_ms, conns, (double)stmts * per, (double)commits * per, (double)writes * per);
		fflush(stdout);
		if (d < expected)
			return 1;
	}
	printf("\n");

	/* 2. Registration load with the webhooks active; the lag sampled meanwhile. */
	char customers[4096] = "";
	size_t clen = 0;
	for (int i = 0; i < 20; i++) {
		char id[64];
		snprintf(body, sizeof body, "{\"dni\":\"9%06d%02d\",\"first_name\":\"Reg\",\"last_name\":\"Bench\"}",
			 (int)(getpid() % 1000000), i);
		if (post(token, "/api/v1/customers", body, id, sizeof id) < 0)
			return 1;
		clen += (size_t)snprintf(customers + clen, sizeof customers - clen, "%s%s", i ? "," : "", id);
	}
	reset_counts();
	long long seq0 = sql_number("SELECT COALESCE(MAX(seq), 0) FROM ticket_events");
	int fds[2];
	if (pipe(fds) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		char lua_dir[1024], script[1100], secs[16], c[16];
		snprintf(lua_dir, sizeof lua_dir, "%s/bench", getenv("TURNERO_SRC_DIR"));
		snprintf(script, sizeof script, "%s/tickets.lua", lua_dir);
		snprintf(secs, sizeof secs, "%ds", wrk_secs);
		snprintf(c, sizeof c, "%d", wrk_conns);
		setenv("BENCH_LUA_DIR", lua_dir, 1);
		setenv("BENCH_TOKEN", token, 1);
		setenv("BENCH_PRIORITY", MEDIA, 1);
		setenv("BENCH_CUSTOMERS", customers, 1);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		/* wrk sizes its event loop for its own sockets: no inherited ones may take low numbers. */
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
		execlp("wrk", "wrk", "-t", "2", "-c", c, "-d", secs, "--timeout", "5s", "-s", script,
		       getenv("TURNERO_TEST_URL"), (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	long long *lag_ev = calloc(100000, sizeof *lag_ev), *lag_ms = calloc(100000, sizeof *lag_ms);
	size_t ns = 0;
	int status = 0;
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (ns < 100000) {
			relay_lag(&lag_ev[ns], &lag_ms[ns]);
			ns++;
		}
		it_sleep_ms(100);
	}
	long long wrk_end = it_now_ms();
	FILE *out = fdopen(fds[0], "r");
	char line[1024];
	double rps = 0;
	while (out && fgets(line, sizeof line, out)) {
		const char *p = strstr(line, " rps=");
		if (strncmp(line, "BENCH ", 6) == 0 && p)
			rps = atof(p + 5);
	}
	if (out)
		fclose(out);
	/* Caught up: position at the newest event; then every delivery of the run received. */
	long long caught_ms = -1, ev = 0, ms = 0;
	for (long long until = it_now_ms() + 120000; it_now_ms() < until;) {
		relay_lag(&ev, &ms);
		if (ev <= 0) {
			caught_ms = it_now_ms() - wrk_end;
			break;
		}
		it_sleep_ms(50);
	}
	char q[256];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM ticket_events WHERE event = 'created' AND seq > %lld", seq0);
	long long events = sql_number(q);
	/* Seqs that never committed (rolled-back registrations): the relay waits 3 s at each. */
	snprintf(q, sizeof q,
		 "SELECT COALESCE(MAX(seq), %lld) - %lld - COUNT(*) FROM ticket_events WHERE seq > %lld", seq0, seq0, seq0);
	long long gaps = sql_number(q);
	long long want = events * nhooks, delivered_ms = -1;
	for (long long until = it_now_ms() + 300000; it_now_ms() < until;) {
		counts(&n, &d, NULL, NULL);
		if (d >= want) {
			delivered_ms = it_now_ms() - wrk_end;
			break;
		}
		it_sleep_ms(50);
	}
	long long max_ev = 0, max_ms = 0;
	for (size_t i = 0; i < ns; i++) {
		max_ev = lag_ev[i] > max_ev ? lag_ev[i] : max_ev;
		max_ms = lag_ms[i] > max_ms ? lag_ms[i] : max_ms;
	}
	qsort(lag_ev, ns, sizeof *lag_ev, cmp);
	qsort(lag_ms, ns, sizeof *lag_ms, cmp);
	printf("| registration load | req/s | tickets | seq gaps | lag samples | lag events p50 / max | lag ms p50 / max |"
	       " caught up after the load, ms | deliveries received | all received after the load, ms |\n"
	       "|---|---:|---:|---:|---:|---|---|---:|---:|---:|\n");
	printf("| wrk POST /tickets -c %d, %d s | %.0f | %lld | %lld | %zu | %lld / %lld | %lld / %lld | %lld | %lld of %lld | %lld |\n",
	       wrk_conns, wrk_secs, rps, events, gaps, ns, ns ? lag_ev[ns / 2] : 0, max_ev, ns ? lag_ms[ns / 2] : 0, max_ms,
	       caught_ms, d, want, delivered_ms);
	free(lag_ev);
	free(lag_ms);
	free(hooks);
	return d >= want && caught_ms >= 0 ? 0 : 1;
}
