/* turneroctl sub-commands: each parses its own options and returns the exit status. */
#ifndef TURNERO_CLI_H
#define TURNERO_CLI_H

#include <stdbool.h>

#include "common/config.h"

#define CLI_OK 0
#define CLI_FAILED 1
#define CLI_USAGE 2

struct cli_ctx {
	const char *config_path;
	struct config cfg;
};

struct cli_command {
	const char *name;
	int (*run)(struct cli_ctx *ctx, int argc, char **argv);
	const char *usage;   /* "migrate" or "create-admin --user NAME" */
	const char *summary; /* one line for the command list */
	bool needs_config;
};

/* Prints "turneroctl: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when argv holds -h or --help (after the command name); prints the command's help. */
bool cli_wants_help(const struct cli_command *cmd, int argc, char **argv);

int cli_migrate(struct cli_ctx *ctx, int argc, char **argv);
int cli_check_config(struct cli_ctx *ctx, int argc, char **argv);
int cli_create_admin(struct cli_ctx *ctx, int argc, char **argv);
int cli_schedule_restart(struct cli_ctx *ctx, int argc, char **argv);
int cli_seed_demo(struct cli_ctx *ctx, int argc, char **argv);
int cli_gen_secret(struct cli_ctx *ctx, int argc, char **argv);
int cli_import_customers(struct cli_ctx *ctx, int argc, char **argv);
int cli_notify_run(struct cli_ctx *ctx, int argc, char **argv);
int cli_simulate(struct cli_ctx *ctx, int argc, char **argv);

#endif
