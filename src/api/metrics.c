#include <stdio.h>

#include "api/api.h"
#include "common/metrics.h"

/* At most this much of turnero-relay's metrics file is appended. */
#define RELAY_METRICS_MAX 65536

/*
 * The workers' own counters, then turnero-relay's turnero_relay_* lines: the relay rewrites
 * [relay] metrics_file every second (atomically), so one scrape shows both. A missing file
 * (no relay on this host) adds nothing.
 */
void api_metrics_get(struct api_ctx *ctx)
{
	struct strbuf text = STRBUF_INIT;
	metrics_render(&text);
	const char *path = ctx->app->cfg->relay.metrics_file;
	FILE *f = path[0] ? fopen(path, "r") : NULL;
	if (f) {
		char buf[4096];
		size_t n, total = 0;
		while (total < RELAY_METRICS_MAX && (n = fread(buf, 1, sizeof buf, f)) > 0) {
			strbuf_append(&text, buf, n);
			total += n;
		}
		fclose(f);
	}
	http_response_text(ctx->resp, 200, "text/plain; version=0.0.4", strbuf_cstr(&text), text.len);
	strbuf_free(&text);
}
