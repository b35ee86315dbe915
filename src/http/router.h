/* Matching a method and path against a route table; the table itself lives in api/routes.c. */
#ifndef TURNERO_HTTP_ROUTER_H
#define TURNERO_HTTP_ROUTER_H

#include <stddef.h>

#include "common/perm.h"
#include "http/request.h"

struct api_ctx; /* defined by the API layer; the router only carries the pointer type */
typedef void (*http_handler)(struct api_ctx *ctx);

enum route_flags {
	ROUTE_PUBLIC = 1u << 0,     /* no bearer token needed */
	ROUTE_BODY_JSON = 1u << 1,  /* application/json body required */
	ROUTE_BODY_FORM = 1u << 2,  /* application/x-www-form-urlencoded body required */
	ROUTE_BODY_CSV = 1u << 3,   /* text/csv body required */
	ROUTE_BODY_LARGE = 1u << 4, /* body limit is import_max_bytes */
	ROUTE_LOOPBACK = 1u << 5,   /* nginx restricts it to loopback clients */
	ROUTE_BODY_OPTIONAL = 1u << 6, /* the body rules apply only when a body is sent */
};

struct http_route {
	enum http_method method;
	const char *pattern; /* "/api/v1/queues/{id}/call-next" */
	http_handler handler;
	enum perm_module module; /* PERM_NONE: any authenticated (or public) caller */
	enum perm_action action;
	unsigned flags;
};

enum route_match { ROUTE_MATCHED, ROUTE_NOT_FOUND, ROUTE_WRONG_METHOD };

/*
 * Finds the route for method and path; HEAD matches GET routes. On ROUTE_MATCHED, *out and
 * params are set. On ROUTE_WRONG_METHOD, allow gets "GET, HEAD, POST" style text.
 * Segments longer than HTTP_PARAM_MAX - 1 bytes never match a parameter.
 */
enum route_match router_match(const struct http_route *routes, size_t n, enum http_method method,
			      const char *path, const struct http_route **out, struct http_params *params,
			      char *allow, size_t allow_len);



/* The value of path parameter name ("id") of the matched route, or NULL. Borrowed from params. */
const char *router_param(const struct http_params *params, const char *name);
#endif
