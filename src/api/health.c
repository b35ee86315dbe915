#include "config.h"

#include "api/api.h"
#include "service/health.h"

void api_health_get(struct api_ctx *ctx)
{
	bool db_up = svc_health_db_up(ctx->app->services.db);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string(db_up ? "ok" : "degraded"));
	json_object_object_add(o, "db", json_object_new_string(db_up ? "up" : "down"));
	json_object_object_add(o, "version", json_object_new_string(PACKAGE_VERSION));
	api_json(ctx, db_up ? 200 : 503, o);
}
