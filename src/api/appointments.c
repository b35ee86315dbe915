/* /queues/{id}/schedule, /appointments, the public self-service routes and /reports/appointments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/params.h"
#include "api/render.h"
#include "api/render_queue.h"
#include "common/ids.h"
#include "common/jsonv.h"
#include "notify/notify.h"
#include "service/appointment.h"
#include "service/report.h"

static const char *const appointment_statuses[] = {"booked", "checked_in", "cancelled", "no_show", NULL};

static struct json_object *time_json(long long unix_seconds)
{
	char ts[TS_STR_LEN];
	ids_format_ms(unix_seconds * 1000, ts);
	return json_object_new_string(ts);
}

static struct json_object *opt_str(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *render_appointment(const struct appointment_rec *a)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(a->id));
	json_object_object_add(o, "queue_id", json_object_new_string(a->queue_id));
	json_object_object_add(o, "priority_id", json_object_new_string(a->priority_id));
	json_object_object_add(o, "customer_id", json_object_new_string(a->customer_id));
	json_object_object_add(o, "start", time_json(a->start));
	json_object_object_add(o, "end", time_json(a->end));
	json_object_object_add(o, "status", json_object_new_string(a->status));
	json_object_object_add(o, "ticket_id", opt_str(a->ticket_id));
	json_object_object_add(o, "checked_in_date", opt_str(a->checked_in_date));
	json_object_object_add(o, "created_date", opt_str(a->created_date));
	json_object_object_add(o, "updated_date", opt_str(a->updated_date));
	return o;
}

static struct json_object *render_schedule(const struct schedule *s, const char *timezone)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "slot_minutes", json_object_new_int(s->slot_minutes));
	json_object_object_add(o, "capacity", json_object_new_int(s->capacity));
	json_object_object_add(o, "weeks_ahead", json_object_new_int(s->weeks_ahead));
	json_object_object_add(o, "late_grace_minutes", json_object_new_int(s->late_grace_minutes));
	struct json_object *hours = json_object_new_array();
	for (size_t i = 0; i < s->nhours; i++) {
		char from[6], to[6];
		struct json_object *h = json_object_new_object();
		sched_format_hhmm(s->hours[i].from_min, from);
		sched_format_hhmm(s->hours[i].to_min, to);
		json_object_object_add(h, "weekday", json_object_new_int(s->hours[i].weekday));
		json_object_object_add(h, "from", json_object_new_string(from));
		json_object_object_add(h, "to", json_object_new_string(to));
		json_object_array_add(hours, h);
	}
	json_object_object_add(o, "hours", hours);
	struct json_object *closed = json_object_new_array();
	for (size_t i = 0; i < s->nclosed; i++)
		json_object_array_add(closed, json_object_new_string(s->closed[i]));
	json_object_object_add(o, "closed_dates", closed);
	json_object_object_add(o, "timezone", json_object_new_string(timezone));
	return o;
}

void api_queues_schedule_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct schedule *s = malloc(sizeof *s);
	if (!s) {
		api_fail(ctx, APP_INTERNAL, NULL);
		return;
	}
	enum app_err e = svc_schedule_get(&ctx->app->services, id, s);
	if (e != APP_OK)
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No queue has this id." : NULL);
	else
		api_json(ctx, 200, render_schedule(s, ctx->app->cfg->queue.timezone));
	free(s);
}

/* hours: [{weekday, from, to}], each problem named "hours[N].member". */
static void read_hours(struct json_object *arr, struct schedule *s, struct field_errors *fe)
{
	if (!json_object_is_type(arr, json_type_array)) {
		field_errors_add(fe, "hours", "must be an array of {weekday, from, to}");
		return;
	}
	size_t n = json_object_array_length(arr);
	if (n > SCHED_MAX_HOURS) {
		field_errors_add(fe, "hours", "must have at most %d entries", SCHED_MAX_HOURS);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(arr, i);
		long long weekday = 0;
		char *from = NULL, *to = NULL, prefix[32];
		struct field_errors local;
		field_errors_init(&local);
		const struct jsonv_field spec[] = {
			JVF_INT("weekday", 1, 7, JV_REQUIRED, &weekday),
			JVF_STR("from", 0, 0, JV_REQUIRED, &from),
			JVF_STR("to", 0, 0, JV_REQUIRED, &to),
		};
		snprintf(prefix, sizeof prefix, "hours[%zu]", i);
		if (jsonv_extract(item, spec, 3, &local)) {
			struct sched_hours *h = &s->hours[s->nhours];
			h->weekday = (int)weekday;
			if (!sched_parse_hhmm(from, false, &h->from_min))
				field_errors_add(&local, "from", "must be a time HH:MM (00:00-23:59)");
			if (!sched_parse_hhmm(to, true, &h->to_min))
				field_errors_add(&local, "to", "must be a time HH:MM (00:01-24:00)");
			else if (!local.n && h->from_min >= h->to_min)
				field_errors_add(&local, "to", "must be after from");
			if (!local.n)
				s->nhours++;
		}
		for (size_t k = 0; k < local.n; k++) {
			char field[sizeof local.e[0].field + sizeof prefix + 1];
			if (local.e[k].field[0])
				snprintf(field, sizeof field, "%s.%s", prefix, local.e[k].field);
			else
				snprintf(field, sizeof field, "%s", prefix);
			field_errors_add(fe, field, "%s", local.e[k].message);
		}
		free(from);
		free(to);
	}
}

