#include "repo/queue_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/row.h"

const char *const queue_repo_sorts[] = {"created_date", "-created_date", "name", "-name", "prefix", "-prefix", NULL};

/* QUEUE_COLUMNS: id, name, prefix, state, policy, user_id, created_date, updated_date,
 * created_seq, waiting, priority ids joined by commas */
static int read_queue(const struct db_row *row, struct queue_rec *q)
{
	row_copy(row, 0, q->id, sizeof q->id);
	row_copy(row, 1, q->name, sizeof q->name);
	row_copy(row, 2, q->prefix, sizeof q->prefix);
	if (row_queue_state(row, 3, &q->state) < 0 || row_queue_policy(row, 4, &q->policy) < 0)
		return DB_HARD;
	row_copy(row, 5, q->user_id, sizeof q->user_id);
	row_time(row, 6, q->created_date);
	row_time(row, 7, q->updated_date);
	q->created_seq = db_row_int(row, 8);
	q->waiting = db_row_int(row, 9);
	q->npriorities = 0;
	const char *ids = db_row_str(row, 10);
	while (ids && *ids && q->npriorities < QUEUE_MAX_PRIORITIES) {
		size_t len = strcspn(ids, ",");
		if (len == UUID_STR_LEN - 1) {
			memcpy(q->priority_ids[q->npriorities], ids, len);
			q->priority_ids[q->npriorities++][len] = '\0';
		}
		ids += len + (ids[len] == ',');
	}
	return 0;
}

static int one_queue(void *cls, const struct db_row *row)
{
	return read_queue(row, cls);
}

static int append_queue(void *cls, const struct db_row *row)
{
	struct queue_list *l = cls;
	struct queue_rec *slot = row_append(&l->items, &l->n, sizeof *slot);
	if (!slot)
		return DB_HARD;
	return read_queue(row, slot);
}

long long repo_queue_insert(struct db *db, const struct queue_rec *q)
{
	const char *state = queue_state_name(q->state), *policy = queue_policy_name(q->policy);
	if (!state || !policy)
		return DB_HARD;
	return db_exec(db, STMT_QUEUE_INSERT,
		       DB_ARGS(db_str(q->id), db_str(q->name), db_str(q->prefix), db_str(state), db_str(policy),
			       db_str(q->user_id[0] ? q->user_id : NULL)));
}

long long repo_queue_get_by_id(struct db *db, const char *id, struct queue_rec *out)
{
	return db_query(db, STMT_QUEUE_GET_BY_ID, DB_ARGS(db_str(id)), one_queue, out);
}

static int lock_row(void *cls, const struct db_row *row)
{
	struct queue_lock *o = cls;
	if (row_queue_state(row, 0, &o->state) < 0 || row_queue_policy(row, 1, &o->policy) < 0)
		return DB_HARD;
	row_copy(row, 2, o->user_id, sizeof o->user_id);
	return 0;
}

long long repo_queue_lock(struct db *db, const char *id, struct queue_lock *out)
{
	memset(out, 0, sizeof *out);
	return db_query(db, STMT_QUEUE_LOCK, DB_ARGS(db_str(id)), lock_row, out);
}

