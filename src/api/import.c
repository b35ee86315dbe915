/* POST /customers/import: a text/csv body of customers, upserted by dni. */
#include "api/api.h"
#include "service/import.h"

void api_customers_import(struct api_ctx *ctx)
{
	struct field_errors fe;
	struct svc_import *im = svc_import_new(&ctx->app->services);
	field_errors_init(&fe);
	if (!im) {
		api_fail(ctx, APP_INTERNAL, NULL);
		return;
	}
	enum app_err e = svc_import_feed(im, ctx->req->body, ctx->req->body_len, &fe);
	if (e == APP_OK)
		e = svc_import_finish(im, &fe);
	if (e == APP_INVALID) {
		http_response_invalid(ctx->resp, &fe);
		goto out;
	}
	if (e != APP_OK) {
		api_fail(ctx, e, e == APP_UNAVAILABLE ? "The database became unreachable; rows of completed chunks are "
							"imported, and importing the file again is safe for rows with a dni."
						      : NULL);
		goto out;
	}
	const struct import_summary *s = svc_import_summary(im);
	struct json_object *o = json_object_new_object();
	struct json_object *errors = json_object_new_array();
	json_object_object_add(o, "inserted", json_object_new_int64(s->inserted));
	json_object_object_add(o, "updated", json_object_new_int64(s->updated));
	json_object_object_add(o, "failed", json_object_new_int64(s->failed));
	for (size_t i = 0; i < s->nerrors; i++) {
		struct json_object *item = json_object_new_object();
		json_object_object_add(item, "line", json_object_new_int64(s->errors[i].line));
		json_object_object_add(item, "message", json_object_new_string(s->errors[i].message));
		json_object_array_add(errors, item);
	}
	json_object_object_add(o, "errors", errors);
	api_json(ctx, 200, o);
out:
	svc_import_free(im);
}
