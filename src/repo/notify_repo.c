#include "repo/notify_repo.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

void notify_claim_free(struct notify_claim *c)
{
	if (!c)
		return;
	free(c->subject);
	free(c->body);
	c->subject = c->body = NULL;
}

long long repo_notify_prefs_insert(struct db *db, const char *ticket_id, const struct notify_prefs *p)
{
	return db_exec(db, STMT_NOTIFY_PREFS_INSERT,
		       DB_ARGS(db_str(ticket_id), db_int(p->email), db_int(p->sms), db_int(p->ahead),
			       db_int(p->near_sent)));
}

static int prefs_row(void *cls, const struct db_row *row)
{
	struct notify_prefs *p = cls;
	p->email = db_row_int(row, 0) != 0;
	p->sms = db_row_int(row, 1) != 0;
	p->ahead = (long)db_row_int(row, 2);
	p->near_sent = db_row_int(row, 3) != 0;
	return 0;
}

long long repo_notify_prefs_get(struct db *db, const char *ticket_id, struct notify_prefs *out)
{
	memset(out, 0, sizeof *out);
	return db_query(db, STMT_NOTIFY_PREFS_GET, DB_ARGS(db_str(ticket_id)), prefs_row, out);
}

struct near_list {
	struct notify_near_candidate *items;
	size_t n;
};

static int near_row(void *cls, const struct db_row *row)
{
	struct near_list *l = cls;
	struct notify_near_candidate *c = row_append(&l->items, &l->n, sizeof *c);
	if (!c)
		return DB_HARD;
	row_copy(row, 0, c->ticket_id, sizeof c->ticket_id);
	c->ahead = (long)db_row_int(row, 1);
	return 0;
}

long long repo_notify_near_candidates(struct db *db, const char *queue_id, struct notify_near_candidate **out,
				      size_t *n)
{
	struct near_list l = {NULL, 0};
	long long rc = db_query(db, STMT_NOTIFY_NEAR_CANDIDATES, DB_ARGS(db_str(queue_id)), near_row, &l);
	*out = l.items;
	*n = l.n;
	return rc;
}

long long repo_notify_near_mark(struct db *db, const char *ticket_id)
{
	return db_exec(db, STMT_NOTIFY_NEAR_MARK, DB_ARGS(db_str(ticket_id)));
}

static int context_row(void *cls, const struct db_row *row)
{
	struct notify_ticket_context *c = cls;
	row_copy(row, 0, c->code, sizeof c->code);
	row_copy(row, 1, c->status, sizeof c->status);
	row_copy(row, 2, c->queue_id, sizeof c->queue_id);
	row_copy(row, 3, c->queue_name, sizeof c->queue_name);
	row_copy(row, 4, c->email, sizeof c->email);
	row_copy(row, 5, c->phone, sizeof c->phone);
	return 0;
}

long long repo_notify_ticket_context(struct db *db, const char *ticket_id, struct notify_ticket_context *out)
{
	memset(out, 0, sizeof *out);
	return db_query(db, STMT_NOTIFY_TICKET_CONTEXT, DB_ARGS(db_str(ticket_id)), context_row, out);
}

static int appointment_context_row(void *cls, const struct db_row *row)
{
	struct notify_appointment_context *c = cls;
	row_copy(row, 0, c->queue_name, sizeof c->queue_name);
	c->start = db_row_int(row, 1);
	row_copy(row, 2, c->email, sizeof c->email);
	row_copy(row, 3, c->phone, sizeof c->phone);
	return 0;
}

long long repo_notify_appointment_context(struct db *db, const char *appointment_id,
					  struct notify_appointment_context *out)
{
	memset(out, 0, sizeof *out);
	return db_query(db, STMT_NOTIFY_APPOINTMENT_CONTEXT, DB_ARGS(db_str(appointment_id)), appointment_context_row,
			out);
}

long long repo_notify_insert(struct db *db, const struct notify_new *n)
{
	return db_exec(db, STMT_NOTIFY_INSERT,
		       DB_ARGS(db_str(n->id), db_str(n->ticket_id), db_str(n->appointment_id), db_str(n->channel),
			       db_str(n->kind), db_str(n->to), db_str(n->subject), db_str(n->body),
			       db_str(n->message_id), db_str(n->dedupe_key), db_str(n->status),
			       db_str(n->last_error)));
}

