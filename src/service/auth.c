#include "service/auth.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ids.h"
#include "common/log.h"
#include "repo/auth_repo.h"
#include "repo/db.h"
#include "repo/user_repo.h"
#include "service/auth_cache.h"
#include "service/password.h"
#include "service/token.h"

void svc_tokens_free(struct svc_tokens *t)
{
	if (!t)
		return;
	free(t->access_token);
	explicit_bzero(t, sizeof *t);
}

/* Issues an access token and a new refresh token in family (a new family when NULL). */
static enum app_err issue_pair(struct svc_app *app, const char *user_id, const char *user_name,
			       const char *role_name, const char *family, struct svc_tokens *out)
{
	char id[UUID_STR_LEN], new_family[UUID_STR_LEN], hash[REFRESH_HASH_LEN + 1];
	free(out->access_token); /* a retried transaction issues again */
	out->access_token = NULL;
	ids_uuid_v4(id);
	if (!family) {
		ids_uuid_v4(new_family);
		family = new_family;
	}
	if (refresh_generate(out->refresh_token) < 0)
		return APP_INTERNAL;
	refresh_hash(out->refresh_token, hash);
	long long rc = repo_refresh_insert(app->db, id, family, user_id, hash, app->cfg->auth.refresh_ttl);
	if (rc < 0)
		return db_app_err(rc);
	if (token_issue(&app->keys, user_id, user_name, role_name, (long long)time(NULL), &out->access_token, NULL) < 0)
		return APP_INTERNAL;
	out->expires_in = app->keys.ttl_seconds;
	return APP_OK;
}

struct login_tx {
	struct svc_app *app;
	const char *user_name;
	const char *password;
	struct svc_tokens *out;
	struct svc_grant_failure *why;
	enum app_err refused; /* a refusal that still commits (the failure row) */
};

static enum app_err login_in_tx(struct db *db, void *cls)
{
	struct login_tx *t = cls;
	long long locked = repo_login_locked_for(db, t->user_name, LOGIN_WINDOW_SECONDS, LOGIN_MAX_FAILURES);
	if (locked < 0)
		return db_app_err(locked);
	if (locked > 0) {
		t->why->retry_after = (long)locked;
		return APP_RATE_LIMITED;
	}
	struct user_login u;
	long long found = repo_user_login_by_name(db, t->user_name, &u);
	if (found < 0)
		return db_app_err(found);
	size_t len = strlen(t->password);
	bool ok;
	if (found == 0) {
		password_burn_time(&t->app->pw, t->password, len);
		ok = false;
	} else {
		ok = password_verify(u.password_hash, t->password, len) == PASSWORD_OK && u.state && u.role_state;
	}
	free(u.password_hash);
	if (!ok) {
		/* Recorded for known and unknown names alike: the throttle reveals nothing. */
		long long rc = repo_login_failure_add(db, t->user_name);
		if (rc < 0)
			return db_app_err(rc);
		log_warn("security: login failed for user_name=\"%.64s\"", t->user_name);
		return APP_UNAUTHORIZED; /* committed: the failure must be remembered */
	}
	long long rc = repo_login_failures_clear(db, t->user_name);
	if (rc < 0)
		return db_app_err(rc);
	return issue_pair(t->app, u.id, u.user_name, u.role_name, NULL, t->out);
}

/* Commits even when the outcome is a refusal, so the failure row persists. */
static enum app_err login_tx_wrapper(struct db *db, void *cls)
{
	struct login_tx *t = cls;
	enum app_err e = login_in_tx(db, cls);
	t->refused = APP_OK;
	if (e == APP_UNAUTHORIZED || e == APP_RATE_LIMITED) {
		t->refused = e;
		return APP_OK;
	}
	return e;
}

enum app_err svc_auth_password_grant(struct svc_app *app, const char *user_name, const char *password,
				     struct svc_tokens *out, struct svc_grant_failure *why)
{
	memset(out, 0, sizeof *out);
	memset(why, 0, sizeof *why);
	if (strlen(password) > PASSWORD_MAX_BYTES || strlen(user_name) > 255)
		return APP_UNAUTHORIZED;
	struct login_tx t = {app, user_name, password, out, why, APP_OK};
	enum app_err e = db_tx_run(app->db, "password grant", login_tx_wrapper, &t);
	if (e == APP_OK)
		e = t.refused;
	if (e != APP_OK)
		svc_tokens_free(out);
	return e;
}

