/* Staff passwords: length policy, argon2id hashing and constant-time checks. */
#ifndef TURNERO_SVC_PASSWORD_H
#define TURNERO_SVC_PASSWORD_H

#include <stddef.h>
#include <stdint.h>

/* argon2id cost; the defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane). */
struct password_params {
	uint32_t memory_kib;
	uint32_t iterations;
	uint32_t parallelism;
};

#define PASSWORD_MEMORY_KIB_DEFAULT 19456
#define PASSWORD_ITERATIONS_DEFAULT 2
#define PASSWORD_PARALLELISM_DEFAULT 1
#define PASSWORD_PARAMS_DEFAULT \
	{PASSWORD_MEMORY_KIB_DEFAULT, PASSWORD_ITERATIONS_DEFAULT, PASSWORD_PARALLELISM_DEFAULT}

#define PASSWORD_MIN_BYTES 8
#define PASSWORD_MAX_BYTES 1024
#define PASSWORD_GENERATED_LEN 20

enum password_status {
	PASSWORD_OK,
	PASSWORD_TOO_SHORT,
	PASSWORD_TOO_LONG,
	PASSWORD_MISMATCH,
	PASSWORD_ERROR
};

/*
 * Length policy only, in bytes (PASSWORD_MIN_BYTES..PASSWORD_MAX_BYTES); no
 * hashing. Returns PASSWORD_OK, PASSWORD_TOO_SHORT or PASSWORD_TOO_LONG.
 */
enum password_status password_check_policy(const char *pw, size_t len);

/*
 * Hashes pw (len bytes, may contain any byte) with argon2id, a 16-byte salt
 * from getrandom() and a 32-byte tag. p NULL means the defaults.
 * [out] encoded: set to NULL first; on PASSWORD_OK a malloc'd PHC string
 * ("$argon2id$v=19$m=...,t=...,p=...$salt$tag") the caller frees.
 * Policy violations return TOO_SHORT/TOO_LONG before any hashing; bad params,
 * no randomness or no memory return PASSWORD_ERROR.
 */
enum password_status password_hash(const struct password_params *p, const char *pw, size_t len, char **encoded);

/*
 * Checks pw against a stored PHC string with argon2id_verify (constant-time
 * comparison). Returns PASSWORD_OK or PASSWORD_MISMATCH; a NULL, malformed or
 * non-argon2id stored hash, or any argon2 failure, is a mismatch. An input
 * longer than PASSWORD_MAX_BYTES is a mismatch without being hashed.
 */
enum password_status password_verify(const char *encoded, const char *pw, size_t len);

/*
 * Spends the time of a password_verify() for a user that does not exist, so
 * unknown user names cost as much as known ones: verifies pw against a fixed
 * hash made once with params p (NULL: the defaults) and remade when p changes.
 * Like password_verify, returns at once for inputs over PASSWORD_MAX_BYTES.
 * Keeps that hash in static storage: not thread-safe (workers are
 * single-threaded processes).
 */
void password_burn_time(const struct password_params *p, const char *pw, size_t len);

/*
 * A random password of PASSWORD_GENERATED_LEN characters from an alphabet
 * without look-alikes (no 0/O/o, 1/l/I), about 116 bits. Returns a malloc'd
 * string the caller frees, or NULL when no randomness or memory is available.
 */
char *password_generate(void);

#endif
