#include "repo/stmt.h"

#define S(id, sql) [id] = {#id, sql}

static const struct {
	const char *name;
	const char *sql;
} stmts[STMT__MAX] = {
	S(STMT_SELECT_ONE, "SELECT 1"),

	/* users: columns always in USER_COLUMNS order (see user_repo.c) */
	S(STMT_USER_INSERT,
	  "INSERT INTO users (id, user_name, first_name, last_name, password_hash, state, role_id, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_USER_GET_BY_ID, "SELECT u.id, u.user_name, u.first_name, u.last_name, u.state, u.role_id, u.created_date, u.updated_date FROM users u WHERE u.id = ?"),
	S(STMT_USER_ID_BY_NAME, "SELECT id FROM users WHERE user_name = ?"),
	S(STMT_USER_LOGIN_BY_NAME,
	  "SELECT u.id, u.user_name, u.password_hash, u.state, r.name, r.state"
	  " FROM users u JOIN roles r ON r.id = u.role_id WHERE u.user_name = ?"),
	S(STMT_USER_LIST,
	  "SELECT u.id, u.user_name, u.first_name, u.last_name, u.state, u.role_id, u.created_date, u.updated_date FROM users u"
	  " WHERE (? IS NULL OR u.user_name = ?) AND (? IS NULL OR u.role_id = ?) AND (? IS NULL OR u.state = ?)"
	  " ORDER BY CASE WHEN ? = 'user_name' THEN u.user_name END ASC,"
	  " CASE WHEN ? = '-user_name' THEN u.user_name END DESC,"
	  " CASE WHEN ? = 'created_date' THEN u.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN u.created_date END DESC,"
	  " CASE WHEN ? = 'last_name' THEN u.last_name END ASC,"
	  " CASE WHEN ? = '-last_name' THEN u.last_name END DESC,"
	  " u.user_name ASC LIMIT ? OFFSET ?"),
	S(STMT_USER_COUNT,
	  "SELECT COUNT(*) FROM users u"
	  " WHERE (? IS NULL OR u.user_name = ?) AND (? IS NULL OR u.role_id = ?) AND (? IS NULL OR u.state = ?)"),
	S(STMT_USER_UPDATE,
	  "UPDATE users SET user_name = ?, first_name = ?, last_name = ?, state = ?, role_id = ?,"
	  " updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_USER_SET_PASSWORD, "UPDATE users SET password_hash = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_USER_SET_STATE, "UPDATE users SET state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	/* Locks the admins' rows so two concurrent demotions cannot both see another admin left. */
	S(STMT_USER_COUNT_ACTIVE_ADMINS_EXCEPT,
	  "SELECT COUNT(*) FROM users u JOIN roles r ON r.id = u.role_id"
	  " WHERE r.name = 'admin' AND r.state = TRUE AND u.state = TRUE AND u.id <> ? FOR UPDATE"),
	S(STMT_USER_PRINCIPAL,
	  "SELECT u.user_name, u.state, r.id, r.name, r.state, p.module, p.action"
	  " FROM users u JOIN roles r ON r.id = u.role_id"
	  " LEFT JOIN role_permissions p ON p.role_id = r.id WHERE u.id = ?"),

	/* roles */
	S(STMT_ROLE_INSERT,
	  "INSERT INTO roles (id, name, description, state, created_date, updated_date)"
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))"),
	S(STMT_ROLE_GET_BY_ID, "SELECT r.id, r.name, r.description, r.state, r.created_date, r.updated_date FROM roles r WHERE r.id = ?"),
	S(STMT_ROLE_GET_BY_NAME,
	  "SELECT r.id, r.name, r.description, r.state, r.created_date, r.updated_date FROM roles r WHERE r.name = ?"),
	S(STMT_ROLE_LIST,
	  "SELECT r.id, r.name, r.description, r.state, r.created_date, r.updated_date FROM roles r WHERE (? IS NULL OR r.name = ?) AND (? IS NULL OR r.state = ?)"
	  " ORDER BY CASE WHEN ? = 'name' THEN r.name END ASC, CASE WHEN ? = '-name' THEN r.name END DESC,"
	  " CASE WHEN ? = 'created_date' THEN r.created_date END ASC,"
	  " CASE WHEN ? = '-created_date' THEN r.created_date END DESC, r.name ASC LIMIT ? OFFSET ?"),
	S(STMT_ROLE_COUNT, "SELECT COUNT(*) FROM roles r WHERE (? IS NULL OR r.name = ?) AND (? IS NULL OR r.state = ?)"),
	S(STMT_ROLE_UPDATE,
	  "UPDATE roles SET name = ?, description = ?, state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_ROLE_SET_STATE, "UPDATE roles SET state = ?, updated_date = UTC_TIMESTAMP(3) WHERE id = ?"),
	S(STMT_ROLE_PERMISSIONS,
	  "SELECT module, action FROM role_permissions WHERE role_id = ?"
	  " ORDER BY FIELD(module, 'users', 'roles', 'priorities', 'queues', 'customers', 'tickets', 'reports'),"
	  " FIELD(action, 'create', 'read', 'update', 'delete')"),
	S(STMT_ROLE_PERMISSIONS_CLEAR, "DELETE FROM role_permissions WHERE role_id = ?"),
	S(STMT_ROLE_PERMISSION_ADD, "INSERT INTO role_permissions (role_id, module, action) VALUES (?, ?, ?)"),
	S(STMT_ROLE_LOCK, "SELECT name FROM roles WHERE id = ? FOR UPDATE"),
	S(STMT_PERMISSION_LIST,
	  "SELECT module, action FROM permissions"
	  " ORDER BY FIELD(module, 'users', 'roles', 'priorities', 'queues', 'customers', 'tickets', 'reports'),"
	  " FIELD(action, 'create', 'read', 'update', 'delete')"),

	/* login throttling: the 5th most recent failure inside the window decides the lock */
	S(STMT_LOGIN_FAILURE_ADD, "INSERT INTO login_failures (user_name, failed_at) VALUES (?, UTC_TIMESTAMP(3))"),
	S(STMT_LOGIN_FAILURE_FIFTH_RECENT,
	  "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(3), failed_at + INTERVAL ? SECOND) FROM login_failures"
	  " WHERE user_name = ? AND failed_at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND"
	  " ORDER BY failed_at DESC LIMIT 1 OFFSET ?"),
	S(STMT_LOGIN_FAILURE_CLEAR, "DELETE FROM login_failures WHERE user_name = ?"),

	/* refresh tokens */
	S(STMT_REFRESH_INSERT,
	  "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at, created_date)"
	  " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3) + INTERVAL ? SECOND, UTC_TIMESTAMP(3))"),
	S(STMT_REFRESH_GET_FOR_UPDATE,
	  "SELECT id, family_id, user_id, UNIX_TIMESTAMP(expires_at), rotated_at IS NOT NULL, revoked_at IS NOT NULL"
	  " FROM refresh_tokens WHERE token_hash = ? FOR UPDATE"),
	S(STMT_REFRESH_MARK_ROTATED,
	  "UPDATE refresh_tokens SET rotated_at = UTC_TIMESTAMP(3) WHERE id = ? AND rotated_at IS NULL"),
	S(STMT_REFRESH_REVOKE_FAMILY,
	  "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE family_id = ? AND revoked_at IS NULL"),
	S(STMT_REFRESH_REVOKE_USER,
	  "UPDATE refresh_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE user_id = ? AND revoked_at IS NULL"),
};

const char *stmt_sql(enum stmt_id id)
{
	return (unsigned)id < STMT__MAX ? stmts[id].sql : "";
}

const char *stmt_name(enum stmt_id id)
{
	return (unsigned)id < STMT__MAX ? stmts[id].name : "STMT_?";
}
