/* Appointments (SPEC 9): schedules, bookings under the slot lock, check-in, self-service. */
#ifndef TURNERO_SVC_APPOINTMENT_H
#define TURNERO_SVC_APPOINTMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "repo/appointment_repo.h"
#include "service/app.h"
#include "service/customer.h"
#include "service/slots.h"
#include "service/ticket.h"

/* The queue's schedule (the defaults when none is stored); APP_NOT_FOUND for an unknown queue. */
enum app_err svc_schedule_get(struct svc_app *app, const char *queue_id, struct schedule *out);
/* Replaces it after sched_check (APP_INVALID with fe); APP_NOT_FOUND for an unknown queue. */
enum app_err svc_schedule_put(struct svc_app *app, const char *queue_id, const struct schedule *s,
			      struct field_errors *fe);

struct booking_request {
	const char *queue_id;
	long long start;                        /* unix seconds */
	bool start_valid;                       /* false: start was not a whole-second RFC 3339 time */
	const char *priority_id;                /* NULL: the queue's least urgent served priority */
	const char *customer_id;                /* or: */
	const struct customer_input *customer;  /* inline, upserted by dni (inserted without one) */
	bool one_per_contact_and_day;           /* self-service: refuse a second booking (SPEC 9) */
	const struct notify_request *notify;    /* the `booked` message asked for (SPEC 12); NULL: none */
	bool confirm_by_email;                  /* self-service: `booked` by email when there is an address */
};

/*
 * Books a place in a slot, in one transaction: the slot's row is created if needed and
 * locked while its bookings are counted; the `booked` notifications are written in the
 * same transaction. APP_INVALID with fe (queue_id, start, priority_id, customer_id,
 * customer.*, notify.email, notify.sms), APP_CONFLICT with *why set (full slot, closed
 * queue, or a second self-service booking that day).
 * [out] out: the stored appointment on APP_OK.
 */
enum app_err svc_appointment_book(struct svc_app *app, const struct booking_request *b, struct field_errors *fe,
				  struct appointment_rec *out, const char **why);

enum app_err svc_appointment_get(struct svc_app *app, const char *id, struct appointment_rec *out);
/* [out] out: freed by the caller with appointment_list_free. */
enum app_err svc_appointment_list(struct svc_app *app, const struct appointment_filter *f,
				  struct appointment_list *out, long long *total);

/* booked -> cancelled; before_start also requires the slot not to have started. APP_CONFLICT otherwise. */
enum app_err svc_appointment_cancel(struct svc_app *app, const char *id, bool before_start,
				    struct appointment_rec *out);

/*
 * Checks in a booked appointment of today: issues its ticket in the appointment's queue
 * through the ticket registration (due_date = the slot start, or the check-in time when
 * later than start + late_grace_minutes) and marks it checked_in, in one transaction.
 * nr (NULL: none) is the ticket's notify choice, as on POST /tickets: `issued` now, then
 * `near` and `called` from the relay.
 * APP_NOT_FOUND, APP_CONFLICT (not booked, not today, queue not open), APP_INVALID (fe).
 * [out] ticket: the new ticket on APP_OK.
 */
enum app_err svc_appointment_check_in(struct svc_app *app, const struct svc_actor *who, const char *id,
				      const struct notify_request *nr, struct field_errors *fe,
				      struct ticket_view *ticket);

/* Open queues taking bookings; free(*out). */
enum app_err svc_public_queues(struct svc_app *app, struct public_queue **out, size_t *n);

struct slot_view {
	long long start, end;
	long long free;
};
/*
 * The future bookable slots of service days [from, to] (YYYY-MM-DD, at most 31 days; else
 * APP_INVALID with fe naming from/to) with their free places. APP_NOT_FOUND for an unknown
 * queue. [out] out: free() it.
 */
enum app_err svc_availability(struct svc_app *app, const char *queue_id, const char *from, const char *to,
			      struct field_errors *fe, struct slot_view **out, size_t *n);

enum app_err svc_public_appointment(struct svc_app *app, const char *id, struct public_appointment *out);

/* Earlier days' booked appointments become no_show; *count is how many. Idempotent. */
enum app_err svc_appointment_no_show_before(struct svc_app *app, const char *today, long long *count);

/* [out] rows: free() it. from/to checked by the caller (report_range_check). */
enum app_err svc_report_appointments(struct svc_app *app, const char *from, const char *to,
				     struct appointment_report_row **rows, size_t *n);

/* Parses RFC 3339 ("2025-10-17T09:00:00Z", "...T09:00:00.000-03:00"); true with whole seconds only. */
bool svc_parse_rfc3339(const char *s, long long *unix_seconds);

#endif
