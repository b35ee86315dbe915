#include "service/refresh.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "common/digest.h"
#include "common/random.h"

#define REFRESH_RANDOM_BYTES 32

static const char b64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


int refresh_generate(char out[REFRESH_TOKEN_LEN + 1])
{
	unsigned char rnd[REFRESH_RANDOM_BYTES];
	unsigned long acc = 0;
	int bits = 0;
	size_t n = 0;
	int rc = -1;

	out[0] = '\0';
	if (random_bytes(rnd, sizeof rnd) != 0)
		goto out;
	for (size_t i = 0; i < sizeof rnd; i++) {
		acc = (acc << 8) | rnd[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[n++] = b64url_alphabet[(acc >> bits) & 63];
		}
		acc &= (1UL << bits) - 1;
	}
	/* 256 bits leave 4 over: one last character padded with zero bits. */
	out[n++] = b64url_alphabet[(acc << (6 - bits)) & 63];
	out[n] = '\0';
	rc = 0;
out:
	explicit_bzero(rnd, sizeof rnd);
	return rc;
}

void refresh_hash(const char *token, char out[REFRESH_HASH_LEN + 1])
{
	if (token == NULL)
		token = "";
	digest_sha256_hex(token, strlen(token), out);
}

bool refresh_well_formed(const char *token)
{
	if (token == NULL)
		return false;
	for (size_t i = 0; i < REFRESH_TOKEN_LEN; i++) {
		char c = token[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			  c == '_';
		if (!ok)
			return false; /* also stops at a NUL before REFRESH_TOKEN_LEN */
	}
	return token[REFRESH_TOKEN_LEN] == '\0';
}

enum refresh_decision refresh_decide(const struct refresh_row *r, long long now)
{
	if (r == NULL || !r->found || r->revoked)
		return REFRESH_INVALID;
	/* An expired token proves nothing about theft and grants nothing: no family-wide revocation. */
	if (now >= r->expires_at)
		return REFRESH_INVALID;
	if (r->rotated)
		return REFRESH_REUSE_REVOKE_FAMILY;
	return REFRESH_ROTATE;
}
