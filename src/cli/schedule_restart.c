#include <stdio.h>

#include "cli/cli.h"
#include "service/appointment.h"
#include "service/ticket.h"

int cli_schedule_restart(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_error("schedule-restart takes no arguments");
		return CLI_USAGE;
	}
	struct svc_app app = {0};
	char err[512], today[11];
	int rc = CLI_FAILED;
	if (svc_app_open(&app, &ctx->cfg, err, sizeof err) < 0) {
		cli_error("schedule-restart: %s", err);
		goto out;
	}
	svc_service_date(today);
	long long expired = 0;
	enum app_err e = svc_schedule_restart(&app, today, &expired);
	if (e != APP_OK) {
		cli_error("schedule-restart: %s", app_err_info(e)->title);
		goto out;
	}
	long long no_show = 0;
	e = svc_appointment_no_show_before(&app, today, &no_show);
	if (e != APP_OK) {
		cli_error("schedule-restart: %s", app_err_info(e)->title);
		goto out;
	}
	printf("schedule-restart: service date %s (%s); expired %lld waiting or called tickets of earlier days; "
	       "marked %lld booked appointments of earlier days no_show; numbering starts at 1 for each queue\n",
	       today, ctx->cfg.queue.timezone, expired, no_show);
	rc = CLI_OK;
out:
	svc_app_close(&app);
	return rc;
}
