/* turneroctl: the admin command line. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "common/log.h"

static const struct cli_command commands[] = {
	{"migrate", cli_migrate, "migrate", "apply pending sql/NNN_*.sql migrations in order", true},
	{"create-admin", cli_create_admin, "create-admin --user NAME [--reset-password]",
	 "create an admin user; the password is read from stdin or generated and printed", true},
	{"schedule-restart", cli_schedule_restart, "schedule-restart",
	 "expire earlier days' waiting and called tickets; numbering starts again (run daily by the timer)", true},
	{"import-customers", cli_import_customers, "import-customers FILE",
	 "import customers from a CSV file (header dni,first_name,last_name,phone,email; - reads stdin), "
	 "upserting by dni; bad rows are listed, not fatal",
	 true},
	{"seed-demo", cli_seed_demo, "seed-demo", "add demo queues, desks, attendants, customers and tickets", true},
	{"check-config", cli_check_config, "check-config",
	 "check the configuration, secrets and notification templates, print the effective values",
	 true},
	{"notify-run", cli_notify_run, "notify-run [--once]",
	 "send due email and SMS notifications, retrying failures per [notify] retry_seconds; every second "
	 "until SIGTERM, or one pass with --once (turnero-relay does the same)",
	 true},
	{"simulate", cli_simulate,
	 "simulate --from DATE --to DATE [--desks QUEUE=N]... [--sla PRIORITY=MINUTES]... [--seed N]",
	 "replay those service days' arrivals and service times under other desk counts (QUEUE: id, prefix or "
	 "name) or SLA targets; prints per queue avg and p90 wait and SLA met %, real beside simulated",
	 true},
	{"gen-secret", cli_gen_secret, "gen-secret [--bytes N]", "print a random hex secret for auth.secret_file", false},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("turneroctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cli_wants_help(const struct cli_command *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("Usage: turneroctl [-c FILE] %s\n%s.\n", cmd->usage, cmd->summary);
			return true;
		}
	}
	return false;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: turneroctl [-c FILE] COMMAND [ARGS...]\n"
		     "Administers a turnero installation.\n\n"
		     "Options:\n"
		     "  -c, --config FILE  configuration file (default: $TURNERO_CONFIG or %s)\n"
		     "  -h, --help         show this help\n"
		     "  -V, --version      show the version\n\n"
		     "Commands:\n",
		config_default_path(NULL));
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %s\n      %s\n", commands[i].usage, commands[i].summary);
	fprintf(out, "\nEvery command accepts --help. Exit status: 0 success, 1 failure, 2 bad usage.\n");
}

int main(int argc, char **argv)
{
	static struct cli_ctx ctx;
	int i = 1;

	/* Global options come before the command name. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) {
			if (++i >= argc) {
				cli_error("%s needs a file name", argv[i - 1]);
				return CLI_USAGE;
			}
			ctx.config_path = argv[i];
		} else if (!strncmp(argv[i], "--config=", 9)) {
			ctx.config_path = argv[i] + 9;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return CLI_OK;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("turneroctl %s\n", PACKAGE_VERSION);
			return CLI_OK;
		} else {
			cli_error("unknown option '%s' (see turneroctl --help)", argv[i]);
			return CLI_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	const struct cli_command *cmd = NULL;
	for (size_t k = 0; k < NCOMMANDS; k++)
		if (!strcmp(argv[i], commands[k].name))
			cmd = &commands[k];
	if (!cmd) {
		cli_error("unknown command '%s' (see turneroctl --help)", argv[i]);
		return CLI_USAGE;
	}
	if (cli_wants_help(cmd, argc - i, argv + i))
		return CLI_OK;
	if (cmd->needs_config) {
		char err[512];
		ctx.config_path = config_default_path(ctx.config_path);
		if (config_load(&ctx.cfg, ctx.config_path, err, sizeof err) < 0) {
			cli_error("%s", err);
			return CLI_FAILED;
		}
		log_set_level((enum log_level)log_level_parse(ctx.cfg.log.level));
	}
	return cmd->run(&ctx, argc - i, argv + i);
}
