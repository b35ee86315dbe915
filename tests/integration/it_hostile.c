/*
 * Hostile input against every route of the route table, through real nginx,
 * workers and MariaDB: bad ids, SQL-injection strings, broken JSON and forms,
 * oversize bodies and headers, bad query strings, forged and expired tokens.
 * Every answer must be a 4xx problem+json (RFC 6749 JSON on /auth/token),
 * never a 5xx or a dropped connection, and none of it may change any state.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

#include "api/api.h"
#include "common/config.h"
#include "service/token.h"
#include "harness.h"

#define BASE "/api/v1"
#define TOKEN_PATH BASE "/auth/token"

static char admin_token[4096];
static char admin_id[64];
static size_t nsent;

enum expect { EXPECT_4XX, EXPECT_NOT_5XX };

/* Hostile values for {id}: a fresh UUID (filled in per use), traversal, NUL, overlong, SQL. */
static const char *const hostile_ids[] = {
	NULL,
	"../../etc/passwd",
	"..%2F..%2Fetc%2Fpasswd",
	"%00",
	"0123456789012345678901234567890123456789012345678901234567890123456789",
	"1'%20OR%20'1'='1",
};

static const char *const sql_strings[] = {
	"1' OR '1'='1",
	"'; DROP TABLE users; --",
	"\\\" OR 1=1 #",
	"admin'/*",
	"1; SELECT SLEEP(5)",
	"%' UNION SELECT password_hash FROM users --",
};

/* The members each resource's bodies know, so hostile values reach real fields. */
struct resource_fields {
	const char *segment;
	const char *fields[8];
};

static const struct resource_fields resource_fields[] = {
	{"users", {"user_name", "first_name", "last_name", "password", "role_id", "current_password", "new_password"}},
	{"roles", {"name", "description", "permissions"}},
	{"priorities", {"name", "description", "level", "max_wait_minutes", "color"}},
	{"customers", {"dni", "first_name", "last_name", "phone", "email"}},
	{"queues", {"name", "prefix", "state", "policy", "priority_ids", "user_id"}},
	{"tickets", {"priority_id", "customer_id", "queue_id", "customer", "reason", "desk_id"}},
	{"desks", {"name", "queue_id", "state", "user_id"}},
};

