#include "common/metrics.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

static const int status_codes[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503, 0};
#define NSTATUS (sizeof status_codes / sizeof status_codes[0]) /* the last slot counts the rest */

static const double bucket_seconds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define NBUCKETS (sizeof bucket_seconds / sizeof bucket_seconds[0])

struct metrics_area {
	uint64_t requests[METRICS_MAX_ROUTES + 1][NSTATUS];
	uint64_t buckets[NBUCKETS + 1]; /* cumulative at render time; here per bucket */
	uint64_t latency_sum_us;
	uint64_t latency_count;
	uint64_t worker_restarts;
	uint64_t db_errors;
	uint64_t db_statements[METRICS_MAX_ROUTES + 1];
	uint64_t db_round_trips[METRICS_MAX_ROUTES + 1];
};

static struct metrics_area *area;
static const char *const *labels;
static size_t nlabels;
static unsigned long current_statements, current_round_trips; /* this process, this request */

int metrics_init(const char *const *route_labels, size_t nroutes)
{
	if (nroutes > METRICS_MAX_ROUTES)
		return -1;
	void *p = mmap(NULL, sizeof *area, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	area = p;
	labels = route_labels;
	nlabels = nroutes;
	return 0;
}

void metrics_shutdown(void)
{
	if (area)
		munmap(area, sizeof *area);
	area = NULL;
}

static void add(uint64_t *counter, uint64_t v)
{
	__atomic_fetch_add(counter, v, __ATOMIC_RELAXED);
}

static uint64_t load(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

void metrics_observe(int route, int status, long long micros)
{
	if (!area)
		return;
	size_t r = (route < 0 || (size_t)route >= nlabels) ? nlabels : (size_t)route;
	size_t s = 0;
	while (status_codes[s] && status_codes[s] != status)
		s++;
	add(&area->requests[r][s], 1);
	size_t b = 0;
	while (b < NBUCKETS && (double)micros / 1e6 > bucket_seconds[b])
		b++;
	add(&area->buckets[b], 1);
	add(&area->latency_sum_us, micros > 0 ? (uint64_t)micros : 0);
	add(&area->latency_count, 1);
}

void metrics_worker_restart(void)
{
	if (area)
		add(&area->worker_restarts, 1);
}

void metrics_db_error(void)
{
	if (area)
		add(&area->db_errors, 1);
}

void metrics_db_statement(void)
{
	current_statements++;
}

void metrics_db_round_trip(void)
{
	current_round_trips++;
}

void metrics_db_take(unsigned long *statements, unsigned long *round_trips)
{
	*statements = current_statements;
	*round_trips = current_round_trips;
	current_statements = current_round_trips = 0;
}

void metrics_observe_db(int route, unsigned long statements, unsigned long round_trips)
{
	if (!area)
		return;
	size_t r = (route < 0 || (size_t)route >= nlabels) ? nlabels : (size_t)route;
	add(&area->db_statements[r], statements);
	add(&area->db_round_trips[r], round_trips);
}

/* One counter per route with a value (unmatched requests as route="unmatched"). */
static void render_per_route(struct strbuf *out, const char *name, const char *help, const uint64_t *counts)
{
	strbuf_printf(out, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (size_t r = 0; r <= nlabels; r++) {
		uint64_t v = load(&counts[r]);
		if (v)
			strbuf_printf(out, "%s{route=\"%s\"} %llu\n", name, r < nlabels ? labels[r] : "unmatched",
				      (unsigned long long)v);
	}
}

void metrics_render(struct strbuf *out)
{
	if (!area)
		return;
	strbuf_puts(out, "# HELP turnero_http_requests_total HTTP requests by route and status.\n"
			 "# TYPE turnero_http_requests_total counter\n");
	for (size_t r = 0; r <= nlabels; r++) {
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = load(&area->requests[r][s]);
			if (!v)
				continue;
			const char *label = r < nlabels ? labels[r] : "unmatched";
			if (status_codes[s])
				strbuf_printf(out, "turnero_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", label,
					      status_codes[s], (unsigned long long)v);
			else
				strbuf_printf(out, "turnero_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					      label, (unsigned long long)v);
		}
	}
	strbuf_puts(out, "# HELP turnero_http_request_duration_seconds Time from request start to response.\n"
			 "# TYPE turnero_http_request_duration_seconds histogram\n");
	uint64_t cumulative = 0;
	for (size_t b = 0; b < NBUCKETS; b++) {
		cumulative += load(&area->buckets[b]);
		strbuf_printf(out, "turnero_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_seconds[b],
			      (unsigned long long)cumulative);
	}
	cumulative += load(&area->buckets[NBUCKETS]);
	strbuf_printf(out, "turnero_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
		      (unsigned long long)cumulative);
	strbuf_printf(out, "turnero_http_request_duration_seconds_sum %.6f\n",
		      (double)load(&area->latency_sum_us) / 1e6);
	strbuf_printf(out, "turnero_http_request_duration_seconds_count %llu\n",
		      (unsigned long long)load(&area->latency_count));
	strbuf_printf(out,
		      "# HELP turnero_worker_restarts_total Workers respawned after an unexpected exit.\n"
		      "# TYPE turnero_worker_restarts_total counter\n"
		      "turnero_worker_restarts_total %llu\n"
		      "# HELP turnero_db_errors_total Database errors (lost connections, failed statements).\n"
		      "# TYPE turnero_db_errors_total counter\n"
		      "turnero_db_errors_total %llu\n",
		      (unsigned long long)load(&area->worker_restarts), (unsigned long long)load(&area->db_errors));
	render_per_route(out, "turnero_db_statements_total", "Prepared statements executed, by route.",
			 area->db_statements);
	render_per_route(out, "turnero_db_round_trips_total",
			 "Exchanges with the database (statements, prepares, transaction control), by route.",
			 area->db_round_trips);
}
