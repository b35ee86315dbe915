/*
 * Load through nginx and two turnero hosts over a three-node Galera cluster while the
 * node they write through is killed (tests/cluster/run.sh starts it all).
 * Registrations and call-next run for LOAD_BEFORE seconds, then the writer node's
 * mariadbd gets SIGKILL (pid in TURNERO_CLUSTER_KILL_PID) and the load goes on for
 * LOAD_AFTER seconds. Checked here: registrations sent 15 s after the kill are
 * acknowledged again, no ticket was handed out by two call-next answers, and the acknowledged
 * codes are unique per queue. Written for run.sh to check on every node: the ids of
 * acknowledged tickets (acked.txt) and of called ones (called.txt).
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../integration/harness.h"

#define QUEUES 2
#define REGISTRARS 3
#define CALLERS 2
#define LOAD_BEFORE_MS 4000
#define LOAD_AFTER_MS 25000
#define MAX_TICKETS 20000
#define RECOVERED_WITHIN_MS 15000

static char token[4096];
static char priority_id[64], customer_id[64];
static char queue_ids[QUEUES][64];

struct issued {
	char id[40];
	char code[16];
};

static struct issued issued[MAX_TICKETS];
static char called[MAX_TICKETS][40];
static int nissued, ncalled, nfailed_reg, nfailed_call;
static long long kill_ms;
static int late_acks; /* acknowledged registrations sent RECOVERED_WITHIN_MS or more after the kill */
static volatile int stop;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *registrar(void *arg)
{
	(void)arg;
	char body[256];
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\"}", priority_id, customer_id);
	while (!stop) {
		struct it_response r;
		long long sent = it_now_ms();
		it_json("POST", "/api/v1/tickets", token, body, &r);
		pthread_mutex_lock(&lock);
		if (r.status == 201 && nissued < MAX_TICKETS) {
			snprintf(issued[nissued].id, sizeof issued[0].id, "%s", it_str(&r, "id"));
			snprintf(issued[nissued].code, sizeof issued[0].code, "%s", it_str(&r, "code"));
			nissued++;
			if (kill_ms && sent >= kill_ms + RECOVERED_WITHIN_MS)
				late_acks++;
		} else {
			/* Not acknowledged: the client would retry; it may or may not exist. */
			nfailed_reg++;
		}
		pthread_mutex_unlock(&lock);
		long status = r.status;
		it_response_free(&r);
		if (status != 201)
			it_sleep_ms(50);
	}
	return NULL;
}

