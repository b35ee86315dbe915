#include "api/api.h"
#include "common/metrics.h"

void api_metrics_get(struct api_ctx *ctx)
{
	struct strbuf text = STRBUF_INIT;
	metrics_render(&text);
	http_response_text(ctx->resp, 200, "text/plain; version=0.0.4", strbuf_cstr(&text), text.len);
	strbuf_free(&text);
}
