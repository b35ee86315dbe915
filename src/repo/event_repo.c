#include "repo/event_repo.h"

#include <stdlib.h>

#include "repo/db.h"
#include "repo/row.h"

struct event_log_list {
	struct event_log_rec *items;
	size_t n;
};

static int append_log(void *cls, const struct db_row *row)
{
	struct event_log_list *l = cls;
	struct event_log_rec *e = row_append(&l->items, &l->n, sizeof *e);
	if (!e)
		return DB_HARD;
	e->seq = db_row_int(row, 0);
	row_copy(row, 1, e->ticket_id, sizeof e->ticket_id);
	row_copy(row, 2, e->event, sizeof e->event);
	row_copy(row, 3, e->from_queue_id, sizeof e->from_queue_id);
	row_copy(row, 4, e->to_queue_id, sizeof e->to_queue_id);
	row_copy(row, 5, e->desk_id, sizeof e->desk_id);
	row_copy(row, 6, e->user_id, sizeof e->user_id);
	row_copy(row, 7, e->reason, sizeof e->reason);
	row_time(row, 8, e->at);
	return 0;
}

long long repo_event_log(struct db *db, long long after, long long limit, struct event_log_rec **out, size_t *n)
{
	struct event_log_list l = {NULL, 0};
	long long rc = db_query(db, STMT_EVENT_LOG, DB_ARGS(db_int(after), db_int(limit)), append_log, &l);
	if (rc < 0) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
	}
	*out = l.items;
	*n = l.n;
	return rc;
}

long long repo_event_max_seq(struct db *db, long long *max_seq)
{
	*max_seq = 0;
	return db_query(db, STMT_EVENT_MAX_SEQ, DB_NO_ARGS, row_count, max_seq);
}

long long repo_event_age_after(struct db *db, long long seq, long long *age_ms)
{
	*age_ms = 0;
	return db_query(db, STMT_EVENT_FIRST_AFTER, DB_ARGS(db_int(seq)), row_count, age_ms);
}

long long repo_relay_lease_take(struct db *db, const char *holder, long long seconds)
{
	return db_exec(db, STMT_RELAY_LEASE_TAKE, DB_ARGS(db_str(holder), db_int(seconds), db_str(holder)));
}

long long repo_relay_lease_release(struct db *db, const char *holder)
{
	return db_exec(db, STMT_RELAY_LEASE_RELEASE, DB_ARGS(db_str(holder)));
}

long long repo_relay_position(struct db *db, long long *last_seq)
{
	*last_seq = 0;
	return db_query(db, STMT_RELAY_POSITION, DB_NO_ARGS, row_count, last_seq);
}

long long repo_relay_set_position(struct db *db, long long seq)
{
	return db_exec(db, STMT_RELAY_SET_POSITION, DB_ARGS(db_int(seq), db_int(seq)));
}
