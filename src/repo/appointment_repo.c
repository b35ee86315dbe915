#include "repo/appointment_repo.h"

#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const appointment_repo_sorts[] = {"start", "-start", NULL};

void schedule_rec_free(struct schedule_rec *r)
{
	if (!r)
		return;
	free(r->hours);
	free(r->closed);
	r->hours = r->closed = NULL;
}

static char *dup_col(const struct db_row *row, unsigned col)
{
	const char *s = db_row_str(row, col);
	return strdup(s ? s : "");
}

static int schedule_row(void *cls, const struct db_row *row)
{
	struct schedule_rec *r = cls;
	r->slot_minutes = (int)db_row_int(row, 0);
	r->capacity = (int)db_row_int(row, 1);
	r->weeks_ahead = (int)db_row_int(row, 2);
	r->late_grace_minutes = (int)db_row_int(row, 3);
	schedule_rec_free(r);
	r->hours = dup_col(row, 4);
	r->closed = dup_col(row, 5);
	return r->hours && r->closed ? 0 : DB_HARD;
}

long long repo_schedule_get(struct db *db, const char *queue_id, struct schedule_rec *out)
{
	memset(out, 0, sizeof *out);
	long long rc = db_query(db, STMT_SCHEDULE_GET, DB_ARGS(db_str(queue_id)), schedule_row, out);
	if (rc < 0)
		schedule_rec_free(out);
	return rc;
}

static int ignore_row(void *cls, const struct db_row *row)
{
	(void)cls;
	(void)row;
	return 0;
}

long long repo_schedule_lock(struct db *db, const char *queue_id)
{
	return db_query(db, STMT_SCHEDULE_LOCK, DB_ARGS(db_str(queue_id)), ignore_row, NULL);
}

long long repo_schedule_put(struct db *db, const char *queue_id, const struct schedule_rec *r)
{
	return db_exec(db, STMT_SCHEDULE_UPSERT,
		       DB_ARGS(db_str(queue_id), db_int(r->slot_minutes), db_int(r->capacity), db_int(r->weeks_ahead),
			       db_int(r->late_grace_minutes), db_str(r->hours), db_str(r->closed)));
}

long long repo_slot_lock(struct db *db, const char *queue_id, long long start)
{
	long long rc = db_exec(db, STMT_SLOT_ENSURE, DB_ARGS(db_str(queue_id), db_int(start)));
	if (rc < 0)
		return rc;
	return db_query(db, STMT_SLOT_LOCK, DB_ARGS(db_str(queue_id), db_int(start)), ignore_row, NULL);
}

long long repo_slot_taken(struct db *db, const char *queue_id, long long start, long long *taken)
{
	*taken = 0;
	return db_query(db, STMT_SLOT_TAKEN, DB_ARGS(db_str(queue_id), db_int(start)), row_count, taken);
}

struct taken_list {
	struct slot_taken *items;
	size_t n;
};

static int append_taken(void *cls, const struct db_row *row)
{
	struct taken_list *l = cls;
	struct slot_taken *t = row_append(&l->items, &l->n, sizeof *t);
	if (!t)
		return DB_HARD;
	t->start = db_row_int(row, 0);
	t->taken = db_row_int(row, 1);
	return 0;
}

