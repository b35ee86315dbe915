#include "service/ticket.h"

#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "notify/notify.h"
#include "repo/db.h"
#include "repo/desk_repo.h"
#include "repo/explain_repo.h"
#include "service/catalog.h"
#include "service/customer.h"
#include "service/explain.h"
#include "service/placement.h"

/* The forecast basis of queue_id today: its recent service times and the desks open (SPEC 14). */
static enum app_err basis_of(struct svc_app *app, struct db *db, const char *queue_id, struct forecast_basis *b)
{
	char today[11];
	struct forecast_inputs in;
	svc_service_date(today);
	long long rc = repo_forecast_inputs(db, queue_id, today, &in);
	if (rc < 0)
		return db_app_err(rc);
	forecast_basis_make(in.services, in.nservices, in.desks, app->cfg->queue.default_service_seconds, b);
	return APP_OK;
}

static void clear_standing(struct ticket_view *v)
{
	v->position = v->estimated_wait_seconds = 0;
	v->estimated_wait_range.low = v->estimated_wait_range.high = 0;
	v->at_risk = false;
}

/* Estimated wait, its range and the SLA risk of a waiting ticket whose position is set. */
static void forecast_standing(const struct forecast_basis *b, struct ticket_view *v)
{
	v->estimated_wait_seconds = forecast_wait(b, v->position);
	v->estimated_wait_range = forecast_range_of(b, v->position);
	v->at_risk = forecast_at_risk(ids_now_ms(), v->estimated_wait_seconds, v->t.sla_deadline_ms >= 0,
				      v->t.sla_deadline_ms);
}

/* Fills position, estimated wait, its range and the SLA risk of a waiting ticket. */
static enum app_err add_standing(struct svc_app *app, struct db *db, struct ticket_view *v)
{
	clear_standing(v);
	if (v->t.status != TICKET_WAITING)
		return APP_OK;
	long long rc = repo_ticket_position(db, v->t.id, &v->position);
	if (rc < 0)
		return db_app_err(rc);
	struct forecast_basis b;
	enum app_err e = basis_of(app, db, v->t.queue_id, &b);
	if (e != APP_OK)
		return e;
	forecast_standing(&b, v);
	return APP_OK;
}

static enum app_err load_view(struct svc_app *app, struct db *db, const char *id, struct ticket_view *out)
{
	long long rc = repo_ticket_get(db, id, false, &out->t);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0)
		return APP_NOT_FOUND;
	return add_standing(app, db, out);
}

struct register_tx {
	struct svc_app *app;
	const struct svc_actor *who;
	const struct ticket_request *r;
	struct field_errors *fe;
	struct ticket_view *out;
	bool replayed;
	const struct ticket_hooks *hooks; /* NULL: none */
	struct customer_rec customer;     /* the inline customer as upserted */
};

/* Adds the field error for a customer_id that does not name an active customer (NULL: none). */
static enum app_err check_customer(struct db *db, const char *customer_id, struct field_errors *fe)
{
	if (customer_id) {
		bool state = false;
		long long rc = repo_ticket_customer_state(db, customer_id, &state);
		if (rc < 0)
			return db_app_err(rc);
		if (rc == 0 || !state)
			field_errors_add(fe, "customer_id", "does not name an active customer");
	}
	return fe->n ? APP_INVALID : APP_OK;
}

/* A queue named by the client must be open and serve the priority. */
static enum app_err check_chosen_queue(struct db *db, const char *queue_id, const char *priority_id,
				       struct field_errors *fe, struct queue_rec *q)
{
	long long rc = repo_queue_get_by_id(db, queue_id, q);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0) {
		field_errors_add(fe, "queue_id", "does not name a queue");
		return APP_INVALID;
	}
	bool serves = false;
	for (size_t i = 0; i < q->npriorities; i++)
		serves = serves || strcmp(q->priority_ids[i], priority_id) == 0;
	if (!serves) {
		field_errors_add(fe, "queue_id", "does not serve this priority");
		return APP_INVALID;
	}
	return q->state == QUEUE_OPEN ? APP_OK : APP_CONFLICT;
}

/* What registration works out before it takes a number: shared with POST /tickets/quote. */
struct prepared_ticket {
	const char *customer_id; /* NULL for a quote with an inline customer */
	int level, max_wait;
	struct queue_candidate place;
	long long ahead; /* tickets ahead in place */
	long long quote; /* the estimated wait at position ahead + 1 */
	struct forecast_range range;
};

/*
 * Check references: the priority must be active (its facts come from the worker's memo,
 * service/catalog.h, most of the time). With upserted (registration), an inline customer
 * (r->customer) is upserted by dni into it. APP_OK with fe still empty goes on to place;
 * with fe not empty, the customer is checked too and the answer is APP_INVALID.
 */
static enum app_err check_references(struct svc_app *app, struct db *db, const struct ticket_request *r,
				     struct customer_rec *upserted, struct field_errors *fe,
				     struct prepared_ticket *pt)
{
	bool active = false;
	long long rc = svc_catalog_priority(app, db, r->priority_id, &pt->level, &pt->max_wait, &active);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0 || !active)
		field_errors_add(fe, "priority_id", "does not name an active priority");

	pt->customer_id = r->customer_id;
	if (r->customer && upserted) {
		bool created = false;
		enum app_err e = svc_customer_upsert_by_dni(db, r->customer, upserted, &created);
		if (e != APP_OK)
			return e;
		pt->customer_id = upserted->id;
	}
	if (fe->n)
		return check_customer(db, pt->customer_id, fe);
	return APP_OK;
}

