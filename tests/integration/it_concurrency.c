/*
 * The queue engine under real parallelism: 8 clients calling next over 4 queues while
 * 4 clients register 400 tickets. Afterwards every ticket was called exactly once and
 * the numbers of each queue are unique and gap-free. Then EXPLAIN proves the take-next
 * queries are served by indexes (SKIP LOCKED needs that).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "repo/stmt.h"

#define QUEUES 4
#define CALLERS 8
#define REGISTRARS 4
#define TICKETS_PER_REGISTRAR 100
#define TOTAL (REGISTRARS * TICKETS_PER_REGISTRAR)
#define DEADLINE_SECONDS 180

static char token[4096];
static char priority_id[64], customer_id[64];
static char queue_ids[QUEUES][64];

struct issued {
	char id[40];
	char code[16];
};

static struct issued issued[TOTAL];
static char called[TOTAL * 2][40];
static int nissued, ncalled, registrars_done, failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* POSTs JSON and copies "id" of the answer into out; returns the status. */
static long post_id(const char *path, const char *body, char *out, size_t len)
{
	struct it_response r;
	it_json("POST", path, token, body, &r);
	long status = r.status;
	if (status == 201 && out)
		snprintf(out, len, "%s", it_str(&r, "id"));
	else if (status != 201)
		fprintf(stderr, "POST %s: %ld %s\n", path, status, r.body);
	it_response_free(&r);
	return status;
}

static void *registrar(void *arg)
{
	(void)arg;
	char body[256];
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\"}", priority_id, customer_id);
	for (int i = 0; i < TICKETS_PER_REGISTRAR; i++) {
		struct it_response r;
		it_json("POST", "/api/v1/tickets", token, body, &r);
		pthread_mutex_lock(&lock);
		if (r.status == 201 && nissued < TOTAL) {
			snprintf(issued[nissued].id, sizeof issued[0].id, "%s", it_str(&r, "id"));
			snprintf(issued[nissued].code, sizeof issued[0].code, "%s", it_str(&r, "code"));
			nissued++;
		} else {
			fprintf(stderr, "register: %ld %s\n", r.status, r.body);
			failures++;
		}
		pthread_mutex_unlock(&lock);
		it_response_free(&r);
	}
	pthread_mutex_lock(&lock);
	registrars_done++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void *caller(void *arg)
{
	const char *queue = queue_ids[(long)arg % QUEUES];
	char path[160];
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue);
	long long deadline = it_now_ms() + DEADLINE_SECONDS * 1000LL;
	while (it_now_ms() < deadline) {
		struct it_response r;
		it_json("POST", path, token, NULL, &r);
		pthread_mutex_lock(&lock);
		bool finished = registrars_done == REGISTRARS && ncalled >= nissued;
		if (r.status == 200 && ncalled < TOTAL * 2) {
			snprintf(called[ncalled++], sizeof called[0], "%s", it_str(&r, "id"));
		} else if (r.status != 204) {
			fprintf(stderr, "call-next: %ld %s\n", r.status, r.body);
			failures++;
		}
		pthread_mutex_unlock(&lock);
		long status = r.status;
		it_response_free(&r);
		if (status == 204) {
			if (finished)
				break;
			it_sleep_ms(5);
		}
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

START_TEST(test_parallel_calls_and_registrations_lose_and_double_nothing)
{
	char body[512], name[64];
	unsigned tag = (unsigned)getpid();
	snprintf(name, sizeof name, "load-%u", tag);
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"level\":3,\"max_wait_minutes\":0}", name);
	ck_assert_int_eq(post_id("/api/v1/priorities", body, priority_id, sizeof priority_id), 201);
	snprintf(body, sizeof body, "{\"first_name\":\"Load\",\"last_name\":\"Test %u\"}", tag);
	ck_assert_int_eq(post_id("/api/v1/customers", body, customer_id, sizeof customer_id), 201);
	for (int q = 0; q < QUEUES; q++) {
		char queue_name[64], ids[96], prefix[4];
		snprintf(queue_name, sizeof queue_name, "load-%u-%d", tag, q);
		snprintf(ids, sizeof ids, "[\"%s\"]", priority_id);
		ck_assert_int_eq(it_create_queue(token, queue_name, q % 2 ? "fifo" : "priority", ids, queue_ids[q], prefix),
				 0);
	}

	pthread_t regs[REGISTRARS], calls[CALLERS];
	for (long i = 0; i < CALLERS; i++)
		ck_assert_int_eq(pthread_create(&calls[i], NULL, caller, (void *)i), 0);
	for (long i = 0; i < REGISTRARS; i++)
		ck_assert_int_eq(pthread_create(&regs[i], NULL, registrar, NULL), 0);
	for (int i = 0; i < REGISTRARS; i++)
		pthread_join(regs[i], NULL);
	for (int i = 0; i < CALLERS; i++)
		pthread_join(calls[i], NULL);

	ck_assert_int_eq(failures, 0);
	ck_assert_int_eq(nissued, TOTAL);
	ck_assert_msg(ncalled == TOTAL, "called %d of %d tickets", ncalled, TOTAL);

	/* Called exactly once: no id twice, and the called set is the issued set. */
	qsort(called, (size_t)ncalled, sizeof called[0], cmp_str);
	for (int i = 1; i < ncalled; i++)
		ck_assert_msg(strcmp(called[i - 1], called[i]) != 0, "ticket %s called twice", called[i]);
	for (int i = 0; i < nissued; i++)
		ck_assert_msg(bsearch(issued[i].id, called, (size_t)ncalled, sizeof called[0], cmp_str),
			      "ticket %s never called", issued[i].id);

	/* Per issuing queue (the code's prefix), numbers are exactly 1..n. */
	for (int q = 0; q < QUEUES; q++) {
		char prefix[8];
		struct it_response r;
		char path[320];
		snprintf(path, sizeof path, "/api/v1/queues/%s", queue_ids[q]);
		it_json("GET", path, token, NULL, &r);
		snprintf(prefix, sizeof prefix, "%s-", it_str(&r, "prefix"));
		it_response_free(&r);
		int count = 0;
		static char seen[TOTAL + 1];
		memset(seen, 0, sizeof seen);
		for (int i = 0; i < nissued; i++) {
			if (strncmp(issued[i].code, prefix, strlen(prefix)) != 0)
				continue;
			int number = atoi(issued[i].code + strlen(prefix));
			ck_assert_msg(number >= 1 && number <= TOTAL && !seen[number], "number %d of %s repeated or out of range",
				      number, prefix);
			seen[number] = 1;
			count++;
		}
		for (int k = 1; k <= count; k++)
			ck_assert_msg(seen[k], "queue %s skipped number %d", prefix, k);
	}
}
END_TEST