static void read_closed(struct json_object *arr, struct schedule *s, struct field_errors *fe)
{
	if (!json_object_is_type(arr, json_type_array)) {
		field_errors_add(fe, "closed_dates", "must be an array of dates YYYY-MM-DD");
		return;
	}
	size_t n = json_object_array_length(arr);
	if (n > SCHED_MAX_CLOSED) {
		field_errors_add(fe, "closed_dates", "must have at most %d dates", SCHED_MAX_CLOSED);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *item = json_object_array_get_idx(arr, i);
		const char *d = json_object_is_type(item, json_type_string) ? json_object_get_string(item) : NULL;
		int y, m, day;
		char field[32];
		snprintf(field, sizeof field, "closed_dates[%zu]", i);
		if (!d || !sched_parse_date(d, &y, &m, &day))
			field_errors_add(fe, field, "must be a real date YYYY-MM-DD");
		else
			snprintf(s->closed[s->nclosed++], 11, "%s", d);
	}
}

void api_queues_schedule_put(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct schedule *s = malloc(sizeof *s);
	if (!s) {
		api_fail(ctx, APP_INTERNAL, NULL);
		return;
	}
	sched_defaults(s);
	long long slot = 0, capacity = 0, weeks = 0, grace = 0;
	bool has_hours = false, has_closed = false;
	struct field_errors fe;
	field_errors_init(&fe);
	const struct jsonv_field spec[] = {
		JVF_INT("slot_minutes", 5, 240, JV_REQUIRED, &slot),
		JVF_INT("capacity", 1, 100, JV_REQUIRED, &capacity),
		JVF_INT("weeks_ahead", 1, 26, JV_REQUIRED, &weeks),
		JVF_INT("late_grace_minutes", 0, 120, JV_REQUIRED, &grace),
		JVF_OBJECT("hours", JV_IGNORED, NULL, .present = &has_hours),
		JVF_OBJECT("closed_dates", JV_IGNORED, NULL, .present = &has_closed),
		JVF_READONLY("timezone", JV_STRING),
	};
	if (jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		s->slot_minutes = (int)slot;
		s->capacity = (int)capacity;
		s->weeks_ahead = (int)weeks;
		s->late_grace_minutes = (int)grace;
	}
	struct json_object *v = NULL;
	if (has_hours && json_object_object_get_ex(ctx->body, "hours", &v))
		read_hours(v, s, &fe);
	if (has_closed && json_object_object_get_ex(ctx->body, "closed_dates", &v))
		read_closed(v, s, &fe);
	enum app_err e = fe.n ? APP_INVALID : svc_schedule_put(&ctx->app->services, id, s, &fe);
	if (e == APP_INVALID)
		http_response_invalid(ctx->resp, &fe);
	else if (e != APP_OK)
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No queue has this id." : NULL);
	else if ((e = svc_schedule_get(&ctx->app->services, id, s)) != APP_OK)
		api_fail(ctx, e, NULL);
	else
		api_json(ctx, 200, render_schedule(s, ctx->app->cfg->queue.timezone));
	free(s);
}

