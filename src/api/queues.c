/* /queues and POST /queues/{id}/call-next. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "api/render_queue.h"
#include "common/jsonv.h"
#include "service/queue.h"
#include "service/queue_rules.h"
#include "service/ticket.h"

static const char *const states[] = {"open", "paused", "closed", NULL};
static const char *const policies[] = {"priority", "fifo", NULL};

static bool prefix_check(const char *s)
{
	return rules_prefix_valid(s);
}

static void fail(struct api_ctx *ctx, enum app_err e, const struct field_errors *fe, const char *conflict)
{
	if (e == APP_INVALID)
		http_response_invalid(ctx->resp, fe);
	else
		api_fail(ctx, e, e == APP_CONFLICT ? conflict : e == APP_NOT_FOUND ? "No queue has this id." : NULL);
}

/* Reads a queue body; creating requires name, prefix and priority_ids. */
static bool read_queue(struct api_ctx *ctx, struct queue_input *in, bool creating)
{
	struct field_errors fe;
	field_errors_init(&fe);
	memset(in, 0, sizeof *in);
	unsigned req = creating ? JV_REQUIRED : 0;
	const struct jsonv_field spec[] = {
		{"id", JV_STRING, JV_READONLY, 0, 0, NULL, NULL, NULL, NULL},
		{"name", JV_STRING, req, 1, 40, NULL, NULL, &in->name, NULL},
		{"prefix", JV_STRING, req, 1, 3, NULL, prefix_check, &in->prefix, NULL},
		{"state", JV_ENUM, 0, 0, 0, states, NULL, &in->state, NULL},
		{"policy", JV_ENUM, 0, 0, 0, policies, NULL, &in->policy, NULL},
		{"user_id", JV_UUID, JV_NULLABLE, 0, 0, NULL, NULL, &in->user_id, &in->user_id_present},
		{"priority_ids", JV_UUID_ARRAY, req, 1, QUEUE_MAX_PRIORITIES, NULL, NULL, &in->priority_ids,
		 &in->priority_ids_present},
		{"waiting", JV_INT, JV_READONLY, 0, 0, NULL, NULL, NULL, NULL},
		{"created_date", JV_STRING, JV_READONLY, 0, 0, NULL, NULL, NULL, NULL},
		{"updated_date", JV_STRING, JV_READONLY, 0, 0, NULL, NULL, NULL, NULL},
	};
	if (!jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return false;
	}
	return true;
}

void api_queues_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"state", "user_id", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, queue_repo_sorts, filters, &lp, &fe);
	const char *state = params_str(ctx, "state");
	if (state && queue_state_parse(state) < 0)
		field_errors_add(&fe, "state", "must be one of: open, paused, closed");
	struct queue_filter f = {state, params_uuid(ctx, "user_id", &fe), lp.sort, lp.limit, lp.offset};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct queue_list list;
	long long total = 0;
	enum app_err e = svc_queue_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_queue(&list.items[i]));
	queue_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

void api_queues_create(struct api_ctx *ctx)
{
	struct queue_input in;
	if (!read_queue(ctx, &in, true))
		return;
	struct field_errors fe;
	field_errors_init(&fe);
	struct queue_rec *q = malloc(sizeof *q);
	enum app_err e = q ? svc_queue_create(&ctx->app->services, &in, &fe, q) : APP_INTERNAL;
	queue_input_free(&in);
	if (e != APP_OK)
		fail(ctx, e, &fe, "The name, the prefix or the attendant is already used by another queue.");
	else {
		http_response_header(ctx->resp, "Location", "/api/v1/queues/%s", q->id);
		api_json(ctx, 201, render_queue(q));
	}
	free(q);
}

void api_queues_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct queue_rec *q = malloc(sizeof *q);
	enum app_err e = q ? svc_queue_get(&ctx->app->services, id, q) : APP_INTERNAL;
	if (e != APP_OK)
		fail(ctx, e, NULL, NULL);
	else
		api_json(ctx, 200, render_queue(q));
	free(q);
}

static void update(struct api_ctx *ctx, const char *id, struct queue_input *in)
{
	struct field_errors fe;
	field_errors_init(&fe);
	struct queue_rec *q = malloc(sizeof *q);
	enum app_err e = q ? svc_queue_update(&ctx->app->services, id, ctx->who.user_id, in, &fe, q) : APP_INTERNAL;
	if (e != APP_OK)
		fail(ctx, e, &fe,
		     "The name, prefix or attendant is taken, or a waiting ticket has no other open queue to go to.");
	else if (ctx->req->method == HTTP_DELETE)
		http_response_empty(ctx->resp, 204);
	else
		api_json(ctx, 200, render_queue(q));
	free(q);
}

void api_queues_patch(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct queue_input in;
	if (!api_path_uuid(ctx, "id", id) || !read_queue(ctx, &in, false))
		return;
	update(ctx, id, &in);
	queue_input_free(&in);
}

void api_queues_delete(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct queue_input in = {0};
	in.state = strdup("closed");
	if (!in.state) {
		api_fail(ctx, APP_INTERNAL, NULL);
		return;
	}
	update(ctx, id, &in);
	queue_input_free(&in);
}

void api_queues_call_next(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct svc_actor who = {ctx->who.user_id, perm_has(ctx->who.perms, PERM_QUEUES, PERM_UPDATE)};
	struct ticket_view v;
	bool called = false;
	enum app_err e = svc_ticket_call_next(&ctx->app->services, &who, id, &v, &called);
	if (e == APP_FORBIDDEN)
		api_fail(ctx, e, "Attendants may operate only the queue assigned to them.");
	else if (e != APP_OK)
		fail(ctx, e, NULL, "This queue is closed.");
	else if (!called)
		http_response_empty(ctx->resp, 204);
	else
		api_json(ctx, 200, render_ticket(&v));
}
