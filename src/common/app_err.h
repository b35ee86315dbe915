/* The service layer's error vocabulary and its one mapping to HTTP. */
#ifndef TURNERO_APP_ERR_H
#define TURNERO_APP_ERR_H

enum app_err {
	APP_OK = 0,
	APP_BAD_REQUEST,      /* malformed syntax: 400 */
	APP_INVALID,          /* well-formed but invalid fields: 422 */
	APP_UNAUTHORIZED,     /* no or bad credentials: 401 */
	APP_FORBIDDEN,        /* authenticated, not allowed: 403 */
	APP_NOT_FOUND,        /* 404 */
	APP_METHOD_NOT_ALLOWED,
	APP_CONFLICT,         /* duplicate or illegal state change: 409 */
	APP_PAYLOAD_TOO_LARGE,
	APP_UNSUPPORTED_MEDIA_TYPE,
	APP_RATE_LIMITED,     /* 429 */
	APP_UNAVAILABLE,      /* database unreachable: 503 */
	APP_INTERNAL,         /* our bug: 500 */
	APP_RETRY,            /* transaction must be retried; never leaves the db layer on purpose */
	APP__MAX
};

struct app_err_info {
	int http_status;
	const char *type;  /* problem type URI */
	const char *title; /* short, stable summary */
};

/* Never NULL: out-of-range values map to APP_INTERNAL. */
const struct app_err_info *app_err_info(enum app_err e);

#endif
