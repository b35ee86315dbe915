#include "api/render.h"

static void add_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v && *v ? json_object_new_string(v) : NULL);
}

struct json_object *render_user(const struct user_rec *u)
{
	struct json_object *o = json_object_new_object();
	add_str(o, "id", u->id);
	add_str(o, "user_name", u->user_name);
	json_object_object_add(o, "first_name", json_object_new_string(u->first_name));
	json_object_object_add(o, "last_name", json_object_new_string(u->last_name));
	json_object_object_add(o, "state", json_object_new_boolean(u->state));
	add_str(o, "role_id", u->role_id);
	add_str(o, "created_date", u->created_date);
	add_str(o, "updated_date", u->updated_date);
	return o;
}

struct json_object *render_role(const struct role_rec *r)
{
	struct json_object *o = json_object_new_object();
	add_str(o, "id", r->id);
	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "description", json_object_new_string(r->description));
	json_object_object_add(o, "state", json_object_new_boolean(r->state));
	add_str(o, "created_date", r->created_date);
	add_str(o, "updated_date", r->updated_date);
	return o;
}

struct json_object *render_priority(const struct priority_rec *p)
{
	struct json_object *o = json_object_new_object();
	add_str(o, "id", p->id);
	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "description", json_object_new_string(p->description));
	json_object_object_add(o, "level", json_object_new_int(p->level));
	json_object_object_add(o, "max_wait_minutes", json_object_new_int(p->max_wait_minutes));
	json_object_object_add(o, "state", json_object_new_boolean(p->state));
	add_str(o, "created_date", p->created_date);
	add_str(o, "updated_date", p->updated_date);
	return o;
}

struct json_object *render_customer(const struct customer_rec *c)
{
	struct json_object *o = json_object_new_object();
	add_str(o, "id", c->id);
	json_object_object_add(o, "dni", c->has_dni ? json_object_new_string(c->dni) : NULL);
	json_object_object_add(o, "first_name", json_object_new_string(c->first_name));
	json_object_object_add(o, "last_name", json_object_new_string(c->last_name));
	json_object_object_add(o, "phone", json_object_new_string(c->phone));
	json_object_object_add(o, "email", json_object_new_string(c->email));
	json_object_object_add(o, "state", json_object_new_boolean(c->state));
	add_str(o, "created_date", c->created_date);
	add_str(o, "updated_date", c->updated_date);
	return o;
}

struct json_object *render_permissions(perm_set set)
{
	struct json_object *a = json_object_new_array();
	for (int m = 0; m < PERM_MODULE__MAX; m++) {
		for (int act = 0; act < PERM_ACTION__MAX; act++) {
			if (!perm_has(set, (enum perm_module)m, (enum perm_action)act))
				continue;
			struct json_object *p = json_object_new_object();
			json_object_object_add(p, "module", json_object_new_string(perm_module_name((enum perm_module)m)));
			json_object_object_add(p, "action", json_object_new_string(perm_action_name((enum perm_action)act)));
			json_object_array_add(a, p);
		}
	}
	return a;
}

struct json_object *render_page(struct json_object *items, long long total, long long limit, long long offset)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "items", items);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "limit", json_object_new_int64(limit));
	json_object_object_add(o, "offset", json_object_new_int64(offset));
	return o;
}
