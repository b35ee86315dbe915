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

/* Sends a problem answer for e with an optional detail. */
void api_fail(struct api_ctx *ctx, enum app_err e, const char *detail);

/*
 * The path parameter name as a UUID (lower-cased into out), or a 404 answer and false:
 * an id that cannot exist is simply not found.
 */
bool api_path_uuid(struct api_ctx *ctx, const char *name, char out[UUID_STR_LEN]);

/* Answers with obj (reference taken over) and status. */
void api_json(struct api_ctx *ctx, int status, struct json_object *obj);

#endif
