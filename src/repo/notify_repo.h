/* Notifications in SQL: a ticket's notify choices (ticket_notify) and the outbox. */
#ifndef TURNERO_NOTIFY_REPO_H
#define TURNERO_NOTIFY_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"

struct db;

#define NOTIFY_ADDRESS_SIZE 1017 /* VARCHAR(254) in utf8mb4, NUL included */
#define NOTIFY_ERROR_SIZE 401    /* last_error is kept to 400 bytes */

struct notify_prefs {
	bool email, sms;
	long ahead;
	bool near_sent;
};

/* What a message about a ticket needs to know. */
struct notify_ticket_context {
	char code[13];
	char status[12];
	char queue_id[UUID_STR_LEN];
	char queue_name[161];
	char email[NOTIFY_ADDRESS_SIZE];
	char phone[161];
};

/* What a message about an appointment needs to know. */
struct notify_appointment_context {
	char queue_name[161];
	long long start; /* unix seconds */
	char email[NOTIFY_ADDRESS_SIZE];
	char phone[161];
};

/* A new outbox row; strings are borrowed. status "pending", or "failed" with last_error. */
struct notify_new {
	const char *id, *ticket_id, *appointment_id, *channel, *kind, *to, *subject, *body, *message_id,
		*dedupe_key, *status, *last_error;
};

/* A row as GET /tickets/{id}/notifications lists it (to unmasked: the service masks). */
struct notify_rec {
	char id[UUID_STR_LEN];
	char channel[8];
	char kind[8];
	char to[NOTIFY_ADDRESS_SIZE];
	char status[8];
	long long attempts;
	bool has_error;
	char last_error[NOTIFY_ERROR_SIZE];
	char created_date[TS_STR_LEN];
	char sent_date[TS_STR_LEN]; /* "" when not sent */
};

/* A claimed row to send; subject and body are malloc'd: free with notify_claim_free. */
struct notify_claim {
	char id[UUID_STR_LEN];
	char channel[8];
	char to[NOTIFY_ADDRESS_SIZE];
	char message_id[201];
	char *subject, *body;
	long long attempts; /* including this one */
};

void notify_claim_free(struct notify_claim *c);

/* 1 inserted or a negative db_status (DB_CONFLICT when the ticket has its row already). */
long long repo_notify_prefs_insert(struct db *db, const char *ticket_id, const struct notify_prefs *p);
/* 1 found (fills out), 0 the ticket asked for nothing, or negative. */
long long repo_notify_prefs_get(struct db *db, const char *ticket_id, struct notify_prefs *out);

/* A ticket still waiting for its `near` message in a queue. */
struct notify_near_candidate {
	char ticket_id[UUID_STR_LEN];
	long ahead;
};
/*
 * The waiting tickets of queue_id whose `near` is not sent yet (read without locks).
 * [out] out: set to NULL first; malloc'd array the caller frees (also after an error).
 * Returns the count or a negative db_status.
 */
long long repo_notify_near_candidates(struct db *db, const char *queue_id, struct notify_near_candidate **out,
				      size_t *n);
/* Marks `near` as taken: 1 when this call did it, 0 when someone did before, or negative. */
long long repo_notify_near_mark(struct db *db, const char *ticket_id);

/* 1 found (fills out), 0 no such ticket, or negative. */
long long repo_notify_ticket_context(struct db *db, const char *ticket_id, struct notify_ticket_context *out);

/* 1 found (fills out), 0 no such appointment, or negative. */
long long repo_notify_appointment_context(struct db *db, const char *appointment_id,
					  struct notify_appointment_context *out);

/* 1 inserted, 0 already there (same dedupe_key), or a negative db_status. */
long long repo_notify_insert(struct db *db, const struct notify_new *n);

/*
 * The ticket's notifications, oldest first.
 * [out] out: set to NULL first; malloc'd array the caller frees (also after an error).
 */
long long repo_notify_list_by_ticket(struct db *db, const char *ticket_id, struct notify_rec **out, size_t *n);

/* The database's clock, "YYYY-MM-DD HH:MM:SS.mmm" UTC. 1 or negative. */
long long repo_notify_now(struct db *db, char out[32]);

/*
 * Inside a transaction: locks the oldest pending row due before `before` (skipping rows
 * others hold), counts the attempt, stamps claim_token and moves next_attempt_at lease_s
 * seconds ahead. 1 claimed (fills out; free with notify_claim_free), 0 none, or negative.
 */
long long repo_notify_claim(struct db *db, const char *before, const char *claim_token, long lease_s,
			    struct notify_claim *out);
/* The same for one channel ("email" or "sms"); channel NULL: any. */
long long repo_notify_claim_channel(struct db *db, const char *before, const char *channel, const char *claim_token,
				    long lease_s, struct notify_claim *out);

/* Outcome of a claimed attempt; each is 1, or 0 when the claim was lost, or negative. */
long long repo_notify_mark_sent(struct db *db, const char *id, const char *claim_token);
long long repo_notify_mark_retry(struct db *db, const char *id, const char *claim_token, const char *error,
				 long delay_s);
long long repo_notify_mark_failed(struct db *db, const char *id, const char *claim_token, const char *error);

#endif
