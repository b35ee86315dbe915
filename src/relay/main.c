/*
 * turnero-relay: the one daemon that turns committed ticket events into live messages,
 * webhook deliveries and notifications (SPEC 13). See relay.h for the parts.
 */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/random.h"
#include "common/wake.h"
#include "relay/relay.h"
#include "repo/db.h"
#include "service/startup.h"
#include "repo/webhook_repo.h"

#define LEASE_SECONDS 6        /* a dead holder's lease is taken over within this (< 10 s) */
#define LEASE_RENEW_US 2000000 /* renewed every 2 s */
#define LOOK_US 1000000        /* looks at the database every second even without a wake-up */
#define BATCH 200
#define GAP_WAIT_US 3000000 /* a missing seq (a transaction still open, or rolled back) */

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: turnero-relay [-c FILE] [--check-config]\n"
		"Follows the ticket event log and publishes live updates to nginx (nchan),\n"
		"delivers webhooks and sends notifications (email, SMS). Several may run; one works\n"
		"at a time (a lease in the database).\n"
		"\n"
		"  -c, --config FILE   configuration file (default: $TURNERO_CONFIG or %s)\n"
		"  -t, --check-config  check the configuration, then exit\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\n"
		"Signals: SIGTERM and SIGINT stop it and give up the lease; SIGHUP is ignored.\n"
		"Exit status: 0 on a clean stop, 1 on a runtime failure, 2 on bad usage or configuration.\n",
		config_default_path(NULL));
}

struct relay {
	const struct config *cfg;
	struct svc_app app;
	struct relay_live live;
	struct relay_hooks *hooks;
	struct relay_notify notify;
	struct relay_stats stats;
	char holder[100];
	long long lease_until_us; /* our own clock: when the lease we renewed runs out, minus a margin */
	long long renewed_us;
	long long position;
	bool have_position;
	long long gap_seq, gap_since_us;
	int wake_fd;
	long long metrics_us;
	long long batch_error_log_us;
};

static void renew_lease(struct relay *r)
{
	long long now = ids_mono_us();
	if (r->renewed_us && now - r->renewed_us < LEASE_RENEW_US)
		return;
	r->renewed_us = now;
	long long rc = repo_relay_lease_take(r->app.db, r->holder, LEASE_SECONDS);
	bool was = r->stats.leader;
	r->stats.leader = rc == 1;
	if (rc == 1)
		r->lease_until_us = now + (LEASE_SECONDS - 1) * 1000000LL;
	if (r->stats.leader != was) {
		log_info("relay: %s the lease (holder %s)", r->stats.leader ? "took" : "lost", r->holder);
		r->have_position = false; /* read it again: another relay may have moved it */
	}
}

static bool leading(const struct relay *r)
{
	return r->stats.leader && ids_mono_us() < r->lease_until_us;
}

/* What a batch of events writes: their webhook bodies, their notifications, the position past them. */
struct batch_tx {
	struct relay *r;
	const struct event_log_rec *events;
	char **payloads;
	size_t n;
};

