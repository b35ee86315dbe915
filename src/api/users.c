/* /users: staff accounts. Password hashes never leave the service layer. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "common/jsonv.h"
#include "service/user.h"

#define NAME_MAX_CHARS 100

static bool user_name_check(const char *s)
{
	return svc_user_name_valid(s);
}

static void input_free(struct user_input *in)
{
	free(in->user_name);
	free(in->first_name);
	free(in->last_name);
	if (in->password)
		explicit_bzero(in->password, strlen(in->password));
	free(in->password);
	free(in->role_id);
	memset(in, 0, sizeof *in);
}

#define NO_USER "No user has this id."
static const struct api_messages user_msgs = {.not_found = NO_USER};
static const struct api_messages user_create_msgs = {
	.not_found = NO_USER,
	.conflict = "A user with this user_name already exists.",
};
static const struct api_messages user_update_msgs = {
	.not_found = NO_USER,
	.conflict = "The user_name is taken, or the change would leave no active admin.",
};
static const struct api_messages user_delete_msgs = {
	.not_found = NO_USER,
	.conflict = "Deactivating this user would leave no active admin.",
};

void api_users_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"user_name", "role_id", "state", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, user_repo_sorts, filters, &lp, &fe);
	struct user_filter f = {
		.user_name = params_str(ctx, "user_name"),
		.role_id = params_uuid(ctx, "role_id", &fe),
		.state = params_bool(ctx, "state", &fe),
		.sort = lp.sort, .limit = lp.limit, .offset = lp.offset,
	};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct user_list list;
	long long total = 0;
	enum app_err e = svc_user_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_user(&list.items[i]));
	user_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

void api_users_create(struct api_ctx *ctx)
{
	struct user_input in = {0};
	struct field_errors fe;
	field_errors_init(&fe);
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("user_name", 3, 32, JV_REQUIRED, &in.user_name, .check = user_name_check),
		JVF_STR("first_name", 1, NAME_MAX_CHARS, JV_REQUIRED, &in.first_name),
		JVF_STR("last_name", 1, NAME_MAX_CHARS, JV_REQUIRED, &in.last_name),
		JVF_STR("password", 0, 100000, JV_REQUIRED, &in.password),
		JVF_UUID("role_id", JV_REQUIRED, &in.role_id),
		JVF_BOOL("state", 0, &in.state, .present = &in.has_state),
		JVF_READONLY("created_date", JV_STRING),
		JVF_READONLY("updated_date", JV_STRING),
	};
	if (!jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct user_rec u;
	enum app_err e = svc_user_create(&ctx->app->services, &in, &fe, &u);
	input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &user_create_msgs);
		return;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/users/%s", u.id);
	api_json(ctx, 201, render_user(&u));
}

void api_users_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct user_rec u;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_user_get(&ctx->app->services, id, &u);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &user_msgs);
		return;
	}
	api_json(ctx, 200, render_user(&u));
}

void api_users_patch(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct user_input in = {0};
	struct field_errors fe;
	field_errors_init(&fe);
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("user_name", 3, 32, 0, &in.user_name, .check = user_name_check),
		JVF_STR("first_name", 1, NAME_MAX_CHARS, 0, &in.first_name),
		JVF_STR("last_name", 1, NAME_MAX_CHARS, 0, &in.last_name),
		JVF_READONLY("password", JV_STRING),
		JVF_UUID("role_id", 0, &in.role_id),
		JVF_BOOL("state", 0, &in.state, .present = &in.has_state),
		JVF_READONLY("created_date", JV_STRING),
		JVF_READONLY("updated_date", JV_STRING),
	};
	if (!jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct user_rec u;
	enum app_err e = svc_user_update(&ctx->app->services, id, &in, &fe, &u);
	input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &user_update_msgs);
		return;
	}
	api_json(ctx, 200, render_user(&u));
}

void api_users_delete(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_user_deactivate(&ctx->app->services, id);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &user_delete_msgs);
		return;
	}
	http_response_empty(ctx->resp, 204);
}

void api_users_password(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	bool self = strcmp(id, ctx->who.user_id) == 0;
	bool may_set_any = perm_has(ctx->who.perms, PERM_USERS, PERM_UPDATE);
	if (!self && !may_set_any) {
		api_fail(ctx, APP_FORBIDDEN, "Only users:update may change another user's password.");
		return;
	}
	char *current = NULL, *fresh = NULL;
	struct field_errors fe;
	field_errors_init(&fe);
	const struct jsonv_field spec[] = {
		JVF_STR("current_password", 0, 100000, 0, &current),
		JVF_STR("new_password", 0, 100000, JV_REQUIRED, &fresh),
	};
	if (!jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	enum app_err e = svc_user_set_password(&ctx->app->services, id, self && !may_set_any, current, fresh, &fe);
	free(current);
	free(fresh);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &user_msgs);
		return;
	}
	http_response_empty(ctx->resp, 204);
}
