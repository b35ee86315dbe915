#include <stdio.h>

#include "cli/cli.h"
#include "repo/migration_repo.h"

int cli_migrate(struct cli_ctx *ctx, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_error("migrate takes no arguments");
		return CLI_USAGE;
	}
	char err[1024];
	int applied = repo_migrations_apply(&ctx->cfg, ctx->cfg.database.migrations_dir, stdout, err, sizeof err);
	if (applied < 0) {
		cli_error("migrate: %s", err);
		return CLI_FAILED;
	}
	printf("migrate: %d applied, schema up to date\n", applied);
	return CLI_OK;
}
