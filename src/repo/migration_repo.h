/* Schema migrations: sql/NNN_name.sql files applied in order, each recorded once. */
#ifndef TURNERO_MIGRATION_REPO_H
#define TURNERO_MIGRATION_REPO_H

#include <stdio.h>

#include "common/config.h"

/*
 * Applies every NNN_name.sql in dir whose version is not yet in schema_migrations,
 * in version order, printing one line per file to progress (may be NULL). Concurrent
 * runs are serialised with a server lock. Returns how many were applied, or -1 with err.
 */
int repo_migrations_apply(const struct config *cfg, const char *dir, FILE *progress, char *err, size_t errlen);

#endif