/*
 * Place: a chosen queue must be open and serve the priority; otherwise placement picks
 * the queue. The placement query also reports the customer's state and the instant to
 * stamp. A bad customer answers 422 before any 409.
 */
static enum app_err place(struct svc_app *app, struct db *db, const struct ticket_request *r,
			  struct field_errors *fe, struct prepared_ticket *pt)
{
	struct placed_ticket fresh = {r->priority_id, pt->level, NULL, r->due_date, NULL, pt->max_wait, pt->customer_id};
	enum app_err e;
	if (r->queue_id) {
		struct queue_rec q;
		e = check_chosen_queue(db, r->queue_id, r->priority_id, fe, &q);
		if (e == APP_OK) {
			e = placement_ahead_in(db, &fresh, q.id, &pt->place);
			snprintf(pt->place.prefix, sizeof pt->place.prefix, "%s", q.prefix);
		}
	} else {
		e = placement_choose(app, db, &fresh, NULL, &pt->place);
	}
	pt->ahead = placement_candidate_ahead(&pt->place);
	if (e == APP_OK && pt->customer_id && pt->place.customer_state != 1)
		field_errors_add(fe, "customer_id", "does not name an active customer");
	if (e == APP_OK && fe->n)
		return APP_INVALID;
	if (e == APP_CONFLICT || e == APP_INVALID) {
		/* No row told about the customer. */
		enum app_err ce = check_customer(db, pt->customer_id, fe);
		return ce != APP_OK ? ce : e;
	}
	return e;
}

/*
 * Quote: the estimated wait at the place, worked out before the number is taken (the day
 * counter's row stays locked from the number until COMMIT, and every registration of the
 * queue waits on it).
 */
static enum app_err quote(struct svc_app *app, struct db *db, struct prepared_ticket *pt)
{
	struct forecast_basis b;
	enum app_err e = basis_of(app, db, pt->place.id, &b);
	if (e != APP_OK)
		return e;
	pt->quote = forecast_wait(&b, pt->ahead + 1);
	pt->range = forecast_range_of(&b, pt->ahead + 1);
	return APP_OK;
}

/*
 * The checks, the placement and the quote of a registration (see the three steps above).
 * Without upserted (a quote) it writes nothing.
 */
static enum app_err prepare_ticket(struct svc_app *app, struct db *db, const struct ticket_request *r,
				   struct customer_rec *upserted, struct field_errors *fe, struct prepared_ticket *pt)
{
	memset(pt, 0, sizeof *pt);
	enum app_err e = check_references(app, db, r, upserted, fe, pt);
	if (e == APP_OK)
		e = place(app, db, r, fe, pt);
	if (e == APP_OK)
		e = quote(app, db, pt);
	return e;
}

/*
 * Replay (idempotency): an earlier request with the same key answers again (t->replayed,
 * t->out loaded); the same key with another body is APP_CONFLICT. APP_OK with
 * t->replayed false: a new registration.
 */
static enum app_err replay(struct register_tx *t, struct db *db, const struct ticket_request *r)
{
	t->replayed = false;
	if (!r->idempotency_key)
		return APP_OK;
	char earlier[UUID_STR_LEN], hash[65];
	long long rc = repo_idem_get(db, t->who->user_id, r->idempotency_key, earlier, hash);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0)
		return APP_OK;
	if (strcmp(hash, r->request_fingerprint) != 0)
		return APP_CONFLICT; /* same key, another request */
	t->replayed = true;
	return load_view(t->app, db, earlier, t->out);
}

