/* openapi.yaml documents every route of the route table, and nothing else. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

#define BASE "/api/v1"
#define MAX_OPS 256

struct op {
	char method[8];
	char path[160];
};

static struct op documented[MAX_OPS];
static size_t ndocumented;

/* Reads "paths:" of openapi.yaml: "  /x:" lines, then "    get:" style operations. */
static void load_openapi(void)
{
	const char *src = getenv("TURNERO_SRC_DIR");
	char file[1024];
	snprintf(file, sizeof file, "%s/openapi.yaml", src ? src : ".");
	FILE *f = fopen(file, "r");
	ck_assert_msg(f != NULL, "cannot open %s", file);
	char line[512], path[128] = "";
	int in_paths = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != ' ' && line[0] != '\0' && line[0] != '#') {
			in_paths = strcmp(line, "paths:") == 0;
			continue;
		}
		if (!in_paths)
			continue;
		if (!strncmp(line, "  /", 3) && line[strlen(line) - 1] == ':') {
			snprintf(path, sizeof path, "%.*s", (int)strlen(line) - 3, line + 2);
		} else if (!strncmp(line, "    ", 4) && line[4] != ' ' && path[0]) {
			static const char *const methods[] = {"get", "post", "put", "patch", "delete"};
			for (size_t m = 0; m < 5; m++) {
				size_t len = strlen(methods[m]);
				if (!strncmp(line + 4, methods[m], len) && line[4 + len] == ':') {
					ck_assert(ndocumented < MAX_OPS);
					struct op *o = &documented[ndocumented++];
					for (size_t k = 0; k <= len; k++)
						o->method[k] = (char)(methods[m][k] >= 'a' ? methods[m][k] - 32 : methods[m][k]);
					snprintf(o->path, sizeof o->path, BASE "%s", path);
				}
			}
		}
	}
	fclose(f);
}

START_TEST(test_every_route_is_documented)
{
	load_openapi();
	for (size_t i = 0; i < api_routes_count; i++) {
		const char *method = http_method_name(api_routes[i].method);
		int found = 0;
		for (size_t k = 0; k < ndocumented && !found; k++)
			found = !strcmp(documented[k].method, method) && !strcmp(documented[k].path, api_routes[i].pattern);
		ck_assert_msg(found, "%s %s is not in openapi.yaml", method, api_routes[i].pattern);
	}
}
END_TEST

START_TEST(test_every_documented_operation_is_routed)
{
	load_openapi();
	ck_assert_int_gt(ndocumented, 0);
	for (size_t k = 0; k < ndocumented; k++) {
		int found = 0;
		for (size_t i = 0; i < api_routes_count && !found; i++)
			found = !strcmp(documented[k].method, http_method_name(api_routes[i].method)) &&
				!strcmp(documented[k].path, api_routes[i].pattern);
		ck_assert_msg(found, "openapi.yaml documents %s %s but no route serves it", documented[k].method,
			      documented[k].path);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("openapi");
	TCase *tc = tcase_create("routes");
	tcase_add_test(tc, test_every_route_is_documented);
	tcase_add_test(tc, test_every_documented_operation_is_routed);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