static void fresh_uuid(char out[UUID_STR_LEN])
{
	uuid_t u;
	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

/* The route pattern with {id} replaced by id (a fresh UUID when id is NULL). */
static void route_path(const char *pattern, const char *id, char *out, size_t len)
{
	char uuid[UUID_STR_LEN];
	const char *brace = strstr(pattern, "{id}");
	if (!id) {
		fresh_uuid(uuid);
		id = uuid;
	}
	if (!brace)
		snprintf(out, len, "%s", pattern);
	else
		snprintf(out, len, "%.*s%s%s", (int)(brace - pattern), pattern, id, brace + 4);
}

static bool is_token_route(const char *path)
{
	return strncmp(path, TOKEN_PATH, strlen(TOKEN_PATH)) == 0 &&
	       (path[strlen(TOKEN_PATH)] == '\0' || path[strlen(TOKEN_PATH)] == '?');
}

/* The shape every answer must have, whatever the request. */
static void check_answer(const char *what, const char *path, int rc, const struct it_response *r, enum expect ex)
{
	nsent++;
	ck_assert_msg(rc == 0 && r->status > 0, "%s: no HTTP answer (connection failure)", what);
	ck_assert_msg(r->status < 500, "%s: got %ld: %.300s", what, r->status, r->body);
	if (ex == EXPECT_4XX)
		ck_assert_msg(r->status >= 400, "%s: expected a 4xx, got %ld: %.300s", what, r->status, r->body);
	if (r->status < 400)
		return;

	char *ct = it_header(r, "Content-Type");
	if (is_token_route(path) && ct && strcmp(ct, "application/json") == 0) {
		/* RFC 6749 5.2 */
		ck_assert_msg(it_str(r, "error") != NULL, "%s: OAuth error without \"error\": %.300s", what, r->body);
	} else {
		ck_assert_msg(ct && strcmp(ct, "application/problem+json") == 0, "%s: %ld with content type %s: %.300s",
			      what, r->status, ct ? ct : "(none)", r->body);
		ck_assert_msg(r->json && it_str(r, "type") && it_str(r, "title"), "%s: not a problem: %.300s", what,
			      r->body);
		struct json_object *st;
		ck_assert_msg(json_object_object_get_ex(r->json, "status", &st) && json_object_get_int(st) == r->status,
			      "%s: problem status differs from %ld", what, r->status);
	}
	free(ct);
	if (r->status == 401) {
		char *challenge = it_header(r, "WWW-Authenticate");
		ck_assert_msg(challenge && strncmp(challenge, "Bearer", 6) == 0, "%s: 401 without a Bearer challenge",
			      what);
		free(challenge);
	}
}

/* Sends method path with an optional content type, token and extra header; checks the answer. */
static void send_hostile(const char *method, const char *path, const char *ctype, const char *token,
			 const char *extra_header, const char *body, size_t body_len, enum expect ex)
{
	char ct_header[256], auth[4200], what[512];
	const char *headers[4] = {NULL, NULL, NULL, NULL};
	size_t h = 0;
	struct it_response r;

	if (ctype) {
		snprintf(ct_header, sizeof ct_header, "Content-Type: %s", ctype);
		headers[h++] = ct_header;
	}
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: %s%s", strchr(token, ' ') ? "" : "Bearer ", token);
		headers[h++] = auth;
	}
	if (extra_header)
		headers[h++] = extra_header;
	snprintf(what, sizeof what, "%s %.200s [%.40s] body %.60s", method, path, ctype ? ctype : "no type",
		 body ? body : "(none)");
	int rc = it_request(method, path, headers, body, body ? body_len : 0, &r);
	check_answer(what, path, rc, &r, ex);
	it_response_free(&r);
}

/* ---- state snapshot ----------------------------------------------------- */

static const char *const snapshot_paths[] = {
	BASE "/users?limit=500",      BASE "/roles?limit=500",  BASE "/priorities?limit=500",
	BASE "/customers?limit=500",  BASE "/queues?limit=500", BASE "/tickets?limit=500",
	BASE "/desks?limit=500",
};
#define NSNAPSHOT (sizeof snapshot_paths / sizeof snapshot_paths[0])

static char *snapshot_before[NSNAPSHOT];

/* The list answers as canonical text: items and total. */
static void take_snapshot(char *out[NSNAPSHOT])
{
	for (size_t i = 0; i < NSNAPSHOT; i++) {
		struct it_response r;
		struct json_object *items, *total;
		it_json("GET", snapshot_paths[i], admin_token, NULL, &r);
		ck_assert_msg(r.status == 200, "snapshot %s: %ld %s", snapshot_paths[i], r.status, r.body);
		ck_assert(json_object_object_get_ex(r.json, "items", &items));
		ck_assert(json_object_object_get_ex(r.json, "total", &total));
		struct json_object *pair = json_object_new_array();
		json_object_array_add(pair, json_object_get(total));
		json_object_array_add(pair, json_object_get(items));
		out[i] = strdup(json_object_to_json_string_ext(pair, JSON_C_TO_STRING_PLAIN));
		ck_assert_ptr_nonnull(out[i]);
		json_object_put(pair);
		it_response_free(&r);
	}
}

START_TEST(test_snapshot_state_before_the_hostile_run)
{
	take_snapshot(snapshot_before);
}
END_TEST

/* ---- bodies ------------------------------------------------------------- */

static const struct resource_fields *fields_for(const char *pattern)
{
	const char *seg = pattern + strlen(BASE "/");
	for (size_t i = 0; i < sizeof resource_fields / sizeof resource_fields[0]; i++) {
		size_t n = strlen(resource_fields[i].segment);
		if (strncmp(seg, resource_fields[i].segment, n) == 0 && (seg[n] == '/' || seg[n] == '\0'))
			return &resource_fields[i];
	}
	return NULL;
}

