/*
 * Queue rules as pure functions: the ticket state machine, ordering inside a
 * queue, placement across queues, wait estimates and ticket codes. No I/O,
 * no SQL, no JSON, no allocation, no global state: safe to call from anywhere
 * and cheap to unit-test. Times are unix milliseconds.
 */
#ifndef TURNERO_SVC_QUEUE_RULES_H
#define TURNERO_SVC_QUEUE_RULES_H

#include <stdbool.h>
#include <stddef.h>

/* How many served tickets of the day the wait estimate averages over (SPEC 3). */
#define RULES_WAIT_SAMPLES 20

/* Bytes a ticket code can need: 3-letter prefix, dash, 19 digits of a long, NUL. */
#define RULES_CODE_MAX 24

enum ticket_status {
	TICKET_WAITING,
	TICKET_CALLED,
	TICKET_SERVED,
	TICKET_NO_SHOW,
	TICKET_CANCELLED,
	TICKET_EXPIRED,
	TICKET_STATUS__MAX
};

/*
 * The API/database spelling of s: "waiting", "called", "served", "no_show",
 * "cancelled", "expired". Returns a static string, or NULL for a value outside
 * the enum.
 */
const char *ticket_status_name(enum ticket_status s);

/* Inverse of ticket_status_name (exact, case-sensitive). Returns -1 for NULL or an unknown name. */
int ticket_status_parse(const char *s);

/* true for served, no_show, cancelled and expired, which allow no operation (SPEC 3: 409). */
bool ticket_status_is_final(enum ticket_status s);

enum ticket_op {
	TICKET_OP_CALL,
	TICKET_OP_SERVE,
	TICKET_OP_NO_SHOW,
	TICKET_OP_RECALL,
	TICKET_OP_CANCEL,
	TICKET_OP_REQUEUE,
	TICKET_OP_TRANSFER,
	TICKET_OP_EXPIRE,
	TICKET_OP__MAX
};

/*
 * A name for op in logs and problem details: "call", "serve", "no_show",
 * "recall", "cancel", "requeue", "transfer", "expire". Static string, or NULL
 * for a value outside the enum.
 */
const char *ticket_op_name(enum ticket_op op);

/*
 * The SPEC 3 state machine:
 *   waiting -> called (call), cancelled (cancel), expired (expire),
 *              waiting (transfer, to another queue);
 *   called  -> served (serve), no_show (no_show), expired (expire),
 *              called (recall), waiting (requeue, keeping created_date),
 *              waiting (transfer, to another queue).
 * Final states (see ticket_status_is_final) allow nothing.
 * Returns true when op is legal from `from`, and then sets *to (to may be
 * NULL to only ask). Returns false, leaving *to untouched, for an illegal op
 * or a from/op outside its enum.
 */
bool ticket_transition(enum ticket_status from, enum ticket_op op, enum ticket_status *to);

/*
 * The ticket_events.event an op records: call "called", recall "recalled",
 * requeue "requeued", serve "served", no_show "no_show", cancel "cancelled",
 * transfer "transferred", expire "expired". ("created" is written on insert,
 * not by an op.) Static string, or NULL for a value outside the enum.
 */
const char *ticket_op_event(enum ticket_op op);

enum queue_policy { POLICY_PRIORITY, POLICY_FIFO };

/* "priority" or "fifo"; NULL for a value outside the enum. */
const char *queue_policy_name(enum queue_policy p);
/* Inverse of queue_policy_name (exact, case-sensitive); -1 for NULL or unknown. */
int queue_policy_parse(const char *s);

enum queue_state { QUEUE_OPEN, QUEUE_PAUSED, QUEUE_CLOSED };

/* "open", "paused" or "closed"; NULL for a value outside the enum. */
const char *queue_state_name(enum queue_state s);
/* Inverse of queue_state_name (exact, case-sensitive); -1 for NULL or unknown. */
int queue_state_parse(const char *s);

/* What ordering needs to know of a waiting ticket. */
struct rules_ticket {
	long long created_ms;	   /* created_date; kept across requeue, transfer and re-placement */
	int level;		   /* priority level, 1 = most urgent */
	long long sla_deadline_ms; /* created_ms + max_wait; 0 = no SLA (see rules_sla_deadline) */
	long long tiebreak;	   /* unique per ticket (e.g. insertion order) so the order is total */
};

