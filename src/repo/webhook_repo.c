#include "repo/webhook_repo.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const webhook_repo_sorts[] = {"created_date", "-created_date", "url", "-url", NULL};

static struct db_arg str_or_null(const char *s)
{
	return db_str(s && *s ? s : NULL);
}

static void read_webhook(const struct db_row *row, struct webhook_rec *w)
{
	row_copy(row, 0, w->id, sizeof w->id);
	row_copy(row, 1, w->url, sizeof w->url);
	row_copy(row, 2, w->events, sizeof w->events);
	row_copy(row, 3, w->description, sizeof w->description);
	w->state = db_row_int(row, 4) != 0;
	row_copy(row, 5, w->secret, sizeof w->secret);
	row_copy(row, 6, w->previous_secret, sizeof w->previous_secret);
	w->previous_valid = db_row_int(row, 7) != 0;
	row_time(row, 8, w->created_date);
	row_time(row, 9, w->updated_date);
}

static int one_webhook(void *cls, const struct db_row *row)
{
	read_webhook(row, cls);
	return 0;
}

static int append_webhook(void *cls, const struct db_row *row)
{
	struct webhook_list *l = cls;
	struct webhook_rec *w = row_append(&l->items, &l->n, sizeof *w);
	if (!w)
		return DB_HARD;
	read_webhook(row, w);
	return 0;
}

long long repo_webhook_insert(struct db *db, const struct webhook_rec *w)
{
	return db_exec(db, STMT_WEBHOOK_INSERT,
		       DB_ARGS(db_str(w->id), db_str(w->url), db_str(w->events), db_str(w->description),
			       db_int(w->state), db_str(w->secret)));
}

long long repo_webhook_get_by_id(struct db *db, const char *id, struct webhook_rec *out)
{
	memset(out, 0, sizeof *out);
	return db_query(db, STMT_WEBHOOK_GET_BY_ID, DB_ARGS(db_str(id)), one_webhook, out);
}

long long repo_webhook_list(struct db *db, const struct webhook_filter *f, struct webhook_list *out,
			    long long *total)
{
	memset(out, 0, sizeof *out);
	struct db_arg state = f->state < 0 ? db_null() : db_int(f->state);
	long long rc = db_query(db, STMT_WEBHOOK_COUNT, DB_ARGS(state, state), row_count, total);
	if (rc < 0)
		return rc;
	rc = db_query(db, STMT_WEBHOOK_LIST,
		      DB_ARGS(state, state, db_str(f->sort), db_str(f->sort), db_str(f->sort), db_str(f->sort),
			      db_int(f->limit), db_int(f->offset)),
		      append_webhook, out);
	if (rc < 0)
		webhook_list_free(out);
	return rc;
}

