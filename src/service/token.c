#include "service/token.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <jwt.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define HS256_MAC_BYTES 32
#define HS256_SIG_B64_LEN 43 /* 32 bytes, base64url without padding */
#define UUID_LEN 36

static const char b64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int token_keys_load(struct token_keys *k, const char *secret_path, const char *issuer, long ttl, char *err,
		    size_t errlen)
{
	/* Room for the largest secret, its newline and one byte to notice a longer file. */
	unsigned char buf[TOKEN_SECRET_MAX_BYTES + 2];
	size_t n = 0;
	int fd = -1;
	int rc = -1;

	if (k == NULL) {
		set_err(err, errlen, "no key structure given");
		return -1;
	}
	memset(k, 0, sizeof *k);
	if (secret_path == NULL || secret_path[0] == '\0') {
		set_err(err, errlen, "no secret file configured");
		goto out;
	}
	if (issuer == NULL || issuer[0] == '\0' || strlen(issuer) >= sizeof k->issuer) {
		set_err(err, errlen, "issuer must be 1-%zu bytes", sizeof k->issuer - 1);
		goto out;
	}
	if (ttl <= 0) {
		set_err(err, errlen, "token lifetime must be positive, not %ld", ttl);
		goto out;
	}
	fd = open(secret_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		set_err(err, errlen, "cannot open secret file %s: %s", secret_path, strerror(errno));
		goto out;
	}
	while (n < sizeof buf) {
		ssize_t r = read(fd, buf + n, sizeof buf - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(err, errlen, "cannot read secret file %s: %s", secret_path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < TOKEN_SECRET_MIN_BYTES) {
		set_err(err, errlen, "secret in %s is %zu bytes, at least %d are required", secret_path, n,
			TOKEN_SECRET_MIN_BYTES);
		goto out;
	}
	if (n > TOKEN_SECRET_MAX_BYTES) {
		set_err(err, errlen, "secret in %s is longer than %d bytes", secret_path, TOKEN_SECRET_MAX_BYTES);
		goto out;
	}
	memcpy(k->secret, buf, n);
	k->secret_len = n;
	memcpy(k->issuer, issuer, strlen(issuer) + 1);
	k->ttl_seconds = ttl;
	k->leeway_seconds = TOKEN_LEEWAY_DEFAULT;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	explicit_bzero(buf, sizeof buf);
	if (rc != 0)
		explicit_bzero(k, sizeof *k);
	return rc;
}

/* Lowercase canonical form only: that is what we issue and store. */
static bool is_lower_uuid(const char *s)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < UUID_LEN; i++) {
		char c = s[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return false; /* also stops at a NUL before 36 */
		}
	}
	return s[UUID_LEN] == '\0';
}

/* A string that fits a claims field of size cap with its NUL, and is not empty. */
static bool fits(const char *s, size_t cap)
{
	return s != NULL && s[0] != '\0' && strnlen(s, cap) < cap;
}

static bool keys_usable(const struct token_keys *k)
{
	return k != NULL && k->secret_len >= TOKEN_SECRET_MIN_BYTES && k->secret_len <= TOKEN_SECRET_MAX_BYTES &&
	       k->issuer[0] != '\0' && memchr(k->issuer, '\0', sizeof k->issuer) != NULL;
}

