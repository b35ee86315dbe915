/* JSON request bodies: the strict pre-scan and parse, then field specs shaped like the handlers'. */
#include <ctype.h>
#include <string.h>

#include "common/jsonv.h"
#include "fuzz.h"

#define FUZZ_JSON_DEPTH 16 /* what dispatch allows */

static bool fuzz_name_check(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
			return false;
	return true;
}

/* Users create (strings, a check, a UUID, a bool) plus the remaining field types. */
static void fuzz_json_extract(struct json_object *obj)
{
	static const char *const states[] = {"open", "paused", "closed", NULL};
	char *user_name = NULL, *first_name = NULL, *password = NULL, *role_id = NULL, *state = NULL;
	struct jsonv_strlist ids = {0};
	struct json_object *customer = NULL;
	long long level = -1;
	bool active = true, has_active = false, has_customer = false;
	const struct jsonv_field spec[] = {
		{"id", JV_STRING, JV_READONLY, 0, 0, NULL, NULL, NULL, NULL},
		{"user_name", JV_STRING, JV_REQUIRED, 3, 32, NULL, fuzz_name_check, &user_name, NULL},
		{"first_name", JV_STRING, JV_NULLABLE, 1, 100, NULL, NULL, &first_name, NULL},
		{"password", JV_STRING, 0, 0, 100000, NULL, NULL, &password, NULL},
		{"role_id", JV_UUID, JV_NULLABLE, 0, 0, NULL, NULL, &role_id, NULL},
		{"state", JV_BOOL, 0, 0, 0, NULL, NULL, &active, &has_active},
		{"queue_state", JV_ENUM, 0, 0, 0, states, NULL, &state, NULL},
		{"level", JV_INT, 0, 1, 10, NULL, NULL, &level, NULL},
		{"priority_ids", JV_UUID_ARRAY, 0, 1, 16, NULL, NULL, &ids, NULL},
		{"customer", JV_OBJECT, JV_NULLABLE, 0, 0, NULL, NULL, &customer, &has_customer},
		{"permissions", JV_OBJECT, JV_IGNORED, 0, 0, NULL, NULL, NULL, NULL},
	};
	struct field_errors fe;

	field_errors_init(&fe);
	bool ok = jsonv_extract(obj, spec, sizeof spec / sizeof spec[0], &fe);
	FUZZ_CHECK(ok == (fe.n == 0 && fe.dropped == 0));
	if (ok) {
		FUZZ_CHECK(user_name && strlen(user_name) >= 3 && strlen(user_name) <= 32 * 4);
		FUZZ_CHECK(!role_id || jsonv_is_uuid(role_id));
		FUZZ_CHECK(level == -1 || (level >= 1 && level <= 10));
		for (size_t i = 0; i < ids.n; i++)
			FUZZ_CHECK(jsonv_is_uuid(ids.items[i]));
	} else {
		/* A failed extract hands nothing back. */
		FUZZ_CHECK(!user_name && !first_name && !password && !role_id && !state && !ids.items && !customer);
	}
	free(user_name);
	free(first_name);
	free(password);
	free(role_id);
	free(state);
	jsonv_strlist_free(&ids);
}

int fuzz_json_one(const uint8_t *data, size_t size)
{
	struct json_object *obj = NULL, *again = NULL;
	char err[160];

	enum jsonv_status st = jsonv_parse((const char *)data, size, FUZZ_JSON_DEPTH, &obj, err, sizeof err);
	FUZZ_CHECK(st < JSONV__MAX);
	if (st != JSONV_OK) {
		FUZZ_CHECK(obj == NULL && err[0] != '\0');
		return 0;
	}
	/* What we accepted and render back must be accepted again. */
	const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
	FUZZ_CHECK(text != NULL);
	st = jsonv_parse(text, strlen(text), FUZZ_JSON_DEPTH, &again, err, sizeof err);
	FUZZ_CHECK(st == JSONV_OK);
	json_object_put(again);
	if (json_object_is_type(obj, json_type_object))
		fuzz_json_extract(obj);
	json_object_put(obj);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_json_one(data, size);
}
#endif
