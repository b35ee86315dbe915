/*
 * Webhook deliveries: Standard Webhooks over libcurl's multi interface, many at once.
 *
 * Request forgery (SPEC 11): the URL is checked again before each attempt (https only
 * unless [webhooks] allow_private), and the host is resolved by libcurl's own threaded
 * resolver, never in the relay's loop (a slow DNS server would stall the live messages).
 * Every address curl is about to connect to passes open_checked first, which refuses the
 * ones webhook_addr_public refuses: what curl connects to is exactly what was checked,
 * for each address of a name with several, and a connection kept alive was checked when
 * it was opened. Redirects are not followed and no proxy is used.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "common/log.h"
#include "common/random.h"
#include "relay/relay.h"
#include "repo/db.h"
#include "repo/webhook_repo.h"
#include "service/webhook.h"

#define MAX_IN_FLIGHT 64
#define ATTEMPT_TIMEOUT_S 15L /* a 2xx within 15 s delivers */
#define CLAIM_SECONDS 30      /* an attempt of a relay that died is due again after this */

struct attempt {
	CURL *easy;
	struct curl_slist *headers;
	char id[UUID_STR_LEN];
	char webhook_id[UUID_STR_LEN];
	char *payload;      /* owned */
	bool rendered_here; /* the row had no payload: store the one sent */
	long long attempts; /* before this one */
	long retry_after_s; /* from the answer, 0 when none */
	bool check_address; /* refuse private addresses at connect time (allow_private is off) */
	bool refused;       /* open_checked refused an address of this attempt */
	char error[CURL_ERROR_SIZE];
};

struct relay_hooks {
	const struct config *cfg;
	struct relay_stats *stats;
	CURLM *multi;
	struct attempt *slots[MAX_IN_FLIGHT];
	size_t n;
	/* Claimed in the dispatch transaction, added to multi once it committed. */
	struct attempt *pending[MAX_IN_FLIGHT];
	size_t npending;
	long retries[CONFIG_RETRY_MAX];
	int nretries;
	/* The last dispatch found as many due deliveries as it had room for: there may be more. */
	bool more_due;
};

struct relay_hooks *hooks_open(const struct config *cfg, struct relay_stats *stats)
{
	struct relay_hooks *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->cfg = cfg;
	h->stats = stats;
	h->nretries = config_retry_list(cfg->webhooks.retry_seconds, h->retries);
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	if (!(v->features & CURL_VERSION_ASYNCHDNS))
		log_warn("relay: libcurl %s resolves host names synchronously: a slow DNS server delays the relay",
			 v->version);
	h->multi = curl_multi_init();
	if (!h->multi || h->nretries < 0) {
		hooks_close(h);
		return NULL;
	}
	return h;
}

static void attempt_free(struct attempt *a)
{
	if (!a)
		return;
	if (a->easy)
		curl_easy_cleanup(a->easy);
	curl_slist_free_all(a->headers);
	free(a->payload);
	free(a);
}

static void drop_pending(struct relay_hooks *h);

void hooks_close(struct relay_hooks *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n; i++) {
		curl_multi_remove_handle(h->multi, h->slots[i]->easy);
		attempt_free(h->slots[i]);
	}
	drop_pending(h);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h);
}

CURLM *hooks_multi(struct relay_hooks *h)
{
	return h->multi;
}

size_t hooks_in_flight(const struct relay_hooks *h)
{
	return h->n;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *cls)
{
	(void)ptr;
	(void)cls;
	return size * nmemb;
}

/* Keeps Retry-After when it is a number of seconds. */
static size_t on_header(char *buf, size_t size, size_t nitems, void *cls)
{
	struct attempt *a = cls;
	size_t len = size * nitems;
	static const char name[] = "retry-after:";
	if (len > sizeof name - 1 && strncasecmp(buf, name, sizeof name - 1) == 0) {
		const char *p = buf + sizeof name - 1;
		const char *end = buf + len;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		long v = 0;
		while (p < end && isdigit((unsigned char)*p) && v < 864000)
			v = v * 10 + (*p++ - '0');
		a->retry_after_s = v;
	}
	return len;
}

/*
 * CURLOPT_OPENSOCKETFUNCTION: called with each resolved address curl is about to connect
 * to (also the second address of a name when the first one fails), before any packet.
 */
