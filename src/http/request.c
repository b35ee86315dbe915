#include "http/request.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_MAX_PAIRS 64

static const char *const method_names[HTTP_METHOD__MAX] = {
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER",
};

const char *http_method_name(enum http_method m)
{
	return (unsigned)m < HTTP_METHOD__MAX ? method_names[m] : "OTHER";
}

static enum http_method parse_method(const char *s)
{
	for (int m = 0; m < HTTP_METHOD_OTHER; m++)
		if (strcmp(s, method_names[m]) == 0)
			return (enum http_method)m;
	return HTTP_METHOD_OTHER;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* "Application/JSON; charset=utf-8" -> "application/json" */
static char *media_type(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strcspn(s, ";");
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	char *out = malloc(n + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return out;
}

static void copy_param(char *dst, size_t size, const char *src)
{
	size_t j = 0;
	/* Only printable ASCII survives: these values end up in logs and headers. */
	for (; src && *src && j + 1 < size; src++)
		if (*src > 0x20 && *src < 0x7f)
			dst[j++] = *src;
	dst[j] = '\0';
}

enum app_err http_request_init(struct http_request *req, http_param_getter get, http_body_reader read,
			       void *transport)
{
	memset(req, 0, sizeof *req);
	req->content_length = -1;
	req->read = read;
	req->transport = transport;

	const char *method = get(transport, "REQUEST_METHOD");
	copy_param(req->method_name, sizeof req->method_name, method ? method : "");
	req->method = parse_method(req->method_name);

	copy_param(req->request_id, sizeof req->request_id, get(transport, "REQUEST_ID"));
	copy_param(req->remote_addr, sizeof req->remote_addr, get(transport, "REMOTE_ADDR"));

	const char *uri = get(transport, "REQUEST_URI");
	if (!uri)
		uri = get(transport, "DOCUMENT_URI");
	if (!uri)
		uri = "/";
	size_t path_len = strcspn(uri, "?");
	req->path = strndup(uri, path_len);
	req->content_type = media_type(get(transport, "CONTENT_TYPE"));
	req->authorization = dup_or_null(get(transport, "HTTP_AUTHORIZATION"));
	req->idempotency_key = dup_or_null(get(transport, "HTTP_IDEMPOTENCY_KEY"));
	req->origin = dup_or_null(get(transport, "HTTP_ORIGIN"));
	if (!req->path)
		return APP_INTERNAL;

	const char *cl = get(transport, "CONTENT_LENGTH");
	if (cl && *cl) {
		char *end;
		errno = 0;
		long long v = strtoll(cl, &end, 10);
		if (errno || *end || v < 0 || !isdigit((unsigned char)*cl))
			return APP_BAD_REQUEST;
		req->content_length = v;
	}

	const char *qs = get(transport, "QUERY_STRING");
	if (!qs && uri[path_len] == '?')
		qs = uri + path_len + 1;
	if (qs && *qs && form_parse(qs, strlen(qs), QUERY_MAX_PAIRS, &req->query) < 0)
		return APP_BAD_REQUEST;
	return APP_OK;
}

enum app_err http_request_read_body(struct http_request *req, size_t limit)
{
	if (req->body)
		return APP_OK;
	if (req->content_length > (long long)limit)
		return APP_PAYLOAD_TOO_LARGE;
	size_t want = req->content_length > 0 ? (size_t)req->content_length : 0;
	req->body = malloc(want + 1);
	if (!req->body)
		return APP_INTERNAL;
	size_t got = 0;
	while (got < want) {
		int chunk = want - got > 65536 ? 65536 : (int)(want - got);
		int n = req->read ? req->read(req->transport, req->body + got, chunk) : -1;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	req->body[got] = '\0';
	req->body_len = got;
	return got == want ? APP_OK : APP_BAD_REQUEST;
}

void http_request_free(struct http_request *req)
{
	free(req->path);
	free(req->content_type);
	free(req->authorization);
	free(req->idempotency_key);
	free(req->origin);
	free(req->body);
	kv_list_free(&req->query);
	memset(req, 0, sizeof *req);
}
