/* Tickets: registration and placement, calling, state changes, board and daily restart. */
#ifndef TURNERO_SVC_TICKET_H
#define TURNERO_SVC_TICKET_H

#include <stdbool.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "repo/queue_repo.h"
#include "repo/ticket_repo.h"
#include "service/app.h"
#include "service/forecast.h"
#include "service/queue_rules.h"

struct customer_input;
struct notify_request;

/* A ticket as answered: the row plus where it stands now. */
struct ticket_view {
	struct ticket_rec t;
	long long position;               /* 0 unless waiting */
	long long estimated_wait_seconds; /* 0 unless waiting */
	/* SPEC 14 (service/forecast.h): the range of that wait and whether the SLA is at risk. */
	struct forecast_range estimated_wait_range; /* {0, 0} unless waiting */
	bool at_risk;                               /* false unless waiting */
};

/* Who acts, for ownership checks and the audit trail. */
struct svc_actor {
	const char *user_id;
	bool may_operate_any_queue; /* holds queues:update */
};

struct ticket_request {
	const char *priority_id;
	const char *customer_id;         /* an existing customer; NULL with customer */
	/* The inline customer (SPEC: POST /tickets "customer"), checked by the caller with
	 * svc_customer_validate; registration upserts it by dni in its own transaction. NULL: none. */
	const struct customer_input *customer;
	const char *queue_id;            /* NULL: placement decides */
	const char *idempotency_key;     /* NULL: none */
	const char *request_fingerprint; /* hex SHA-256 of the request body, for the key */
	const struct notify_request *notify; /* notifications (SPEC 12); NULL: none */
	const char *due_date;            /* DATETIME(3) text the order counts from; NULL: created_date */
};

/*
 * Issues a ticket. The customer_id must name an active customer; an inline customer
 * (r->customer) is upserted by dni first, inside the same transaction, so a refused
 * registration leaves no customer behind. *replayed is true when an earlier request with
 * the same Idempotency-Key produced the answer.
 */
enum app_err svc_ticket_register(struct svc_app *app, const struct svc_actor *who, const struct ticket_request *r,
				 struct field_errors *fe, struct ticket_view *out, bool *replayed);

/*
 * POST /tickets/quote (SPEC 14): what registering r would answer, without registering: the
 * same checks, placement and quote as svc_ticket_register (an inline customer is not
 * upserted, no number is taken, nothing is written). out gets the queue, the position and
 * the estimate with its range. APP_INVALID with fe, APP_CONFLICT when no queue qualifies.
 */
struct ticket_quote {
	char queue_id[UUID_STR_LEN];
	char queue_name[161];
	long long position;
	long long estimated_wait_seconds;
	struct forecast_range estimated_wait_range;
};
enum app_err svc_ticket_quote(struct svc_app *app, const struct ticket_request *r, struct field_errors *fe,
			      struct ticket_quote *out);

/*
 * Hooks around a registration, inside its transaction: begin runs first and may lock rows
 * and fill in the request (a check-in takes priority, queue, customer and due_date from
 * the appointment); done runs after the ticket and its "created" event are written.
 * Either may be NULL; an error from either rolls everything back.
 */
struct ticket_hooks {
	enum app_err (*begin)(struct db *db, void *cls, struct ticket_request *r);
	enum app_err (*done)(struct db *db, void *cls, const struct ticket_rec *t);
	void *cls;
};
enum app_err svc_ticket_register_hooked(struct svc_app *app, const struct svc_actor *who,
					const struct ticket_request *r, const struct ticket_hooks *hooks,
					struct field_errors *fe, struct ticket_view *out);

enum app_err svc_ticket_get(struct svc_app *app, const char *id, struct ticket_view *out);
/*
 * Several tickets at once, each as svc_ticket_get gives it: a read per ticket, and for the
 * waiting ones one ranking and one forecast basis per queue (not a count per ticket).
 * views[i] and found[i] (false: no such ticket) for each of the n ids.
 */
