/* One HTTP request as FastCGI hands it to us, independent of libfcgi. */
#ifndef TURNERO_HTTP_REQUEST_H
#define TURNERO_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/app_err.h"
#include "http/form.h"

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_METHOD_OTHER,
	HTTP_METHOD__MAX
};

#define HTTP_MAX_PARAMS 4
#define HTTP_PARAM_MAX 64

/* Values of {name} segments of the matched route pattern, copied out of the path. */
struct http_params {
	size_t n;
	struct {
		const char *name; /* borrowed from the route table */
		char value[HTTP_PARAM_MAX];
	} p[HTTP_MAX_PARAMS];
};

/* Reads up to n body bytes; returns bytes read, 0 at end, -1 on error. */
typedef int (*http_body_reader)(void *transport, char *buf, int n);
/* Looks up a FastCGI parameter ("REQUEST_METHOD", "HTTP_AUTHORIZATION", ...); borrowed or NULL. */
typedef const char *(*http_param_getter)(void *transport, const char *name);

struct http_request {
	enum http_method method;
	char method_name[16];
	char *path;          /* owned: the path of REQUEST_URI, without the query */
	struct kv_list query; /* owned: decoded query parameters */
	char *content_type;  /* owned: media type, lower-case, without parameters; NULL if absent */
	char *authorization; /* owned or NULL */
	char *idempotency_key; /* owned or NULL */
	char *origin;        /* owned or NULL: the Origin header */
	char request_id[64];
	char remote_addr[64];
	long long content_length; /* -1 when absent */
	char *body;          /* owned, NUL-terminated; NULL until http_request_read_body */
	size_t body_len;
	struct http_params params;
	http_body_reader read;
	void *transport;
};

/*
 * Fills req from transport parameters. Returns APP_OK, or APP_BAD_REQUEST for a
 * request we cannot parse (bad query string, bad Content-Length); req is then still
 * valid for an error response and must be cleaned with http_request_free.
 */
enum app_err http_request_init(struct http_request *req, http_param_getter get, http_body_reader read,
			       void *transport);

/*
 * Reads the body, at most limit bytes: APP_PAYLOAD_TOO_LARGE beyond (the body is not read),
 * APP_BAD_REQUEST when it ends before Content-Length.
 */
enum app_err http_request_read_body(struct http_request *req, size_t limit);

/* Frees what the request owns; the struct can be initialised again. */
void http_request_free(struct http_request *req);

const char *http_method_name(enum http_method m);

#endif
