/* Queues, the priorities they serve, placement candidates and board rows in SQL. */
#ifndef TURNERO_QUEUE_REPO_H
#define TURNERO_QUEUE_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"
#include "common/queue_state.h"
#include "repo/desk_repo.h"

struct db;

#define QUEUE_MAX_PRIORITIES 100

struct queue_rec {
	char id[UUID_STR_LEN];
	char name[161];
	char prefix[4];
	enum queue_state state;
	enum queue_policy policy;
	char user_id[UUID_STR_LEN]; /* "" when none */
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
	long long created_seq;
	long long waiting;
	size_t npriorities;
	char priority_ids[QUEUE_MAX_PRIORITIES][UUID_STR_LEN];
};

struct queue_list {
	struct queue_rec *items;
	size_t n;
};

struct queue_filter {
	const char *state;   /* NULL: any */
	const char *user_id; /* NULL: any */
	const char *sort;
	long long limit, offset;
};

extern const char *const queue_repo_sorts[];

long long repo_queue_insert(struct db *db, const struct queue_rec *q);
long long repo_queue_get_by_id(struct db *db, const char *id, struct queue_rec *out);
/* A queue row as locked for an operation on its tickets. */
struct queue_lock {
	enum queue_state state;
	enum queue_policy policy;
	char user_id[UUID_STR_LEN]; /* the attendant assigned to it; "" when none */
};
/* Locks the queue row; 1 found (out filled), 0 none. */
long long repo_queue_lock(struct db *db, const char *id, struct queue_lock *out);
long long repo_queue_list(struct db *db, const struct queue_filter *f, struct queue_list *out, long long *total);
void queue_list_free(struct queue_list *l);
long long repo_queue_update(struct db *db, const struct queue_rec *q);
/* Replaces the served priorities with q->priority_ids. */
long long repo_queue_set_priorities(struct db *db, const struct queue_rec *q);

/* Every queue, for a per-worker memo (service/catalog.c). */
struct queue_catalogue {
	struct queue_rec *items; /* created_seq order; waiting is 0 (read per page: repo_queue_waiting_of) */
	size_t *by_name;         /* indexes into items in the list's name order (as ORDER BY q.name) */
	size_t *by_prefix;       /* ... and in prefix order */
	size_t n;
};

/* 1 loaded into *out (freed with queue_catalogue_free), 0 more than max queues (nothing kept), < 0 a DB status. */
long long repo_queue_catalogue(struct db *db, size_t max, struct queue_catalogue *out);
void queue_catalogue_free(struct queue_catalogue *c); /* NULL-safe; leaves it empty */
/* Sets items[i].waiting of every queue of l from the kept counts, in one statement for the page. */
long long repo_queue_waiting_of(struct db *db, struct queue_list *l);

/* One open queue that could take a ticket of a priority. */
struct queue_candidate {
	char id[UUID_STR_LEN];
	char prefix[4];
	enum queue_policy policy;
	long long created_seq;
	long long waiting;
	long long ahead_by_age;      /* tickets the placed one waits behind under the fifo policy */
	long long ahead_by_priority; /* ... and under the priority policy */
	char now[24];                /* the server's clock as me's created_date used it (DATETIME(3) text) */
	int customer_state;          /* placed_ticket.customer_id: 1 active, 0 inactive, -1 none or unknown */
};

/*
 * The ticket being placed: a new one (times NULL: now; due_date set for a checked-in
 * appointment) or one that moves (its stored times and deadline).
 */
struct placed_ticket {
	const char *priority_id;
	int level;
	const char *created_date; /* DATETIME(3) text as stored; NULL: now */
	const char *due_date;     /* NULL: created_date */
	const char *sla_deadline; /* NULL: due_date + max_wait_minutes when that is > 0, else none */
	int max_wait_minutes;
	const char *customer_id; /* NULL, or a customer whose state each candidate row reports */
};

/*
 * Open queues serving t's priority (other than except_id, may be NULL); *out freed by the
 * caller with free(). Reads every waiting ticket of each queue (see STMT_QUEUE_CANDIDATES):
 * repo_queue_candidates_among is the fast path.
 */
long long repo_queue_candidates(struct db *db, const struct placed_ticket *t, const char *except_id,
				struct queue_candidate **out, size_t *n);

/* How many queues one statement of repo_queue_candidates_among binds (more take more statements). */
#define QUEUE_CANDIDATES_PER_STATEMENT 4

/* A queue to weigh, by its id and the policy the caller knows it by (the memo). */
struct queue_ref {
	const char *id;
	enum queue_policy policy;
};

/*
 * The same, of queues[0..nqueues) only (each still checked to qualify, and to have the
 * policy named: a queue whose policy differs gives no row), through index ranges: the time
 * does not grow with the waiting tickets. *qualifying: how many queues qualify in the
 * database (-1 when no row came back); *n short of it means queues missed some, or named
 * one by a policy it no longer has.
 */
long long repo_queue_candidates_among(struct db *db, const struct placed_ticket *t, const char *except_id,
				      const struct queue_ref *queues, size_t nqueues, struct queue_candidate **out,
				      size_t *n, long long *qualifying);

/* The one row of queue_id when it qualifies for t (any policy), else none; *out as above. */
long long repo_queue_candidate_in(struct db *db, const struct placed_ticket *t, const char *queue_id,
				  struct queue_candidate **out, size_t *n);

/* Average service seconds of the last 20 served tickets of the day and how many there were. */
long long repo_queue_avg_service(struct db *db, const char *queue_id, const char *service_date, double *avg,
				 long long *samples);

/* The codes a board shows after the one served, per queue (SPEC 10). */
#define BOARD_NEXT_CODES 5

struct board_row {
	char queue_id[UUID_STR_LEN];
	char name[161];
	char prefix[4];
	enum queue_state state;
	enum queue_policy policy;
	char serving_id[UUID_STR_LEN]; /* "" when nobody is called */
	char serving_code[16];
	char serving_called[TS_STR_LEN];
	/* The most recently called ticket still called without a desk ("" when none). */
	char nodesk_id[UUID_STR_LEN];
	char nodesk_code[16];
	char nodesk_called[TS_STR_LEN];
	long long waiting;
	size_t nnext;
	char next[BOARD_NEXT_CODES][16]; /* svc_board fills them */
	/* The queue's active desks (svc_board fills them; they live in the same allocation as the rows). */
	const struct board_desk *desks;
	size_t ndesks;
	long long at_risk; /* waiting tickets whose SLA is at risk (SPEC 14; svc_board fills it) */
};

/*
 * Open and paused queues with who is served (next, desks and at_risk left empty), and every
 * active desk of them with the ticket each most recently called, grouped by queue in the same
 * order and by name inside a queue; one statement. [out] out, desks: free() each (NULL when
 * there are none or on error).
 */
long long repo_queue_board(struct db *db, struct board_row **out, size_t *n, struct board_desk **desks,
			   size_t *ndesks);

#endif
