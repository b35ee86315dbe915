/*
 * The Authorization header path: token_verify with a fixed 32-byte key. An
 * even first byte sends the rest as the token; an odd one splits the rest at
 * the first newline into header and payload JSON and signs them with the key,
 * so the claim checks and libjwt's decoder see hostile JSON too.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "service/token.h"
#include "fuzz.h"

#define FUZZ_NOW 1700000000LL

static size_t fuzz_b64url(const unsigned char *in, size_t len, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned long acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		for (bits += 8; bits >= 6; bits -= 6)
			out[n++] = a[(acc >> (bits - 6)) & 63];
		acc &= (1UL << bits) - 1;
	}
	if (bits > 0)
		out[n++] = a[(acc << (6 - bits)) & 63];
	out[n] = '\0';
	return n;
}

/* header "." payload "." HMAC-SHA256 signature, all base64url; the caller frees. */
static char *fuzz_sign(const struct token_keys *k, const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl ? (size_t)(nl - data) : size, plen = nl ? size - hlen - 1 : 0;
	char *tok = malloc((size + 2) * 4 / 3 + 64);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;

	if (!tok)
		return NULL;
	size_t n = fuzz_b64url(data, hlen, tok);
	tok[n++] = '.';
	n += fuzz_b64url(nl ? nl + 1 : data, plen, tok + n);
	if (!HMAC(EVP_sha256(), k->secret, (int)k->secret_len, (const unsigned char *)tok, n, mac, &mac_len)) {
		free(tok);
		return NULL;
	}
	tok[n++] = '.';
	fuzz_b64url(mac, mac_len, tok + n);
	return tok;
}

int fuzz_token_one(const uint8_t *data, size_t size)
{
	struct token_keys k = {.secret_len = 32, .issuer = "turnero", .ttl_seconds = 900, .leeway_seconds = 30};
	struct token_claims c;
	char *tok;

	if (size == 0)
		return 0;
	memcpy(k.secret, "0123456789abcdef0123456789ABCDEF", 32);
	tok = data[0] % 2 ? fuzz_sign(&k, data + 1, size - 1) : fuzz_cstr(data + 1, size - 1);
	if (!tok)
		return 0;
	enum token_status st = token_verify(&k, tok, FUZZ_NOW, &c);
	FUZZ_CHECK(strcmp(token_status_str(st), "unknown") != 0);
	if (st == TOKEN_OK) {
		FUZZ_CHECK(strlen(c.sub) == 36 && strlen(c.jti) == 36 && c.name[0] && c.role[0]);
		FUZZ_CHECK(c.exp > FUZZ_NOW - 30 && c.iat <= FUZZ_NOW + 30);
	} else {
		FUZZ_CHECK(c.sub[0] == '\0' && c.exp == 0);
	}
	free(tok);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_token_one(data, size);
}
#endif
