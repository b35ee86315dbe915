/* Live messages: publishing to nginx's nchan over its unix socket. */
#include <stdlib.h>
#include <string.h>

#include "api/render_queue.h"
#include "common/log.h"
#include "relay/relay.h"
#include "service/ticket.h"

#define BOARD_INTERVAL_US 250000 /* at most 4 board messages a second */
#define PUBLIC_INTERVAL_US 250000 /* public views at most 4 times a second, like the board */
#define PUBLIC_PER_QUEUE 100      /* a queue's first waiting tickets whose views are kept current */

static size_t discard(char *ptr, size_t size, size_t nmemb, void *cls)
{
	(void)ptr;
	(void)cls;
	return size * nmemb;
}

int live_open(struct relay_live *l, const struct config *cfg, struct relay_stats *stats)
{
	memset(l, 0, sizeof *l);
	l->cfg = cfg;
	l->stats = stats;
	l->cache = calloc(LIVE_CACHE_SLOTS, sizeof *l->cache);
	l->curl = curl_easy_init();
	if (!l->cache || !l->curl) {
		live_close(l);
		return -1;
	}
	/* A change of the board is published on start, so a subscriber's first message is current. */
	l->board_dirty = true;
	return 0;
}

void live_close(struct relay_live *l)
{
	if (l->curl)
		curl_easy_cleanup(l->curl);
	free(l->cache);
	memset(l, 0, sizeof *l);
}

bool live_publish(struct relay_live *l, const char *channel, const char *event, const char *body)
{
	char url[160], event_header[64];
	snprintf(url, sizeof url, "http://localhost/pub/%s", channel);
	snprintf(event_header, sizeof event_header, "X-EventSource-Event: %s", event);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	struct curl_slist *h2 = h ? curl_slist_append(h, event_header) : NULL;
	if (!h2) {
		curl_slist_free_all(h);
		l->stats->publish_errors++;
		return false;
	}
	h = h2;
	CURL *c = l->curl;
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, l->cfg->relay.publish_socket);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	if (rc == CURLE_OK && status >= 200 && status < 300) {
		l->stats->published++;
		return true;
	}
	l->stats->publish_errors++;
	long long now = ids_mono_us();
	if (now - l->last_error_log_us > 10000000) {
		/* One line per 10 s at most: nginx down must not flood the log. */
		log_warn("relay: publishing to %s failed: %s (HTTP %ld)", channel,
			 rc == CURLE_OK ? "refused" : curl_easy_strerror(rc), status);
		l->last_error_log_us = now;
	}
	return false;
}

static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Publishes a ticket's public view when it differs from the last one sent. */
static void publish_view(struct relay_live *l, const struct public_view *v)
{
	struct json_object *o = render_public_ticket(v);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	unsigned long long h = fnv1a(text);
	struct live_cache_slot *slot = &l->cache[fnv1a(v->p.id) % LIVE_CACHE_SLOTS];
	if (strcmp(slot->id, v->p.id) != 0 || slot->hash != h) {
		char channel[64];
		snprintf(channel, sizeof channel, "ticket-%.36s", v->p.id);
		if (live_publish(l, channel, "ticket", text)) {
			memcpy(slot->id, v->p.id, UUID_STR_LEN);
			slot->hash = h;
		}
	}
	json_object_put(o);
}

static bool seen(char (*list)[UUID_STR_LEN], size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], id) == 0)
			return true;
	return false;
}

/* {type, timestamp, data: {ticket}}; takes a reference of ticket. */
static char *payload_of(const char *type, const char *at, struct json_object *ticket)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "timestamp", json_object_new_string(at));
	struct json_object *data = json_object_new_object();
	json_object_object_add(data, "ticket", ticket);
	json_object_object_add(o, "data", data);
	char *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

/* Notes the ticket's public view (and its queues') for the next live_flush_public. */
static void touch(struct relay_live *l, struct svc_app *app, const struct ticket_view *v,
		  char (*queues)[UUID_STR_LEN], size_t nq)
{
	size_t k = 0;
	while (k < l->ntouched && strcmp(l->touched[k].p.id, v->t.id) != 0)
		k++;
	if (k == LIVE_TOUCHED_TICKETS) {
		live_flush_public(l, app, true);
		k = 0;
	}
	if (svc_public_of_view(app, v, &l->touched[k]) == APP_OK && k == l->ntouched)
		l->ntouched++;
	for (size_t i = 0; i < nq; i++) {
		if (seen(l->dirty, l->ndirty, queues[i]))
			continue;
		if (l->ndirty == LIVE_DIRTY_QUEUES)
			live_flush_public(l, app, true);
		memcpy(l->dirty[l->ndirty++], queues[i], UUID_STR_LEN);
	}
}

