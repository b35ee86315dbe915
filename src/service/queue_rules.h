/*
 * Queue rules as pure functions: the ticket state machine, the placement tie-breaks
 * across queues, wait estimates and ticket codes. No I/O,
 * no SQL, no JSON, no allocation, no global state: safe to call from anywhere
 * and cheap to unit-test.
 */
#ifndef TURNERO_SVC_QUEUE_RULES_H
#define TURNERO_SVC_QUEUE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/queue_state.h"
#include "common/ticket_status.h"

/* How many served tickets of the day the wait estimate averages over (SPEC 3). */
#define RULES_WAIT_SAMPLES 20

/* Bytes a ticket code can need: 3-letter prefix, dash, 19 digits of a long, NUL. */
#define RULES_CODE_MAX 24

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

/*
 * The order inside a queue (fifo and priority, overdue first) is not here: it is written
 * once, as SQL, in src/repo/queue_order.h, and the database applies it.
 */

/* One candidate queue for placement: open and serving the ticket's priority. */
struct rules_candidate {
	size_t ahead;	     /* tickets the new one would wait behind in this queue */
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
