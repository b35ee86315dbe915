/* Refresh tokens: opaque random strings, stored only as their SHA-256. */
#ifndef TURNERO_SVC_REFRESH_H
#define TURNERO_SVC_REFRESH_H

#include <stdbool.h>

#define REFRESH_TOKEN_LEN 43 /* 256 bits base64url without padding */
#define REFRESH_HASH_LEN 64  /* lowercase hex SHA-256 */

/*
 * A new token: 256 bits from getrandom(), base64url without padding.
 * [out] out: REFRESH_TOKEN_LEN characters and a NUL on 0; "" on -1 (no
 * randomness available).
 */
int refresh_generate(char out[REFRESH_TOKEN_LEN + 1]);

/*
 * The value to store and look up: lowercase hex SHA-256 of the token string
 * (NULL hashes as ""). [out] out: REFRESH_HASH_LEN characters and a NUL, or ""
 * if the digest could not be computed (which then matches no row).
 */
void refresh_hash(const char *token, char out[REFRESH_HASH_LEN + 1]);

/* Cheap shape check before any lookup: exactly REFRESH_TOKEN_LEN base64url characters. NULL is false. */
bool refresh_well_formed(const char *token);

/* What the store knows about a presented token. */
struct refresh_row {
	bool found;
	bool revoked;
	bool rotated; /* already exchanged for a newer one */
	long long expires_at; /* unix seconds */
};

enum refresh_decision {
	REFRESH_ROTATE,		   /* issue a new pair, mark this one rotated */
	REFRESH_INVALID,	   /* invalid_grant, nothing else changes */
	REFRESH_REUSE_REVOKE_FAMILY /* a used token came back: revoke the family, then invalid_grant */
};

/*
 * The rotation rule, in this order: NULL or not found, revoked, or expired
 * (now >= expires_at) -> REFRESH_INVALID; rotated -> REFRESH_REUSE_REVOKE_FAMILY;
 * otherwise REFRESH_ROTATE.
 */
enum refresh_decision refresh_decide(const struct refresh_row *r, long long now);

#endif
