/* /roles, /roles/{id}/permissions and the /permissions catalogue. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "common/jsonv.h"
#include "service/role.h"

#define NO_ROLE "No role has this id."
static const struct api_messages role_msgs = {.not_found = NO_ROLE};
static const struct api_messages role_create_msgs = {
	.not_found = NO_ROLE,
	.conflict = "A role with this name already exists.",
};
static const struct api_messages role_update_msgs = {
	.not_found = NO_ROLE,
	.conflict = "The name is taken, or the admin role cannot be renamed or deactivated.",
};
static const struct api_messages role_delete_msgs = {
	.not_found = NO_ROLE,
	.conflict = "The admin role cannot be deactivated.",
};
static const struct api_messages role_perms_msgs = {
	.not_found = NO_ROLE,
	.conflict = "The admin role keeps every permission.",
};

void api_roles_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"name", "state", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, role_repo_sorts, filters, &lp, &fe);
	struct role_filter f = {params_str(ctx, "name"), params_bool(ctx, "state", &fe), lp.sort, lp.limit, lp.offset};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct role_list list;
	long long total = 0;
	enum app_err e = svc_role_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_role(&list.items[i]));
	role_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

/* Reads a role body; required says whether name must be present (create). */
static bool read_role(struct api_ctx *ctx, struct role_input *in, bool required)
{
	struct field_errors fe;
	field_errors_init(&fe);
	memset(in, 0, sizeof *in);
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("name", 1, 50, required ? JV_REQUIRED : 0, &in->name),
		JVF_STR("description", 0, 255, 0, &in->description),
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

static void input_free(struct role_input *in)
{
	free(in->name);
	free(in->description);
}

void api_roles_create(struct api_ctx *ctx)
{
	struct role_input in;
	if (!read_role(ctx, &in, true))
		return;
	struct role_rec r;
	enum app_err e = svc_role_create(&ctx->app->services, &in, &r);
	input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &role_create_msgs);
		return;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/roles/%s", r.id);
	api_json(ctx, 201, render_role(&r));
}

void api_roles_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct role_rec r;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_role_get(&ctx->app->services, id, &r);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &role_msgs);
		return;
	}
	api_json(ctx, 200, render_role(&r));
}

void api_roles_patch(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct role_input in;
	if (!api_path_uuid(ctx, "id", id) || !read_role(ctx, &in, false))
		return;
	struct role_rec r;
	enum app_err e = svc_role_update(&ctx->app->services, id, &in, &r);
	input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &role_update_msgs);
		return;
	}
	api_json(ctx, 200, render_role(&r));
}

void api_roles_delete(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_role_deactivate(&ctx->app->services, id);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &role_delete_msgs);
		return;
	}
	http_response_empty(ctx->resp, 204);
}

void api_roles_permissions_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	perm_set set;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_role_permissions(&ctx->app->services, id, &set);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &role_msgs);
		return;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "permissions", render_permissions(set));
	api_json(ctx, 200, o);
}

void api_roles_permissions_put(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct field_errors fe;
	field_errors_init(&fe);
	/* jsonv checks the envelope (no unknown keys); the array is walked below. */
	struct json_object *list = NULL;
	bool present = false;
	const struct jsonv_field spec[] = {
		JVF_OBJECT("permissions", JV_IGNORED, NULL, .present = &present),
	};
	if (!jsonv_extract(ctx->body, spec, 1, &fe) || !present) {
		if (!present && !fe.n)
			field_errors_add(&fe, "permissions", "is required");
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	perm_set set = 0;
	json_object_object_get_ex(ctx->body, "permissions", &list);
	if (!json_object_is_type(list, json_type_array)) {
		field_errors_add(&fe, "permissions", "must be an array of {module, action}");
	} else {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *item = json_object_array_get_idx(list, i), *m, *a;
			char field[48];
			snprintf(field, sizeof field, "permissions[%zu]", i);
			int mi = -1, ai = -1;
			if (json_object_is_type(item, json_type_object) && json_object_object_length(item) == 2 &&
			    json_object_object_get_ex(item, "module", &m) && json_object_object_get_ex(item, "action", &a) &&
			    json_object_is_type(m, json_type_string) && json_object_is_type(a, json_type_string)) {
				mi = perm_module_parse(json_object_get_string(m));
				ai = perm_action_parse(json_object_get_string(a));
			}
			if (mi < 0 || ai < 0)
				field_errors_add(&fe, field, "must be {module, action} from the permission catalogue");
			else
				set |= perm_bit((enum perm_module)mi, (enum perm_action)ai);
		}
	}
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	enum app_err e = svc_role_set_permissions(&ctx->app->services, id, set);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &role_perms_msgs);
		return;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "permissions", render_permissions(set));
	api_json(ctx, 200, o);
}

void api_permissions_list(struct api_ctx *ctx)
{
	perm_set all = 0;
	for (int m = 0; m < PERM_MODULE__MAX; m++)
		for (int a = 0; a < PERM_ACTION__MAX; a++)
			all |= perm_bit((enum perm_module)m, (enum perm_action)a);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "permissions", render_permissions(all));
	api_json(ctx, 200, o);
}
