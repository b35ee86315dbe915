#include "service/role.h"

#include <stdio.h>
#include <string.h>

#include "repo/db.h"
#include "service/auth.h"

#define ADMIN_ROLE "admin"

static perm_set all_permissions(void)
{
	return (perm_set)((1ull << (PERM_MODULE__MAX * PERM_ACTION__MAX)) - 1);
}

enum app_err svc_role_create(struct svc_app *app, const struct role_input *in, struct role_rec *out)
{
	memset(out, 0, sizeof *out);
	ids_uuid_v4(out->id);
	snprintf(out->name, sizeof out->name, "%s", in->name);
	snprintf(out->description, sizeof out->description, "%s", in->description ? in->description : "");
	out->state = in->has_state ? in->state : true;
	long long rc = repo_role_insert(app->db, out);
	if (rc < 0)
		return db_app_err(rc);
	return svc_role_get(app, out->id, out);
}

enum app_err svc_role_get(struct svc_app *app, const char *id, struct role_rec *out)
{
	long long rc = repo_role_get_by_id(app->db, id, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_role_list(struct svc_app *app, const struct role_filter *f, struct role_list *out,
			   long long *total)
{
	long long rc = repo_role_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct role_tx {
	const char *id;
	const struct role_input *in;
	struct role_rec *out;
	perm_set set;
};

static enum app_err update_in_tx(struct db *db, void *cls)
{
	struct role_tx *t = cls;
	struct role_rec cur;
	long long rc = repo_role_lock(db, t->id);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	rc = repo_role_get_by_id(db, t->id, &cur);
	if (rc < 0)
		return db_app_err(rc);
	bool is_admin = strcmp(cur.name, ADMIN_ROLE) == 0;
	if (t->in->name)
		snprintf(cur.name, sizeof cur.name, "%s", t->in->name);
	if (t->in->description)
		snprintf(cur.description, sizeof cur.description, "%s", t->in->description);
	if (t->in->has_state)
		cur.state = t->in->state;
	/* Renaming or switching off the admin role would lock every administrator out. */
	if (is_admin && (strcmp(cur.name, ADMIN_ROLE) != 0 || !cur.state))
		return APP_CONFLICT;
	rc = repo_role_update(db, &cur);
	if (rc < 0)
		return db_app_err(rc);
	rc = repo_role_get_by_id(db, t->id, t->out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_role_update(struct svc_app *app, const char *id, const struct role_input *in,
			     struct role_rec *out)
{
	struct role_tx t = {id, in, out, 0};
	enum app_err e = db_tx_run(app->db, "role update", update_in_tx, &t);
	if (e == APP_OK)
		svc_auth_cache_clear(app);
	return e;
}

enum app_err svc_role_deactivate(struct svc_app *app, const char *id)
{
	struct role_input in = {.state = false, .has_state = true};
	struct role_rec out;
	return svc_role_update(app, id, &in, &out);
}

enum app_err svc_role_permissions(struct svc_app *app, const char *id, perm_set *out)
{
	struct role_rec r;
	enum app_err e = svc_role_get(app, id, &r);
	if (e != APP_OK)
		return e;
	long long rc = repo_role_permissions(app->db, id, out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

static enum app_err set_perms_in_tx(struct db *db, void *cls)
{
	struct role_tx *t = cls;
	struct role_rec cur;
	long long rc = repo_role_lock(db, t->id);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	rc = repo_role_get_by_id(db, t->id, &cur);
	if (rc < 0)
		return db_app_err(rc);
	if (strcmp(cur.name, ADMIN_ROLE) == 0 && t->set != all_permissions())
		return APP_CONFLICT;
	rc = repo_role_permissions_replace(db, t->id, t->set);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_role_set_permissions(struct svc_app *app, const char *id, perm_set set)
{
	struct role_tx t = {id, NULL, NULL, set};
	enum app_err e = db_tx_run(app->db, "role permissions", set_perms_in_tx, &t);
	if (e == APP_OK)
		svc_auth_cache_clear(app);
	return e;
}
