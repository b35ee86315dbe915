/* JSON shapes of resources; every function returns a new object the caller owns. */
#ifndef TURNERO_API_RENDER_H
#define TURNERO_API_RENDER_H

#include <json-c/json.h>

#include "common/perm.h"
#include "repo/customer_repo.h"
#include "repo/priority_repo.h"
#include "repo/role_repo.h"
#include "repo/user_repo.h"

struct json_object *render_user(const struct user_rec *u);
struct json_object *render_role(const struct role_rec *r);
/* All fields, as GET /priorities/{id} answers. */
struct json_object *render_priority(const struct priority_rec *p);
/* dni is null when the customer has none. */
struct json_object *render_customer(const struct customer_rec *c);
/* [{module, action}, ...] in catalogue order. */
struct json_object *render_permissions(perm_set set);
/* {items, total, limit, offset}; takes over items. */
struct json_object *render_page(struct json_object *items, long long total, long long limit, long long offset);

#endif
