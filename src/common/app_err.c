#include "common/app_err.h"

#define PROBLEM_BASE "https://turnero.example/problems/"

static const struct app_err_info table[APP__MAX] = {
	[APP_OK] = {200, "about:blank", "OK"},
	[APP_BAD_REQUEST] = {400, PROBLEM_BASE "bad-request", "Bad Request"},
	[APP_INVALID] = {422, PROBLEM_BASE "validation", "Validation failed"},
	[APP_UNAUTHORIZED] = {401, PROBLEM_BASE "unauthorized", "Unauthorized"},
	[APP_FORBIDDEN] = {403, PROBLEM_BASE "forbidden", "Forbidden"},
	[APP_NOT_FOUND] = {404, PROBLEM_BASE "not-found", "Not Found"},
	[APP_METHOD_NOT_ALLOWED] = {405, PROBLEM_BASE "method-not-allowed", "Method Not Allowed"},
	[APP_CONFLICT] = {409, PROBLEM_BASE "conflict", "Conflict"},
	[APP_PAYLOAD_TOO_LARGE] = {413, PROBLEM_BASE "payload-too-large", "Payload Too Large"},
	[APP_UNSUPPORTED_MEDIA_TYPE] = {415, PROBLEM_BASE "unsupported-media-type", "Unsupported Media Type"},
	[APP_RATE_LIMITED] = {429, PROBLEM_BASE "rate-limited", "Too Many Requests"},
	[APP_UNAVAILABLE] = {503, PROBLEM_BASE "unavailable", "Service Unavailable"},
	[APP_INTERNAL] = {500, PROBLEM_BASE "internal", "Internal Server Error"},
	[APP_RETRY] = {503, PROBLEM_BASE "unavailable", "Service Unavailable"},
};

const struct app_err_info *app_err_info(enum app_err e)
{
	if ((unsigned)e >= APP__MAX)
		e = APP_INTERNAL;
	return &table[e];
}