/*
 * Every known member set to one SQL-injection string. A create (no {id}) also
 * sends a read-only "id", so it is refused whatever the string fields accept:
 * the run must change nothing.
 */
static char *injection_body(const struct http_route *rt, const char *value)
{
	const struct resource_fields *rf = fields_for(rt->pattern);
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; rf && i < 8 && rf->fields[i]; i++)
		json_object_object_add(o, rf->fields[i], json_object_new_string(value));
	if (!strstr(rt->pattern, "{id}"))
		json_object_object_add(o, "id", json_object_new_string(value));
	if (strstr(rt->pattern, "/permissions")) {
		struct json_object *perm = json_object_new_object(), *arr = json_object_new_array();
		json_object_object_add(perm, "module", json_object_new_string(value));
		json_object_object_add(perm, "action", json_object_new_string(value));
		json_object_array_add(arr, perm);
		json_object_object_add(o, "permissions", arr);
	}
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	ck_assert_ptr_nonnull(s);
	return s;
}

static char *deep_json(int depth)
{
	char *s = malloc((size_t)depth * 2 + 16);
	ck_assert_ptr_nonnull(s);
	size_t n = 0;
	for (int i = 0; i < depth; i++)
		s[n++] = '[';
	s[n++] = '1';
	for (int i = 0; i < depth; i++)
		s[n++] = ']';
	s[n] = '\0';
	return s;
}

/* 70 KiB of valid-looking JSON: over the 64 KiB body limit. */
static char *huge_json(void)
{
	size_t len = 70 * 1024;
	char *s = malloc(len + 1);
	ck_assert_ptr_nonnull(s);
	memcpy(s, "{\"name\":\"", 9);
	memset(s + 9, 'a', len - 11);
	memcpy(s + len - 2, "\"}", 3);
	return s;
}

static const char *const broken_json[] = {
	"{\"name\":\"\xff\xfe\xc0\xaf\"}", /* invalid UTF-8 */
	"{\"name\":\"\xed\xa0\x80\"}",     /* an encoded surrogate */
	"{\"level\":1e400}",
	"{\"level\":99999999999999999999}",
	"{\"name\":\"a\",\"name\":\"b\"}",
	"{\"level\":NaN}",
	"{\"level\":-Infinity}",
	"{\"name\":\"a\"} trailing",
	"{\"name\":'single'}",
	"{\"name\":\"\\u0000\"}",
	"{\"name\":\"a\",}",
	"[]",
	"\"just a string\"",
	"null",
	"{",
};

/* Right shape, wrong types, for any resource. */
static const char *const wrong_types[] = {
	"{\"name\":123,\"user_name\":[],\"first_name\":{},\"level\":\"high\",\"state\":\"yes\",\"priority_ids\":\"x\","
	"\"role_id\":42,\"priority_id\":true,\"customer\":\"x\",\"permissions\":\"all\",\"new_password\":1}",
	"{\"level\":1.5,\"max_wait_minutes\":-1,\"priority_ids\":[1,2],\"queue_id\":null,\"state\":null}",
};

static const char *const wrong_content_types[] = {
	"text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
	"application/json-patch+json", "text/csv",
};

