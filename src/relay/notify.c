/*
 * Notifications in the relay (SPEC 12, 13): the `near` and `called` rows of each event it
 * follows, written in the transaction that moves its position past the event, and a sender
 * thread per channel that runs the outbox step (notify_outbox_run_channel) while this
 * relay holds the lease.
 *
 * Sending has threads of its own because one SMTP or gateway attempt may take up to
 * [notify] timeout_seconds (transport.c); in the main loop that would hold up live
 * messages and webhooks and let the 6 s lease run out, and in one thread for both
 * channels a gateway that never answers would hold up every email behind it. Each thread
 * has its own database connection and shares with the main loop only the fields under
 * `lock`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "notify/notify.h"
#include "relay/relay.h"
#include "repo/db.h"
#include "repo/desk_repo.h"

#define SEND_BATCH 20         /* notifications per pass before looking at the lease again */
#define SEND_LOOK_MS 1000     /* a pass every second even without a wake-up (retries come due) */
#define ERROR_LOG_US 10000000 /* one line per 10 s at most while the database is away */

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

enum app_err relay_notify_write(struct relay_notify *n, struct db *db, const struct event_log_rec *e)
{
	struct desk_rec desk;
	const char *desk_name = NULL;
	if (e->desk_id[0] && strcmp(e->event, "called") == 0) {
		long long rc = repo_desk_get_by_id(db, e->desk_id, &desk);
		if (rc < 0)
			return db_app_err(rc);
		if (rc > 0)
			desk_name = desk.name;
	}
	struct notify_event ev = {e->seq, e->ticket_id, e->event, opt(e->from_queue_id), opt(e->to_queue_id), desk_name};
	return notify_on_event(db, n->cfg, &ev);
}

void relay_notify_written(struct relay_notify *n)
{
	n->enqueued = true;
}

static bool may_send(struct relay_notify *n)
{
	pthread_mutex_lock(&n->lock);
	bool ok = !n->stop && ids_mono_us() < n->leading_until_us;
	pthread_mutex_unlock(&n->lock);
	return ok;
}

static void *sender_main(void *arg)
{
	struct relay_notify_sender *me = arg;
	struct relay_notify *n = me->n;
	long long last_error_log_us = 0;
	for (;;) {
		bool full = false;
		if (may_send(n)) {
			struct notify_run_stats st;
			enum app_err e = notify_outbox_run_channel(me->db, n->cfg, me->channel, SEND_BATCH, &st);
			pthread_mutex_lock(&n->lock);
			n->sent += st.sent;
			n->retried += st.retried;
			n->failed += st.failed;
			pthread_mutex_unlock(&n->lock);
			full = st.sent + st.retried + st.failed >= SEND_BATCH;
			long long now = ids_mono_us();
			if (e != APP_OK && now - last_error_log_us > ERROR_LOG_US) {
				log_warn("relay: sending notifications by %s: %s; trying again", me->channel,
					 app_err_info(e)->title);
				last_error_log_us = now;
			}
		}
		pthread_mutex_lock(&n->lock);
		if (!full && !n->stop && !me->wake) {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += SEND_LOOK_MS / 1000;
			while (!n->stop && !me->wake) {
				int rc = pthread_cond_timedwait(&n->cond, &n->lock, &until);
				if (rc == ETIMEDOUT)
					break;
			}
		}
		me->wake = false;
		bool stop = n->stop;
		pthread_mutex_unlock(&n->lock);
		if (stop)
			break;
	}
	return NULL;
}

/* Stops and joins the threads started so far, then frees everything open took. */
static void senders_end(struct relay_notify *n)
{
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_cond_broadcast(&n->cond);
	pthread_mutex_unlock(&n->lock);
	for (int i = 0; i < RELAY_NOTIFY_CHANNELS; i++) {
		struct relay_notify_sender *sd = &n->senders[i];
		if (sd->started)
			pthread_join(sd->thread, NULL);
		db_free(sd->db);
	}
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->lock);
	memset(n, 0, sizeof *n);
}

int relay_notify_open(struct relay_notify *n, const struct config *cfg)
{
	static const char *const channels[RELAY_NOTIFY_CHANNELS] = {"email", "sms"};
	memset(n, 0, sizeof *n);
	n->cfg = cfg;
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	int rc = pthread_cond_init(&n->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0)
		return -1;
	pthread_mutex_init(&n->lock, NULL);
	for (int i = 0; i < RELAY_NOTIFY_CHANNELS; i++) {
		struct relay_notify_sender *sd = &n->senders[i];
		sd->n = n;
		sd->channel = channels[i];
		sd->db = db_new(cfg);
		if (!sd->db || pthread_create(&sd->thread, NULL, sender_main, sd) != 0) {
			senders_end(n);
			return -1;
		}
		sd->started = true;
	}
	n->running = true;
	return 0;
}

void relay_notify_lead(struct relay_notify *n, long long leading_until_us)
{
	if (!n->running)
		return;
	pthread_mutex_lock(&n->lock);
	n->leading_until_us = leading_until_us;
	if (n->enqueued && leading_until_us > 0) {
		for (int i = 0; i < RELAY_NOTIFY_CHANNELS; i++)
			n->senders[i].wake = true;
		pthread_cond_broadcast(&n->cond);
	}
	n->enqueued = false;
	pthread_mutex_unlock(&n->lock);
}

void relay_notify_counts(struct relay_notify *n, long long *sent, long long *retried, long long *failed)
{
	*sent = *retried = *failed = 0;
	if (!n->running)
		return;
	pthread_mutex_lock(&n->lock);
	*sent = n->sent;
	*retried = n->retried;
	*failed = n->failed;
	pthread_mutex_unlock(&n->lock);
}

void relay_notify_close(struct relay_notify *n)
{
	if (!n->running)
		return;
	senders_end(n);
}
