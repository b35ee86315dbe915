#include "service/password.h"

#include <argon2.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/random.h"

#define SALT_BYTES 16
#define TAG_BYTES 32
#define BURN_HASH_MAX 192 /* a PHC string with 16-byte salt and 32-byte tag is about 100 bytes */

static const char generate_alphabet[] = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";

static const struct password_params default_params = PASSWORD_PARAMS_DEFAULT;


enum password_status password_check_policy(const char *pw, size_t len)
{
	(void)pw;
	if (len < PASSWORD_MIN_BYTES)
		return PASSWORD_TOO_SHORT;
	if (len > PASSWORD_MAX_BYTES)
		return PASSWORD_TOO_LONG;
	return PASSWORD_OK;
}

enum password_status password_hash(const struct password_params *p, const char *pw, size_t len, char **encoded)
{
	enum password_status st = PASSWORD_ERROR;
	unsigned char salt[SALT_BYTES];
	char *buf = NULL;

	if (encoded == NULL)
		return PASSWORD_ERROR;
	*encoded = NULL;
	/* Policy first: an over-long input must never reach argon2. */
	st = password_check_policy(pw, len);
	if (st != PASSWORD_OK)
		return st;
	st = PASSWORD_ERROR;
	if (pw == NULL)
		goto out;
	if (p == NULL)
		p = &default_params;

	if (random_bytes(salt, sizeof salt) != 0)
		goto out;
	size_t enclen = argon2_encodedlen(p->iterations, p->memory_kib, p->parallelism, SALT_BYTES, TAG_BYTES,
					  Argon2_id);
	buf = malloc(enclen);
	if (buf == NULL)
		goto out;
	if (argon2id_hash_encoded(p->iterations, p->memory_kib, p->parallelism, pw, len, salt, sizeof salt,
				  TAG_BYTES, buf, enclen) != ARGON2_OK)
		goto out;
	*encoded = buf;
	buf = NULL;
	st = PASSWORD_OK;
out:
	free(buf);
	explicit_bzero(salt, sizeof salt);
	return st;
}

enum password_status password_verify(const char *encoded, const char *pw, size_t len)
{
	if (encoded == NULL || len > PASSWORD_MAX_BYTES || (pw == NULL && len > 0))
		return PASSWORD_MISMATCH;
	/* argon2id_verify checks the "$argon2id$" prefix itself and fails on anything malformed. */
	if (argon2id_verify(encoded, pw != NULL ? pw : "", len) == ARGON2_OK)
		return PASSWORD_OK;
	return PASSWORD_MISMATCH;
}

void password_burn_time(const struct password_params *p, const char *pw, size_t len)
{
	static char burn_hash[BURN_HASH_MAX];
	static struct password_params burn_params;
	static bool burn_ready;
	static const char burn_password[] = "turnero-no-such-user";

	if (len > PASSWORD_MAX_BYTES || (pw == NULL && len > 0))
		return;
	if (p == NULL)
		p = &default_params;
	if (!burn_ready || memcmp(&burn_params, p, sizeof *p) != 0) {
		char *h = NULL;
		burn_ready = false;
		if (password_hash(p, burn_password, sizeof burn_password - 1, &h) != PASSWORD_OK)
			return;
		if (strlen(h) < sizeof burn_hash) {
			memcpy(burn_hash, h, strlen(h) + 1);
			burn_params = *p;
			burn_ready = true;
		}
		free(h);
		if (!burn_ready)
			return;
	}
	(void)password_verify(burn_hash, pw, len);
}

char *password_generate(void)
{
	const size_t n = sizeof generate_alphabet - 1;
	/* Bytes at or above the largest multiple of n would bias the choice. */
	const size_t limit = 256 - 256 % n;
	unsigned char rnd[64];
	char *out = malloc(PASSWORD_GENERATED_LEN + 1);
	size_t have = 0;

	if (out == NULL)
		return NULL;
	while (have < PASSWORD_GENERATED_LEN) {
		if (random_bytes(rnd, sizeof rnd) != 0) {
			free(out);
			out = NULL;
			goto out;
		}
		for (size_t i = 0; i < sizeof rnd && have < PASSWORD_GENERATED_LEN; i++)
			if (rnd[i] < limit)
				out[have++] = generate_alphabet[rnd[i] % n];
	}
	out[have] = '\0';
out:
	explicit_bzero(rnd, sizeof rnd);
	return out;
}
