/* /tickets, the ticket operations, /board and /public/tickets/{id}. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "common/date.h"
#include "api/params.h"
#include "api/render.h"
#include "api/render_queue.h"
#include "common/digest.h"
#include "common/jsonv.h"
#include "notify/notify.h"
#include "service/customer.h"
#include "service/ticket.h"

#define IDEMPOTENCY_KEY_MAX 255

#define NO_TICKET "No ticket has this id."
#define NOT_YOUR_QUEUE "Attendants may operate only the queue assigned to them."
#define NO_QUEUE_FOR_PRIORITY "No open queue serves this priority, or the chosen queue is not open."
static const struct api_messages ticket_msgs = {.not_found = NO_TICKET, .forbidden = NOT_YOUR_QUEUE};
static const struct api_messages ticket_create_msgs = {
	.not_found = NO_TICKET,
	.conflict = NO_QUEUE_FOR_PRIORITY,
	.forbidden = NOT_YOUR_QUEUE,
};
static const struct api_messages ticket_create_keyed_msgs = {
	.not_found = NO_TICKET,
	.conflict = "No open queue serves this priority, the chosen queue is not open, or this Idempotency-Key "
		    "was used for another request.",
	.forbidden = NOT_YOUR_QUEUE,
};
static const struct api_messages ticket_call_msgs = {
	.not_found = "No ticket or queue has this id.",
	.conflict = "The ticket's state does not allow call, its queue is closed or the desk is deactivated.",
	.forbidden = NOT_YOUR_QUEUE,
};
static const struct api_messages ticket_call_at_desk_msgs = {
	.not_found = "No ticket or queue has this id.",
	.conflict = "The ticket's state does not allow call, its queue is closed or the desk is deactivated.",
	.forbidden = "Only the user signed in at this desk may call there.",
};

static struct svc_actor actor(struct api_ctx *ctx)
{
	struct svc_actor who = {ctx->who.user_id, perm_has(ctx->who.perms, PERM_QUEUES, PERM_UPDATE)};
	return who;
}

void api_tickets_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"queue_id", "status", "service_date", "customer_id", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, ticket_repo_sorts, filters, &lp, &fe);
	const char *status = params_str(ctx, "status");
	if (status && ticket_status_parse(status) < 0)
		field_errors_add(&fe, "status", "must be one of: waiting, called, served, no_show, cancelled, expired");
	const char *date = params_str(ctx, "service_date");
	if (date && !date_parse_ymd(date, NULL))
		field_errors_add(&fe, "service_date", "must be a date YYYY-MM-DD");
	struct ticket_filter f = {params_uuid(ctx, "queue_id", &fe), status, date, params_uuid(ctx, "customer_id", &fe),
				  lp.sort, lp.limit, lp.offset};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct ticket_list list;
	long long total = 0;
	enum app_err e = svc_ticket_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++) {
		/* Lists show the stored row; position and wait are on GET /tickets/{id}. */
		struct ticket_view v = {.t = list.items[i]};
		json_object_array_add(items, render_ticket(&v));
	}
	ticket_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

/* The body of POST /tickets (and of POST /tickets/quote), parsed and checked. */
struct ticket_body {
	char *priority_id, *customer_id, *queue_id;
	bool has_customer, has_notify;
	struct notify_request nr;
	struct customer_input customer; /* when has_customer */
};

static void ticket_body_free(struct ticket_body *b)
{
	free(b->priority_id);
	free(b->customer_id);
	free(b->queue_id);
	svc_customer_input_free(&b->customer);
}

/* Reads the body into b (freed by the caller with ticket_body_free in any case); problems go to fe. */
static void read_ticket_body(struct api_ctx *ctx, struct ticket_body *b, struct field_errors *fe)
{
	struct json_object *customer = NULL, *notify = NULL;
	memset(b, 0, sizeof *b);
	b->nr.email = b->nr.sms = false;
	b->nr.ahead = NOTIFY_AHEAD_DEFAULT;
	const struct jsonv_field spec[] = {
		JVF_UUID("priority_id", JV_REQUIRED, &b->priority_id),
		JVF_UUID("customer_id", 0, &b->customer_id),
		JVF_OBJECT("customer", 0, &customer, .present = &b->has_customer),
		JVF_UUID("queue_id", JV_NULLABLE, &b->queue_id),
		JVF_READONLY("status", JV_STRING),
		JVF_READONLY("code", JV_STRING),
		JVF_READONLY("number", JV_INT),
		JVF_OBJECT("notify", 0, &notify, .present = &b->has_notify),
	};
	if (jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], fe)) {
		if (!!b->customer_id == b->has_customer)
			field_errors_add(fe, "customer_id", "give exactly one of customer_id or customer");
		else if (b->has_customer)
			api_customer_read(customer, true, "customer.", &b->customer, fe);
		if (b->has_notify)
			api_notify_read(notify, &b->nr, fe);
	}
}

