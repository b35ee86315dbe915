#include "service/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "repo/db.h"
#include "repo/queue_repo.h"

void desk_input_free(struct desk_input *in)
{
	if (!in)
		return;
	free(in->name);
	free(in->queue_id);
	memset(in, 0, sizeof *in);
}

/* The queue a desk names must exist (closed ones too: a desk may be set up ahead). */
static enum app_err check_queue(struct db *db, const char *queue_id, struct field_errors *fe)
{
	struct queue_rec *q = malloc(sizeof *q);
	if (!q)
		return APP_INTERNAL;
	long long rc = repo_queue_get_by_id(db, queue_id, q);
	free(q);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 0) {
		field_errors_add(fe, "queue_id", "does not name a queue");
		return APP_INVALID;
	}
	return APP_OK;
}

struct create_tx {
	const struct desk_input *in;
	struct field_errors *fe;
	struct desk_rec *out;
};

static enum app_err create_in_tx(struct db *db, void *cls)
{
	struct create_tx *t = cls;
	enum app_err e = check_queue(db, t->in->queue_id, t->fe);
	if (e != APP_OK)
		return e;
	struct desk_rec *d = t->out;
	memset(d, 0, sizeof *d);
	ids_uuid_v4(d->id);
	snprintf(d->name, sizeof d->name, "%s", t->in->name);
	snprintf(d->queue_id, sizeof d->queue_id, "%s", t->in->queue_id);
	d->state = t->in->has_state ? t->in->state : true;
	long long rc = repo_desk_insert(db, d);
	if (rc >= 0)
		rc = repo_desk_get_by_id(db, d->id, d);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_desk_create(struct svc_app *app, const struct desk_input *in, struct field_errors *fe,
			     struct desk_rec *out)
{
	memset(out, 0, sizeof *out);
	if (!in->name || !in->queue_id)
		return APP_INVALID;
	struct create_tx t = {in, fe, out};
	return db_tx_run(app->db, "desk create", create_in_tx, &t);
}

enum app_err svc_desk_get(struct svc_app *app, const char *id, struct desk_rec *out)
{
	long long rc = repo_desk_get_by_id(app->db, id, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_desk_list(struct svc_app *app, const struct desk_filter *f, struct desk_list *out,
			   long long *total)
{
	long long rc = repo_desk_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct update_tx {
	const char *id;
	const struct desk_input *in;
	struct field_errors *fe;
	struct desk_rec *out;
};

static enum app_err update_in_tx(struct db *db, void *cls)
{
	struct update_tx *t = cls;
	struct desk_rec *d = t->out;
	long long rc = repo_desk_lock(db, t->id, d);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	if (t->in->queue_id) {
		enum app_err e = check_queue(db, t->in->queue_id, t->fe);
		if (e != APP_OK)
			return e;
		snprintf(d->queue_id, sizeof d->queue_id, "%s", t->in->queue_id);
	}
	if (t->in->name)
		snprintf(d->name, sizeof d->name, "%s", t->in->name);
	if (t->in->has_state)
		d->state = t->in->state;
	/* Nobody stays signed in at a deactivated desk. */
	if (!d->state)
		d->user_id[0] = '\0';
	rc = repo_desk_update(db, d);
	if (rc >= 0)
		rc = repo_desk_get_by_id(db, t->id, d);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_desk_update(struct svc_app *app, const char *id, const struct desk_input *in,
			     struct field_errors *fe, struct desk_rec *out)
{
	memset(out, 0, sizeof *out);
	struct update_tx t = {id, in, fe, out};
	return db_tx_run(app->db, "desk update", update_in_tx, &t);
}

enum app_err svc_desk_deactivate(struct svc_app *app, const char *id)
{
	struct desk_input in = {NULL, NULL, false, true};
	struct field_errors fe;
	struct desk_rec d;
	field_errors_init(&fe);
	return svc_desk_update(app, id, &in, &fe, &d);
}

struct seat_tx {
	const struct svc_actor *who;
	const char *id;
	bool open;
	struct desk_rec *out;
};

static enum app_err seat_in_tx(struct db *db, void *cls)
{
	struct seat_tx *t = cls;
	struct desk_rec *d = t->out;
	long long rc = repo_desk_lock(db, t->id, d);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	bool held_by_other = d->user_id[0] && strcmp(d->user_id, t->who->user_id) != 0;
	if (held_by_other && !t->who->may_operate_any_queue)
		return APP_CONFLICT;
	if (t->open) {
		if (!d->state)
			return APP_CONFLICT;
		/* One desk per user: leave any other first (the unique key would refuse otherwise). */
		rc = repo_desk_sign_out_elsewhere(db, t->who->user_id, t->id);
		if (rc >= 0)
			rc = repo_desk_set_user(db, t->id, t->who->user_id);
	} else if (d->user_id[0]) {
		rc = repo_desk_set_user(db, t->id, NULL);
	}
	if (rc >= 0)
		rc = repo_desk_get_by_id(db, t->id, d);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_desk_open(struct svc_app *app, const struct svc_actor *who, const char *id, struct desk_rec *out)
{
	memset(out, 0, sizeof *out);
	struct seat_tx t = {who, id, true, out};
	return db_tx_run(app->db, "desk open", seat_in_tx, &t);
}

enum app_err svc_desk_close(struct svc_app *app, const struct svc_actor *who, const char *id, struct desk_rec *out)
{
	memset(out, 0, sizeof *out);
	struct seat_tx t = {who, id, false, out};
	return db_tx_run(app->db, "desk close", seat_in_tx, &t);
}
