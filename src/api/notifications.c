/* Notifications (SPEC 12): the `notify` request object and GET /tickets/{id}/notifications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "common/jsonv.h"
#include "notify/notify.h"

bool api_notify_read(struct json_object *obj, struct notify_request *out, struct field_errors *fe)
{
	struct field_errors local;
	long long ahead = NOTIFY_AHEAD_DEFAULT;
	bool email = false, sms = false;
	field_errors_init(&local);
	const struct jsonv_field spec[] = {
		JVF_BOOL("email", 0, &email),
		JVF_BOOL("sms", 0, &sms),
		JVF_INT("ahead", NOTIFY_AHEAD_MIN, NOTIFY_AHEAD_MAX, 0, &ahead),
	};
	bool ok = jsonv_extract(obj, spec, sizeof spec / sizeof spec[0], &local);
	/* jsonv names bare keys: report "notify.ahead", and "notify" for the object itself. */
	for (size_t i = 0; i < local.n; i++) {
		char field[sizeof local.e[0].field];
		if (*local.e[i].field)
			snprintf(field, sizeof field, "notify.%s", local.e[i].field);
		else
			snprintf(field, sizeof field, "notify");
		field_errors_add(fe, field, "%s", local.e[i].message);
	}
	fe->dropped += local.dropped;
	out->email = email;
	out->sms = sms;
	out->ahead = (long)ahead;
	return ok;
}

static struct json_object *render_notifications(const struct notify_rec *r, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(r[i].id));
		json_object_object_add(o, "channel", json_object_new_string(r[i].channel));
		json_object_object_add(o, "kind", json_object_new_string(r[i].kind));
		json_object_object_add(o, "to", json_object_new_string(r[i].to));
		json_object_object_add(o, "status", json_object_new_string(r[i].status));
		json_object_object_add(o, "attempts", json_object_new_int64(r[i].attempts));
		json_object_object_add(o, "last_error", r[i].has_error ? json_object_new_string(r[i].last_error) : NULL);
		json_object_object_add(o, "created_date", json_object_new_string(r[i].created_date));
		json_object_object_add(o, "sent_date", *r[i].sent_date ? json_object_new_string(r[i].sent_date) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

void api_tickets_notifications(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct notify_rec *recs = NULL;
	size_t n = 0;
	enum app_err e = notify_list_for_ticket(ctx->app->services.db, id, &recs, &n);
	if (e != APP_OK)
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No ticket has this id." : NULL);
	else
		api_json(ctx, 200, render_notifications(recs, n));
	free(recs);
}
