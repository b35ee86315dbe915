#include "api/params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonv.h"

static bool parse_int(const char *s, long long *out)
{
	char *end;
	errno = 0;
	if (!*s || strlen(s) > 18)
		return false;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	*out = v;
	return true;
}

static bool in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* Every query parameter named in one of the lists (others may be NULL), each at most once. */
static void only_known(struct api_ctx *ctx, const char *const *one, const char *const *other,
		       struct field_errors *fe)
{
	const struct kv_list *q = &ctx->req->query;
	for (size_t i = 0; i < q->n; i++) {
		const char *key = q->items[i].key;
		if (!in_list(key, one) && !(other && in_list(key, other)))
			field_errors_add(fe, key, "is not a known parameter");
		else if (kv_count(q, key) > 1 && kv_get(q, key) != q->items[i].value)
			field_errors_add(fe, key, "must not be repeated");
	}
}

void params_only(struct api_ctx *ctx, const char *const *allowed, struct field_errors *fe)
{
	only_known(ctx, allowed, NULL, fe);
}

void params_list(struct api_ctx *ctx, const char *const *sorts, const char *const *allowed_filters,
		 struct list_params *out, struct field_errors *fe)
{
	static const char *const paging[] = {"limit", "offset", "sort", NULL};
	const struct kv_list *q = &ctx->req->query;
	out->limit = LIST_LIMIT_DEFAULT;
	out->offset = 0;
	out->sort = sorts[0];
	only_known(ctx, paging, allowed_filters, fe);
	const char *v = kv_get(q, "limit");
	if (v && (!parse_int(v, &out->limit) || out->limit < 1 || out->limit > LIST_LIMIT_MAX))
		field_errors_add(fe, "limit", "must be an integer between 1 and %d", LIST_LIMIT_MAX);
	v = kv_get(q, "offset");
	if (v && (!parse_int(v, &out->offset) || out->offset < 0))
		field_errors_add(fe, "offset", "must be an integer of at least 0");
	v = kv_get(q, "sort");
	if (v) {
		if (in_list(v, sorts)) {
			out->sort = v;
		} else {
			char allowed[256] = "";
			for (size_t i = 0; sorts[i]; i++)
				snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s", i ? ", " : "",
					 sorts[i]);
			field_errors_add(fe, "sort", "must be one of: %s", allowed);
		}
	}
}

const char *params_str(struct api_ctx *ctx, const char *name)
{
	return kv_get(&ctx->req->query, name);
}

int params_bool(struct api_ctx *ctx, const char *name, struct field_errors *fe)
{
	const char *v = params_str(ctx, name);
	if (!v)
		return -1;
	if (strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "false") == 0)
		return 0;
	field_errors_add(fe, name, "must be true or false");
	return -1;
}

const char *params_uuid(struct api_ctx *ctx, const char *name, struct field_errors *fe)
{
	struct kv *kv = kv_find(&ctx->req->query, name);
	if (!kv)
		return NULL;
	if (!jsonv_is_uuid(kv->value)) {
		field_errors_add(fe, name, "must be a UUID");
		return NULL;
	}
	jsonv_uuid_to_lower(kv->value); /* the request's own copy; ids compare as bytes */
	return kv->value;
}
