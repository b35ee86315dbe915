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

static bool prefix_check(const char *s)
{
	return rules_prefix_valid(s);
}

#define NO_QUEUE "No queue has this id."
static const struct api_messages queue_msgs = {.not_found = NO_QUEUE};
static const struct api_messages queue_create_msgs = {
	.not_found = NO_QUEUE,
	.conflict = "The name, the prefix or the attendant is already used by another queue.",
};
static const struct api_messages queue_update_msgs = {
	.not_found = NO_QUEUE,
	.conflict = "The name, prefix or attendant is taken, or a waiting ticket has no other open queue to go to.",
};
static const struct api_messages queue_call_msgs = {
	.not_found = NO_QUEUE,
	.conflict = "This queue is closed.",
	.forbidden = "Attendants may operate only the queue assigned to them.",
};

/* Reads a queue body; creating requires name, prefix and priority_ids. */
static bool read_queue(struct api_ctx *ctx, struct queue_input *in, bool creating)
{
	struct field_errors fe;
	char *state = NULL, *policy = NULL;
	field_errors_init(&fe);
	memset(in, 0, sizeof *in);
	unsigned req = creating ? JV_REQUIRED : 0;
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("name", 1, 40, req, &in->name),
		JVF_STR("prefix", 1, 3, req, &in->prefix, .check = prefix_check),
		JVF_ENUM("state", queue_state_names, 0, &state),
		JVF_ENUM("policy", queue_policy_names, 0, &policy),
		JVF_UUID("user_id", JV_NULLABLE, &in->user_id, .present = &in->user_id_present),
		JVF_UUIDS("priority_ids", 1, QUEUE_MAX_PRIORITIES, req, &in->priority_ids,
			 .present = &in->priority_ids_present),
		JVF_READONLY("waiting", JV_INT),
		JVF_READONLY("created_date", JV_STRING),
		JVF_READONLY("updated_date", JV_STRING),
	};
	bool ok = jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe);
	/* JV_ENUM let only the tables' names through. */
	int v = queue_state_parse(state);
	in->has_state = v >= 0;
	in->state = v >= 0 ? (enum queue_state)v : QUEUE_OPEN;
	v = queue_policy_parse(policy);
	in->has_policy = v >= 0;
	in->policy = v >= 0 ? (enum queue_policy)v : POLICY_PRIORITY;
	free(state);
	free(policy);
	if (!ok)
		http_response_invalid(ctx->resp, &fe);
	return ok;
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
		api_fail_err(ctx, e, &fe, &queue_create_msgs);
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
		api_fail_err(ctx, e, NULL, &queue_msgs);
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
		api_fail_err(ctx, e, &fe, &queue_update_msgs);
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
	struct queue_input in = {.state = QUEUE_CLOSED, .has_state = true};
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
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &queue_call_msgs);
	else if (!called)
		http_response_empty(ctx->resp, 204);
	else
		api_json(ctx, 200, render_ticket(&v));
}
