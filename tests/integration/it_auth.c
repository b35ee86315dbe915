/* Identity and access through real nginx, workers and MariaDB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static char admin_token[4096];
static char admin_id[64];
static const char *admin_password;

static int form_post(const char *path, const char *token, const char *body, struct it_response *r)
{
	char auth[4200];
	const char *headers[3] = {"Content-Type: application/x-www-form-urlencoded", NULL, NULL};
	if (token) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		headers[1] = auth;
	}
	return it_request("POST", path, headers, body, strlen(body), r);
}

static long get(const char *path, const char *token, struct it_response *r)
{
	it_json("GET", path, token, NULL, r);
	return r->status;
}

/* Creates a user and returns its id (static buffer). */
static const char *create_user(const char *name, const char *password, const char *role_id)
{
	static char id[64];
	char body[512];
	struct it_response r;
	snprintf(body, sizeof body,
		 "{\"user_name\":\"%s\",\"first_name\":\"Test\",\"last_name\":\"User\",\"password\":\"%s\",\"role_id\":\"%s\"}",
		 name, password, role_id);
	it_json("POST", "/api/v1/users", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "create %s: %ld %s", name, r.status, r.body);
	snprintf(id, sizeof id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	return id;
}

static const char *create_role(const char *name, const char *permissions_json)
{
	static char id[64];
	char body[1024], path[128];
	struct it_response r;
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"description\":\"test role\"}", name);
	it_json("POST", "/api/v1/roles", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "create role: %ld %s", r.status, r.body);
	snprintf(id, sizeof id, "%s", it_str(&r, "id"));
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/roles/%s/permissions", id);
	snprintf(body, sizeof body, "{\"permissions\":%s}", permissions_json);
	it_json("PUT", path, admin_token, body, &r);
	ck_assert_msg(r.status == 200, "set permissions: %ld %s", r.status, r.body);
	it_response_free(&r);
	return id;
}

#define RECEPTIONIST_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000004"
#define ADMIN_ROLE "6f1c0a3e-0a51-4c55-9a0e-000000000001"

static void setup_admin(void)
{
	/* main() logged the admin in; this learns its id once. */
	if (admin_id[0])
		return;
	struct it_response r;
	ck_assert_int_eq(get("/api/v1/auth/me", admin_token, &r), 200);
	snprintf(admin_id, sizeof admin_id, "%s", it_str(&r, "id"));
	it_response_free(&r);
}

START_TEST(test_password_grant_returns_bearer_pair_no_store)
{
	struct it_response r;
	char body[256];
	snprintf(body, sizeof body, "grant_type=password&username=admin&password=%s", admin_password);
	form_post("/api/v1/auth/token", NULL, body, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "token_type"), "bearer");
	ck_assert_ptr_nonnull(it_str(&r, "access_token"));
	ck_assert_int_eq(strlen(it_str(&r, "refresh_token")), 43);
	struct json_object *v;
	ck_assert(json_object_object_get_ex(r.json, "expires_in", &v));
	ck_assert_int_eq(json_object_get_int(v), 900);
	char *cc = it_header(&r, "Cache-Control");
	ck_assert_str_eq(cc, "no-store");
	free(cc);
	it_response_free(&r);
}
END_TEST

