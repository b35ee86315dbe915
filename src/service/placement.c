#include "service/placement.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/ticket_repo.h"
#include "service/catalog.h"
#include "service/queue_rules.h"

long long placement_candidate_ahead(const struct queue_candidate *c)
{
	return c->policy == POLICY_FIFO ? c->ahead_by_age : c->ahead_by_priority;
}

/* Whether q would take a ticket of priority_id in a placement that leaves out except_id. */
static bool may_take(const struct queue_rec *q, const char *priority_id, const char *except_id)
{
	if (q->state != QUEUE_OPEN || (except_id && strcmp(q->id, except_id) == 0))
		return false;
	for (size_t i = 0; i < q->npriorities; i++)
		if (strcmp(q->priority_ids[i], priority_id) == 0)
			return true;
	return false;
}

/*
 * The candidates for t. With app, the memo names them and each is read with its id bound
 * (index ranges only, whatever the waiting) by the policy the memo knows it by; when the
 * memo is unavailable, names none, or missed one the database has or a policy it changed (a
 * change on another host within the memo's age), every qualifying queue is read in one
 * statement, which reads their waiting tickets.
 */
static long long candidates_of(struct svc_app *app, struct db *db, const struct placed_ticket *t,
			       const char *except_id, struct queue_candidate **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const struct queue_catalogue *cat = NULL;
	long long rc = app ? svc_catalog_queues(app, db, &cat) : 0;
	if (rc < 0)
		return rc;
	/* The memo's ids stay valid while only the repository runs (it does not call the memo). */
	size_t nqueues = 0;
	struct queue_ref *queues = rc == 1 && cat->n ? malloc(cat->n * sizeof *queues) : NULL;
	if (rc == 1 && cat->n && !queues)
		return DB_HARD;
	for (size_t i = 0; queues && i < cat->n; i++)
		if (may_take(&cat->items[i], t->priority_id, except_id))
			queues[nqueues++] = (struct queue_ref){cat->items[i].id, cat->items[i].policy};
	long long qualifying = -1;
	if (nqueues)
		rc = repo_queue_candidates_among(db, t, except_id, queues, nqueues, out, n, &qualifying);
	free(queues);
	if (nqueues && (rc < 0 || (long long)*n == qualifying))
		return rc;
	free(*out);
	*out = NULL;
	*n = 0;
	return repo_queue_candidates(db, t, except_id, out, n);
}

enum app_err placement_ahead_in(struct db *db, const struct placed_ticket *t, const char *queue_id,
				struct queue_candidate *out)
{
	struct queue_candidate *cands = NULL;
	size_t n = 0;
	long long rc = repo_queue_candidate_in(db, t, queue_id, &cands, &n);
	if (rc < 0)
		return db_app_err(rc);
	enum app_err e = APP_CONFLICT;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cands[i].id, queue_id) == 0) {
			*out = cands[i];
			e = APP_OK;
		}
	}
	free(cands);
	return e;
}

enum app_err placement_choose(struct svc_app *app, struct db *db, const struct placed_ticket *t,
			      const char *except_id, struct queue_candidate *out)
{
	struct queue_candidate *cands = NULL;
	size_t n = 0;
	long long rc = candidates_of(app, db, t, except_id, &cands, &n);
	if (rc < 0)
		return db_app_err(rc);
	struct rules_candidate *rc_list = calloc(n ? n : 1, sizeof *rc_list);
	if (!rc_list) {
		free(cands);
		return APP_INTERNAL;
	}
	for (size_t i = 0; i < n; i++) {
		rc_list[i].ahead = (size_t)placement_candidate_ahead(&cands[i]);
		rc_list[i].waiting = (size_t)cands[i].waiting;
		rc_list[i].created_seq = cands[i].created_seq;
	}
	int pick = rules_pick_queue(rc_list, n);
	if (pick >= 0)
		*out = cands[pick];
	free(rc_list);
	free(cands);
	return pick >= 0 ? APP_OK : APP_CONFLICT;
}

enum app_err placement_drain_queue(struct db *db, const char *queue_id, const char *user_id)
{
	struct waiting_ticket *waiting = NULL;
	size_t n = 0;
	long long rc = repo_ticket_waiting_of_queue(db, queue_id, &waiting, &n);
	if (rc < 0)
		return db_app_err(rc);
	enum app_err e = APP_OK;
	for (size_t i = 0; i < n && e == APP_OK; i++) {
		struct queue_candidate to;
		/* It keeps its times and its deadline (none stays none). */
		struct placed_ticket moving = {waiting[i].priority_id, waiting[i].level, waiting[i].created_date,
					       waiting[i].due_date,
					       waiting[i].sla_deadline[0] ? waiting[i].sla_deadline : NULL, 0, NULL};
		/* No memo: it may hold this transaction's own uncommitted changes. */
		e = placement_choose(NULL, db, &moving, queue_id, &to);
		if (e != APP_OK)
			break;
		rc = repo_ticket_move(db, waiting[i].id, TICKET_WAITING, to.id);
		if (rc >= 0)
			rc = repo_event_insert(db, waiting[i].id, "transferred", queue_id, to.id, user_id, "queue_closed");
		if (rc < 0)
			e = db_app_err(rc);
	}
	free(waiting);
	return e;
}