static void booking_failed(struct api_ctx *ctx, enum app_err e, const struct field_errors *fe, const char *why)
{
	if (e == APP_INVALID)
		http_response_invalid(ctx->resp, fe);
	else
		api_fail(ctx, e, e == APP_CONFLICT ? why : NULL);
}

void api_appointments_create(struct api_ctx *ctx)
{
	char *queue_id = NULL, *start = NULL, *priority_id = NULL, *customer_id = NULL;
	struct json_object *customer = NULL, *notify = NULL;
	bool has_customer = false, has_notify = false;
	struct notify_request nr = {false, false, NOTIFY_AHEAD_DEFAULT};
	struct customer_input in;
	struct field_errors fe;
	memset(&in, 0, sizeof in);
	field_errors_init(&fe);
	const struct jsonv_field spec[] = {
		JVF_UUID("queue_id", JV_REQUIRED, &queue_id),
		JVF_STR("start", 0, 0, JV_REQUIRED, &start),
		JVF_UUID("priority_id", JV_REQUIRED, &priority_id),
		JVF_UUID("customer_id", 0, &customer_id),
		JVF_OBJECT("customer", 0, &customer, .present = &has_customer),
		JVF_OBJECT("notify", 0, &notify, .present = &has_notify),
	};
	bool have_customer = false;
	if (jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		if (!!customer_id == has_customer)
			field_errors_add(&fe, "customer_id", "give exactly one of customer_id or customer");
		else if (has_customer)
			have_customer = api_customer_read(customer, true, "customer.", &in, &fe);
		if (has_notify)
			api_notify_read(notify, &nr, &fe);
	}
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		goto out;
	}
	struct booking_request b = {.queue_id = queue_id,
				    .priority_id = priority_id,
				    .customer_id = customer_id,
				    .customer = have_customer ? &in : NULL,
				    .notify = has_notify ? &nr : NULL};
	b.start_valid = svc_parse_rfc3339(start, &b.start);
	struct appointment_rec a;
	const char *why = NULL;
	enum app_err e = svc_appointment_book(&ctx->app->services, &b, &fe, &a, &why);
	if (e != APP_OK) {
		booking_failed(ctx, e, &fe, why);
		goto out;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/appointments/%s", a.id);
	api_json(ctx, 201, render_appointment(&a));
out:
	free(queue_id);
	free(start);
	free(priority_id);
	free(customer_id);
	svc_customer_input_free(&in);
}

void api_appointments_list(struct api_ctx *ctx)
{
	static const char *const filters[] = {"queue_id", "date", "status", "customer_id", NULL};
	struct field_errors fe;
	struct list_params lp;
	field_errors_init(&fe);
	params_list(ctx, appointment_repo_sorts, filters, &lp, &fe);
	const char *status = params_str(ctx, "status");
	bool known = !status;
	for (size_t i = 0; status && appointment_statuses[i]; i++)
		known = known || strcmp(status, appointment_statuses[i]) == 0;
	if (!known)
		field_errors_add(&fe, "status", "must be one of: booked, checked_in, cancelled, no_show");
	const char *date = params_str(ctx, "date");
	int y, m, d;
	if (date && !sched_parse_date(date, &y, &m, &d))
		field_errors_add(&fe, "date", "must be a real date YYYY-MM-DD");
	struct appointment_filter f = {params_uuid(ctx, "queue_id", &fe), date, status,
				       params_uuid(ctx, "customer_id", &fe), lp.sort, lp.limit, lp.offset};
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct appointment_list list;
	long long total = 0;
	enum app_err e = svc_appointment_list(&ctx->app->services, &f, &list, &total);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < list.n; i++)
		json_object_array_add(items, render_appointment(&list.items[i]));
	appointment_list_free(&list);
	api_json(ctx, 200, render_page(items, total, lp.limit, lp.offset));
}

