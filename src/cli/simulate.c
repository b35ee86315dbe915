/*
 * turneroctl simulate --from DATE --to DATE [--desks QUEUE=N]... [--sla PRIORITY=MINUTES]...
 * [--seed N]: replays real days under other staffing or SLA targets (SPEC 14; the model is
 * in service/simulate.h) and prints, per queue, what happened beside what would have.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/field_errors.h"
#include "service/report.h"
#include "service/simulate.h"

#define MAX_OVERRIDES 64

/* A whole number in [min, max] spelled in decimal and nothing else. */
static bool parse_number(const char *s, long long min, long long max, long long *out)
{
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Splits "NAME=VALUE" at the last '=' into name (copied) and value. */
static bool split_pair(const char *arg, char *name, size_t len, const char **value)
{
	const char *eq = strrchr(arg, '=');
	if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= len)
		return false;
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	*value = eq + 1;
	return true;
}

static void print_figure(bool has, double v)
{
	if (has)
		printf(" %9.1f", v);
	else
		printf(" %9s", "-");
}

int cli_simulate(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	const char *desk_args[MAX_OVERRIDES], *sla_args[MAX_OVERRIDES];
	size_t ndesk_args = 0, nsla_args = 0;
	uint64_t seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (i + 1 >= argc && (!strcmp(opt, "--from") || !strcmp(opt, "--to") || !strcmp(opt, "--desks") ||
				      !strcmp(opt, "--sla") || !strcmp(opt, "--seed"))) {
			cli_error("simulate: %s needs a value (see turneroctl simulate --help)", opt);
			return CLI_USAGE;
		}
		if (!strcmp(opt, "--from")) {
			from = argv[++i];
		} else if (!strcmp(opt, "--to")) {
			to = argv[++i];
		} else if (!strcmp(opt, "--desks") || !strcmp(opt, "--sla")) {
			bool desks = !strcmp(opt, "--desks");
			if ((desks ? ndesk_args : nsla_args) >= MAX_OVERRIDES) {
				cli_error("simulate: at most %d %s options", MAX_OVERRIDES, opt);
				return CLI_USAGE;
			}
			if (desks)
				desk_args[ndesk_args++] = argv[++i];
			else
				sla_args[nsla_args++] = argv[++i];
		} else if (!strcmp(opt, "--seed")) {
			char *end = NULL;
			errno = 0;
			unsigned long long v = strtoull(argv[++i], &end, 10);
			if (!argv[i][0] || *end || errno || argv[i][0] == '-') {
				cli_error("simulate: --seed must be a whole number, not '%s'", argv[i]);
				return CLI_USAGE;
			}
			seed = (uint64_t)v;
		} else {
			cli_error("simulate: unknown argument '%s' (see turneroctl simulate --help)", opt);
			return CLI_USAGE;
		}
	}
	if (!from || !to) {
		cli_error("simulate: --from and --to are required (see turneroctl simulate --help)");
		return CLI_USAGE;
	}
	struct field_errors fe;
	field_errors_init(&fe);
	if (!report_range_check(from, to, &fe)) {
		cli_error("simulate: --%s %s", fe.e[0].field, fe.e[0].message);
		return CLI_USAGE;
	}

	struct svc_app app = {0};
	struct sim_desks_override desks[MAX_OVERRIDES];
	struct sim_sla_override sla[MAX_OVERRIDES];
	struct sim_result *results = NULL;
	size_t nresults = 0;
	char err[512];
	int rc = CLI_FAILED;
	if (svc_app_open(&app, &ctx->cfg, err, sizeof err) < 0) {
		cli_error("simulate: %s", err);
		goto out;
	}
	for (size_t k = 0; k < ndesk_args; k++) {
		char name[200];
		const char *value;
		long long n = 0;
		if (!split_pair(desk_args[k], name, sizeof name, &value) || !parse_number(value, 1, 100, &n)) {
			cli_error("simulate: --desks wants QUEUE=N with N 1-100, not '%s'", desk_args[k]);
			rc = CLI_USAGE;
			goto out;
		}
		enum app_err e = svc_simulate_find_queue(&app, name, desks[k].queue_id);
		if (e != APP_OK) {
			cli_error("simulate: --desks %s: %s", desk_args[k],
				  e == APP_NOT_FOUND ? "no queue has this id, prefix or name" : app_err_info(e)->title);
			rc = e == APP_NOT_FOUND ? CLI_USAGE : CLI_FAILED;
			goto out;
		}
		desks[k].desks = (long)n;
	}
	for (size_t k = 0; k < nsla_args; k++) {
		char name[200];
		const char *value;
		long long n = 0;
		if (!split_pair(sla_args[k], name, sizeof name, &value) || !parse_number(value, 0, 1440, &n)) {
			cli_error("simulate: --sla wants PRIORITY=MINUTES with MINUTES 0-1440, not '%s'", sla_args[k]);
			rc = CLI_USAGE;
			goto out;
		}
		enum app_err e = svc_simulate_find_priority(&app, name, sla[k].priority_id);
		if (e != APP_OK) {
			cli_error("simulate: --sla %s: %s", sla_args[k],
				  e == APP_NOT_FOUND ? "no priority has this id or name" : app_err_info(e)->title);
			rc = e == APP_NOT_FOUND ? CLI_USAGE : CLI_FAILED;
			goto out;
		}
		sla[k].max_wait_minutes = (int)n;
	}
	enum app_err e = svc_simulate(&app, from, to, desks, ndesk_args, sla, nsla_args, seed, &results, &nresults);
	if (e != APP_OK) {
		cli_error("simulate: %s", app_err_info(e)->title);
		goto out;
	}
	printf("simulate: service days %s to %s, seed %" PRIu64 "; waits in seconds (due_date -> call), SLA met in %%\n",
	       from, to, seed);
	printf("%-28s %5s %5s %7s %9s %9s %9s %9s %9s %9s\n", "QUEUE", "DESKS", "SIM", "TICKETS", "AVG_REAL", "AVG_SIM",
	       "P90_REAL", "P90_SIM", "SLA_REAL", "SLA_SIM");
	for (size_t i = 0; i < nresults; i++) {
		const struct sim_result *r = &results[i];
		char label[200];
		snprintf(label, sizeof label, "%s (%s)", r->name, r->prefix);
		printf("%-28s %5ld %5ld %7lld", label, r->desks_real, r->desks_sim, r->tickets);
		print_figure(r->real.has, r->real.avg_wait);
		print_figure(r->sim.has, r->sim.avg_wait);
		print_figure(r->real.has, r->real.p90_wait);
		print_figure(r->sim.has, r->sim.p90_wait);
		print_figure(r->real.has, r->real.sla_met_pct);
		print_figure(r->sim.has, r->sim.sla_met_pct);
		putchar('\n');
	}
	if (!nresults)
		printf("(no called tickets in these days)\n");
	rc = CLI_OK;
out:
	free(results);
	svc_app_close(&app);
	return rc;
}
