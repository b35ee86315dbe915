/*
 * Answers every handler (and the front line) gives: problems, JSON, and the path id
 * check. Apart from the dispatcher, so handlers and authn.c need not import the entry
 * point. api.h includes this file.
 */
#ifndef TURNERO_API_REPLY_H
#define TURNERO_API_REPLY_H

#include <json-c/json.h>
#include <stdbool.h>

#include "common/app_err.h"
#include "common/ids.h"

struct api_ctx;
struct field_errors;

/* Sends a problem answer for e with an optional detail. */
void api_fail(struct api_ctx *ctx, enum app_err e, const char *detail);

/*
 * What a resource says in its problems, by error; NULL members leave the problem without
 * a detail. Each handler file keeps a small static table of these.
 */
struct api_messages {
	const char *not_found; /* APP_NOT_FOUND, e.g. "No queue has this id." */
	const char *conflict;  /* APP_CONFLICT: what may be in the way */
	const char *forbidden; /* APP_FORBIDDEN beyond the role check (an attendant's queue) */
};

/*
 * Answers the service error e: APP_INVALID with fe is the 422 listing fe's field errors;
 * anything else is the problem of e (status and title from the app_err table) with the
 * detail msgs has for it (msgs may be NULL: no detail).
 */
void api_fail_err(struct api_ctx *ctx, enum app_err e, const struct field_errors *fe,
		  const struct api_messages *msgs);

/*
 * The path parameter name as a UUID (lower-cased into out), or a 404 answer and false:
 * an id that cannot exist is simply not found.
 */
bool api_path_uuid(struct api_ctx *ctx, const char *name, char out[UUID_STR_LEN]);

/* Answers with obj (reference taken over) and status. */
void api_json(struct api_ctx *ctx, int status, struct json_object *obj);

#endif
