/* GET /events: the numbered event log, for catching up and for integrations that poll. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "repo/event_repo.h"
#include "service/event.h"

static bool parse_count(const char *s, long long *out)
{
	if (!*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s))
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

void api_events_list(struct api_ctx *ctx)
{
	static const char *const allowed[] = {"after", "limit", NULL};
	const struct kv_list *q = &ctx->req->query;
	struct field_errors fe;
	field_errors_init(&fe);
	params_only(ctx, allowed, &fe);
	long long after = 0, limit = LIST_LIMIT_DEFAULT;
	const char *v = kv_get(q, "after");
	if (v && !parse_count(v, &after))
		field_errors_add(&fe, "after", "must be an event seq: an integer of at least 0");
	v = kv_get(q, "limit");
	if (v && (!parse_count(v, &limit) || limit < 1 || limit > LIST_LIMIT_MAX))
		field_errors_add(&fe, "limit", "must be an integer between 1 and %d", LIST_LIMIT_MAX);
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct event_log_rec *events = NULL;
	size_t n = 0;
	enum app_err e = svc_event_log(&ctx->app->services, after, limit, &events, &n);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct event_log_rec *r = &events[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "seq", json_object_new_int64(r->seq));
		add_str(o, "ticket_id", r->ticket_id);
		add_str(o, "event", r->event);
		add_str(o, "from_queue_id", r->from_queue_id);
		add_str(o, "to_queue_id", r->to_queue_id);
		add_str(o, "desk_id", r->desk_id);
		add_str(o, "user_id", r->user_id);
		add_str(o, "reason", r->reason);
		add_str(o, "at", r->at);
		json_object_array_add(items, o);
	}
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "items", items);
	/* Where the next call starts: the last seq answered, or the same after when there was none. */
	json_object_object_add(body, "next_after", json_object_new_int64(n ? events[n - 1].seq : after));
	free(events);
	api_json(ctx, 200, body);
}
