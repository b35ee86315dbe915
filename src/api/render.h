/* JSON shapes of resources; every function returns a new object the caller owns. */
#ifndef TURNERO_API_RENDER_H
#define TURNERO_API_RENDER_H

#include <json-c/json.h>

#include "common/perm.h"
#include "repo/role_repo.h"
#include "repo/user_repo.h"

struct json_object *render_user(const struct user_rec *u);
struct json_object *render_role(const struct role_rec *r);
/* [{module, action}, ...] in catalogue order. */
struct json_object *render_permissions(perm_set set);
/* {items, total, limit, offset}; takes over items. */
struct json_object *render_page(struct json_object *items, long long total, long long limit, long long offset);

#endif
