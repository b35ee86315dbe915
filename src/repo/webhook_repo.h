/* Webhooks and their outbox (webhook_deliveries) in SQL. */
#ifndef TURNERO_WEBHOOK_REPO_H
#define TURNERO_WEBHOOK_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/ids.h"

struct db;

#define WEBHOOK_URL_MAX 2048
#define WEBHOOK_EVENTS_MAX 1000
#define WEBHOOK_DESCRIPTION_MAX 500
#define WEBHOOK_SECRET_MAX 100

struct webhook_rec {
	char id[UUID_STR_LEN];
	char url[WEBHOOK_URL_MAX + 1];
	char events[WEBHOOK_EVENTS_MAX + 1]; /* ",ticket.called,ticket.served," or ",*," */
	char description[WEBHOOK_DESCRIPTION_MAX * 4 + 1];
	bool state;
	char secret[WEBHOOK_SECRET_MAX + 1];
	char previous_secret[WEBHOOK_SECRET_MAX + 1];
	bool previous_valid; /* the previous secret still signs (within 24 h of a rotation) */
	char created_date[TS_STR_LEN];
	char updated_date[TS_STR_LEN];
};

struct webhook_list {
	struct webhook_rec *items;
	size_t n;
};

struct webhook_filter {
	int state; /* -1 any */
	const char *sort;
	long long limit, offset;
};

extern const char *const webhook_repo_sorts[];

long long repo_webhook_insert(struct db *db, const struct webhook_rec *w);
long long repo_webhook_get_by_id(struct db *db, const char *id, struct webhook_rec *out);
/* [out] out: items the caller frees with webhook_list_free. */
long long repo_webhook_list(struct db *db, const struct webhook_filter *f, struct webhook_list *out,
			    long long *total);
void webhook_list_free(struct webhook_list *l);
/* Writes url, events, description and state. */
long long repo_webhook_update(struct db *db, const struct webhook_rec *w);
long long repo_webhook_set_state(struct db *db, const char *id, bool state);
/* The current secret becomes the previous one (valid 24 h more); secret is the new one. */
long long repo_webhook_rotate(struct db *db, const char *id, const char *secret);

struct delivery_rec {
	char id[UUID_STR_LEN];
	char type[41];
	long long seq; /* 0 when none (webhook.test) */
	char status[10];
	long long attempts;
	long long last_status_code; /* 0 when none */
	char last_error[256];
	char next_attempt_at[TS_STR_LEN];
	char created_date[TS_STR_LEN];
	char delivered_date[TS_STR_LEN];
};

struct delivery_list {
	struct delivery_rec *items;
	size_t n;
};

/* Newest first; status NULL: any. [out] out: free with delivery_list_free. */
long long repo_delivery_list(struct db *db, const char *webhook_id, const char *status, long long limit,
			     long long offset, struct delivery_list *out, long long *total);
void delivery_list_free(struct delivery_list *l);
/* Pending again, due now, same id. 1 changed, 0 no such delivery of this webhook. */
long long repo_delivery_retry(struct db *db, const char *id, const char *webhook_id);
/* A webhook.test delivery with its body. */
long long repo_delivery_insert_test(struct db *db, const char *id, const char *webhook_id, const char *payload);
/*
 * The outbox rows of an appointment change, one per active webhook subscribed to
 * "appointment.<event>" (booked, cancelled, checked_in, no_show), with the body rendered from
 * the appointment as it is now; call it in the change's transaction, after the change.
 * Returns how many rows were written.
 */
long long repo_delivery_for_appointment(struct db *db, const char *appointment_id, const char *event);

/* ---- turnero-relay ---- */

/* Sets the body of every delivery of event seq that has none yet. */
long long repo_delivery_set_payload(struct db *db, long long seq, const char *payload);

/* A delivery due now, with what is needed to send it. Strings are malloc'd (see due_free). */
struct delivery_due {
	char id[UUID_STR_LEN];
	char webhook_id[UUID_STR_LEN];
	char type[41];
	char *payload; /* NULL: not rendered yet */
	char ticket_id[UUID_STR_LEN];
	long long attempts;
	char *url;
	bool webhook_state;
	char secret[WEBHOOK_SECRET_MAX + 1];
	char previous_secret[WEBHOOK_SECRET_MAX + 1]; /* "" unless it still signs */
};

/* At most limit due deliveries. [out] out: free with delivery_due_free(*out, *n). */
long long repo_delivery_due(struct db *db, long long limit, struct delivery_due **out, size_t *n);
void delivery_due_free(struct delivery_due *d, size_t n);
/* Marks an attempt as under way (not due again for seconds). 1 claimed, 0 taken meanwhile. */
long long repo_delivery_claim(struct db *db, const char *id, long long seconds);
/* Many deliveries at once, DELIVERY_BATCH per statement: the claim of due ones (returns how
 * many were claimed), and delivered with one status code (returns how many changed). */
#define DELIVERY_BATCH 32
long long repo_delivery_claim_batch(struct db *db, const char (*ids)[UUID_STR_LEN], size_t n, long long seconds);
long long repo_delivery_delivered_batch(struct db *db, const char (*ids)[UUID_STR_LEN], size_t n,
					long long status_code);
/* payload: kept when the row had none (rendered at send time); may be NULL. */
long long repo_delivery_delivered(struct db *db, const char *id, long long status_code, const char *payload);
/* One more failed attempt, due again in delay_ms. status_code 0: no answer. */
long long repo_delivery_reschedule(struct db *db, const char *id, long long status_code, const char *error,
				   long long delay_ms, const char *payload);
/* Gives up; attempted: whether this counts as an attempt. */
long long repo_delivery_failed(struct db *db, const char *id, bool attempted, long long status_code,
			       const char *error, const char *payload);
long long repo_delivery_pending_count(struct db *db, long long *count);

#endif
