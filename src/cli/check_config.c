#include <stdio.h>

#include "cli/cli.h"
#include "notify/template.h"
#include "service/app.h"
#include "service/health.h"

int cli_check_config(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_error("check-config takes no arguments");
		return CLI_USAGE;
	}
	char err[512];
	if (svc_app_check(&ctx->cfg, err, sizeof err) < 0 || notify_templates_check(&ctx->cfg, err, sizeof err) < 0) {
		cli_error("%s", err);
		return CLI_FAILED;
	}
	config_dump(&ctx->cfg, stdout);
	printf("\n# %s: configuration ok\n", ctx->config_path);
	return CLI_OK;
}
