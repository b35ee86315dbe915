#include "service/priority.h"

#include <stdio.h>
#include <string.h>

#include "repo/db.h"
#include "service/catalog.h"

enum app_err svc_priority_create(struct svc_app *app, const struct priority_input *in, struct priority_rec *out)
{
	memset(out, 0, sizeof *out);
	if (!in->name || !in->has_level)
		return APP_INVALID;
	ids_uuid_v4(out->id);
	snprintf(out->name, sizeof out->name, "%s", in->name);
	snprintf(out->description, sizeof out->description, "%s", in->description ? in->description : "");
	out->level = (int)in->level;
	out->max_wait_minutes = in->has_max_wait_minutes ? (int)in->max_wait_minutes : 0;
	out->state = in->has_state ? in->state : true;
	long long rc = repo_priority_insert(app->db, out);
	if (rc < 0)
		return db_app_err(rc);
	return svc_priority_get(app, out->id, out);
}

enum app_err svc_priority_get(struct svc_app *app, const char *id, struct priority_rec *out)
{
	long long rc = repo_priority_get_by_id(app->db, id, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_priority_list(struct svc_app *app, const struct priority_filter *f, struct priority_list *out,
			       long long *total)
{
	long long rc = repo_priority_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct priority_tx {
	const char *id;
	const struct priority_input *in;
	struct priority_rec *out;
};

static enum app_err update_in_tx(struct db *db, void *cls)
{
	struct priority_tx *t = cls;
	struct priority_rec cur;
	/* The lock makes read-modify-write safe against a concurrent patch of other fields. */
	long long rc = repo_priority_lock(db, t->id);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	rc = repo_priority_get_by_id(db, t->id, &cur);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	if (t->in->name)
		snprintf(cur.name, sizeof cur.name, "%s", t->in->name);
	if (t->in->description)
		snprintf(cur.description, sizeof cur.description, "%s", t->in->description);
	if (t->in->has_level)
		cur.level = (int)t->in->level;
	if (t->in->has_max_wait_minutes)
		cur.max_wait_minutes = (int)t->in->max_wait_minutes;
	if (t->in->has_state)
		cur.state = t->in->state;
	rc = repo_priority_update(db, &cur);
	if (rc < 0)
		return db_app_err(rc);
	rc = repo_priority_get_by_id(db, t->id, t->out);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_priority_update(struct svc_app *app, const char *id, const struct priority_input *in,
				 struct priority_rec *out)
{
	memset(out, 0, sizeof *out);
	struct priority_tx t = {id, in, out};
	enum app_err e = db_tx_run(app->db, "priority update", update_in_tx, &t);
	svc_catalog_changed(app); /* after the commit: no worker reloads the old row */
	return e;
}

enum app_err svc_priority_deactivate(struct svc_app *app, const char *id)
{
	long long rc = repo_priority_set_state(app->db, id, false);
	svc_catalog_changed(app);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}