/* Number and insert: the day's next number of the queue, the row and its "created" event. */
static enum app_err number_and_insert(struct register_tx *t, struct db *db, const struct ticket_request *r,
				      const struct prepared_ticket *pt)
{
	struct ticket_rec *tk = &t->out->t;
	char today[11];
	svc_service_date(today);
	memset(tk, 0, sizeof *tk);
	ids_uuid_v4(tk->id);
	snprintf(tk->customer_id, sizeof tk->customer_id, "%s", pt->customer_id);
	snprintf(tk->priority_id, sizeof tk->priority_id, "%s", r->priority_id);
	snprintf(tk->queue_id, sizeof tk->queue_id, "%s", pt->place.id);
	snprintf(tk->issued_queue_id, sizeof tk->issued_queue_id, "%s", pt->place.id);
	snprintf(tk->service_date, sizeof tk->service_date, "%s", today);
	tk->quoted_wait_seconds = pt->quote;
	tk->quoted_wait_low = pt->range.low;
	tk->quoted_wait_high = pt->range.high;
	long long rc = repo_ticket_next_number(db, pt->place.id, tk->service_date, &tk->number);
	if (rc < 0)
		return db_app_err(rc);
	if (rules_format_code(pt->place.prefix, (long)tk->number, tk->code, sizeof tk->code) < 0)
		return APP_INTERNAL;
	rc = repo_ticket_insert(db, tk, pt->level, pt->max_wait, r->due_date, pt->place.now);
	if (rc >= 0)
		rc = repo_event_insert(db, tk->id, "created", NULL, pt->place.id, t->who->user_id, NULL);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

/*
 * What is written with the ticket: the `issued` notifications (SPEC 12, which checks the
 * contacts) and the Idempotency-Key.
 */
static enum app_err record_with_ticket(struct register_tx *t, struct db *db, const struct ticket_request *r,
				       const struct prepared_ticket *pt)
{
	const struct ticket_rec *tk = &t->out->t;
	enum app_err e = notify_ticket_registered(db, t->app->cfg, tk->id, r->notify, pt->ahead + 1, pt->quote, t->fe);
	if (e != APP_OK || !r->idempotency_key)
		return e;
	long long rc = repo_idem_insert(db, t->who->user_id, r->idempotency_key, tk->id, r->request_fingerprint);
	/* A concurrent twin inserted the key first: run again and answer with its ticket. */
	if (rc == DB_CONFLICT)
		return APP_RETRY;
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

/*
 * The answer: the row as stored (no read back: its times are place.now and r->due_date)
 * and the standing it was quoted with.
 */
static enum app_err answer_as_stored(struct register_tx *t, const struct ticket_request *r,
				     const struct prepared_ticket *pt)
{
	struct ticket_rec *tk = &t->out->t;
	tk->status = TICKET_WAITING;
	if (ids_db_to_rfc3339(pt->place.now, tk->created_date) < 0 ||
	    ids_db_to_rfc3339(r->due_date ? r->due_date : pt->place.now, tk->due_date) < 0)
		return APP_INTERNAL;
	memcpy(tk->updated_date, tk->created_date, sizeof tk->updated_date);
	/* As STMT_TICKET_INSERT stores it: due_date + max_wait_minutes, when the priority has an SLA. */
	long long due_ms = ids_db_to_ms(r->due_date ? r->due_date : pt->place.now);
	tk->sla_deadline_ms = pt->max_wait > 0 && due_ms >= 0 ? due_ms + pt->max_wait * 60000LL : -1;
	t->out->position = pt->ahead + 1;
	t->out->estimated_wait_seconds = pt->quote;
	t->out->estimated_wait_range = pt->range;
	t->out->at_risk = forecast_at_risk(ids_now_ms(), pt->quote, tk->sla_deadline_ms >= 0, tk->sla_deadline_ms);
	return APP_OK;
}

static enum app_err register_in_tx(struct db *db, void *cls)
{
	struct register_tx *t = cls;
	struct ticket_request req = *t->r;
	const struct ticket_request *r = &req;
	struct prepared_ticket pt;
	enum app_err e = APP_OK;
	t->replayed = false;
	if (t->hooks && t->hooks->begin)
		e = t->hooks->begin(db, t->hooks->cls, &req);
	if (e == APP_OK)
		e = replay(t, db, r);
	if (e != APP_OK || t->replayed)
		return e;
	e = prepare_ticket(t->app, db, r, &t->customer, t->fe, &pt);
	if (e == APP_OK)
		e = number_and_insert(t, db, r, &pt);
	if (e == APP_OK)
		e = record_with_ticket(t, db, r, &pt);
	if (e == APP_OK)
		e = answer_as_stored(t, r, &pt);
	if (e == APP_OK && t->hooks && t->hooks->done)
		e = t->hooks->done(db, t->hooks->cls, &t->out->t);
	return e;
}

enum app_err svc_ticket_register_hooked(struct svc_app *app, const struct svc_actor *who,
					const struct ticket_request *r, const struct ticket_hooks *hooks,
					struct field_errors *fe, struct ticket_view *out)
{
	struct register_tx t = {.app = app, .who = who, .r = r, .fe = fe, .out = out, .hooks = hooks};
	return db_tx_run(app->db, "ticket register", register_in_tx, &t);
}

enum app_err svc_ticket_register(struct svc_app *app, const struct svc_actor *who, const struct ticket_request *r,
				 struct field_errors *fe, struct ticket_view *out, bool *replayed)
{
	struct register_tx t = {.app = app, .who = who, .r = r, .fe = fe, .out = out};
	enum app_err e = db_tx_run(app->db, "ticket register", register_in_tx, &t);
	*replayed = t.replayed;
	return e;
}

struct quote_tx {
	struct svc_app *app;
	const struct ticket_request *r;
	struct field_errors *fe;
	struct ticket_quote *out;
};

/* The registration's own steps up to the quote, then nothing: no number, no row. */
static enum app_err quote_in_tx(struct db *db, void *cls)
{
	struct quote_tx *t = cls;
	struct prepared_ticket pt;
	enum app_err e = prepare_ticket(t->app, db, t->r, NULL, t->fe, &pt);
	if (e != APP_OK)
		return e;
	struct queue_rec *q = malloc(sizeof *q);
	if (!q)
		return APP_INTERNAL;
	long long rc = repo_queue_get_by_id(db, pt.place.id, q);
	if (rc > 0) {
		memset(t->out, 0, sizeof *t->out);
		snprintf(t->out->queue_id, sizeof t->out->queue_id, "%s", q->id);
		snprintf(t->out->queue_name, sizeof t->out->queue_name, "%s", q->name);
		t->out->position = pt.ahead + 1;
		t->out->estimated_wait_seconds = pt.quote;
		t->out->estimated_wait_range = pt.range;
	}
	free(q);
	return rc < 0 ? db_app_err(rc) : rc == 0 ? APP_RETRY : APP_OK;
}

enum app_err svc_ticket_quote(struct svc_app *app, const struct ticket_request *r, struct field_errors *fe,
			      struct ticket_quote *out)
{
	struct quote_tx t = {app, r, fe, out};
	return db_tx_run(app->db, "ticket quote", quote_in_tx, &t);
}

enum app_err svc_ticket_get(struct svc_app *app, const char *id, struct ticket_view *out)
{
	return load_view(app, app->db, id, out);
}

struct rank_fill {
	struct ticket_view *views;
	const bool *found;
	size_t n;
};

static void fill_rank(void *cls, const char *id, long long position)
{
	struct rank_fill *f = cls;
	for (size_t i = 0; i < f->n; i++)
		if (f->found[i] && strcmp(f->views[i].t.id, id) == 0)
			f->views[i].position = position;
}

/* Positions and forecasts of the waiting views[] in queue_id: one ranking, one basis. */
static enum app_err standing_of_queue(struct svc_app *app, const char *queue_id, struct ticket_view *views,
				      const bool *found, size_t n)
{
	struct strbuf ids = STRBUF_INIT;
	size_t waiting = 0, only = 0;
	strbuf_puts(&ids, "[");
	for (size_t i = 0; i < n; i++) {
		if (!found[i] || views[i].t.status != TICKET_WAITING || strcmp(views[i].t.queue_id, queue_id) != 0)
			continue;
		strbuf_printf(&ids, "%s\"%s\"", waiting ? "," : "", views[i].t.id);
		only = i;
		waiting++;
	}
	strbuf_puts(&ids, "]");
	long long rc = 0;
	if (ids.oom)
		rc = DB_HARD;
	else if (waiting == 1) /* one ticket: its count is cheaper than ranking the queue */
		rc = repo_ticket_position(app->db, views[only].t.id, &views[only].position);
	else
		rc = repo_ticket_ranks(app->db, queue_id, strbuf_cstr(&ids),
				       fill_rank, &(struct rank_fill){views, found, n});
	strbuf_free(&ids);
	if (rc < 0)
		return db_app_err(rc);
	struct forecast_basis b;
	enum app_err e = basis_of(app, app->db, queue_id, &b);
	if (e != APP_OK)
		return e;
	for (size_t i = 0; i < n; i++)
		if (found[i] && views[i].position > 0 && strcmp(views[i].t.queue_id, queue_id) == 0)
			forecast_standing(&b, &views[i]);
	return APP_OK;
}

enum app_err svc_ticket_views(struct svc_app *app, const char (*ids)[UUID_STR_LEN], size_t n,
			      struct ticket_view *views, bool *found)
{
	for (size_t i = 0; i < n; i++) {
		memset(&views[i], 0, sizeof views[i]);
		long long rc = repo_ticket_get(app->db, ids[i], false, &views[i].t);
		if (rc < 0)
			return db_app_err(rc);
		found[i] = rc > 0;
	}
	/* Each queue once: at its first waiting ticket. */
	for (size_t i = 0; i < n; i++) {
		if (!found[i] || views[i].t.status != TICKET_WAITING)
			continue;
		bool done = false;
		for (size_t k = 0; k < i && !done; k++)
			done = found[k] && views[k].t.status == TICKET_WAITING &&
			       strcmp(views[k].t.queue_id, views[i].t.queue_id) == 0;
		if (!done) {
			enum app_err e = standing_of_queue(app, views[i].t.queue_id, views, found, n);
			if (e != APP_OK)
				return e;
		}
	}
	return APP_OK;
}

enum app_err svc_public_of_view(struct svc_app *app, const struct ticket_view *v, struct public_view *out)
{
	memset(out, 0, sizeof *out);
	const struct queue_catalogue *cat = NULL;
	long long rc = svc_catalog_queues(app, app->db, &cat);
	if (rc < 0)
		return db_app_err(rc);
	const char *queue_name = NULL;
	for (size_t i = 0; rc == 1 && i < cat->n && !queue_name; i++)
		if (strcmp(cat->items[i].id, v->t.queue_id) == 0)
			queue_name = cat->items[i].name;
	if (!queue_name) /* not memoised (too many queues) or newer than the memo */
		return svc_ticket_public(app, v->t.id, out);
	memcpy(out->p.id, v->t.id, sizeof out->p.id);
	snprintf(out->p.code, sizeof out->p.code, "%s", v->t.code);
	memcpy(out->p.queue_id, v->t.queue_id, sizeof out->p.queue_id);
	snprintf(out->p.queue_name, sizeof out->p.queue_name, "%s", queue_name);
	out->p.status = v->t.status;
	snprintf(out->p.desk_name, sizeof out->p.desk_name, "%s", v->t.desk_name);
	out->position = v->position;
	out->estimated_wait_seconds = v->estimated_wait_seconds;
	return APP_OK;
}

enum app_err svc_ticket_list(struct svc_app *app, const struct ticket_filter *f, struct ticket_list *out,
			     long long *total)
{
	long long rc = repo_ticket_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

/*
 * The attendant rule, in this one place: an attendant may operate a queue when it is assigned
 * to them (queue.user_id) or when they are signed in at one of its active desks. Holders of
 * queues:update operate any queue.
 */
static enum app_err check_owner(struct db *db, const struct svc_actor *who, const char *queue_id,
				const char *queue_owner)
{
	if (who->may_operate_any_queue || (queue_owner[0] && strcmp(queue_owner, who->user_id) == 0))
		return APP_OK;
	bool seated = false;
	long long rc = repo_desk_signed_in_at_queue(db, who->user_id, queue_id, &seated);
	if (rc < 0)
		return db_app_err(rc);
	return seated ? APP_OK : APP_FORBIDDEN;
}

/*
 * Locks desk_id for a call there: only the user signed in at it, or a holder of
 * queues:update, calls at a desk (APP_FORBIDDEN), and only while it is active (APP_CONFLICT).
 */
static enum app_err lock_desk_for_call(struct db *db, const struct svc_actor *who, const char *desk_id,
				       struct desk_rec *desk)
{
	long long rc = repo_desk_lock(db, desk_id, desk);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	if (!who->may_operate_any_queue && strcmp(desk->user_id, who->user_id) != 0)
		return APP_FORBIDDEN;
	return desk->state ? APP_OK : APP_CONFLICT;
}

/*
 * Serves the ticket desk_id has called or, for a call without a desk (desk_id NULL), the
 * queue's called ticket that no desk called: with desks, "the queue's currently called
 * ticket" of SPEC 3 is the one called at the queue itself, since each desk serves its own.
 */
static enum app_err serve_current(struct db *db, const char *queue_id, const char *desk_id, const char *user_id)
{
	char current[UUID_STR_LEN], where[UUID_STR_LEN];
	long long rc;
	if (desk_id) {
		rc = repo_ticket_called_of_desk(db, desk_id, current, where);
	} else {
		rc = repo_ticket_called_of_queue(db, queue_id, current);
		snprintf(where, sizeof where, "%s", queue_id);
	}
	if (rc <= 0)
		return db_app_err(rc);
	rc = repo_ticket_set_status(db, current, TICKET_CALLED, TICKET_SERVED);
	if (rc == 0)
		return APP_RETRY;
	if (rc > 0)
		rc = repo_event_insert(db, current, "served", where, NULL, user_id, NULL);
	return db_app_err(rc);
}

/*
 * Locks the next ticket for queue_id by its policy: its own first, then (when may_steal)
 * the best one of the other queues.
 */
static enum app_err take_next(struct db *db, const char *queue_id, bool fifo, bool may_steal,
			      struct ticket_take *taken)
{
	for (int steal = 0; steal < (may_steal ? 2 : 1); steal++) {
		long long rc;
		if (fifo) {
			rc = repo_ticket_take(db, queue_id, steal, TAKE_FIFO, taken);
		} else {
			/* Its own queue's overdue take only when one is overdue (the check reads one
			 * index entry; the take would walk the whole queue to find none). */
			rc = steal ? 1 : repo_ticket_overdue_exists(db, queue_id);
			if (rc > 0)
				rc = repo_ticket_take(db, queue_id, steal, TAKE_OVERDUE, taken);
			if (rc == 0)
				rc = repo_ticket_take(db, queue_id, steal, TAKE_LEVEL, taken);
		}
		if (rc < 0)
			return db_app_err(rc);
		if (rc > 0)
			return APP_OK;
	}
	taken->ticket.id[0] = '\0';
	return APP_OK;
}

/*
 * Calls ticket id (waiting, locked) at queue_id and desk_id (NULL: no desk), recording a
 * transfer when it comes from elsewhere.
 */
static enum app_err call_ticket(struct db *db, const char *id, const char *from, const char *queue_id,
				const char *desk_id, const char *user_id, const char *reason, const char *at)
{
	long long rc = 0;
	if (strcmp(from, queue_id) != 0)
		rc = repo_event_insert(db, id, "transferred", from, queue_id, user_id, reason);
	if (rc >= 0)
		rc = repo_ticket_mark_called(db, id, user_id, queue_id, desk_id, at);
	if (rc == 0)
		return APP_CONFLICT; /* someone else changed it first */
	/* A call out of order is marked on its event (the fairness report counts it as manual). */
	if (rc > 0)
		rc = strcmp(reason, "manual") == 0 ? repo_event_insert_called_manual(db, id, from, queue_id, user_id, desk_id)
						   : repo_event_insert_called(db, id, from, queue_id, user_id, desk_id);
	return db_app_err(rc);
}

struct call_next_tx {
	struct svc_app *app;
	const struct svc_actor *who;
	const char *queue_id; /* the calling queue; ignored when desk_id is set */
	const char *desk_id;  /* NULL: a call without a desk; else the desk's queue calls, at the desk */
	struct ticket_view *out;
	bool called;
};

static enum app_err call_next_in_tx(struct db *db, void *cls)
{
	struct call_next_tx *t = cls;
	struct queue_lock locked;
	const char *queue_id = t->queue_id;
	struct desk_rec desk;
	enum app_err e;
	t->called = false;
	if (t->desk_id) {
		e = lock_desk_for_call(db, t->who, t->desk_id, &desk);
		if (e != APP_OK)
			return e;
		queue_id = desk.queue_id;
	}
	/* One call-next per queue at a time (its desks included); other queues proceed in parallel. */
	long long rc = repo_queue_lock(db, queue_id, &locked);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	/* At a desk, being signed in there is the permission (checked above). */
	e = t->desk_id ? APP_OK : check_owner(db, t->who, queue_id, locked.user_id);
	if (e != APP_OK)
		return e;
	if (locked.state == QUEUE_CLOSED)
		return APP_CONFLICT;
	e = serve_current(db, queue_id, t->desk_id, t->who->user_id);
	if (e != APP_OK)
		return e;
	/* A paused queue takes no new tickets, stolen ones included; it only serves its own. */
	struct ticket_take taken;
	e = take_next(db, queue_id, locked.policy == POLICY_FIFO, locked.state == QUEUE_OPEN, &taken);
	if (e != APP_OK || !taken.ticket.id[0])
		return e;
	struct ticket_rec *tk = &taken.ticket;
	e = call_ticket(db, tk->id, tk->queue_id, queue_id, t->desk_id, t->who->user_id, "rebalance", taken.now);
	if (e == APP_CONFLICT)
		return APP_RETRY;
	if (e != APP_OK)
		return e;
	t->called = true;
	/* The answer is the row as the call left it (no read back): called at taken.now. */
	char at[TS_STR_LEN];
	if (ids_db_to_rfc3339(taken.now, at) < 0)
		return APP_INTERNAL;
	t->out->t = *tk;
	t->out->t.status = TICKET_CALLED;
	snprintf(t->out->t.queue_id, sizeof t->out->t.queue_id, "%s", queue_id);
	snprintf(t->out->t.called_by, sizeof t->out->t.called_by, "%s", t->who->user_id);
	memcpy(t->out->t.called_date, at, sizeof at);
	memcpy(t->out->t.updated_date, at, sizeof at);
	if (t->desk_id) {
		snprintf(t->out->t.desk_id, sizeof t->out->t.desk_id, "%s", desk.id);
		snprintf(t->out->t.desk_name, sizeof t->out->t.desk_name, "%s", desk.name);
	}
	t->out->position = t->out->estimated_wait_seconds = 0;
	return APP_OK;
}

enum app_err svc_ticket_call_next(struct svc_app *app, const struct svc_actor *who, const char *queue_id,
				  struct ticket_view *out, bool *called)
{
	struct call_next_tx t = {app, who, queue_id, NULL, out, false};
	enum app_err e = db_tx_run(app->db, "call next", call_next_in_tx, &t);
	*called = t.called;
	return e;
}

enum app_err svc_ticket_call_next_at_desk(struct svc_app *app, const struct svc_actor *who, const char *desk_id,
					  struct ticket_view *out, bool *called)
{
	struct call_next_tx t = {app, who, NULL, desk_id, out, false};
	enum app_err e = db_tx_run(app->db, "desk call next", call_next_in_tx, &t);
	*called = t.called;
	return e;
}

/* A ticket may only move to a queue that serves its priority. */
static enum app_err check_serves(struct db *db, const char *queue_id, const char *priority_id)
{
	struct queue_rec *q = malloc(sizeof *q);
	if (!q)
		return APP_INTERNAL;
	long long rc = repo_queue_get_by_id(db, queue_id, q);
	bool serves = false;
	for (size_t i = 0; rc > 0 && i < q->npriorities; i++)
		serves = serves || strcmp(q->priority_ids[i], priority_id) == 0;
	free(q);
	if (rc < 0)
		return db_app_err(rc);
	return serves ? APP_OK : APP_CONFLICT;
}

struct apply_tx {
	struct svc_app *app;
	const struct svc_actor *who;
	const char *id;
	enum ticket_op op;
	const char *to_queue;
	const char *desk_id; /* call only: the desk that calls (NULL: none) */
	struct field_errors *fe;
	struct ticket_view *out;
};

static enum app_err apply_in_tx(struct db *db, void *cls)
{
	struct apply_tx *t = cls;
	struct ticket_rec cur;
	long long rc = repo_ticket_get(db, t->id, true, &cur);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	enum ticket_status to;
	if (!ticket_transition(cur.status, t->op, &to))
		return APP_CONFLICT;

	/* A call at a desk calls into the desk's queue; a queue named as well must be that one. */
	struct desk_rec desk;
	const char *to_queue = t->to_queue;
	const char *desk_id = t->op == TICKET_OP_CALL ? t->desk_id : NULL;
	enum app_err e;
	if (desk_id) {
		e = lock_desk_for_call(db, t->who, desk_id, &desk);
		if (e == APP_NOT_FOUND)
			field_errors_add(t->fe, "desk_id", "does not name a desk");
		else if (e == APP_OK && to_queue && to_queue[0] && strcmp(to_queue, desk.queue_id) != 0)
			field_errors_add(t->fe, "desk_id", "is not a desk of queue_id");
		if (t->fe->n)
			return APP_INVALID;
		if (e != APP_OK)
			return e;
		to_queue = desk.queue_id;
	}

	/* The queue whose attendant may act: the target for call and transfer, else the ticket's own. */
	const char *acting_queue = (t->op == TICKET_OP_CALL || t->op == TICKET_OP_TRANSFER) ? to_queue : cur.queue_id;
	struct queue_lock acting;
	rc = repo_queue_lock(db, acting_queue, &acting);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0)
		return APP_NOT_FOUND;
	/* At a desk, being signed in there is the permission (checked above). */
	e = desk_id ? APP_OK : check_owner(db, t->who, acting_queue, acting.user_id);
	if (e != APP_OK && t->op == TICKET_OP_TRANSFER) {
		/* Sending a ticket away is also up to the attendant of the queue it leaves. */
		struct queue_lock leaving;
		rc = repo_queue_lock(db, cur.queue_id, &leaving);
		if (rc < 0)
			return db_app_err(rc);
		e = check_owner(db, t->who, cur.queue_id, leaving.user_id);
	}
	if (e != APP_OK)
		return e;

	const char *user = t->who->user_id;
	switch (t->op) {
	case TICKET_OP_SERVE:
	case TICKET_OP_NO_SHOW:
	case TICKET_OP_CANCEL:
	case TICKET_OP_REQUEUE:
		rc = repo_ticket_set_status(db, cur.id, cur.status, to);
		if (rc == 0)
			return APP_CONFLICT;
		if (rc > 0)
			rc = repo_event_insert(db, cur.id, ticket_op_event(t->op), cur.queue_id, NULL, user, NULL);
		break;
	case TICKET_OP_RECALL:
		rc = repo_ticket_recall(db, cur.id);
		if (rc == 0)
			return APP_CONFLICT;
		if (rc > 0)
			rc = repo_event_insert(db, cur.id, "recalled", cur.queue_id, NULL, user, NULL);
		break;
	case TICKET_OP_TRANSFER:
		/* Only an open queue takes new tickets. */
		if (acting.state != QUEUE_OPEN || strcmp(t->to_queue, cur.queue_id) == 0)
			return APP_CONFLICT;
		e = check_serves(db, t->to_queue, cur.priority_id);
		if (e != APP_OK)
			return e;
		rc = repo_ticket_move(db, cur.id, cur.status, t->to_queue);
		if (rc == 0)
			return APP_CONFLICT;
		if (rc > 0)
			rc = repo_event_insert(db, cur.id, "transferred", cur.queue_id, t->to_queue, user, "manual");
		break;
	case TICKET_OP_CALL:
		if (acting.state == QUEUE_CLOSED)
			return APP_CONFLICT;
		if (strcmp(to_queue, cur.queue_id) != 0 && (e = check_serves(db, to_queue, cur.priority_id)) != APP_OK)
			return e;
		e = serve_current(db, to_queue, desk_id, user);
		if (e == APP_OK)
			e = call_ticket(db, cur.id, cur.queue_id, to_queue, desk_id, user, "manual", NULL);
		if (e != APP_OK)
			return e;
		break;
	default:
		return APP_CONFLICT;
	}
	if (rc < 0)
		return db_app_err(rc);
	return load_view(t->app, db, cur.id, t->out);
}

enum app_err svc_ticket_apply(struct svc_app *app, const struct svc_actor *who, const char *ticket_id,
			      enum ticket_op op, const char *to_queue, struct ticket_view *out)
{
	struct field_errors fe;
	field_errors_init(&fe);
	struct apply_tx t = {app, who, ticket_id, op, to_queue, NULL, &fe, out};
	return db_tx_run(app->db, "ticket change", apply_in_tx, &t);
}

enum app_err svc_ticket_call_at(struct svc_app *app, const struct svc_actor *who, const char *ticket_id,
				const char *to_queue, const char *desk_id, struct field_errors *fe,
				struct ticket_view *out)
{
	struct apply_tx t = {app, who, ticket_id, TICKET_OP_CALL, to_queue, desk_id, fe, out};
	return db_tx_run(app->db, "ticket call", apply_in_tx, &t);
}

enum app_err svc_ticket_desk_of_user(struct svc_app *app, const char *user_id, char out[UUID_STR_LEN])
{
	long long rc = repo_desk_of_user(app->db, user_id, out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_ticket_events(struct svc_app *app, const char *ticket_id, struct event_rec **out, size_t *n)
{
	struct ticket_rec t;
	*out = NULL;
	*n = 0;
	long long rc = repo_ticket_get(app->db, ticket_id, false, &t);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	rc = repo_event_list(app->db, ticket_id, out, n);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_ticket_queue_of_user(struct svc_app *app, const char *user_id, char out[UUID_STR_LEN])
{
	struct queue_filter f = {NULL, user_id, "created_date", 1, 0};
	struct queue_list l;
	long long total = 0;
	out[0] = '\0';
	long long rc = repo_queue_list(app->db, &f, &l, &total);
	if (rc < 0)
		return db_app_err(rc);
	if (l.n)
		snprintf(out, UUID_STR_LEN, "%s", l.items[0].id);
	queue_list_free(&l);
	return APP_OK;
}

/*
 * Two statements: the queues with their desks (repo_queue_board), and the waiting tickets
 * ranked once in call order with the forecast inputs, which give both the next codes and the
 * SLA risk counts (svc_explain_waiting_ranks, the row source of svc_explain_at_risk).
 */
enum app_err svc_board(struct svc_app *app, struct board_row **rows, size_t *n)
{
	struct board_row *queues = NULL;
	struct board_desk *desks = NULL;
	size_t nq = 0, nd = 0;
	*rows = NULL;
	*n = 0;
	long long rc = repo_queue_board(app->db, &queues, &nq, &desks, &nd);
	if (rc < 0)
		return db_app_err(rc);
	/*
	 * Rows and desks go into one block, so the caller's free(*rows) releases both. Each
	 * queue points at its run of desks (the query groups them by queue).
	 */
	struct board_row *all = malloc(nq * sizeof *all + nd * sizeof *desks + 1);
	if (!all) {
		free(queues);
		free(desks);
		return APP_INTERNAL;
	}
	struct board_desk *packed = (struct board_desk *)(all + nq);
	if (nq)
		memcpy(all, queues, nq * sizeof *all);
	if (nd)
		memcpy(packed, desks, nd * sizeof *desks);
	free(queues);
	free(desks);
	for (size_t i = 0; i < nq; i++) {
		all[i].desks = NULL;
		all[i].ndesks = 0;
		all[i].nnext = 0;
		all[i].at_risk = 0;
		for (size_t k = 0; k < nd; k++) {
			if (strcmp(packed[k].queue_id, all[i].queue_id) != 0)
				continue;
			if (!all[i].desks)
				all[i].desks = &packed[k];
			all[i].ndesks++;
		}
	}
	struct waiting_ranks w;
	struct queue_at_risk *risk = NULL;
	size_t nrisk = 0;
	long long total = 0;
	enum app_err e = svc_explain_waiting_ranks(app, BOARD_NEXT_CODES, &w);
	/* SPEC 14: how many waiting tickets of each queue are at risk of missing their SLA. */
	if (e == APP_OK)
		e = svc_explain_count_at_risk(app, &w, &risk, &nrisk, &total);
	if (e != APP_OK) {
		waiting_ranks_free(&w);
		free(all);
		return e;
	}
	/* The next codes: ranks 1 to BOARD_NEXT_CODES of each queue, whatever order they came in. */
	for (size_t k = 0; k < w.nrows; k++) {
		const struct risk_row *r = &w.rows[k];
		if (r->rank < 1 || r->rank > BOARD_NEXT_CODES)
			continue;
		for (size_t i = 0; i < nq; i++) {
			if (strcmp(all[i].queue_id, r->queue_id) != 0)
				continue;
			snprintf(all[i].next[r->rank - 1], sizeof all[i].next[0], "%s", r->code);
			if ((size_t)r->rank > all[i].nnext)
				all[i].nnext = (size_t)r->rank;
			break;
		}
	}
	for (size_t i = 0; i < nq; i++)
		for (size_t k = 0; k < nrisk; k++)
			if (strcmp(risk[k].queue_id, all[i].queue_id) == 0)
				all[i].at_risk = risk[k].at_risk;
	free(risk);
	waiting_ranks_free(&w);
	*rows = all;
	*n = nq;
	return APP_OK;
}

enum app_err svc_ticket_public(struct svc_app *app, const char *id, struct public_view *out)
{
	memset(out, 0, sizeof *out);
	long long rc = repo_ticket_public(app->db, id, &out->p);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	struct ticket_view v;
	enum app_err e = load_view(app, app->db, id, &v);
	if (e != APP_OK)
		return e;
	out->position = v.position;
	out->estimated_wait_seconds = v.estimated_wait_seconds;
	return APP_OK;
}

enum app_err svc_queue_public_waiting(struct svc_app *app, const char *queue_id, long long limit,
				      struct public_view **views, size_t *n)
{
	*views = NULL;
	*n = 0;
	struct public_ticket *rows = NULL;
	size_t nrows = 0;
	long long rc = repo_ticket_public_waiting(app->db, queue_id, limit, &rows, &nrows);
	if (rc < 0)
		return db_app_err(rc);
	if (nrows == 0) {
		free(rows);
		return APP_OK;
	}
	struct forecast_basis b;
	enum app_err e = basis_of(app, app->db, queue_id, &b);
	struct public_view *out = e == APP_OK ? calloc(nrows, sizeof *out) : NULL;
	if (!out) {
		free(rows);
		return e != APP_OK ? e : APP_INTERNAL;
	}
	for (size_t i = 0; i < nrows; i++) {
		out[i].p = rows[i];
		out[i].position = (long long)i + 1;
		out[i].estimated_wait_seconds = forecast_wait(&b, out[i].position);
	}
	free(rows);
	*views = out;
	*n = nrows;
	return APP_OK;
}

struct restart_tx {
	const char *today;
	long long expired;
};

static enum app_err restart_in_tx(struct db *db, void *cls)
{
	struct restart_tx *t = cls;
	long long rc = repo_ticket_expire_before(db, t->today);
	if (rc < 0)
		return db_app_err(rc);
	t->expired = rc;
	return APP_OK;
}

enum app_err svc_schedule_restart(struct svc_app *app, const char *today, long long *expired)
{
	struct restart_tx t = {today, 0};
	enum app_err e = db_tx_run(app->db, "schedule restart", restart_in_tx, &t);
	*expired = t.expired;
	return e;
}