int token_issue(const struct token_keys *k, const char *sub, const char *name, const char *role, long long now,
		char **out, struct token_claims *claims_out)
{
	jwt_t *jwt = NULL;
	char *enc = NULL;
	char jti[UUID_LEN + 1];
	uuid_t u;
	long long exp;
	int rc = -1;

	if (out == NULL)
		return -1;
	*out = NULL;
	if (claims_out != NULL)
		memset(claims_out, 0, sizeof *claims_out);
	if (!keys_usable(k) || k->ttl_seconds <= 0 || !is_lower_uuid(sub) || !fits(name, TOKEN_CLAIM_STR_SIZE) ||
	    !fits(role, TOKEN_CLAIM_STR_SIZE))
		return -1;
	/* The grants are C longs; keep exp inside them. */
	if (now < 0 || now > LONG_MAX - k->ttl_seconds)
		return -1;
	exp = now + k->ttl_seconds;

	uuid_generate_random(u);
	uuid_unparse_lower(u, jti);
	if (jwt_new(&jwt) != 0)
		goto out;
	if (jwt_set_alg(jwt, JWT_ALG_HS256, k->secret, (int)k->secret_len) != 0)
		goto out;
	if (jwt_add_grant(jwt, "sub", sub) != 0 || jwt_add_grant(jwt, "name", name) != 0 ||
	    jwt_add_grant(jwt, "role", role) != 0 || jwt_add_grant(jwt, "jti", jti) != 0 ||
	    jwt_add_grant(jwt, "iss", k->issuer) != 0 || jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)exp) != 0)
		goto out;
	/* libjwt 1.10 allocates with malloc, so the caller's free() matches. */
	enc = jwt_encode_str(jwt);
	if (enc == NULL)
		goto out;
	if (claims_out != NULL) {
		memcpy(claims_out->sub, sub, UUID_LEN + 1);
		memcpy(claims_out->name, name, strlen(name) + 1);
		memcpy(claims_out->role, role, strlen(role) + 1);
		memcpy(claims_out->jti, jti, sizeof jti);
		claims_out->iat = now;
		claims_out->exp = exp;
	}
	*out = enc;
	enc = NULL;
	rc = 0;
out:
	free(enc);
	jwt_free(jwt);
	return rc;
}

static int b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Unpadded base64url: alphabet only, and no length that leaves a lone 6-bit group. */
static bool b64url_valid(const char *s, size_t len)
{
	if (len % 4 == 1)
		return false;
	for (size_t i = 0; i < len; i++)
		if (b64url_value((unsigned char)s[i]) < 0)
			return false;
	return true;
}

/* Decodes a segment that passed b64url_valid; out holds at least len * 3 / 4 bytes. */
static size_t b64url_decode(const char *s, size_t len, unsigned char *out)
{
	unsigned long acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 6) | (unsigned long)b64url_value((unsigned char)s[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	return n;
}

/* out holds at least (len * 4 + 2) / 3 + 1 bytes. */
static void b64url_encode(const unsigned char *in, size_t len, char *out)
{
	unsigned long acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[n++] = b64url_alphabet[(acc >> bits) & 63];
		}
		acc &= (1UL << bits) - 1;
	}
	if (bits > 0)
		out[n++] = b64url_alphabet[(acc << (6 - bits)) & 63];
	out[n] = '\0';
}

/* A base64url segment holding exactly one JSON object (strict syntax, nothing after it). */
static json_object *segment_object(const char *seg, size_t len)
{
	unsigned char *buf = NULL;
	json_tokener *tok = NULL;
	json_object *obj = NULL;
	size_t n;

	if (len == 0 || !b64url_valid(seg, len))
		goto out;
	buf = malloc(len * 3 / 4 + 1);
	if (buf == NULL)
		goto out;
	n = b64url_decode(seg, len, buf);
	/* json-c would stop at an embedded NUL and the rest would go unseen. */
	if (n == 0 || memchr(buf, '\0', n) != NULL)
		goto out;
	tok = json_tokener_new();
	if (tok == NULL)
		goto out;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, (const char *)buf, (int)n);
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != n || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		obj = NULL;
	}
out:
	if (tok != NULL) /* json_tokener_free is not NULL-safe */
		json_tokener_free(tok);
	free(buf);
	return obj;
}

