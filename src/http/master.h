/* The supervising process: owns the listening socket, forks and respawns workers. */
#ifndef TURNERO_HTTP_MASTER_H
#define TURNERO_HTTP_MASTER_H

#include "common/config.h"

/* Runs in each forked worker; returns its exit status. cfg is the worker's own copy. */
typedef int (*master_worker_fn)(int listen_fd, const struct config *cfg);

/*
 * Takes the socket from systemd (LISTEN_PID/LISTEN_FDS) or binds cfg->server.listen,
 * forks cfg->server.workers workers and supervises them until SIGTERM/SIGINT:
 * SIGHUP reloads config_path and replaces the workers, a worker that dies is respawned
 * with exponential back-off. Returns the exit status for main.
 */
int master_run(const char *config_path, struct config *cfg, master_worker_fn worker_fn);

/* Opens the listening socket only (also used by tests); returns the fd or -1 with err set. */
int master_listen(const struct config *cfg, char *err, size_t errlen, int *from_systemd);

#endif
