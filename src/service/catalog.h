/*
 * Per-worker memo of what changes rarely and every registration reads: each priority's
 * level, SLA (max_wait_minutes) and state. An entry is used while it is younger than
 * CATALOG_MAX_AGE_US (SPEC's 5 s rule for permissions, applied here too) and while no
 * worker of this pool changed a priority since (shared_gen.h); a change made by
 * this pool takes effect in every worker at its next request.
 */
#ifndef TURNERO_SVC_CATALOG_H
#define TURNERO_SVC_CATALOG_H

#include <stdbool.h>

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

/* Call after a priority was created or changed: every worker of the pool forgets its memo. */
void svc_catalog_changed(struct svc_app *app);

#endif
