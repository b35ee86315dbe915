/* /auth/token (OAuth2 password and refresh_token grants), /auth/logout, /auth/me. */
#include <string.h>

#include "api/api.h"
#include "api/render.h"
#include "service/auth.h"
#include "service/user.h"

/* RFC 6749 section 5.2 error answer. */
static void oauth_error(struct api_ctx *ctx, const char *error, const char *description)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(error));
	json_object_object_add(o, "error_description", json_object_new_string(description));
	api_json(ctx, 400, o);
}

/* A form parameter that must appear exactly once; NULL (after answering) otherwise. */
static const char *single_param(struct api_ctx *ctx, const char *name)
{
	size_t n = kv_count(&ctx->form, name);
	if (n == 1)
		return kv_get(&ctx->form, name);
	char detail[96];
	snprintf(detail, sizeof detail, n ? "%s must not be repeated" : "%s is required", name);
	oauth_error(ctx, "invalid_request", detail);
	return NULL;
}

void api_auth_token(struct api_ctx *ctx)
{
	http_response_header(ctx->resp, "Cache-Control", "no-store");
	http_response_header(ctx->resp, "Pragma", "no-cache");
	const char *grant = single_param(ctx, "grant_type");
	if (!grant)
		return;
	struct svc_tokens tokens;
	struct svc_grant_failure why = {0};
	enum app_err e;
	if (strcmp(grant, "password") == 0) {
		const char *user = single_param(ctx, "username");
		const char *password = user ? single_param(ctx, "password") : NULL;
		if (!user || !password)
			return;
		e = svc_auth_password_grant(&ctx->app->services, user, password, &tokens, &why);
	} else if (strcmp(grant, "refresh_token") == 0) {
		const char *refresh = single_param(ctx, "refresh_token");
		if (!refresh)
			return;
		e = svc_auth_refresh_grant(&ctx->app->services, refresh, &tokens);
	} else {
		oauth_error(ctx, "unsupported_grant_type", "grant_type must be password or refresh_token");
		return;
	}
	switch (e) {
	case APP_OK: {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "access_token", json_object_new_string(tokens.access_token));
		json_object_object_add(o, "token_type", json_object_new_string("bearer"));
		json_object_object_add(o, "expires_in", json_object_new_int64(tokens.expires_in));
		json_object_object_add(o, "refresh_token", json_object_new_string(tokens.refresh_token));
		svc_tokens_free(&tokens);
		api_json(ctx, 200, o);
		return;
	}
	case APP_UNAUTHORIZED:
		oauth_error(ctx, "invalid_grant", strcmp(grant, "password") == 0
							 ? "The user name or password is wrong, or the user is inactive."
							 : "The refresh token is invalid, expired or revoked.");
		return;
	case APP_RATE_LIMITED:
		http_response_header(ctx->resp, "Retry-After", "%ld", why.retry_after);
		api_fail(ctx, e, "Too many failed logins for this user name; try again later.");
		return;
	default:
		api_fail(ctx, e, NULL);
	}
}

void api_auth_logout(struct api_ctx *ctx)
{
	const char *refresh = kv_get(&ctx->form, "refresh_token");
	if (!refresh || kv_count(&ctx->form, "refresh_token") != 1) {
		struct field_errors fe;
		field_errors_init(&fe);
		field_errors_add(&fe, "refresh_token", "is required once");
		http_response_invalid(ctx->resp, &fe);
		return;
	}
	enum app_err e = svc_auth_logout(&ctx->app->services, ctx->who.user_id, refresh);
	if (e != APP_OK) {
		api_fail(ctx, e, NULL);
		return;
	}
	http_response_empty(ctx->resp, 204);
}

void api_auth_me(struct api_ctx *ctx)
{
	struct user_rec u;
	enum app_err e = svc_user_get(&ctx->app->services, ctx->who.user_id, &u);
	if (e != APP_OK) {
		api_fail(ctx, e == APP_NOT_FOUND ? APP_UNAUTHORIZED : e, NULL);
		return;
	}
	struct json_object *o = render_user(&u);
	json_object_object_add(o, "role_name", json_object_new_string(ctx->who.role_name));
	json_object_object_add(o, "permissions", render_permissions(ctx->who.perms));
	api_json(ctx, 200, o);
}
