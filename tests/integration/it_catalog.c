/* Priorities and customers through real nginx, workers and MariaDB. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define DISPLAY_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000005"
#define ALTA_PRIORITY "0b5e7d2a-5c1e-4f7a-8d3b-000000000001"
#define MISSING_ID "00000000-0000-4000-8000-000000000000"

static char admin_token[4096];
static const char *admin_password;

/* main() logged the admin in already. */
static void setup_admin(void)
{
	ck_assert_msg(admin_token[0], "admin token missing");
}

static long get(const char *path, struct it_response *r)
{
	it_json("GET", path, admin_token, NULL, r);
	return r->status;
}

/* Sends o (reference released) as the JSON body; json-c does the escaping. */
static long send_obj(const char *method, const char *path, struct json_object *o, struct it_response *r)
{
	it_json(method, path, admin_token, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), r);
	json_object_put(o);
	return r->status;
}

static struct json_object *member(const struct it_response *r, const char *key)
{
	struct json_object *v = NULL;
	ck_assert_msg(r->json && json_object_object_get_ex(r->json, key, &v), "no member %s in %s", key, r->body);
	return v;
}

static long long jint(const struct it_response *r, const char *key)
{
	struct json_object *v = member(r, key);
	ck_assert_msg(json_object_is_type(v, json_type_int), "%s is not an integer: %s", key, r->body);
	return json_object_get_int64(v);
}

static bool jbool(const struct it_response *r, const char *key)
{
	struct json_object *v = member(r, key);
	ck_assert_msg(json_object_is_type(v, json_type_boolean), "%s is not a boolean: %s", key, r->body);
	return json_object_get_boolean(v);
}

static const char *jstr(const struct it_response *r, const char *key)
{
	struct json_object *v = member(r, key);
	ck_assert_msg(json_object_is_type(v, json_type_string), "%s is not a string: %s", key, r->body);
	return json_object_get_string(v);
}

static bool jnull(const struct it_response *r, const char *key)
{
	return member(r, key) == NULL;
}

static struct json_object *items(const struct it_response *r)
{
	struct json_object *a = member(r, "items");
	ck_assert(json_object_is_type(a, json_type_array));
	return a;
}

static const char *item_str(struct json_object *item, const char *key)
{
	struct json_object *v = NULL;
	json_object_object_get_ex(item, key, &v);
	return v ? json_object_get_string(v) : NULL;
}

/* "2025-10-17T03:03:49.172Z" */
static void assert_timestamp(const char *s)
{
	ck_assert_msg(s && strlen(s) == 24 && s[4] == '-' && s[10] == 'T' && s[19] == '.' && s[23] == 'Z',
		      "not an RFC 3339 UTC millisecond time: %s", s ? s : "(null)");
}

static void assert_uuid(const char *s)
{
	ck_assert_msg(s && strlen(s) == 36 && s[8] == '-' && s[14] == '4', "not a UUID v4: %s", s ? s : "(null)");
}

/* True when the 422 errors[] names field exactly. */
static bool names_field(const struct it_response *r, const char *field)
{
	struct json_object *errs = member(r, "errors");
	for (size_t i = 0; i < json_object_array_length(errs); i++)
		if (strcmp(item_str(json_object_array_get_idx(errs, i), "field"), field) == 0)
			return true;
	return false;
}

static void assert_422_names(const struct it_response *r, const char *const *fields, size_t nfields)
{
	it_assert_problem(r, 422);
	for (size_t i = 0; i < nfields; i++)
		ck_assert_msg(names_field(r, fields[i]), "422 should name %s: %s", fields[i], r->body);
	ck_assert_msg(json_object_array_length(member(r, "errors")) == nfields, "exactly %zu errors: %s", nfields,
		      r->body);
}

/* Percent-encodes s for a query string. */
static const char *urlenc(const char *s)
{
	static char out[512];
	size_t w = 0;
	for (; *s && w + 4 < sizeof out; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '.' || c == '-' || c == '~')
			out[w++] = (char)c;
		else
			w += (size_t)snprintf(out + w, sizeof out - w, "%%%02X", c);
	}
	out[w] = '\0';
	return out;
}

static struct json_object *priority_body(const char *name, int level)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "level", json_object_new_int(level));
	return o;
}

/* Creates a priority and returns its id (static buffer). */
static const char *create_priority(struct json_object *body)
{
	static char id[64];
	struct it_response r;
	send_obj("POST", "/api/v1/priorities", body, &r);
	ck_assert_msg(r.status == 201, "create priority: %ld %s", r.status, r.body);
	snprintf(id, sizeof id, "%s", jstr(&r, "id"));
	it_response_free(&r);
	return id;
}

static struct json_object *customer_body(const char *dni, const char *first, const char *last)
{
	struct json_object *o = json_object_new_object();
	if (dni)
		json_object_object_add(o, "dni", json_object_new_string(dni));
	json_object_object_add(o, "first_name", json_object_new_string(first));
	json_object_object_add(o, "last_name", json_object_new_string(last));
	return o;
}

