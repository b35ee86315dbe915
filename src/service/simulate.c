#include "service/simulate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/explain_repo.h"
#include "service/report.h"

static bool overdue(const struct sim_ticket *x, long long now_ms)
{
	return x->deadline_ms >= 0 && x->deadline_ms <= now_ms;
}

/* -1, 0, 1 as a is before, equal to or after b in the key list (k1, k2, k3), then id. */
static int keys3(long long a1, long long a2, long long a3, long long b1, long long b2, long long b3, const char *aid,
		 const char *bid)
{
	if (a1 != b1)
		return a1 < b1 ? -1 : 1;
	if (a2 != b2)
		return a2 < b2 ? -1 : 1;
	if (a3 != b3)
		return a3 < b3 ? -1 : 1;
	int c = strcmp(aid, bid);
	return c < 0 ? -1 : c > 0;
}

/* The order of queue_order.h (QO_FIFO_KEYS, QO_OVERDUE_KEYS, QO_LEVEL_KEYS, QO_BEFORE). */
bool sim_before(const struct sim_ticket *a, const struct sim_ticket *b, bool fifo, long long now_ms)
{
	if (fifo)
		return keys3(a->due_ms, a->created_ms, 0, b->due_ms, b->created_ms, 0, a->id, b->id) < 0;
	bool oa = overdue(a, now_ms), ob = overdue(b, now_ms);
	if (oa != ob)
		return oa;
	if (oa)
		return keys3(a->due_ms, a->level, a->created_ms, b->due_ms, b->level, b->created_ms, a->id, b->id) < 0;
	return keys3(a->level, a->due_ms, a->created_ms, b->level, b->due_ms, b->created_ms, a->id, b->id) < 0;
}

int sim_run_day(struct sim_ticket *t, size_t n, bool fifo, long desks, sim_draw_fn draw, void *cls)
{
	if (desks < 1)
		return -1;
	long long *free_at = malloc((size_t)desks * sizeof *free_at);
	bool *done = calloc(n ? n : 1, sizeof *done);
	if (!free_at || !done) {
		free(free_at);
		free(done);
		return -1;
	}
	for (long d = 0; d < desks; d++)
		free_at[d] = LLONG_MIN;
	for (size_t i = 0; i < n; i++)
		t[i].call_ms = -1;
	size_t admitted = 0, called = 0;
	long long now = n ? t[0].created_ms : 0;
	while (called < n) {
		while (admitted < n && t[admitted].created_ms <= now)
			admitted++;
		long first = 0;
		for (long d = 1; d < desks; d++)
			if (free_at[d] < free_at[first])
				first = d;
		if (admitted > called && free_at[first] <= now) {
			/* A free desk calls the first waiting ticket by the order, now. */
			size_t best = n;
			for (size_t i = 0; i < admitted; i++)
				if (!done[i] && (best == n || sim_before(&t[i], &t[best], fifo, now)))
					best = i;
			t[best].call_ms = now;
			done[best] = true;
			called++;
			long long service = draw(cls);
			free_at[first] = now + (service > 0 ? service : 0);
			continue;
		}
		/* Nothing to do now: on to the next arrival, or the next desk to free up. */
		long long next = admitted < n ? t[admitted].created_ms : LLONG_MAX;
		if (admitted > called && free_at[first] < next)
			next = free_at[first];
		now = next;
	}
	free(free_at);
	free(done);
	return 0;
}

uint64_t sim_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Draws from one queue-day's measured services (or the default), with the run's generator. */
struct draw_ctx {
	const long long *services;
	size_t n;
	long long default_ms;
	uint64_t *state;
};

static long long draw_service(void *cls)
{
	struct draw_ctx *d = cls;
	if (!d->n)
		return d->default_ms;
	return d->services[sim_random(d->state) % d->n];
}

