#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Compares one path against one pattern, segment by segment. */
static bool pattern_matches(const char *pattern, const char *path, struct http_params *params)
{
	struct http_params found = {0};
	const char *p = pattern, *s = path;

	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		size_t plen = strcspn(p, "/");
		size_t slen = strcspn(s, "/");
		if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
			if (slen == 0 || slen >= HTTP_PARAM_MAX || found.n >= HTTP_MAX_PARAMS)
				return false;
			/* The name points into the static pattern: copy up to the brace. */
			found.p[found.n].name = p + 1;
			memcpy(found.p[found.n].value, s, slen);
			found.p[found.n].value[slen] = '\0';
			found.n++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
	}
	if (*p || *s)
		return false;
	if (params)
		*params = found;
	return true;
}

static void allow_add(char *allow, size_t len, const char *name)
{
	if (strstr(allow, name))
		return;
	size_t used = strlen(allow);
	snprintf(allow + used, len - used, "%s%s", used ? ", " : "", name);
}

enum route_match router_match(const struct http_route *routes, size_t n, enum http_method method,
			      const char *path, const struct http_route **out, struct http_params *params,
			      char *allow, size_t allow_len)
{
	bool path_known = false;
	enum http_method wanted = method == HTTP_HEAD ? HTTP_GET : method;

	if (allow_len)
		allow[0] = '\0';
	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (routes[i].method == wanted && pattern_matches(routes[i].pattern, path, params)) {
			*out = &routes[i];
			return ROUTE_MATCHED;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!pattern_matches(routes[i].pattern, path, NULL))
			continue;
		path_known = true;
		if (allow_len) {
			allow_add(allow, allow_len, http_method_name(routes[i].method));
			if (routes[i].method == HTTP_GET)
				allow_add(allow, allow_len, "HEAD");
		}
	}
	return path_known ? ROUTE_WRONG_METHOD : ROUTE_NOT_FOUND;
}

const char *router_param(const struct http_params *params, const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; i < params->n; i++)
		if (strncmp(params->p[i].name, name, len) == 0 && params->p[i].name[len] == '}')
			return params->p[i].value;
	return NULL;
}
