/* Queues: validation, the priorities they serve, and re-placing tickets when one closes. */
#ifndef TURNERO_SVC_QUEUE_H
#define TURNERO_SVC_QUEUE_H

#include <stdbool.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "common/strlist.h"
#include "repo/queue_repo.h"
#include "service/app.h"

/* Create and patch input; NULL/absent members keep the current value on patch. */
struct queue_input {
	char *name, *prefix, *user_id;
	enum queue_state state;
	bool has_state;
	enum queue_policy policy;
	bool has_policy;
	bool user_id_present; /* user_id given (NULL = unassign) */
	struct strlist priority_ids;
	bool priority_ids_present;
};

void queue_input_free(struct queue_input *in);

enum app_err svc_queue_create(struct svc_app *app, const struct queue_input *in, struct field_errors *fe,
			      struct queue_rec *out);
enum app_err svc_queue_get(struct svc_app *app, const char *id, struct queue_rec *out);
enum app_err svc_queue_list(struct svc_app *app, const struct queue_filter *f, struct queue_list *out,
			    long long *total);
/*
 * Applies a patch. Closing re-places the queue's waiting tickets by the placement rule
 * (keeping their created_date) and answers APP_CONFLICT, changing nothing, when one cannot go anywhere.
 */
enum app_err svc_queue_update(struct svc_app *app, const char *id, const char *user_id, const struct queue_input *in,
			      struct field_errors *fe, struct queue_rec *out);

#endif
