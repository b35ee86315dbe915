/*
 * Authentication: password and refresh-token grants, logout, bearer-token checks and
 * the per-worker principal cache that makes role and state changes bite within 5 s.
 */
#ifndef TURNERO_SVC_AUTH_H
#define TURNERO_SVC_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/app_err.h"
#include "common/perm.h"
#include "service/app.h"
#include "service/principal.h"
#include "service/refresh.h"

#define LOGIN_MAX_FAILURES 5
#define LOGIN_WINDOW_SECONDS (15 * 60)
#define PRINCIPAL_CACHE_SECONDS 2 /* well inside the promised 5 s */

struct svc_tokens {
	char *access_token; /* owned; svc_tokens_free */
	long expires_in;
	char refresh_token[REFRESH_TOKEN_LEN + 1];
};
void svc_tokens_free(struct svc_tokens *t);

/* Why a grant failed, beyond the app_err (for RFC 6749 error codes and Retry-After). */
struct svc_grant_failure {
	long retry_after; /* > 0 with APP_RATE_LIMITED */
};

/*
 * Password grant. APP_OK fills out; APP_UNAUTHORIZED for a wrong name or password or an
 * inactive user (answered as invalid_grant); APP_RATE_LIMITED while the name is locked.
 */
enum app_err svc_auth_password_grant(struct svc_app *app, const char *user_name, const char *password,
				     struct svc_tokens *out, struct svc_grant_failure *why);

/* Refresh grant: rotates the token; reuse of a rotated token revokes its family. */
enum app_err svc_auth_refresh_grant(struct svc_app *app, const char *refresh_token, struct svc_tokens *out);

/* Revokes the family of refresh_token if it belongs to user_id; unknown tokens are ignored. */
enum app_err svc_auth_logout(struct svc_app *app, const char *user_id, const char *refresh_token);

/*
 * Checks an access token and loads the caller as of now (cached for a moment).
 * APP_UNAUTHORIZED for a bad token or a deactivated/unknown user.
 */
enum app_err svc_auth_authenticate(struct svc_app *app, const char *token, struct svc_principal *out);

/* Forgets cached principals (after this worker changed users or roles). */
void svc_auth_cache_clear(struct svc_app *app);

#endif
