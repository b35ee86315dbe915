/* /webhooks: subscriptions to ticket events, their secrets and their deliveries (SPEC 11). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "common/ids.h"
#include "common/jsonv.h"
#include "service/webhook.h"

#define EVENTS_MAX 16

static const struct api_messages webhook_msgs = {.not_found = "No webhook (or delivery) has this id."};

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

/* The stored ",a,b," form as ["a", "b"]. */
static struct json_object *render_events(const char *stored)
{
	struct json_object *a = json_object_new_array();
	const char *p = stored;
	while (*p) {
		if (*p == ',') {
			p++;
			continue;
		}
		size_t len = strcspn(p, ",");
		json_object_array_add(a, json_object_new_string_len(p, (int)len));
		p += len;
	}
	return a;
}

static struct json_object *render_webhook(const struct webhook_rec *w, const char *secret)
{
	struct json_object *o = json_object_new_object();
	add_str(o, "id", w->id);
	json_object_object_add(o, "url", json_object_new_string(w->url));
	json_object_object_add(o, "events", render_events(w->events));
	json_object_object_add(o, "state", json_object_new_boolean(w->state));
	json_object_object_add(o, "description", json_object_new_string(w->description));
	add_str(o, "created_date", w->created_date);
	add_str(o, "updated_date", w->updated_date);
	if (secret)
		json_object_object_add(o, "secret", json_object_new_string(secret));
	return o;
}

static struct json_object *render_delivery(const struct delivery_rec *d)
{
	struct json_object *o = json_object_new_object();
	add_str(o, "id", d->id);
	json_object_object_add(o, "type", json_object_new_string(d->type));
	json_object_object_add(o, "seq", d->seq ? json_object_new_int64(d->seq) : NULL);
	json_object_object_add(o, "status", json_object_new_string(d->status));
	json_object_object_add(o, "attempts", json_object_new_int64(d->attempts));
	json_object_object_add(o, "last_status_code",
			       d->last_status_code ? json_object_new_int64(d->last_status_code) : NULL);
	add_str(o, "last_error", d->last_error);
	add_str(o, "next_attempt_at", strcmp(d->status, "pending") == 0 ? d->next_attempt_at : NULL);
	add_str(o, "created_date", d->created_date);
	add_str(o, "delivered_date", d->delivered_date);
	return o;
}

/* Reads "events": an array of type names (or ["*"]) into the stored form; false after an error in fe. */
static bool read_events(struct json_object *body, char *out, size_t out_size, bool *present, struct field_errors *fe)
{
	struct json_object *a = NULL;
	*present = json_object_object_get_ex(body, "events", &a);
	if (!*present)
		return true;
	if (!json_object_is_type(a, json_type_array)) {
		field_errors_add(fe, "events", "must be an array of event types");
		return false;
	}
	size_t n = json_object_array_length(a);
	if (n > EVENTS_MAX) {
		field_errors_add(fe, "events", "names at most %d event types", EVENTS_MAX);
		return false;
	}
	const char *names[EVENTS_MAX];
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_string)) {
			field_errors_add(fe, "events", "must be an array of event types");
			return false;
		}
		names[i] = json_object_get_string(s);
	}
	return webhook_events_join(names, n, out, out_size, fe);
}

struct webhook_body {
	char *url, *description;
	char events[WEBHOOK_EVENTS_MAX + 1];
	bool has_events;
	struct webhook_input in;
};

static bool read_body(struct api_ctx *ctx, bool creating, struct webhook_body *b, struct field_errors *fe)
{
	memset(b, 0, sizeof *b);
	unsigned req = creating ? JV_REQUIRED : 0;
	const struct jsonv_field spec[] = {
		JVF_READONLY("id", JV_STRING),
		JVF_STR("url", 1, WEBHOOK_URL_MAX, req, &b->url),
		JVF_IGNORED("events", JV_STRING),
		JVF_STR("description", 0, WEBHOOK_DESCRIPTION_MAX, 0, &b->description),
		JVF_BOOL("state", 0, &b->in.state, .present = &b->in.has_state),
		JVF_READONLY("secret", JV_STRING),
		JVF_READONLY("created_date", JV_STRING),
		JVF_READONLY("updated_date", JV_STRING),
	};
	bool ok = jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], fe);
	if (ok || json_object_is_type(ctx->body, json_type_object))
		ok = read_events(ctx->body, b->events, sizeof b->events, &b->has_events, fe) && ok;
	struct webhook_target target;
	const char *why = b->url ? webhook_url_check(b->url, ctx->app->cfg->webhooks.allow_private, false, &target) : NULL;
	if (why)
		field_errors_add(fe, "url", "%s", why);
	if (creating && !b->has_events && !fe->n) {
		field_errors_add(fe, "events", "is required");
		ok = false;
	}
	b->in.url = b->url;
	b->in.description = b->description;
	b->in.events = b->has_events ? b->events : NULL;
	return ok && !fe->n;
}

static void body_free(struct webhook_body *b)
{
	free(b->url);
	free(b->description);
	memset(b, 0, sizeof *b);
}

