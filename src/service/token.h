/* Access tokens: HS256 JWTs issued and checked with our own secret only. */
#ifndef TURNERO_SVC_TOKEN_H
#define TURNERO_SVC_TOKEN_H

#include <stddef.h>

#include "common/ids.h"

#define TOKEN_SECRET_MIN_BYTES 32
#define TOKEN_SECRET_MAX_BYTES 256
#define TOKEN_MAX_BYTES 4096
#define TOKEN_LEEWAY_DEFAULT 30
#define TOKEN_LEEWAY_MAX 60

struct token_keys {
	unsigned char secret[TOKEN_SECRET_MAX_BYTES];
	size_t secret_len;
	char issuer[64];
	long ttl_seconds;
	long leeway_seconds; /* clock skew allowed on exp/nbf/iat; clamped to 0..TOKEN_LEEWAY_MAX */
};

/*
 * Fills k from a secret file (raw bytes, one trailing newline stripped), the
 * issuer (1-63 bytes) and the access-token lifetime ttl (> 0 seconds);
 * leeway_seconds is set to TOKEN_LEEWAY_DEFAULT and may be changed after.
 * Refuses an unreadable file and a secret shorter than TOKEN_SECRET_MIN_BYTES
 * or longer than TOKEN_SECRET_MAX_BYTES. Returns 0, or -1 with a one-line
 * reason in err (errlen bytes, may be 0) and k wiped.
 */
int token_keys_load(struct token_keys *k, const char *secret_path, const char *issuer, long ttl, char *err,
		    size_t errlen);

#define TOKEN_CLAIM_STR_SIZE 64 /* name and role, NUL included */

/* What a valid token says; strings are NUL-terminated. */
struct token_claims {
	char sub[UUID_STR_LEN];			  /* user id (UUID) */
	char name[TOKEN_CLAIM_STR_SIZE]; /* user name */
	char role[TOKEN_CLAIM_STR_SIZE]; /* role name */
	char jti[UUID_STR_LEN];			  /* token id (UUID) */
	long long iat;
	long long exp;
};

/*
 * Issues an HS256 JWT with claims sub, name, role, iat = now,
 * exp = now + k->ttl_seconds, a random jti and iss = k->issuer. sub must be a
 * lowercase UUID, name and role 1-63 bytes. now is the current unix time
 * (injectable for tests).
 * [out] out: set to NULL first; on 0 a malloc'd token the caller frees.
 * [out] claims_out: may be NULL; on 0 the claims written into the token.
 * Returns 0, or -1 on bad arguments or no memory.
 */
int token_issue(const struct token_keys *k, const char *sub, const char *name, const char *role, long long now,
		char **out, struct token_claims *claims_out);

enum token_status {
	TOKEN_OK,
	TOKEN_MALFORMED,
	TOKEN_BAD_SIGNATURE,
	TOKEN_BAD_ALG,
	TOKEN_EXPIRED,
	TOKEN_NOT_YET_VALID,
	TOKEN_BAD_ISSUER,
	TOKEN_BAD_CLAIMS
};

/*
 * Verifies a token at unix time now. Only a header alg of exactly "HS256" is
 * accepted (not "none", not HS384/HS512); the signature is compared in
 * constant time before libjwt decodes the token, always with the key; a key
 * shorter than TOKEN_SECRET_MIN_BYTES refuses everything (BAD_SIGNATURE).
 * Requires exp (EXPIRED once now >= exp + leeway), iat (NOT_YET_VALID beyond
 * now + leeway), nbf if present (NOT_YET_VALID beyond now + leeway),
 * iss == k->issuer (BAD_ISSUER), a lowercase UUID sub and jti and string
 * name and role (BAD_CLAIMS). A "crit" header, empty or over
 * TOKEN_MAX_BYTES input is MALFORMED; kid/jku/x5u are ignored.
 * [out] out: may be NULL; zeroed first, filled only on TOKEN_OK.
 */
enum token_status token_verify(const struct token_keys *k, const char *token, long long now,
			       struct token_claims *out);

/*
 * A per-worker memo of tokens token_verify accepted (keyed by their SHA-256, compared in
 * constant time, so a caller learns nothing about memoised tokens from timing). A token
 * found there is accepted again without the signature checks and parsing while it is not
 * expired at now and now is not before the time it was verified (iat and nbf only become
 * truer as time passes); anything else goes through token_verify. The keys are fixed for
 * a memo's life (a new key means new workers).
 */
struct token_memo;
struct token_memo *token_memo_new(void);
void token_memo_free(struct token_memo *m); /* NULL-safe */
/* token_verify through the memo m (NULL: token_verify itself). */
enum token_status token_verify_memo(struct token_memo *m, const struct token_keys *k, const char *token,
				    long long now, struct token_claims *out);

/* A short constant name for logs ("ok", "expired", ...); never NULL. */
const char *token_status_str(enum token_status s);

#endif