struct refresh_tx {
	struct svc_app *app;
	const char *token;
	struct svc_tokens *out;
	bool reused;
};

static enum app_err refresh_in_tx(struct db *db, void *cls)
{
	struct refresh_tx *t = cls;
	char hash[REFRESH_HASH_LEN + 1];
	struct refresh_rec rec;
	refresh_hash(t->token, hash);
	long long found = repo_refresh_get_for_update(db, hash, &rec);
	if (found < 0)
		return db_app_err(found);
	struct refresh_row row = {found > 0, rec.revoked, rec.rotated, rec.expires_at};
	switch (refresh_decide(&row, (long long)time(NULL))) {
	case REFRESH_INVALID:
		return APP_UNAUTHORIZED;
	case REFRESH_REUSE_REVOKE_FAMILY: {
		long long rc = repo_refresh_revoke_family(db, rec.family_id);
		if (rc < 0)
			return db_app_err(rc);
		log_warn("security: refresh token reuse, family %s of user %s revoked", rec.family_id, rec.user_id);
		t->reused = true;
		return APP_OK; /* commit the revocation; the caller still gets invalid_grant */
	}
	case REFRESH_ROTATE:
		break;
	}
	struct user_principal p;
	long long rc = repo_user_principal(db, rec.user_id, &p);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0 || !p.user_state || !p.role_state)
		return APP_UNAUTHORIZED;
	rc = repo_refresh_mark_rotated(db, rec.id);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0)
		return APP_UNAUTHORIZED; /* a concurrent request rotated it first */
	return issue_pair(t->app, rec.user_id, p.user_name, p.role_name, rec.family_id, t->out);
}

enum app_err svc_auth_refresh_grant(struct svc_app *app, const char *refresh_token, struct svc_tokens *out)
{
	memset(out, 0, sizeof *out);
	if (!refresh_well_formed(refresh_token))
		return APP_UNAUTHORIZED;
	struct refresh_tx t = {app, refresh_token, out, false};
	enum app_err e = db_tx_run(app->db, "refresh grant", refresh_in_tx, &t);
	if (e == APP_OK && t.reused)
		e = APP_UNAUTHORIZED;
	if (e != APP_OK)
		svc_tokens_free(out);
	return e;
}

enum app_err svc_auth_logout(struct svc_app *app, const char *user_id, const char *refresh_token)
{
	if (!refresh_well_formed(refresh_token))
		return APP_OK;
	char hash[REFRESH_HASH_LEN + 1];
	struct refresh_rec rec;
	refresh_hash(refresh_token, hash);
	long long found = repo_refresh_get_for_update(app->db, hash, &rec);
	if (found < 0)
		return db_app_err(found);
	if (found == 0 || strcmp(rec.user_id, user_id) != 0)
		return APP_OK;
	long long rc = repo_refresh_revoke_family(app->db, rec.family_id);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_auth_authenticate(struct svc_app *app, const char *token, struct svc_principal *out)
{
	struct token_claims claims;
	memset(out, 0, sizeof *out);
	enum token_status st = token_verify_memo(app->tokens, &app->keys, token, (long long)time(NULL), &claims);
	if (st != TOKEN_OK) {
		log_info("bearer token refused: %s", token_status_str(st));
		return APP_UNAUTHORIZED;
	}
	long long now = ids_mono_us();
	if (principal_cache_get(app->principals, claims.sub, now, PRINCIPAL_CACHE_SECONDS * 1000000LL, out))
		return out->user_name[0] ? APP_OK : APP_UNAUTHORIZED;
	struct user_principal p;
	long long rc = repo_user_principal(app->db, claims.sub, &p);
	if (rc < 0)
		return db_app_err(rc);
	snprintf(out->user_id, sizeof out->user_id, "%s", claims.sub);
	if (rc > 0 && p.user_state) {
		snprintf(out->user_name, sizeof out->user_name, "%s", p.user_name);
		snprintf(out->role_id, sizeof out->role_id, "%s", p.role_id);
		snprintf(out->role_name, sizeof out->role_name, "%s", p.role_name);
		out->perms = p.role_state ? p.perms : 0;
	}
	/* Unknown or inactive users are cached too (empty name), so a flood costs no queries. */
	principal_cache_put(app->principals, out, now);
	return out->user_name[0] ? APP_OK : APP_UNAUTHORIZED;
}

void svc_auth_cache_clear(struct svc_app *app)
{
	principal_cache_clear(app->principals);
}
