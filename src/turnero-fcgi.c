/* turnero-fcgi: the FastCGI master and its workers. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "common/config.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/shared_gen.h"
#include "http/master.h"
#include "http/worker.h"
#include "repo/db.h"
#include "service/startup.h"
#include "service/app.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: turnero-fcgi [-c FILE] [--check-config]\n"
		"Serves the turnero API over FastCGI: a master process and a pool of workers.\n"
		"\n"
		"  -c, --config FILE   configuration file (default: $TURNERO_CONFIG or %s)\n"
		"  -t, --check-config  check the configuration and secrets, then exit\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\n"
		"Signals: SIGTERM stops after in-flight requests finish; SIGHUP reloads the\n"
		"configuration and replaces the workers without dropping requests.\n"
		"Exit status: 0 on a clean stop, 1 on a runtime failure, 2 on bad usage or configuration.\n",
		config_default_path(NULL));
}

static int worker_main(int listen_fd, const struct config *cfg)
{
	struct api_app app = {.cfg = cfg};
	char err[256];
	int rc = 1;

	if (svc_app_open(&app.services, cfg, err, sizeof err) < 0) {
		log_err("worker cannot start: %s", err);
		goto out;
	}
	struct worker_app w = {
		.handle = api_dispatch,
		.route_index = api_route_index,
		.app = &app,
		.access_log = cfg->log.access,
	};
	rc = worker_run(listen_fd, &w);
out:
	svc_app_close(&app.services);
	return rc;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	const char *path;
	int done = svc_startup("turnero-fcgi", argc, argv, usage, &cfg, &path);
	if (done >= 0)
		return done;
	log_set_level((enum log_level)log_level_parse(cfg.log.level));
	/*
	 * A fixed threshold turns off glibc's adaptive one, which after the first
	 * argon2 hash (19 MiB) would serve later hashes from the heap and keep
	 * them resident in every worker for good; mmap'd blocks go back on free.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);

	static const char *labels[METRICS_MAX_ROUTES];
	size_t n = api_routes_count < METRICS_MAX_ROUTES ? api_routes_count : METRICS_MAX_ROUTES;
	for (size_t i = 0; i < n; i++)
		labels[i] = api_routes[i].pattern;
	if (metrics_init(labels, n) < 0) {
		fprintf(stderr, "turnero-fcgi: cannot map the metrics area\n");
		return 1;
	}
	if (shared_gen_init() < 0) {
		fprintf(stderr, "turnero-fcgi: cannot map the shared catalogue generation\n");
		return 1;
	}
	int rc = master_run(path, &cfg, worker_main);
	shared_gen_shutdown();
	metrics_shutdown();
	return rc;
}