static const char *claim_str(json_object *payload, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(payload, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* 1 with *val set, 0 when absent, -1 when present but not an integer. */
static int claim_int(json_object *payload, const char *key, long long *val)
{
	json_object *v;
	if (!json_object_object_get_ex(payload, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	*val = (long long)json_object_get_int64(v);
	return 1;
}

static enum token_status check_header(json_object *header)
{
	json_object *v;
	/* We understand no critical extension, so RFC 7515 says refuse any. */
	if (json_object_object_get_ex(header, "crit", NULL))
		return TOKEN_MALFORMED;
	if (!json_object_object_get_ex(header, "alg", &v) || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "HS256") != 0)
		return TOKEN_BAD_ALG;
	return TOKEN_OK;
}

/* HMAC-SHA256 over "header.payload", compared as text in constant time (libjwt uses strcmp). */
static bool signature_ok(const struct token_keys *k, const char *token, size_t signed_len, const char *sig,
			 size_t sig_len)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char expect[HS256_SIG_B64_LEN + 1];
	bool ok = false;

	if (sig_len != HS256_SIG_B64_LEN)
		goto out;
	if (HMAC(EVP_sha256(), k->secret, (int)k->secret_len, (const unsigned char *)token, signed_len, mac,
		 &mac_len) == NULL ||
	    mac_len != HS256_MAC_BYTES)
		goto out;
	b64url_encode(mac, mac_len, expect);
	ok = CRYPTO_memcmp(expect, sig, HS256_SIG_B64_LEN) == 0;
out:
	explicit_bzero(mac, sizeof mac);
	return ok;
}

static enum token_status check_claims(const struct token_keys *k, json_object *payload, long long now,
				      struct token_claims *c)
{
	long leeway = k->leeway_seconds;
	long long exp = 0, nbf = 0, iat = 0;
	const char *iss, *sub, *jti, *name, *role;
	int r;

	if (leeway < 0)
		leeway = 0;
	if (leeway > TOKEN_LEEWAY_MAX)
		leeway = TOKEN_LEEWAY_MAX;

	iss = claim_str(payload, "iss");
	if (iss == NULL || strcmp(iss, k->issuer) != 0)
		return TOKEN_BAD_ISSUER;
	/* Arithmetic only on now: claim values may be anything up to INT64_MAX. */
	if (claim_int(payload, "exp", &exp) != 1)
		return TOKEN_BAD_CLAIMS;
	if (now - leeway >= exp)
		return TOKEN_EXPIRED;
	r = claim_int(payload, "nbf", &nbf);
	if (r < 0)
		return TOKEN_BAD_CLAIMS;
	if (r == 1 && nbf > now + leeway)
		return TOKEN_NOT_YET_VALID;
	if (claim_int(payload, "iat", &iat) != 1)
		return TOKEN_BAD_CLAIMS;
	if (iat > now + leeway)
		return TOKEN_NOT_YET_VALID;
	sub = claim_str(payload, "sub");
	jti = claim_str(payload, "jti");
	name = claim_str(payload, "name");
	role = claim_str(payload, "role");
	if (!is_lower_uuid(sub) || !is_lower_uuid(jti) || !fits(name, TOKEN_CLAIM_STR_SIZE) ||
	    !fits(role, TOKEN_CLAIM_STR_SIZE))
		return TOKEN_BAD_CLAIMS;
	memcpy(c->sub, sub, UUID_LEN + 1);
	memcpy(c->jti, jti, UUID_LEN + 1);
	memcpy(c->name, name, strlen(name) + 1);
	memcpy(c->role, role, strlen(role) + 1);
	c->iat = iat;
	c->exp = exp;
	return TOKEN_OK;
}

enum token_status token_verify(const struct token_keys *k, const char *token, long long now,
			       struct token_claims *out)
{
	enum token_status st = TOKEN_MALFORMED;
	json_object *header = NULL, *payload = NULL;
	jwt_t *jwt = NULL;
	struct token_claims c;
	const char *dot1, *dot2;
	size_t len, sig_len;

	memset(&c, 0, sizeof c);
	if (out != NULL)
		memset(out, 0, sizeof *out);
	/* Without our key libjwt would accept any signature: refuse before looking at the token. */
	if (!keys_usable(k)) {
		st = TOKEN_BAD_SIGNATURE;
		goto out;
	}
	if (token == NULL)
		goto out;
	len = strnlen(token, TOKEN_MAX_BYTES + 1);
	if (len == 0 || len > TOKEN_MAX_BYTES)
		goto out;
	dot1 = memchr(token, '.', len);
	if (dot1 == NULL)
		goto out;
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
	if (dot2 == NULL || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)) != NULL)
		goto out;
	sig_len = len - (size_t)(dot2 + 1 - token);
	if (!b64url_valid(dot2 + 1, sig_len))
		goto out;

	header = segment_object(token, (size_t)(dot1 - token));
	if (header == NULL)
		goto out;
	st = check_header(header);
	if (st != TOKEN_OK)
		goto out;
	payload = segment_object(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (payload == NULL) {
		st = TOKEN_MALFORMED;
		goto out;
	}
	if (!signature_ok(k, token, (size_t)(dot2 - token), dot2 + 1, sig_len)) {
		st = TOKEN_BAD_SIGNATURE;
		goto out;
	}
	/* Second opinion from libjwt, always with the key. */
	if (jwt_decode(&jwt, token, k->secret, (int)k->secret_len) != 0 || jwt == NULL) {
		st = TOKEN_BAD_SIGNATURE;
		goto out;
	}
	if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
		st = TOKEN_BAD_ALG;
		goto out;
	}
	/* Claims come from our strict parse, which checks JSON types; the bytes are the signed ones. */
	st = check_claims(k, payload, now, &c);
	if (st == TOKEN_OK && out != NULL)
		*out = c;
out:
	jwt_free(jwt);
	json_object_put(payload);
	json_object_put(header);
	return st;
}

