#include "service/queue.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "repo/db.h"
#include "repo/ticket_repo.h"
#include "repo/user_repo.h"
#include "service/catalog.h"
#include "service/placement.h"
#include "service/queue_rules.h"

void queue_input_free(struct queue_input *in)
{
	free(in->name);
	free(in->prefix);
	free(in->user_id);
	strlist_free(&in->priority_ids);
	memset(in, 0, sizeof *in);
}

/* Checks references the JSON layer cannot: the attendant and the priorities exist and are active. */
static enum app_err check_refs(struct db *db, const struct queue_input *in, struct field_errors *fe)
{
	if (in->user_id) {
		struct user_principal p;
		long long rc = repo_user_principal(db, in->user_id, &p);
		if (rc < 0)
			return db_app_err(rc);
		if (rc == 0 || !p.user_state)
			field_errors_add(fe, "user_id", "does not name an active user");
	}
	for (size_t i = 0; in->priority_ids_present && i < in->priority_ids.n; i++) {
		int level, max_wait;
		bool state = false;
		long long rc = repo_ticket_priority_info(db, in->priority_ids.items[i], &level, &max_wait, &state);
		if (rc < 0)
			return db_app_err(rc);
		if (rc == 0 || !state) {
			char field[48];
			snprintf(field, sizeof field, "priority_ids[%zu]", i);
			field_errors_add(fe, field, "does not name an active priority");
		}
	}
	return fe->n ? APP_INVALID : APP_OK;
}

static void apply_input(struct queue_rec *q, const struct queue_input *in)
{
	if (in->name)
		snprintf(q->name, sizeof q->name, "%s", in->name);
	if (in->prefix)
		snprintf(q->prefix, sizeof q->prefix, "%s", in->prefix);
	if (in->has_state)
		q->state = in->state;
	if (in->has_policy)
		q->policy = in->policy;
	if (in->user_id_present)
		snprintf(q->user_id, sizeof q->user_id, "%s", in->user_id ? in->user_id : "");
	if (in->priority_ids_present) {
		q->npriorities = 0;
		for (size_t i = 0; i < in->priority_ids.n && i < QUEUE_MAX_PRIORITIES; i++)
			snprintf(q->priority_ids[q->npriorities++], UUID_STR_LEN, "%s", in->priority_ids.items[i]);
	}
}

struct create_tx {
	const struct queue_input *in;
	struct field_errors *fe;
	struct queue_rec *out;
};

static enum app_err create_in_tx(struct db *db, void *cls)
{
	struct create_tx *t = cls;
	enum app_err e = check_refs(db, t->in, t->fe);
	if (e != APP_OK)
		return e;
	struct queue_rec *q = t->out;
	memset(q, 0, sizeof *q);
	ids_uuid_v4(q->id);
	q->state = QUEUE_OPEN;
	q->policy = POLICY_PRIORITY;
	apply_input(q, t->in);
	long long rc = repo_queue_insert(db, q);
	if (rc >= 0)
		rc = repo_queue_set_priorities(db, q);
	if (rc < 0)
		return db_app_err(rc);
	rc = repo_queue_get_by_id(db, q->id, q);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_queue_create(struct svc_app *app, const struct queue_input *in, struct field_errors *fe,
			      struct queue_rec *out)
{
	struct create_tx t = {in, fe, out};
	enum app_err e = db_tx_run(app->db, "queue create", create_in_tx, &t);
	if (e == APP_OK)
		svc_catalog_changed(app); /* after the commit: no worker reloads the old list */
	return e;
}

enum app_err svc_queue_get(struct svc_app *app, const char *id, struct queue_rec *out)
{
	long long rc = repo_queue_get_by_id(app->db, id, out);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

/* The i-th queue of the list's order (f->sort as in queue_repo_sorts; anything else: created_date). */
static const struct queue_rec *catalogue_at(const struct queue_catalogue *c, const char *sort, size_t i)
{
	bool desc = sort && sort[0] == '-';
	const char *key = sort ? sort + desc : "created_date";
	size_t k = desc ? c->n - 1 - i : i;
	if (strcmp(key, "name") == 0)
		return &c->items[c->by_name[k]];
	if (strcmp(key, "prefix") == 0)
		return &c->items[c->by_prefix[k]];
	return &c->items[strcmp(key, "created_date") == 0 ? k : i];
}

/* The page of the memoised catalogue that f selects, with the waiting counts read for it only. */
static enum app_err list_from_catalogue(struct svc_app *app, const struct queue_catalogue *c,
					const struct queue_filter *f, struct queue_list *out, long long *total)
{
	size_t cap = f->limit > 0 ? (size_t)f->limit : 0;
	if (cap > c->n)
		cap = c->n;
	out->items = calloc(cap ? cap : 1, sizeof *out->items);
	if (!out->items)
		return APP_INTERNAL;
	long long matched = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct queue_rec *q = catalogue_at(c, f->sort, i);
		/* As the SQL compares them: state exactly (an enum), user_id case-insensitively. */
		if ((f->state && strcmp(queue_state_name(q->state), f->state) != 0) || (f->user_id && strcasecmp(q->user_id, f->user_id) != 0))
			continue;
		if (matched++ >= f->offset && out->n < cap)
			out->items[out->n++] = *q;
	}
	*total = matched;
	long long rc = repo_queue_waiting_of(app->db, out);
	if (rc < 0) {
		queue_list_free(out);
		return db_app_err(rc);
	}
	return APP_OK;
}

enum app_err svc_queue_list(struct svc_app *app, const struct queue_filter *f, struct queue_list *out,
			    long long *total)
{
	memset(out, 0, sizeof *out);
	const struct queue_catalogue *c = NULL;
	long long rc = svc_catalog_queues(app, app->db, &c);
	if (rc < 0)
		return db_app_err(rc);
	if (rc == 1)
		return list_from_catalogue(app, c, f, out, total);
	rc = repo_queue_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

struct update_tx {
	const char *id;
	const char *user_id;
	const struct queue_input *in;
	struct field_errors *fe;
	struct queue_rec *out;
};

static enum app_err update_in_tx(struct db *db, void *cls)
{
	struct update_tx *t = cls;
	struct queue_lock locked;
	long long rc = repo_queue_lock(db, t->id, &locked);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	enum app_err e = check_refs(db, t->in, t->fe);
	if (e != APP_OK)
		return e;
	struct queue_rec *q = t->out;
	rc = repo_queue_get_by_id(db, t->id, q);
	if (rc < 0)
		return db_app_err(rc);
	bool closing = locked.state != QUEUE_CLOSED && t->in->has_state && t->in->state == QUEUE_CLOSED;
	apply_input(q, t->in);
	rc = repo_queue_update(db, q);
	if (rc >= 0 && t->in->priority_ids_present)
		rc = repo_queue_set_priorities(db, q);
	if (rc < 0)
		return db_app_err(rc);
	if (closing) {
		e = placement_drain_queue(db, t->id, t->user_id);
		if (e != APP_OK)
			return e;
	}
	rc = repo_queue_get_by_id(db, t->id, q);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_queue_update(struct svc_app *app, const char *id, const char *user_id, const struct queue_input *in,
			      struct field_errors *fe, struct queue_rec *out)
{
	struct update_tx t = {id, user_id, in, fe, out};
	enum app_err e = db_tx_run(app->db, "queue update", update_in_tx, &t);
	if (e == APP_OK)
		svc_catalog_changed(app);
	return e;
}