struct rec_list {
	struct notify_rec *items;
	size_t n;
};

static int rec_row(void *cls, const struct db_row *row)
{
	struct rec_list *l = cls;
	struct notify_rec *r = row_append(&l->items, &l->n, sizeof *r);
	if (!r)
		return DB_HARD;
	row_copy(row, 0, r->id, sizeof r->id);
	row_copy(row, 1, r->channel, sizeof r->channel);
	row_copy(row, 2, r->kind, sizeof r->kind);
	row_copy(row, 3, r->to, sizeof r->to);
	row_copy(row, 4, r->status, sizeof r->status);
	r->attempts = db_row_int(row, 5);
	r->has_error = !db_row_is_null(row, 6);
	row_copy(row, 6, r->last_error, sizeof r->last_error);
	row_time(row, 7, r->created_date);
	row_time(row, 8, r->sent_date);
	return 0;
}

long long repo_notify_list_by_ticket(struct db *db, const char *ticket_id, struct notify_rec **out, size_t *n)
{
	struct rec_list l = {NULL, 0};
	long long rc = db_query(db, STMT_NOTIFY_LIST_BY_TICKET, DB_ARGS(db_str(ticket_id)), rec_row, &l);
	*out = l.items;
	*n = l.n;
	return rc;
}

static int now_row(void *cls, const struct db_row *row)
{
	row_copy(row, 0, cls, 32);
	return 0;
}

long long repo_notify_now(struct db *db, char out[32])
{
	out[0] = '\0';
	return db_query(db, STMT_NOTIFY_NOW, DB_NO_ARGS, now_row, out);
}

static int claim_row(void *cls, const struct db_row *row)
{
	struct notify_claim *c = cls;
	row_copy(row, 0, c->id, sizeof c->id);
	row_copy(row, 1, c->channel, sizeof c->channel);
	row_copy(row, 2, c->to, sizeof c->to);
	const char *s = db_row_str(row, 3), *b = db_row_str(row, 4);
	c->subject = strndup(s ? s : "", db_row_len(row, 3));
	c->body = strndup(b ? b : "", db_row_len(row, 4));
	row_copy(row, 5, c->message_id, sizeof c->message_id);
	c->attempts = db_row_int(row, 6) + 1;
	return c->subject && c->body ? 0 : DB_HARD;
}

long long repo_notify_claim(struct db *db, const char *before, const char *claim_token, long lease_s,
			    struct notify_claim *out)
{
	return repo_notify_claim_channel(db, before, NULL, claim_token, lease_s, out);
}

long long repo_notify_claim_channel(struct db *db, const char *before, const char *channel, const char *claim_token,
				    long lease_s, struct notify_claim *out)
{
	memset(out, 0, sizeof *out);
	long long rc = channel ? db_query(db, STMT_NOTIFY_CLAIM_NEXT_CHANNEL, DB_ARGS(db_str(before), db_str(channel)),
					  claim_row, out)
			       : db_query(db, STMT_NOTIFY_CLAIM_NEXT, DB_ARGS(db_str(before)), claim_row, out);
	if (rc <= 0) {
		notify_claim_free(out);
		return rc;
	}
	rc = db_exec(db, STMT_NOTIFY_MARK_CLAIMED, DB_ARGS(db_str(claim_token), db_int(lease_s), db_str(out->id)));
	if (rc <= 0) {
		notify_claim_free(out);
		return rc < 0 ? rc : DB_HARD; /* locked and pending a moment ago */
	}
	return 1;
}

long long repo_notify_mark_sent(struct db *db, const char *id, const char *claim_token)
{
	return db_exec(db, STMT_NOTIFY_MARK_SENT, DB_ARGS(db_str(id), db_str(claim_token)));
}

long long repo_notify_mark_retry(struct db *db, const char *id, const char *claim_token, const char *error,
				 long delay_s)
{
	return db_exec(db, STMT_NOTIFY_MARK_RETRY,
		       DB_ARGS(db_str(error), db_int(delay_s), db_str(id), db_str(claim_token)));
}

long long repo_notify_mark_failed(struct db *db, const char *id, const char *claim_token, const char *error)
{
	return db_exec(db, STMT_NOTIFY_MARK_FAILED, DB_ARGS(db_str(error), db_str(id), db_str(claim_token)));
}