static enum app_err batch_in_tx(struct db *db, void *cls)
{
	struct batch_tx *b = cls;
	for (size_t i = 0; i < b->n; i++) {
		if (b->payloads[i]) {
			long long rc = repo_delivery_set_payload(db, b->events[i].seq, b->payloads[i]);
			if (rc < 0)
				return db_app_err(rc);
		}
		enum app_err e = relay_notify_write(&b->r->notify, db, &b->events[i]);
		if (e != APP_OK)
			return e;
	}
	long long rc = repo_relay_set_position(db, b->events[b->n - 1].seq);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

/*
 * Processes committed events after the position; returns true when there may be more.
 * Live messages go out event by event; what the batch writes commits once, with the
 * position past it (a failure leaves the position: the batch is done again, at least once).
 */
static bool follow(struct relay *r)
{
	if (!r->have_position) {
		if (repo_relay_position(r->app.db, &r->position) != 1)
			return false;
		r->have_position = true;
	}
	struct event_log_rec *events = NULL;
	size_t n = 0;
	if (repo_event_log(r->app.db, r->position, BATCH, &events, &n) < 0) {
		free(events);
		return false;
	}
	char *payloads[BATCH] = {NULL};
	long long done = r->position;
	size_t i;
	for (i = 0; i < n && leading(r); i++) {
		const struct event_log_rec *e = &events[i];
		if (e->seq != done + 1) {
			/*
			 * A lower seq may still be in an open transaction: wait for it a little, then
			 * go on (a rolled-back insert leaves a gap that never fills).
			 */
			long long now = ids_mono_us();
			if (r->gap_seq != done + 1) {
				r->gap_seq = done + 1;
				r->gap_since_us = now;
			}
			if (now - r->gap_since_us < GAP_WAIT_US)
				break;
		}
		done = e->seq;
	}
	bool more = i == n && n == BATCH;
	if (i > 0 && !live_events(&r->live, &r->app, events, i, payloads)) {
		free(events);
		return false; /* the database went away: the next look tries again */
	}
	if (i > 0) {
		struct batch_tx b = {r, events, payloads, i};
		enum app_err err = db_tx_run(r->app.db, "relay batch", batch_in_tx, &b);
		if (err == APP_OK) {
			r->position = done;
			relay_notify_written(&r->notify);
		} else {
			more = false;
			long long now = ids_mono_us();
			if (now - r->batch_error_log_us > 10000000) {
				log_warn("relay: events %lld-%lld not recorded (%s); trying again", events[0].seq, done,
					 app_err_info(err)->title);
				r->batch_error_log_us = now;
			}
		}
	}
	for (size_t k = 0; k < i; k++)
		free(payloads[k]);
	free(events);
	return more;
}

static void write_metrics(struct relay *r)
{
	long long now = ids_mono_us();
	if (now - r->metrics_us < 1000000)
		return;
	r->metrics_us = now;
	long long max_seq = 0, age_ms = 0, pos = r->position;
	if (!r->have_position)
		repo_relay_position(r->app.db, &pos);
	if (repo_event_max_seq(r->app.db, &max_seq) >= 0) {
		r->stats.lag_events = max_seq > pos ? max_seq - pos : 0;
		r->stats.lag_seconds = repo_event_age_after(r->app.db, pos, &age_ms) == 1 ? age_ms / 1000.0 : 0;
	}
	repo_delivery_pending_count(r->app.db, &r->stats.pending);
	const char *path = r->cfg->relay.metrics_file;
	if (!path[0])
		return;
	char tmp[CONFIG_PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	const struct relay_stats *s = &r->stats;
	long long sent, retried, failed;
	relay_notify_counts(&r->notify, &sent, &retried, &failed);
	fprintf(f,
		"# HELP turnero_relay_leader 1 while this relay holds the lease and works.\n"
		"# TYPE turnero_relay_leader gauge\nturnero_relay_leader %d\n"
		"# HELP turnero_relay_lag_events Committed events the relay has not processed yet.\n"
		"# TYPE turnero_relay_lag_events gauge\nturnero_relay_lag_events %lld\n"
		"# HELP turnero_relay_lag_seconds Age of the oldest event not processed yet.\n"
		"# TYPE turnero_relay_lag_seconds gauge\nturnero_relay_lag_seconds %.3f\n"
		"# HELP turnero_relay_position_seq The last event seq the relay finished.\n"
		"# TYPE turnero_relay_position_seq gauge\nturnero_relay_position_seq %lld\n"
		"# HELP turnero_relay_live_messages_total Live messages published to nginx, by result.\n"
		"# TYPE turnero_relay_live_messages_total counter\n"
		"turnero_relay_live_messages_total{result=\"published\"} %lld\n"
		"turnero_relay_live_messages_total{result=\"error\"} %lld\n"
		"# HELP turnero_relay_deliveries_total Webhook delivery attempts, by outcome.\n"
		"# TYPE turnero_relay_deliveries_total counter\n"
		"turnero_relay_deliveries_total{status=\"delivered\"} %lld\n"
		"turnero_relay_deliveries_total{status=\"retried\"} %lld\n"
		"turnero_relay_deliveries_total{status=\"failed\"} %lld\n"
		"# HELP turnero_relay_deliveries_pending Webhook deliveries waiting to be sent.\n"
		"# TYPE turnero_relay_deliveries_pending gauge\nturnero_relay_deliveries_pending %lld\n"
		"# HELP turnero_relay_notifications_total Notification attempts (email, SMS), by outcome.\n"
		"# TYPE turnero_relay_notifications_total counter\n"
		"turnero_relay_notifications_total{status=\"sent\"} %lld\n"
		"turnero_relay_notifications_total{status=\"retried\"} %lld\n"
		"turnero_relay_notifications_total{status=\"failed\"} %lld\n",
		s->leader ? 1 : 0, s->lag_events, s->lag_seconds, pos, s->published, s->publish_errors, s->delivered,
		s->retried, s->failed, s->pending, sent, retried, failed);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
}

static int run(struct relay *r)
{
	while (!stop_requested) {
		renew_lease(r);
		long long wait_us = LOOK_US;
		if (leading(r)) {
			bool more = follow(r);
			long long views = live_flush_public(&r->live, &r->app, false);
			if (views >= 0 && views < wait_us)
				wait_us = views;
			long long board = live_flush_board(&r->live, &r->app);
			if (board >= 0 && board < wait_us)
				wait_us = board;
			hooks_dispatch(r->hooks, &r->app);
			relay_notify_lead(&r->notify, r->lease_until_us);
			if (more)
				wait_us = 0;
			if (r->gap_seq > r->position && wait_us > 100000)
				wait_us = 100000;
		} else {
			relay_notify_lead(&r->notify, 0); /* only the lease holder sends */
		}
		hooks_progress(r->hooks, &r->app);
		write_metrics(r);
		long long to_renew = LEASE_RENEW_US - (ids_mono_us() - r->renewed_us);
		if (to_renew < wait_us)
			wait_us = to_renew > 0 ? to_renew : 0;
		struct curl_waitfd extra = {r->wake_fd, CURL_WAIT_POLLIN, 0};
		int numfds = 0;
		curl_multi_poll(hooks_multi(r->hooks), r->wake_fd >= 0 ? &extra : NULL, r->wake_fd >= 0 ? 1 : 0,
				(int)((wait_us + 999) / 1000), &numfds);
		if (r->wake_fd >= 0 && (extra.revents & CURL_WAIT_POLLIN))
			wake_drain(r->wake_fd);
		hooks_progress(r->hooks, &r->app);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	const char *path;
	int done = svc_startup("turnero-relay", argc, argv, usage, &cfg, &path);
	if (done >= 0)
		return done;
	log_set_level((enum log_level)log_level_parse(cfg.log.level));
	log_set_role("relay");

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Nothing to reload: the configuration is read at start (restart the unit to change it). */
	signal(SIGHUP, SIG_IGN);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fprintf(stderr, "turnero-relay: libcurl failed to initialise\n");
		return 1;
	}
	static struct relay r;
	int rc = 1;
	bool app_open = false, live_open_ok = false;
	r.cfg = &cfg;
	r.wake_fd = -1;
	char err[512];
	if (svc_app_open(&r.app, &cfg, err, sizeof err) < 0) {
		log_err("relay cannot start: %s", err);
		goto out;
	}
	app_open = true;
	/* The relay's own writes never wake itself. */
	db_set_commit_hook(r.app.db, NULL, NULL);
	if (live_open(&r.live, &cfg, &r.stats) < 0) {
		log_err("relay cannot start: out of memory");
		goto out;
	}
	live_open_ok = true;
	r.hooks = hooks_open(&cfg, &r.stats);
	if (!r.hooks) {
		log_err("relay cannot start: out of memory");
		goto out;
	}
	if (relay_notify_open(&r.notify, &cfg) < 0) {
		log_err("relay cannot start: cannot start the notification sender");
		goto out;
	}
	r.wake_fd = wake_listen(cfg.relay.wake_socket);
	if (r.wake_fd < 0)
		log_warn("relay: cannot bind the wake socket %s (%s); looking every second only",
			 cfg.relay.wake_socket, strerror(errno));
	char host[64] = "";
	gethostname(host, sizeof host - 1);
	unsigned char nonce[4];
	if (random_bytes(nonce, sizeof nonce) < 0)
		memset(nonce, 0, sizeof nonce);
	snprintf(r.holder, sizeof r.holder, "%.60s:%ld:%02x%02x%02x%02x", host, (long)getpid(), nonce[0], nonce[1],
		 nonce[2], nonce[3]);
	log_info("relay: started as %s (publisher %s)", r.holder, cfg.relay.publish_socket);
	rc = run(&r);
	relay_notify_close(&r.notify); /* stops sending before the lease goes */
	if (r.stats.leader)
		repo_relay_lease_release(r.app.db, r.holder);
	log_info("relay: stopped");
out:
	if (r.wake_fd >= 0) {
		close(r.wake_fd);
		unlink(cfg.relay.wake_socket);
	}
	relay_notify_close(&r.notify);
	hooks_close(r.hooks);
	if (live_open_ok)
		live_close(&r.live);
	if (app_open)
		svc_app_close(&r.app);
	curl_global_cleanup();
	return rc;
}
