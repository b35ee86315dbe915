/* Connection helpers shared inside the repository layer only (migrations need a raw one). */
#ifndef TURNERO_DB_INTERNAL_H
#define TURNERO_DB_INTERNAL_H

#include <mysql.h>
#include <stddef.h>

#include "common/config.h"

/* Opens a configured connection (utf8mb4, UTC, strict mode, no auto-reconnect; reads and
 * writes wait up to 30 s, for migrations); NULL with err. */
MYSQL *db_open_connection(const struct config *cfg, const char *password, unsigned long flags, char *err,
			  size_t errlen);

/* Reads the password file into buf: 1 when there is one, 0 when none is configured, -1 with err. */
int db_load_password(const struct config *cfg, char *buf, size_t size, char *err, size_t errlen);

#endif