void api_webhooks_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"state", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, webhook_repo_sorts, filters, &lp, &fe);
	struct webhook_filter f = {params_bool(ctx, "state", &fe), lp.sort, lp.limit, lp.offset};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct webhook_list list;
	long long total = 0;
	enum app_err e = svc_webhook_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_webhook(&list.items[i], NULL));
	webhook_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

void api_webhooks_create(struct api_ctx *ctx)
{
	struct field_errors fe;
	field_errors_init(&fe);
	struct webhook_body b;
	if (!read_body(ctx, true, &b, &fe)) {
		http_response_invalid(ctx->resp, &fe);
		body_free(&b);
		return;
	}
	struct webhook_rec *w = malloc(sizeof *w);
	if (!w) {
		body_free(&b);
		api_fail(ctx, APP_INTERNAL, NULL);
		return;
	}
	enum app_err e = svc_webhook_create(&ctx->app->services, &b.in, &fe, w);
	body_free(&b);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &webhook_msgs);
	} else {
		http_response_header(ctx->resp, "Location", "/api/v1/webhooks/%s", w->id);
		/* The only answer that ever shows the secret. */
		api_json(ctx, 201, render_webhook(w, w->secret));
	}
	explicit_bzero(w, sizeof *w);
	free(w);
}

void api_webhooks_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct webhook_rec *w = malloc(sizeof *w);
	if (!w) {
		api_fail(ctx, APP_INTERNAL, NULL);
		return;
	}
	enum app_err e = svc_webhook_get(&ctx->app->services, id, w);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &webhook_msgs);
	else
		api_json(ctx, 200, render_webhook(w, NULL));
	explicit_bzero(w, sizeof *w);
	free(w);
}

void api_webhooks_patch(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct field_errors fe;
	field_errors_init(&fe);
	struct webhook_body b;
	if (!read_body(ctx, false, &b, &fe)) {
		http_response_invalid(ctx->resp, &fe);
		body_free(&b);
		return;
	}
	struct webhook_rec *w = malloc(sizeof *w);
	if (!w) {
		body_free(&b);
		api_fail(ctx, APP_INTERNAL, NULL);
		return;
	}
	enum app_err e = svc_webhook_update(&ctx->app->services, id, &b.in, &fe, w);
	body_free(&b);
	if (e != APP_OK)
		api_fail_err(ctx, e, &fe, &webhook_msgs);
	else
		api_json(ctx, 200, render_webhook(w, NULL));
	explicit_bzero(w, sizeof *w);
	free(w);
}

void api_webhooks_delete(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_webhook_deactivate(&ctx->app->services, id);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &webhook_msgs);
	else
		http_response_empty(ctx->resp, 204);
}

void api_webhooks_rotate_secret(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	char secret[WEBHOOK_SECRET_LEN];
	enum app_err e = svc_webhook_rotate(&ctx->app->services, id, secret);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &webhook_msgs);
		return;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "secret", json_object_new_string(secret));
	explicit_bzero(secret, sizeof secret);
	api_json(ctx, 200, o);
}

void api_webhooks_deliveries(struct api_ctx *ctx)
{
	static const char *const filters[] = {"status", NULL};
	static const char *const sorts[] = {"-created_date", NULL};
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, sorts, filters, &lp, &fe);
	const char *status = params_str(ctx, "status");
	if (status && strcmp(status, "pending") != 0 && strcmp(status, "delivered") != 0 &&
	    strcmp(status, "failed") != 0)
		field_errors_add(&fe, "status", "must be one of: pending, delivered, failed");
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct delivery_list list;
	long long total = 0;
	enum app_err e = svc_webhook_deliveries(&ctx->app->services, id, status, lp.limit, lp.offset, &list, &total);
	if (e != APP_OK) {
		api_fail_err(ctx, e, NULL, &webhook_msgs);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_delivery(&list.items[i]));
	delivery_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

static void accepted(struct api_ctx *ctx, const char *delivery_id)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "delivery_id", json_object_new_string(delivery_id));
	json_object_object_add(o, "status", json_object_new_string("pending"));
	api_json(ctx, 202, o);
}

void api_webhooks_delivery_retry(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN], delivery[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id) || !api_path_uuid(ctx, "delivery_id", delivery))
		return;
	enum app_err e = svc_webhook_retry(&ctx->app->services, id, delivery);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &webhook_msgs);
	else
		accepted(ctx, delivery);
}

void api_webhooks_test(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN], delivery[UUID_STR_LEN], now[TS_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	ids_format_ms(ids_now_ms(), now);
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "type", json_object_new_string("webhook.test"));
	json_object_object_add(body, "timestamp", json_object_new_string(now));
	struct json_object *data = json_object_new_object();
	json_object_object_add(data, "webhook_id", json_object_new_string(id));
	json_object_object_add(body, "data", data);
	enum app_err e = svc_webhook_test(&ctx->app->services, id,
					  json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN), delivery);
	json_object_put(body);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &webhook_msgs);
	else
		accepted(ctx, delivery);
}