static curl_socket_t open_checked(void *cls, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct attempt *a = cls;
	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	if (a->check_address && !webhook_addr_public(&addr->addr)) {
		a->refused = true;
		return CURL_SOCKET_BAD; /* curl tries the next address, or fails with CURLE_COULDNT_CONNECT */
	}
	return socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

static bool add_header(struct attempt *a, const char *name, const char *value)
{
	char line[512];
	snprintf(line, sizeof line, "%s: %s", name, value);
	struct curl_slist *n = curl_slist_append(a->headers, line);
	if (!n)
		return false;
	a->headers = n;
	return true;
}

/* Milliseconds until the next attempt after `attempts` failures: the schedule with +-10% jitter. */
static long long backoff_ms(const struct relay_hooks *h, long long attempts, long retry_after_s)
{
	long base = h->retries[attempts - 1 < h->nretries ? attempts - 1 : h->nretries - 1];
	unsigned short r = 0;
	(void)random_bytes(&r, sizeof r);
	double jitter = 0.9 + 0.2 * (r / 65535.0);
	long long ms = (long long)(base * 1000.0 * jitter);
	if (retry_after_s > 0 && retry_after_s * 1000LL > ms)
		ms = retry_after_s * 1000LL; /* never sooner than the receiver asked */
	return ms;
}

/* A failure of the attempt (or before it): retried on the schedule, then failed. */
static void record_failure(struct relay_hooks *h, struct svc_app *app, const char *id, long long attempts,
			   long status, const char *error, long retry_after_s, const char *payload)
{
	long long done = attempts + 1;
	if (done > h->nretries) {
		repo_delivery_failed(app->db, id, true, status, error, payload);
		h->stats->failed++;
		log_info("relay: webhook delivery %s failed after %lld attempts: %s", id, done, error);
	} else {
		repo_delivery_reschedule(app->db, id, status, error, backoff_ms(h, done, retry_after_s), payload);
		h->stats->retried++;
	}
}

/* claimed: the dispatch's batch claimed it already. */
static void start(struct relay_hooks *h, struct svc_app *app, struct delivery_due *d, bool claimed)
{
	if (!d->webhook_state) {
		repo_delivery_failed(app->db, d->id, false, 0, "webhook is deactivated", NULL);
		h->stats->failed++;
		return;
	}
	/* The URL's form now; its addresses when curl connects (open_checked). */
	struct webhook_target target;
	const char *why = webhook_url_check(d->url, h->cfg->webhooks.allow_private, false, &target);
	if (!claimed && repo_delivery_claim(app->db, d->id, CLAIM_SECONDS) != 1)
		return; /* another relay took it meanwhile */
	struct attempt *a = calloc(1, sizeof *a);
	if (!a)
		return; /* the claim expires and it is tried again */
	memcpy(a->id, d->id, sizeof a->id);
	memcpy(a->webhook_id, d->webhook_id, sizeof a->webhook_id);
	a->attempts = d->attempts;
	if (d->payload) {
		a->payload = strdup(d->payload); /* a copy: the dispatch transaction may run again */
		if (!a->payload) {
			attempt_free(a);
			return; /* the claim is rolled back or expires: tried again */
		}
	} else {
		/* Its event committed after the relay passed it: render the ticket now. */
		char now[TS_STR_LEN];
		ids_format_ms(ids_now_ms(), now);
		a->payload = relay_event_payload(app, d->ticket_id, d->type, now);
		a->rendered_here = true;
		if (!a->payload) {
			repo_delivery_failed(app->db, d->id, false, 0, "the ticket no longer exists", NULL);
			h->stats->failed++;
			attempt_free(a);
			return;
		}
	}
	if (why) {
		/* Checked again at each delivery: the setting may have changed since the webhook was made. */
		record_failure(h, app, a->id, a->attempts, 0, why, 0, a->rendered_here ? a->payload : NULL);
		attempt_free(a);
		return;
	}
	long long ts = (long long)time(NULL);
	char ts_text[24], sig[200], sig2[200] = "";
	snprintf(ts_text, sizeof ts_text, "%lld", ts);
	size_t len = strlen(a->payload);
	if (webhook_sign(d->secret, a->id, ts, a->payload, len, sig, sizeof sig) < 0 ||
	    (d->previous_secret[0] &&
	     webhook_sign(d->previous_secret, a->id, ts, a->payload, len, sig2, sizeof sig2) < 0)) {
		repo_delivery_failed(app->db, a->id, false, 0, "the webhook's secret is malformed", NULL);
		h->stats->failed++;
		attempt_free(a);
		return;
	}
	/* Both signatures while the previous secret still signs: "v1,new v1,old". */
	char signature[420];
	snprintf(signature, sizeof signature, "%s%s%s", sig, sig2[0] ? " " : "", sig2);
	a->easy = curl_easy_init();
	bool ok = a->easy && add_header(a, "Content-Type", "application/json") && add_header(a, "webhook-id", a->id) &&
		  add_header(a, "webhook-timestamp", ts_text) && add_header(a, "webhook-signature", signature) &&
		  add_header(a, "User-Agent", "turnero-relay") && add_header(a, "Expect", "");
	if (!ok) {
		attempt_free(a); /* out of memory: the claim expires and it is tried again */
		return;
	}
	CURL *c = a->easy;
	curl_easy_setopt(c, CURLOPT_URL, d->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, a);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, a->headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, a->payload);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, a->error);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, ATTEMPT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect could lead anywhere */
	curl_easy_setopt(c, CURLOPT_PROXY, "");         /* no proxy from the environment: connect to what was checked */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, h->cfg->webhooks.allow_private ? "http,https" : "https");
	a->check_address = !h->cfg->webhooks.allow_private;
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_checked);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, a);
#if CURL_AT_LEAST_VERSION(7, 87, 0)
	/* A transfer given up on while its name is still being resolved does not wait for the lookup. */
	curl_easy_setopt(c, CURLOPT_QUICK_EXIT, 1L);