long long repo_slot_taken_range(struct db *db, const char *queue_id, long long from, long long to,
				struct slot_taken **out, size_t *n)
{
	struct taken_list l = {NULL, 0};
	long long rc = db_query(db, STMT_SLOT_TAKEN_RANGE, DB_ARGS(db_str(queue_id), db_int(from), db_int(to)),
				append_taken, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

/* Columns: id, queue_id, priority_id, customer_id, start, end, service_date, status, ticket_id,
 * created_date, updated_date, checked_in_date, late_grace_minutes */
static void read_appointment(const struct db_row *row, struct appointment_rec *a)
{
	row_copy(row, 0, a->id, sizeof a->id);
	row_copy(row, 1, a->queue_id, sizeof a->queue_id);
	row_copy(row, 2, a->priority_id, sizeof a->priority_id);
	row_copy(row, 3, a->customer_id, sizeof a->customer_id);
	a->start = db_row_int(row, 4);
	a->end = db_row_int(row, 5);
	row_copy(row, 6, a->service_date, sizeof a->service_date);
	row_copy(row, 7, a->status, sizeof a->status);
	row_copy(row, 8, a->ticket_id, sizeof a->ticket_id);
	row_time(row, 9, a->created_date);
	row_time(row, 10, a->updated_date);
	row_time(row, 11, a->checked_in_date);
	a->late_grace_minutes = (int)db_row_int(row, 12);
}

static int one_appointment(void *cls, const struct db_row *row)
{
	read_appointment(row, cls);
	return 0;
}

static int append_appointment(void *cls, const struct db_row *row)
{
	struct appointment_list *l = cls;
	struct appointment_rec *a = row_append(&l->items, &l->n, sizeof *a);
	if (!a)
		return DB_HARD;
	read_appointment(row, a);
	return 0;
}

void appointment_list_free(struct appointment_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_appointment_insert(struct db *db, const struct appointment_rec *a)
{
	return db_exec(db, STMT_APPT_INSERT,
		       DB_ARGS(db_str(a->id), db_str(a->queue_id), db_str(a->priority_id), db_str(a->customer_id),
			       db_int(a->start), db_int(a->end), db_str(a->service_date), db_int(a->late_grace_minutes)));
}

long long repo_appointment_get(struct db *db, const char *id, bool for_update, struct appointment_rec *out)
{
	return db_query(db, for_update ? STMT_APPT_GET_FOR_UPDATE : STMT_APPT_GET, DB_ARGS(db_str(id)),
			one_appointment, out);
}

long long repo_appointment_list(struct db *db, const struct appointment_filter *f, struct appointment_list *out,
				long long *total)
{
	memset(out, 0, sizeof *out);
	long long rc = db_query(db, STMT_APPT_COUNT,
				DB_ARGS(db_str(f->queue_id), db_str(f->queue_id), db_str(f->date), db_str(f->date),
					db_str(f->status), db_str(f->status), db_str(f->customer_id),
					db_str(f->customer_id)),
				row_count, total);
	if (rc < 0)
		return rc;
	rc = db_query(db, STMT_APPT_LIST,
		      DB_ARGS(db_str(f->queue_id), db_str(f->queue_id), db_str(f->date), db_str(f->date),
			      db_str(f->status), db_str(f->status), db_str(f->customer_id), db_str(f->customer_id),
			      db_str(f->sort), db_int(f->limit), db_int(f->offset)),
		      append_appointment, out);
	if (rc < 0)
		appointment_list_free(out);
	return rc;
}

long long repo_appointment_set_status(struct db *db, const char *id, const char *from, const char *to)
{
	return db_exec(db, STMT_APPT_SET_STATUS, DB_ARGS(db_str(to), db_str(id), db_str(from)));
}

long long repo_appointment_check_in(struct db *db, const char *id, const char *ticket_id)
{
	return db_exec(db, STMT_APPT_CHECK_IN, DB_ARGS(db_str(ticket_id), db_str(id)));
}

long long repo_appointment_held_by_contact(struct db *db, const char *queue_id, const char *service_date,
					   const char *dni, const char *email, const char *phone, long long *held)
{
	*held = 0;
	return db_query(db, STMT_APPT_HELD_BY_CONTACT,
			DB_ARGS(db_str(queue_id), db_str(service_date), db_str(dni), db_str(dni), db_str(email),
				db_str(email), db_str(phone), db_str(phone)),
			row_count, held);
}

struct appt_ids {
	char (*items)[UUID_STR_LEN];
	size_t n;
};

static int append_appt_id(void *cls, const struct db_row *row)
{
	struct appt_ids *l = cls;
	char(*id)[UUID_STR_LEN] = row_append(&l->items, &l->n, sizeof *id);
	if (!id)
		return DB_HARD;
	row_copy(row, 0, *id, sizeof *id);
	return 0;
}

long long repo_appointment_booked_before(struct db *db, const char *today, char (**ids)[UUID_STR_LEN], size_t *n)
{
	struct appt_ids l = {NULL, 0};
	long long rc = db_query(db, STMT_APPT_BOOKED_BEFORE, DB_ARGS(db_str(today)), append_appt_id, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*ids = l.items;
	*n = l.n;
	return rc;
}

long long repo_appointment_no_show_before(struct db *db, const char *today)
{
	return db_exec(db, STMT_APPT_NO_SHOW_BEFORE, DB_ARGS(db_str(today)));
}

struct pq_list {
	struct public_queue *items;
	size_t n;
};

static int append_public_queue(void *cls, const struct db_row *row)
{
	struct pq_list *l = cls;
	struct public_queue *q = row_append(&l->items, &l->n, sizeof *q);
	if (!q)
		return DB_HARD;
	row_copy(row, 0, q->id, sizeof q->id);
	row_copy(row, 1, q->name, sizeof q->name);
	return 0;
}

long long repo_public_queues(struct db *db, struct public_queue **out, size_t *n)
{
	struct pq_list l = {NULL, 0};
	long long rc = db_query(db, STMT_PUBLIC_QUEUES, DB_NO_ARGS, append_public_queue, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

static int public_appointment_row(void *cls, const struct db_row *row)
{
	struct public_appointment *p = cls;
	row_copy(row, 0, p->id, sizeof p->id);
	row_copy(row, 1, p->queue_id, sizeof p->queue_id);
	row_copy(row, 2, p->queue_name, sizeof p->queue_name);
	p->start = db_row_int(row, 3);
	p->end = db_row_int(row, 4);
	row_copy(row, 5, p->status, sizeof p->status);
	return 0;
}

long long repo_public_appointment(struct db *db, const char *id, struct public_appointment *out)
{
	return db_query(db, STMT_PUBLIC_APPOINTMENT, DB_ARGS(db_str(id)), public_appointment_row, out);
}

struct report_list {
	struct appointment_report_row *items;
	size_t n;
};

static int append_report(void *cls, const struct db_row *row)
{
	struct report_list *l = cls;
	struct appointment_report_row *r = row_append(&l->items, &l->n, sizeof *r);
	if (!r)
		return DB_HARD;
	row_copy(row, 0, r->queue_id, sizeof r->queue_id);
	row_copy(row, 1, r->name, sizeof r->name);
	r->booked = db_row_int(row, 2);
	r->checked_in = db_row_int(row, 3);
	r->cancelled = db_row_int(row, 4);
	r->no_show = db_row_int(row, 5);
	r->has_on_time = !db_row_is_null(row, 6);
	r->on_time_pct = db_row_double(row, 6);
	return 0;
}

long long repo_report_appointments(struct db *db, const char *from, const char *to,
				   struct appointment_report_row **out, size_t *n)
{
	struct report_list l = {NULL, 0};
	long long rc = db_query(db, STMT_REPORT_APPOINTMENTS, DB_ARGS(db_str(from), db_str(to)), append_report, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}
