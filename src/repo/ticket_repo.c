#include "repo/ticket_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"
#include "repo/ticket_columns.h"

const char *const ticket_repo_sorts[] = {"created_date", "-created_date", NULL};

/* A row of TICKET_COLUMNS (repo/ticket_columns.h). */
static int read_ticket(const struct db_row *row, struct ticket_rec *t)
{
	if (db_row_columns(row) != TC__COUNT)
		return DB_HARD; /* a statement that does not select TICKET_COLUMNS */
	row_copy(row, TC_ID, t->id, sizeof t->id);
	row_copy(row, TC_CUSTOMER_ID, t->customer_id, sizeof t->customer_id);
	row_copy(row, TC_PRIORITY_ID, t->priority_id, sizeof t->priority_id);
	row_copy(row, TC_QUEUE_ID, t->queue_id, sizeof t->queue_id);
	row_copy(row, TC_SERVICE_DATE, t->service_date, sizeof t->service_date);
	t->number = db_row_int(row, TC_NUMBER);
	row_copy(row, TC_CODE, t->code, sizeof t->code);
	if (row_ticket_status(row, TC_STATUS, &t->status) < 0)
		return DB_HARD;
	row_time(row, TC_CREATED_DATE, t->created_date);
	row_time(row, TC_CALLED_DATE, t->called_date);
	row_time(row, TC_SERVED_DATE, t->served_date);
	row_copy(row, TC_CALLED_BY, t->called_by, sizeof t->called_by);
	row_time(row, TC_UPDATED_DATE, t->updated_date);
	t->quoted_wait_seconds = db_row_int(row, TC_QUOTED_WAIT_SECONDS);
	row_copy(row, TC_ISSUED_QUEUE_ID, t->issued_queue_id, sizeof t->issued_queue_id);
	row_copy(row, TC_DESK_ID, t->desk_id, sizeof t->desk_id);
	row_copy(row, TC_DESK_NAME, t->desk_name, sizeof t->desk_name);
	row_time(row, TC_DUE_DATE, t->due_date);
	/* SPEC 14: the deadline and the quoted range; NULL is "none". */
	t->sla_deadline_ms = db_row_is_null(row, TC_SLA_DEADLINE_MS) ? -1 : db_row_int(row, TC_SLA_DEADLINE_MS);
	t->quoted_wait_low = db_row_is_null(row, TC_QUOTED_WAIT_LOW) ? -1 : db_row_int(row, TC_QUOTED_WAIT_LOW);
	t->quoted_wait_high = db_row_is_null(row, TC_QUOTED_WAIT_HIGH) ? -1 : db_row_int(row, TC_QUOTED_WAIT_HIGH);
	return 0;
}

static int one_ticket(void *cls, const struct db_row *row)
{
	return read_ticket(row, cls);
}

static int append_ticket(void *cls, const struct db_row *row)
{
	struct ticket_list *l = cls;
	struct ticket_rec *slot = row_append(&l->items, &l->n, sizeof *slot);
	if (!slot)
		return DB_HARD;
	return read_ticket(row, slot);
}

struct prio_out {
	int *level, *max_wait;
	bool *state;
};

static int prio_row(void *cls, const struct db_row *row)
{
	struct prio_out *o = cls;
	*o->level = (int)db_row_int(row, 0);
	*o->max_wait = (int)db_row_int(row, 1);
	*o->state = db_row_int(row, 2) != 0;
	return 0;
}

long long repo_ticket_priority_info(struct db *db, const char *priority_id, int *level, int *max_wait, bool *state)
{
	struct prio_out o = {level, max_wait, state};
	return db_query(db, STMT_TICKET_PRIORITY_INFO, DB_ARGS(db_str(priority_id)), prio_row, &o);
}

static int bool_row(void *cls, const struct db_row *row)
{
	*(bool *)cls = db_row_int(row, 0) != 0;
	return 0;
}

long long repo_ticket_customer_state(struct db *db, const char *customer_id, bool *state)
{
	return db_query(db, STMT_TICKET_CUSTOMER_STATE, DB_ARGS(db_str(customer_id)), bool_row, state);
}

