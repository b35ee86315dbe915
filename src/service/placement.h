/* Where a ticket goes: the placement rule of SPEC section 3 over the database's counts. */
#ifndef TURNERO_SVC_PLACEMENT_H
#define TURNERO_SVC_PLACEMENT_H

#include "common/app_err.h"
#include "repo/queue_repo.h"

struct db;
struct svc_app;

/*
 * Picks the open queue (other than except_id, may be NULL) serving the ticket's priority where
 * it would have the fewest tickets ahead under that queue's ordering (a moving ticket keeps its
 * age); ties by fewer waiting, then the queue created first. APP_CONFLICT when no queue
 * qualifies. Runs inside a transaction. app (may be NULL) lends its queue memo to name the
 * candidates, which makes the reads independent of the waiting tickets.
 */
enum app_err placement_choose(struct svc_app *app, struct db *db, const struct placed_ticket *t,
			      const char *except_id, struct queue_candidate *out);

/*
 * queue_id as a candidate for t (open, serving its priority): placement_candidate_ahead(out)
 * is how many tickets t would wait behind under that queue's ordering. APP_CONFLICT when the
 * queue does not qualify.
 */
enum app_err placement_ahead_in(struct db *db, const struct placed_ticket *t, const char *queue_id,
				struct queue_candidate *out);

/* The tickets ahead in a candidate queue, by the queue's own policy. */
long long placement_candidate_ahead(const struct queue_candidate *c);

/*
 * Moves every waiting ticket of queue_id to its best other queue (keeping created_date),
 * each with a "transferred" event of reason queue_closed by user_id. APP_CONFLICT when a
 * ticket has nowhere to go; the caller's transaction then rolls everything back.
 */
enum app_err placement_drain_queue(struct db *db, const char *queue_id, const char *user_id);

#endif
