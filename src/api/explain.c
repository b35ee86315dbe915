/* GET /queues/{id}/order (SPEC 14): the waiting tickets in the order call-next takes them, and why. */
#include "api/api.h"
#include "service/explain.h"

void api_queues_order(struct api_ctx *ctx)
{
	char id[UUID_STR_LEN];
	if (!api_path_uuid(ctx, "id", id))
		return;
	struct explain_order order;
	enum app_err e = svc_explain_order(&ctx->app->services, id, &order);
	if (e != APP_OK) {
		api_fail(ctx, e, e == APP_NOT_FOUND ? "No queue has this id." : NULL);
		return;
	}
	char ts[TS_STR_LEN];
	struct json_object *o = json_object_new_object(), *items = json_object_new_array();
	json_object_object_add(o, "queue_id", json_object_new_string(id));
	json_object_object_add(o, "policy", json_object_new_string(queue_policy_name(order.policy)));
	ids_format_ms(order.generated_ms, ts);
	json_object_object_add(o, "generated_at", json_object_new_string(ts));
	for (size_t i = 0; i < order.n; i++) {
		const struct explain_item *it = &order.items[i];
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "rank", json_object_new_int64(it->rank));
		json_object_object_add(j, "ticket_id", json_object_new_string(it->t.ticket_id));
		json_object_object_add(j, "code", json_object_new_string(it->t.code));
		json_object_object_add(j, "priority_id", json_object_new_string(it->t.priority_id));
		json_object_object_add(j, "level", json_object_new_int(it->t.level));
		json_object_object_add(j, "due_date", json_object_new_string(it->t.due_date));
		json_object_object_add(j, "overdue_seconds", json_object_new_int64(it->overdue_seconds));
		json_object_object_add(j, "reason", json_object_new_string(forecast_reason_name(it->reason)));
		json_object_object_add(j, "at_risk", json_object_new_boolean(it->at_risk));
		ids_format_ms(it->predicted_call_ms, ts);
		json_object_object_add(j, "predicted_call_at", json_object_new_string(ts));
		json_object_array_add(items, j);
	}
	explain_order_free(&order);
	json_object_object_add(o, "items", items);
	api_json(ctx, 200, o);
}