/* Publishes one event's queue messages and returns its webhook body (NULL: out of memory). */
static char *one_event(struct relay_live *l, struct svc_app *app, const struct event_log_rec *e,
		       const struct ticket_view *v)
{
	struct json_object *ticket = render_ticket(v);
	char type[40];
	snprintf(type, sizeof type, "ticket.%s", e->event);
	char *payload = payload_of(type, e->at, json_object_get(ticket));
	/* The queues it touches: from, to, and the one it is in now (created, called, ...). */
	char queues[3][UUID_STR_LEN];
	size_t nq = 0;
	const char *cands[3] = {e->from_queue_id, e->to_queue_id, v->t.queue_id};
	for (size_t i = 0; i < 3; i++)
		if (cands[i][0] && !seen(queues, nq, cands[i]))
			memcpy(queues[nq++], cands[i], UUID_STR_LEN);

	struct json_object *msg = json_object_new_object();
	json_object_object_add(msg, "seq", json_object_new_int64(e->seq));
	json_object_object_add(msg, "event", json_object_new_string(e->event));
	json_object_object_add(msg, "ticket", ticket);
	const char *text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	for (size_t i = 0; i < nq; i++) {
		char channel[64];
		snprintf(channel, sizeof channel, "queue-%.36s", queues[i]);
		live_publish(l, channel, "ticket", text);
	}
	json_object_put(msg);
	touch(l, app, v, queues, nq);
	return payload;
}

bool live_events(struct relay_live *l, struct svc_app *app, const struct event_log_rec *events, size_t n,
		 char **payloads)
{
	for (size_t i = 0; i < n; i++)
		payloads[i] = NULL;
	if (n == 0)
		return true;
	char(*ids)[UUID_STR_LEN] = malloc(n * sizeof *ids);
	struct ticket_view *views = malloc(n * sizeof *views);
	bool *found = malloc(n * sizeof *found);
	size_t nids = 0;
	bool ok = ids && views && found;
	for (size_t i = 0; ok && i < n; i++)
		if (!seen(ids, nids, events[i].ticket_id))
			memcpy(ids[nids++], events[i].ticket_id, UUID_STR_LEN);
	ok = ok && svc_ticket_views(app, (const char(*)[UUID_STR_LEN])ids, nids, views, found) == APP_OK;
	if (ok) {
		l->board_dirty = true;
		for (size_t i = 0; i < n; i++) {
			size_t k = 0;
			while (strcmp(ids[k], events[i].ticket_id) != 0)
				k++;
			if (found[k])
				payloads[i] = one_event(l, app, &events[i], &views[k]);
		}
	}
	free(ids);
	free(views);
	free(found);
	return ok;
}

/* Drops the touched tickets among views (they were just published with their queue). */
static void cross_off(struct relay_live *l, const struct public_view *views, size_t n)
{
	for (size_t k = 0; k < l->ntouched; k++)
		for (size_t j = 0; j < n; j++)
			if (strcmp(l->touched[k].p.id, views[j].p.id) == 0) {
				l->touched[k].p.id[0] = '\0';
				break;
			}
}

long long live_flush_public(struct relay_live *l, struct svc_app *app, bool force)
{
	if (!l->ndirty && !l->ntouched)
		return -1;
	long long now = ids_mono_us();
	if (!force && l->public_sent_us && now - l->public_sent_us < PUBLIC_INTERVAL_US)
		return PUBLIC_INTERVAL_US - (now - l->public_sent_us);
	for (size_t i = 0; i < l->ndirty; i++) {
		struct public_view *views = NULL;
		size_t n = 0;
		if (svc_queue_public_waiting(app, l->dirty[i], PUBLIC_PER_QUEUE, &views, &n) == APP_OK) {
			for (size_t j = 0; j < n; j++)
				publish_view(l, &views[j]);
			cross_off(l, views, n);
		}
		free(views);
	}
	/* The rest, as their events left them: no longer waiting, or behind the queue's first ones. */
	for (size_t k = 0; k < l->ntouched; k++)
		if (l->touched[k].p.id[0])
			publish_view(l, &l->touched[k]);
	l->ndirty = l->ntouched = 0;
	l->public_sent_us = now;
	return -1;
}

long long live_flush_board(struct relay_live *l, struct svc_app *app)
{
	if (!l->board_dirty)
		return -1;
	long long now = ids_mono_us();
	if (l->board_sent_us && now - l->board_sent_us < BOARD_INTERVAL_US)
		return BOARD_INTERVAL_US - (now - l->board_sent_us);
	struct board_row *rows = NULL;
	size_t n = 0;
	if (svc_board(app, &rows, &n) != APP_OK) {
		free(rows);
		return BOARD_INTERVAL_US;
	}
	struct json_object *o = render_board(rows, n);
	free(rows);
	if (live_publish(l, "board", "board", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN)))
		l->board_dirty = false;
	json_object_put(o);
	l->board_sent_us = now;
	return l->board_dirty ? BOARD_INTERVAL_US : -1;
}

char *relay_event_payload(struct svc_app *app, const char *ticket_id, const char *type, const char *at)
{
	struct ticket_view v;
	if (svc_ticket_get(app, ticket_id, &v) != APP_OK)
		return NULL;
	return payload_of(type, at, render_ticket(&v));
}