#endif
	h->pending[h->npending++] = a;
}

/*
 * One transaction for all the claims (and early failures) of a dispatch, and one for all
 * the outcomes of a progress step: a commit per batch instead of two per delivery.
 */
struct hooks_tx {
	struct relay_hooks *h;
	struct svc_app *app;
	struct relay_stats before; /* the counters as they were (restore_counters) */
	struct delivery_due *due;
	size_t ndue;
	struct attempt **done;
	CURLcode *results;
	size_t ndone;
};

/* The delivery counters as before a transaction (one run again, or rolled back, starts over). */
static void restore_counters(struct relay_hooks *h, const struct relay_stats *before)
{
	h->stats->delivered = before->delivered;
	h->stats->retried = before->retried;
	h->stats->failed = before->failed;
}

static void drop_pending(struct relay_hooks *h)
{
	for (size_t i = 0; i < h->npending; i++)
		attempt_free(h->pending[i]);
	h->npending = 0;
}

/* All due rows claimed by one statement; APP_CONFLICT (rolled back) when another relay took some. */
static enum app_err dispatch_in_tx(struct db *db, void *cls)
{
	struct hooks_tx *t = cls;
	restore_counters(t->h, &t->before);
	drop_pending(t->h);
	size_t n = t->ndue < MAX_IN_FLIGHT - t->h->n ? t->ndue : MAX_IN_FLIGHT - t->h->n;
	char(*ids)[UUID_STR_LEN] = calloc(n ? n : 1, sizeof *ids);
	if (!ids)
		return APP_INTERNAL;
	for (size_t i = 0; i < n; i++)
		memcpy(ids[i], t->due[i].id, sizeof ids[i]);
	long long rc = repo_delivery_claim_batch(db, (const char(*)[UUID_STR_LEN])ids, n, CLAIM_SECONDS);
	free(ids);
	if (rc < 0)
		return db_app_err(rc);
	if ((size_t)rc != n)
		return APP_CONFLICT;
	for (size_t i = 0; i < n; i++)
		start(t->h, t->app, &t->due[i], true);
	return APP_OK;
}

/* One by one: those another relay claimed meanwhile are left to it. */
static enum app_err dispatch_each_in_tx(struct db *db, void *cls)
{
	(void)db;
	struct hooks_tx *t = cls;
	restore_counters(t->h, &t->before);
	drop_pending(t->h);
	for (size_t i = 0; i < t->ndue && t->h->n + t->h->npending < MAX_IN_FLIGHT; i++)
		start(t->h, t->app, &t->due[i], false);
	return APP_OK;
}

void hooks_dispatch(struct relay_hooks *h, struct svc_app *app)
{
	if (h->n >= MAX_IN_FLIGHT)
		return;
	struct delivery_due *due = NULL;
	size_t n = 0;
	size_t room = MAX_IN_FLIGHT - h->n;
	h->more_due = false;
	if (repo_delivery_due(app->db, (long long)room, &due, &n) < 0 || n == 0) {
		delivery_due_free(due, n);
		return;
	}
	h->more_due = n == room;
	struct hooks_tx t = {.h = h, .app = app, .before = *h->stats, .due = due, .ndue = n};
	enum app_err e = db_tx_run(app->db, "relay webhook claims", dispatch_in_tx, &t);
	if (e == APP_CONFLICT)
		e = db_tx_run(app->db, "relay webhook claims", dispatch_each_in_tx, &t);

	if (e != APP_OK) {
		if (e != APP_UNAVAILABLE)
			log_warn("relay: claiming %zu due webhook deliveries failed: %s", n, app_err_info(e)->title);
		restore_counters(h, &t.before); /* rolled back: the claims and failures were not recorded */
		drop_pending(h);
	}
	for (size_t i = 0; i < h->npending; i++) {
		struct attempt *a = h->pending[i];
		if (curl_multi_add_handle(h->multi, a->easy) != CURLM_OK) {
			attempt_free(a); /* its claim expires and it is tried again */
			continue;
		}
		h->slots[h->n++] = a;
	}
	h->npending = 0;
	delivery_due_free(due, n);
}

