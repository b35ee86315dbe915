#include "service/health.h"

#include "repo/db.h"

bool svc_health_db_up(struct db *db)
{
	return db_ping(db) == 0;
}
