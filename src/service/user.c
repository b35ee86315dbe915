#include "service/user.h"

#include <stdlib.h>
#include <string.h>

#include "repo/auth_repo.h"
#include "repo/db.h"
#include "repo/role_repo.h"
#include "service/auth.h"
#include "service/password.h"

bool svc_user_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static void password_errors(enum password_status st, const char *field, struct field_errors *fe)
{
	if (st == PASSWORD_TOO_SHORT)
		field_errors_add(fe, field, "must be at least %d bytes", PASSWORD_MIN_BYTES);
	else if (st == PASSWORD_TOO_LONG)
		field_errors_add(fe, field, "must be at most %d bytes", PASSWORD_MAX_BYTES);
}

/* The role must exist and be active; a 422 on role_id otherwise. */
static enum app_err check_role(struct db *db, const char *role_id, struct field_errors *fe)
{
	struct role_rec r;
	long long rc = repo_role_get_by_id(db, role_id, &r);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0 || !r.state) {
		field_errors_add(fe, "role_id", "does not name an active role");
		return APP_INVALID;
	}
	return APP_OK;
}

enum app_err svc_user_create(struct svc_app *app, const struct user_input *in, struct field_errors *fe,
			     struct user_rec *out)
{
	memset(out, 0, sizeof *out);
	enum password_status pst = password_check_policy(in->password, strlen(in->password));
	if (pst != PASSWORD_OK) {
		password_errors(pst, "password", fe);
		return APP_INVALID;
	}
	enum app_err e = check_role(app->db, in->role_id, fe);
	if (e != APP_OK)
		return e;
	char *hash = NULL;
	if (password_hash(&app->pw, in->password, strlen(in->password), &hash) != PASSWORD_OK)
		return APP_INTERNAL;
	ids_uuid_v4(out->id);
	snprintf(out->user_name, sizeof out->user_name, "%s", in->user_name);
	snprintf(out->first_name, sizeof out->first_name, "%s", in->first_name ? in->first_name : "");
	snprintf(out->last_name, sizeof out->last_name, "%s", in->last_name ? in->last_name : "");
	snprintf(out->role_id, sizeof out->role_id, "%s", in->role_id);
	out->state = in->has_state ? in->state : true;
	long long rc = repo_user_insert(app->db, out, hash);
	free(hash);
	if (rc == DB_CONFLICT)
		return APP_CONFLICT;
	if (rc < 0)
		return db_app_err(rc);
	return svc_user_get(app, out->id, out);
}

