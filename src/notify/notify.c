#include "notify/notify.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ids.h"
#include "common/log.h"
#include "common/random.h"
#include "common/utf8.h"
#include "notify/message.h"
#include "notify/template.h"
#include "notify/transport.h"
#include "repo/db.h"
#include "repo/explain_repo.h"
#include "repo/queue_repo.h"
#include "repo/ticket_repo.h"
#include "service/app.h"
#include "service/forecast.h"
#include "service/queue_rules.h"

#define SUBJECT_MAX 300 /* bytes; the column holds 400 characters */
#define ERROR_MAX 380   /* bytes of last_error */

/* Cuts s to at most max bytes without splitting a UTF-8 character. */
static void cut_utf8(char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}

/* Position (0 unless waiting) and estimated wait of a ticket now, as GET /tickets/{id} has them. */
static enum app_err standing(struct db *db, const struct config *cfg, const char *ticket_id, const char *queue_id,
			     long long *position, long long *wait)
{
	*position = *wait = 0;
	long long rc = repo_ticket_position(db, ticket_id, position);
	if (rc < 0)
		return db_app_err(rc);
	if (*position <= 0)
		return APP_OK;
	/* The forecast of SPEC 14 (service/forecast.h): recent services and the desks open. */
	char today[11];
	struct forecast_inputs in;
	struct forecast_basis b;
	svc_service_date(today);
	rc = repo_forecast_inputs(db, queue_id, today, &in);
	if (rc < 0)
		return db_app_err(rc);
	forecast_basis_make(in.services, in.nservices, in.desks, cfg->queue.default_service_seconds, &b);
	*wait = forecast_wait(&b, *position);
	return APP_OK;
}

struct words {
	char position[24], wait_minutes[24], link[CONFIG_PATH_MAX + 48];
	struct notify_vars v;
};

static void words_for(struct words *w, const struct config *cfg, const char *ticket_id,
		      const struct notify_ticket_context *c, long long position, long long wait, const char *desk)
{
	snprintf(w->position, sizeof w->position, "%lld", position);
	snprintf(w->wait_minutes, sizeof w->wait_minutes, "%lld", (wait + 59) / 60);
	snprintf(w->link, sizeof w->link, "%s/t/%s", cfg->notify.public_base_url, ticket_id);
	struct notify_vars v = {c->code, c->queue_name, desk ? desk : c->queue_name, w->position, w->wait_minutes,
				w->link, ""};
	w->v = v;
}

/*
 * Writes one outbox row, worded now. A template that cannot be used (missing file,
 * unknown placeholder) makes a `failed` row with the reason instead of failing the
 * caller's transaction: the counter never waits on notifications.
 */
static enum app_err enqueue(struct db *db, const struct config *cfg, enum notify_kind kind, const char *channel,
			    const char *ticket_id, const char *appointment_id, const char *to, const struct notify_vars *v,
			    const char *dedupe)
{
	char *text = NULL, *subject = NULL, *body = NULL, err[300] = "";
	char id[UUID_STR_LEN], message_id[200], masked[80];
	int rc = notify_template_load(cfg, kind, &text, err, sizeof err);
	if (rc == 0)
		rc = notify_render(text, v, &subject, &body, err, sizeof err);
	free(text);
	if (rc < 0)
		log_err("notify: %s template unusable: %s", notify_kind_name(kind), err);
	else
		cut_utf8(subject, SUBJECT_MAX);
	cut_utf8(err, ERROR_MAX);
	ids_uuid_v4(id);
	notify_message_id(cfg->notify.from, message_id, sizeof message_id);
	struct notify_new n = {id,
			       ticket_id,
			       appointment_id,
			       channel,
			       notify_kind_name(kind),
			       to,
			       subject ? subject : "",
			       body ? body : "",
			       message_id,
			       dedupe,
			       rc == 0 ? "pending" : "failed",
			       rc == 0 ? NULL : err};
	long long r = repo_notify_insert(db, &n);
	free(subject);
	free(body);
	if (r < 0)
		return db_app_err(r);
	if (r > 0) {
		notify_mask(channel, to, masked, sizeof masked);
		log_info("notify: %s by %s to %s queued as %s", notify_kind_name(kind), channel, masked, id);
	}
	return APP_OK;
}

