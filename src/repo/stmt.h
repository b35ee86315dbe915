/*
 * Every SQL statement the workers run, in one registry. Each connection prepares a
 * statement the first time it is used and keeps it until the connection is lost.
 */
#ifndef TURNERO_STMT_H
#define TURNERO_STMT_H

enum stmt_id {
	STMT_SELECT_ONE,
	/* users */
	STMT_USER_INSERT,
	STMT_USER_GET_BY_ID,
	STMT_USER_ID_BY_NAME,
	STMT_USER_LOGIN_BY_NAME,
	STMT_USER_LIST,
	STMT_USER_COUNT,
	STMT_USER_UPDATE,
	STMT_USER_SET_PASSWORD,
	STMT_USER_SET_STATE,
	STMT_USER_COUNT_ACTIVE_ADMINS_EXCEPT,
	STMT_USER_PRINCIPAL,
	/* roles and permissions */
	STMT_ROLE_INSERT,
	STMT_ROLE_GET_BY_ID,
	STMT_ROLE_GET_BY_NAME,
	STMT_ROLE_LIST,
	STMT_ROLE_COUNT,
	STMT_ROLE_UPDATE,
	STMT_ROLE_SET_STATE,
	STMT_ROLE_PERMISSIONS,
	STMT_ROLE_PERMISSIONS_CLEAR,
	STMT_ROLE_PERMISSION_ADD,
	STMT_ROLE_LOCK,
	STMT_PERMISSION_LIST,
	/* login throttling and refresh tokens */
	STMT_LOGIN_FAILURE_ADD,
	STMT_LOGIN_FAILURE_FIFTH_RECENT,
	STMT_LOGIN_FAILURE_CLEAR,
	STMT_REFRESH_INSERT,
	STMT_REFRESH_GET_FOR_UPDATE,
	STMT_REFRESH_MARK_ROTATED,
	STMT_REFRESH_REVOKE_FAMILY,
	STMT_REFRESH_REVOKE_USER,
	STMT__MAX
};

/* The SQL text of id; never NULL for a valid id. */
const char *stmt_sql(enum stmt_id id);
/* A short name for logs ("STMT_TICKET_INSERT"). */
const char *stmt_name(enum stmt_id id);

#endif
