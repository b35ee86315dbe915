/* Request paths against the real route table: one method byte, then the path. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/router.h"
#include "fuzz.h"

int fuzz_router_one(const uint8_t *data, size_t size)
{
	const struct http_route *route = NULL;
	struct http_params params;
	char allow[128];

	if (size == 0)
		return 0;
	enum http_method m = (enum http_method)(data[0] % HTTP_METHOD__MAX);
	/* FastCGI hands us C strings: the path ends at the first NUL. */
	char *path = fuzz_cstr(data + 1, size - 1);
	if (!path)
		return 0;
	memset(&params, 0, sizeof params);
	enum route_match r = router_match(api_routes, api_routes_count, m, path, &route, &params, allow, sizeof allow);
	switch (r) {
	case ROUTE_MATCHED:
		FUZZ_CHECK(route != NULL && params.n <= HTTP_MAX_PARAMS);
		FUZZ_CHECK(route->method == m || (m == HTTP_HEAD && route->method == HTTP_GET));
		for (size_t i = 0; i < params.n; i++) {
			size_t len = strnlen(params.p[i].value, HTTP_PARAM_MAX);
			FUZZ_CHECK(len > 0 && len < HTTP_PARAM_MAX && !strchr(params.p[i].value, '/'));
		}
		if (strstr(route->pattern, "{id}"))
			FUZZ_CHECK(router_param(&params, "id") != NULL);
		break;
	case ROUTE_WRONG_METHOD:
		FUZZ_CHECK(route == NULL && allow[0] != '\0' && strlen(allow) < sizeof allow);
		break;
	case ROUTE_NOT_FOUND:
		FUZZ_CHECK(route == NULL);
		break;
	}
	free(path);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_router_one(data, size);
}
#endif