/* EXPLAIN of statement id through the stack's MariaDB, into plan. */
static void explain(enum stmt_id id, char *plan, size_t size)
{
	const char *sql = stmt_sql(id);
	char query[8192] = "";
	size_t len = 0;
	/* EXPLAIN cannot take placeholders: the queue id fills them in. */
	for (const char *p = sql; *p && len + 64 < sizeof query; p++) {
		if (*p == '?')
			len += (size_t)snprintf(query + len, sizeof query - len, "'%s'", queue_ids[0]);
		else
			query[len++] = *p;
	}
	query[len] = '\0';
	char cmd[16384];
	snprintf(cmd, sizeof cmd,
		 "mariadb --no-defaults --socket='%s' -uroot turnero -N -B -e \"ANALYZE TABLE tickets; EXPLAIN %s\" 2>&1",
		 it_state_path("run/mysql.sock"), query);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	char line[2048];
	plan[0] = '\0';
	while (fgets(line, sizeof line, f))
		snprintf(plan + strlen(plan), size - strlen(plan), "%s", line);
	ck_assert_int_eq(pclose(f), 0);
}

/* Fails on a full scan or a filesort of tickets. */
static void assert_index_served(enum stmt_id id)
{
	char plan[8192];
	explain(id, plan, sizeof plan);
	ck_assert_msg(strstr(plan, "\tt\t"), "%s: no plan for tickets:\n%s", stmt_name(id), plan);
	ck_assert_msg(!strstr(plan, "filesort"), "%s sorts without an index:\n%s", stmt_name(id), plan);
	ck_assert_msg(!strstr(plan, "\tt\tALL\t"), "%s scans all tickets:\n%s", stmt_name(id), plan);
}

START_TEST(test_take_next_queries_are_index_served)
{
	ck_assert_msg(queue_ids[0][0], "runs after the load test created queues and tickets");
	assert_index_served(STMT_TICKET_NEXT_FIFO);
	assert_index_served(STMT_TICKET_NEXT_LEVEL);
	assert_index_served(STMT_TICKET_NEXT_OVERDUE);
	assert_index_served(STMT_TICKET_STEAL_FIFO);
	assert_index_served(STMT_TICKET_STEAL_LEVEL);
	assert_index_served(STMT_TICKET_STEAL_OVERDUE);
	assert_index_served(STMT_TICKET_CALLED_OF_QUEUE);
	/* The overdue check reads a range of sla_deadline (not the queue's every ticket). */
	assert_index_served(STMT_TICKET_OVERDUE_EXISTS);
	char plan[8192];
	explain(STMT_TICKET_OVERDUE_EXISTS, plan, sizeof plan);
	ck_assert_msg(strstr(plan, "\trange\tix_tickets_queue_standing\t"), "overdue check not a range of the standing index:\n%s",
		      plan);
}
END_TEST

int main(void)
{
	it_init();
	if (it_admin_login(token, sizeof token) < 0)
		return 1;

	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("queue-engine");
	tcase_set_timeout(tc, DEADLINE_SECONDS + 60);
	tcase_add_test(tc, test_parallel_calls_and_registrations_lose_and_double_nothing);
	tcase_add_test(tc, test_take_next_queries_are_index_served);
	suite_add_tcase(s, tc);
	return it_run_suite(s);
}