/* One message of kind per channel the ticket asked for; dedupe keys "t:ID:KIND[:SEQ]:CHANNEL". */
static enum app_err enqueue_channels(struct db *db, const struct config *cfg, enum notify_kind kind,
				     const char *ticket_id, const struct notify_prefs *p,
				     const struct notify_ticket_context *c, const struct notify_vars *v, long long seq)
{
	static const char *const channels[] = {"email", "sms"};
	for (int i = 0; i < 2; i++) {
		if (!(i == 0 ? p->email : p->sms))
			continue;
		char dedupe[128], phone[64];
		const char *to = c->email;
		if (i == 1) {
			notify_phone_normalize(c->phone, phone, sizeof phone);
			to = phone;
		}
		if (!*to)
			continue; /* the contact was removed since registration */
		if (seq > 0)
			snprintf(dedupe, sizeof dedupe, "t:%s:%s:%lld:%s", ticket_id, notify_kind_name(kind), seq, channels[i]);
		else
			snprintf(dedupe, sizeof dedupe, "t:%s:%s:%s", ticket_id, notify_kind_name(kind), channels[i]);
		enum app_err e = enqueue(db, cfg, kind, channels[i], ticket_id, NULL, to, v, dedupe);
		if (e != APP_OK)
			return e;
	}
	return APP_OK;
}

static bool can_mail(const char *email)
{
	char addr[320], name[8];
	return *email && notify_parse_address(email, addr, sizeof addr, name, sizeof name) == 0;
}

/* The customer has the contacts nr asks for; else errors on notify.email / notify.sms in fe. */
static bool contacts_ok(const struct notify_request *nr, const char *email, const char *phone_raw,
			struct field_errors *fe)
{
	char phone[64];
	size_t before = fe->n;
	notify_phone_normalize(phone_raw, phone, sizeof phone);
	if (nr->email && !*email)
		field_errors_add(fe, "notify.email", "the customer has no email address");
	else if (nr->email && !can_mail(email))
		field_errors_add(fe, "notify.email", "the customer's email address cannot receive mail");
	if (nr->sms && !*phone_raw)
		field_errors_add(fe, "notify.sms", "the customer has no phone number");
	else if (nr->sms && strlen(phone) < 6)
		field_errors_add(fe, "notify.sms", "the customer's phone number cannot receive SMS");
	return fe->n == before;
}

enum app_err notify_ticket_registered(struct db *db, const struct config *cfg, const char *ticket_id,
				      const struct notify_request *nr, long long position, long long wait_seconds,
				      struct field_errors *fe)
{
	if (!nr || (!nr->email && !nr->sms))
		return APP_OK;
	struct notify_ticket_context c;
	long long rc = repo_notify_ticket_context(db, ticket_id, &c);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_INTERNAL;
	if (!contacts_ok(nr, c.email, c.phone, fe))
		return APP_INVALID;
	/* Issued already that close: `near` would tell nothing new. */
	struct notify_prefs p = {nr->email, nr->sms, nr->ahead, position <= nr->ahead};
	rc = repo_notify_prefs_insert(db, ticket_id, &p);
	if (rc < 0)
		return db_app_err(rc);
	struct words w;
	words_for(&w, cfg, ticket_id, &c, position, wait_seconds, NULL);
	return enqueue_channels(db, cfg, NOTIFY_ISSUED, ticket_id, &p, &c, &w.v, 0);
}

enum app_err notify_appointment_booked(struct db *db, const struct config *cfg, const char *appointment_id,
				       const struct notify_request *nr, bool confirm_by_email, struct field_errors *fe)
{
	bool want_email = nr && nr->email, want_sms = nr && nr->sms;
	if (!want_email && !want_sms && !confirm_by_email)
		return APP_OK;
	struct notify_appointment_context c;
	long long rc = repo_notify_appointment_context(db, appointment_id, &c);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_INTERNAL;
	if (nr && !contacts_ok(nr, c.email, c.phone, fe))
		return APP_INVALID;
	/* A public booking is confirmed when the address can take mail; it is never refused for it. */
	want_email = want_email || (confirm_by_email && can_mail(c.email));

	char start[200], when[64], link[CONFIG_PATH_MAX + 48];
	time_t t = (time_t)c.start;
	struct tm tm;
	localtime_r(&t, &tm); /* the process runs in [queue] timezone (service/app.c) */
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	snprintf(start, sizeof start, "%s (%s)", when, cfg->queue.timezone);
	snprintf(link, sizeof link, "%s/book/%s", cfg->notify.public_base_url, appointment_id);
	struct notify_vars v = {"", c.queue_name, c.queue_name, "", "", link, start};
	for (int i = 0; i < 2; i++) {
		if (!(i == 0 ? want_email : want_sms))
			continue;
		char dedupe[128], phone[64];
		const char *to = c.email;
		if (i == 1) {
			notify_phone_normalize(c.phone, phone, sizeof phone);
			to = phone;
		}
		snprintf(dedupe, sizeof dedupe, "a:%s:booked:%s", appointment_id, i == 0 ? "email" : "sms");
		enum app_err e =
			enqueue(db, cfg, NOTIFY_BOOKED, i == 0 ? "email" : "sms", NULL, appointment_id, to, &v, dedupe);
		if (e != APP_OK)
			return e;
	}
	return APP_OK;
}

