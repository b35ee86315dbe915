/*
 * Per-worker memo of what changes rarely and every registration or list reads: each
 * priority's level, SLA (max_wait_minutes) and state, and the queues (everything but
 * their waiting counts, which are read with every list). An entry is used while it is younger than
 * CATALOG_MAX_AGE_US (SPEC's 5 s rule for permissions, applied here too) and while no
 * worker of this pool changed a priority since (shared_gen.h); a change made by
 * this pool takes effect in every worker at its next request.
 */
#ifndef TURNERO_SVC_CATALOG_H
#define TURNERO_SVC_CATALOG_H

#include <stdbool.h>

#include "repo/queue_repo.h"
#include "service/app.h"

#define CATALOG_MAX_AGE_US 5000000LL

struct catalog_memo;

struct catalog_memo *catalog_memo_new(void);
void catalog_memo_free(struct catalog_memo *m); /* NULL-safe */

/*
 * A priority's level, max_wait_minutes and state, from the memo or read with db (inside
 * or outside a transaction). 1 found, 0 no such priority (never memoised), < 0 a DB status.
 */
long long svc_catalog_priority(struct svc_app *app, struct db *db, const char *priority_id, int *level,
			       int *max_wait, bool *state);

/* At most this many queues are memoised; with more, lists read the database. */
#define CATALOG_MAX_QUEUES 500

/*
 * Every queue (struct queue_catalogue; waiting 0) from the memo, loaded with db when older
 * than CATALOG_MAX_AGE_US or after a change: 1 and *out valid until the next call into this
 * memo, 0 when there are more than CATALOG_MAX_QUEUES queues, < 0 a DB status.
 */
long long svc_catalog_queues(struct svc_app *app, struct db *db, const struct queue_catalogue **out);

/* Call after a priority or a queue was created or changed: every worker of the pool forgets its memo. */
void svc_catalog_changed(struct svc_app *app);

#endif
