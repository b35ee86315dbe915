#include "live_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *cls)
{
	struct sse *s = cls;
	size_t n = size * nmemb;
	char *p = realloc(s->buf, s->len + n + 1);
	if (!p)
		return 0;
	memcpy(p + s->len, ptr, n);
	s->buf = p;
	s->len += n;
	s->buf[s->len] = '\0';
	return n;
}

static size_t on_head(char *ptr, size_t size, size_t nmemb, void *cls)
{
	struct sse *s = cls;
	size_t n = size * nmemb;
	if (n > 5 && strncmp(ptr, "HTTP/", 5) == 0)
		s->head_len = 0;
	if (s->head_len + n < sizeof s->head) {
		memcpy(s->head + s->head_len, ptr, n);
		s->head_len += n;
		s->head[s->head_len] = '\0';
	}
	return n;
}

static void pump(struct sse *s, int wait_ms)
{
	int running = 0, numfds;
	curl_multi_perform(s->multi, &running);
	if (!running) {
		s->done = true;
		return;
	}
	curl_multi_poll(s->multi, NULL, 0, wait_ms, &numfds);
	curl_multi_perform(s->multi, &running);
	if (!running)
		s->done = true;
}

const char *sse_extra_header;

void sse_open(struct sse *s, const char *path, const char *token, const char *last_event_id)
{
	memset(s, 0, sizeof *s);
	s->buf = calloc(1, 1);
	char url[2048], auth[4200], last[300];
	snprintf(url, sizeof url, "%s%s", getenv("TURNERO_TEST_URL"), path);
	s->headers = curl_slist_append(NULL, "Accept: text/event-stream");
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		s->headers = curl_slist_append(s->headers, auth);
	}
	if (last_event_id) {
		snprintf(last, sizeof last, "Last-Event-ID: %s", last_event_id);
		s->headers = curl_slist_append(s->headers, last);
	}
	if (sse_extra_header)
		s->headers = curl_slist_append(s->headers, sse_extra_header);
	s->easy = curl_easy_init();
	curl_easy_setopt(s->easy, CURLOPT_URL, url);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->easy, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(s->easy, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, on_head);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_NOPROXY, "*");
	s->multi = curl_multi_init();
	curl_multi_add_handle(s->multi, s->easy);
	long long until = now_ms() + 10000;
	while (!s->done && now_ms() < until && !strstr(s->head, "\r\n\r\n"))
		pump(s, 50);
}

long sse_status(struct sse *s)
{
	long status = 0;
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

bool sse_wait(struct sse *s, size_t from, const char *needle, long timeout_ms)
{
	long long until = now_ms() + timeout_ms;
	for (;;) {
		if (from <= s->len && strstr(s->buf + from, needle))
			return true;
		if (s->done || now_ms() >= until)
			return false;
		pump(s, 100);
	}
}

void sse_close(struct sse *s)
{
	if (s->multi) {
		curl_multi_remove_handle(s->multi, s->easy);
		curl_multi_cleanup(s->multi);
	}
	if (s->easy)
		curl_easy_cleanup(s->easy);
	curl_slist_free_all(s->headers);
	free(s->buf);
	memset(s, 0, sizeof *s);
}

bool sse_id_of(const struct sse *s, size_t from, const char *needle, char *out, size_t out_size)
{
	if (from > s->len)
		return false;
	const char *hit = strstr(s->buf + from, needle);
	if (!hit)
		return false;
	/* The message starts after the blank line before hit; its id: line precedes the data. */
	const char *start = hit;
	while (start > s->buf && !(start[-1] == '\n' && start - 1 > s->buf && start[-2] == '\n'))
		start--;
	const char *id = strstr(start, "id: ");
	if (!id || id > hit)
		return false;
	id += 4;
	size_t n = strcspn(id, "\r\n");
	if (n + 1 > out_size)
		return false;
	memcpy(out, id, n);
	out[n] = '\0';
	return true;
}

long ws_upgrade_status(const char *path, const char *token)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s", getenv("TURNERO_TEST_URL"), path);
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	/* WebSocket is an HTTP/1.1 upgrade: no ALPN, so nginx does not expect HTTP/2. */
	curl_easy_setopt(c, CURLOPT_SSL_ENABLE_ALPN, 0L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	long status = 0;
	if (curl_easy_perform(c) != CURLE_OK)
		goto out;
	char req[6000];
	const char *host_start = strstr(url, "://") + 3;
	size_t host_len = strcspn(host_start, "/");
	int n = snprintf(req, sizeof req,
			 "GET %s HTTP/1.1\r\nHost: %.*s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s%s%s\r\n",
			 path, (int)host_len, host_start, token ? "Authorization: Bearer " : "", token ? token : "",
			 token ? "\r\n" : "");
	size_t sent = 0;
	long long until = now_ms() + 5000;
	while (sent < (size_t)n && now_ms() < until) {
		size_t w = 0;
		CURLcode rc = curl_easy_send(c, req + sent, (size_t)n - sent, &w);
		if (rc == CURLE_AGAIN) {
			struct timespec ts = {0, 10000000};
			nanosleep(&ts, NULL);
			continue;
		}
		if (rc != CURLE_OK)
			goto out;
		sent += w;
	}
	char resp[4096];
	size_t got = 0;
	while (got < sizeof resp - 1 && now_ms() < until) {
		size_t r = 0;
		CURLcode rc = curl_easy_recv(c, resp + got, sizeof resp - 1 - got, &r);
		if (rc == CURLE_AGAIN) {
			struct timespec ts = {0, 10000000};
			nanosleep(&ts, NULL);
			continue;
		}
		if (rc != CURLE_OK || r == 0)
			break;
		got += r;
		resp[got] = '\0';
		if (strstr(resp, "\r\n\r\n"))
			break;
	}
	resp[got] = '\0';
	if (strncmp(resp, "HTTP/1.1 ", 9) == 0)
		status = strtol(resp + 9, NULL, 10);
out:
	curl_easy_cleanup(c);
	return status;
}