void api_appointments_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct appointment_rec a;
	enum app_err e = svc_appointment_get(&ctx->app->services, id, &a);
	if (e != APP_OK)
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No appointment has this id." : NULL);
	else
		api_json(ctx, 200, render_appointment(&a));
}

void api_appointments_cancel(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct appointment_rec a;
	enum app_err e = svc_appointment_cancel(&ctx->app->services, id, false, &a);
	if (e != APP_OK)
		api_fail(ctx, e,
			 e == APP_NOT_FOUND ? "No appointment has this id."
			 : e == APP_CONFLICT ? "Only a booked appointment can be cancelled."
					     : NULL);
	else
		api_json(ctx, 200, render_appointment(&a));
}

void api_appointments_check_in(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct svc_actor who = {ctx->who.user_id, perm_has(ctx->who.perms, PERM_QUEUES, PERM_UPDATE)};
	struct field_errors fe;
	field_errors_init(&fe);
	/* An optional body: {notify: {email, sms, ahead}} as on POST /tickets. */
	struct json_object *notify = NULL;
	bool has_notify = false;
	struct notify_request nr = {false, false, NOTIFY_AHEAD_DEFAULT};
	const struct jsonv_field spec[] = {
		JVF_OBJECT("notify", 0, &notify, .present = &has_notify),
	};
	if (ctx->body && jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe) && has_notify)
		api_notify_read(notify, &nr, &fe);
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	struct ticket_view v;
	enum app_err e = svc_appointment_check_in(&ctx->app->services, &who, id, has_notify ? &nr : NULL, &fe, &v);
	if (e == APP_INVALID) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	if (e != APP_OK) {
		api_fail(ctx, e,
			 e == APP_NOT_FOUND ? "No appointment has this id."
			 : e == APP_CONFLICT
				 ? "Only a booked appointment of today can be checked in, into an open queue."
				 : NULL);
		return;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/tickets/%s", v.t.id);
	api_json(ctx, 201, render_ticket(&v));
}

/* ---- public self-service (no token) ---- */

void api_public_queues(struct api_ctx *ctx)
{
	struct public_queue *q = NULL;
	size_t n = 0;
	enum app_err e = svc_public_queues(&ctx->app->services, &q, &n);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	struct json_object *items = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(q[i].id));
		json_object_object_add(o, "name", json_object_new_string(q[i].name));
		json_object_array_add(items, o);
	}
	free(q);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "items", items);
	api_json(ctx, 200, o);
}

void api_public_availability(struct api_ctx *ctx)
{
	static const char *const allowed[] = {"from", "to", NULL};
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct field_errors fe;
	field_errors_init(&fe);
	params_only(ctx, allowed, &fe);
	struct slot_view *slots = NULL;
	size_t n = 0;
	enum app_err e = fe.n ? APP_INVALID
			      : svc_availability(&ctx->app->services, id, params_str(ctx, "from"), params_str(ctx, "to"),
						 &fe, &slots, &n);
	if (e == APP_INVALID) {
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	if (e != APP_OK) {
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No queue has this id." : NULL);
		return;
	}
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "start", time_json(slots[i].start));
		json_object_object_add(o, "end", time_json(slots[i].end));
		json_object_object_add(o, "free", json_object_new_int64(slots[i].free));
		json_object_array_add(arr, o);
	}
	free(slots);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "queue_id", json_object_new_string(id));
	json_object_object_add(o, "timezone", json_object_new_string(ctx->app->cfg->queue.timezone));
	json_object_object_add(o, "slots", arr);
	/* A booking is still checked under the slot lock; a few seconds of staleness are harmless. */
	http_response_header(ctx->resp, "Cache-Control", "public, max-age=5");
	api_json(ctx, 200, o);
}

