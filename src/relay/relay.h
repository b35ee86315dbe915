/*
 * turnero-relay (SPEC 13): follows ticket_events by seq and turns each committed event
 * into live messages (nchan, over nginx's publisher socket) and webhook deliveries.
 * One relay works at a time (a lease row); its position lives in relay_state.
 */
#ifndef TURNERO_RELAY_H
#define TURNERO_RELAY_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/config.h"
#include "common/ids.h"
#include "repo/event_repo.h"
#include "service/app.h"
#include "service/ticket.h"

/* Counters for the turnero_relay_* metrics. */
struct relay_stats {
	long long published, publish_errors;
	long long delivered, retried, failed;
	long long lag_events;
	double lag_seconds;
	long long position;
	long long pending;
	bool leader;
};

/* Remembered public views, so a ticket's stream gets a message only when it changes. */
#define LIVE_CACHE_SLOTS 4096
struct live_cache_slot {
	char id[UUID_STR_LEN];
	unsigned long long hash;
};

/* Queues whose waiting tickets' public views may have moved, flushed after each batch. */
#define LIVE_DIRTY_QUEUES 64
#define LIVE_TOUCHED_TICKETS 64

struct relay_live {
	const struct config *cfg;
	char dirty[LIVE_DIRTY_QUEUES][UUID_STR_LEN]; /* queues whose public views may have changed */
	size_t ndirty;
	struct public_view touched[LIVE_TOUCHED_TICKETS]; /* of tickets events named since the last flush */
	size_t ntouched;
	long long public_sent_us;
	CURL *curl; /* one keep-alive connection to the publisher socket */
	struct relay_stats *stats;
	bool board_dirty;
	long long board_sent_us;
	long long last_error_log_us;
	struct live_cache_slot *cache; /* LIVE_CACHE_SLOTS entries */
};

/* 0, or -1 when curl or memory failed. Close with live_close. */
int live_open(struct relay_live *l, const struct config *cfg, struct relay_stats *stats);
void live_close(struct relay_live *l);

/*
 * Publishes the live messages of a batch of events: the queue streams each touches, and
 * marks the board, the tickets' public views and their queues' for live_flush_board and
 * live_flush_public. The tickets are read once for the batch (svc_ticket_views).
 * [out] payloads[i]: events[i]'s webhook body (relay_event_payload's shape), malloc'd; NULL
 *                    when the ticket is gone or memory ran out.
 * False when the tickets could not be read (nothing published; the batch is to be retried).
 */
bool live_events(struct relay_live *l, struct svc_app *app, const struct event_log_rec *events, size_t n,
		 char **payloads);

/*
 * Publishes the public views of the tickets events named and of the first waiting tickets
 * of the queues they touched since the last flush, those that changed, once per queue
 * however many events there were, at most 4 times a second (like the board). force: now.
 * Returns the microseconds until it may publish again when something waits, else -1.
 */
long long live_flush_public(struct relay_live *l, struct svc_app *app, bool force);

/* Publishes the board when it changed and the last one is 250 ms old (at most 4 a second).
 * Returns the microseconds until it may publish again when still dirty, else -1. */
long long live_flush_board(struct relay_live *l, struct svc_app *app);

/* Publishes body on channel with the SSE event name; false on failure (counted and logged). */
bool live_publish(struct relay_live *l, const char *channel, const char *event, const char *body);

/* The webhook body of an event: {type, timestamp, data: {ticket}}; malloc'd, NULL if the ticket is gone. */
char *relay_event_payload(struct svc_app *app, const char *ticket_id, const char *type, const char *at);

/* ---- webhook deliveries (relay/webhook.c) ---- */

struct relay_hooks;

/* NULL on failure. Free with hooks_close (in-flight attempts are abandoned; their claim expires). */
struct relay_hooks *hooks_open(const struct config *cfg, struct relay_stats *stats);
void hooks_close(struct relay_hooks *h);
/* The multi handle, for waiting on its sockets. */
CURLM *hooks_multi(struct relay_hooks *h);
/* Starts due deliveries while fewer than the limit are in flight. */
void hooks_dispatch(struct relay_hooks *h, struct svc_app *app);
/* Drives transfers and records finished attempts. */
void hooks_progress(struct relay_hooks *h, struct svc_app *app);
size_t hooks_in_flight(const struct relay_hooks *h);

/* ---- notifications (relay/notify.c) ---- */

#define RELAY_NOTIFY_CHANNELS 2 /* email and SMS, each sent by a thread of its own */

struct relay_notify;

struct relay_notify_sender {
	struct relay_notify *n;
	const char *channel;
	struct db *db; /* this thread's own connection */
	pthread_t thread;
	bool started;
	bool wake; /* under n->lock */
};

struct relay_notify {
	const struct config *cfg;
	struct relay_notify_sender senders[RELAY_NOTIFY_CHANNELS];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running;
	/* under lock: */
	long long leading_until_us; /* the senders work while ids_mono_us() is below it */
	bool stop;
	long long sent, retried, failed;
	/* main thread only: */
	bool enqueued; /* an event was handled since the last relay_notify_lead */
};

/* Starts the sender threads, one per channel (idle until relay_notify_lead). 0, or -1 when
 * out of resources. */
int relay_notify_open(struct relay_notify *n, const struct config *cfg);
/* Stops the threads (after the sends under way, if any) and frees what open took. */
void relay_notify_close(struct relay_notify *n);

/*
 * Inside the caller's transaction on db (the main loop's, the one that moves the relay's
 * position past e): enqueues what e calls for (notify_on_event, with the desk's name for a
 * call). Once that transaction committed, relay_notify_written wakes the senders.
 */
enum app_err relay_notify_write(struct relay_notify *n, struct db *db, const struct event_log_rec *e);
void relay_notify_written(struct relay_notify *n);

/*
 * Tells the sender until when this relay holds the lease (0: it does not; it then sends
 * nothing more), and wakes it when events were handled since the last call.
 */
void relay_notify_lead(struct relay_notify *n, long long leading_until_us);
/* Sends, retries and failures counted so far. */
void relay_notify_counts(struct relay_notify *n, long long *sent, long long *retried, long long *failed);

#endif
