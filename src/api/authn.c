#include <strings.h>

#include "api/api.h"
#include "service/auth.h"

static bool unauthorized(struct api_ctx *ctx, const char *detail)
{
	http_response_header(ctx->resp, "WWW-Authenticate", "Bearer realm=\"turnero\"");
	api_fail(ctx, APP_UNAUTHORIZED, detail);
	return false;
}

bool api_authenticate(struct api_ctx *ctx)
{
	if (ctx->route->flags & ROUTE_PUBLIC)
		return true;
	const char *h = ctx->req->authorization;
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || h[7] == '\0')
		return unauthorized(ctx, "A bearer token is required.");
	struct svc_principal p;
	enum app_err e = svc_auth_authenticate(&ctx->app->services, h + 7, &p);
	if (e == APP_UNAUTHORIZED)
		return unauthorized(ctx, "The bearer token is invalid or expired, or the user is inactive.");
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return false;
	}
	ctx->who.authenticated = true;
	snprintf(ctx->who.user_id, sizeof ctx->who.user_id, "%s", p.user_id);
	snprintf(ctx->who.user_name, sizeof ctx->who.user_name, "%s", p.user_name);
	snprintf(ctx->who.role_id, sizeof ctx->who.role_id, "%s", p.role_id);
	snprintf(ctx->who.role_name, sizeof ctx->who.role_name, "%s", p.role_name);
	ctx->who.perms = p.perms;
	return true;
}

bool api_authorize(struct api_ctx *ctx)
{
	const struct http_route *route = ctx->route;
	if (route->module == PERM_NONE || perm_has(ctx->who.perms, route->module, route->action))
		return true;
	api_fail(ctx, APP_FORBIDDEN, "Your role does not allow this operation.");
	return false;
}