static const char *create_customer(struct json_object *body)
{
	static char id[64];
	struct it_response r;
	send_obj("POST", "/api/v1/customers", body, &r);
	ck_assert_msg(r.status == 201, "create customer: %ld %s", r.status, r.body);
	snprintf(id, sizeof id, "%s", jstr(&r, "id"));
	it_response_free(&r);
	return id;
}

/* GETs path and returns "total" of the page. */
static long long list_total(const char *path)
{
	struct it_response r;
	ck_assert_msg(get(path, &r) == 200, "GET %s: %ld %s", path, r.status, r.body);
	long long total = jint(&r, "total");
	it_response_free(&r);
	return total;
}

START_TEST(test_priority_crud_round_trip_with_exact_fields)
{
	setup_admin();
	struct it_response r;
	struct json_object *o = priority_body(it_unique("Embarazadas"), 7);
	json_object_object_add(o, "description", json_object_new_string("Pregnant customers"));
	json_object_object_add(o, "max_wait_minutes", json_object_new_int(15));
	send_obj("POST", "/api/v1/priorities", o, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	char id[64], path[128];
	snprintf(id, sizeof id, "%s", jstr(&r, "id"));
	assert_uuid(id);
	snprintf(path, sizeof path, "/api/v1/priorities/%s", id);
	char *location = it_header(&r, "Location");
	ck_assert_str_eq(location, path);
	free(location);
	ck_assert_str_eq(jstr(&r, "name"), it_unique("Embarazadas"));
	ck_assert_str_eq(jstr(&r, "description"), "Pregnant customers");
	ck_assert_int_eq(jint(&r, "level"), 7);
	ck_assert_int_eq(jint(&r, "max_wait_minutes"), 15);
	ck_assert(jbool(&r, "state"));
	assert_timestamp(jstr(&r, "created_date"));
	assert_timestamp(jstr(&r, "updated_date"));
	ck_assert_int_eq(json_object_object_length(r.json), 8);
	char created[32];
	snprintf(created, sizeof created, "%s", jstr(&r, "created_date"));
	it_response_free(&r);

	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(jstr(&r, "id"), id);
	ck_assert_str_eq(jstr(&r, "name"), it_unique("Embarazadas"));
	ck_assert_int_eq(jint(&r, "level"), 7);
	ck_assert_str_eq(jstr(&r, "created_date"), created);
	it_response_free(&r);

	/* PATCH changes only what it names. */
	usleep(5000);
	o = json_object_new_object();
	json_object_object_add(o, "level", json_object_new_int(8));
	json_object_object_add(o, "max_wait_minutes", json_object_new_int(0));
	ck_assert_int_eq(send_obj("PATCH", path, o, &r), 200);
	ck_assert_str_eq(jstr(&r, "name"), it_unique("Embarazadas"));
	ck_assert_str_eq(jstr(&r, "description"), "Pregnant customers");
	ck_assert_int_eq(jint(&r, "level"), 8);
	ck_assert_int_eq(jint(&r, "max_wait_minutes"), 0);
	ck_assert(jbool(&r, "state"));
	ck_assert_str_eq(jstr(&r, "created_date"), created);
	ck_assert_str_gt(jstr(&r, "updated_date"), created);
	it_response_free(&r);

	/* Defaults: empty description, no SLA, active. */
	send_obj("POST", "/api/v1/priorities", priority_body(it_unique("Sin SLA"), 50), &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(jstr(&r, "description"), "");
	ck_assert_int_eq(jint(&r, "max_wait_minutes"), 0);
	ck_assert(jbool(&r, "state"));
	it_response_free(&r);

	/* The seeded priorities are there. */
	ck_assert_int_eq(get("/api/v1/priorities/" ALTA_PRIORITY, &r), 200);
	ck_assert_str_eq(jstr(&r, "name"), "Alta");
	ck_assert_int_eq(jint(&r, "level"), 1);
	ck_assert_int_eq(jint(&r, "max_wait_minutes"), 10);
	it_response_free(&r);
}
END_TEST

START_TEST(test_priority_validation_names_every_bad_field)
{
	setup_admin();
	struct it_response r;
	char longtext[300];
	memset(longtext, 'd', 256);
	longtext[256] = '\0';
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(""));
	json_object_object_add(o, "level", json_object_new_int(0));
	json_object_object_add(o, "max_wait_minutes", json_object_new_int(10081));
	json_object_object_add(o, "description", json_object_new_string(longtext));
	json_object_object_add(o, "state", json_object_new_string("yes"));
	json_object_object_add(o, "colour", json_object_new_string("red"));
	send_obj("POST", "/api/v1/priorities", o, &r);
	const char *all[] = {"name", "level", "max_wait_minutes", "description", "state", "colour"};
	assert_422_names(&r, all, 6);
	it_response_free(&r);

	/* Required on create; bounds are inclusive. */
	o = json_object_new_object();
	json_object_object_add(o, "description", json_object_new_string("no name, no level"));
	send_obj("POST", "/api/v1/priorities", o, &r);
	const char *required[] = {"name", "level"};
	assert_422_names(&r, required, 2);
	it_response_free(&r);
	o = priority_body(it_unique("Level101"), 101);
	json_object_object_add(o, "max_wait_minutes", json_object_new_int(-1));
	send_obj("POST", "/api/v1/priorities", o, &r);
	const char *bounds[] = {"level", "max_wait_minutes"};
	assert_422_names(&r, bounds, 2);
	it_response_free(&r);
	o = priority_body(it_unique("Edge100"), 100);
	json_object_object_add(o, "max_wait_minutes", json_object_new_int(10080));
	send_obj("POST", "/api/v1/priorities", o, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_int_eq(jint(&r, "level"), 100);
	ck_assert_int_eq(jint(&r, "max_wait_minutes"), 10080);
	it_response_free(&r);

	/* Read-only fields are refused, on create and on patch. */
	o = priority_body(it_unique("ReadOnly"), 5);
	json_object_object_add(o, "id", json_object_new_string(MISSING_ID));
	json_object_object_add(o, "created_date", json_object_new_string("2025-01-01T00:00:00.000Z"));
	send_obj("POST", "/api/v1/priorities", o, &r);
	const char *readonly[] = {"id", "created_date"};
	assert_422_names(&r, readonly, 2);
	it_response_free(&r);
	o = json_object_new_object();
	json_object_object_add(o, "updated_date", json_object_new_string("2025-01-01T00:00:00.000Z"));
	json_object_object_add(o, "level", json_object_new_string("3"));
	send_obj("PATCH", "/api/v1/priorities/" ALTA_PRIORITY, o, &r);
	const char *patch[] = {"updated_date", "level"};
	assert_422_names(&r, patch, 2);
	it_response_free(&r);
	o = json_object_new_object();
	json_object_object_add(o, "name", NULL);
	send_obj("PATCH", "/api/v1/priorities/" ALTA_PRIORITY, o, &r);
	const char *null_name[] = {"name"};
	assert_422_names(&r, null_name, 1);
	it_response_free(&r);
	ck_assert_int_eq(get("/api/v1/priorities/" ALTA_PRIORITY, &r), 200);
	ck_assert_str_eq(jstr(&r, "name"), "Alta");
	ck_assert_int_eq(jint(&r, "level"), 1);
	it_response_free(&r);
}
END_TEST

START_TEST(test_priority_duplicate_name_is_409)
{
	setup_admin();
	struct it_response r;
	create_priority(priority_body(it_unique("Duplicada"), 20));
	send_obj("POST", "/api/v1/priorities", priority_body(it_unique("Duplicada"), 21), &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	/* The seeded name, by patch. */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/priorities/%s", create_priority(priority_body(it_unique("Otra"), 22)));
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string("Media"));
	send_obj("PATCH", path, o, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(jstr(&r, "name"), it_unique("Otra"));
	it_response_free(&r);
}
END_TEST

START_TEST(test_unknown_and_malformed_ids_are_404)
{
	setup_admin();
	const char *bases[] = {"/api/v1/priorities/", "/api/v1/customers/"};
	const char *ids[] = {MISSING_ID, "not-a-uuid", "1%27%20OR%201=1"};
	for (size_t b = 0; b < 2; b++) {
		for (size_t i = 0; i < 3; i++) {
			char path[160];
			struct it_response r;
			snprintf(path, sizeof path, "%s%s", bases[b], ids[i]);
			get(path, &r);
			it_assert_problem(&r, 404);
			it_response_free(&r);
			it_json("PATCH", path, admin_token, "{\"state\":true}", &r);
			it_assert_problem(&r, 404);
			it_response_free(&r);
			it_json("DELETE", path, admin_token, NULL, &r);
			it_assert_problem(&r, 404);
			it_response_free(&r);
		}
	}
}
END_TEST

START_TEST(test_priority_list_filters_sorts_and_pages)
{
	setup_admin();
	struct it_response r;
	char inactive[64], path[160];
	create_priority(priority_body(it_unique("Lista A"), 60));
	usleep(3000); /* distinct created_date for the -created_date check */
	snprintf(inactive, sizeof inactive, "%s", create_priority(priority_body(it_unique("Lista B"), 61)));
	snprintf(path, sizeof path, "/api/v1/priorities/%s", inactive);
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);

	/* Default sort: level ascending, so a level-1 priority (the seeded Alta) comes first. */
	ck_assert_int_eq(get("/api/v1/priorities?limit=500", &r), 200);
	struct json_object *a = items(&r);
	long long all = jint(&r, "total");
	ck_assert_int_eq(jint(&r, "limit"), 500);
	ck_assert_int_eq(jint(&r, "offset"), 0);
	ck_assert_int_eq((long long)json_object_array_length(a), all);
	ck_assert_int_ge(all, 5);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(json_object_array_get_idx(a, 0), "level")), 1);
	char second[64], third[64];
	snprintf(second, sizeof second, "%s", item_str(json_object_array_get_idx(a, 1), "id"));
	snprintf(third, sizeof third, "%s", item_str(json_object_array_get_idx(a, 2), "id"));
	for (size_t i = 1; i < json_object_array_length(a); i++)
		ck_assert_int_le(json_object_get_int(json_object_object_get(json_object_array_get_idx(a, i - 1), "level")),
				 json_object_get_int(json_object_object_get(json_object_array_get_idx(a, i), "level")));
	it_response_free(&r);

	ck_assert_int_eq(get("/api/v1/priorities?sort=-level&limit=500", &r), 200);
	a = items(&r);
	for (size_t i = 1; i < json_object_array_length(a); i++)
		ck_assert_int_ge(json_object_get_int(json_object_object_get(json_object_array_get_idx(a, i - 1), "level")),
				 json_object_get_int(json_object_object_get(json_object_array_get_idx(a, i), "level")));
	it_response_free(&r);

	ck_assert_int_eq(get("/api/v1/priorities?sort=name&limit=500", &r), 200);
	a = items(&r);
	for (size_t i = 1; i < json_object_array_length(a); i++)
		ck_assert_int_le(strcasecmp(item_str(json_object_array_get_idx(a, i - 1), "name"),
					    item_str(json_object_array_get_idx(a, i), "name")),
				 0);
	it_response_free(&r);
	ck_assert_int_eq(get("/api/v1/priorities?sort=-created_date&limit=1", &r), 200);
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 0), "id"), inactive);
	it_response_free(&r);

	/* state filter: every item matches and the inactive one is among them. */
	ck_assert_int_eq(get("/api/v1/priorities?state=false&limit=500", &r), 200);
	a = items(&r);
	bool seen = false;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *it = json_object_array_get_idx(a, i);
		ck_assert(!json_object_get_boolean(json_object_object_get(it, "state")));
		seen = seen || strcmp(item_str(it, "id"), inactive) == 0;
	}
	ck_assert(seen);
	long long inactive_total = jint(&r, "total");
	it_response_free(&r);
	ck_assert_int_eq(list_total("/api/v1/priorities?state=true") + inactive_total, all);

	/* Paging: total counts everything, items only the page. */
	ck_assert_int_eq(get("/api/v1/priorities?limit=2&offset=1", &r), 200);
	ck_assert_int_eq(jint(&r, "total"), all);
	ck_assert_int_eq(jint(&r, "limit"), 2);
	ck_assert_int_eq(jint(&r, "offset"), 1);
	ck_assert_int_eq(json_object_array_length(items(&r)), 2);
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 0), "id"), second);
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 1), "id"), third);
	it_response_free(&r);
	char far[64];
	snprintf(far, sizeof far, "/api/v1/priorities?offset=%lld", all);
	ck_assert_int_eq(get(far, &r), 200);
	ck_assert_int_eq(json_object_array_length(items(&r)), 0);
	ck_assert_int_eq(jint(&r, "total"), all);
	it_response_free(&r);

	const char *bad[] = {"/api/v1/priorities?limit=0", "/api/v1/priorities?limit=501",
			     "/api/v1/priorities?offset=-1", "/api/v1/priorities?sort=max_wait_minutes",
			     "/api/v1/priorities?name=Alta", "/api/v1/priorities?state=maybe",
			     "/api/v1/priorities?limit=abc"};
	const char *field[] = {"limit", "limit", "offset", "sort", "name", "state", "limit"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		get(bad[i], &r);
		assert_422_names(&r, &field[i], 1);
		it_response_free(&r);
	}
}
END_TEST

