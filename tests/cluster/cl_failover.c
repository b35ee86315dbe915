/*
 * Load through nginx and two turnero hosts over a three-node Galera cluster while the
 * bed is broken and mended, scenario after scenario (tests/cluster/run.sh builds the
 * bed; tests/cluster/fault.sh, named by TURNERO_CLUSTER_CTL, breaks and mends it).
 *
 * Three registrars POST /tickets and four attendants, each signed in at a desk of
 * its own (two desks on each of two queues), POST /desks/{id}/call-next, all the time.
 * One loop runs the scenarios of the table below: warm up, fault, wait for writes to be
 * back (an acknowledged registration sent after the fault), keep the load on the broken
 * bed a little, heal, wait for writes after the heal, then the checks of every node
 * (fault.sh check) against what was acknowledged so far (acked.txt, called.txt).
 * Checked here: writes (registrations and desk call-next) back within RECOVERED_WITHIN_MS
 * of every single-node fault and
 * no ticket handed out by two call-next answers. The figures go to stderr and
 * figures.txt.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../integration/harness.h"

#define QUEUES 2
#define DESKS_PER_QUEUE 2
#define DESKS (QUEUES * DESKS_PER_QUEUE)
#define REGISTRARS 3
#define MAX_TICKETS 40000
#define ATTENDANT_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000003"
#define ATTENDANT_PASSWORD "cluster-desk-pw"

/* The product requirement of issue 16: writes back within 15 s of a single-node fault.
 * What the bed measures is about 6-9 s (evs.suspect_timeout=PT5S plus a reconnect). */
#define RECOVERED_WITHIN_MS 15000
/* How long to keep measuring before giving up (well past the requirement, so a
 * failure still prints the figure). */
#define GIVE_UP_SINGLE_MS 60000
#define GIVE_UP_WHOLE_MS 300000
/* Acknowledged registrations to wait for in each phase, and the bound of that wait. */
#define PHASE_ACKS 20
#define PHASE_BOUND_MS 60000

struct scenario {
	const char *name;
	const char *fault;  /* fault.sh action; "heal" mends it */
	bool single;        /* one node or host: writes back within RECOVERED_WITHIN_MS */
	bool heal_at_once;  /* nothing can write until it is mended (the whole cluster down) */
};

static const struct scenario scenarios[] = {
	{"writer node killed (SIGKILL)", "kill-writer", true, false},
	{"writer node paused (SIGSTOP, SIGCONT)", "stop-writer", true, false},
	{"non-writer node killed (SIGKILL)", "kill-reader", true, false},
	{"turnero host killed (SIGKILL)", "kill-host", true, false},
	{"whole cluster crashed, bootstrapped", "kill-all", false, true},
};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

static char token[4096];
static char priority_id[64], customer_id[64];
static char queue_ids[QUEUES][64];

struct desk {
	char id[64];
	char user[96];
	char token[4096];
};
static struct desk desks[DESKS];

struct issued {
	char id[40];
};

static struct issued issued[MAX_TICKETS];
static char called[MAX_TICKETS][40];
static int nissued, ncalled, nfailed_reg, nfailed_call;
/* The current phase: acknowledgements of requests sent at or after since_ms. */
static long long since_ms;
static int acks_since;
static long long first_reg_back_ms, first_call_back_ms; /* completion times, 0: none yet */
static volatile int stop;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *registrar(void *arg)
{
	char *tok = arg; /* this thread's admin token */
	char body[256];
	snprintf(body, sizeof body, "{\"priority_id\":\"%s\",\"customer_id\":\"%s\"}", priority_id, customer_id);
	while (!stop) {
		struct it_response r;
		long long sent = it_now_ms();
		it_json("POST", "/api/v1/tickets", tok, body, &r);
		long long done = it_now_ms();
		pthread_mutex_lock(&lock);
		if (r.status == 201 && nissued < MAX_TICKETS) {
			snprintf(issued[nissued].id, sizeof issued[0].id, "%s", it_str(&r, "id"));
			nissued++;
			if (since_ms && sent >= since_ms) {
				acks_since++;
				if (!first_reg_back_ms)
					first_reg_back_ms = done;
			}
		} else {
			/* Not acknowledged: the client would retry; it may or may not exist. */
			nfailed_reg++;
		}
		pthread_mutex_unlock(&lock);
		long status = r.status;
		it_response_free(&r);
		/* Tokens last 15 minutes; a slow run may outlive one. */
		if (status == 401)
			it_login("admin", IT_ADMIN_PASSWORD, tok, sizeof token, NULL, 0);
		if (status != 201)
			it_sleep_ms(50);
	}
	return NULL;
}

