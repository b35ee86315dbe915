/* Desks: the counters a queue is served from, and who is signed in at each. */
#ifndef TURNERO_SVC_DESK_H
#define TURNERO_SVC_DESK_H

#include <stdbool.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "repo/desk_repo.h"
#include "service/app.h"
#include "service/ticket.h"

/*
 * Create and patch input, already checked for shape by the API. Strings are owned (free
 * with desk_input_free); NULL and has_state false keep the current value on patch and take
 * the default on create (state true).
 */
struct desk_input {
	char *name, *queue_id;
	bool state, has_state;
};

void desk_input_free(struct desk_input *in);

/*
 * Creates a desk (name and queue_id required). APP_INVALID with "queue_id" in fe when no
 * queue has that id; APP_CONFLICT for a taken name. [out] out: the stored desk on APP_OK.
 */
enum app_err svc_desk_create(struct svc_app *app, const struct desk_input *in, struct field_errors *fe,
			     struct desk_rec *out);
/* [out] out: the desk on APP_OK; APP_NOT_FOUND when no desk has this id. */
enum app_err svc_desk_get(struct svc_app *app, const char *id, struct desk_rec *out);
/* One page and the filter's total. [out] out: caller frees with desk_list_free (empty unless APP_OK). */
enum app_err svc_desk_list(struct svc_app *app, const struct desk_filter *f, struct desk_list *out,
			   long long *total);
/*
 * Applies the members of in that are set; deactivating signs out whoever sits there.
 * APP_NOT_FOUND, APP_INVALID ("queue_id" in fe), APP_CONFLICT for a taken name.
 */
enum app_err svc_desk_update(struct svc_app *app, const char *id, const struct desk_input *in,
			     struct field_errors *fe, struct desk_rec *out);
/* Deactivates (state false, nobody signed in); APP_NOT_FOUND when no such id. */
enum app_err svc_desk_deactivate(struct svc_app *app, const char *id);

/*
 * Signs who in at desk id, and out of any other desk (a user sits at one desk at a time).
 * A desk someone else holds is APP_CONFLICT unless who may operate any queue (then taken
 * over); a deactivated desk is APP_CONFLICT. [out] out: the desk afterwards.
 */
enum app_err svc_desk_open(struct svc_app *app, const struct svc_actor *who, const char *id, struct desk_rec *out);
/*
 * Signs out of desk id (a ticket called there stays called). Closing a free desk changes
 * nothing; one someone else holds is APP_CONFLICT unless who may operate any queue.
 * [out] out: the desk afterwards.
 */
enum app_err svc_desk_close(struct svc_app *app, const struct svc_actor *who, const char *id, struct desk_rec *out);

#endif