long long repo_queue_list(struct db *db, const struct queue_filter *f, struct queue_list *out, long long *total)
{
	/* queue_repo_sorts, each with its own statement (stmt.c); anything else: created_date. */
	static const struct {
		const char *sort;
		enum stmt_id id;
	} by_sort[] = {
		{"-created_date", STMT_QUEUE_LIST_CREATED_DESC},
		{"name", STMT_QUEUE_LIST_NAME},
		{"-name", STMT_QUEUE_LIST_NAME_DESC},
		{"prefix", STMT_QUEUE_LIST_PREFIX},
		{"-prefix", STMT_QUEUE_LIST_PREFIX_DESC},
	};
	enum stmt_id list = STMT_QUEUE_LIST;
	for (size_t i = 0; f->sort && i < sizeof by_sort / sizeof by_sort[0]; i++)
		if (strcmp(f->sort, by_sort[i].sort) == 0)
			list = by_sort[i].id;
	memset(out, 0, sizeof *out);
	long long rc = db_query(db, list,
				DB_ARGS(db_str(f->state), db_str(f->state), db_str(f->user_id), db_str(f->user_id),
					db_int(f->limit), db_int(f->offset)),
				append_queue, out);
	if (rc < 0)
		goto fail;
	/* A first page shorter than the limit is the whole list: no COUNT round trip. */
	if (f->offset == 0 && (long long)out->n < f->limit) {
		*total = (long long)out->n;
		return rc;
	}
	rc = db_query(db, STMT_QUEUE_COUNT,
		      DB_ARGS(db_str(f->state), db_str(f->state), db_str(f->user_id), db_str(f->user_id)), row_count,
		      total);
	if (rc >= 0)
		return (long long)out->n;
fail:
	queue_list_free(out);
	return rc;
}

