/*
 * The front line, in this order: method and route, content type and body size, body
 * parsing, authentication, authorisation, then the handler. Every rejection before the
 * handler is a finished problem answer and touches no row.
 */
#include <string.h>

#include "api/api.h"
#include "common/jsonv.h"
#include "common/log.h"
#include "http/cors.h"

#define JSON_MAX_DEPTH 16
#define FORM_MAX_PAIRS 64

int api_route_index(const char *pattern, void *app)
{
	(void)app;
	for (size_t i = 0; i < api_routes_count; i++)
		if (api_routes[i].pattern == pattern)
			return (int)i;
	return -1;
}

static bool check_body(struct api_ctx *ctx)
{
	const struct http_route *route = ctx->route;
	struct http_request *req = ctx->req;
	const struct config *cfg = ctx->app->cfg;
	const char *want = NULL;

	if (route->flags & ROUTE_BODY_JSON)
		want = "application/json";
	else if (route->flags & ROUTE_BODY_FORM)
		want = "application/x-www-form-urlencoded";
	else if (route->flags & ROUTE_BODY_CSV)
		want = "text/csv";
	if (!want || ((route->flags & ROUTE_BODY_OPTIONAL) && req->content_length <= 0))
		return true;

	size_t limit = (size_t)((route->flags & ROUTE_BODY_LARGE) ? cfg->server.import_max_bytes
								    : cfg->server.max_body_bytes);
	if (req->content_length > (long long)limit) {
		api_fail(ctx, APP_PAYLOAD_TOO_LARGE, "The request body is larger than this route accepts.");
		return false;
	}
	if (!req->content_type || strcmp(req->content_type, want) != 0) {
		char detail[128];
		snprintf(detail, sizeof detail, "This route needs Content-Type: %s.", want);
		api_fail(ctx, APP_UNSUPPORTED_MEDIA_TYPE, detail);
		return false;
	}
	enum app_err e = http_request_read_body(req, limit);
	if (e != APP_OK) {
		api_fail(ctx, e, e == APP_PAYLOAD_TOO_LARGE ? "The request body is larger than this route accepts."
							  : "The request body is incomplete.");
		return false;
	}

	if (route->flags & ROUTE_BODY_JSON) {
		char err[160];
		enum jsonv_status st = jsonv_parse(req->body, req->body_len, JSON_MAX_DEPTH, &ctx->body, err, sizeof err);
		if (st != JSONV_OK) {
			api_fail(ctx, APP_BAD_REQUEST, err);
			return false;
		}
		if (!json_object_is_type(ctx->body, json_type_object)) {
			api_fail(ctx, APP_BAD_REQUEST, "The request body must be a JSON object.");
			return false;
		}
	} else if (route->flags & ROUTE_BODY_FORM) {
		if (form_parse(req->body, req->body_len, FORM_MAX_PAIRS, &ctx->form) < 0) {
			api_fail(ctx, APP_BAD_REQUEST, "The form body is not valid application/x-www-form-urlencoded.");
			return false;
		}
	}
	return true;
}

void api_dispatch(struct http_request *req, struct http_response *resp, void *app)
{
	struct api_ctx ctx = {.app = app, .req = req, .resp = resp};
	char allow[128];

	const char *origins = ctx.app->cfg->server.cors_origins;

	enum route_match m = router_match(api_routes, api_routes_count, req->method, req->path, &ctx.route,
					  &req->params, allow, sizeof allow);
	if (m == ROUTE_WRONG_METHOD && req->method == HTTP_OPTIONS) {
		/* A CORS preflight (or a plain OPTIONS): no token, no body, no handler. */
		http_cors_preflight(origins, req, resp, allow);
		return;
	}
	if (m == ROUTE_NOT_FOUND) {
		api_fail(&ctx, APP_NOT_FOUND, "No such route.");
		goto out;
	}
	if (m == ROUTE_WRONG_METHOD) {
		http_response_header(resp, "Allow", "%s", allow);
		api_fail(&ctx, APP_METHOD_NOT_ALLOWED, "This route does not accept this method.");
		goto out;
	}
	resp->route_label = ctx.route->pattern;

	if (check_body(&ctx) && api_authenticate(&ctx) && api_authorize(&ctx))
		ctx.route->handler(&ctx);

	if (resp->status == 503)
		http_response_header(resp, "Retry-After", "5");
	if (ctx.who.authenticated)
		snprintf(resp->user_id, sizeof resp->user_id, "%s", ctx.who.user_id);
out:
	http_cors_answer(origins, req, resp);
	json_object_put(ctx.body);
	kv_list_free(&ctx.form);
}
