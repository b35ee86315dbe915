/*
 * Notifications by email and SMS (SPEC 12): the narrow entry points the rest of turnero
 * calls. Layer: a service (no FastCGI, no SQL text); SQL in repo/notify_repo.c, the
 * words in template.c and message.c, the wire in transport.c.
 *
 * Call sites:
 *  - notify_ticket_registered: the ticket registration transaction (service/ticket.c,
 *    register_in_tx, after the ticket and its `created` event are written), so a ticket
 *    and its `issued` rows commit together or not at all. Also meant for appointment
 *    check-in, which issues a ticket the same way.
 *  - notify_appointment_booked: the booking transaction (service/appointment.c,
 *    book_in_tx), for POST /appointments with notify and public bookings with an email.
 *  - notify_on_event: turnero-relay, for every ticket_event it follows (by seq), inside
 *    the transaction in which it advances its position; or the event writer itself,
 *    inside the transaction that inserts the event. It enqueues `issued` (created),
 *    `called` (called) and `near` (whenever positions may have moved); enqueueing is
 *    idempotent (a replayed event adds nothing), so either caller, or both, is safe.
 *  - notify_outbox_run: turnero-relay's loop and `turneroctl notify-run`; outside any
 *    transaction (it runs its own short ones and never holds a lock while sending).
 *  - notify_list_for_ticket: GET /tickets/{id}/notifications.
 */
#ifndef TURNERO_NOTIFY_H
#define TURNERO_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/app_err.h"
#include "common/config.h"
#include "common/field_errors.h"
#include "repo/notify_repo.h"

struct db;

#define NOTIFY_AHEAD_DEFAULT 3
#define NOTIFY_AHEAD_MIN 1
#define NOTIFY_AHEAD_MAX 20

/* The `notify` object of POST /tickets (and appointments, check-in). */
struct notify_request {
	bool email, sms;
	long ahead; /* 1-20 */
};

/*
 * Inside the caller's transaction: checks that the ticket's customer has the contacts
 * asked for (otherwise errors on "notify.email" / "notify.sms" in fe and APP_INVALID,
 * and the caller rolls back), stores the choice and enqueues the `issued` message per
 * channel, worded with position and wait_seconds as quoted to the customer. A ticket
 * issued with position <= ahead never gets `near`. nr NULL or asking for nothing: APP_OK.
 */
enum app_err notify_ticket_registered(struct db *db, const struct config *cfg, const char *ticket_id,
				      const struct notify_request *nr, long long position, long long wait_seconds,
				      struct field_errors *fe);

/*
 * Inside the booking's transaction (service/appointment.c), after the appointment is
 * written: checks the contacts nr asks for as notify_ticket_registered does (APP_INVALID
 * with fe; the caller rolls back) and enqueues the `booked` message per channel: the slot
 * start in [queue] timezone, the queue, and the cancel link PUBLIC_BASE_URL/book/{id}.
 * confirm_by_email (a public booking): also by email when the customer's address can take
 * mail, never an error when it cannot. nr NULL or asking for nothing and no confirmation: APP_OK.
 */
enum app_err notify_appointment_booked(struct db *db, const struct config *cfg, const char *appointment_id,
				       const struct notify_request *nr, bool confirm_by_email, struct field_errors *fe);

/* One ticket_event as the relay reads it; strings borrowed, NULL when the column is. */
struct notify_event {
	long long seq;
	const char *ticket_id;
	const char *event; /* created, called, recalled, requeued, served, ... (SPEC 5) */
	const char *from_queue_id, *to_queue_id;
	const char *desk_name; /* where the ticket was called; NULL: the queue's name */
};

/*
 * Inside the caller's transaction: enqueues what ev calls for. created -> `issued` (when
 * not written at registration), called -> `called` (once per call event), and for the
 * queues the event touched (none for created: a ticket joining only pushes others back),
 * `near` for each waiting ticket whose position is now <= its ahead (once per ticket).
 * Tickets registered without notify get nothing. Takes no lock on ticket rows.
 */
enum app_err notify_on_event(struct db *db, const struct config *cfg, const struct notify_event *ev);

struct notify_run_stats {
	long sent, retried, failed;
};

/*
 * Outside any transaction: sends up to max notifications due when it starts, one at a
 * time. Each is claimed in a short transaction (SKIP LOCKED, attempt counted, a lease
 * keeps other senders off it), sent, then marked sent at once; a failure is retried per
 * [notify] retry_seconds with jitter, then marked failed with the reason. A crash between
 * the server's acceptance and the mark can repeat one message after the lease (at least
 * once); nothing else sends twice. Returns APP_OK (see st) or the database's error.
 */
enum app_err notify_outbox_run(struct db *db, const struct config *cfg, long max, struct notify_run_stats *st);
/* The same for one channel ("email" or "sms"; NULL: both): turnero-relay runs one sender
 * per channel, so a mail server or gateway that hangs delays only its own messages. */
enum app_err notify_outbox_run_channel(struct db *db, const struct config *cfg, const char *channel, long max,
				       struct notify_run_stats *st);

/*
 * A ticket's notifications, oldest first, with `to` masked.
 * [out] out: set to NULL first; malloc'd array the caller frees with free().
 * APP_NOT_FOUND when there is no such ticket.
 */
enum app_err notify_list_for_ticket(struct db *db, const char *ticket_id, struct notify_rec **out, size_t *n);

/* Seconds a claimed notification stays reserved for its sender: longer than one attempt
 * may take ([notify] timeout_seconds is at most 45), so no second sender takes it meanwhile. */
#define NOTIFY_LEASE_SECONDS 60

#endif
