#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "common/metrics.h"
#include "service/explain.h"

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
	/* SPEC 14: a gauge worked out at scrape time; left out while the database cannot say. */
	struct queue_at_risk *risk = NULL;
	size_t nrisk = 0;
	long long at_risk = 0;
	if (svc_explain_at_risk(&ctx->app->services, &risk, &nrisk, &at_risk) == APP_OK)
		strbuf_printf(&text,
			      "# HELP turnero_tickets_at_risk Waiting tickets predicted to be called after their SLA deadline.\n"
			      "# TYPE turnero_tickets_at_risk gauge\n"
			      "turnero_tickets_at_risk %lld\n",
			      at_risk);
	free(risk);
	http_response_text(ctx->resp, 200, "text/plain; version=0.0.4", strbuf_cstr(&text), text.len);
	strbuf_free(&text);
}
