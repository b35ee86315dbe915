/*
 * SSE load: N subscribers on one queue's live stream (nginx + nchan on loopback) and
 * a writer issuing tickets in that queue; measures, for every (ticket, subscriber) pair,
 * the time from just before the POST /tickets request to the moment that subscriber
 * read the ticket's "created" message. That bounds commit-to-subscriber latency from
 * above (the commit happens inside the request). Prints p50/p90/p99/max in ms.
 *
 * Runs inside tests/integration/run-stack.sh (bench/sse_run does that):
 *   SSE_SUBSCRIBERS (default 100), SSE_TICKETS (default 50), SSE_INTERVAL_MS (default 100).
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/integration/harness.h"

#define MEDIA "0b5e7d2a-5c1e-4f7a-8d3b-000000000002"

struct sub {
	CURL *easy;
	char *buf;
	size_t len;
	size_t scanned;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *cls)
{
	struct sub *s = cls;
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

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	it_init();
	int nsubs = getenv("SSE_SUBSCRIBERS") ? atoi(getenv("SSE_SUBSCRIBERS")) : 100;
	int ntickets = getenv("SSE_TICKETS") ? atoi(getenv("SSE_TICKETS")) : 50;
	int interval = getenv("SSE_INTERVAL_MS") ? atoi(getenv("SSE_INTERVAL_MS")) : 100;
	if (nsubs < 1 || ntickets < 1)
		return 2;
	static char token[4096];
	char queue[64], prefix[4];
	if (it_admin_login(token, sizeof token) < 0 ||
	    it_create_queue(token, it_unique("sse-bench"), "fifo", "[\"" MEDIA "\"]", queue, prefix) < 0)
		return 1;

	char url[512], auth[4200];
	snprintf(url, sizeof url, "%s/api/v1/live/queues/%s", getenv("TURNERO_TEST_URL"), queue);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	struct curl_slist *h = curl_slist_append(NULL, "Accept: text/event-stream");
	h = curl_slist_append(h, auth);
	CURLM *multi = curl_multi_init();
	curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
	struct sub *subs = calloc((size_t)nsubs, sizeof *subs);
	for (int i = 0; i < nsubs; i++) {
		CURL *e = curl_easy_init();
		subs[i].easy = e;
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1); /* one connection each */
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &subs[i]);
		curl_multi_add_handle(multi, e);
	}
	int running = 0, numfds;
	long long until = it_now_ms() + 10000;
	for (;;) {
		curl_multi_perform(multi, &running);
		int ready = 0;
		for (int i = 0; i < nsubs; i++) {
			long code = 0;
			curl_easy_getinfo(subs[i].easy, CURLINFO_RESPONSE_CODE, &code);
			ready += code == 200;
		}
		if (ready == nsubs)
			break;
		if (it_now_ms() > until) {
			fprintf(stderr, "sse_load: only %d of %d subscribers connected\n", ready, nsubs);
			return 1;
		}
		curl_multi_poll(multi, NULL, 0, 50, &numfds);
	}

	size_t nsamples = (size_t)nsubs * (size_t)ntickets, got = 0;
	long long *lat = calloc(nsamples, sizeof *lat);
	for (int t = 0; t < ntickets; t++) {
		char body[512], id[64];
		struct it_response r;
		snprintf(body, sizeof body,
			 "{\"priority_id\":\"" MEDIA "\",\"queue_id\":\"%s\",\"customer\":{\"first_name\":\"B\",\"last_name\":\"Ench\"}}",
			 queue);
		long long t0 = it_now_ms();
		it_json("POST", "/api/v1/tickets", token, body, &r);
		if (r.status != 201) {
			fprintf(stderr, "sse_load: POST /tickets: %ld %s\n", r.status, r.body);
			return 1;
		}
		snprintf(id, sizeof id, "\"id\":\"%s\"", it_str(&r, "id"));
		it_response_free(&r);
		int seen = 0;
		char *done = calloc((size_t)nsubs, 1);
		long long deadline = t0 + 10000;
		while (seen < nsubs && it_now_ms() < deadline) {
			curl_multi_perform(multi, &running);
			for (int i = 0; i < nsubs; i++) {
				if (done[i] || !strstr(subs[i].buf ? subs[i].buf + subs[i].scanned : "", id))
					continue;
				done[i] = 1;
				seen++;
				lat[got++] = it_now_ms() - t0;
			}
			if (seen < nsubs)
				curl_multi_poll(multi, NULL, 0, 5, &numfds);
		}
		for (int i = 0; i < nsubs; i++)
			subs[i].scanned = subs[i].len;
		free(done);
		if (seen < nsubs)
			fprintf(stderr, "sse_load: ticket %d reached %d of %d subscribers within 10 s\n", t, seen, nsubs);
		it_sleep_ms(interval);
	}
	qsort(lat, got, sizeof *lat, cmp);
	printf("| subscribers | tickets | messages | p50 ms | p90 ms | p99 ms | max ms |\n");
	printf("|---|---|---|---|---|---|---|\n");
	if (got)
		printf("| %d | %d | %zu | %lld | %lld | %lld | %lld |\n", nsubs, ntickets, got, lat[got / 2],
		       lat[got * 9 / 10], lat[got * 99 / 100 < got ? got * 99 / 100 : got - 1], lat[got - 1]);
	for (int i = 0; i < nsubs; i++) {
		curl_multi_remove_handle(multi, subs[i].easy);
		curl_easy_cleanup(subs[i].easy);
		free(subs[i].buf);
	}
	free(subs);
	free(lat);
	curl_multi_cleanup(multi);
	curl_slist_free_all(h);
	return got == nsamples ? 0 : 1;
}
