/* Liveness of what the service depends on. */
#ifndef TURNERO_SVC_HEALTH_H
#define TURNERO_SVC_HEALTH_H

#include <stdbool.h>

struct db;

/* True when the database answers a trivial query (connecting if needed). */
bool svc_health_db_up(struct db *db);

#endif
