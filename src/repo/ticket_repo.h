/* Tickets, their numbering, take-next queries, events and idempotency keys in SQL. */
#ifndef TURNERO_TICKET_REPO_H
#define TURNERO_TICKET_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"
#include "common/ticket_status.h"

struct db;

struct ticket_rec {
	char id[UUID_STR_LEN];
	char customer_id[UUID_STR_LEN];
	char priority_id[UUID_STR_LEN];
	char queue_id[UUID_STR_LEN];
	char service_date[11];
	long long number;
	char code[16];
	enum ticket_status status;
	char created_date[TS_STR_LEN];
	char called_date[TS_STR_LEN]; /* "" when not called */
	char served_date[TS_STR_LEN];
	char called_by[UUID_STR_LEN];
	char updated_date[TS_STR_LEN];
	long long quoted_wait_seconds;
	char issued_queue_id[UUID_STR_LEN];
	char desk_id[UUID_STR_LEN]; /* the desk that called it; "" when none */
	char desk_name[161];        /* its name ("" when none, and on reads for update) */
	char due_date[TS_STR_LEN]; /* where the call order counts from (queue_order.h) */
	long long sla_deadline_ms; /* due_date + max_wait_minutes in unix ms; -1 when no SLA */
	long long quoted_wait_low, quoted_wait_high; /* the range quoted at issue; -1 when none */
};

struct ticket_list {
	struct ticket_rec *items;
	size_t n;
};

struct ticket_filter {
	const char *queue_id, *status, *service_date, *customer_id; /* NULL: any */
	const char *sort;
	long long limit, offset;
};

extern const char *const ticket_repo_sorts[];

/*
 * The positions of several waiting tickets of queue_id (ids_json: a JSON array of their ids)
 * from one ranking of the queue: each_rank(cls, id, position) once per ticket still waiting
 * there; tickets that are not are left out.
 */
long long repo_ticket_ranks(struct db *db, const char *queue_id, const char *ids_json,
			    void (*each_rank)(void *cls, const char *id, long long position), void *cls);
/* 1 found: level, max_wait_minutes, state; 0 none. */
long long repo_ticket_priority_info(struct db *db, const char *priority_id, int *level, int *max_wait, bool *state);
/* 1 found (state), 0 none. */
long long repo_ticket_customer_state(struct db *db, const char *customer_id, bool *state);
/* Takes the next number of a queue for a service day (atomic; the counter row stays locked). */
long long repo_ticket_next_number(struct db *db, const char *queue_id, const char *service_date, long long *number);
/*
 * Inserts a waiting ticket with t's ids, number, code, quoted_wait_seconds and the quoted
 * range (quoted_wait_low/high; negative: none), created and updated at now (DATETIME(3)
 * text of the server's clock: queue_candidate.now). due_date: DATETIME(3) text (a
 * checked-in appointment's slot start) or NULL (now); the SLA deadline counts from it.
 */
long long repo_ticket_insert(struct db *db, const struct ticket_rec *t, int level, int max_wait_minutes,
			     const char *due_date, const char *now);
long long repo_ticket_get(struct db *db, const char *id, bool for_update, struct ticket_rec *out);
long long repo_ticket_list(struct db *db, const struct ticket_filter *f, struct ticket_list *out, long long *total);
void ticket_list_free(struct ticket_list *l);
/* 1-based position of a waiting ticket; 0 when it is not waiting. */
long long repo_ticket_position(struct db *db, const char *id, long long *position);
/* Locks and returns the id of the queue's called ticket that no desk called ("" when none); 1/0. */
long long repo_ticket_called_of_queue(struct db *db, const char *queue_id, char id[UUID_STR_LEN]);
/* Locks and returns the ticket called at desk_id and its queue ("" when none); 1/0. */
long long repo_ticket_called_of_desk(struct db *db, const char *desk_id, char id[UUID_STR_LEN],
				     char queue_id[UUID_STR_LEN]);

enum take_kind { TAKE_OVERDUE, TAKE_LEVEL, TAKE_FIFO };
/* A taken ticket: its row as stored (waiting; ticket.queue_id is where it waits; no desk) and
 * the server's clock when it was taken (DATETIME(3) text). */
