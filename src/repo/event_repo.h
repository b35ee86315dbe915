/* The numbered event log (ticket_events by seq) and the relay's bookkeeping, in SQL. */
#ifndef TURNERO_EVENT_REPO_H
#define TURNERO_EVENT_REPO_H

#include <stddef.h>

#include "common/ids.h"

struct db;

/* One row of GET /events: a ticket event with its global sequence number. */
struct event_log_rec {
	long long seq;
	char ticket_id[UUID_STR_LEN];
	char event[21];
	char from_queue_id[UUID_STR_LEN]; /* "" when NULL, likewise below */
	char to_queue_id[UUID_STR_LEN];
	char desk_id[UUID_STR_LEN];
	char user_id[UUID_STR_LEN];
	char reason[21];
	char at[TS_STR_LEN];
};

/*
 * At most limit events with seq > after, oldest first.
 * [out] out: set to NULL first; an array of *n records the caller frees with free().
 * Returns the row count or a negative db_status.
 */
long long repo_event_log(struct db *db, long long after, long long limit, struct event_log_rec **out, size_t *n);

/* The highest seq (0 when there are no events). 1 or a negative db_status. */
long long repo_event_max_seq(struct db *db, long long *max_seq);

/* How many milliseconds the first event after seq has existed: 1 found, 0 none. */
long long repo_event_age_after(struct db *db, long long seq, long long *age_ms);

/* Renews (or takes over an expired) lease for holder for seconds: 1 held, 0 another holds it. */
long long repo_relay_lease_take(struct db *db, const char *holder, long long seconds);
/* Lets the lease go at once (a clean stop), when holder still has it. */
long long repo_relay_lease_release(struct db *db, const char *holder);
/* The last seq the relay finished: 1 found, 0 when migration 008 left no row. */
long long repo_relay_position(struct db *db, long long *last_seq);
/* Moves the position forward to seq (never back). */
long long repo_relay_set_position(struct db *db, long long seq);

#endif
