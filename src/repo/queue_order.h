/*
 * THE call order of a queue (SPEC 3 and 9), written once as SQL fragments that every
 * statement in stmt.c concatenates. Nothing else in turnero orders tickets.
 *
 * In words:
 *   - A ticket counts from its due_date: the slot start of a checked-in appointment
 *     (unless it checked in after start + late_grace_minutes), else its created_date.
 *   - Overdue: the ticket has an SLA (sla_deadline = due_date + max_wait_minutes) and
 *     that deadline has passed (at the deadline itself it is overdue already, so it can
 *     still be called in time).
 *   - fifo:     due_date, then created_date (who checked in first), then id.
 *   - priority: overdue tickets first, among them by due_date, then priority level,
 *               then created_date, then id; the others by priority level, then
 *               due_date, then created_date, then id.
 *   id only makes the order total (ties in every time key to the millisecond).
 *
 * Each macro takes the table alias as a string literal ("t", "o", "me"): QO_OVERDUE("t")
 * is "(t.sla_deadline IS NOT NULL AND t.sla_deadline <= UTC_TIMESTAMP(3))". A "row" is
 * anything with the columns due_date, created_date, priority_level, sla_deadline, id
 * (a tickets row, or a derived row describing a ticket about to be placed; a NULL id
 * there compares as "not before", so equal keys are never counted ahead).
 */
#ifndef TURNERO_QUEUE_ORDER_H
#define TURNERO_QUEUE_ORDER_H

/* true when row a is past its SLA deadline. */
#define QO_OVERDUE(a) "(" a ".sla_deadline IS NOT NULL AND " a ".sla_deadline <= UTC_TIMESTAMP(3))"

/* The sort keys, as a comma list (for ORDER BY and for row-value comparison). */
#define QO_FIFO_KEYS(a) a ".due_date, " a ".created_date, " a ".id"
#define QO_OVERDUE_KEYS(a) a ".due_date, " a ".priority_level, " a ".created_date, " a ".id"
#define QO_LEVEL_KEYS(a) a ".priority_level, " a ".due_date, " a ".created_date, " a ".id"

/* ORDER BY lists: a whole queue under each policy. */
#define QO_ORDER_FIFO(a) QO_FIFO_KEYS(a)
#define QO_ORDER_PRIORITY(a)                                                                                  \
	"CASE WHEN " QO_OVERDUE(a) " THEN 0 ELSE 1 END, CASE WHEN " QO_OVERDUE(a) " THEN " a ".due_date END, " \
	QO_LEVEL_KEYS(a)
/* By the policy held in the SQL expression pol ('fifo' or 'priority'). */
#define QO_ORDER_BY_POLICY(pol, a)                                                                             \
	"CASE WHEN " pol " = 'priority' AND " QO_OVERDUE(a) " THEN 0 ELSE 1 END,"                                \
	" CASE WHEN " pol " = 'priority' AND " QO_OVERDUE(a) " THEN " a ".due_date END,"                         \
	" CASE WHEN " pol " = 'priority' THEN " a ".priority_level ELSE 0 END, " QO_FIFO_KEYS(a)

/* Predicates: row a goes strictly before row b. */
#define QO_BEFORE_FIFO(a, b) "((" QO_FIFO_KEYS(a) ") < (" QO_FIFO_KEYS(b) "))"
#define QO_BEFORE_PRIORITY(a, b)                                                                              \
	"((" QO_OVERDUE(a) " AND NOT " QO_OVERDUE(b) ") OR (" QO_OVERDUE(a) " AND " QO_OVERDUE(b) " AND ("       \
	QO_OVERDUE_KEYS(a) ") < (" QO_OVERDUE_KEYS(b) ")) OR (NOT " QO_OVERDUE(a) " AND NOT " QO_OVERDUE(b)      \
	" AND (" QO_LEVEL_KEYS(a) ") < (" QO_LEVEL_KEYS(b) ")))"
/* By the policy held in the SQL expression pol. */
#define QO_BEFORE(pol, a, b)                                                                                   \
	"(CASE WHEN " pol " = 'fifo' THEN " QO_BEFORE_FIFO(a, b) " ELSE " QO_BEFORE_PRIORITY(a, b) " END)"

#endif