/* timezone: [queue] timezone, the zone the booking page shows the times in (SPEC 9's
 * availability names it too). */
static struct json_object *render_public_appointment(const struct public_appointment *p, const char *timezone)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(p->id));
	json_object_object_add(o, "queue_id", json_object_new_string(p->queue_id));
	json_object_object_add(o, "queue_name", json_object_new_string(p->queue_name));
	json_object_object_add(o, "start", time_json(p->start));
	json_object_object_add(o, "end", time_json(p->end));
	json_object_object_add(o, "status", json_object_new_string(p->status));
	json_object_object_add(o, "timezone", json_object_new_string(timezone));
	return o;
}

void api_public_appointments_create(struct api_ctx *ctx)
{
	char *queue_id = NULL, *start = NULL;
	struct json_object *customer = NULL;
	struct customer_input in;
	struct field_errors fe;
	memset(&in, 0, sizeof in);
	field_errors_init(&fe);
	const struct jsonv_field spec[] = {
		JVF_UUID("queue_id", JV_REQUIRED, &queue_id),
		JVF_STR("start", 0, 0, JV_REQUIRED, &start),
		JVF_OBJECT("customer", JV_REQUIRED, &customer),
	};
	bool have_customer = false;
	if (jsonv_extract(ctx->body, spec, sizeof spec / sizeof spec[0], &fe)) {
		struct json_object *state = NULL;
		if (json_object_object_get_ex(customer, "state", &state))
			field_errors_add(&fe, "customer.state", "is not a known field");
		else if ((have_customer = api_customer_read(customer, true, "customer.", &in, &fe)) &&
			 !(in.dni && *in.dni) && !(in.email && *in.email) && !(in.phone && *in.phone))
			field_errors_add(&fe, "customer", "give at least one of dni, email or phone");
	}
	if (fe.n) {
		http_response_invalid(ctx->resp, &fe);
		goto out;
	}
	/* SPEC 12: a public booking with an email is confirmed by email. */
	struct booking_request b = {queue_id, 0, false, NULL, NULL, &in, true, NULL, true};
	b.start_valid = svc_parse_rfc3339(start, &b.start);
	struct appointment_rec a;
	const char *why = NULL;
	enum app_err e = svc_appointment_book(&ctx->app->services, &b, &fe, &a, &why);
	struct public_appointment p;
	if (e == APP_OK)
		e = svc_public_appointment(&ctx->app->services, a.id, &p);
	if (e != APP_OK) {
		booking_failed(ctx, e, &fe, why);
		goto out;
	}
	http_response_header(ctx->resp, "Location", "/api/v1/public/appointments/%s", p.id);
	api_json(ctx, 201, render_public_appointment(&p, ctx->app->cfg->queue.timezone));
out:
	free(queue_id);
	free(start);
	svc_customer_input_free(&in);
}

void api_public_appointments_get(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct public_appointment p;
	enum app_err e = svc_public_appointment(&ctx->app->services, id, &p);
	if (e != APP_OK)
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No appointment has this id." : NULL);
	else
		api_json(ctx, 200, render_public_appointment(&p, ctx->app->cfg->queue.timezone));
}

void api_public_appointments_cancel(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct appointment_rec a;
	struct public_appointment p;
	enum app_err e = svc_appointment_cancel(&ctx->app->services, id, true, &a);
	if (e == APP_OK)
		e = svc_public_appointment(&ctx->app->services, id, &p);
	if (e != APP_OK)
		api_fail(ctx, e,
			 e == APP_NOT_FOUND ? "No appointment has this id."
			 : e == APP_CONFLICT ? "Only a booked appointment can be cancelled, and only until it starts."
					     : NULL);
	else
		api_json(ctx, 200, render_public_appointment(&p, ctx->app->cfg->queue.timezone));
}