void webhook_list_free(struct webhook_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_webhook_update(struct db *db, const struct webhook_rec *w)
{
	return db_exec(db, STMT_WEBHOOK_UPDATE,
		       DB_ARGS(db_str(w->url), db_str(w->events), db_str(w->description), db_int(w->state),
			       db_str(w->id)));
}

long long repo_webhook_set_state(struct db *db, const char *id, bool state)
{
	return db_exec(db, STMT_WEBHOOK_SET_STATE, DB_ARGS(db_int(state), db_str(id)));
}

long long repo_webhook_rotate(struct db *db, const char *id, const char *secret)
{
	return db_exec(db, STMT_WEBHOOK_ROTATE, DB_ARGS(db_str(secret), db_str(id)));
}

static int append_delivery(void *cls, const struct db_row *row)
{
	struct delivery_list *l = cls;
	struct delivery_rec *d = row_append(&l->items, &l->n, sizeof *d);
	if (!d)
		return DB_HARD;
	row_copy(row, 0, d->id, sizeof d->id);
	row_copy(row, 1, d->type, sizeof d->type);
	d->seq = db_row_int(row, 2);
	row_copy(row, 3, d->status, sizeof d->status);
	d->attempts = db_row_int(row, 4);
	d->last_status_code = db_row_int(row, 5);
	row_copy(row, 6, d->last_error, sizeof d->last_error);
	row_time(row, 7, d->next_attempt_at);
	row_time(row, 8, d->created_date);
	row_time(row, 9, d->delivered_date);
	return 0;
}

long long repo_delivery_list(struct db *db, const char *webhook_id, const char *status, long long limit,
			     long long offset, struct delivery_list *out, long long *total)
{
	memset(out, 0, sizeof *out);
	long long rc = db_query(db, STMT_DELIVERY_COUNT, DB_ARGS(db_str(webhook_id), db_str(status), db_str(status)),
				row_count, total);
	if (rc < 0)
		return rc;
	rc = db_query(db, STMT_DELIVERY_LIST,
		      DB_ARGS(db_str(webhook_id), db_str(status), db_str(status), db_int(limit), db_int(offset)),
		      append_delivery, out);
	if (rc < 0)
		delivery_list_free(out);
	return rc;
}

void delivery_list_free(struct delivery_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_delivery_retry(struct db *db, const char *id, const char *webhook_id)
{
	long long rc = db_exec(db, STMT_DELIVERY_RETRY, DB_ARGS(db_str(id), db_str(webhook_id)));
	if (rc > 0)
		db_note_relay_work(db);
	return rc;
}

long long repo_delivery_insert_test(struct db *db, const char *id, const char *webhook_id, const char *payload)
{
	long long rc = db_exec(db, STMT_DELIVERY_INSERT_TEST, DB_ARGS(db_str(id), db_str(webhook_id), db_str(payload)));
	if (rc > 0)
		db_note_relay_work(db);
	return rc;
}

long long repo_delivery_for_appointment(struct db *db, const char *appointment_id, const char *event)
{
	long long rc = db_exec(db, STMT_DELIVERY_FOR_APPOINTMENT,
			       DB_ARGS(db_str(event), db_str(event), db_str(event), db_str(appointment_id)));
	if (rc > 0)
		db_note_relay_work(db);
	return rc;
}

long long repo_delivery_set_payload(struct db *db, long long seq, const char *payload)
{
	return db_exec(db, STMT_DELIVERY_SET_PAYLOAD, DB_ARGS(db_str(payload), db_int(seq)));
}

struct due_list {
	struct delivery_due *items;
	size_t n;
};

static char *dup_col(const struct db_row *row, unsigned col)
{
	const char *s = db_row_str(row, col);
	return s ? strndup(s, db_row_len(row, col)) : NULL;
}

static int append_due(void *cls, const struct db_row *row)
{
	struct due_list *l = cls;
	struct delivery_due *d = row_append(&l->items, &l->n, sizeof *d);
	if (!d)
		return DB_HARD;
	row_copy(row, 0, d->id, sizeof d->id);
	row_copy(row, 1, d->webhook_id, sizeof d->webhook_id);
	row_copy(row, 2, d->type, sizeof d->type);
	d->payload = dup_col(row, 3);
	row_copy(row, 4, d->ticket_id, sizeof d->ticket_id);
	d->attempts = db_row_int(row, 5);
	d->url = dup_col(row, 6);
	d->webhook_state = db_row_int(row, 7) != 0;
	row_copy(row, 8, d->secret, sizeof d->secret);
	row_copy(row, 9, d->previous_secret, sizeof d->previous_secret);
	if (!d->url || (!d->payload && !db_row_is_null(row, 3)))
		return DB_HARD;
	return 0;
}

long long repo_delivery_due(struct db *db, long long limit, struct delivery_due **out, size_t *n)
{
	struct due_list l = {NULL, 0};
	long long rc = db_query(db, STMT_DELIVERY_DUE, DB_ARGS(db_int(limit)), append_due, &l);
	if (rc < 0) {
		delivery_due_free(l.items, l.n);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

void delivery_due_free(struct delivery_due *d, size_t n)
{
	for (size_t i = 0; d && i < n; i++) {
		free(d[i].payload);
		free(d[i].url);
	}
	free(d);
}

long long repo_delivery_claim(struct db *db, const char *id, long long seconds)
{
	return db_exec(db, STMT_DELIVERY_CLAIM, DB_ARGS(db_int(seconds), db_str(id)));
}

/* args[0] = first, args[1..DELIVERY_BATCH] = the ids, padded with "" (no id); the sum of the counts. */
static long long batch(struct db *db, enum stmt_id id, struct db_arg first, const char (*ids)[UUID_STR_LEN], size_t n)
{
	long long total = 0;
	for (size_t from = 0; from < n; from += DELIVERY_BATCH) {
		struct db_arg args[DELIVERY_BATCH + 1];
		args[0] = first;
		for (size_t i = 0; i < DELIVERY_BATCH; i++)
			args[i + 1] = db_str(from + i < n ? ids[from + i] : "");
		long long rc = db_exec(db, id, args, DELIVERY_BATCH + 1);
		if (rc < 0)
			return rc;
		total += rc;
	}
	return total;
}

long long repo_delivery_claim_batch(struct db *db, const char (*ids)[UUID_STR_LEN], size_t n, long long seconds)
{
	return batch(db, STMT_DELIVERY_CLAIM_BATCH, db_int(seconds), ids, n);
}

long long repo_delivery_delivered_batch(struct db *db, const char (*ids)[UUID_STR_LEN], size_t n,
					long long status_code)
{
	return batch(db, STMT_DELIVERY_DELIVERED_BATCH, db_int(status_code), ids, n);
}

long long repo_delivery_delivered(struct db *db, const char *id, long long status_code, const char *payload)
{
	return db_exec(db, STMT_DELIVERY_DELIVERED, DB_ARGS(db_int(status_code), db_str(payload), db_str(id)));
}

long long repo_delivery_reschedule(struct db *db, const char *id, long long status_code, const char *error,
				   long long delay_ms, const char *payload)
{
	return db_exec(db, STMT_DELIVERY_RESCHEDULE,
		       DB_ARGS(status_code ? db_int(status_code) : db_null(), str_or_null(error), db_int(delay_ms),
			       db_str(payload), db_str(id)));
}

long long repo_delivery_failed(struct db *db, const char *id, bool attempted, long long status_code,
			       const char *error, const char *payload)
{
	return db_exec(db, STMT_DELIVERY_FAILED,
		       DB_ARGS(db_int(attempted ? 1 : 0), status_code ? db_int(status_code) : db_null(),
			       str_or_null(error), db_str(payload), db_str(id)));
}

long long repo_delivery_pending_count(struct db *db, long long *count)
{
	*count = 0;
	return db_query(db, STMT_DELIVERY_PENDING_COUNT, DB_NO_ARGS, row_count, count);
}