void api_tickets_create(struct api_ctx *ctx)
{
	struct ticket_body b;
	struct field_errors fe;
	field_errors_init(&fe);
	read_ticket_body(ctx, &b, &fe);
	const char *key = ctx->req->idempotency_key;
	if (key && (!*key || strlen(key) > IDEMPOTENCY_KEY_MAX))
		field_errors_add(&fe, "Idempotency-Key", "must be 1-%d characters", IDEMPOTENCY_KEY_MAX);
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		goto out;
	}
	char fingerprint[65];
	digest_sha256_hex(ctx->req->body, ctx->req->body_len, fingerprint);
	struct ticket_request r = {.priority_id = b.priority_id,
				   .customer_id = b.customer_id,
				   .customer = b.has_customer ? &b.customer : NULL,
				   .queue_id = b.queue_id,
				   .idempotency_key = key,
				   .request_fingerprint = fingerprint,
				   .notify = b.has_notify ? &b.nr : NULL};
	struct svc_actor who = actor(ctx);
	struct ticket_view v;
	bool replayed = false;
	enum app_err e = svc_ticket_register(&ctx->app->services, &who, &r, &fe, &v, &replayed);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, key ? &ticket_create_keyed_msgs : &ticket_create_msgs);
		goto out;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/tickets/%s", v.t.id);
	if (replayed)
		http_response_header(ctx->resp, "Idempotent-Replayed", "true");
	api_json(ctx, 201, render_ticket(&v));
out:
	ticket_body_free(&b);
}

/*
 * POST /tickets/quote (SPEC 14): the body of POST /tickets, checked the same way (notify is
 * checked and ignored, an inline customer is not upserted); answers where the ticket would
 * go and how long it would wait, and writes nothing.
 */
void api_tickets_quote(struct api_ctx *ctx)
{
	struct ticket_body b;
	struct field_errors fe;
	field_errors_init(&fe);
	read_ticket_body(ctx, &b, &fe);
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		goto out;
	}
	struct ticket_request r = {.priority_id = b.priority_id, .customer_id = b.customer_id, .queue_id = b.queue_id};
	struct ticket_quote q;
	enum app_err e = svc_ticket_quote(&ctx->app->services, &r, &fe, &q);
	if (e != APP_OK) {
		api_fail_err(ctx, e, &fe, &ticket_create_msgs);
		goto out;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "queue_id", json_object_new_string(q.queue_id));
	json_object_object_add(o, "queue_name", json_object_new_string(q.queue_name));
	json_object_object_add(o, "position", json_object_new_int64(q.position));
	json_object_object_add(o, "estimated_wait_seconds", json_object_new_int64(q.estimated_wait_seconds));
	json_object_object_add(o, "estimated_wait_range", render_wait_range(&q.estimated_wait_range));
	api_json(ctx, 200, o);
out:
	ticket_body_free(&b);
}

void api_tickets_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct ticket_view v;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_ticket_get(&ctx->app->services, id, &v);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &ticket_msgs);
	else
		api_json(ctx, 200, render_ticket(&v));
}

void api_tickets_events(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct event_rec *events = NULL;
	size_t n = 0;
	enum app_err e = svc_ticket_events(&ctx->app->services, id, &events, &n);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &ticket_msgs);
	else
		api_json(ctx, 200, render_events(events, n));
	free(events);
}

/* Runs one state change; to_queue is used by transfer and call. */
static void apply(struct api_ctx *ctx, enum ticket_op op, const char *to_queue)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct svc_actor who = actor(ctx);
	struct ticket_view v;
	enum app_err e = svc_ticket_apply(&ctx->app->services, &who, id, op, to_queue, &v);
	if (e != APP_OK) {
		char detail[160];
		snprintf(detail, sizeof detail, "The ticket's state does not allow %s, or its queue is closed.",
			 ticket_op_name(op));
		const struct api_messages msgs = {
			.not_found = "No ticket or queue has this id.",
			.conflict = detail,
			.forbidden = NOT_YOUR_QUEUE,
		};
		api_fail_err(ctx, e, NULL, &msgs);
		return;
	}
	api_json(ctx, 200, render_ticket(&v));
}

void api_tickets_serve(struct api_ctx *ctx)
{
	apply(ctx, TICKET_OP_SERVE, NULL);
}

void api_tickets_no_show(struct api_ctx *ctx)
{
	apply(ctx, TICKET_OP_NO_SHOW, NULL);
}

