/* Staff users: validation, password hashing, and the last-admin rule. */
#ifndef TURNERO_SVC_USER_H
#define TURNERO_SVC_USER_H

#include <stdbool.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "repo/user_repo.h"
#include "service/app.h"

/* Input of create and patch; NULL/absent members keep their current value on patch. */
struct user_input {
	char *user_name, *first_name, *last_name, *password, *role_id;
	bool state;
	bool has_state;
};

/* 422 details go to fe; APP_CONFLICT for a duplicate user_name. On APP_OK out is the new user. */
enum app_err svc_user_create(struct svc_app *app, const struct user_input *in, struct field_errors *fe,
			     struct user_rec *out);
enum app_err svc_user_get(struct svc_app *app, const char *id, struct user_rec *out);
enum app_err svc_user_list(struct svc_app *app, const struct user_filter *f, struct user_list *out,
			   long long *total);
/* APP_CONFLICT also when the change would leave no active admin. */
enum app_err svc_user_update(struct svc_app *app, const char *id, const struct user_input *in,
			     struct field_errors *fe, struct user_rec *out);
enum app_err svc_user_deactivate(struct svc_app *app, const char *id);
/*
 * Changes a password. When require_current, current must verify (else a 422 on
 * current_password). Revokes the user's refresh tokens.
 */
enum app_err svc_user_set_password(struct svc_app *app, const char *id, bool require_current, const char *current,
				   const char *new_password, struct field_errors *fe);

/*
 * Creates user_name in the admin role with password, or, when the name exists and
 * reset is true, sets its password and reactivates it. *created tells which happened;
 * an existing user without reset is APP_CONFLICT.
 */
enum app_err svc_user_ensure_admin(struct svc_app *app, const char *user_name, const char *password, bool reset,
				   bool *created, struct field_errors *fe);

/* True when s is a valid user name: 3-32 of [a-z0-9._-]. */
bool svc_user_name_valid(const char *s);

#endif