static void finish(struct relay_hooks *h, struct svc_app *app, struct attempt *a, CURLcode result)
{
	long status = 0;
	curl_easy_getinfo(a->easy, CURLINFO_RESPONSE_CODE, &status);
	const char *kept = a->rendered_here ? a->payload : NULL;
	if (result == CURLE_OK && status >= 200 && status < 300) {
		repo_delivery_delivered(app->db, a->id, status, kept);
		h->stats->delivered++;
	} else if (result == CURLE_OK && status == 410) {
		/* Gone: the receiver asks us to stop. */
		repo_delivery_failed(app->db, a->id, true, status, "410 Gone: webhook deactivated", kept);
		repo_webhook_set_state(app->db, a->webhook_id, false);
		h->stats->failed++;
		log_info("relay: webhook %s answered 410 Gone and was deactivated", a->webhook_id);
	} else {
		char error[256];
		if (result != CURLE_OK && a->refused)
			snprintf(error, sizeof error, "%s", webhook_refused_address); /* as at creation */
		else if (result != CURLE_OK)
			snprintf(error, sizeof error, "%s", a->error[0] ? a->error : curl_easy_strerror(result));
		else
			snprintf(error, sizeof error, "HTTP %ld", status);
		record_failure(h, app, a->id, a->attempts, result == CURLE_OK ? status : 0, error, a->retry_after_s, kept);
	}
}

/* The usual outcome, a 2xx of a stored body, marked for the whole batch at once. */
static bool plain_success(struct attempt *a, CURLcode result, long *status)
{
	*status = 0;
	curl_easy_getinfo(a->easy, CURLINFO_RESPONSE_CODE, status);
	return result == CURLE_OK && *status >= 200 && *status < 300 && !a->rendered_here;
}

static enum app_err progress_in_tx(struct db *db, void *cls)
{
	struct hooks_tx *t = cls;
	restore_counters(t->h, &t->before);
	char ids[MAX_IN_FLIGHT][UUID_STR_LEN];
	size_t n = 0;
	long code = 0;
	for (size_t i = 0; i < t->ndone; i++) {
		long status;
		if (plain_success(t->done[i], t->results[i], &status) && (n == 0 || status == code)) {
			code = status;
			memcpy(ids[n++], t->done[i]->id, sizeof ids[0]);
		} else {
			finish(t->h, t->app, t->done[i], t->results[i]);
		}
	}
	if (n) {
		long long rc = repo_delivery_delivered_batch(db, (const char(*)[UUID_STR_LEN])ids, n, code);
		if (rc < 0)
			return db_app_err(rc);
		t->h->stats->delivered += (long long)n;
	}
	return APP_OK;
}

void hooks_progress(struct relay_hooks *h, struct svc_app *app)
{
	int running = 0;
	curl_multi_perform(h->multi, &running);
	struct attempt *done[MAX_IN_FLIGHT];
	CURLcode results[MAX_IN_FLIGHT];
	size_t ndone = 0;
	CURLMsg *m;
	int left;
	while (ndone < MAX_IN_FLIGHT && (m = curl_multi_info_read(h->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *easy = m->easy_handle;
		CURLcode result = m->data.result;
		struct attempt *a = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&a);
		curl_multi_remove_handle(h->multi, easy);
		for (size_t i = 0; i < h->n; i++) {
			if (h->slots[i] == a) {
				h->slots[i] = h->slots[--h->n];
				break;
			}
		}
		if (a) {
			done[ndone] = a;
			results[ndone++] = result;
		}
	}
	if (ndone == 0)
		return;
	/* The outcomes in one commit; when it fails they are lost and the claims expire (at least once). */
	struct hooks_tx t = {.h = h, .app = app, .before = *h->stats, .done = done, .results = results, .ndone = ndone};
	if (db_tx_run(app->db, "relay webhook outcomes", progress_in_tx, &t) != APP_OK)
		restore_counters(h, &t.before);
	for (size_t i = 0; i < ndone; i++)
		attempt_free(done[i]);
	/*
	 * Room again while more are due: the relay's curl_multi_poll returns at once, so the
	 * next dispatch comes now. Without this, a batch that a fast receiver answered before
	 * the poll left nothing to wake it, and the next batch waited for the poll's timeout
	 * (up to a second per batch).
	 */
	if (h->more_due)
		curl_multi_wakeup(h->multi);
}
