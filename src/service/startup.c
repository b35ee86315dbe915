#include "service/startup.h"

#include "config.h"

#include <getopt.h>

#include "service/app.h"

int svc_startup(const char *prog, int argc, char **argv, void (*usage)(FILE *out), struct config *cfg,
		const char **path)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"check-config", no_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},	  {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config_arg = NULL;
	int check_only = 0, c;
	while ((c = getopt_long(argc, argv, "c:thV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config_arg = optarg; break;
		case 't': check_only = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("%s %s\n", prog, PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		return 2;
	}
	char err[512];
	*path = config_default_path(config_arg);
	if (config_load(cfg, *path, err, sizeof err) < 0 || svc_app_check(cfg, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 2;
	}
	if (check_only) {
		printf("%s: configuration %s is valid\n", prog, *path);
		return 0;
	}
	return -1;
}
