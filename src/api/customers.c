/* /customers: the people who take tickets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "common/jsonv.h"
#include "service/customer.h"

static bool email_check(const char *s)
{
	return !*s || svc_customer_email_valid(s);
}

static const struct api_messages customer_msgs = {
	.not_found = "No customer has this id.",
	.conflict = "A customer with this dni already exists.",
};

bool api_customer_read(struct json_object *obj, bool creating, const char *prefix, struct customer_input *in,
		       struct field_errors *fe)
{
	struct field_errors local;
	field_errors_init(&local);
	memset(in, 0, sizeof *in);
	unsigned req = creating ? JV_REQUIRED : 0;
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("dni", 1, CUSTOMER_DNI_MAX, JV_NULLABLE, &in->dni, .present = &in->has_dni),
		JVF_STR("first_name", 1, CUSTOMER_NAME_MAX, req, &in->first_name),
		JVF_STR("last_name", 1, CUSTOMER_NAME_MAX, req, &in->last_name),
		JVF_STR("phone", 0, CUSTOMER_PHONE_MAX, 0, &in->phone),
		JVF_STR("email", 0, CUSTOMER_EMAIL_MAX, 0, &in->email, .check = email_check),
		JVF_BOOL("state", 0, &in->state, .present = &in->has_state),
		JVF_READONLY("created_date", JV_STRING),
		JVF_READONLY("updated_date", JV_STRING),
	};
	bool ok = jsonv_extract(obj, spec, sizeof spec / sizeof spec[0], &local);
	/* jsonv names bare keys; an inline customer reports "customer.first_name". */
	for (size_t i = 0; i < local.n; i++) {
		char field[sizeof local.e[0].field];
		const char *key = local.e[i].field;
		if (!*key && prefix && *prefix) /* the object itself: "customer", not "customer." */
			snprintf(field, sizeof field, "%.*s", (int)strcspn(prefix, "."), prefix);
		else
			snprintf(field, sizeof field, "%s%s", prefix ? prefix : "", key);
		field_errors_add(fe, field, "%s", local.e[i].message);
	}
	fe->dropped += local.dropped;
	if (!ok)
		svc_customer_input_free(in);
	return ok;
}

void api_customers_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"dni", "q", "state", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, customer_repo_sorts, filters, &lp, &fe);
	struct customer_filter f = {
		.dni = params_str(ctx, "dni"),
		.q = params_str(ctx, "q"),
		.state = params_bool(ctx, "state", &fe),
		.sort = lp.sort, .limit = lp.limit, .offset = lp.offset,
	};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct customer_list list;
	long long total = 0;
	enum app_err e = svc_customer_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_customer(&list.items[i]));
	customer_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

void api_customers_create(struct api_ctx *ctx)
{
	struct customer_input in;
	struct field_errors fe;
	field_errors_init(&fe);
	if (!api_customer_read(ctx->body, true, NULL, &in, &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct customer_rec c;
	enum app_err e = svc_customer_create(&ctx->app->services, &in, &fe, &c);
	svc_customer_input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &customer_msgs);
		return;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/customers/%s", c.id);
	api_json(ctx, 201, render_customer(&c));
}

void api_customers_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct customer_rec c;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_customer_get(&ctx->app->services, id, &c);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &customer_msgs);
		return;
	}
	api_json(ctx, 200, render_customer(&c));
}

void api_customers_patch(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct customer_input in;
	struct field_errors fe;
	field_errors_init(&fe);
	if (!api_path_uuid(ctx, "id", id))
		return;
	if (!api_customer_read(ctx->body, false, NULL, &in, &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct customer_rec c;
	enum app_err e = svc_customer_update(&ctx->app->services, id, &in, &fe, &c);
	svc_customer_input_free(&in);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &customer_msgs);
		return;
	}
	api_json(ctx, 200, render_customer(&c));
}

void api_customers_delete(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_customer_deactivate(&ctx->app->services, id);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &customer_msgs);
		return;
	}
	http_response_empty(ctx->resp, 204);
}