static void *caller(void *arg)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/queues/%s/call-next", queue_ids[(long)arg % QUEUES]);
	while (!stop) {
		struct it_response r;
		it_json("POST", path, token, NULL, &r);
		pthread_mutex_lock(&lock);
		if (r.status == 200 && ncalled < MAX_TICKETS)
			snprintf(called[ncalled++], sizeof called[0], "%s", it_str(&r, "id"));
		else if (r.status != 204)
			nfailed_call++;
		pthread_mutex_unlock(&lock);
		long status = r.status;
		it_response_free(&r);
		if (status != 200)
			it_sleep_ms(50);
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static long post_id(const char *path, const char *body, char *out, size_t len)
{
	struct it_response r;
	it_json("POST", path, token, body, &r);
	long status = r.status;
	if (status == 201)
		snprintf(out, len, "%s", it_str(&r, "id"));
	else
		fprintf(stderr, "POST %s: %ld %s\n", path, status, r.body);
	it_response_free(&r);
	return status;
}

START_TEST(test_writer_node_killed_under_load)
{
	const char *pid_text = getenv("TURNERO_CLUSTER_KILL_PID");
	ck_assert_ptr_nonnull(pid_text);
	pid_t victim = (pid_t)atol(pid_text);
	ck_assert_int_gt(victim, 1);

	char body[512];
	unsigned tag = (unsigned)getpid();
	snprintf(body, sizeof body, "{\"name\":\"cluster-%u\",\"level\":3,\"max_wait_minutes\":0}", tag);
	ck_assert_int_eq(post_id("/api/v1/priorities", body, priority_id, sizeof priority_id), 201);
	snprintf(body, sizeof body, "{\"first_name\":\"Cluster\",\"last_name\":\"Load %u\"}", tag);
	ck_assert_int_eq(post_id("/api/v1/customers", body, customer_id, sizeof customer_id), 201);
	for (int q = 0; q < QUEUES; q++) {
		char name[64], ids[96], prefix[4];
		snprintf(name, sizeof name, "cluster-%u-%d", tag, q);
		snprintf(ids, sizeof ids, "[\"%s\"]", priority_id);
		ck_assert_int_eq(it_create_queue(token, name, "fifo", ids, queue_ids[q], prefix), 0);
	}

	pthread_t regs[REGISTRARS], calls[CALLERS];
	for (long i = 0; i < REGISTRARS; i++)
		ck_assert_int_eq(pthread_create(&regs[i], NULL, registrar, NULL), 0);
	for (long i = 0; i < CALLERS; i++)
		ck_assert_int_eq(pthread_create(&calls[i], NULL, caller, (void *)i), 0);

	it_sleep_ms(LOAD_BEFORE_MS);
	pthread_mutex_lock(&lock);
	int before = nissued;
	kill_ms = it_now_ms();
	pthread_mutex_unlock(&lock);
	ck_assert_int_eq(kill(victim, SIGKILL), 0);
	fprintf(stderr, "cluster: killed the writer node (pid %d) after %d acknowledged registrations\n", (int)victim,
		before);
	it_sleep_ms(LOAD_AFTER_MS);
	stop = 1;
	for (int i = 0; i < REGISTRARS; i++)
		pthread_join(regs[i], NULL);
	for (int i = 0; i < CALLERS; i++)
		pthread_join(calls[i], NULL);

	fprintf(stderr,
		"cluster: %d registrations acknowledged (%d before the kill, %d sent %d s or more after it), %d not;"
		" %d calls answered, %d failed\n",
		nissued, before, late_acks, RECOVERED_WITHIN_MS / 1000, nfailed_reg, ncalled, nfailed_call);
	ck_assert_int_gt(before, 0);
	/* Service is back: registrations sent well after the kill are acknowledged. */
	ck_assert_msg(late_acks > 0, "no registration sent %d ms or more after the kill was acknowledged",
		      RECOVERED_WITHIN_MS);

	/* No ticket handed out twice. */
	qsort(called, (size_t)ncalled, sizeof called[0], cmp_str);
	for (int i = 1; i < ncalled; i++)
		ck_assert_msg(strcmp(called[i - 1], called[i]) != 0, "ticket %s called twice", called[i]);
	/* Codes unique (per queue prefix, as the code carries it). */
	static char codes[MAX_TICKETS][16];
	for (int i = 0; i < nissued; i++)
		memcpy(codes[i], issued[i].code, sizeof codes[i]);
	qsort(codes, (size_t)nissued, sizeof codes[0], cmp_str);
	for (int i = 1; i < nissued; i++)
		ck_assert_msg(strcmp(codes[i - 1], codes[i]) != 0, "code %s given twice", codes[i]);

	FILE *a = fopen(it_state_path("acked.txt"), "w"), *c = fopen(it_state_path("called.txt"), "w");
	ck_assert(a && c);
	for (int i = 0; i < nissued; i++)
		fprintf(a, "%s\n", issued[i].id);
	for (int i = 0; i < ncalled; i++)
		fprintf(c, "%s\n", called[i]);
	fclose(a);
	fclose(c);
}
END_TEST

int main(void)
{
	it_init();
	if (it_admin_login(token, sizeof token) < 0)
		return 1;
	Suite *s = suite_create("cluster");
	TCase *tc = tcase_create("failover");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_writer_node_killed_under_load);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