long long repo_ticket_next_number(struct db *db, const char *queue_id, const char *service_date, long long *number)
{
	*number = 0;
	long long rc = db_exec_insert_id(db, STMT_COUNTER_BUMP, DB_ARGS(db_str(queue_id), db_str(service_date)), number);
	return rc < 0 ? rc : (*number > 0 ? 1 : DB_HARD);
}

long long repo_ticket_insert(struct db *db, const struct ticket_rec *t, int level, int max_wait_minutes,
			     const char *due_date, const char *now)
{
	return db_exec(db, STMT_TICKET_INSERT,
		       DB_ARGS(db_str(t->id), db_str(t->customer_id), db_str(t->priority_id), db_int(level),
			       db_str(t->queue_id), db_str(t->issued_queue_id), db_str(t->service_date), db_int(t->number),
			       db_str(t->code), db_str(due_date), db_str(now), db_int(max_wait_minutes), db_str(due_date),
			       db_str(now), db_int(max_wait_minutes), db_int(t->quoted_wait_seconds), db_str(now),
			       db_str(now), t->quoted_wait_low >= 0 ? db_int(t->quoted_wait_low) : db_null(),
			       t->quoted_wait_high >= 0 ? db_int(t->quoted_wait_high) : db_null()));
}

long long repo_ticket_get(struct db *db, const char *id, bool for_update, struct ticket_rec *out)
{
	return db_query(db, for_update ? STMT_TICKET_GET_FOR_UPDATE : STMT_TICKET_GET_BY_ID, DB_ARGS(db_str(id)),
			one_ticket, out);
}

long long repo_ticket_list(struct db *db, const struct ticket_filter *f, struct ticket_list *out, long long *total)
{
	memset(out, 0, sizeof *out);
	long long rc = db_query(db, STMT_TICKET_COUNT,
				DB_ARGS(db_str(f->queue_id), db_str(f->queue_id), db_str(f->status), db_str(f->status),
					db_str(f->service_date), db_str(f->service_date), db_str(f->customer_id),
					db_str(f->customer_id)),
				row_count, total);
	if (rc < 0)
		return rc;
	rc = db_query(db, STMT_TICKET_LIST,
		      DB_ARGS(db_str(f->queue_id), db_str(f->queue_id), db_str(f->status), db_str(f->status),
			      db_str(f->service_date), db_str(f->service_date), db_str(f->customer_id),
			      db_str(f->customer_id), db_str(f->sort), db_str(f->sort), db_int(f->limit),
			      db_int(f->offset)),
		      append_ticket, out);
	if (rc < 0)
		ticket_list_free(out);
	return rc;
}

