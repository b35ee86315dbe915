/* /priorities: urgency levels and their SLA targets. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "common/jsonv.h"
#include "service/priority.h"

static const struct api_messages priority_msgs = {
	.not_found = "No priority has this id.",
	.conflict = "A priority with this name already exists.",
};

void api_priorities_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"state", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, priority_repo_sorts, filters, &lp, &fe);
	struct priority_filter f = {params_bool(ctx, "state", &fe), lp.sort, lp.limit, lp.offset};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct priority_list list;
	long long total = 0;
	enum app_err e = svc_priority_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_priority(&list.items[i]));
	priority_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

/* Reads a priority body; creating makes name and level required. False after a 422 answer. */
static bool read_priority(struct api_ctx *ctx, struct priority_input *in, bool creating)
{
	struct field_errors fe;
	field_errors_init(&fe);
	memset(in, 0, sizeof *in);
	unsigned req = creating ? JV_REQUIRED : 0;
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("name", 1, PRIORITY_NAME_MAX, req, &in->name),
		JVF_STR("description", 0, PRIORITY_DESCRIPTION_MAX, 0, &in->description),
		JVF_INT("level", PRIORITY_LEVEL_MIN, PRIORITY_LEVEL_MAX, req, &in->level, .present = &in->has_level),
		JVF_INT("max_wait_minutes", 0, PRIORITY_MAX_WAIT_MAX, 0, &in->max_wait_minutes,
			 .present = &in->has_max_wait_minutes),
		JVF_BOOL("state", 0, &in->state, .present = &in->has_state),
		JVF_READONLY("created_date", JV_STRING),
		JVF_READONLY("updated_date", JV_STRING),
	};
	if (!jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return false;
	}
	return true;
}

static void input_free(struct priority_input *in)
{
	free(in->name);
	free(in->description);
	memset(in, 0, sizeof *in);
}

void api_priorities_create(struct api_ctx *ctx)
{
	struct priority_input in;
	if (!read_priority(ctx, &in, true))
		return;
	struct priority_rec p;
	enum app_err e = svc_priority_create(&ctx->app->services, &in, &p);
	input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &priority_msgs);
		return;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/priorities/%s", p.id);
	api_json(ctx, 201, render_priority(&p));
}

void api_priorities_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct priority_rec p;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_priority_get(&ctx->app->services, id, &p);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &priority_msgs);
		return;
	}
	api_json(ctx, 200, render_priority(&p));
}

void api_priorities_patch(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct priority_input in;
	if (!api_path_uuid(ctx, "id", id) || !read_priority(ctx, &in, false))
		return;
	struct priority_rec p;
	enum app_err e = svc_priority_update(&ctx->app->services, id, &in, &p);
	input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &priority_msgs);
		return;
	}
	api_json(ctx, 200, render_priority(&p));
}

void api_priorities_delete(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_priority_deactivate(&ctx->app->services, id);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &priority_msgs);
		return;
	}
	http_response_empty(ctx->resp, 204);
}
