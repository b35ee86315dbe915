/*
 * The live streams' authorization (SPEC 10). nginx holds the subscribers (nchan,
 * nginx/turnero-live.conf) and asks the workers first with an internal subrequest that
 * carries the subscriber's URI and Authorization header, so these routes apply the same
 * token and permission rules as every other one. 2xx lets the stream start; a problem
 * answer (401, 403, 404) is what the subscriber gets instead. A plain request of a stream
 * URL (no SSE, no WebSocket) reaches these routes directly and answers 400 once authorized.
 */
#include "api/api.h"
#include "service/queue.h"
#include "service/ticket.h"

static void allow(struct api_ctx *ctx, const char *stream)
{
	/* nginx marks its authorization subrequest; anything else came here as a plain request. */
	if (!kv_get(&ctx->req->query, "live_authorize")) {
		api_fail(ctx, APP_BAD_REQUEST,
			 "This URL is a live stream: ask with Accept: text/event-stream or a WebSocket upgrade.");
		return;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "stream", json_object_new_string(stream));
	api_json(ctx, 200, o);
}

void api_live_board(struct api_ctx *ctx)
{
	allow(ctx, "board");
}

void api_live_queue(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct queue_rec q;
	enum app_err e = svc_queue_get(&ctx->app->services, id, &q);
	if (e != APP_OK) {
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No queue has this id." : NULL);
		return;
	}
	allow(ctx, "queue");
}

void api_live_public_ticket(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct public_view v;
	enum app_err e = svc_ticket_public(&ctx->app->services, id, &v);
	if (e != APP_OK) {
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No ticket has this id." : NULL);
		return;
	}
	allow(ctx, "ticket");
}
