/* Priorities: urgency levels (1 = most urgent) with an optional waiting-time target. */
#ifndef TURNERO_SVC_PRIORITY_H
#define TURNERO_SVC_PRIORITY_H

#include <stdbool.h>

#include "common/app_err.h"
#include "repo/priority_repo.h"
#include "service/app.h"

/* Bounds of the fields, shared with the API's body specs. */
#define PRIORITY_NAME_MAX 50
#define PRIORITY_DESCRIPTION_MAX 255
#define PRIORITY_LEVEL_MIN 1
#define PRIORITY_LEVEL_MAX 100
#define PRIORITY_MAX_WAIT_MAX 10080 /* one week, in minutes */

/*
 * Input of create and patch, already checked against the bounds above. Strings are
 * borrowed; NULL strings and has_* false keep the current value on patch and take the
 * default on create (description "", max_wait_minutes 0, state true).
 */
struct priority_input {
	char *name, *description;
	long long level, max_wait_minutes;
	bool has_level, has_max_wait_minutes;
	bool state, has_state;
};

/*
 * Creates a priority (name and level required). APP_CONFLICT for a duplicate name.
 * [out] out: the stored priority on APP_OK.
 */
enum app_err svc_priority_create(struct svc_app *app, const struct priority_input *in, struct priority_rec *out);
/* [out] out: the priority on APP_OK; APP_NOT_FOUND when no priority has this id. */
enum app_err svc_priority_get(struct svc_app *app, const char *id, struct priority_rec *out);
/*
 * One page of priorities and the filter's total.
 * [out] out: caller frees with priority_list_free (empty unless APP_OK).
 */
enum app_err svc_priority_list(struct svc_app *app, const struct priority_filter *f, struct priority_list *out,
			       long long *total);
/*
 * Applies the members of in that are set. APP_NOT_FOUND, APP_CONFLICT for a taken name.
 * [out] out: the updated priority on APP_OK.
 */
enum app_err svc_priority_update(struct svc_app *app, const char *id, const struct priority_input *in,
				 struct priority_rec *out);
/* Sets state false (history keeps referring to it); APP_NOT_FOUND when no such id. */
enum app_err svc_priority_deactivate(struct svc_app *app, const char *id);

#endif
