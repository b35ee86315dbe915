/* Integration-test helpers for the live streams: an SSE subscriber driven by curl multi. */
#ifndef TURNERO_IT_LIVE_CLIENT_H
#define TURNERO_IT_LIVE_CLIENT_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

struct sse {
	CURLM *multi;
	CURL *easy;
	struct curl_slist *headers;
	char *buf; /* everything received so far (NUL-terminated) */
	size_t len;
	char head[4096]; /* the response header block */
	size_t head_len;
	bool done; /* the server ended the response */
};

/*
 * Starts GET path with Accept: text/event-stream; token and last_event_id may be NULL.
 * Returns once the response headers arrived (or the transfer ended); the status is sse_status.
 */
void sse_open(struct sse *s, const char *path, const char *token, const char *last_event_id);
/* One more request header ("Name: value") for the next sse_open calls; NULL: none. */
extern const char *sse_extra_header;
long sse_status(struct sse *s);
/* Reads until the received text (from byte from on) contains needle; false after timeout_ms. */
bool sse_wait(struct sse *s, size_t from, const char *needle, long timeout_ms);
void sse_close(struct sse *s);

/*
 * The SSE "id:" of the message whose data contains needle (searching from byte from), copied
 * into out; false when there is none.
 */
bool sse_id_of(const struct sse *s, size_t from, const char *needle, char *out, size_t out_size);

/* Sends a WebSocket upgrade for path over HTTP/1.1 and returns the status of the answer (0 on failure). */
long ws_upgrade_status(const char *path, const char *token);

#endif
