/* The response a handler builds; the worker writes it out. */
#ifndef TURNERO_HTTP_RESPONSE_H
#define TURNERO_HTTP_RESPONSE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "common/strbuf.h"

struct http_response {
	int status;                /* 0 until something was set */
	struct strbuf headers;     /* extra "Name: value\r\n" lines */
	struct strbuf body;
	char content_type[64];
	const char *route_label;   /* the matched pattern for metrics; static */
	char user_id[40];          /* for the access log; empty when anonymous */
};

void http_response_init(struct http_response *resp);
void http_response_free(struct http_response *resp);

/* Adds a header line. Names and values are ours, never raw client input. */
void http_response_header(struct http_response *resp, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Serialises obj as the body and drops the caller's reference to it. */
void http_response_json(struct http_response *resp, int status, struct json_object *obj);

/* A body-less answer (204, or a 201/200 whose body is elsewhere). */
void http_response_empty(struct http_response *resp, int status);

/* A raw body with its own content type (CSV, Prometheus text). */
void http_response_text(struct http_response *resp, int status, const char *content_type, const char *body,
			size_t len);

/* RFC 9457 problem+json for e; detail may be NULL. */
void http_response_problem(struct http_response *resp, enum app_err e, const char *detail);

/* 422 problem+json with errors[{field, message}]. */
void http_response_invalid(struct http_response *resp, const struct field_errors *fe);

/* Status line text for a code ("Not Found"). */
const char *http_status_reason(int status);

#endif
