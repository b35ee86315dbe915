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

/* Appends the Prometheus text exposition. */
void metrics_render(struct strbuf *out);

#endif