void ticket_list_free(struct ticket_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_ticket_position(struct db *db, const char *id, long long *position)
{
	*position = 0;
	long long rc = db_query(db, STMT_TICKET_POSITION, DB_ARGS(db_str(id)), row_count, position);
	return rc < 0 ? rc : (*position > 0);
}

struct ranks_cb {
	void (*each_rank)(void *cls, const char *id, long long position);
	void *cls;
};

static int rank_row(void *cls, const struct db_row *row)
{
	struct ranks_cb *r = cls;
	char id[UUID_STR_LEN];
	row_copy(row, 0, id, sizeof id);
	r->each_rank(r->cls, id, db_row_int(row, 1));
	return 0;
}

long long repo_ticket_ranks(struct db *db, const char *queue_id, const char *ids_json,
			    void (*each_rank)(void *cls, const char *id, long long position), void *cls)
{
	struct ranks_cb r = {each_rank, cls};
	return db_query(db, STMT_TICKET_RANKS_OF, DB_ARGS(db_str(queue_id), db_str(ids_json)), rank_row, &r);
}

static int id_row(void *cls, const struct db_row *row)
{
	/* Keep the first: the earliest called when several are. */
	char *id = cls;
	if (!id[0])
		row_copy(row, 0, id, UUID_STR_LEN);
	return 0;
}

long long repo_ticket_called_of_queue(struct db *db, const char *queue_id, char id[UUID_STR_LEN])
{
	id[0] = '\0';
	long long rc = db_query(db, STMT_TICKET_CALLED_OF_QUEUE, DB_ARGS(db_str(queue_id)), id_row, id);
	return rc < 0 ? rc : rc > 0;
}

struct called_out {
	char *id, *queue;
};

static int called_row(void *cls, const struct db_row *row)
{
	/* Keep the first: the earliest called when several are. */
	struct called_out *o = cls;
	if (!o->id[0]) {
		row_copy(row, 0, o->id, UUID_STR_LEN);
		row_copy(row, 1, o->queue, UUID_STR_LEN);
	}
	return 0;
}

long long repo_ticket_called_of_desk(struct db *db, const char *desk_id, char id[UUID_STR_LEN],
				     char queue_id[UUID_STR_LEN])
{
	struct called_out o = {id, queue_id};
	id[0] = queue_id[0] = '\0';
	long long rc = db_query(db, STMT_TICKET_CALLED_OF_DESK, DB_ARGS(db_str(desk_id)), called_row, &o);
	return rc < 0 ? rc : rc > 0;
}

/* TAKE_COLUMNS (stmt.c): id, queue_id, customer_id, priority_id, service_date, number, code,
 * created_date, quoted_wait_seconds, issued_queue_id, due_date, the server's clock, then
 * the SLA deadline (unix ms) and the quoted range as read_ticket has them. */
static int take_row(void *cls, const struct db_row *row)
{
	struct ticket_take *o = cls;
	struct ticket_rec *t = &o->ticket;
	memset(t, 0, sizeof *t);
	row_copy(row, 0, t->id, sizeof t->id);
	row_copy(row, 1, t->queue_id, sizeof t->queue_id);
	row_copy(row, 2, t->customer_id, sizeof t->customer_id);
	row_copy(row, 3, t->priority_id, sizeof t->priority_id);
	row_copy(row, 4, t->service_date, sizeof t->service_date);
	t->number = db_row_int(row, 5);
	row_copy(row, 6, t->code, sizeof t->code);
	row_time(row, 7, t->created_date);
	t->quoted_wait_seconds = db_row_int(row, 8);
	row_copy(row, 9, t->issued_queue_id, sizeof t->issued_queue_id);
	row_time(row, 10, t->due_date);
	t->status = TICKET_WAITING;
	row_copy(row, 11, o->now, sizeof o->now);
	t->sla_deadline_ms = db_row_is_null(row, 12) ? -1 : db_row_int(row, 12);
	t->quoted_wait_low = db_row_is_null(row, 13) ? -1 : db_row_int(row, 13);
	t->quoted_wait_high = db_row_is_null(row, 14) ? -1 : db_row_int(row, 14);
	return 0;
}

long long repo_ticket_overdue_exists(struct db *db, const char *queue_id)
{
	long long any = 0;
	long long rc = db_query(db, STMT_TICKET_OVERDUE_EXISTS, DB_ARGS(db_str(queue_id)), row_count, &any);
	return rc < 0 ? rc : any > 0;
}

long long repo_ticket_take(struct db *db, const char *queue_id, bool steal, enum take_kind kind,
			   struct ticket_take *out)
{
	static const enum stmt_id own[] = {STMT_TICKET_NEXT_OVERDUE, STMT_TICKET_NEXT_LEVEL, STMT_TICKET_NEXT_FIFO};
	static const enum stmt_id other[] = {STMT_TICKET_STEAL_OVERDUE, STMT_TICKET_STEAL_LEVEL,
					     STMT_TICKET_STEAL_FIFO};
	struct ticket_take *o = out;
	memset(out, 0, sizeof *out);
	if (steal)
		return db_query(db, other[kind], DB_ARGS(db_str(queue_id), db_str(queue_id)), take_row, o);
	return db_query(db, own[kind], DB_ARGS(db_str(queue_id)), take_row, o);
}

long long repo_ticket_mark_called(struct db *db, const char *id, const char *user_id, const char *queue_id,
				  const char *desk_id, const char *at)
{
	const char *when = at && *at ? at : NULL;
	return db_exec(db, STMT_TICKET_MARK_CALLED,
		       DB_ARGS(db_str(when), db_str(user_id), db_str(queue_id),
			       db_str(desk_id && *desk_id ? desk_id : NULL), db_str(when), db_str(id)));
}

long long repo_ticket_set_status(struct db *db, const char *id, enum ticket_status from, enum ticket_status to)
{
	const char *f = ticket_status_name(from), *t = ticket_status_name(to);
	if (!f || !t)
		return DB_HARD;
	return db_exec(db, STMT_TICKET_SET_STATUS,
		       DB_ARGS(db_str(t), db_str(t), db_str(t), db_str(t), db_str(t), db_str(id), db_str(f)));
}

long long repo_ticket_recall(struct db *db, const char *id)
{
	return db_exec(db, STMT_TICKET_RECALL, DB_ARGS(db_str(id)));
}

long long repo_ticket_move(struct db *db, const char *id, enum ticket_status from_status, const char *queue_id)
{
	const char *from = ticket_status_name(from_status);
	if (!from)
		return DB_HARD;
	return db_exec(db, STMT_TICKET_MOVE, DB_ARGS(db_str(queue_id), db_str(id), db_str(from)));
}

struct waiting_list {
	struct waiting_ticket *items;
	size_t n;
};

static int append_waiting(void *cls, const struct db_row *row)
{
	struct waiting_list *l = cls;
	struct waiting_ticket *w = row_append(&l->items, &l->n, sizeof *w);
	if (!w)
		return DB_HARD;
	row_copy(row, 0, w->id, sizeof w->id);
	row_copy(row, 1, w->priority_id, sizeof w->priority_id);
	w->level = (int)db_row_int(row, 2);
	row_copy(row, 3, w->created_date, sizeof w->created_date);
	row_copy(row, 4, w->due_date, sizeof w->due_date);
	row_copy(row, 5, w->sla_deadline, sizeof w->sla_deadline);
	return 0;
}

long long repo_ticket_waiting_of_queue(struct db *db, const char *queue_id, struct waiting_ticket **out, size_t *n)
{
	struct waiting_list l = {NULL, 0};
	long long rc = db_query(db, STMT_TICKET_WAITING_OF_QUEUE, DB_ARGS(db_str(queue_id)), append_waiting, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

static struct db_arg str_or_null(const char *s)
{
	return db_str(s && *s ? s : NULL);
}

/*
 * Every ticket event is written here. Its webhook outbox rows come with it, in the same
 * statement (the trigger of sql/014_event_outbox.sql); the relay is woken after the commit.
 */
static long long insert_event(struct db *db, const char *ticket_id, const char *event, const char *from_queue,
			      const char *to_queue, const char *desk_id, const char *user_id, const char *reason)
{
	long long rc = db_exec(db, STMT_EVENT_INSERT,
			       DB_ARGS(db_str(ticket_id), db_str(event), str_or_null(from_queue), str_or_null(to_queue),
				       str_or_null(desk_id), str_or_null(user_id), str_or_null(reason)));
	if (rc >= 0)
		db_note_relay_work(db);
	return rc;
}

long long repo_event_insert(struct db *db, const char *ticket_id, const char *event, const char *from_queue,
			    const char *to_queue, const char *user_id, const char *reason)
{
	return insert_event(db, ticket_id, event, from_queue, to_queue, NULL, user_id, reason);
}

long long repo_event_insert_called(struct db *db, const char *ticket_id, const char *from_queue, const char *to_queue,
				   const char *user_id, const char *desk_id)
{
	return insert_event(db, ticket_id, "called", from_queue, to_queue, desk_id, user_id, NULL);
}

long long repo_event_insert_called_manual(struct db *db, const char *ticket_id, const char *from_queue,
					  const char *to_queue, const char *user_id, const char *desk_id)
{
	long long rc = db_exec(db, STMT_EVENT_INSERT_CALLED_MANUAL,
			       DB_ARGS(db_str(ticket_id), str_or_null(from_queue), str_or_null(to_queue),
				       str_or_null(user_id), str_or_null(desk_id)));
	if (rc >= 0)
		db_note_relay_work(db);
	return rc;
}

struct event_list {
	struct event_rec *items;
	size_t n;
};

static int append_event(void *cls, const struct db_row *row)
{
	struct event_list *l = cls;
	struct event_rec *e = row_append(&l->items, &l->n, sizeof *e);
	if (!e)
		return DB_HARD;
	e->seq = db_row_int(row, 0);
	row_copy(row, 1, e->event, sizeof e->event);
	row_copy(row, 2, e->from_queue_id, sizeof e->from_queue_id);
	row_copy(row, 3, e->to_queue_id, sizeof e->to_queue_id);
	row_copy(row, 4, e->user_id, sizeof e->user_id);
	row_copy(row, 5, e->reason, sizeof e->reason);
	row_time(row, 6, e->at);
	row_copy(row, 7, e->desk_id, sizeof e->desk_id);
	return 0;
}

long long repo_event_list(struct db *db, const char *ticket_id, struct event_rec **out, size_t *n)
{
	struct event_list l = {NULL, 0};
	long long rc = db_query(db, STMT_EVENT_LIST, DB_ARGS(db_str(ticket_id)), append_event, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

struct idem_out {
	char *ticket_id, *hash;
};

static int idem_row(void *cls, const struct db_row *row)
{
	struct idem_out *o = cls;
	row_copy(row, 0, o->ticket_id, UUID_STR_LEN);
	row_copy(row, 1, o->hash, 65);
	return 0;
}

long long repo_idem_get(struct db *db, const char *user_id, const char *key, char ticket_id[UUID_STR_LEN],
			char hash[65])
{
	struct idem_out o = {ticket_id, hash};
	ticket_id[0] = hash[0] = '\0';
	return db_query(db, STMT_IDEM_GET, DB_ARGS(db_str(user_id), db_str(key)), idem_row, &o);
}

long long repo_idem_insert(struct db *db, const char *user_id, const char *key, const char *ticket_id,
			   const char *hash)
{
	return db_exec(db, STMT_IDEM_INSERT, DB_ARGS(db_str(user_id), db_str(key), db_str(ticket_id), db_str(hash)));
}

long long repo_ticket_expire_before(struct db *db, const char *today)
{
	long long rc = db_exec(db, STMT_RESTART_EVENTS, DB_ARGS(db_str(today)));
	if (rc < 0)
		return rc;
	if (rc > 0)
		db_note_relay_work(db); /* their outbox rows came with them (sql/014_event_outbox.sql) */
	return db_exec(db, STMT_RESTART_EXPIRE, DB_ARGS(db_str(today)));
}

static int public_row(void *cls, const struct db_row *row)
{
	struct public_ticket *p = cls;
	row_copy(row, 0, p->id, sizeof p->id);
	row_copy(row, 1, p->code, sizeof p->code);
	row_copy(row, 2, p->queue_id, sizeof p->queue_id);
	row_copy(row, 3, p->queue_name, sizeof p->queue_name);
	row_copy(row, 5, p->desk_name, sizeof p->desk_name);
	return row_ticket_status(row, 4, &p->status);
}

long long repo_ticket_public(struct db *db, const char *id, struct public_ticket *out)
{
	return db_query(db, STMT_PUBLIC_TICKET, DB_ARGS(db_str(id)), public_row, out);
}

struct public_list {
	struct public_ticket *items;
	size_t n;
};

static int append_public(void *cls, const struct db_row *row)
{
	struct public_list *l = cls;
	struct public_ticket *p = row_append(&l->items, &l->n, sizeof *p);
	return p ? public_row(p, row) : DB_HARD;
}

long long repo_ticket_public_waiting(struct db *db, const char *queue_id, long long limit,
				     struct public_ticket **items, size_t *n)
{
	struct public_list l = {NULL, 0};
	long long rc = db_query(db, STMT_PUBLIC_WAITING_OF_QUEUE, DB_ARGS(db_str(queue_id), db_int(limit)),
				append_public, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*items = l.items;
	*n = l.n;
	return rc;
}
