/*
 * A queue's state and its ordering policy (SPEC 2) as enums, each with its one name
 * table. Repositories parse the database's text into them; everything above compares
 * enums.
 */
#ifndef TURNERO_QUEUE_STATE_H
#define TURNERO_QUEUE_STATE_H

enum queue_state { QUEUE_OPEN, QUEUE_PAUSED, QUEUE_CLOSED, QUEUE_STATE__MAX };

/* The names by value, NULL-terminated (a JV_ENUM list for the API's bodies). */
extern const char *const queue_state_names[QUEUE_STATE__MAX + 1];
/* "open", "paused" or "closed"; NULL for a value outside the enum. */
const char *queue_state_name(enum queue_state s);
/* Inverse of queue_state_name (exact, case-sensitive); -1 for NULL or unknown. */
int queue_state_parse(const char *s);

enum queue_policy { POLICY_PRIORITY, POLICY_FIFO, QUEUE_POLICY__MAX };

extern const char *const queue_policy_names[QUEUE_POLICY__MAX + 1];
/* "priority" or "fifo"; NULL for a value outside the enum. */
const char *queue_policy_name(enum queue_policy p);
/* Inverse of queue_policy_name (exact, case-sensitive); -1 for NULL or unknown. */
int queue_policy_parse(const char *s);

#endif
