/* Query-string parameters shared by list routes. */
#ifndef TURNERO_API_PARAMS_H
#define TURNERO_API_PARAMS_H

#include <stdbool.h>

#include "api/api.h"
#include "common/field_errors.h"

#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 500

struct list_params {
	long long limit, offset;
	const char *sort; /* borrowed from the query, or the default */
};

/*
 * Reads limit (1-500, default 50), offset (>= 0) and sort (one of sorts, NULL-terminated;
 * default sorts[0]); unknown query parameters outside allowed_filters (NULL-terminated)
 * and repeated ones are errors. Problems go to fe.
 */
void params_list(struct api_ctx *ctx, const char *const *sorts, const char *const *allowed_filters,
		 struct list_params *out, struct field_errors *fe);

/* A field error for every query parameter not in allowed (NULL-terminated) or given twice. */
void params_only(struct api_ctx *ctx, const char *const *allowed, struct field_errors *fe);

/* A filter value (borrowed) or NULL when absent. */
const char *params_str(struct api_ctx *ctx, const char *name);

/* A boolean filter: -1 absent, 0/1, or an error in fe for anything but true/false. */
int params_bool(struct api_ctx *ctx, const char *name, struct field_errors *fe);

/* A UUID filter: NULL when absent; an error in fe when malformed. */
const char *params_uuid(struct api_ctx *ctx, const char *name, struct field_errors *fe);

#endif