START_TEST(test_hostile_json_bodies_are_4xx_problems)
{
	char *deep = deep_json(200), *huge = huge_json();
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct http_route *rt = &api_routes[i];
		char path[256];
		if (!(rt->flags & ROUTE_BODY_JSON))
			continue;
		route_path(rt->pattern, NULL, path, sizeof path);
		const char *m = http_method_name(rt->method);
		for (size_t k = 0; k < sizeof sql_strings / sizeof sql_strings[0]; k++) {
			char *b = injection_body(rt, sql_strings[k]);
			send_hostile(m, path, "application/json", admin_token, NULL, b, strlen(b), EXPECT_4XX);
			free(b);
		}
		for (size_t k = 0; k < sizeof broken_json / sizeof broken_json[0]; k++)
			send_hostile(m, path, "application/json", admin_token, NULL, broken_json[k],
				     strlen(broken_json[k]), EXPECT_4XX);
		for (size_t k = 0; k < sizeof wrong_types / sizeof wrong_types[0]; k++)
			send_hostile(m, path, "application/json", admin_token, NULL, wrong_types[k],
				     strlen(wrong_types[k]), EXPECT_4XX);
		send_hostile(m, path, "application/json", admin_token, NULL, deep, strlen(deep), EXPECT_4XX);
		send_hostile(m, path, "application/json", admin_token, NULL, huge, strlen(huge), EXPECT_4XX);
		send_hostile(m, path, "application/json", admin_token, NULL, "", 0, EXPECT_4XX);
		send_hostile(m, path, NULL, admin_token, NULL, "{}", 2, EXPECT_4XX);
		for (size_t k = 0; k < sizeof wrong_content_types / sizeof wrong_content_types[0]; k++)
			send_hostile(m, path, wrong_content_types[k], admin_token, NULL, "{\"name\":\"x\"}", 12,
				     EXPECT_4XX);
	}
	free(deep);
	free(huge);
}
END_TEST

static const char *const hostile_forms[] = {
	"grant_type=password&username=1'%20OR%20'1'%3D'1&password=x",
	"grant_type=password&username=%27%3B%20DROP%20TABLE%20users%3B%20--&password=%27%20OR%201%3D1",
	"grant_type=password&username=hostile&password=%zz",
	"grant_type=password&username=hostile%00&password=x",
	"grant_type=password&username=%C3%28&password=x",
	"grant_type=password&grant_type=refresh_token&username=hostile&password=x",
	"grant_type=refresh_token&refresh_token=1'%20OR%20'1'%3D'1",
	"grant_type=refresh_token&refresh_token=",
	"refresh_token=%FF%FE",
	"=&&&==&%",
	"grant_type=%",
	"",
};

/* Header rows no import accepts, with hostile data rows: refused as a whole, or every row failed. */
static const char *const hostile_csv[] = {
	"name;dni\n1' OR '1'='1;x\n",
	"dni,first_name,last_name,phone,email,extra\n1,a,b,c,d,e\n",
	"\xff\xfe,\xc0\xaf\n1,2\n",
	"\"dni,first_name\n",
	"",
};

START_TEST(test_hostile_csv_bodies_change_nothing)
{
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct http_route *rt = &api_routes[i];
		if (!(rt->flags & ROUTE_BODY_CSV))
			continue;
		const char *m = http_method_name(rt->method);
		for (size_t k = 0; k < sizeof hostile_csv / sizeof hostile_csv[0]; k++)
			send_hostile(m, rt->pattern, "text/csv", admin_token, NULL, hostile_csv[k], strlen(hostile_csv[k]),
				     EXPECT_NOT_5XX);
		for (size_t k = 0; k < sizeof wrong_content_types / sizeof wrong_content_types[0]; k++)
			if (strcmp(wrong_content_types[k], "text/csv") != 0)
				send_hostile(m, rt->pattern, wrong_content_types[k], admin_token, NULL, "dni\n1\n", 6,
					     EXPECT_4XX);
		send_hostile(m, rt->pattern, "application/json", admin_token, NULL, "{}", 2, EXPECT_4XX);
	}
}
END_TEST

START_TEST(test_hostile_form_bodies_are_4xx)
{
	char *huge = huge_json();
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct http_route *rt = &api_routes[i];
		if (!(rt->flags & ROUTE_BODY_FORM))
			continue;
		const char *m = http_method_name(rt->method);
		/* Logout answers 204 for a refresh token it does not know (nothing to revoke). */
		enum expect ex = is_token_route(rt->pattern) ? EXPECT_4XX : EXPECT_NOT_5XX;
		for (size_t k = 0; k < sizeof hostile_forms / sizeof hostile_forms[0]; k++)
			send_hostile(m, rt->pattern, "application/x-www-form-urlencoded", admin_token, NULL,
				     hostile_forms[k], strlen(hostile_forms[k]), ex);
		send_hostile(m, rt->pattern, "application/x-www-form-urlencoded", admin_token, NULL, huge, strlen(huge),
			     EXPECT_4XX);
		send_hostile(m, rt->pattern, "application/json", admin_token, NULL, "{\"grant_type\":\"password\"}", 26,
			     EXPECT_4XX);
		send_hostile(m, rt->pattern, "text/plain", admin_token, NULL, "grant_type=password", 19, EXPECT_4XX);
		send_hostile(m, rt->pattern, NULL, admin_token, NULL, "grant_type=password", 19, EXPECT_4XX);
	}
	free(huge);
}
END_TEST

