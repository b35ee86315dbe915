/* A worker process: accepts FastCGI requests one at a time until told to stop. */
#ifndef TURNERO_HTTP_WORKER_H
#define TURNERO_HTTP_WORKER_H

#include <stdbool.h>

#include "http/request.h"
#include "http/response.h"

struct worker_app {
	/* Answers one request; must always leave a status in resp. */
	void (*handle)(struct http_request *req, struct http_response *resp, void *app);
	/* Looks up the metrics route index of a route label, -1 if none. */
	int (*route_index)(const char *label, void *app);
	void *app;
	bool access_log;
};

/*
 * Serves requests on listen_fd (non-blocking) until SIGTERM or SIGINT; a request in
 * progress is finished first. Expects SIGTERM, SIGINT and SIGHUP blocked on entry.
 * Returns the process exit status.
 */
int worker_run(int listen_fd, const struct worker_app *app);

#endif