/* Waits (seconds) and SLA outcomes of one queue over the days. */
struct tally {
	double *waits;
	size_t n;
	long long met;
};

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void figures(struct tally *t, struct sim_figures *f)
{
	memset(f, 0, sizeof *f);
	if (!t->n)
		return;
	double sum = 0;
	for (size_t i = 0; i < t->n; i++)
		sum += t->waits[i];
	qsort(t->waits, t->n, sizeof *t->waits, by_value);
	f->has = true;
	f->avg_wait = sum / (double)t->n;
	report_percentile(t->waits, t->n, 0.9, &f->p90_wait);
	f->sla_met_pct = 100.0 * (double)t->met / (double)t->n;
}

static int max_wait_of(const struct sim_priority *p, size_t np, const struct sim_sla_override *sla, size_t nsla,
		       const char *priority_id)
{
	for (size_t i = 0; i < nsla; i++)
		if (strcmp(sla[i].priority_id, priority_id) == 0)
			return sla[i].max_wait_minutes;
	for (size_t i = 0; i < np; i++)
		if (strcmp(p[i].id, priority_id) == 0)
			return p[i].max_wait_minutes;
	return 0;
}

/* Simulates one queue's day rows[0..n) (sorted by created_ms) into the tallies. */
static int run_day(const struct sim_row *rows, size_t n, bool fifo, long desks, const struct sim_priority *p,
		   size_t np, const struct sim_sla_override *sla, size_t nsla, long long default_ms, uint64_t *state,
		   struct tally *real, struct tally *sim)
{
	struct sim_ticket *t = calloc(n, sizeof *t);
	long long *services = calloc(n, sizeof *services);
	int rc = -1;
	if (!t || !services)
		goto out;
	size_t ns = 0;
	for (size_t i = 0; i < n; i++) {
		snprintf(t[i].id, sizeof t[i].id, "%s", rows[i].id);
		t[i].created_ms = rows[i].created_ms;
		t[i].due_ms = rows[i].due_ms;
		t[i].level = rows[i].level;
		int max_wait = max_wait_of(p, np, sla, nsla, rows[i].priority_id);
		t[i].deadline_ms = max_wait > 0 ? rows[i].due_ms + (long long)max_wait * 60000 : -1;
		if (rows[i].served && rows[i].served_ms >= rows[i].called_ms)
			services[ns++] = rows[i].served_ms - rows[i].called_ms;
		long long w = rows[i].called_ms - rows[i].due_ms;
		real->waits[real->n++] = w > 0 ? (double)w / 1000.0 : 0;
		real->met += t[i].deadline_ms < 0 || rows[i].called_ms <= t[i].deadline_ms;
	}
	struct draw_ctx d = {services, ns, default_ms, state};
	if (sim_run_day(t, n, fifo, desks, draw_service, &d) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		long long w = t[i].call_ms - t[i].due_ms;
		sim->waits[sim->n++] = w > 0 ? (double)w / 1000.0 : 0;
		sim->met += t[i].deadline_ms < 0 || t[i].call_ms <= t[i].deadline_ms;
	}
	rc = 0;
out:
	free(t);
	free(services);
	return rc;
}

/* Distinct servers (desk, else attendant) among rows; at least 1. */
static long servers_of(const struct sim_row *rows, size_t n)
{
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(rows[k].server, rows[i].server) == 0;
		count += !seen;
	}
	return count < 1 ? 1 : count;
}