static void *caller(void *arg)
{
	struct desk *d = arg;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/desks/%s/call-next", d->id);
	while (!stop) {
		struct it_response r;
		long long sent = it_now_ms();
		it_json("POST", path, d->token, NULL, &r);
		long long done = it_now_ms();
		long status = r.status;
		pthread_mutex_lock(&lock);
		if (status == 200 && ncalled < MAX_TICKETS)
			snprintf(called[ncalled++], sizeof called[0], "%s", it_str(&r, "id"));
		else if (status != 204)
			nfailed_call++;
		if ((status == 200 || status == 204) && since_ms && sent >= since_ms && !first_call_back_ms)
			first_call_back_ms = done;
		pthread_mutex_unlock(&lock);
		it_response_free(&r);
		/* Tokens last 15 minutes; a slow run may outlive one. */
		if (status == 401)
			it_login(d->user, ATTENDANT_PASSWORD, d->token, sizeof d->token, NULL, 0);
		if (status != 200)
			it_sleep_ms(50);
	}
	return NULL;
}

/* Starts a phase: from now on count what is acknowledged for requests sent from now. */
static void phase_start(long long at)
{
	pthread_mutex_lock(&lock);
	since_ms = at;
	acks_since = 0;
	first_reg_back_ms = first_call_back_ms = 0;
	pthread_mutex_unlock(&lock);
}

/* Polls until the phase has `acks` acknowledged registrations, for at most bound_ms. */
static bool wait_acks(int acks, long long bound_ms)
{
	long long end = it_now_ms() + bound_ms;
	for (;;) {
		pthread_mutex_lock(&lock);
		int n = acks_since;
		pthread_mutex_unlock(&lock);
		if (n >= acks)
			return true;
		if (it_now_ms() >= end)
			return false;
		it_sleep_ms(50);
	}
}

/* Polls until both a registration and a call-next sent in this phase were answered
 * (writes are back for both), for at most bound_ms; true when the registration was. */
static bool wait_back(long long bound_ms)
{
	long long end = it_now_ms() + bound_ms;
	for (;;) {
		pthread_mutex_lock(&lock);
		bool reg = first_reg_back_ms != 0, call = first_call_back_ms != 0;
		pthread_mutex_unlock(&lock);
		if ((reg && call) || it_now_ms() >= end)
			return reg;
		it_sleep_ms(50);
	}
}

