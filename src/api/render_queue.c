#include "api/render_queue.h"

#include <string.h>

#include "common/ids.h"

/* A string member, or JSON null for an empty value. */
static void add_opt(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

struct json_object *render_queue(const struct queue_rec *q)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(q->id));
	json_object_object_add(o, "name", json_object_new_string(q->name));
	json_object_object_add(o, "prefix", json_object_new_string(q->prefix));
	json_object_object_add(o, "state", json_object_new_string(queue_state_name(q->state)));
	json_object_object_add(o, "policy", json_object_new_string(queue_policy_name(q->policy)));
	add_opt(o, "user_id", q->user_id);
	struct json_object *ids = json_object_new_array();
	for (size_t i = 0; i < q->npriorities; i++)
		json_object_array_add(ids, json_object_new_string(q->priority_ids[i]));
	json_object_object_add(o, "priority_ids", ids);
	json_object_object_add(o, "waiting", json_object_new_int64(q->waiting));
	add_opt(o, "created_date", q->created_date);
	add_opt(o, "updated_date", q->updated_date);
	return o;
}

struct json_object *render_wait_range(const struct forecast_range *r)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "low", json_object_new_int64(r->low));
	json_object_object_add(o, "high", json_object_new_int64(r->high));
	return o;
}

struct json_object *render_ticket(const struct ticket_view *v)
{
	const struct ticket_rec *t = &v->t;
	/* Lists carry no standing (position 0): null rather than a made-up number. */
	bool waiting = t->status == TICKET_WAITING && v->position > 0;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(t->id));
	json_object_object_add(o, "customer_id", json_object_new_string(t->customer_id));
	json_object_object_add(o, "priority_id", json_object_new_string(t->priority_id));
	json_object_object_add(o, "queue_id", json_object_new_string(t->queue_id));
	json_object_object_add(o, "service_date", json_object_new_string(t->service_date));
	json_object_object_add(o, "number", json_object_new_int64(t->number));
	json_object_object_add(o, "code", json_object_new_string(t->code));
	json_object_object_add(o, "status", json_object_new_string(ticket_status_name(t->status)));
	json_object_object_add(o, "position", waiting ? json_object_new_int64(v->position) : NULL);
	json_object_object_add(o, "estimated_wait_seconds",
			       waiting ? json_object_new_int64(v->estimated_wait_seconds) : NULL);
	json_object_object_add(o, "estimated_wait_range", waiting ? render_wait_range(&v->estimated_wait_range) : NULL);
	json_object_object_add(o, "at_risk", waiting ? json_object_new_boolean(v->at_risk) : NULL);
	json_object_object_add(o, "quoted_wait_seconds", json_object_new_int64(t->quoted_wait_seconds));
	if (t->quoted_wait_low >= 0 && t->quoted_wait_high >= 0) {
		struct forecast_range q = {t->quoted_wait_low, t->quoted_wait_high};
		json_object_object_add(o, "quoted_wait_range", render_wait_range(&q));
	} else {
		json_object_object_add(o, "quoted_wait_range", NULL);
	}
	add_opt(o, "created_date", t->created_date);
	add_opt(o, "due_date", t->due_date);
	add_opt(o, "called_date", t->called_date);
	add_opt(o, "served_date", t->served_date);
	add_opt(o, "called_by", t->called_by);
	add_opt(o, "desk_id", t->desk_id);
	add_opt(o, "desk_name", t->desk_name);
	add_opt(o, "updated_date", t->updated_date);
	return o;
}

struct json_object *render_events(const struct event_rec *e, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "seq", json_object_new_int64(e[i].seq));
		json_object_object_add(o, "event", json_object_new_string(e[i].event));
		add_opt(o, "from_queue_id", e[i].from_queue_id);
		add_opt(o, "to_queue_id", e[i].to_queue_id);
		add_opt(o, "user_id", e[i].user_id);
		add_opt(o, "reason", e[i].reason);
		add_opt(o, "desk_id", e[i].desk_id);
		add_opt(o, "at", e[i].at);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *render_board(const struct board_row *rows, size_t n)
{
	char now[TS_STR_LEN];
	ids_format_ms(ids_now_ms(), now);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "generated_at", json_object_new_string(now));
	struct json_object *queues = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct board_row *r = &rows[i];
		struct json_object *q = json_object_new_object();
		json_object_object_add(q, "queue_id", json_object_new_string(r->queue_id));
		json_object_object_add(q, "name", json_object_new_string(r->name));
		json_object_object_add(q, "prefix", json_object_new_string(r->prefix));
		json_object_object_add(q, "state", json_object_new_string(queue_state_name(r->state)));
		struct json_object *serving = NULL;
		if (r->serving_id[0]) {
			serving = json_object_new_object();
			json_object_object_add(serving, "ticket_id", json_object_new_string(r->serving_id));
			json_object_object_add(serving, "code", json_object_new_string(r->serving_code));
			add_opt(serving, "called_date", r->serving_called);
		}
		json_object_object_add(q, "serving", serving);
		struct json_object *nodesk = NULL;
		if (r->nodesk_id[0]) {
			nodesk = json_object_new_object();
			json_object_object_add(nodesk, "ticket_id", json_object_new_string(r->nodesk_id));
			json_object_object_add(nodesk, "code", json_object_new_string(r->nodesk_code));
			add_opt(nodesk, "called_date", r->nodesk_called);
		}
		json_object_object_add(q, "serving_without_desk", nodesk);
		json_object_object_add(q, "waiting", json_object_new_int64(r->waiting));
		json_object_object_add(q, "at_risk", json_object_new_int64(r->at_risk));
		struct json_object *next = json_object_new_array();
		for (size_t k = 0; k < r->nnext; k++)
			json_object_array_add(next, json_object_new_string(r->next[k]));
		json_object_object_add(q, "next", next);
		struct json_object *desks = json_object_new_array();
		for (size_t k = 0; k < r->ndesks; k++) {
			const struct board_desk *d = &r->desks[k];
			struct json_object *jd = json_object_new_object(), *at = NULL;
			json_object_object_add(jd, "desk_id", json_object_new_string(d->desk_id));
			json_object_object_add(jd, "name", json_object_new_string(d->name));
			add_opt(jd, "user_id", d->user_id);
			if (d->serving_id[0]) {
				at = json_object_new_object();
				json_object_object_add(at, "ticket_id", json_object_new_string(d->serving_id));
				json_object_object_add(at, "code", json_object_new_string(d->serving_code));
				add_opt(at, "called_date", d->serving_called);
			}
			json_object_object_add(jd, "serving", at);
			json_object_array_add(desks, jd);
		}
		json_object_object_add(q, "desks", desks);
		json_object_array_add(queues, q);
	}
	json_object_object_add(o, "queues", queues);
	return o;
}

struct json_object *render_public_ticket(const struct public_view *v)
{
	bool waiting = v->p.status == TICKET_WAITING;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(v->p.id));
	json_object_object_add(o, "code", json_object_new_string(v->p.code));
	json_object_object_add(o, "queue_id", json_object_new_string(v->p.queue_id));
	json_object_object_add(o, "queue_name", json_object_new_string(v->p.queue_name));
	json_object_object_add(o, "status", json_object_new_string(ticket_status_name(v->p.status)));
	add_opt(o, "desk_name", v->p.desk_name);
	json_object_object_add(o, "position", waiting ? json_object_new_int64(v->position) : NULL);
	json_object_object_add(o, "estimated_wait_seconds",
			       waiting ? json_object_new_int64(v->estimated_wait_seconds) : NULL);
	return o;
}