void queue_list_free(struct queue_list *l)
{
	if (!l)
		return;
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

long long repo_queue_update(struct db *db, const struct queue_rec *q)
{
	const char *state = queue_state_name(q->state), *policy = queue_policy_name(q->policy);
	if (!state || !policy)
		return DB_HARD;
	return db_exec(db, STMT_QUEUE_UPDATE,
		       DB_ARGS(db_str(q->name), db_str(q->prefix), db_str(state), db_str(policy),
			       db_str(q->user_id[0] ? q->user_id : NULL), db_str(q->id)));
}

long long repo_queue_set_priorities(struct db *db, const struct queue_rec *q)
{
	long long rc = db_exec(db, STMT_QUEUE_PRIORITIES_CLEAR, DB_ARGS(db_str(q->id)));
	for (size_t i = 0; rc >= 0 && i < q->npriorities; i++)
		rc = db_exec(db, STMT_QUEUE_PRIORITY_ADD, DB_ARGS(db_str(q->id), db_str(q->priority_ids[i])));
	return rc;
}

struct catalogue_load {
	struct queue_catalogue *c;
	size_t max;
	long long *name_rank, *prefix_rank; /* 1-based, per item */
	size_t nranks;
	bool too_many;
};

static int append_catalogue(void *cls, const struct db_row *row)
{
	struct catalogue_load *l = cls;
	if (l->c->n >= l->max) {
		l->too_many = true;
		return 0;
	}
	size_t n = l->c->n;
	struct queue_rec *q = row_append(&l->c->items, &l->c->n, sizeof *q);
	if (!q)
		return DB_HARD;
	read_queue(row, q);
	size_t nr = n;
	long long *rank = row_append(&l->name_rank, &nr, sizeof *rank);
	if (!rank)
		return DB_HARD;
	*rank = db_row_int(row, 11);
	nr = n;
	rank = row_append(&l->prefix_rank, &nr, sizeof *rank);
	if (!rank)
		return DB_HARD;
	*rank = db_row_int(row, 12);
	l->nranks = n + 1;
	return 0;
}

/* order[rank - 1] = item for every item; false unless ranks are a permutation of 1..n. */
static bool invert_ranks(const long long *rank, size_t n, size_t **order)
{
	*order = malloc((n ? n : 1) * sizeof **order);
	if (!*order)
		return false;
	for (size_t i = 0; i < n; i++)
		(*order)[i] = n;
	for (size_t i = 0; i < n; i++) {
		if (rank[i] < 1 || (size_t)rank[i] > n || (*order)[rank[i] - 1] != n)
			return false;
		(*order)[rank[i] - 1] = i;
	}
	return true;
}

long long repo_queue_catalogue(struct db *db, size_t max, struct queue_catalogue *out)
{
	memset(out, 0, sizeof *out);
	struct catalogue_load l = {out, max, NULL, NULL, 0, false};
	long long rc = db_query(db, STMT_QUEUE_CATALOGUE, DB_ARGS(db_int((long long)max + 1)), append_catalogue, &l);
	if (rc >= 0 && !l.too_many && l.nranks == out->n &&
	    invert_ranks(l.name_rank, out->n, &out->by_name) && invert_ranks(l.prefix_rank, out->n, &out->by_prefix))
		rc = 1;
	else if (rc >= 0)
		rc = l.too_many ? 0 : DB_HARD;
	free(l.name_rank);
	free(l.prefix_rank);
	if (rc != 1)
		queue_catalogue_free(out);
	return rc;
}

void queue_catalogue_free(struct queue_catalogue *c)
{
	if (!c)
		return;
	free(c->items);
	free(c->by_name);
	free(c->by_prefix);
	memset(c, 0, sizeof *c);
}

static int set_waiting(void *cls, const struct db_row *row)
{
	struct queue_list *l = cls;
	const char *id = db_row_str(row, 0);
	for (size_t i = 0; id && i < l->n; i++)
		if (strcmp(l->items[i].id, id) == 0)
			l->items[i].waiting = db_row_int(row, 1);
	return 0;
}

long long repo_queue_waiting_of(struct db *db, struct queue_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->items[i].waiting = 0; /* no counter rows: nobody has waited there */
	if (l->n == 0)
		return 0;
	/* ids are UUIDs read from the database: nothing to escape in the JSON array. */
	size_t cap = l->n * (UUID_STR_LEN + 3) + 3, len = 0;
	char *ids = malloc(cap);
	if (!ids)
		return DB_HARD;
	ids[len++] = '[';
	for (size_t i = 0; i < l->n; i++)
		len += (size_t)snprintf(ids + len, cap - len, "%s\"%s\"", i ? "," : "", l->items[i].id);
	snprintf(ids + len, cap - len, "]");
	long long rc = db_query(db, STMT_QUEUE_WAITING_OF, DB_ARGS(db_str(ids)), set_waiting, l);
	free(ids);
	return rc;
}

struct candidates {
	struct queue_candidate *items;
	size_t n;
	long long qualifying; /* the check column of the bound blocks; -1 unknown */
};

static int append_candidate(void *cls, const struct db_row *row)
{
	struct candidates *c = cls;
	struct queue_candidate *q = row_append(&c->items, &c->n, sizeof *q);
	if (!q)
		return DB_HARD;
	row_copy(row, 0, q->id, sizeof q->id);
	row_copy(row, 1, q->prefix, sizeof q->prefix);
	if (row_queue_policy(row, 2, &q->policy) < 0)
		return DB_HARD;
	q->created_seq = db_row_int(row, 3);
	q->waiting = db_row_int(row, 4);
	q->ahead_by_age = db_row_int(row, 5);
	q->ahead_by_priority = db_row_int(row, 6);
	row_copy(row, 7, q->now, sizeof q->now);
	q->customer_state = db_row_is_null(row, 8) ? -1 : db_row_int(row, 8) != 0;
	if (!db_row_is_null(row, 9))
		c->qualifying = db_row_int(row, 9);
	return 0;
}

/* Hands the rows over (none after an error) and passes rc on. */
static long long hand_over(struct candidates *c, long long rc, struct queue_candidate **out, size_t *n)
{
	if (rc < 0) {
		free(c->items);
		c->items = NULL;
		c->n = 0;
	}
	*out = c->items;
	*n = c->n;
	return rc;
}

long long repo_queue_candidates(struct db *db, const struct placed_ticket *t, const char *except_id,
				struct queue_candidate **out, size_t *n)
{
	struct candidates c = {NULL, 0, -1};
	const char *due = t->due_date ? t->due_date : t->created_date;
	long long rc = db_query(db, STMT_QUEUE_CANDIDATES,
				DB_ARGS(db_str(t->customer_id), db_str(due), db_str(t->created_date), db_int(t->level), db_str(t->sla_deadline),
					db_int(t->max_wait_minutes), db_str(due), db_int(t->max_wait_minutes),
					db_str(t->priority_id), db_str(except_id ? except_id : "")),
				append_candidate, &c);
	return hand_over(&c, rc, out, n);
}

/* The parameters of one placement block (STMT_QUEUE_CANDIDATE_IN, _F<f>P<p>), in the order of its placeholders. */
#define PLACEMENT_BLOCK_ARGS 13
_Static_assert(QUEUE_CANDIDATES_PER_STATEMENT * PLACEMENT_BLOCK_ARGS <= DB_MAX_ARGS, "placement binds too many");
_Static_assert(QUEUE_CANDIDATES_PER_STATEMENT == 4 && STMT_QUEUE_CANDIDATES_F0P4 - STMT_QUEUE_CANDIDATES_F1P0 == 13,
	       "one statement per split of 1-4 blocks into fifo and priority ones");

static void block_args(struct db_arg *a, const struct placed_ticket *t, const char *except_id, const char *queue_id)
{
	const char *due = t->due_date ? t->due_date : t->created_date;
	const char *except = except_id ? except_id : "";
	struct db_arg block[PLACEMENT_BLOCK_ARGS] = {
		db_str(t->customer_id), db_str(t->priority_id), db_str(except), db_str(due), db_str(t->created_date),
		db_int(t->level), db_str(t->sla_deadline), db_int(t->max_wait_minutes), db_str(due),
		db_int(t->max_wait_minutes), db_str(t->priority_id), db_str(except), db_str(queue_id)};
	memcpy(a, block, sizeof block);
}

/* The statement of f fifo blocks followed by p priority blocks (stmt.h lists them by f + p, then p). */
static enum stmt_id split_statement(size_t f, size_t p)
{
	size_t k = f + p;
	return (enum stmt_id)(STMT_QUEUE_CANDIDATES_F1P0 + k * (k + 1) / 2 - 1 + p);
}

long long repo_queue_candidates_among(struct db *db, const struct placed_ticket *t, const char *except_id,
				      const struct queue_ref *queues, size_t nqueues, struct queue_candidate **out,
				      size_t *n, long long *qualifying)
{
	struct candidates c = {NULL, 0, -1};
	long long rc = 0;
	for (size_t from = 0; from < nqueues && rc >= 0; from += QUEUE_CANDIDATES_PER_STATEMENT) {
		size_t k = nqueues - from < QUEUE_CANDIDATES_PER_STATEMENT ? nqueues - from : QUEUE_CANDIDATES_PER_STATEMENT;
		struct db_arg args[QUEUE_CANDIDATES_PER_STATEMENT * PLACEMENT_BLOCK_ARGS];
		size_t f = 0;
		for (size_t i = 0; i < k; i++) /* the fifo blocks first */
			if (queues[from + i].policy == POLICY_FIFO)
				block_args(args + f++ * PLACEMENT_BLOCK_ARGS, t, except_id, queues[from + i].id);
		size_t b = f;
		for (size_t i = 0; i < k; i++)
			if (queues[from + i].policy != POLICY_FIFO)
				block_args(args + b++ * PLACEMENT_BLOCK_ARGS, t, except_id, queues[from + i].id);
		rc = db_query(db, split_statement(f, k - f), args, k * PLACEMENT_BLOCK_ARGS, append_candidate, &c);
	}
	*qualifying = c.qualifying;
	return hand_over(&c, rc, out, n);
}

long long repo_queue_candidate_in(struct db *db, const struct placed_ticket *t, const char *queue_id,
				  struct queue_candidate **out, size_t *n)
{
	struct candidates c = {NULL, 0, -1};
	struct db_arg args[PLACEMENT_BLOCK_ARGS];
	block_args(args, t, NULL, queue_id);
	long long rc = db_query(db, STMT_QUEUE_CANDIDATE_IN, args, PLACEMENT_BLOCK_ARGS, append_candidate, &c);
	return hand_over(&c, rc, out, n);
}

struct avg_out {
	double *avg;
	long long *samples;
};

/* Sums the durations into *avg (divided at the end) and counts them in *samples. */
static int avg_row(void *cls, const struct db_row *row)
{
	struct avg_out *o = cls;
	if (db_row_is_null(row, 0))
		return 0;
	*o->avg += db_row_double(row, 0) / 1e6;
	(*o->samples)++;
	return 0;
}

long long repo_queue_avg_service(struct db *db, const char *queue_id, const char *service_date, double *avg,
				 long long *samples)
{
	struct avg_out o = {avg, samples};
	*avg = 0;
	*samples = 0;
	long long rc =
		db_query(db, STMT_QUEUE_AVG_SERVICE, DB_ARGS(db_str(queue_id), db_str(service_date)), avg_row, &o);
	if (rc < 0 || *samples == 0) {
		*avg = 0;
		*samples = 0;
	} else {
		*avg /= (double)*samples;
	}
	return rc < 0 ? rc : 1;
}

struct board {
	struct board_row *items;
	size_t n;
	struct board_desk *desks;
	size_t ndesks;
};

/* A kind 1 row of STMT_QUEUE_BOARD: a desk of the last queue, its calls most recent first. */
static int append_board_desk(struct board *b, const struct db_row *row)
{
	char id[UUID_STR_LEN];
	row_copy(row, 8, id, sizeof id);
	/* Rows of one desk come most recently called first: that one is its "serving". */
	if (b->ndesks && strcmp(b->desks[b->ndesks - 1].desk_id, id) == 0)
		return 0;
	struct board_desk *d = row_append(&b->desks, &b->ndesks, sizeof *d);
	if (!d)
		return DB_HARD;
	row_copy(row, 2, d->queue_id, sizeof d->queue_id);
	memcpy(d->desk_id, id, sizeof id);
	row_copy(row, 3, d->name, sizeof d->name);
	row_copy(row, 9, d->user_id, sizeof d->user_id);
	row_copy(row, 10, d->serving_id, sizeof d->serving_id);
	row_copy(row, 11, d->serving_code, sizeof d->serving_code);
	row_time(row, 12, d->serving_called);
	return 0;
}

static int append_board(void *cls, const struct db_row *row)
{
	struct board *b = cls;
	if (db_row_int(row, 0) != 0)
		return append_board_desk(b, row);
	char id[UUID_STR_LEN];
	row_copy(row, 2, id, sizeof id);
	/* Only the most recently called ticket of a queue is "serving"; its later rows only
	 * tell the most recent one called without a desk. */
	bool same = b->n && strcmp(b->items[b->n - 1].queue_id, id) == 0;
	struct board_row *r = same ? &b->items[b->n - 1] : row_append(&b->items, &b->n, sizeof *r);
	if (!r)
		return DB_HARD;
	if (!r->nodesk_id[0] && !db_row_is_null(row, 10) && db_row_is_null(row, 13)) {
		row_copy(row, 10, r->nodesk_id, sizeof r->nodesk_id);
		row_copy(row, 11, r->nodesk_code, sizeof r->nodesk_code);
		row_time(row, 12, r->nodesk_called);
	}
	if (same)
		return 0;
	memcpy(r->queue_id, id, sizeof id);
	row_copy(row, 3, r->name, sizeof r->name);
	row_copy(row, 4, r->prefix, sizeof r->prefix);
	if (row_queue_state(row, 5, &r->state) < 0 || row_queue_policy(row, 6, &r->policy) < 0)
		return DB_HARD;
	row_copy(row, 10, r->serving_id, sizeof r->serving_id);
	row_copy(row, 11, r->serving_code, sizeof r->serving_code);
	row_time(row, 12, r->serving_called);
	r->waiting = db_row_int(row, 7);
	r->nnext = 0;
	return 0;
}

long long repo_queue_board(struct db *db, struct board_row **out, size_t *n, struct board_desk **desks,
			   size_t *ndesks)
{
	struct board b = {NULL, 0, NULL, 0};
	long long rc = db_query(db, STMT_QUEUE_BOARD, DB_NO_ARGS, append_board, &b);
	if (rc < 0) {
		free(b.items);
		free(b.desks);
		b = (struct board){NULL, 0, NULL, 0};
	}
	*out = b.items;
	*n = b.n;
	*desks = b.desks;
	*ndesks = b.ndesks;
	return rc;
}