void api_tickets_recall(struct api_ctx *ctx)
{
	apply(ctx, TICKET_OP_RECALL, NULL);
}

void api_tickets_cancel(struct api_ctx *ctx)
{
	apply(ctx, TICKET_OP_CANCEL, NULL);
}

void api_tickets_requeue(struct api_ctx *ctx)
{
	apply(ctx, TICKET_OP_REQUEUE, NULL);
}

/* Reads {queue_id} (required for transfer; for call, default: the caller's own queue). */
static bool read_target(struct api_ctx *ctx, bool required, char out[UUID_STR_LEN])
{
	char *queue_id = NULL;
	struct field_errors fe;
	field_errors_init(&fe);
	const struct jsonv_field spec[] = {
		JVF_UUID("queue_id", required ? JV_REQUIRED : 0, &queue_id),
	};
	bool ok = true;
	if (ctx->body) {
		ok = jsonv_extract(ctx->body, spec, 1, &fe);
	} else if (required) {
		field_errors_add(&fe, "queue_id", "is required");
		ok = false;
	}
	if (ok) {
		out[0] = '\0';
		if (queue_id)
			snprintf(out, UUID_STR_LEN, "%s", queue_id);
	} else {
		http_response_invalid(ctx->resp, &fe);
	}
	free(queue_id);
	return ok;
}

/* An unknown ticket in the path is 404 before anything about the body is 422. */
static bool ticket_known(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return false;
	struct ticket_view v;
	enum app_err e = svc_ticket_get(&ctx->app->services, id, &v);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &ticket_msgs);
	return e == APP_OK;
}

void api_tickets_transfer(struct api_ctx *ctx)
{
	char target[UUID_STR_LEN];
	if (ticket_known(ctx) && read_target(ctx, true, target))
		apply(ctx, TICKET_OP_TRANSFER, target);
}

/*
 * {queue_id, desk_id}, both optional. A desk calls into its own queue. Without either, the
 * call is at the desk the caller is signed in at, else at the queue assigned to them.
 */
void api_tickets_call(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN], *queue_id = NULL, *desk_id = NULL;
	char queue[UUID_STR_LEN] = "", desk[UUID_STR_LEN] = "";
	struct field_errors fe;
	field_errors_init(&fe);
	if (!ticket_known(ctx) || !api_path_uuid(ctx, "id", id))
		return;
	const struct jsonv_field spec[] = {
		JVF_UUID("queue_id", 0, &queue_id),
		JVF_UUID("desk_id", 0, &desk_id),
	};
	if (ctx->body && !jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	snprintf(queue, sizeof queue, "%s", queue_id ? queue_id : "");
	snprintf(desk, sizeof desk, "%s", desk_id ? desk_id : "");
	free(queue_id);
	free(desk_id);
	enum app_err e = APP_OK;
	if (!queue[0] && !desk[0]) {
		e = svc_ticket_desk_of_user(&ctx->app->services, ctx->who.user_id, desk);
		if (e == APP_OK && !desk[0])
			e = svc_ticket_queue_of_user(&ctx->app->services, ctx->who.user_id, queue);
		if (e != APP_OK) {
			api_fail(ctx, e, NULL);
			return;
		}
		if (!queue[0] && !desk[0]) {
			field_errors_add(&fe, "queue_id", "is required: you are not signed in at a desk and no queue is assigned to you");
			http_response_invalid(ctx->resp, &fe);
			return;
		}
	}
	struct svc_actor who = actor(ctx);
	struct ticket_view v;
	e = svc_ticket_call_at(&ctx->app->services, &who, id, queue[0] ? queue : NULL, desk[0] ? desk : NULL, &fe, &v);
	if (e != APP_OK)
		api_fail_err(ctx, e, &fe, desk[0] ? &ticket_call_at_desk_msgs : &ticket_call_msgs);
	else
		api_json(ctx, 200, render_ticket(&v));
}

void api_board_get(struct api_ctx *ctx)
{
	struct board_row *rows = NULL;
	size_t n = 0;
	enum app_err e = svc_board(&ctx->app->services, &rows, &n);
	if (e != APP_OK)
		api_fail(ctx, e, NULL);
	else
		api_json(ctx, 200, render_board(rows, n));
	free(rows);
}

void api_public_ticket_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	struct public_view v;
	if (!api_path_uuid(ctx, "id", id))
		return;
	enum app_err e = svc_ticket_public(&ctx->app->services, id, &v);
	if (e != APP_OK)
		api_fail_err(ctx, e, NULL, &ticket_msgs);
	else
		api_json(ctx, 200, render_public_ticket(&v));
}
