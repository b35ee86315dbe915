/*
 * THE route table: every endpoint, its handler and the permission it needs.
 * Dispatch derives 404, 405 + Allow, body rules and RBAC from it; openapi.yaml
 * documents exactly these routes (a test checks both ways).
 */
#include "api/api.h"

#define R(method, pattern, handler, module, action, flags) {method, pattern, handler, module, action, flags}
/* No token at all. */
#define PUBLIC(method, pattern, handler, flags) R(method, pattern, handler, PERM_NONE, PERM_READ, ROUTE_PUBLIC | (flags))
/* Any authenticated user; the handler may check more. */
#define SIGNED_IN(method, pattern, handler, flags) R(method, pattern, handler, PERM_NONE, PERM_READ, (flags))

#define JSON ROUTE_BODY_JSON
#define FORM ROUTE_BODY_FORM

const struct http_route api_routes[] = {
	PUBLIC(HTTP_GET, "/api/v1/health", api_health_get, 0),
	PUBLIC(HTTP_GET, "/api/v1/metrics", api_metrics_get, ROUTE_LOOPBACK),

	PUBLIC(HTTP_POST, "/api/v1/auth/token", api_auth_token, FORM),
	SIGNED_IN(HTTP_POST, "/api/v1/auth/logout", api_auth_logout, FORM),
	SIGNED_IN(HTTP_GET, "/api/v1/auth/me", api_auth_me, 0),

	R(HTTP_GET, "/api/v1/users", api_users_list, PERM_USERS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/users", api_users_create, PERM_USERS, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/users/{id}", api_users_get, PERM_USERS, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/users/{id}", api_users_patch, PERM_USERS, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/users/{id}", api_users_delete, PERM_USERS, PERM_DELETE, 0),
	/* Own password for anyone signed in; another user's needs users:update (checked in the handler). */
	SIGNED_IN(HTTP_PUT, "/api/v1/users/{id}/password", api_users_password, JSON),

	R(HTTP_GET, "/api/v1/roles", api_roles_list, PERM_ROLES, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/roles", api_roles_create, PERM_ROLES, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/roles/{id}", api_roles_get, PERM_ROLES, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/roles/{id}", api_roles_patch, PERM_ROLES, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/roles/{id}", api_roles_delete, PERM_ROLES, PERM_DELETE, 0),
	R(HTTP_GET, "/api/v1/roles/{id}/permissions", api_roles_permissions_get, PERM_ROLES, PERM_READ, 0),
	R(HTTP_PUT, "/api/v1/roles/{id}/permissions", api_roles_permissions_put, PERM_ROLES, PERM_UPDATE, JSON),
	R(HTTP_GET, "/api/v1/permissions", api_permissions_list, PERM_ROLES, PERM_READ, 0),

	R(HTTP_GET, "/api/v1/priorities", api_priorities_list, PERM_PRIORITIES, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/priorities", api_priorities_create, PERM_PRIORITIES, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/priorities/{id}", api_priorities_get, PERM_PRIORITIES, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/priorities/{id}", api_priorities_patch, PERM_PRIORITIES, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/priorities/{id}", api_priorities_delete, PERM_PRIORITIES, PERM_DELETE, 0),

	R(HTTP_GET, "/api/v1/customers", api_customers_list, PERM_CUSTOMERS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/customers", api_customers_create, PERM_CUSTOMERS, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/customers/{id}", api_customers_get, PERM_CUSTOMERS, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/customers/{id}", api_customers_patch, PERM_CUSTOMERS, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/customers/{id}", api_customers_delete, PERM_CUSTOMERS, PERM_DELETE, 0),
	/* CSV up to server.import_max_bytes; bad rows are reported in the answer, never fatal. */
	R(HTTP_POST, "/api/v1/customers/import", api_customers_import, PERM_CUSTOMERS, PERM_CREATE,
	  ROUTE_BODY_CSV | ROUTE_BODY_LARGE),

	R(HTTP_GET, "/api/v1/queues", api_queues_list, PERM_QUEUES, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/queues", api_queues_create, PERM_QUEUES, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/queues/{id}", api_queues_get, PERM_QUEUES, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/queues/{id}", api_queues_patch, PERM_QUEUES, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/queues/{id}", api_queues_delete, PERM_QUEUES, PERM_DELETE, 0),
	/* Attendants: only their own queue unless they also hold queues:update (checked in the service). */
	R(HTTP_POST, "/api/v1/queues/{id}/call-next", api_queues_call_next, PERM_TICKETS, PERM_UPDATE, 0),

	R(HTTP_GET, "/api/v1/desks", api_desks_list, PERM_QUEUES, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/desks", api_desks_create, PERM_QUEUES, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/desks/{id}", api_desks_get, PERM_QUEUES, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/desks/{id}", api_desks_patch, PERM_QUEUES, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/desks/{id}", api_desks_delete, PERM_QUEUES, PERM_DELETE, 0),
	/* Signing in and out: a desk someone else holds only with queues:update (checked in the service). */
	R(HTTP_POST, "/api/v1/desks/{id}/open", api_desks_open, PERM_TICKETS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/desks/{id}/close", api_desks_close, PERM_TICKETS, PERM_UPDATE, 0),
	/* By the user signed in at the desk, or a holder of queues:update (checked in the service). */
	R(HTTP_POST, "/api/v1/desks/{id}/call-next", api_desks_call_next, PERM_TICKETS, PERM_UPDATE, 0),

	R(HTTP_GET, "/api/v1/tickets", api_tickets_list, PERM_TICKETS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/tickets", api_tickets_create, PERM_TICKETS, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/tickets/{id}", api_tickets_get, PERM_TICKETS, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/tickets/{id}/events", api_tickets_events, PERM_TICKETS, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/tickets/{id}/notifications", api_tickets_notifications, PERM_TICKETS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/tickets/{id}/serve", api_tickets_serve, PERM_TICKETS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/tickets/{id}/no-show", api_tickets_no_show, PERM_TICKETS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/tickets/{id}/recall", api_tickets_recall, PERM_TICKETS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/tickets/{id}/cancel", api_tickets_cancel, PERM_TICKETS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/tickets/{id}/requeue", api_tickets_requeue, PERM_TICKETS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/tickets/{id}/transfer", api_tickets_transfer, PERM_TICKETS, PERM_UPDATE, JSON),
	R(HTTP_POST, "/api/v1/tickets/{id}/call", api_tickets_call, PERM_TICKETS, PERM_UPDATE,
	  JSON | ROUTE_BODY_OPTIONAL),

	R(HTTP_GET, "/api/v1/board", api_board_get, PERM_QUEUES, PERM_READ, 0),
	/* The random ticket id is the capability: no token, nothing about the customer. */
	PUBLIC(HTTP_GET, "/api/v1/public/tickets/{id}", api_public_ticket_get, 0),

	R(HTTP_GET, "/api/v1/reports/queues", api_reports_queues, PERM_REPORTS, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/reports/attendants", api_reports_attendants, PERM_REPORTS, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/reports/priorities", api_reports_priorities, PERM_REPORTS, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/reports/desks", api_reports_desks, PERM_REPORTS, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/reports/tickets.csv", api_reports_tickets_csv, PERM_REPORTS, PERM_READ, 0),

	/* Appointments (SPEC 9) belong to tickets; schedules to queues. */
	R(HTTP_GET, "/api/v1/queues/{id}/schedule", api_queues_schedule_get, PERM_QUEUES, PERM_READ, 0),
	R(HTTP_PUT, "/api/v1/queues/{id}/schedule", api_queues_schedule_put, PERM_QUEUES, PERM_UPDATE, JSON),
	R(HTTP_GET, "/api/v1/appointments", api_appointments_list, PERM_TICKETS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/appointments", api_appointments_create, PERM_TICKETS, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/appointments/{id}", api_appointments_get, PERM_TICKETS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/appointments/{id}/cancel", api_appointments_cancel, PERM_TICKETS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/appointments/{id}/check-in", api_appointments_check_in, PERM_TICKETS, PERM_CREATE,
	  JSON | ROUTE_BODY_OPTIONAL),
	R(HTTP_GET, "/api/v1/reports/appointments", api_reports_appointments, PERM_REPORTS, PERM_READ, 0),
	/* Self-service booking: no token (nginx rate-limits /api/v1/public/ per address); the random
	 * appointment id is the capability, and nothing about other bookings is ever shown. */
	PUBLIC(HTTP_GET, "/api/v1/public/queues", api_public_queues, 0),
	PUBLIC(HTTP_GET, "/api/v1/public/queues/{id}/availability", api_public_availability, 0),
	PUBLIC(HTTP_POST, "/api/v1/public/appointments", api_public_appointments_create, JSON),
	PUBLIC(HTTP_GET, "/api/v1/public/appointments/{id}", api_public_appointments_get, 0),
	PUBLIC(HTTP_POST, "/api/v1/public/appointments/{id}/cancel", api_public_appointments_cancel, 0),
	/* The numbered event log (SPEC 10). */
	R(HTTP_GET, "/api/v1/events", api_events_list, PERM_TICKETS, PERM_READ, 0),
	/*
	 * Live streams: nginx (nchan) holds the subscribers and asks these routes first, with the
	 * subscriber's URI and Authorization header; 2xx starts the stream (nginx/turnero-live.conf).
	 */
	R(HTTP_GET, "/api/v1/live/board", api_live_board, PERM_QUEUES, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/live/queues/{id}", api_live_queue, PERM_TICKETS, PERM_READ, 0),
	PUBLIC(HTTP_GET, "/api/v1/public/live/tickets/{id}", api_live_public_ticket, 0),

	R(HTTP_GET, "/api/v1/webhooks", api_webhooks_list, PERM_WEBHOOKS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/webhooks", api_webhooks_create, PERM_WEBHOOKS, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/webhooks/{id}", api_webhooks_get, PERM_WEBHOOKS, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/webhooks/{id}", api_webhooks_patch, PERM_WEBHOOKS, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/webhooks/{id}", api_webhooks_delete, PERM_WEBHOOKS, PERM_DELETE, 0),
	R(HTTP_POST, "/api/v1/webhooks/{id}/rotate-secret", api_webhooks_rotate_secret, PERM_WEBHOOKS, PERM_UPDATE, 0),
	R(HTTP_GET, "/api/v1/webhooks/{id}/deliveries", api_webhooks_deliveries, PERM_WEBHOOKS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry", api_webhooks_delivery_retry,
	  PERM_WEBHOOKS, PERM_UPDATE, 0),
	R(HTTP_POST, "/api/v1/webhooks/{id}/test", api_webhooks_test, PERM_WEBHOOKS, PERM_UPDATE, 0),

	/* Explanations and forecasts (SPEC 14). The quote takes POST /tickets's body and writes nothing. */
	R(HTTP_GET, "/api/v1/queues/{id}/order", api_queues_order, PERM_TICKETS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/tickets/quote", api_tickets_quote, PERM_TICKETS, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/reports/estimates", api_reports_estimates, PERM_REPORTS, PERM_READ, 0),
	R(HTTP_GET, "/api/v1/reports/fairness", api_reports_fairness, PERM_REPORTS, PERM_READ, 0),
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];
