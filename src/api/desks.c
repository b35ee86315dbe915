/* /desks: the counters a queue is served from; signing in and out; calling at a desk. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "api/render_queue.h"
#include "common/jsonv.h"
#include "service/desk.h"
#include "service/ticket.h"

#define NO_DESK "No desk has this id."
static const struct api_messages desk_msgs = {.not_found = NO_DESK};
static const struct api_messages desk_name_msgs = {
	.not_found = NO_DESK,
	.conflict = "A desk with this name already exists.",
};
static const struct api_messages desk_open_msgs = {
	.not_found = NO_DESK,
	.conflict = "Someone else is signed in at this desk, or it is deactivated.",
};
static const struct api_messages desk_close_msgs = {
	.not_found = NO_DESK,
	.conflict = "Someone else is signed in at this desk.",
};
static const struct api_messages desk_call_msgs = {
	.not_found = NO_DESK,
	.conflict = "This desk is deactivated or its queue is closed.",
	.forbidden = "Only the user signed in at this desk may call there.",
};

static struct svc_actor actor(struct api_ctx *ctx)
{
	struct svc_actor who = {ctx->who.user_id, perm_has(ctx->who.perms, PERM_QUEUES, PERM_UPDATE)};
	return who;
}

static struct json_object *render_desk(const struct desk_rec *d)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(d->id));
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "queue_id", json_object_new_string(d->queue_id));
	json_object_object_add(o, "state", json_object_new_boolean(d->state));
	json_object_object_add(o, "user_id", d->user_id[0] ? json_object_new_string(d->user_id) : NULL);
	json_object_object_add(o, "created_date", d->created_date[0] ? json_object_new_string(d->created_date) : NULL);
	json_object_object_add(o, "updated_date", d->updated_date[0] ? json_object_new_string(d->updated_date) : NULL);
	return o;
}

void api_desks_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"queue_id", "state", "user_id", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, desk_repo_sorts, filters, &lp, &fe);
	struct desk_filter f = {params_uuid(ctx, "queue_id", &fe), params_bool(ctx, "state", &fe),
				params_uuid(ctx, "user_id", &fe), lp.sort, lp.limit, lp.offset};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct desk_list list;
	long long total = 0;
	enum app_err e = svc_desk_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_desk(&list.items[i]));
	desk_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

/*
 * Reads a desk body; creating requires name and queue_id. user_id is who is signed in,
 * changed only by open and close. False after a 422 answer.
 */
static bool read_desk(struct api_ctx *ctx, struct desk_input *in, bool creating)
{
	struct field_errors fe;
	field_errors_init(&fe);
	memset(in, 0, sizeof *in);
	unsigned req = creating ? JV_REQUIRED : 0;
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("name", 1, DESK_NAME_MAX, req, &in->name),
		JVF_UUID("queue_id", req, &in->queue_id),
		JVF_BOOL("state", 0, &in->state, .present = &in->has_state),
		JVF_READONLY("user_id", JV_UUID),
		JVF_READONLY("created_date", JV_STRING),
		JVF_READONLY("updated_date", JV_STRING),
	};
	if (!jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return false;
	}
	return true;
}

void api_desks_create(struct api_ctx *ctx)
{
	struct desk_input in;
	if (!read_desk(ctx, &in, true))
		return;
	struct field_errors fe;
	struct desk_rec d;
	field_errors_init(&fe);
	enum app_err e = svc_desk_create(&ctx->app->services, &in, &fe, &d);
	desk_input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &desk_name_msgs);
		return;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/desks/%s", d.id);
	api_json(ctx, 201, render_desk(&d));
}

void api_desks_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct desk_rec d;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_desk_get(&ctx->app->services, id, &d);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &desk_msgs);
	else
		api_json(ctx, 200, render_desk(&d));
}

void api_desks_patch(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct desk_input in;
	if (!api_path_uuid(ctx, "id", id) || !read_desk(ctx, &in, false))
		return;
	struct field_errors fe;
	struct desk_rec d;
	field_errors_init(&fe);
	enum app_err e = svc_desk_update(&ctx->app->services, id, &in, &fe, &d);
	desk_input_free(&in);
	if (e != APP_OK)
		api_fail_err(ctx, e, &fe, &desk_name_msgs);
	else
		api_json(ctx, 200, render_desk(&d));
}

void api_desks_delete(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_desk_deactivate(&ctx->app->services, id);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &desk_msgs);
	else
		http_response_empty(ctx->resp, 204);
}

static void seat(struct api_ctx *ctx, bool open)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct svc_actor who = actor(ctx);
	struct desk_rec d;
	enum app_err e = open ? svc_desk_open(&ctx->app->services, &who, id, &d)
			      : svc_desk_close(&ctx->app->services, &who, id, &d);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, open ? &desk_open_msgs : &desk_close_msgs);
	else
		api_json(ctx, 200, render_desk(&d));
}

void api_desks_open(struct api_ctx *ctx)
{
	seat(ctx, true);
}

void api_desks_close(struct api_ctx *ctx)
{
	seat(ctx, false);
}

void api_desks_call_next(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct svc_actor who = actor(ctx);
	struct ticket_view v;
	bool called = false;
	enum app_err e = svc_ticket_call_next_at_desk(&ctx->app->services, &who, id, &v, &called);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &desk_call_msgs);
	else if (!called)
		http_response_empty(ctx->resp, 204);
	else
		api_json(ctx, 200, render_ticket(&v));
}