START_TEST(test_priority_delete_deactivates_and_keeps_the_row)
{
	setup_admin();
	struct it_response r;
	char path[128];
	snprintf(path, sizeof path, "/api/v1/priorities/%s", create_priority(priority_body(it_unique("Temporal"), 40)));
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	ck_assert_uint_eq(r.body_len, 0);
	it_response_free(&r);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert(!jbool(&r, "state"));
	ck_assert_str_eq(jstr(&r, "name"), it_unique("Temporal"));
	it_response_free(&r);
	/* Deleting again is harmless; reactivating is a patch. */
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	it_json("PATCH", path, admin_token, "{\"state\":true}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert(jbool(&r, "state"));
	it_response_free(&r);
}
END_TEST

START_TEST(test_customer_crud_round_trip_with_exact_fields)
{
	setup_admin();
	struct it_response r;
	struct json_object *o = customer_body(it_unique("D1"), "Mar\xc3\xad" "a", it_unique("Gonz\xc3\xa1" "lez"));
	json_object_object_add(o, "phone", json_object_new_string("+54 11 5555-0000"));
	json_object_object_add(o, "email", json_object_new_string("maria@example.org"));
	send_obj("POST", "/api/v1/customers", o, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	char id[64], path[128], created[32];
	snprintf(id, sizeof id, "%s", jstr(&r, "id"));
	assert_uuid(id);
	snprintf(path, sizeof path, "/api/v1/customers/%s", id);
	char *location = it_header(&r, "Location");
	ck_assert_str_eq(location, path);
	free(location);
	ck_assert_str_eq(jstr(&r, "dni"), it_unique("D1"));
	ck_assert_str_eq(jstr(&r, "first_name"), "Mar\xc3\xad" "a");
	ck_assert_str_eq(jstr(&r, "last_name"), it_unique("Gonz\xc3\xa1" "lez"));
	ck_assert_str_eq(jstr(&r, "phone"), "+54 11 5555-0000");
	ck_assert_str_eq(jstr(&r, "email"), "maria@example.org");
	ck_assert(jbool(&r, "state"));
	assert_timestamp(jstr(&r, "created_date"));
	assert_timestamp(jstr(&r, "updated_date"));
	ck_assert_int_eq(json_object_object_length(r.json), 9);
	snprintf(created, sizeof created, "%s", jstr(&r, "created_date"));
	it_response_free(&r);

	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(jstr(&r, "id"), id);
	ck_assert_str_eq(jstr(&r, "dni"), it_unique("D1"));
	ck_assert_str_eq(jstr(&r, "created_date"), created);
	it_response_free(&r);

	/* dni may be cleared with null; the rest stays. */
	usleep(5000);
	o = json_object_new_object();
	json_object_object_add(o, "dni", NULL);
	json_object_object_add(o, "phone", json_object_new_string(""));
	ck_assert_int_eq(send_obj("PATCH", path, o, &r), 200);
	ck_assert(jnull(&r, "dni"));
	ck_assert_str_eq(jstr(&r, "phone"), "");
	ck_assert_str_eq(jstr(&r, "email"), "maria@example.org");
	ck_assert_str_eq(jstr(&r, "first_name"), "Mar\xc3\xad" "a");
	ck_assert_str_gt(jstr(&r, "updated_date"), created);
	it_response_free(&r);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert(jnull(&r, "dni"));
	it_response_free(&r);
	o = json_object_new_object();
	json_object_object_add(o, "dni", json_object_new_string(it_unique("D1b")));
	json_object_object_add(o, "email", json_object_new_string(""));
	ck_assert_int_eq(send_obj("PATCH", path, o, &r), 200);
	ck_assert_str_eq(jstr(&r, "dni"), it_unique("D1b"));
	ck_assert_str_eq(jstr(&r, "email"), "");
	it_response_free(&r);

	/* Without dni, phone or email: null dni, empty strings. */
	send_obj("POST", "/api/v1/customers", customer_body(NULL, "Sin", it_unique("Documento")), &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert(jnull(&r, "dni"));
	ck_assert_str_eq(jstr(&r, "phone"), "");
	ck_assert_str_eq(jstr(&r, "email"), "");
	it_response_free(&r);
	/* Two customers without dni do not collide. */
	o = customer_body(NULL, "Sin", it_unique("Documento"));
	json_object_object_add(o, "dni", NULL);
	send_obj("POST", "/api/v1/customers", o, &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert(jnull(&r, "dni"));
	it_response_free(&r);
}
END_TEST

START_TEST(test_customer_validation_names_every_bad_field)
{
	setup_admin();
	struct it_response r;
	char longtext[300];
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "dni", json_object_new_string("123456789012345678901"));
	json_object_object_add(o, "first_name", json_object_new_string(""));
	memset(longtext, 'p', 41);
	longtext[41] = '\0';
	json_object_object_add(o, "phone", json_object_new_string(longtext));
	json_object_object_add(o, "email", json_object_new_string("not-an-email"));
	json_object_object_add(o, "state", json_object_new_int(1));
	json_object_object_add(o, "id", json_object_new_string(MISSING_ID));
	json_object_object_add(o, "created_date", json_object_new_string("2025-01-01T00:00:00.000Z"));
	json_object_object_add(o, "nickname", json_object_new_string("Mari"));
	send_obj("POST", "/api/v1/customers", o, &r);
	const char *all[] = {"dni", "first_name", "last_name", "phone", "email", "state", "id", "created_date",
			     "nickname"};
	assert_422_names(&r, all, 9);
	it_response_free(&r);

	/* Upper bounds are inclusive; an empty dni is not "no dni". */
	o = customer_body("", "A", "B");
	memset(longtext, 'n', 101);
	longtext[101] = '\0';
	json_object_object_add(o, "last_name", json_object_new_string(longtext));
	send_obj("POST", "/api/v1/customers", o, &r);
	const char *two[] = {"dni", "last_name"};
	assert_422_names(&r, two, 2);
	it_response_free(&r);
	longtext[100] = '\0';
	o = customer_body(it_unique("12345678901"), "A", longtext);
	send_obj("POST", "/api/v1/customers", o, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	ck_assert_str_eq(jstr(&r, "last_name"), longtext);
	it_response_free(&r);

	const char *bad_emails[] = {"a@b", "@b.org", "a b@c.org", "a@@b.org", "a@b.", "a@.org", "a@b..org"};
	for (size_t i = 0; i < sizeof bad_emails / sizeof bad_emails[0]; i++) {
		o = customer_body(NULL, "E", "Mail");
		json_object_object_add(o, "email", json_object_new_string(bad_emails[i]));
		send_obj("POST", "/api/v1/customers", o, &r);
		const char *email[] = {"email"};
		assert_422_names(&r, email, 1);
		it_response_free(&r);
	}
	o = customer_body(NULL, "E", "Mail");
	json_object_object_add(o, "email", json_object_new_string("first.last+tag@mail.example.co"));
	send_obj("POST", "/api/v1/customers", o, &r);
	ck_assert_int_eq(r.status, 201);
	it_response_free(&r);

	/* Patch: names may not be emptied or nulled; read-only fields refused. */
	char path[128];
	snprintf(path, sizeof path, "/api/v1/customers/%s", create_customer(customer_body(NULL, "Pat", "Ch")));
	o = json_object_new_object();
	json_object_object_add(o, "first_name", json_object_new_string(""));
	json_object_object_add(o, "last_name", NULL);
	json_object_object_add(o, "updated_date", json_object_new_string("2025-01-01T00:00:00.000Z"));
	send_obj("PATCH", path, o, &r);
	const char *patch[] = {"first_name", "last_name", "updated_date"};
	assert_422_names(&r, patch, 3);
	it_response_free(&r);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(jstr(&r, "first_name"), "Pat");
	it_response_free(&r);
}
END_TEST

START_TEST(test_customer_duplicate_dni_is_409)
{
	setup_admin();
	struct it_response r;
	create_customer(customer_body(it_unique("DUP"), "Uno", "Primero"));
	send_obj("POST", "/api/v1/customers", customer_body(it_unique("DUP"), "Dos", "Segundo"), &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/customers/%s", create_customer(customer_body(it_unique("DUP2"), "Tres", "X")));
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "dni", json_object_new_string(it_unique("DUP")));
	send_obj("PATCH", path, o, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(jstr(&r, "dni"), it_unique("DUP2"));
	it_response_free(&r);
	char query[128];
	snprintf(query, sizeof query, "/api/v1/customers?dni=%s", urlenc(it_unique("DUP")));
	ck_assert_int_eq(list_total(query), 1);
}
END_TEST

/* Total of /customers?q=<q>&state=true (q percent-encoded). */
static long long search(const char *q)
{
	char path[600];
	snprintf(path, sizeof path, "/api/v1/customers?q=%s", urlenc(q));
	return list_total(path);
}

START_TEST(test_customer_search_is_literal_substring_of_names)
{
	setup_admin();
	char a[64], b[64], q[96];
	/* Percent and underscore must match only themselves, not any text. */
	snprintf(a, sizeof a, "%s", it_unique("Per%cent"));
	snprintf(b, sizeof b, "%s", it_unique("Perxxcent"));
	create_customer(customer_body(NULL, a, "Literal"));
	create_customer(customer_body(NULL, b, "Literal"));
	snprintf(q, sizeof q, "r%%cent.%ld", (long)getpid() % 100000);
	ck_assert_int_eq(search(q), 1);
	snprintf(a, sizeof a, "%s", it_unique("Under_score"));
	snprintf(b, sizeof b, "%s", it_unique("Underxscore"));
	create_customer(customer_body(NULL, a, "Literal"));
	create_customer(customer_body(NULL, b, "Literal"));
	snprintf(q, sizeof q, "r_score.%ld", (long)getpid() % 100000);
	ck_assert_int_eq(search(q), 1);
	snprintf(a, sizeof a, "%s", it_unique("Back\\slash"));
	create_customer(customer_body(NULL, a, "Literal"));
	ck_assert_int_eq(search(a), 1);
	ck_assert_int_eq(search(it_unique("Backslash")), 0);

	/* Case-insensitive, any part of first, last or "first last". */
	create_customer(customer_body(NULL, "Josefina", it_unique("Quispe")));
	ck_assert_int_eq(search(it_unique("quispe")), 1);
	ck_assert_int_eq(search(it_unique("QUISPE")), 1);
	snprintf(q, sizeof q, "fina %s", it_unique("Quis"));
	q[strlen(q) - strlen(strrchr(q, '.'))] = '\0'; /* "fina Quis" */
	ck_assert_int_ge(search(q), 1);
	snprintf(q, sizeof q, "josefina %s", it_unique("quispe"));
	ck_assert_int_eq(search(q), 1);
	snprintf(q, sizeof q, "josefina  %s", it_unique("quispe"));
	ck_assert_int_eq(search(q), 0);

	/* The item itself, with q and state combined. */
	struct it_response r;
	char path[256];
	snprintf(path, sizeof path, "/api/v1/customers?q=%s&state=true", urlenc(it_unique("quispe")));
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_int_eq(jint(&r, "total"), 1);
	struct json_object *item = json_object_array_get_idx(items(&r), 0);
	ck_assert_str_eq(item_str(item, "first_name"), "Josefina");
	ck_assert_str_eq(item_str(item, "last_name"), it_unique("Quispe"));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/customers?q=%s&state=false", urlenc(it_unique("quispe")));
	ck_assert_int_eq(list_total(path), 0);
}
END_TEST

START_TEST(test_customer_list_filters_sorts_and_pages)
{
	setup_admin();
	struct it_response r;
	char id[64], path[256];
	const char *last = it_unique("Paginado");
	create_customer(customer_body(NULL, "Carla", last));
	create_customer(customer_body(NULL, "Ana", last));
	usleep(3000); /* distinct created_date for the -created_date check */
	snprintf(id, sizeof id, "%s", create_customer(customer_body(it_unique("PAG"), "Beto", last)));

	snprintf(path, sizeof path, "/api/v1/customers?q=%s&sort=first_name", urlenc(last));
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_int_eq(jint(&r, "total"), 3);
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 0), "first_name"), "Ana");
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 1), "first_name"), "Beto");
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 2), "first_name"), "Carla");
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/customers?q=%s&sort=-first_name&limit=1&offset=1", urlenc(last));
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_int_eq(jint(&r, "total"), 3);
	ck_assert_int_eq(jint(&r, "limit"), 1);
	ck_assert_int_eq(jint(&r, "offset"), 1);
	ck_assert_int_eq(json_object_array_length(items(&r)), 1);
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 0), "first_name"), "Beto");
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/customers?q=%s&sort=-created_date", urlenc(last));
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 0), "id"), id);
	it_response_free(&r);

	/* dni is an exact match, not a substring. */
	snprintf(path, sizeof path, "/api/v1/customers?dni=%s", urlenc(it_unique("PAG")));
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_int_eq(jint(&r, "total"), 1);
	ck_assert_str_eq(item_str(json_object_array_get_idx(items(&r), 0), "id"), id);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/customers?dni=%s", urlenc(it_unique("PA")));
	ck_assert_int_eq(list_total(path), 0);

	/* Deactivation: state filter and the row itself. */
	snprintf(path, sizeof path, "/api/v1/customers/%s", id);
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert(!jbool(&r, "state"));
	ck_assert_str_eq(jstr(&r, "dni"), it_unique("PAG"));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/customers?q=%s&state=true", urlenc(last));
	ck_assert_int_eq(list_total(path), 2);
	snprintf(path, sizeof path, "/api/v1/customers?q=%s&state=false", urlenc(last));
	ck_assert_int_eq(list_total(path), 1);

	const char *bad[] = {"/api/v1/customers?limit=0", "/api/v1/customers?limit=501", "/api/v1/customers?offset=-5",
			     "/api/v1/customers?sort=dni", "/api/v1/customers?email=x", "/api/v1/customers?state=1"};
	const char *field[] = {"limit", "limit", "offset", "sort", "email", "state"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		get(bad[i], &r);
		assert_422_names(&r, &field[i], 1);
		it_response_free(&r);
	}
}
END_TEST

