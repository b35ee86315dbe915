#include "service/placement.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/ticket_repo.h"
#include "service/queue_rules.h"

long long placement_candidate_ahead(const struct queue_candidate *c)
{
	return c->policy == POLICY_FIFO ? c->ahead_by_age : c->ahead_by_priority;
}

enum app_err placement_ahead_in(struct db *db, const struct placed_ticket *t, const char *queue_id,
				struct queue_candidate *out)
{
	struct queue_candidate *cands = NULL;
	size_t n = 0;
	long long rc = repo_queue_candidates(db, t, NULL, &cands, &n);
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

enum app_err placement_choose(struct db *db, const struct placed_ticket *t, const char *except_id,
			      struct queue_candidate *out)
{
	struct queue_candidate *cands = NULL;
	size_t n = 0;
	long long rc = repo_queue_candidates(db, t, except_id, &cands, &n);
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
		e = placement_choose(db, &moving, queue_id, &to);
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