enum app_err svc_ticket_views(struct svc_app *app, const char (*ids)[UUID_STR_LEN], size_t n,
			      struct ticket_view *views, bool *found);
enum app_err svc_ticket_list(struct svc_app *app, const struct ticket_filter *f, struct ticket_list *out,
			     long long *total);

/* Serves the queue's called ticket and calls the next one (stealing when empty). APP_OK with
 * *called false when there was nothing to call. */
enum app_err svc_ticket_call_next(struct svc_app *app, const struct svc_actor *who, const char *queue_id,
				  struct ticket_view *out, bool *called);

/*
 * Serves the ticket desk_id has called and calls the next one by the desk's queue ordering
 * (stealing when empty) at this desk. Only the user signed in at the desk or a holder of
 * queues:update may (APP_FORBIDDEN); APP_NOT_FOUND for no such desk, APP_CONFLICT when it is
 * deactivated or its queue closed. APP_OK with *called false when there was nothing to call.
 */
enum app_err svc_ticket_call_next_at_desk(struct svc_app *app, const struct svc_actor *who, const char *desk_id,
					  struct ticket_view *out, bool *called);

/* serve | no_show | recall | cancel | requeue | transfer (to_queue) | call (to_queue: the calling queue). */
enum app_err svc_ticket_apply(struct svc_app *app, const struct svc_actor *who, const char *ticket_id,
			      enum ticket_op op, const char *to_queue, struct ticket_view *out);

/*
 * Calls a waiting ticket out of order at desk_id (NULL: no desk) and so into the desk's
 * queue; to_queue (NULL or "" with a desk) must then be that queue. At a desk the rules of
 * svc_ticket_call_next_at_desk apply. An unknown desk, or a desk of another queue than
 * to_queue, is APP_INVALID with the field "desk_id" in fe.
 */
enum app_err svc_ticket_call_at(struct svc_app *app, const struct svc_actor *who, const char *ticket_id,
				const char *to_queue, const char *desk_id, struct field_errors *fe,
				struct ticket_view *out);

/* The id of the active desk user_id is signed in at ("" when none). */
enum app_err svc_ticket_desk_of_user(struct svc_app *app, const char *user_id, char out[UUID_STR_LEN]);

enum app_err svc_ticket_events(struct svc_app *app, const char *ticket_id, struct event_rec **out, size_t *n);

/* The id of the queue assigned to user_id ("" when none). */
enum app_err svc_ticket_queue_of_user(struct svc_app *app, const char *user_id, char out[UUID_STR_LEN]);

/*
 * The board: open and paused queues, each with its active desks (rows[i].desks, inside the
 * same allocation). [out] rows: the caller frees it with free(), which releases the desks too.
 */
enum app_err svc_board(struct svc_app *app, struct board_row **rows, size_t *n);

struct public_view {
	struct public_ticket p;
	long long position, estimated_wait_seconds;
};
enum app_err svc_ticket_public(struct svc_app *app, const char *id, struct public_view *out);
/* The public view of a ticket already read (svc_ticket_get, svc_ticket_views): its queue's
 * name from the catalogue memo, read from the database only when the memo lacks it. */
enum app_err svc_public_of_view(struct svc_app *app, const struct ticket_view *v, struct public_view *out);
/*
 * The public views of a queue's first waiting tickets (at most limit) in call order, with
 * the positions and estimates svc_ticket_public gives each of them, from one sort of the
 * queue and one forecast basis. [out] views: NULL first; *n of them, freed with free().
 */
enum app_err svc_queue_public_waiting(struct svc_app *app, const char *queue_id, long long limit,
				      struct public_view **views, size_t *n);

/* Expires earlier days' waiting and called tickets; *expired is how many. Idempotent. */
enum app_err svc_schedule_restart(struct svc_app *app, const char *today, long long *expired);

#endif
