/* Login failures (throttling) and refresh tokens (stored as SHA-256) in SQL. */
#ifndef TURNERO_AUTH_REPO_H
#define TURNERO_AUTH_REPO_H

#include <stdbool.h>

#include "common/ids.h"

struct db;

long long repo_login_failure_add(struct db *db, const char *user_name);
/*
 * Seconds until the user name may try again: the age limit of the max_failures-th
 * most recent failure inside window_seconds. 0 when not locked; negative db_status.
 */
long long repo_login_locked_for(struct db *db, const char *user_name, long window_seconds, long max_failures);
long long repo_login_failures_clear(struct db *db, const char *user_name);

struct refresh_rec {
	char id[UUID_STR_LEN];
	char family_id[UUID_STR_LEN];
	char user_id[UUID_STR_LEN];
	long long expires_at; /* unix seconds */
	bool rotated;
	bool revoked;
};

long long repo_refresh_insert(struct db *db, const char *id, const char *family_id, const char *user_id,
			      const char *token_hash, long ttl_seconds);
/* Locks and reads the token with this hash; 1 found, 0 none. */
long long repo_refresh_get_for_update(struct db *db, const char *token_hash, struct refresh_rec *out);
/* 1 when this call rotated it, 0 when it already was. */
long long repo_refresh_mark_rotated(struct db *db, const char *id);
long long repo_refresh_revoke_family(struct db *db, const char *family_id);
long long repo_refresh_revoke_user(struct db *db, const char *user_id);

#endif
