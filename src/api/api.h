/* The API layer: handlers validate input, call a service and render JSON. */
#ifndef TURNERO_API_H
#define TURNERO_API_H

#include <json-c/json.h>
#include <stdbool.h>

#include "api/reply.h"
#include "common/config.h"
#include "common/ids.h"
#include "common/perm.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "service/app.h"

/* Who is calling, from a verified access token and the current database state. */
struct principal {
	bool authenticated;
	char user_id[UUID_STR_LEN];
	char user_name[33];
	char role_id[UUID_STR_LEN];
	char role_name[201];
	perm_set perms;
};

/* Everything one worker keeps between requests. */
struct api_app {
	const struct config *cfg;
	struct svc_app services; /* the worker's connection, keys and caches */
};

/* One request on its way through a handler. */
struct api_ctx {
	struct api_app *app;
	struct http_request *req;
	struct http_response *resp;
	const struct http_route *route;
	struct principal who;
	struct json_object *body; /* parsed JSON body for ROUTE_BODY_JSON routes; owned by dispatch */
	struct kv_list form;      /* parsed form body for ROUTE_BODY_FORM routes; owned by dispatch */
};

/* The route table (api/routes.c) and its size. */
extern const struct http_route api_routes[];
extern const size_t api_routes_count;

/* Answers one request: routing, body checks, authentication, authorisation, handler. */
void api_dispatch(struct http_request *req, struct http_response *resp, void *app);

/* Metrics index of a route pattern, or -1. */
int api_route_index(const char *pattern, void *app);

/*
 * Authentication for non-public routes: verifies the bearer token and loads the
 * principal; on failure answers 401 with WWW-Authenticate and returns false.
 */
bool api_authenticate(struct api_ctx *ctx);

/* Checks the route's permission against the principal; 403 and false when missing. */
bool api_authorize(struct api_ctx *ctx);