/* `near` for every waiting ticket of queue_id that has just come within its ahead. */
static enum app_err near_check(struct db *db, const struct config *cfg, const char *queue_id)
{
	struct notify_near_candidate *cands = NULL;
	size_t n = 0;
	enum app_err e = APP_OK;
	long long rc = repo_notify_near_candidates(db, queue_id, &cands, &n);
	if (rc < 0) {
		free(cands);
		return db_app_err(rc);
	}
	for (size_t i = 0; i < n && e == APP_OK; i++) {
		long long position = 0, wait;
		/* The position alone first: the forecast only for the few that are near. */
		rc = repo_ticket_position(db, cands[i].ticket_id, &position);
		if (rc < 0) {
			e = db_app_err(rc);
			continue;
		}
		if (position <= 0 || position > cands[i].ahead)
			continue;
		e = standing(db, cfg, cands[i].ticket_id, queue_id, &position, &wait);
		if (e != APP_OK || position <= 0 || position > cands[i].ahead)
			continue;
		rc = repo_notify_near_mark(db, cands[i].ticket_id);
		if (rc <= 0) { /* 0: someone else took it */
			e = rc < 0 ? db_app_err(rc) : APP_OK;
			continue;
		}
		struct notify_prefs p;
		struct notify_ticket_context c;
		rc = repo_notify_prefs_get(db, cands[i].ticket_id, &p);
		if (rc > 0)
			rc = repo_notify_ticket_context(db, cands[i].ticket_id, &c);
		if (rc <= 0) {
			e = rc < 0 ? db_app_err(rc) : APP_OK;
			continue;
		}
		struct words w;
		words_for(&w, cfg, cands[i].ticket_id, &c, position, wait, NULL);
		e = enqueue_channels(db, cfg, NOTIFY_NEAR, cands[i].ticket_id, &p, &c, &w.v, 0);
	}
	free(cands);
	return e;
}

enum app_err notify_on_event(struct db *db, const struct config *cfg, const struct notify_event *ev)
{
	struct notify_ticket_context c;
	struct notify_prefs p;
	long long rc = repo_notify_ticket_context(db, ev->ticket_id, &c);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_OK; /* no such ticket: nothing to say */
	rc = repo_notify_prefs_get(db, ev->ticket_id, &p);
	if (rc < 0)
		return db_app_err(rc);
	enum app_err e = APP_OK;
	if (rc > 0 && strcmp(ev->event, "created") == 0) {
		long long position, wait;
		struct words w;
		e = standing(db, cfg, ev->ticket_id, c.queue_id, &position, &wait);
		words_for(&w, cfg, ev->ticket_id, &c, position, wait, NULL);
		if (e == APP_OK)
			e = enqueue_channels(db, cfg, NOTIFY_ISSUED, ev->ticket_id, &p, &c, &w.v, 0);
	} else if (rc > 0 && strcmp(ev->event, "called") == 0) {
		struct words w;
		words_for(&w, cfg, ev->ticket_id, &c, 0, 0, ev->desk_name);
		e = enqueue_channels(db, cfg, NOTIFY_CALLED, ev->ticket_id, &p, &c, &w.v, ev->seq > 0 ? ev->seq : 1);
	}
	/*
	 * Positions move in every queue the event touched; but a ticket joining a queue only
	 * pushes others back (and its own `near` was settled at registration), so a created
	 * event looks at no queue: otherwise every registration would cost the relay a
	 * position query per waiting ticket with notify.
	 */
	const char *queues[3] = {ev->from_queue_id, ev->to_queue_id, c.queue_id};
	bool moves = strcmp(ev->event, "created") != 0;
	for (int i = 0; i < 3 && e == APP_OK && moves; i++) {
		bool seen = !queues[i] || !*queues[i];
		for (int j = 0; j < i && !seen; j++)
			seen = queues[j] && strcmp(queues[j], queues[i]) == 0;
		if (!seen)
			e = near_check(db, cfg, queues[i]);
	}
	return e;
}