/*
 * The SLA deadline of a ticket created at created_ms whose priority allows
 * max_wait_minutes: created_ms + max_wait_minutes * 60000, or 0 (no SLA) when
 * max_wait_minutes <= 0. Saturates instead of overflowing.
 */
long long rules_sla_deadline(long long created_ms, long max_wait_minutes);

/*
 * true when t has an SLA (sla_deadline_ms != 0) and now_ms >= sla_deadline_ms.
 * At exactly the deadline the ticket has used its whole allowance; counting it
 * overdue from that instant moves it forward while it can still be called in
 * time, so that "called within max_wait_minutes" (the report's SLA met) holds.
 * t must not be NULL.
 */
bool rules_overdue(const struct rules_ticket *t, long long now_ms);

/*
 * Order inside a queue at time now_ms. Returns <0 when a goes before b, >0
 * when b goes first, 0 only when every key is equal.
 *   POLICY_FIFO:     created_ms, then tiebreak.
 *   POLICY_PRIORITY: overdue tickets (rules_overdue) before the others;
 *                    among overdue ones: created_ms (oldest first), then
 *                    level, then tiebreak; among the others: level ascending,
 *                    then created_ms, then tiebreak.
 * A policy outside the enum orders as fifo. For a fixed now_ms this is a
 * total order, fit for sorting. a and b must not be NULL.
 */
int rules_compare(enum queue_policy p, const struct rules_ticket *a, const struct rules_ticket *b,
		  long long now_ms);

/*
 * How many of waiting[0..n) go strictly before t under p at now_ms (t itself
 * must not be in the array). A ticket comparing equal to t is not counted, so
 * give a new ticket a tiebreak above every waiting one. 1 + the result is t's
 * 1-based position. waiting may be NULL when n == 0; t must not be NULL.
 */
size_t rules_ahead(enum queue_policy p, const struct rules_ticket *waiting, size_t n,
		   const struct rules_ticket *t, long long now_ms);

/*
 * Index of the ticket of tickets[0..n) that goes first under p at now_ms (the
 * next to call; also the best ticket to take from other queues, by the calling
 * queue's policy). Equal tickets: the lower index. Returns -1 when n == 0,
 * tickets is NULL or n > INT_MAX.
 */
int rules_first(enum queue_policy p, const struct rules_ticket *tickets, size_t n, long long now_ms);

/* One candidate queue for placement: open and serving the ticket's priority. */
struct rules_candidate {
	size_t ahead;	     /* rules_ahead of the new ticket in this queue */
	size_t waiting;	     /* tickets waiting in it now */
	long long created_seq; /* lower = queue created earlier */
};

/*
 * Placement (SPEC 3): the candidate with the fewest tickets ahead; ties go to
 * fewer waiting overall, then to the lower created_seq, then to the lower
 * index. Returns that index, or -1 when n == 0, c is NULL or n > INT_MAX
 * (no candidate: the caller answers 409).
 */
int rules_pick_queue(const struct rules_candidate *c, size_t n);

/*
 * Estimated wait in whole seconds (rounded half up): position times the
 * average service time of the queue's last (up to RULES_WAIT_SAMPLES) served
 * tickets of the day, or times default_service_seconds when samples == 0.
 * position is 1-based; position 0 (not waiting) gives 0. A negative or
 * non-finite average counts as no samples, a negative default as 0; the
 * result saturates at LLONG_MAX.
 */
long long rules_estimated_wait(size_t position, double avg_service_seconds, size_t samples,
			       long default_service_seconds);

/* true when s is 1-3 upper-case ASCII letters A-Z and nothing else; false for NULL. */
bool rules_prefix_valid(const char *s);

/*
 * Writes the ticket code into out[0..len): prefix, dash, number zero-padded to
 * at least 3 digits: ("A", 7) -> "A-007", ("ABC", 1234) -> "ABC-1234".
 * RULES_CODE_MAX bytes always suffice. Returns 0, or -1 when the prefix is not
 * valid (rules_prefix_valid), number < 1, out is NULL or len is too small; on
 * -1 out (when not NULL and len > 0) holds "".
 */
int rules_format_code(const char *prefix, long number, char *out, size_t len);

#endif