/* Handlers (one file per resource). */
void api_health_get(struct api_ctx *ctx);
void api_metrics_get(struct api_ctx *ctx);
void api_auth_token(struct api_ctx *ctx);
void api_auth_logout(struct api_ctx *ctx);
void api_auth_me(struct api_ctx *ctx);
void api_users_list(struct api_ctx *ctx);
void api_users_create(struct api_ctx *ctx);
void api_users_get(struct api_ctx *ctx);
void api_users_patch(struct api_ctx *ctx);
void api_users_delete(struct api_ctx *ctx);
void api_users_password(struct api_ctx *ctx);
void api_roles_list(struct api_ctx *ctx);
void api_roles_create(struct api_ctx *ctx);
void api_roles_get(struct api_ctx *ctx);
void api_roles_patch(struct api_ctx *ctx);
void api_roles_delete(struct api_ctx *ctx);
void api_roles_permissions_get(struct api_ctx *ctx);
void api_roles_permissions_put(struct api_ctx *ctx);
void api_permissions_list(struct api_ctx *ctx);
void api_priorities_list(struct api_ctx *ctx);
void api_priorities_create(struct api_ctx *ctx);
void api_priorities_get(struct api_ctx *ctx);
void api_priorities_patch(struct api_ctx *ctx);
void api_priorities_delete(struct api_ctx *ctx);
void api_customers_list(struct api_ctx *ctx);
void api_customers_create(struct api_ctx *ctx);
void api_customers_get(struct api_ctx *ctx);
void api_customers_patch(struct api_ctx *ctx);
void api_customers_delete(struct api_ctx *ctx);
void api_customers_import(struct api_ctx *ctx);
void api_queues_list(struct api_ctx *ctx);
void api_queues_create(struct api_ctx *ctx);
void api_queues_get(struct api_ctx *ctx);
void api_queues_patch(struct api_ctx *ctx);
void api_queues_delete(struct api_ctx *ctx);
void api_queues_call_next(struct api_ctx *ctx);
void api_tickets_list(struct api_ctx *ctx);
void api_tickets_create(struct api_ctx *ctx);
void api_tickets_get(struct api_ctx *ctx);
void api_tickets_events(struct api_ctx *ctx);
void api_tickets_serve(struct api_ctx *ctx);
void api_tickets_no_show(struct api_ctx *ctx);
void api_tickets_recall(struct api_ctx *ctx);
void api_tickets_cancel(struct api_ctx *ctx);
void api_tickets_requeue(struct api_ctx *ctx);
void api_tickets_transfer(struct api_ctx *ctx);
void api_tickets_call(struct api_ctx *ctx);
void api_board_get(struct api_ctx *ctx);
void api_public_ticket_get(struct api_ctx *ctx);
void api_reports_queues(struct api_ctx *ctx);
void api_reports_attendants(struct api_ctx *ctx);
void api_reports_priorities(struct api_ctx *ctx);
void api_reports_desks(struct api_ctx *ctx);
void api_desks_list(struct api_ctx *ctx);
void api_desks_create(struct api_ctx *ctx);
void api_desks_get(struct api_ctx *ctx);
void api_desks_patch(struct api_ctx *ctx);
void api_desks_delete(struct api_ctx *ctx);
void api_desks_open(struct api_ctx *ctx);
void api_desks_close(struct api_ctx *ctx);
void api_desks_call_next(struct api_ctx *ctx);
void api_reports_tickets_csv(struct api_ctx *ctx);
void api_tickets_notifications(struct api_ctx *ctx);
void api_queues_schedule_get(struct api_ctx *ctx);
void api_queues_schedule_put(struct api_ctx *ctx);
void api_appointments_list(struct api_ctx *ctx);
void api_appointments_create(struct api_ctx *ctx);
void api_appointments_get(struct api_ctx *ctx);
void api_appointments_cancel(struct api_ctx *ctx);
void api_appointments_check_in(struct api_ctx *ctx);
void api_public_queues(struct api_ctx *ctx);
void api_public_availability(struct api_ctx *ctx);
void api_public_appointments_create(struct api_ctx *ctx);
void api_public_appointments_get(struct api_ctx *ctx);
void api_public_appointments_cancel(struct api_ctx *ctx);
void api_reports_appointments(struct api_ctx *ctx);
void api_events_list(struct api_ctx *ctx);
/* Authorization of the live streams (nginx's nchan asks before a subscriber starts). */
void api_live_board(struct api_ctx *ctx);
void api_live_queue(struct api_ctx *ctx);
void api_live_public_ticket(struct api_ctx *ctx);
void api_webhooks_list(struct api_ctx *ctx);
void api_webhooks_create(struct api_ctx *ctx);
void api_webhooks_get(struct api_ctx *ctx);
void api_webhooks_patch(struct api_ctx *ctx);
void api_webhooks_delete(struct api_ctx *ctx);
void api_webhooks_rotate_secret(struct api_ctx *ctx);
void api_webhooks_deliveries(struct api_ctx *ctx);
void api_webhooks_delivery_retry(struct api_ctx *ctx);
void api_webhooks_test(struct api_ctx *ctx);
/* SPEC 14: explanations and forecasts */
void api_queues_order(struct api_ctx *ctx);
void api_tickets_quote(struct api_ctx *ctx);
void api_reports_estimates(struct api_ctx *ctx);
void api_reports_fairness(struct api_ctx *ctx);

struct customer_input;
struct field_errors;
/*
 * Reads a customer object (the POST/PATCH /customers body, or the inline "customer" of
 * POST /tickets) into in; creating makes first_name and last_name required. Every
 * problem goes to fe with the field names prefixed by prefix (NULL, or "customer."
 * for "customer.first_name"). Returns false on errors, and then in holds nothing.
 * [out] in: on true the caller frees it with svc_customer_input_free.
 */
bool api_customer_read(struct json_object *obj, bool creating, const char *prefix, struct customer_input *in,
		       struct field_errors *fe);

struct notify_request;
/*
 * Reads the `notify` object ({email, sms, ahead}) of POST /tickets into out (ahead
 * defaults to 3); errors go to fe as "notify.email", "notify.ahead", ... Returns false
 * on errors.
 */
bool api_notify_read(struct json_object *obj, struct notify_request *out, struct field_errors *fe);

#endif
