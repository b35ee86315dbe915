/*
 * THE route table: every endpoint, its handler and the permission it needs.
 * Dispatch derives 404, 405 + Allow, body rules and RBAC from it; openapi.yaml
 * documents exactly these routes (a test checks both ways).
 */
#include "api/api.h"

#define R(method, pattern, handler, module, action, flags) {method, pattern, handler, module, action, flags}
/* No token at all. */
#define PUBLIC(method, pattern, handler, flags) R(method, pattern, handler, PERM_NONE, PERM_READ, ROUTE_PUBLIC | (flags))
/* Any authenticated user; the handler may check more. */
#define SIGNED_IN(method, pattern, handler, flags) R(method, pattern, handler, PERM_NONE, PERM_READ, (flags))

#define JSON ROUTE_BODY_JSON
#define FORM ROUTE_BODY_FORM

const struct http_route api_routes[] = {
	PUBLIC(HTTP_GET, "/api/v1/health", api_health_get, 0),
	PUBLIC(HTTP_GET, "/api/v1/metrics", api_metrics_get, ROUTE_LOOPBACK),

	PUBLIC(HTTP_POST, "/api/v1/auth/token", api_auth_token, FORM),
	SIGNED_IN(HTTP_POST, "/api/v1/auth/logout", api_auth_logout, FORM),
	SIGNED_IN(HTTP_GET, "/api/v1/auth/me", api_auth_me, 0),

	R(HTTP_GET, "/api/v1/users", api_users_list, PERM_USERS, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/users", api_users_create, PERM_USERS, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/users/{id}", api_users_get, PERM_USERS, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/users/{id}", api_users_patch, PERM_USERS, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/users/{id}", api_users_delete, PERM_USERS, PERM_DELETE, 0),
	/* Own password for anyone signed in; another user's needs users:update (checked in the handler). */
	SIGNED_IN(HTTP_PUT, "/api/v1/users/{id}/password", api_users_password, JSON),

	R(HTTP_GET, "/api/v1/roles", api_roles_list, PERM_ROLES, PERM_READ, 0),
	R(HTTP_POST, "/api/v1/roles", api_roles_create, PERM_ROLES, PERM_CREATE, JSON),
	R(HTTP_GET, "/api/v1/roles/{id}", api_roles_get, PERM_ROLES, PERM_READ, 0),
	R(HTTP_PATCH, "/api/v1/roles/{id}", api_roles_patch, PERM_ROLES, PERM_UPDATE, JSON),
	R(HTTP_DELETE, "/api/v1/roles/{id}", api_roles_delete, PERM_ROLES, PERM_DELETE, 0),
	R(HTTP_GET, "/api/v1/roles/{id}/permissions", api_roles_permissions_get, PERM_ROLES, PERM_READ, 0),
	R(HTTP_PUT, "/api/v1/roles/{id}/permissions", api_roles_permissions_put, PERM_ROLES, PERM_UPDATE, JSON),
	R(HTTP_GET, "/api/v1/permissions", api_permissions_list, PERM_ROLES, PERM_READ, 0),
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];
