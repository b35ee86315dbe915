/* Roles and their permission sets; the admin role can never lose its last active holder. */
#ifndef TURNERO_SVC_ROLE_H
#define TURNERO_SVC_ROLE_H

#include <stdbool.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "repo/role_repo.h"
#include "service/app.h"

struct role_input {
	char *name, *description;
	bool state, has_state;
};

enum app_err svc_role_create(struct svc_app *app, const struct role_input *in, struct role_rec *out);
enum app_err svc_role_get(struct svc_app *app, const char *id, struct role_rec *out);
enum app_err svc_role_list(struct svc_app *app, const struct role_filter *f, struct role_list *out,
			   long long *total);
/* APP_CONFLICT for a duplicate name or for deactivating/renaming the admin role. */
enum app_err svc_role_update(struct svc_app *app, const char *id, const struct role_input *in,
			     struct role_rec *out);
enum app_err svc_role_deactivate(struct svc_app *app, const char *id);
enum app_err svc_role_permissions(struct svc_app *app, const char *id, perm_set *out);
/* Replaces the set; the admin role keeps every permission (APP_CONFLICT otherwise). */
enum app_err svc_role_set_permissions(struct svc_app *app, const char *id, perm_set set);

#endif