START_TEST(test_sql_injection_strings_are_stored_literally)
{
	setup_admin();
	struct it_response r;
	char first[128], last[128], name[64], path[256];
	snprintf(first, sizeof first, "Robert'); DROP TABLE customers;--");
	snprintf(last, sizeof last, "%s\" OR \"1\"=\"1", it_unique("x' OR '1'='1"));
	struct json_object *o = customer_body("' OR 1=1 --", first, last);
	send_obj("POST", "/api/v1/customers", o, &r);
	if (r.status == 409) {
		/* A re-run on the same database: the dni is taken, which is fine. */
		it_response_free(&r);
		send_obj("POST", "/api/v1/customers", customer_body(NULL, first, last), &r);
	}
	ck_assert_msg(r.status == 201, "%s", r.body);
	snprintf(path, sizeof path, "/api/v1/customers/%s", jstr(&r, "id"));
	it_response_free(&r);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(jstr(&r, "first_name"), first);
	ck_assert_str_eq(jstr(&r, "last_name"), last);
	it_response_free(&r);
	ck_assert_int_eq(search(last), 1);
	ck_assert_int_eq(list_total("/api/v1/customers?dni=%27%20OR%20%271%27%3D%271"), 0);
	ck_assert_int_ge(list_total("/api/v1/customers"), 1);

	snprintf(name, sizeof name, "%s", it_unique("'; DELETE FROM priorities;--"));
	char id[64];
	snprintf(id, sizeof id, "%s", create_priority(priority_body(name, 9)));
	snprintf(path, sizeof path, "/api/v1/priorities/%s", id);
	ck_assert_int_eq(get(path, &r), 200);
	ck_assert_str_eq(jstr(&r, "name"), name);
	it_response_free(&r);
	ck_assert_int_eq(get("/api/v1/priorities/" ALTA_PRIORITY, &r), 200);
	it_response_free(&r);
	/* Sort keys come from a fixed list, never from the query text. */
	get("/api/v1/priorities?sort=name%27%3B%20DROP%20TABLE%20priorities%3B--", &r);
	const char *sort[] = {"sort"};
	assert_422_names(&r, sort, 1);
	it_response_free(&r);
}
END_TEST