/* ---- ids and query strings ---------------------------------------------- */

START_TEST(test_hostile_ids_on_every_route_are_4xx)
{
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct http_route *rt = &api_routes[i];
		if (!strstr(rt->pattern, "{id}"))
			continue;
		for (size_t k = 0; k < sizeof hostile_ids / sizeof hostile_ids[0]; k++) {
			char path[256];
			route_path(rt->pattern, hostile_ids[k], path, sizeof path);
			const char *ct = NULL, *body = NULL;
			if (rt->flags & ROUTE_BODY_JSON) {
				ct = "application/json";
				body = "{}";
			}
			send_hostile(http_method_name(rt->method), path, ct, admin_token, NULL, body, body ? 2 : 0,
				     EXPECT_4XX);
			/* The same without a token: refused before anything is looked up. */
			send_hostile(http_method_name(rt->method), path, ct, NULL, NULL, body, body ? 2 : 0, EXPECT_4XX);
		}
	}
}
END_TEST

/* Refused by every route: the query string itself cannot be decoded. */
static const char *const bad_escapes[] = {
	"limit=%zz", "q=%", "q=%4", "a=%00", "q=%C3%28", "q=%ED%A0%80", "%=1",
};

/* Out of range for a list. */
static const char *const bad_paging[] = {
	"limit=-1", "limit=0", "limit=501", "limit=99999999999999999999", "limit=abc", "limit=1e3",
	"offset=-5", "offset=99999999999999999999", "offset=x", "limit=10&limit=20", "limit=%2B5", "limit=",
};

/* Strange but decodable: any answer but a 5xx. */
static const char *const odd_queries[] = {
	"q=1'%20OR%20'1'%3D'1", "dni=%27%3B%20DROP%20TABLE%20customers%3B%20--", "user_name=admin'--",
	"sort=name;DROP", "sort=-", "sort=%27", "state=maybe", "role_id=1'%20OR%201=1", "status=%25",
	"queue_id=../../etc/passwd", "offset=2147483648", "service_date=9999-99-99", "from=1'&to=2'",
	"unknown=1", "&&&", "=", "limit=500&offset=9223372036854775807",
};

static bool is_list(const char *pattern)
{
	for (size_t i = 0; i < NSNAPSHOT; i++)
		if (strncmp(snapshot_paths[i], pattern, strlen(pattern)) == 0 && snapshot_paths[i][strlen(pattern)] == '?')
			return true;
	return false;
}

START_TEST(test_hostile_query_strings_never_5xx)
{
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct http_route *rt = &api_routes[i];
		if (rt->method != HTTP_GET)
			continue;
		char base[256], path[512];
		route_path(rt->pattern, NULL, base, sizeof base);
		for (size_t k = 0; k < sizeof bad_escapes / sizeof bad_escapes[0]; k++) {
			snprintf(path, sizeof path, "%s?%s", base, bad_escapes[k]);
			send_hostile("GET", path, NULL, admin_token, NULL, NULL, 0, EXPECT_4XX);
		}
		for (size_t k = 0; k < sizeof bad_paging / sizeof bad_paging[0]; k++) {
			snprintf(path, sizeof path, "%s?%s", base, bad_paging[k]);
			send_hostile("GET", path, NULL, admin_token, NULL, NULL, 0,
				     is_list(rt->pattern) ? EXPECT_4XX : EXPECT_NOT_5XX);
		}
		for (size_t k = 0; k < sizeof odd_queries / sizeof odd_queries[0]; k++) {
			snprintf(path, sizeof path, "%s?%s", base, odd_queries[k]);
			send_hostile("GET", path, NULL, admin_token, NULL, NULL, 0, EXPECT_NOT_5XX);
		}
	}
}
END_TEST

