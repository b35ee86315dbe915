/* Desks in SQL: the counters a queue is served from, who is signed in, and the board's desk rows. */
#ifndef TURNERO_DESK_REPO_H
#define TURNERO_DESK_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"

struct db;

#define DESK_NAME_MAX 40

struct desk_rec {
	char id[UUID_STR_LEN];
	char name[161]; /* VARCHAR(40) in utf8mb4, NUL included */
	char queue_id[UUID_STR_LEN];
	bool state;
	char user_id[UUID_STR_LEN]; /* who is signed in; "" when nobody */
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
};

/* A page of desks; free with desk_list_free. */
struct desk_list {
	struct desk_rec *items;
	size_t n;
};

struct desk_filter {
	const char *queue_id; /* NULL: any */
	int state;            /* -1: any */
	const char *user_id;  /* NULL: any */
	const char *sort;     /* one of desk_repo_sorts */
	long long limit, offset;
};

/* The sort keys STMT_DESK_LIST understands, NULL-terminated; the first is the default. */
extern const char *const desk_repo_sorts[];

/* Inserts d (id set by the caller, nobody signed in): 1, DB_CONFLICT on a taken name, or negative. */
long long repo_desk_insert(struct db *db, const struct desk_rec *d);
/* 1 found (fills out), 0 none, or a negative db_status. */
long long repo_desk_get_by_id(struct db *db, const char *id, struct desk_rec *out);
/* Same, and locks the row for the rest of the transaction. */
long long repo_desk_lock(struct db *db, const char *id, struct desk_rec *out);
/*
 * One page into out (set empty first; caller frees with desk_list_free, also on error it
 * holds nothing) and the filter's row count into *total. Returns the rows or negative.
 */
long long repo_desk_list(struct db *db, const struct desk_filter *f, struct desk_list *out, long long *total);
/* Frees the items and leaves an empty list; NULL-safe. */
void desk_list_free(struct desk_list *l);
/* Writes name, queue_id, state and user_id of d: 1, 0 no such id, DB_CONFLICT for a taken name. */
long long repo_desk_update(struct db *db, const struct desk_rec *d);
/* Signs user_id in at desk id (NULL or "": signs whoever sits there out). */
long long repo_desk_set_user(struct db *db, const char *id, const char *user_id);
/* Signs user_id out of every desk but keep_id; returns how many. */
long long repo_desk_sign_out_elsewhere(struct db *db, const char *user_id, const char *keep_id);
/* *yes: user_id is signed in at an active desk of queue_id. 1 or negative. */
long long repo_desk_signed_in_at_queue(struct db *db, const char *user_id, const char *queue_id, bool *yes);
/* The active desk user_id is signed in at ("" when none): 1 found, 0 none, or negative. */
long long repo_desk_of_user(struct db *db, const char *user_id, char id[UUID_STR_LEN]);

/* One active desk of an open or paused queue on the board, with its called ticket (repo_queue_board). */
struct board_desk {
	char queue_id[UUID_STR_LEN];
	char desk_id[UUID_STR_LEN];
	char name[161];
	char user_id[UUID_STR_LEN];     /* "" when nobody is signed in */
	char serving_id[UUID_STR_LEN];  /* "" when the desk has no called ticket */
	char serving_code[16];
	char serving_called[TS_STR_LEN];
};

#endif
