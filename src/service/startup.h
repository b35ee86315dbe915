/* The command line both daemons share: -c FILE, --check-config, --help, --version. */
#ifndef TURNERO_SERVICE_STARTUP_H
#define TURNERO_SERVICE_STARTUP_H

#include <stdio.h>

#include "common/config.h"

/*
 * Parses the options of the daemon called prog, loads and checks the configuration into cfg
 * (*path: the file it came from, kept for reloads)
 * and handles --help, --version and --check-config. Returns -1 when the daemon should run,
 * else the exit status (0 after help, version or a valid check; 2 on bad usage or a bad
 * configuration, with a one-line reason on standard error).
 */
int svc_startup(const char *prog, int argc, char **argv, void (*usage)(FILE *out), struct config *cfg,
		const char **path);

#endif