enum app_err svc_simulate(struct svc_app *app, const char *from, const char *to,
			  const struct sim_desks_override *desks, size_t ndesks, const struct sim_sla_override *sla,
			  size_t nsla, uint64_t seed, struct sim_result **out, size_t *n)
{
	struct sim_queue *queues = NULL;
	struct sim_priority *prios = NULL;
	struct sim_row *rows = NULL;
	struct sim_result *results = NULL;
	struct tally real = {NULL, 0, 0}, sim = {NULL, 0, 0};
	size_t nq = 0, np = 0, nr = 0, nres = 0;
	enum app_err e = APP_OK;
	*out = NULL;
	*n = 0;
	long long rc = repo_sim_queues(app->db, &queues, &nq);
	if (rc >= 0)
		rc = repo_sim_priorities(app->db, &prios, &np);
	if (rc >= 0)
		rc = repo_sim_tickets(app->db, from, to, &rows, &nr);
	if (rc < 0) {
		e = db_app_err(rc);
		goto out;
	}
	results = calloc(nq ? nq : 1, sizeof *results);
	real.waits = calloc(nr ? nr : 1, sizeof *real.waits);
	sim.waits = calloc(nr ? nr : 1, sizeof *sim.waits);
	if (!results || !real.waits || !sim.waits) {
		e = APP_INTERNAL;
		goto out;
	}
	uint64_t state = seed;
	long long default_ms = (long long)app->cfg->queue.default_service_seconds * 1000;
	for (size_t q = 0; q < nq; q++) {
		struct sim_result *r = &results[nres];
		memset(r, 0, sizeof *r);
		real.n = sim.n = 0;
		real.met = sim.met = 0;
		long override = 0;
		for (size_t k = 0; k < ndesks; k++)
			if (strcmp(desks[k].queue_id, queues[q].id) == 0)
				override = desks[k].desks;
		bool fifo = queues[q].policy == POLICY_FIFO;
		for (size_t start = 0; start < nr;) {
			size_t end = start;
			while (end < nr && strcmp(rows[end].queue_id, rows[start].queue_id) == 0 &&
			       strcmp(rows[end].service_date, rows[start].service_date) == 0)
				end++;
			if (strcmp(rows[start].queue_id, queues[q].id) == 0) {
				long servers = servers_of(rows + start, end - start);
				long d = override > 0 ? override : servers;
				if (servers > r->desks_real)
					r->desks_real = servers;
				if (d > r->desks_sim)
					r->desks_sim = d;
				if (run_day(rows + start, end - start, fifo, d, prios, np, sla, nsla, default_ms, &state, &real,
					    &sim) < 0) {
					e = APP_INTERNAL;
					goto out;
				}
				r->tickets += (long long)(end - start);
			}
			start = end;
		}
		if (!r->tickets)
			continue;
		snprintf(r->queue_id, sizeof r->queue_id, "%s", queues[q].id);
		snprintf(r->name, sizeof r->name, "%s", queues[q].name);
		snprintf(r->prefix, sizeof r->prefix, "%s", queues[q].prefix);
		figures(&real, &r->real);
		figures(&sim, &r->sim);
		nres++;
	}
	*out = results;
	*n = nres;
	results = NULL;
out:
	free(queues);
	free(prios);
	free(rows);
	free(results);
	free(real.waits);
	free(sim.waits);
	return e;
}

enum app_err svc_simulate_find_queue(struct svc_app *app, const char *name, char id[UUID_STR_LEN])
{
	struct sim_queue *queues = NULL;
	size_t nq = 0;
	long long rc = repo_sim_queues(app->db, &queues, &nq);
	if (rc < 0)
		return db_app_err(rc);
	enum app_err e = APP_NOT_FOUND;
	for (size_t i = 0; i < nq && e != APP_OK; i++) {
		if (strcmp(queues[i].id, name) == 0 || strcmp(queues[i].prefix, name) == 0 ||
		    strcmp(queues[i].name, name) == 0) {
			snprintf(id, UUID_STR_LEN, "%s", queues[i].id);
			e = APP_OK;
		}
	}
	free(queues);
	return e;
}

enum app_err svc_simulate_find_priority(struct svc_app *app, const char *name, char id[UUID_STR_LEN])
{
	struct sim_priority *p = NULL;
	size_t np = 0;
	long long rc = repo_sim_priorities(app->db, &p, &np);
	if (rc < 0)
		return db_app_err(rc);
	enum app_err e = APP_NOT_FOUND;
	for (size_t i = 0; i < np && e != APP_OK; i++) {
		if (strcmp(p[i].id, name) == 0 || strcmp(p[i].name, name) == 0) {
			snprintf(id, UUID_STR_LEN, "%s", p[i].id);
			e = APP_OK;
		}
	}
	free(p);
	return e;
}