START_TEST(test_display_role_gets_403)
{
	setup_admin();
	struct it_response r;
	char body[512], token[4096];
	snprintf(body, sizeof body,
		 "{\"user_name\":\"%s\",\"first_name\":\"Board\",\"last_name\":\"Screen\",\"password\":\"display-pw-1\","
		 "\"role_id\":\"" DISPLAY_ROLE "\"}",
		 it_unique("board.tv"));
	it_json("POST", "/api/v1/users", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	it_response_free(&r);
	ck_assert_int_eq(it_login(it_unique("board.tv"), "display-pw-1", token, sizeof token, NULL, 0), 200);
	it_json("POST", "/api/v1/priorities", token, "{\"name\":\"Nope\",\"level\":5}", &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	it_json("GET", "/api/v1/customers", token, NULL, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	it_json("DELETE", "/api/v1/priorities/" ALTA_PRIORITY, token, NULL, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	it_json("POST", "/api/v1/customers", token, "{\"first_name\":\"A\",\"last_name\":\"B\"}", &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	/* Nothing was changed by the refused calls. */
	ck_assert_int_eq(get("/api/v1/priorities/" ALTA_PRIORITY, &r), 200);
	ck_assert(jbool(&r, "state"));
	it_response_free(&r);
	/* Without a token: 401. */
	it_json("GET", "/api/v1/priorities", NULL, NULL, &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);
}
END_TEST

START_TEST(test_wrong_method_and_content_type)
{
	setup_admin();
	struct it_response r;
	it_json("PUT", "/api/v1/priorities/" ALTA_PRIORITY, admin_token, "{}", &r);
	it_assert_problem(&r, 405);
	char *allow = it_header(&r, "Allow");
	ck_assert_ptr_nonnull(allow);
	ck_assert_ptr_nonnull(strstr(allow, "PATCH"));
	ck_assert_ptr_nonnull(strstr(allow, "DELETE"));
	free(allow);
	it_response_free(&r);
	char auth[4200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", admin_token);
	const char *headers[] = {"Content-Type: text/plain", auth, NULL};
	const char *body = "{\"first_name\":\"A\",\"last_name\":\"B\"}";
	it_request("POST", "/api/v1/customers", headers, body, strlen(body), &r);
	it_assert_problem(&r, 415);
	it_response_free(&r);
	it_json("POST", "/api/v1/customers", admin_token, "[1,2]", &r);
	it_assert_problem(&r, 400);
	it_response_free(&r);
}
END_TEST

int main(void)
{
	it_init();
	/* The admin is made as an operator would: turneroctl create-admin with a password on stdin. */
	admin_password = IT_ADMIN_PASSWORD;
	if (it_admin_login(admin_token, sizeof admin_token) < 0)
		return 1;
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("priorities and customers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_priority_crud_round_trip_with_exact_fields);
	tcase_add_test(tc, test_priority_validation_names_every_bad_field);
	tcase_add_test(tc, test_priority_duplicate_name_is_409);
	tcase_add_test(tc, test_unknown_and_malformed_ids_are_404);
	tcase_add_test(tc, test_priority_list_filters_sorts_and_pages);
	tcase_add_test(tc, test_priority_delete_deactivates_and_keeps_the_row);
	tcase_add_test(tc, test_customer_crud_round_trip_with_exact_fields);
	tcase_add_test(tc, test_customer_validation_names_every_bad_field);
	tcase_add_test(tc, test_customer_duplicate_dni_is_409);
	tcase_add_test(tc, test_customer_search_is_literal_substring_of_names);
	tcase_add_test(tc, test_customer_list_filters_sorts_and_pages);
	tcase_add_test(tc, test_sql_injection_strings_are_stored_literally);
	tcase_add_test(tc, test_display_role_gets_403);
	tcase_add_test(tc, test_wrong_method_and_content_type);
	suite_add_tcase(s, tc);
	/* One process: tests share the admin token. */
	return it_run_suite(s);
}
