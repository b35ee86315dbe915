/*
 * Process-shared counters for GET /api/v1/metrics. The master maps them before forking,
 * so every worker adds to the same numbers and a respawned worker keeps the totals.
 */
#ifndef TURNERO_METRICS_H
#define TURNERO_METRICS_H

#include <stddef.h>

#include "common/strbuf.h"

#define METRICS_MAX_ROUTES 128

/* Maps the shared area for nroutes labelled routes (plus one for unmatched requests). 0/-1. */
int metrics_init(const char *const *route_labels, size_t nroutes);
void metrics_shutdown(void);

/* route: index into the labels, or -1 for unmatched paths. */
void metrics_observe(int route, int status, long long micros);
void metrics_worker_restart(void);
void metrics_db_error(void);

/*
 * Database work of the request in progress, counted in this process only (no atomics): the
 * repository layer calls metrics_db_statement() for each prepared statement it executes and
 * metrics_db_round_trip() for every exchange with the server (executes, prepares, transaction
 * control, connects). metrics_db_take() hands back both counts and starts again at zero; the
 * worker adds them to the request's route with metrics_observe_db().
 */
void metrics_db_statement(void);
void metrics_db_round_trip(void);
void metrics_db_take(unsigned long *statements, unsigned long *round_trips);
void metrics_observe_db(int route, unsigned long statements, unsigned long round_trips);

/* Appends the Prometheus text exposition. */
void metrics_render(struct strbuf *out);

#endif
