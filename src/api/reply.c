#include "api/reply.h"

#include <string.h>

#include "api/api.h"
#include "common/jsonv.h"

void api_fail(struct api_ctx *ctx, enum app_err e, const char *detail)
{
	http_response_problem(ctx->resp, e, detail);
}

void api_fail_err(struct api_ctx *ctx, enum app_err e, const struct field_errors *fe,
		  const struct api_messages *msgs)
{
	if (e == APP_INVALID && fe) {
		http_response_invalid(ctx->resp, fe);
		return;
	}
	const char *detail = NULL;
	if (msgs)
		detail = e == APP_NOT_FOUND ? msgs->not_found
			 : e == APP_CONFLICT ? msgs->conflict
			 : e == APP_FORBIDDEN ? msgs->forbidden
					      : NULL;
	api_fail(ctx, e, detail);
}

void api_json(struct api_ctx *ctx, int status, struct json_object *obj)
{
	http_response_json(ctx->resp, status, obj);
}

bool api_path_uuid(struct api_ctx *ctx, const char *name, char out[UUID_STR_LEN])
{
	const char *v = router_param(&ctx->req->params, name);
	if (!v || !jsonv_is_uuid(v)) {
		api_fail(ctx, APP_NOT_FOUND, "No resource has this id.");
		return false;
	}
	memcpy(out, v, UUID_STR_LEN);
	jsonv_uuid_to_lower(out);
	return true;
}
