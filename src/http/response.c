#include "http/response.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof *resp);
}

void http_response_free(struct http_response *resp)
{
	strbuf_free(&resp->headers);
	strbuf_free(&resp->body);
	memset(resp, 0, sizeof *resp);
}

void http_response_header(struct http_response *resp, const char *name, const char *fmt, ...)
{
	char value[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	/* Header injection guard: a value never carries a line break. */
	for (char *p = value; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	strbuf_printf(&resp->headers, "%s: %s\r\n", name, value);
}

static void set_body(struct http_response *resp, int status, const char *type, const char *body, size_t len)
{
	resp->status = status;
	snprintf(resp->content_type, sizeof resp->content_type, "%s", type ? type : "");
	strbuf_reset(&resp->body);
	if (body)
		strbuf_append(&resp->body, body, len);
}

void http_response_json(struct http_response *resp, int status, struct json_object *obj)
{
	size_t len = 0;
	const char *text = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
							     &len);
	set_body(resp, status, "application/json", text, len);
	json_object_put(obj);
}

void http_response_empty(struct http_response *resp, int status)
{
	set_body(resp, status, NULL, NULL, 0);
}

void http_response_text(struct http_response *resp, int status, const char *content_type, const char *body,
			size_t len)
{
	set_body(resp, status, content_type, body, len);
}

static struct json_object *problem_object(enum app_err e, const char *detail)
{
	const struct app_err_info *info = app_err_info(e);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string(info->type));
	json_object_object_add(o, "title", json_object_new_string(info->title));
	json_object_object_add(o, "status", json_object_new_int(info->http_status));
	json_object_object_add(o, "detail", json_object_new_string(detail ? detail : info->title));
	return o;
}

static void send_problem(struct http_response *resp, enum app_err e, struct json_object *o)
{
	size_t len = 0;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
							     &len);
	set_body(resp, app_err_info(e)->http_status, "application/problem+json", text, len);
	json_object_put(o);
}

void http_response_problem(struct http_response *resp, enum app_err e, const char *detail)
{
	send_problem(resp, e, problem_object(e, detail));
}

void http_response_invalid(struct http_response *resp, const struct field_errors *fe)
{
	struct json_object *o = problem_object(APP_INVALID, "One or more fields are invalid.");
	struct json_object *errors = json_object_new_array();
	for (size_t i = 0; i < fe->n; i++) {
		struct json_object *item = json_object_new_object();
		json_object_object_add(item, "field", json_object_new_string(fe->e[i].field));
		json_object_object_add(item, "message", json_object_new_string(fe->e[i].message));
		json_object_array_add(errors, item);
	}
	json_object_object_add(o, "errors", errors);
	send_problem(resp, APP_INVALID, o);
}

const char *http_status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}
