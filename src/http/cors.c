#include "http/cors.h"

#include "common/origin.h"

#define ALLOW_HEADERS "Authorization, Content-Type, Idempotency-Key"
#define EXPOSE_HEADERS "X-Request-Id, Retry-After, Location"

/* The listed origin the request comes from, or NULL. The answer echoes the configured
 * text, never the client's bytes. */
static const char *allowed(const char *origins, const struct http_request *req, size_t *len)
{
	if (!origins || !origins[0] || !req->origin)
		return NULL;
	return origin_list_find(origins, req->origin, len);
}

void http_cors_preflight(const char *origins, const struct http_request *req, struct http_response *resp,
			 const char *methods)
{
	size_t len;
	const char *origin = allowed(origins, req, &len);
	http_response_header(resp, "Allow", "%s, OPTIONS", methods);
	if (origins && origins[0])
		http_response_header(resp, "Vary", "Origin");
	if (origin) {
		http_response_header(resp, "Access-Control-Allow-Origin", "%.*s", (int)len, origin);
		http_response_header(resp, "Access-Control-Allow-Methods", "%s", methods);
		http_response_header(resp, "Access-Control-Allow-Headers", ALLOW_HEADERS);
		http_response_header(resp, "Access-Control-Max-Age", "%d", HTTP_CORS_MAX_AGE);
	}
	http_response_empty(resp, 204);
}

void http_cors_answer(const char *origins, const struct http_request *req, struct http_response *resp)
{
	size_t len;
	const char *origin = allowed(origins, req, &len);
	if (origins && origins[0])
		http_response_header(resp, "Vary", "Origin");
	if (origin) {
		http_response_header(resp, "Access-Control-Allow-Origin", "%.*s", (int)len, origin);
		http_response_header(resp, "Access-Control-Expose-Headers", EXPOSE_HEADERS);
	}
}
