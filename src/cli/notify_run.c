/*
 * turneroctl notify-run [--once]: the notification outbox step (SPEC 12) that
 * turnero-relay runs in its loop, for operators and for testing without the relay.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "common/log.h"
#include "notify/notify.h"
#include "repo/db.h"

#define BATCH 100

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int cli_notify_run(struct cli_ctx *ctx, int argc, char **argv)
{
	bool once = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0) {
			once = true;
		} else {
			cli_error("notify-run: unknown argument '%s' (see turneroctl notify-run --help)", argv[i]);
			return CLI_USAGE;
		}
	}
	struct db *db = db_new(&ctx->cfg);
	if (!db) {
		cli_error("notify-run: out of memory");
		return CLI_FAILED;
	}
	if (!once) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_stop;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		log_info("notify-run: sending due notifications every second until stopped");
	}
	int rc = CLI_OK;
	struct notify_run_stats total = {0, 0, 0};
	while (!stop_requested) {
		struct notify_run_stats st;
		enum app_err e = notify_outbox_run(db, &ctx->cfg, once ? 1000000 : BATCH, &st);
		total.sent += st.sent;
		total.retried += st.retried;
		total.failed += st.failed;
		if (e != APP_OK && once) {
			cli_error("notify-run: %s", app_err_info(e)->title);
			rc = CLI_FAILED;
			break;
		}
		if (e != APP_OK)
			log_warn("notify-run: %s; trying again", app_err_info(e)->title);
		if (once)
			break;
		/* A full batch means more may be due: go on at once. */
		if (st.sent + st.retried + st.failed < BATCH) {
			struct timespec ts = {1, 0};
			nanosleep(&ts, NULL);
		}
	}
	if (rc == CLI_OK)
		printf("notify-run: sent %ld, to retry %ld, failed %ld\n", total.sent, total.retried, total.failed);
	db_free(db);
	return rc;
}