/* ---- headers and tokens ------------------------------------------------- */

/* A token with the stack's own key but already expired, and one signed with another key. */
static void make_tokens(char **expired, char **other_key)
{
	struct config cfg;
	struct token_keys k;
	char err[256];

	config_defaults(&cfg);
	ck_assert_msg(config_load(&cfg, it_state_path("turnero.conf"), err, sizeof err) == 0, "config: %s", err);
	ck_assert_msg(token_keys_load(&k, cfg.auth.secret_file, cfg.auth.issuer, cfg.auth.access_ttl, err,
				      sizeof err) == 0,
		      "keys: %s", err);
	long long now = (long long)time(NULL);
	ck_assert_int_eq(token_issue(&k, admin_id, "admin", "admin", now - 2 * k.ttl_seconds - 3600, expired, NULL),
			 0);
	for (size_t i = 0; i < k.secret_len; i++)
		k.secret[i] ^= 0x5a;
	ck_assert_int_eq(token_issue(&k, admin_id, "admin", "admin", now, other_key, NULL), 0);
	explicit_bzero(&k, sizeof k);
}

START_TEST(test_bad_forged_and_expired_tokens_are_401_everywhere)
{
	char *expired = NULL, *other_key = NULL;
	char tampered[4096];
	make_tokens(&expired, &other_key);
	snprintf(tampered, sizeof tampered, "%s", admin_token);
	size_t n = strlen(tampered);
	tampered[n - 2] = tampered[n - 2] == 'A' ? 'B' : 'A';
	const char *tokens[] = {
		"Bearer x",
		"Bearer ",
		"Bearer a.b.c",
		"Bearer a.b.c.d",
		"Basic YWRtaW46aXQtYWRtaW4tcGFzc3dvcmQ=",
		"bearer",
		/* alg none, claims of an admin */
		"Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhNGVmZWE0Ni0zODU4LTRjZDItYTVkOS1kYWFmMjhjM2I5ZmMiLCJyb2xlIjoiYWRtaW4ifQ.",
		/* alg HS512 header on an unsigned body */
		"Bearer eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJ4In0.AAAA",
		expired,
		other_key,
		tampered,
	};
	for (size_t i = 0; i < api_routes_count; i++) {
		const struct http_route *rt = &api_routes[i];
		if (rt->flags & ROUTE_PUBLIC)
			continue;
		char path[256];
		route_path(rt->pattern, NULL, path, sizeof path);
		/* The right content type: body checks come before authentication. */
		const char *ct = NULL, *body = NULL;
		if (rt->flags & ROUTE_BODY_JSON) {
			ct = "application/json";
			body = "{}";
		} else if (rt->flags & ROUTE_BODY_FORM) {
			ct = "application/x-www-form-urlencoded";
			body = "refresh_token=x";
		} else if (rt->flags & ROUTE_BODY_CSV) {
			ct = "text/csv";
			body = "dni,first_name,last_name,phone,email\r\n";
		}
		for (size_t k = 0; k < sizeof tokens / sizeof tokens[0]; k++) {
			char what[320];
			struct it_response r;
			char auth[4200];
			const char *headers[3] = {auth, NULL, NULL};
			snprintf(auth, sizeof auth, "Authorization: %s", tokens[k]);
			if (ct) {
				static char ct_header[128];
				snprintf(ct_header, sizeof ct_header, "Content-Type: %s", ct);
				headers[1] = ct_header;
			}
			snprintf(what, sizeof what, "%s %s with token #%zu", http_method_name(rt->method), path, k);
			int rc = it_request(http_method_name(rt->method), path, headers, body, body ? strlen(body) : 0, &r);
			check_answer(what, path, rc, &r, EXPECT_4XX);
			ck_assert_msg(r.status == 401, "%s: expected 401, got %ld %s", what, r.status, r.body);
			it_response_free(&r);
		}
	}
	free(expired);
	free(other_key);
}
END_TEST

