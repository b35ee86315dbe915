/*
 * A request as FastCGI hands it over: the input is split at NUL or newline
 * into parameter values (REQUEST_METHOD, REQUEST_URI, ... in the order of
 * fuzz_param_names; a missing one is absent), the rest is the body, read in
 * chunks whose size the first byte picks.
 */
#include <string.h>

#include "http/request.h"
#include "fuzz.h"

#define FUZZ_BODY_LIMIT 4096

static const char *const fuzz_param_names[] = {
	"REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
	"HTTP_AUTHORIZATION", "HTTP_IDEMPOTENCY_KEY", "REQUEST_ID", "REMOTE_ADDR", "DOCUMENT_URI",
};
#define FUZZ_NPARAMS (sizeof fuzz_param_names / sizeof fuzz_param_names[0])

struct fuzz_transport {
	char *values[FUZZ_NPARAMS];
	const uint8_t *body;
	size_t body_len, body_pos;
	int chunk;
};

static const char *fuzz_get(void *transport, const char *name)
{
	struct fuzz_transport *t = transport;
	for (size_t i = 0; i < FUZZ_NPARAMS; i++)
		if (strcmp(fuzz_param_names[i], name) == 0)
			return t->values[i];
	return NULL;
}

static int fuzz_read(void *transport, char *buf, int n)
{
	struct fuzz_transport *t = transport;
	size_t left = t->body_len - t->body_pos;
	size_t want = (size_t)(n < t->chunk ? n : t->chunk);
	if (want > left)
		want = left;
	if (want == 0)
		return 0;
	memcpy(buf, t->body + t->body_pos, want);
	t->body_pos += want;
	return (int)want;
}

int fuzz_request_one(const uint8_t *data, size_t size)
{
	struct fuzz_transport t = {0};
	struct http_request req;
	size_t pos = 1;

	if (size == 0)
		return 0;
	t.chunk = data[0] % 64 + 1;
	for (size_t i = 0; i < FUZZ_NPARAMS && pos < size; i++) {
		size_t end = pos;
		while (end < size && data[end] != '\0' && data[end] != '\n')
			end++;
		t.values[i] = fuzz_cstr(data + pos, end - pos);
		if (!t.values[i])
			goto out;
		pos = end + 1;
	}
	if (pos < size) {
		t.body = data + pos;
		t.body_len = size - pos;
	}

	enum app_err e = http_request_init(&req, fuzz_get, fuzz_read, &t);
	FUZZ_CHECK(req.path != NULL || e != APP_OK);
	FUZZ_CHECK(strlen(req.method_name) < sizeof req.method_name);
	if (e == APP_OK) {
		e = http_request_read_body(&req, FUZZ_BODY_LIMIT);
		if (e == APP_OK) {
			FUZZ_CHECK(req.body != NULL && req.body_len <= FUZZ_BODY_LIMIT);
			FUZZ_CHECK((long long)req.body_len == (req.content_length < 0 ? 0 : req.content_length));
		}
	}
	http_request_free(&req);
out:
	for (size_t i = 0; i < FUZZ_NPARAMS; i++)
		free(t.values[i]);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_request_one(data, size);
}
#endif