/* Runs "$TURNERO_CLUSTER_CTL <state dir> <action>"; true when it exits 0. */
static bool ctl(const char *action)
{
	const char *prog = getenv("TURNERO_CLUSTER_CTL");
	const char *state = getenv("TURNERO_TEST_STATE");
	if (!prog || !state)
		return false;
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		execl(prog, prog, state, action, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Writes what has been acknowledged so far for fault.sh check and run.sh. */
static bool write_acknowledged(void)
{
	pthread_mutex_lock(&lock);
	int ni = nissued, nc = ncalled;
	pthread_mutex_unlock(&lock);
	/* Entries below the counts are never written again. */
	FILE *a = fopen(it_state_path("acked.txt"), "w");
	if (!a)
		return false;
	for (int i = 0; i < ni; i++)
		fprintf(a, "%s\n", issued[i].id);
	bool ok = fclose(a) == 0;
	FILE *c = fopen(it_state_path("called.txt"), "w");
	if (!c)
		return false;
	for (int i = 0; i < nc; i++)
		fprintf(c, "%s\n", called[i]);
	return fclose(c) == 0 && ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static long post_id(const char *path, const char *tok, const char *body, char *out, size_t len)
{
	struct it_response r;
	it_json("POST", path, tok, body, &r);
	long status = r.status;
	if (status == 201 && out)
		snprintf(out, len, "%s", it_str(&r, "id"));
	else if (status != 201 && status != 200)
		fprintf(stderr, "POST %s: %ld %s\n", path, status, r.body);
	it_response_free(&r);
	return status;
}

/* Queues, desks, attendants signed in at them. */
static void set_up(void)
{
	char body[512], path[160], id[64];
	unsigned tag = (unsigned)getpid();
	snprintf(body, sizeof body, "{\"name\":\"cluster-%u\",\"level\":3,\"max_wait_minutes\":0}", tag);
	ck_assert_int_eq(post_id("/api/v1/priorities", token, body, priority_id, sizeof priority_id), 201);
	snprintf(body, sizeof body, "{\"first_name\":\"Cluster\",\"last_name\":\"Load %u\"}", tag);
	ck_assert_int_eq(post_id("/api/v1/customers", token, body, customer_id, sizeof customer_id), 201);
	for (int q = 0; q < QUEUES; q++) {
		char name[64], ids[96], prefix[4];
		snprintf(name, sizeof name, "cluster-%u-%d", tag, q);
		snprintf(ids, sizeof ids, "[\"%s\"]", priority_id);
		ck_assert_int_eq(it_create_queue(token, name, "fifo", ids, queue_ids[q], prefix), 0);
	}
	for (int i = 0; i < DESKS; i++) {
		struct desk *d = &desks[i];
		snprintf(body, sizeof body, "{\"name\":\"cluster-%u-desk-%d\",\"queue_id\":\"%s\"}", tag, i,
			 queue_ids[i / DESKS_PER_QUEUE]);
		ck_assert_int_eq(post_id("/api/v1/desks", token, body, d->id, sizeof d->id), 201);
		snprintf(d->user, sizeof d->user, "cluster.%u.desk%d", tag, i);
		snprintf(body, sizeof body,
			 "{\"user_name\":\"%s\",\"first_name\":\"Desk\",\"last_name\":\"Attendant %d\",\"password\":\"%s\","
			 "\"role_id\":\"" ATTENDANT_ROLE "\"}",
			 d->user, i, ATTENDANT_PASSWORD);
		ck_assert_int_eq(post_id("/api/v1/users", token, body, id, sizeof id), 201);
		ck_assert_int_eq(it_login(d->user, ATTENDANT_PASSWORD, d->token, sizeof d->token, NULL, 0), 200);
		snprintf(path, sizeof path, "/api/v1/desks/%.40s/open", d->id);
		ck_assert_int_eq(post_id(path, d->token, NULL, NULL, 0), 200);
	}
}

struct figures {
	long long reg_back_ms, call_back_ms; /* -1: not within the give-up bound */
	long long action_ms;                 /* how long fault.sh took to break the bed */
	int acked, refused;
};

static void print_figures(FILE *f, const struct scenario *s, const struct figures *fg)
{
	char reg[32], call[32];
	if (fg->reg_back_ms >= 0)
		snprintf(reg, sizeof reg, "%.1f s", (double)fg->reg_back_ms / 1000.0);
	else
		snprintf(reg, sizeof reg, "never");
	if (fg->call_back_ms >= 0)
		snprintf(call, sizeof call, "%.1f s", (double)fg->call_back_ms / 1000.0);
	else
		snprintf(call, sizeof call, "never");
	fprintf(f, "  %-40s writes back after %-8s (call-next %s; the fault itself took %.1f s)%s; %d registrations"
		" acknowledged, %d not\n",
		s->name, reg, call, (double)fg->action_ms / 1000.0, s->single ? "" : " [bootstrap included]", fg->acked,
		fg->refused);
}

/*
 * One scenario: warm up, fault, wait for writes back, keep the load on the broken bed
 * a little, heal, wait for writes after the heal, check every node. Returns false when
 * it failed; *broken when the bed could not be broken or mended (no use going on).
 */
static bool run_scenario(const struct scenario *s, struct figures *fg, bool *broken)
{
	bool ok = true;
	*broken = false;
	fprintf(stderr, "cluster: ---- %s\n", s->name);
	phase_start(it_now_ms());
	if (!wait_acks(PHASE_ACKS, PHASE_BOUND_MS)) {
		fprintf(stderr, "cluster: FAIL: no %d acknowledged registrations before the fault\n", PHASE_ACKS);
		*broken = true;
		return false;
	}
	pthread_mutex_lock(&lock);
	int acked0 = nissued, refused0 = nfailed_reg;
	pthread_mutex_unlock(&lock);

	long long fault_ms = it_now_ms();
	if (!ctl(s->fault)) {
		fprintf(stderr, "cluster: FAIL: fault.sh %s failed\n", s->fault);
		*broken = true;
		return false;
	}
	/* Count only requests sent once the fault surely is in effect; measure from the
	 * moment it was started (an overestimate by the action's own time). */
	phase_start(it_now_ms());
	fg->action_ms = since_ms - fault_ms;
	bool healed = false;
	if (s->heal_at_once) {
		if (!ctl("heal")) {
			fprintf(stderr, "cluster: FAIL: fault.sh heal failed\n");
			*broken = true;
			return false;
		}
		healed = true;
	}
	bool back = wait_back(s->single ? GIVE_UP_SINGLE_MS : GIVE_UP_WHOLE_MS);
	pthread_mutex_lock(&lock);
	fg->reg_back_ms = back ? first_reg_back_ms - fault_ms : -1;
	fg->call_back_ms = first_call_back_ms ? first_call_back_ms - fault_ms : -1;
	pthread_mutex_unlock(&lock);
	if (!back) {
		fprintf(stderr, "cluster: FAIL: %s: no registration acknowledged after the fault\n", s->name);
		ok = false;
	} else if (s->single && fg->reg_back_ms > RECOVERED_WITHIN_MS) {
		fprintf(stderr, "cluster: FAIL: %s: registrations back after %lld ms, more than %d ms\n", s->name,
			fg->reg_back_ms, RECOVERED_WITHIN_MS);
		ok = false;
	}
	if (s->single && (fg->call_back_ms < 0 || fg->call_back_ms > RECOVERED_WITHIN_MS)) {
		fprintf(stderr, "cluster: FAIL: %s: call-next back after %lld ms, more than %d ms\n", s->name,
			fg->call_back_ms, RECOVERED_WITHIN_MS);
		ok = false;
	}
	if (!healed) {
		/* The load goes on for a while on the broken bed. */
		if (back && !wait_acks(PHASE_ACKS, PHASE_BOUND_MS)) {
			fprintf(stderr, "cluster: FAIL: %s: writes stopped again before the heal\n", s->name);
			ok = false;
		}
		if (!ctl("heal")) {
			fprintf(stderr, "cluster: FAIL: fault.sh heal failed\n");
			*broken = true;
			return false;
		}
	}
	/* Writes go on after the heal (a rejoined node may briefly take writes too). */
	phase_start(it_now_ms());
	if (!wait_acks(PHASE_ACKS, PHASE_BOUND_MS)) {
		fprintf(stderr, "cluster: FAIL: %s: no %d acknowledged registrations after the heal\n", s->name,
			PHASE_ACKS);
		ok = false;
	}
	pthread_mutex_lock(&lock);
	fg->acked = nissued - acked0;
	fg->refused = nfailed_reg - refused0;
	pthread_mutex_unlock(&lock);
	print_figures(stderr, s, fg);
	if (!write_acknowledged() || !ctl("check")) {
		fprintf(stderr, "cluster: FAIL: %s: the checks on the nodes failed\n", s->name);
		ok = false;
	}
	return ok;
}

START_TEST(test_faults_under_load)
{
	set_up();
	long long started_ms = it_now_ms();
	pthread_t regs[REGISTRARS], calls[DESKS];
	static char reg_tokens[REGISTRARS][sizeof token];
	for (int i = 0; i < REGISTRARS; i++) {
		memcpy(reg_tokens[i], token, sizeof token);
		ck_assert_int_eq(pthread_create(&regs[i], NULL, registrar, reg_tokens[i]), 0);
	}
	for (int i = 0; i < DESKS; i++)
		ck_assert_int_eq(pthread_create(&calls[i], NULL, caller, &desks[i]), 0);

	struct figures fg[NSCENARIOS];
	size_t ran = 0;
	int failed = 0;
	for (size_t i = 0; i < NSCENARIOS; i++) {
		bool broken;
		memset(&fg[i], 0, sizeof fg[i]);
		if (!run_scenario(&scenarios[i], &fg[i], &broken))
			failed++;
		ran++;
		if (broken)
			break;
	}
	stop = 1;
	for (int i = 0; i < REGISTRARS; i++)
		pthread_join(regs[i], NULL);
	for (int i = 0; i < DESKS; i++)
		pthread_join(calls[i], NULL);

	FILE *f = fopen(it_state_path("figures.txt"), "w");
	/* run.sh prints them again at the end. */
	for (size_t i = 0; i < ran && f; i++)
		print_figures(f, &scenarios[i], &fg[i]);
	if (f)
		fclose(f);
	double secs = (double)(it_now_ms() - started_ms) / 1000.0;
	fprintf(stderr,
		"cluster: %d registrations acknowledged, %d not; %d calls answered, %d failed; in %.0f s"
		" (%.0f registrations and %.0f calls a second, faults included)\n",
		nissued, nfailed_reg, ncalled, nfailed_call, secs, nissued / secs, ncalled / secs);
	ck_assert_msg(write_acknowledged(), "cannot write acked.txt / called.txt");
	ck_assert_msg(ran == NSCENARIOS, "the bed broke in scenario %zu (%s)", ran, scenarios[ran - 1].name);
	ck_assert_msg(failed == 0, "%d scenario(s) failed", failed);
	ck_assert_int_gt(ncalled, 0);

	/* No ticket handed out twice. */
	qsort(called, (size_t)ncalled, sizeof called[0], cmp_str);
	for (int i = 1; i < ncalled; i++)
		ck_assert_msg(strcmp(called[i - 1], called[i]) != 0, "ticket %s called twice", called[i]);
	/* Numbers unique per queue and service day: fault.sh check, on every node (a code
	 * alone may repeat after midnight, when numbering starts again). */
}
END_TEST

int main(void)
{
	it_init();
	if (it_admin_login(token, sizeof token) < 0)
		return 1;
	Suite *s = suite_create("cluster");
	TCase *tc = tcase_create("faults");
	/* Five scenarios of about a minute each at most; the whole-cluster restart is the longest. */
	tcase_set_timeout(tc, 1200);
	tcase_add_test(tc, test_faults_under_load);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