struct ticket_take {
	struct ticket_rec ticket;
	char now[24];
};
/*
 * Locks the first waiting ticket of queue_id (own) or of the other queues it may steal from
 * (steal), by kind, skipping rows others hold. 1 found (out), 0 none (out->ticket.id "").
 */
/* 1 when queue_id has an overdue waiting ticket (queue_order.h), 0 when not; no lock taken. */
long long repo_ticket_overdue_exists(struct db *db, const char *queue_id);
long long repo_ticket_take(struct db *db, const char *queue_id, bool steal, enum take_kind kind,
			   struct ticket_take *out);
/*
 * Calls waiting ticket id at queue_id, at desk_id (NULL or "": no desk), at instant at
 * (DATETIME(3) text; NULL or "": now). 1 changed, 0 lost race.
 */
long long repo_ticket_mark_called(struct db *db, const char *id, const char *user_id, const char *queue_id,
				  const char *desk_id, const char *at);
/* Changes status from -> to (guarded); served_date/called_date follow. 1 changed, 0 lost race. */
long long repo_ticket_set_status(struct db *db, const char *id, enum ticket_status from, enum ticket_status to);
long long repo_ticket_recall(struct db *db, const char *id);
/* Moves a ticket in status from to queue_id as waiting. */
long long repo_ticket_move(struct db *db, const char *id, enum ticket_status from_status, const char *queue_id);

struct waiting_ticket {
	char id[UUID_STR_LEN];
	char priority_id[UUID_STR_LEN];
	int level;
	char created_date[24]; /* DATETIME(3) text as stored */
	char due_date[24];
	char sla_deadline[24]; /* "" when no SLA */
};
/* Locks the waiting tickets of a queue in fifo order; free(*out). */
long long repo_ticket_waiting_of_queue(struct db *db, const char *queue_id, struct waiting_ticket **out, size_t *n);

long long repo_event_insert(struct db *db, const char *ticket_id, const char *event, const char *from_queue,
			    const char *to_queue, const char *user_id, const char *reason);
/* The "called" event, with the desk that called (NULL or "": none). */
long long repo_event_insert_called(struct db *db, const char *ticket_id, const char *from_queue, const char *to_queue,
				   const char *user_id, const char *desk_id);
/* The same for a call out of order (POST /tickets/{id}/call), marked out_of_order (not shown). */
long long repo_event_insert_called_manual(struct db *db, const char *ticket_id, const char *from_queue,
					  const char *to_queue, const char *user_id, const char *desk_id);

struct event_rec {
	long long seq;
	char event[21];
	char from_queue_id[UUID_STR_LEN];
	char to_queue_id[UUID_STR_LEN];
	char user_id[UUID_STR_LEN];
	char reason[21];
	char at[TS_STR_LEN];
	char desk_id[UUID_STR_LEN]; /* "" unless a desk called */
};
/* The ticket's events in order; free(*out). */
long long repo_event_list(struct db *db, const char *ticket_id, struct event_rec **out, size_t *n);

/* 1 found (ticket_id, request_hash), 0 none; locks the key. */
long long repo_idem_get(struct db *db, const char *user_id, const char *key, char ticket_id[UUID_STR_LEN],
			char hash[65]);
long long repo_idem_insert(struct db *db, const char *user_id, const char *key, const char *ticket_id,
			   const char *hash);

/* Expires waiting/called tickets of days before today, with their events; returns how many. */
long long repo_ticket_expire_before(struct db *db, const char *today);

struct public_ticket {
	char id[UUID_STR_LEN];
	char code[16];
	char queue_id[UUID_STR_LEN];
	char queue_name[161];
	enum ticket_status status;
	char desk_name[161]; /* the desk that called it ("" when none) */
};
long long repo_ticket_public(struct db *db, const char *id, struct public_ticket *out);
/*
 * The first waiting tickets of a queue in call order, at most limit; the i-th (from 0) is at
 * position i + 1. [out] items: set to NULL first; *n of them, freed by the caller with free().
 */
long long repo_ticket_public_waiting(struct db *db, const char *queue_id, long long limit,
				     struct public_ticket **items, size_t *n);

#endif
