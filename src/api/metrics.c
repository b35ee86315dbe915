#include <stdlib.h>

#include "api/api.h"
#include "common/metrics.h"
#include "service/explain.h"

void api_metrics_get(struct api_ctx *ctx)
{
	struct strbuf text = STRBUF_INIT;
	metrics_render(&text);
	/* SPEC 14: a gauge worked out at scrape time; left out while the database cannot say. */
	struct queue_at_risk *risk = NULL;
	size_t n = 0;
	long long total = 0;
	if (svc_explain_at_risk(&ctx->app->services, &risk, &n, &total) == APP_OK)
		strbuf_printf(&text,
			      "# HELP turnero_tickets_at_risk Waiting tickets predicted to be called after their SLA deadline.\n"
			      "# TYPE turnero_tickets_at_risk gauge\n"
			      "turnero_tickets_at_risk %lld\n",
			      total);
	free(risk);
	http_response_text(ctx->resp, 200, "text/plain; version=0.0.4", strbuf_cstr(&text), text.len);
	strbuf_free(&text);
}