/* name: value with len bytes of value; compressible repeats one letter, else it cycles through many. */
static char *big_header(const char *name, size_t len, bool compressible)
{
	size_t nlen = strlen(name);
	char *h = malloc(nlen + len + 1);
	ck_assert_ptr_nonnull(h);
	memcpy(h, name, nlen);
	for (size_t i = 0; i < len; i++)
		h[nlen + i] = compressible ? 'a' : (char)('!' + (i * 7) % 90);
	h[nlen + len] = '\0';
	return h;
}

START_TEST(test_oversize_headers_never_break_the_service)
{
	for (int compressible = 0; compressible < 2; compressible++) {
		/* An unknown header is ignored when nginx lets it through, or refused with a problem. */
		char *h = big_header("X-Hostile: ", 20 * 1024, compressible);
		send_hostile("GET", BASE "/users", NULL, admin_token, h, NULL, 0, EXPECT_NOT_5XX);
		send_hostile("GET", BASE "/health", NULL, NULL, h, NULL, 0, EXPECT_NOT_5XX);
		free(h);
		/* As a bearer token it is refused either way. */
		h = big_header("Authorization: Bearer ", 20 * 1024, compressible);
		send_hostile("GET", BASE "/users", NULL, NULL, h, NULL, 0, EXPECT_4XX);
		free(h);
	}
	/* A token just over the verifier's limit, well within nginx's buffers. */
	char *h = big_header("Authorization: Bearer ", TOKEN_MAX_BYTES + 1, true);
	send_hostile("GET", BASE "/users", NULL, NULL, h, NULL, 0, EXPECT_4XX);
	free(h);
}
END_TEST

START_TEST(test_nothing_changed_after_the_hostile_run)
{
	char *after[NSNAPSHOT];
	ck_assert_msg(nsent > 1000, "only %zu hostile requests were sent", nsent);
	take_snapshot(after);
	for (size_t i = 0; i < NSNAPSHOT; i++) {
		ck_assert_ptr_nonnull(snapshot_before[i]);
		ck_assert_msg(strcmp(snapshot_before[i], after[i]) == 0, "%s changed:\nbefore %.2000s\nafter  %.2000s",
			      snapshot_paths[i], snapshot_before[i], after[i]);
		free(after[i]);
		free(snapshot_before[i]);
		snapshot_before[i] = NULL;
	}
	printf("hostile requests sent: %zu\n", nsent);
}
END_TEST

int main(void)
{
	it_init();
	/* The admin is made as an operator would: turneroctl create-admin with a password on stdin. */
	if (it_admin_login(admin_token, sizeof admin_token) != 0)
		return 1;
	struct it_response r;
	it_json("GET", BASE "/auth/me", admin_token, NULL, &r);
	if (r.status != 200 || !it_str(&r, "id")) {
		fprintf(stderr, "GET /auth/me: %ld\n", r.status);
		it_response_free(&r);
		return 1;
	}
	snprintf(admin_id, sizeof admin_id, "%s", it_str(&r, "id"));
	it_response_free(&r);

	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("hostile");
	tcase_set_timeout(tc, 600);
	/* Order matters: the snapshot comes first and is compared last. */
	tcase_add_test(tc, test_snapshot_state_before_the_hostile_run);
	tcase_add_test(tc, test_hostile_ids_on_every_route_are_4xx);
	tcase_add_test(tc, test_hostile_json_bodies_are_4xx_problems);
	tcase_add_test(tc, test_hostile_form_bodies_are_4xx);
	tcase_add_test(tc, test_hostile_csv_bodies_change_nothing);
	tcase_add_test(tc, test_hostile_query_strings_never_5xx);
	tcase_add_test(tc, test_bad_forged_and_expired_tokens_are_401_everywhere);
	tcase_add_test(tc, test_oversize_headers_never_break_the_service);
	tcase_add_test(tc, test_nothing_changed_after_the_hostile_run);
	suite_add_tcase(s, tc);
	/* One process: the tests share the token, the snapshot and the request count. */
	return it_run_suite(s);
}
