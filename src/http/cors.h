/*
 * Cross-origin requests (SPEC 4, "Dashboards served from other origins"): the one place
 * that decides which answers carry CORS headers. origins is server.cors_origins.
 */
#ifndef TURNERO_HTTP_CORS_H
#define TURNERO_HTTP_CORS_H

#include "http/request.h"
#include "http/response.h"

/* Seconds a browser may cache a preflight answer (Access-Control-Max-Age). */
#define HTTP_CORS_MAX_AGE 600

/*
 * Answers an OPTIONS request for an existing route: 204 with Allow (methods plus OPTIONS)
 * and, when the request's Origin is listed, the preflight headers: that origin, methods
 * as Access-Control-Allow-Methods, the request headers the API reads, Max-Age and
 * Vary: Origin. Other origins get the 204 without any Access-Control-* header.
 */
void http_cors_preflight(const char *origins, const struct http_request *req, struct http_response *resp,
			 const char *methods);

/*
 * Adds to any other answer, when the request's Origin is listed, Access-Control-Allow-Origin
 * and Access-Control-Expose-Headers; with a non-empty list every answer carries
 * Vary: Origin, since whether it has those headers depends on Origin.
 */
void http_cors_answer(const char *origins, const struct http_request *req, struct http_response *resp);

#endif