struct claim_tx {
	const char *before, *channel, *token;
	struct notify_claim *claim;
	bool found;
};

static enum app_err claim_in_tx(struct db *db, void *cls)
{
	struct claim_tx *t = cls;
	notify_claim_free(t->claim);
	long long rc = repo_notify_claim_channel(db, t->before, t->channel, t->token, NOTIFY_LEASE_SECONDS, t->claim);
	t->found = rc > 0;
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

/* Sends one claimed notification and records the outcome. */
static enum app_err send_one(struct db *db, const struct config *cfg, const struct notify_claim *cl,
			     const char *token, struct notify_run_stats *st)
{
	char err[512] = "", masked[80];
	enum notify_send_result r;
	notify_mask(cl->channel, cl->to, masked, sizeof masked);
	if (strcmp(cl->channel, "email") == 0) {
		struct notify_mail m = {cfg->notify.from, cl->to, cl->subject, cl->body, cl->message_id, time(NULL)};
		char *msg = notify_mail_build(&m);
		if (msg) {
			r = notify_smtp_send(cfg, cl->to, msg, err, sizeof err);
			free(msg);
		} else {
			r = NOTIFY_RETRY;
			snprintf(err, sizeof err, "cannot write the message: check [notify] from and the address");
		}
	} else {
		r = notify_sms_send(cfg, cl->to, cl->body, cl->id, err, sizeof err);
	}
	long long rc;
	if (r == NOTIFY_SENT) {
		rc = repo_notify_mark_sent(db, cl->id, token);
		st->sent++;
		log_info("notify: %s to %s sent (%s, attempt %lld)", cl->channel, masked, cl->id, cl->attempts);
		if (rc < 0)
			log_err("notify: %s was sent but could not be marked sent; it may go again", cl->id);
		return rc < 0 ? db_app_err(rc) : APP_OK;
	}
	cut_utf8(err, ERROR_MAX);
	uint32_t rnd = 0;
	if (random_bytes(&rnd, sizeof rnd) < 0)
		rnd = 0;
	long delay = r == NOTIFY_PERMANENT ? -1
					    : notify_backoff_seconds(cfg->notify.retry, cfg->notify.nretry,
								     (unsigned)cl->attempts, rnd);
	if (delay < 0) {
		rc = repo_notify_mark_failed(db, cl->id, token, err);
		st->failed++;
		log_warn("notify: %s to %s failed after %lld attempts: %s", cl->channel, masked, cl->attempts, err);
	} else {
		rc = repo_notify_mark_retry(db, cl->id, token, err, delay);
		st->retried++;
		log_warn("notify: %s to %s not sent (attempt %lld), next try in %ld s: %s", cl->channel, masked,
			 cl->attempts, delay, err);
	}
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err notify_outbox_run(struct db *db, const struct config *cfg, long max, struct notify_run_stats *st)
{
	return notify_outbox_run_channel(db, cfg, NULL, max, st);
}

enum app_err notify_outbox_run_channel(struct db *db, const struct config *cfg, const char *channel, long max,
				       struct notify_run_stats *st)
{
	char start[32];
	memset(st, 0, sizeof *st);
	long long rc = repo_notify_now(db, start);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_INTERNAL;
	enum app_err e = APP_OK;
	for (long i = 0; i < max && e == APP_OK; i++) {
		char token[UUID_STR_LEN];
		struct notify_claim claim;
		memset(&claim, 0, sizeof claim);
		ids_uuid_v4(token);
		struct claim_tx t = {start, channel, token, &claim, false};
		e = db_tx_run(db, "notify claim", claim_in_tx, &t);
		if (e == APP_OK && t.found)
			e = send_one(db, cfg, &claim, token, st);
		notify_claim_free(&claim);
		if (!t.found)
			break;
	}
	return e;
}

enum app_err notify_list_for_ticket(struct db *db, const char *ticket_id, struct notify_rec **out, size_t *n)
{
	struct notify_ticket_context c;
	*out = NULL;
	*n = 0;
	long long rc = repo_notify_ticket_context(db, ticket_id, &c);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	rc = repo_notify_list_by_ticket(db, ticket_id, out, n);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
		return db_app_err(rc);
	}
	for (size_t i = 0; i < *n; i++) {
		char masked[80];
		notify_mask((*out)[i].channel, (*out)[i].to, masked, sizeof masked);
		snprintf((*out)[i].to, sizeof (*out)[i].to, "%s", masked);
	}
	return APP_OK;
}