START_TEST(test_bad_grants_follow_rfc6749)
{
	struct it_response r;
	form_post("/api/v1/auth/token", NULL, "grant_type=password&username=admin&password=wrong-password", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(it_str(&r, "error"), "invalid_grant");
	it_response_free(&r);
	form_post("/api/v1/auth/token", NULL, "grant_type=password&username=nobody-here&password=whatever1", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(it_str(&r, "error"), "invalid_grant");
	it_response_free(&r);
	form_post("/api/v1/auth/token", NULL, "username=admin&password=x", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(it_str(&r, "error"), "invalid_request");
	it_response_free(&r);
	form_post("/api/v1/auth/token", NULL, "grant_type=client_credentials", &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(it_str(&r, "error"), "unsupported_grant_type");
	it_response_free(&r);
	it_json("POST", "/api/v1/auth/token", NULL, "{\"grant_type\":\"password\"}", &r);
	it_assert_problem(&r, 415);
	it_response_free(&r);
}
END_TEST

START_TEST(test_five_failures_lock_the_name_even_for_the_right_password)
{
	setup_admin();
	create_user(it_unique("throttled.user"), "correct-horse-1", RECEPTIONIST_ROLE);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(it_login(it_unique("throttled.user"), "wrong-password", NULL, 0, NULL, 0), 400);
	struct it_response r;
	char body[256];
	snprintf(body, sizeof body, "grant_type=password&username=%s&password=correct-horse-1", it_unique("throttled.user"));
	form_post("/api/v1/auth/token", NULL, body, &r);
	it_assert_problem(&r, 429);
	char *retry = it_header(&r, "Retry-After");
	ck_assert_ptr_nonnull(retry);
	ck_assert_int_gt(atol(retry), 0);
	ck_assert_int_le(atol(retry), 15 * 60);
	free(retry);
	it_response_free(&r);
	/* Another name is not affected. */
	ck_assert_int_eq(it_login("admin", admin_password, NULL, 0, NULL, 0), 200);
}
END_TEST

START_TEST(test_refresh_rotates_and_reuse_revokes_the_family)
{
	char access[4096], first[64], second[64], body[256];
	struct it_response r;
	ck_assert_int_eq(it_login("admin", admin_password, access, sizeof access, first, sizeof first), 200);
	snprintf(body, sizeof body, "grant_type=refresh_token&refresh_token=%s", first);
	form_post("/api/v1/auth/token", NULL, body, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(second, sizeof second, "%s", it_str(&r, "refresh_token"));
	ck_assert_str_ne(first, second);
	it_response_free(&r);

	/* The first token again: refused, and its whole family with it. */
	form_post("/api/v1/auth/token", NULL, body, &r);
	ck_assert_int_eq(r.status, 400);
	ck_assert_str_eq(it_str(&r, "error"), "invalid_grant");
	it_response_free(&r);
	snprintf(body, sizeof body, "grant_type=refresh_token&refresh_token=%s", second);
	form_post("/api/v1/auth/token", NULL, body, &r);
	ck_assert_int_eq(r.status, 400);
	it_response_free(&r);
}
END_TEST

START_TEST(test_logout_revokes_the_refresh_token)
{
	char access[4096], refresh[64], body[256];
	struct it_response r;
	ck_assert_int_eq(it_login("admin", admin_password, access, sizeof access, refresh, sizeof refresh), 200);
	snprintf(body, sizeof body, "refresh_token=%s", refresh);
	form_post("/api/v1/auth/logout", access, body, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	snprintf(body, sizeof body, "grant_type=refresh_token&refresh_token=%s", refresh);
	form_post("/api/v1/auth/token", NULL, body, &r);
	ck_assert_int_eq(r.status, 400);
	it_response_free(&r);
	form_post("/api/v1/auth/logout", NULL, "refresh_token=x", &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);
}
END_TEST

START_TEST(test_missing_or_forged_tokens_are_401_with_challenge)
{
	struct it_response r;
	get("/api/v1/auth/me", NULL, &r);
	it_assert_problem(&r, 401);
	char *challenge = it_header(&r, "WWW-Authenticate");
	ck_assert_ptr_nonnull(challenge);
	ck_assert_int_eq(strncmp(challenge, "Bearer", 6), 0);
	free(challenge);
	it_response_free(&r);

	const char *forged[] = {
		"garbage",
		/* alg none */
		"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhNGVmZWE0Ni0zODU4LTRjZDItYTVkOS1kYWFmMjhjM2I5ZmMiLCJyb2xlIjoiYWRtaW4ifQ.",
	};
	for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
		get("/api/v1/users", forged[i], &r);
		it_assert_problem(&r, 401);
		it_response_free(&r);
	}
	/* A valid token with one signature character changed. */
	setup_admin();
	char tampered[4096];
	snprintf(tampered, sizeof tampered, "%s", admin_token);
	size_t n = strlen(tampered);
	tampered[n - 2] = tampered[n - 2] == 'A' ? 'B' : 'A';
	get("/api/v1/users", tampered, &r);
	it_assert_problem(&r, 401);
	it_response_free(&r);
}
END_TEST

START_TEST(test_partial_role_gets_403_outside_its_modules)
{
	setup_admin();
	create_user(it_unique("front.desk"), "front-desk-pw", RECEPTIONIST_ROLE);
	char token[4096];
	ck_assert_int_eq(it_login(it_unique("front.desk"), "front-desk-pw", token, sizeof token, NULL, 0), 200);
	struct it_response r;
	get("/api/v1/users", token, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	get("/api/v1/roles", token, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	it_json("POST", "/api/v1/users", token, "{}", &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	ck_assert_int_eq(get("/api/v1/auth/me", token, &r), 200);
	ck_assert_str_eq(it_str(&r, "user_name"), it_unique("front.desk"));
	ck_assert_ptr_null(it_str(&r, "password"));
	ck_assert_ptr_null(strstr(r.body, "argon2"));
	it_response_free(&r);
}
END_TEST

/* Polls until path answers want with this token (bounded by 5 s plus slack). */
static long poll_status(const char *path, const char *token, long want)
{
	long last = 0;
	for (int i = 0; i < 60; i++) {
		struct it_response r;
		last = get(path, token, &r);
		it_response_free(&r);
		if (last == want)
			return last;
		it_sleep_ms(100);
	}
	return last;
}

START_TEST(test_permission_change_and_deactivation_bite_within_5s)
{
	setup_admin();
	const char *role = create_role(it_unique("auditor"), "[{\"module\":\"reports\",\"action\":\"read\"}]");
	char role_id[64], user_id[64], path[160], token[4096];
	snprintf(role_id, sizeof role_id, "%s", role);
	snprintf(user_id, sizeof user_id, "%s", create_user(it_unique("auditor.one"), "auditor-pw-1", role_id));
	ck_assert_int_eq(it_login(it_unique("auditor.one"), "auditor-pw-1", token, sizeof token, NULL, 0), 200);
	struct it_response r;
	get("/api/v1/roles", token, &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);

	/* Grant roles:read: the existing token gains it within 5 s. */
	snprintf(path, sizeof path, "/api/v1/roles/%s/permissions", role_id);
	it_json("PUT", path, admin_token,
		"{\"permissions\":[{\"module\":\"reports\",\"action\":\"read\"},{\"module\":\"roles\",\"action\":\"read\"}]}",
		&r);
	ck_assert_int_eq(r.status, 200);
	it_response_free(&r);
	ck_assert_int_eq(poll_status("/api/v1/roles", token, 200), 200);

	/* Deactivate the user: the same token stops working within 5 s. */
	snprintf(path, sizeof path, "/api/v1/users/%s", user_id);
	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	ck_assert_int_eq(poll_status("/api/v1/auth/me", token, 401), 401);
	ck_assert_int_eq(it_login(it_unique("auditor.one"), "auditor-pw-1", NULL, 0, NULL, 0), 400);
}
END_TEST

START_TEST(test_user_crud_validation_and_conflicts)
{
	setup_admin();
	struct it_response r;
	/* Every invalid field is named at once. */
	it_json("POST", "/api/v1/users", admin_token,
		"{\"user_name\":\"No Spaces\",\"first_name\":\"\",\"last_name\":\"X\",\"password\":\"short\","
		"\"role_id\":\"not-a-uuid\",\"id\":\"00000000-0000-4000-8000-000000000000\"}",
		&r);
	it_assert_problem(&r, 422);
	const char *fields[] = {"user_name", "first_name", "role_id", "id"};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		char needle[64];
		snprintf(needle, sizeof needle, "\"field\":\"%s\"", fields[i]);
		ck_assert_msg(strstr(r.body, needle), "422 names %s: %s", fields[i], r.body);
	}
	it_response_free(&r);

	char body[512];
	snprintf(body, sizeof body,
		 "{\"user_name\":\"%s\",\"first_name\":\"Robert'); DROP TABLE users;--\",\"last_name\":\"P\u00e9rez\","
		 "\"password\":\"long-enough-pw\",\"role_id\":\"" RECEPTIONIST_ROLE "\"}",
		 it_unique("maria.p"));
	it_json("POST", "/api/v1/users", admin_token, body, &r);
	ck_assert_msg(r.status == 201, "%s", r.body);
	char id[64], path[128];
	snprintf(id, sizeof id, "%s", it_str(&r, "id"));
	char *location = it_header(&r, "Location");
	ck_assert_ptr_nonnull(location);
	ck_assert_ptr_nonnull(strstr(location, id));
	free(location);
	ck_assert_ptr_null(strstr(r.body, "password"));
	it_response_free(&r);

	snprintf(path, sizeof path, "/api/v1/users/%s", id);
	ck_assert_int_eq(get(path, admin_token, &r), 200);
	ck_assert_str_eq(it_str(&r, "first_name"), "Robert'); DROP TABLE users;--");
	ck_assert_str_eq(it_str(&r, "last_name"), "P\xc3\xa9rez");
	it_response_free(&r);

	it_json("POST", "/api/v1/users", admin_token, body, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);

	it_json("PATCH", path, admin_token, "{\"password\":\"new-password-1\"}", &r);
	it_assert_problem(&r, 422);
	it_response_free(&r);
	it_json("PATCH", path, admin_token, "{\"first_name\":\"Maria\",\"state\":true}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(it_str(&r, "first_name"), "Maria");
	it_response_free(&r);

	char query[128];
	snprintf(query, sizeof query, "/api/v1/users?user_name=%s", it_unique("maria.p"));
	ck_assert_int_eq(get(query, admin_token, &r), 200);
	struct json_object *total;
	ck_assert(json_object_object_get_ex(r.json, "total", &total));
	ck_assert_int_eq(json_object_get_int(total), 1);
	it_response_free(&r);

	const char *bad_lists[] = {"/api/v1/users?limit=0", "/api/v1/users?limit=501", "/api/v1/users?offset=-1",
				   "/api/v1/users?sort=password_hash", "/api/v1/users?bogus=1", "/api/v1/users?state=maybe"};
	for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
		get(bad_lists[i], admin_token, &r);
		it_assert_problem(&r, 422);
		it_response_free(&r);
	}

	get("/api/v1/users/00000000-0000-4000-8000-000000000000", admin_token, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);
	get("/api/v1/users/1%27%20OR%201=1", admin_token, &r);
	it_assert_problem(&r, 404);
	it_response_free(&r);

	it_json("DELETE", path, admin_token, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	get(path, admin_token, &r);
	ck_assert(json_object_get_boolean(json_object_object_get(r.json, "state")) == 0);
	it_response_free(&r);
}
END_TEST

START_TEST(test_last_admin_cannot_deactivate_or_demote_self)
{
	setup_admin();
	char path[128];
	struct it_response r;
	snprintf(path, sizeof path, "/api/v1/users/%s", admin_id);
	it_json("DELETE", path, admin_token, NULL, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	it_json("PATCH", path, admin_token, "{\"role_id\":\"" RECEPTIONIST_ROLE "\"}", &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	it_json("PATCH", "/api/v1/roles/" ADMIN_ROLE, admin_token, "{\"state\":false}", &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	ck_assert_int_eq(get("/api/v1/auth/me", admin_token, &r), 200);
	it_response_free(&r);
}
END_TEST

START_TEST(test_role_crud_and_duplicates)
{
	setup_admin();
	struct it_response r;
	create_role(it_unique("night.shift"), "[]");
	char body[128];
	snprintf(body, sizeof body, "{\"name\":\"%s\"}", it_unique("night.shift"));
	it_json("POST", "/api/v1/roles", admin_token, body, &r);
	it_assert_problem(&r, 409);
	it_response_free(&r);
	it_json("POST", "/api/v1/roles", admin_token, "{\"name\":\"\",\"colour\":\"red\"}", &r);
	it_assert_problem(&r, 422);
	ck_assert_ptr_nonnull(strstr(r.body, "\"field\":\"name\""));
	ck_assert_ptr_nonnull(strstr(r.body, "\"field\":\"colour\""));
	it_response_free(&r);
	it_json("PUT", "/api/v1/roles/" RECEPTIONIST_ROLE "/permissions", admin_token,
		"{\"permissions\":[{\"module\":\"tickets\",\"action\":\"fly\"}]}", &r);
	it_assert_problem(&r, 422);
	it_response_free(&r);
	ck_assert_int_eq(get("/api/v1/permissions", admin_token, &r), 200);
	struct json_object *perms;
	ck_assert(json_object_object_get_ex(r.json, "permissions", &perms));
	ck_assert_int_eq(json_object_array_length(perms), 32); /* 8 modules x 4 actions */
	it_response_free(&r);
}
END_TEST

START_TEST(test_body_errors_are_400_413_and_change_nothing)
{
	setup_admin();
	struct it_response r;
	it_json("POST", "/api/v1/roles", admin_token, "{\"name\":\"x\",", &r);
	it_assert_problem(&r, 400);
	it_response_free(&r);
	it_json("POST", "/api/v1/roles", admin_token, "{\"name\":\"dup1\",\"name\":\"dup2\"}", &r);
	it_assert_problem(&r, 400);
	it_response_free(&r);
	it_json("POST", "/api/v1/roles", admin_token, "{\"name\":NaN}", &r);
	it_assert_problem(&r, 400);
	it_response_free(&r);
	size_t big = 70 * 1024;
	char *body = malloc(big + 64);
	snprintf(body, big + 64, "{\"name\":\"");
	memset(body + strlen(body), 'a', big);
	strcpy(body + 9 + big, "\"}");
	it_json("POST", "/api/v1/roles", admin_token, body, &r);
	it_assert_problem(&r, 413);
	it_response_free(&r);
	free(body);
	ck_assert_int_eq(get("/api/v1/roles?name=dup2", admin_token, &r), 200);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(r.json, "total")), 0);
	it_response_free(&r);
}
END_TEST

START_TEST(test_password_change_rules)
{
	setup_admin();
	char id[64], path[128], token[4096];
	struct it_response r;
	snprintf(id, sizeof id, "%s", create_user(it_unique("pw.changer"), "first-password", RECEPTIONIST_ROLE));
	ck_assert_int_eq(it_login(it_unique("pw.changer"), "first-password", token, sizeof token, NULL, 0), 200);
	snprintf(path, sizeof path, "/api/v1/users/%s/password", id);
	it_json("PUT", path, token, "{\"current_password\":\"not-it-at-all\",\"new_password\":\"second-password\"}", &r);
	it_assert_problem(&r, 422);
	ck_assert_ptr_nonnull(strstr(r.body, "current_password"));
	it_response_free(&r);
	it_json("PUT", path, token, "{\"current_password\":\"first-password\",\"new_password\":\"second-password\"}", &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	ck_assert_int_eq(it_login(it_unique("pw.changer"), "second-password", NULL, 0, NULL, 0), 200);
	/* Someone else's password needs users:update; an admin needs no current password. */
	snprintf(path, sizeof path, "/api/v1/users/%s/password", admin_id);
	it_json("PUT", path, token, "{\"new_password\":\"taken-over-pw\"}", &r);
	it_assert_problem(&r, 403);
	it_response_free(&r);
	snprintf(path, sizeof path, "/api/v1/users/%s/password", id);
	it_json("PUT", path, admin_token, "{\"new_password\":\"third-password\"}", &r);
	ck_assert_int_eq(r.status, 204);
	it_response_free(&r);
	ck_assert_int_eq(it_login(it_unique("pw.changer"), "third-password", NULL, 0, NULL, 0), 200);
	char longpw[1100];
	memset(longpw, 'x', 1025);
	longpw[1025] = '\0';
	char body[1200];
	snprintf(body, sizeof body, "{\"new_password\":\"%s\"}", longpw);
	it_json("PUT", path, admin_token, body, &r);
	it_assert_problem(&r, 422);
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
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("identity");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_password_grant_returns_bearer_pair_no_store);
	tcase_add_test(tc, test_bad_grants_follow_rfc6749);
	tcase_add_test(tc, test_five_failures_lock_the_name_even_for_the_right_password);
	tcase_add_test(tc, test_refresh_rotates_and_reuse_revokes_the_family);
	tcase_add_test(tc, test_logout_revokes_the_refresh_token);
	tcase_add_test(tc, test_missing_or_forged_tokens_are_401_with_challenge);
	tcase_add_test(tc, test_partial_role_gets_403_outside_its_modules);
	tcase_add_test(tc, test_permission_change_and_deactivation_bite_within_5s);
	tcase_add_test(tc, test_user_crud_validation_and_conflicts);
	tcase_add_test(tc, test_last_admin_cannot_deactivate_or_demote_self);
	tcase_add_test(tc, test_role_crud_and_duplicates);
	tcase_add_test(tc, test_body_errors_are_400_413_and_change_nothing);
	tcase_add_test(tc, test_password_change_rules);
	suite_add_tcase(s, tc);
	/* One process: tests share the admin token and the users they create. */
	return it_run_suite(s);
}