const char *token_status_str(enum token_status s)
{
	switch (s) {
	case TOKEN_OK:
		return "ok";
	case TOKEN_MALFORMED:
		return "malformed";
	case TOKEN_BAD_SIGNATURE:
		return "bad_signature";
	case TOKEN_BAD_ALG:
		return "bad_alg";
	case TOKEN_EXPIRED:
		return "expired";
	case TOKEN_NOT_YET_VALID:
		return "not_yet_valid";
	case TOKEN_BAD_ISSUER:
		return "bad_issuer";
	case TOKEN_BAD_CLAIMS:
		return "bad_claims";
	}
	return "unknown";
}

#define TOKEN_MEMO_SLOTS 16

struct token_memo {
	struct {
		unsigned char digest[32];
		struct token_claims claims;
		long long verified_at; /* the now of token_verify */
		bool used;
	} slot[TOKEN_MEMO_SLOTS];
};

struct token_memo *token_memo_new(void)
{
	return calloc(1, sizeof(struct token_memo));
}

void token_memo_free(struct token_memo *m)
{
	if (m)
		explicit_bzero(m, sizeof *m);
	free(m);
}

enum token_status token_verify_memo(struct token_memo *m, const struct token_keys *k, const char *token,
				    long long now, struct token_claims *out)
{
	size_t len = token ? strnlen(token, TOKEN_MAX_BYTES + 1) : 0;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!m || !keys_usable(k) || len == 0 || len > TOKEN_MAX_BYTES ||
	    EVP_Digest(token, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return token_verify(k, token, now, out);
	unsigned i = md[0] % TOKEN_MEMO_SLOTS;
	long leeway = k->leeway_seconds < 0 ? 0 : k->leeway_seconds > TOKEN_LEEWAY_MAX ? TOKEN_LEEWAY_MAX : k->leeway_seconds;
	if (m->slot[i].used && CRYPTO_memcmp(m->slot[i].digest, md, 32) == 0 && now >= m->slot[i].verified_at &&
	    now - leeway < m->slot[i].claims.exp) {
		if (out)
			*out = m->slot[i].claims;
		return TOKEN_OK;
	}
	struct token_claims c;
	enum token_status st = token_verify(k, token, now, &c);
	if (st == TOKEN_OK) {
		memcpy(m->slot[i].digest, md, 32);
		m->slot[i].claims = c;
		m->slot[i].verified_at = now;
		m->slot[i].used = true;
	}
	if (out)
		*out = c;
	return st;
}