enum app_err svc_user_get(struct svc_app *app, const char *id, struct user_rec *out)
{
	long long rc = repo_user_get_by_id(app->db, id, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_user_list(struct svc_app *app, const struct user_filter *f, struct user_list *out,
			   long long *total)
{
	long long rc = repo_user_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct update_tx {
	struct svc_app *app;
	const char *id;
	const struct user_input *in;
	struct field_errors *fe;
	struct user_rec *out;
};

/* Would the user stop being an active admin while no other active admin remains? */
static enum app_err guard_last_admin(struct db *db, const char *id, bool was_admin, bool stays_admin)
{
	if (!was_admin || stays_admin)
		return APP_OK;
	long long others = repo_user_count_active_admins_except(db, id);
	if (others < 0)
		return db_app_err(others);
	return others > 0 ? APP_OK : APP_CONFLICT;
}

static enum app_err update_in_tx(struct db *db, void *cls)
{
	struct update_tx *t = cls;
	struct user_principal before;
	struct user_rec cur;
	long long rc = repo_user_get_by_id(db, t->id, &cur);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	rc = repo_user_principal(db, t->id, &before);
	if (rc < 0)
		return db_app_err(rc);
	bool was_admin = before.user_state && before.role_state && strcmp(before.role_name, "admin") == 0;

	if (t->in->user_name)
		snprintf(cur.user_name, sizeof cur.user_name, "%s", t->in->user_name);
	if (t->in->first_name)
		snprintf(cur.first_name, sizeof cur.first_name, "%s", t->in->first_name);
	if (t->in->last_name)
		snprintf(cur.last_name, sizeof cur.last_name, "%s", t->in->last_name);
	if (t->in->has_state)
		cur.state = t->in->state;
	bool stays_admin = was_admin && cur.state;
	if (t->in->role_id && strcmp(t->in->role_id, cur.role_id) != 0) {
		enum app_err e = check_role(db, t->in->role_id, t->fe);
		if (e != APP_OK)
			return e;
		snprintf(cur.role_id, sizeof cur.role_id, "%s", t->in->role_id);
		struct role_rec r;
		rc = repo_role_get_by_id(db, cur.role_id, &r);
		if (rc < 0)
			return db_app_err(rc);
		stays_admin = stays_admin && strcmp(r.name, "admin") == 0;
	}
	enum app_err e = guard_last_admin(db, t->id, was_admin, stays_admin);
	if (e != APP_OK)
		return e;
	rc = repo_user_update(db, &cur);
	if (rc == DB_CONFLICT)
		return APP_CONFLICT;
	if (rc < 0)
		return db_app_err(rc);
	rc = repo_user_get_by_id(db, t->id, t->out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_user_update(struct svc_app *app, const char *id, const struct user_input *in,
			     struct field_errors *fe, struct user_rec *out)
{
	struct update_tx t = {app, id, in, fe, out};
	enum app_err e = db_tx_run(app->db, "user update", update_in_tx, &t);
	if (e == APP_OK)
		svc_auth_cache_clear(app);
	return e;
}

enum app_err svc_user_deactivate(struct svc_app *app, const char *id)
{
	struct user_input in = {.state = false, .has_state = true};
	struct field_errors fe;
	struct user_rec out;
	field_errors_init(&fe);
	enum app_err e = svc_user_update(app, id, &in, &fe, &out);
	if (e == APP_OK)
		repo_refresh_revoke_user(app->db, id);
	return e;
}

enum app_err svc_user_set_password(struct svc_app *app, const char *id, bool require_current, const char *current,
				   const char *new_password, struct field_errors *fe)
{
	enum password_status pst = password_check_policy(new_password, strlen(new_password));
	if (pst != PASSWORD_OK) {
		password_errors(pst, "new_password", fe);
		return APP_INVALID;
	}
	if (require_current) {
		if (!current) {
			field_errors_add(fe, "current_password", "is required to change your own password");
			return APP_INVALID;
		}
		struct user_rec u;
		enum app_err e = svc_user_get(app, id, &u);
		if (e != APP_OK)
			return e;
		struct user_login login;
		long long rc = repo_user_login_by_name(app->db, u.user_name, &login);
		if (rc < 0)
			return db_app_err(rc);
		bool ok = rc > 0 && password_verify(login.password_hash, current, strlen(current)) == PASSWORD_OK;
		free(login.password_hash);
		if (!ok) {
			field_errors_add(fe, "current_password", "is not the current password");
			return APP_INVALID;
		}
	}
	char *hash = NULL;
	if (password_hash(&app->pw, new_password, strlen(new_password), &hash) != PASSWORD_OK)
		return APP_INTERNAL;
	long long rc = repo_user_set_password(app->db, id, hash);
	free(hash);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0)
		return APP_NOT_FOUND;
	/* Sessions opened with the old password end. */
	rc = repo_refresh_revoke_user(app->db, id);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_user_ensure_admin(struct svc_app *app, const char *user_name, const char *password, bool reset,
				   bool *created, struct field_errors *fe)
{
	*created = false;
	if (!svc_user_name_valid(user_name)) {
		field_errors_add(fe, "user_name", "must be 3-32 characters of a-z, 0-9, '.', '_' or '-'");
		return APP_INVALID;
	}
	char id[UUID_STR_LEN];
	long long rc = repo_user_id_by_name(app->db, user_name, id);
	if (rc < 0)
		return db_app_err(rc);
	if (rc > 0) {
		if (!reset)
			return APP_CONFLICT;
		enum app_err e = svc_user_set_password(app, id, false, NULL, password, fe);
		if (e != APP_OK)
			return e;
		rc = repo_user_set_state(app->db, id, true);
		return rc < 0 ? db_app_err(rc) : APP_OK;
	}
	struct role_rec admin;
	rc = repo_role_get_by_name(app->db, "admin", &admin);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0) {
		field_errors_add(fe, "role_id", "the admin role is missing: run turneroctl migrate");
		return APP_INVALID;
	}
	struct user_input in = {.user_name = (char *)user_name, .first_name = (char *)"Admin",
				.last_name = (char *)user_name, .password = (char *)password, .role_id = admin.id};
	struct user_rec out;
	enum app_err e = svc_user_create(app, &in, fe, &out);
	*created = e == APP_OK;
	return e;
}
