/* Authentication primitives: argon2id passwords, HS256 access tokens, refresh tokens. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf */
#endif
#include <argon2.h>
#include <check.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "service/password.h"
#include "service/refresh.h"
#include "service/token.h"

/* Cheap argon2 cost so most tests run fast; one test uses the defaults. */
static const struct password_params fast = {1024, 1, 1};

static const char secret32[] = "0123456789abcdef0123456789abcdef";
static const char issuer[] = "turnero-test";
static const char user_id[] = "0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b";
static const char jti_id[] = "5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e";
#define NOW 1760670229LL
#define TTL 900L

/* ---- helpers ---- */

static void keys_init(struct token_keys *k, const char *secret, const char *iss)
{
	memset(k, 0, sizeof *k);
	k->secret_len = strlen(secret);
	memcpy(k->secret, secret, k->secret_len);
	snprintf(k->issuer, sizeof k->issuer, "%s", iss);
	k->ttl_seconds = TTL;
	k->leeway_seconds = 30;
}

static char *b64url(const void *data, size_t len)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *in = data;
	char *out = malloc(len * 4 / 3 + 4);
	unsigned long acc = 0;
	int bits = 0;
	size_t n = 0;
	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[n++] = a[(acc >> bits) & 63];
		}
		acc &= (1UL << bits) - 1;
	}
	if (bits > 0)
		out[n++] = a[(acc << (6 - bits)) & 63];
	out[n] = '\0';
	return out;
}

/* The usual claim set as JSON, with times relative to NOW. */
static char *claims_json(const char *sub, long long iat, long long exp, const char *iss)
{
	char *s = NULL;
	ck_assert_int_ge(asprintf(&s,
				  "{\"sub\":\"%s\",\"name\":\"ana\",\"role\":\"admin\",\"iat\":%lld,\"exp\":%lld,"
				  "\"jti\":\"%s\",\"iss\":\"%s\"}",
				  sub, iat, exp, jti_id, iss),
			 0);
	return s;
}

/* Signs arbitrary claims with libjwt, optionally adding header fields. Caller frees. */
static char *jwt_build(jwt_alg_t alg, const char *secret, const char *claims, const char *const *headers)
{
	jwt_t *jwt = NULL;
	ck_assert_int_eq(jwt_new(&jwt), 0);
	ck_assert_int_eq(jwt_set_alg(jwt, alg, (const unsigned char *)secret, (int)strlen(secret)), 0);
	ck_assert_int_eq(jwt_add_grants_json(jwt, claims), 0);
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i += 2)
		ck_assert_int_eq(jwt_add_header(jwt, headers[i], headers[i + 1]), 0);
	char *tok = jwt_encode_str(jwt);
	ck_assert_ptr_nonnull(tok);
	jwt_free(jwt);
	return tok;
}

/* libjwt will not sign with an empty key, so build that token by hand. */
static char *hs256_empty_key(const char *claims)
{
	static const char header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char *h = b64url(header, strlen(header));
	char *p = b64url(claims, strlen(claims));
	char *signing = NULL, *tok = NULL;
	ck_assert_int_ge(asprintf(&signing, "%s.%s", h, p), 0);
	ck_assert_ptr_nonnull(HMAC(EVP_sha256(), "", 0, (const unsigned char *)signing, strlen(signing), mac,
				   &mac_len));
	char *sig = b64url(mac, mac_len);
	ck_assert_int_ge(asprintf(&tok, "%s.%s", signing, sig), 0);
	free(sig);
	free(signing);
	free(p);
	free(h);
	return tok;
}

static char *hs256(const char *claims)
{
	return jwt_build(JWT_ALG_HS256, secret32, claims, NULL);
}

/* Verifies claims signed correctly with HS256 by libjwt. */
static enum token_status verify_claims(const char *claims, long long now)
{
	struct token_keys k;
	keys_init(&k, secret32, issuer);
	char *tok = hs256(claims);
	enum token_status st = token_verify(&k, tok, now, NULL);
	free(tok);
	return st;
}

static char *write_temp(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path = NULL;
	ck_assert_int_ge(asprintf(&path, "%s/turnero-secret-XXXXXX", dir != NULL && dir[0] ? dir : "/tmp"), 0);
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* ---- passwords ---- */

START_TEST(test_password_hash_then_verify_accepts_same_password)
{
	char *h = NULL;
	ck_assert_int_eq(password_hash(&fast, "correct horse", 13, &h), PASSWORD_OK);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(strncmp(h, "$argon2id$v=19$", 15), 0);
	ck_assert_int_eq(password_verify(h, "correct horse", 13), PASSWORD_OK);
	free(h);
}
END_TEST

START_TEST(test_password_verify_rejects_wrong_password)
{
	char *h = NULL;
	ck_assert_int_eq(password_hash(&fast, "correct horse", 13, &h), PASSWORD_OK);
	ck_assert_int_eq(password_verify(h, "correct horsf", 13), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(h, "correct hors", 12), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(h, "correct horse!", 14), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(h, "", 0), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify(h, NULL, 0), PASSWORD_MISMATCH);
	free(h);
}
END_TEST

START_TEST(test_password_length_counts_bytes_including_nul)
{
	char *h = NULL;
	ck_assert_int_eq(password_hash(&fast, "abc\0defgh", 9, &h), PASSWORD_OK);
	ck_assert_int_eq(password_verify(h, "abc\0defgh", 9), PASSWORD_OK);
	ck_assert_int_eq(password_verify(h, "abc", 3), PASSWORD_MISMATCH);
	free(h);
}
END_TEST

START_TEST(test_password_same_password_hashes_differently_each_time)
{
	char *a = NULL, *b = NULL;
	ck_assert_int_eq(password_hash(&fast, "password1", 9, &a), PASSWORD_OK);
	ck_assert_int_eq(password_hash(&fast, "password1", 9, &b), PASSWORD_OK);
	ck_assert_str_ne(a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_password_policy_bounds_are_8_and_1024_bytes)
{
	char buf[PASSWORD_MAX_BYTES + 1];
	memset(buf, 'x', sizeof buf);
	ck_assert_int_eq(password_check_policy(buf, 0), PASSWORD_TOO_SHORT);
	ck_assert_int_eq(password_check_policy(buf, 7), PASSWORD_TOO_SHORT);
	ck_assert_int_eq(password_check_policy(buf, 8), PASSWORD_OK);
	ck_assert_int_eq(password_check_policy(buf, 1024), PASSWORD_OK);
	ck_assert_int_eq(password_check_policy(buf, 1025), PASSWORD_TOO_LONG);
}
END_TEST

START_TEST(test_password_hash_refuses_too_short)
{
	char *h = (char *)"sentinel";
	ck_assert_int_eq(password_hash(&fast, "1234567", 7, &h), PASSWORD_TOO_SHORT);
	ck_assert_ptr_null(h);
}
END_TEST

START_TEST(test_password_hash_refuses_1025_bytes_before_hashing)
{
	/* Params argon2 would reject: reaching the hash would give PASSWORD_ERROR, not TOO_LONG. */
	static const struct password_params invalid = {0, 0, 0};
	char buf[PASSWORD_MAX_BYTES + 1];
	char *h = (char *)"sentinel";
	memset(buf, 'p', sizeof buf);
	ck_assert_int_eq(password_hash(&invalid, buf, 1025, &h), PASSWORD_TOO_LONG);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(password_hash(&invalid, buf, 1024, &h), PASSWORD_ERROR);
	ck_assert_ptr_null(h);
}
END_TEST

START_TEST(test_password_hash_accepts_1024_bytes)
{
	char buf[PASSWORD_MAX_BYTES];
	char *h = NULL;
	memset(buf, 'p', sizeof buf);
	ck_assert_int_eq(password_hash(&fast, buf, sizeof buf, &h), PASSWORD_OK);
	ck_assert_int_eq(password_verify(h, buf, sizeof buf), PASSWORD_OK);
	free(h);
}
END_TEST

START_TEST(test_password_verify_never_hashes_more_than_1024_bytes)
{
	/* A stored hash of the very same 1025 bytes, made behind the policy's back. */
	char buf[PASSWORD_MAX_BYTES + 1];
	unsigned char salt[16] = "saltsaltsaltsalt";
	char enc[256];
	memset(buf, 'q', sizeof buf);
	ck_assert_int_eq(argon2id_hash_encoded(1, 1024, 1, buf, 1025, salt, sizeof salt, 32, enc, sizeof enc),
			 ARGON2_OK);
	ck_assert_int_eq(password_verify(enc, buf, 1025), PASSWORD_MISMATCH);
	/* Control: the same construction at 1024 bytes does verify. */
	ck_assert_int_eq(argon2id_hash_encoded(1, 1024, 1, buf, 1024, salt, sizeof salt, 32, enc, sizeof enc),
			 ARGON2_OK);
	ck_assert_int_eq(password_verify(enc, buf, 1024), PASSWORD_OK);
}
END_TEST

START_TEST(test_password_malformed_or_foreign_stored_hash_is_mismatch)
{
	char *h = NULL;
	char enc[256];
	unsigned char salt[16] = "saltsaltsaltsalt";
	ck_assert_int_eq(password_hash(&fast, "password1", 9, &h), PASSWORD_OK);

	ck_assert_int_eq(password_verify(NULL, "password1", 9), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify("", "password1", 9), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify("password1", "password1", 9), PASSWORD_MISMATCH);
	ck_assert_int_eq(password_verify("$argon2id$v=19$m=1024,t=1,p=1$", "password1", 9), PASSWORD_MISMATCH);

	/* Truncated and altered copies of a good hash. */
	char *cut = strdup(h);
	cut[strlen(cut) - 5] = '\0';
	ck_assert_int_eq(password_verify(cut, "password1", 9), PASSWORD_MISMATCH);
	free(cut);
	char *alt = strdup(h);
	char *last = alt + strlen(alt) - 10;
	*last = *last == 'A' ? 'B' : 'A';
	ck_assert_int_eq(password_verify(alt, "password1", 9), PASSWORD_MISMATCH);
	free(alt);

	/* A correct argon2i (not argon2id) hash of the right password is still refused. */
	ck_assert_int_eq(argon2i_hash_encoded(1, 1024, 1, "password1", 9, salt, sizeof salt, 32, enc, sizeof enc),
			 ARGON2_OK);
	ck_assert_int_eq(strncmp(enc, "$argon2i$", 9), 0);
	ck_assert_int_eq(password_verify(enc, "password1", 9), PASSWORD_MISMATCH);
	free(h);
}
END_TEST

START_TEST(test_password_default_params_give_owasp_argon2id)
{
	char *h = NULL;
	unsigned v = 0, m = 0, t = 0, p = 0;
	int used = 0;
	ck_assert_int_eq(password_hash(NULL, "password1", 9, &h), PASSWORD_OK);
	ck_assert_int_eq(sscanf(h, "$argon2id$v=%u$m=%u,t=%u,p=%u$%n", &v, &m, &t, &p, &used), 4);
	ck_assert_int_gt(used, 0);
	ck_assert_uint_eq(v, 19);
	ck_assert_uint_ge(m, 19456);
	ck_assert_uint_ge(t, 2);
	ck_assert_uint_ge(p, 1);
	/* Then salt (16 bytes: 22 chars) and tag (32 bytes: 43 chars), unpadded base64. */
	const char *salt = h + used;
	const char *dollar = strchr(salt, '$');
	ck_assert_ptr_nonnull(dollar);
	ck_assert_int_eq(dollar - salt, 22);
	ck_assert_uint_eq(strlen(dollar + 1), 43);
	ck_assert_int_eq(password_verify(h, "password1", 9), PASSWORD_OK);
	ck_assert_int_eq(password_verify(h, "password2", 9), PASSWORD_MISMATCH);
	free(h);
}
END_TEST

START_TEST(test_password_invalid_params_are_an_error)
{
	const struct password_params zero_passes = {1024, 0, 1};
	char *h = (char *)"sentinel";
	ck_assert_int_eq(password_hash(&zero_passes, "password1", 9, &h), PASSWORD_ERROR);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(password_hash(&fast, "password1", 9, NULL), PASSWORD_ERROR);
}
END_TEST

/* The comparisons below are about work done, not about how busy the machine is:
 * this thread's CPU time does not grow while the thread waits for a core, so a
 * loaded machine (CI, parallel builds) does not turn them into coin flips. */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double min_verify_seconds(const char *enc)
{
	double best = 1e9;
	for (int i = 0; i < 5; i++) {
		double t0 = cpu_seconds();
		password_verify(enc, "wrong-password", 14);
		double dt = cpu_seconds() - t0;
		if (dt < best)
			best = dt;
	}
	return best;
}

static double min_burn_seconds(const struct password_params *p, size_t len)
{
	static char pw[PASSWORD_MAX_BYTES + 1];
	double best = 1e9;
	memset(pw, 'w', sizeof pw);
	for (int i = 0; i < 5; i++) {
		double t0 = cpu_seconds();
		password_burn_time(p, pw, len);
		double dt = cpu_seconds() - t0;
		if (dt < best)
			best = dt;
	}
	return best;
}

START_TEST(test_password_burn_time_costs_about_a_verify)
{
	const struct password_params sets[] = {{2048, 2, 1}, {8192, 3, 1}};
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		char *h = NULL;
		ck_assert_int_eq(password_hash(&sets[i], "real-user-pw", 12, &h), PASSWORD_OK);
		password_burn_time(&sets[i], "warm-up!", 8); /* builds the fixed hash for these params */
		double verify = min_verify_seconds(h);
		double burn = min_burn_seconds(&sets[i], 14);
		ck_assert_msg(burn * 3 >= verify, "burn %.6fs vs verify %.6fs with m=%u", burn, verify,
			      sets[i].memory_kib);
		/* Over-long input is a mismatch without hashing, for known and unknown users alike. */
		double skip = min_burn_seconds(&sets[i], PASSWORD_MAX_BYTES + 1);
		ck_assert_msg(skip * 3 < verify, "over-long burn %.6fs vs verify %.6fs", skip, verify);
		free(h);
	}
}
END_TEST

START_TEST(test_password_generate_gives_20_unambiguous_chars)
{
	char *a = password_generate();
	char *b = password_generate();
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(strlen(a), PASSWORD_GENERATED_LEN);
	ck_assert_uint_eq(strlen(b), PASSWORD_GENERATED_LEN);
	ck_assert_str_ne(a, b);
	for (const char *c = a; *c; c++) {
		ck_assert_msg((*c >= '2' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'),
			      "unexpected char %c", *c);
		ck_assert_ptr_null(strchr("0O1lIo", *c));
	}
	ck_assert_int_eq(password_check_policy(a, strlen(a)), PASSWORD_OK);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_password_generate_uses_whole_alphabet)
{
	/* 50 passwords are 1000 draws from 56 symbols: every symbol shows up unless the draw is broken. */
	static const char alphabet[] = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
	int seen[256] = {0};
	for (int i = 0; i < 50; i++) {
		char *p = password_generate();
		ck_assert_ptr_nonnull(p);
		for (const char *c = p; *c; c++)
			seen[(unsigned char)*c]++;
		free(p);
	}
	for (const char *c = alphabet; *c; c++)
		ck_assert_msg(seen[(unsigned char)*c] > 0, "symbol %c never drawn", *c);
}
END_TEST

/* ---- access tokens ---- */

START_TEST(test_token_issue_then_verify_round_trips_claims)
{
	struct token_keys k;
	struct token_claims issued, got;
	char *tok = NULL;
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, user_id, "ana.perez", "supervisor", NOW, &tok, &issued), 0);
	ck_assert_ptr_nonnull(tok);
	ck_assert_int_eq(token_verify(&k, tok, NOW, &got), TOKEN_OK);
	ck_assert_str_eq(got.sub, user_id);
	ck_assert_str_eq(got.name, "ana.perez");
	ck_assert_str_eq(got.role, "supervisor");
	ck_assert_int_eq(got.iat, NOW);
	ck_assert_int_eq(got.exp, NOW + TTL);
	ck_assert_uint_eq(strlen(got.jti), 36);
	ck_assert_int_eq(got.jti[14], '4'); /* version 4 UUID */
	ck_assert_int_eq(memcmp(&issued, &got, sizeof got), 0);
	/* An independent reader sees HS256 and the issuer. */
	jwt_t *jwt = NULL;
	ck_assert_int_eq(jwt_decode(&jwt, tok, (const unsigned char *)secret32, 32), 0);
	ck_assert_int_eq(jwt_get_alg(jwt), JWT_ALG_HS256);
	ck_assert_str_eq(jwt_get_grant(jwt, "iss"), issuer);
	ck_assert_str_eq(jwt_get_grant(jwt, "jti"), got.jti);
	jwt_free(jwt);
	free(tok);
}
END_TEST

/* The memo answers exactly as token_verify would: it skips only work, never a check. */
START_TEST(test_token_memo_answers_as_verify_does)
{
	struct token_keys k;
	struct token_claims issued, got;
	char *tok = NULL;
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &tok, &issued), 0);
	struct token_memo *m = token_memo_new();
	ck_assert_ptr_nonnull(m);
	for (int i = 0; i < 2; i++) { /* verified, then from the memo */
		memset(&got, 0, sizeof got);
		ck_assert_int_eq(token_verify_memo(m, &k, tok, NOW + i, &got), TOKEN_OK);
		ck_assert_int_eq(memcmp(&issued, &got, sizeof got), 0);
	}
	/* Expiry is checked on every use (leeway 30 s as in token_verify). */
	ck_assert_int_eq(token_verify_memo(m, &k, tok, NOW + TTL + 29, &got), TOKEN_OK);
	ck_assert_int_eq(token_verify_memo(m, &k, tok, NOW + TTL + 30, &got), TOKEN_EXPIRED);
	ck_assert_int_eq(token_verify(&k, tok, NOW + TTL + 30, &got), TOKEN_EXPIRED);
	/* A clock set back before the verification: verified again (iat in the future). */
	ck_assert_int_eq(token_verify_memo(m, &k, tok, NOW - 100, &got), token_verify(&k, tok, NOW - 100, NULL));
	ck_assert_int_ne(token_verify(&k, tok, NOW - 100, NULL), TOKEN_OK);
	/* A token differing in one byte is never taken for the memoised one. */
	char *bad = strdup(tok);
	ck_assert_ptr_nonnull(bad);
	size_t n = strlen(bad);
	bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(token_verify_memo(m, &k, bad, NOW + 1, &got), TOKEN_BAD_SIGNATURE);
	ck_assert_int_eq(token_verify_memo(m, &k, tok, NOW + 1, &got), TOKEN_OK);
	ck_assert_int_eq(token_verify_memo(m, &k, NULL, NOW, &got), token_verify(&k, NULL, NOW, NULL));
	/* Other keys (an empty key refuses everything) never use the memo. */
	struct token_keys empty;
	keys_init(&empty, "", issuer);
	ck_assert_int_ne(token_verify_memo(m, &empty, tok, NOW + 1, &got), TOKEN_OK);
	token_memo_free(m);
	ck_assert_int_eq(token_verify_memo(NULL, &k, tok, NOW, &got), TOKEN_OK);
	free(bad);
	free(tok);
}
END_TEST

START_TEST(test_token_each_issue_has_a_fresh_jti)
{
	struct token_keys k;
	struct token_claims a, b;
	char *t1 = NULL, *t2 = NULL;
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &t1, &a), 0);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &t2, NULL), 0);
	ck_assert_int_eq(token_verify(&k, t2, NOW, &b), TOKEN_OK);
	ck_assert_str_ne(a.jti, b.jti);
	ck_assert_str_ne(t1, t2);
	free(t1);
	free(t2);
}
END_TEST

START_TEST(test_token_libjwt_hs256_control_token_verifies)
{
	/* The hand-built tokens below differ from this one only in the part under test. */
	char *c = claims_json(user_id, NOW, NOW + TTL, issuer);
	ck_assert_int_eq(verify_claims(c, NOW), TOKEN_OK);
	free(c);
}
END_TEST

START_TEST(test_token_alg_none_is_refused)
{
	struct token_keys k;
	char *c = claims_json(user_id, NOW, NOW + TTL, issuer);
	char *payload = b64url(c, strlen(c));
	char *tok = NULL;
	keys_init(&k, secret32, issuer);

	ck_assert_int_ge(asprintf(&tok, "eyJhbGciOiJub25lIn0.%s.", payload), 0);
	ck_assert_int_eq(token_verify(&k, tok, NOW, NULL), TOKEN_BAD_ALG);
	free(tok);

	/* Other spellings of "none" and a valid-looking signature do not help. */
	const char *headers[] = {"{\"alg\":\"None\"}", "{\"alg\":\"NONE\"}", "{\"alg\":\"hs256\"}",
				 "{\"alg\":\"HS256 \"}", "{\"typ\":\"JWT\"}", "{\"alg\":null}", "{\"alg\":256}"};
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
		char *h = b64url(headers[i], strlen(headers[i]));
		ck_assert_int_ge(asprintf(&tok, "%s.%s.", h, payload), 0);
		ck_assert_msg(token_verify(&k, tok, NOW, NULL) == TOKEN_BAD_ALG, "header %s", headers[i]);
		free(tok);
		ck_assert_int_ge(asprintf(&tok, "%s.%s.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h, payload), 0);
		ck_assert_msg(token_verify(&k, tok, NOW, NULL) == TOKEN_BAD_ALG, "signed header %s", headers[i]);
		free(tok);
		free(h);
	}
	free(payload);
	free(c);
}
END_TEST

START_TEST(test_token_hs384_and_hs512_with_same_secret_are_refused)
{
	struct token_keys k;
	char *c = claims_json(user_id, NOW, NOW + TTL, issuer);
	keys_init(&k, secret32, issuer);
	char *t384 = jwt_build(JWT_ALG_HS384, secret32, c, NULL);
	char *t512 = jwt_build(JWT_ALG_HS512, secret32, c, NULL);
	ck_assert_int_eq(token_verify(&k, t384, NOW, NULL), TOKEN_BAD_ALG);
	ck_assert_int_eq(token_verify(&k, t512, NOW, NULL), TOKEN_BAD_ALG);
	free(t384);
	free(t512);
	free(c);
}
END_TEST

START_TEST(test_token_altered_signature_or_payload_is_refused)
{
	struct token_keys k;
	char *tok = NULL;
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &tok, NULL), 0);
	size_t len = strlen(tok);
	char *dot2 = strrchr(tok, '.');

	/* One character in the middle of the signature. */
	char *t = strdup(tok);
	char *s = t + (dot2 - tok) + 10;
	*s = *s == 'A' ? 'B' : 'A';
	ck_assert_int_eq(token_verify(&k, t, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t);

	/* The last signature character. */
	t = strdup(tok);
	t[len - 1] = t[len - 1] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(token_verify(&k, t, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t);

	/* Truncated, extended and empty signatures. */
	t = strdup(tok);
	t[len - 1] = '\0';
	ck_assert_int_eq(token_verify(&k, t, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t);
	ck_assert_int_ge(asprintf(&t, "%sAAAA", tok), 0);
	ck_assert_int_eq(token_verify(&k, t, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t);
	t = strdup(tok);
	t[dot2 - tok + 1] = '\0';
	ck_assert_int_eq(token_verify(&k, t, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t);

	/* A payload re-encoded with another role keeps the old signature. */
	char *c = strdup("{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\",\"role\":\"root\","
			 "\"iat\":1760670229,\"exp\":1760671129,\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\","
			 "\"iss\":\"turnero-test\"}");
	char *p = b64url(c, strlen(c));
	const char *dot1 = strchr(tok, '.');
	ck_assert_int_ge(asprintf(&t, "%.*s.%s%s", (int)(dot1 - tok), tok, p, dot2), 0);
	ck_assert_int_eq(token_verify(&k, t, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t);
	free(p);
	free(c);
	free(tok);
}
END_TEST

START_TEST(test_token_signed_with_other_secret_is_refused)
{
	struct token_keys mine, theirs;
	char *tok = NULL;
	keys_init(&mine, secret32, issuer);
	keys_init(&theirs, "ffffffffffffffffffffffffffffffff", issuer);
	ck_assert_int_eq(token_issue(&theirs, user_id, "ana", "admin", NOW, &tok, NULL), 0);
	ck_assert_int_eq(token_verify(&mine, tok, NOW, NULL), TOKEN_BAD_SIGNATURE);
	ck_assert_int_eq(token_verify(&theirs, tok, NOW, NULL), TOKEN_OK);
	free(tok);
}
END_TEST

START_TEST(test_token_empty_or_short_key_refuses_everything)
{
	struct token_keys k, empty;
	struct token_claims c;
	char *tok = NULL;
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &tok, NULL), 0);

	keys_init(&empty, "", issuer);
	ck_assert_int_eq(token_verify(&empty, tok, NOW, &c), TOKEN_BAD_SIGNATURE);
	ck_assert_str_eq(c.sub, "");
	ck_assert_int_eq(token_verify(NULL, tok, NOW, NULL), TOKEN_BAD_SIGNATURE);
	/* A 31-byte key holding a prefix of the real one. */
	keys_init(&empty, secret32, issuer);
	empty.secret_len = 31;
	ck_assert_int_eq(token_verify(&empty, tok, NOW, NULL), TOKEN_BAD_SIGNATURE);

	/* Tokens that really are signed with the short key in use are refused too. */
	static const char secret31[] = "0123456789abcdef0123456789abcde";
	char *cj = claims_json(user_id, NOW, NOW + TTL, issuer);
	char *t31 = jwt_build(JWT_ALG_HS256, secret31, cj, NULL);
	keys_init(&empty, secret31, issuer);
	ck_assert_int_eq(token_verify(&empty, t31, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t31);
	char *t0 = hs256_empty_key(cj);
	keys_init(&empty, "", issuer);
	ck_assert_int_eq(token_verify(&empty, t0, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(t0);
	free(cj);

	/* Nor may an empty key issue. */
	char *t2 = (char *)"sentinel";
	keys_init(&empty, "", issuer);
	ck_assert_int_eq(token_issue(&empty, user_id, "ana", "admin", NOW, &t2, NULL), -1);
	ck_assert_ptr_null(t2);
	free(tok);
}
END_TEST

START_TEST(test_token_wrong_or_missing_issuer_is_refused)
{
	struct token_keys k, other;
	char *tok = NULL;
	keys_init(&k, secret32, issuer);
	keys_init(&other, secret32, "someone-else");
	ck_assert_int_eq(token_issue(&other, user_id, "ana", "admin", NOW, &tok, NULL), 0);
	ck_assert_int_eq(token_verify(&k, tok, NOW, NULL), TOKEN_BAD_ISSUER);
	free(tok);

	ck_assert_int_eq(verify_claims("{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\","
				       "\"role\":\"admin\",\"iat\":1760670229,\"exp\":1760671129,"
				       "\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\"}",
				       NOW),
			 TOKEN_BAD_ISSUER);
	char *c = claims_json(user_id, NOW, NOW + TTL, "turnero-test2");
	ck_assert_int_eq(verify_claims(c, NOW), TOKEN_BAD_ISSUER);
	free(c);
}
END_TEST

START_TEST(test_token_expiry_allows_leeway_then_refuses)
{
	struct token_keys k;
	char *tok = NULL;
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &tok, NULL), 0);
	long long exp = NOW + TTL;
	ck_assert_int_eq(token_verify(&k, tok, exp - 1, NULL), TOKEN_OK);
	ck_assert_int_eq(token_verify(&k, tok, exp, NULL), TOKEN_OK);
	ck_assert_int_eq(token_verify(&k, tok, exp + 29, NULL), TOKEN_OK);
	ck_assert_int_eq(token_verify(&k, tok, exp + 30, NULL), TOKEN_EXPIRED);
	ck_assert_int_eq(token_verify(&k, tok, exp + 86400, NULL), TOKEN_EXPIRED);

	k.leeway_seconds = 0;
	ck_assert_int_eq(token_verify(&k, tok, exp - 1, NULL), TOKEN_OK);
	ck_assert_int_eq(token_verify(&k, tok, exp, NULL), TOKEN_EXPIRED);

	/* A configured leeway above the cap counts as 60 s. */
	k.leeway_seconds = 3600;
	ck_assert_int_eq(token_verify(&k, tok, exp + 59, NULL), TOKEN_OK);
	ck_assert_int_eq(token_verify(&k, tok, exp + 60, NULL), TOKEN_EXPIRED);
	free(tok);
}
END_TEST

START_TEST(test_token_nbf_in_future_is_not_yet_valid)
{
	char *c = NULL;
#define fmt "{\"sub\":\"%s\",\"name\":\"ana\",\"role\":\"admin\",\"iat\":%lld,\"exp\":%lld," \
	    "\"nbf\":%s,\"jti\":\"%s\",\"iss\":\"%s\"}"
	char nbf[32];

	snprintf(nbf, sizeof nbf, "%lld", NOW + 31);
	ck_assert_int_ge(asprintf(&c, fmt, user_id, NOW, NOW + TTL, nbf, jti_id, issuer), 0);
	ck_assert_int_eq(verify_claims(c, NOW), TOKEN_NOT_YET_VALID);
	ck_assert_int_eq(verify_claims(c, NOW + 1), TOKEN_OK);
	free(c);

	snprintf(nbf, sizeof nbf, "%lld", NOW + 30);
	ck_assert_int_ge(asprintf(&c, fmt, user_id, NOW, NOW + TTL, nbf, jti_id, issuer), 0);
	ck_assert_int_eq(verify_claims(c, NOW), TOKEN_OK);
	free(c);

	ck_assert_int_ge(asprintf(&c, fmt, user_id, NOW, NOW + TTL, "\"soon\"", jti_id, issuer), 0);
	ck_assert_int_eq(verify_claims(c, NOW), TOKEN_BAD_CLAIMS);
	free(c);
#undef fmt
}
END_TEST

START_TEST(test_token_iat_in_future_is_not_yet_valid)
{
	char *c = claims_json(user_id, NOW + 31, NOW + 31 + TTL, issuer);
	ck_assert_int_eq(verify_claims(c, NOW), TOKEN_NOT_YET_VALID);
	free(c);
	c = claims_json(user_id, NOW + 30, NOW + 30 + TTL, issuer);
	ck_assert_int_eq(verify_claims(c, NOW), TOKEN_OK);
	free(c);

	/* Our own token checked by a clock that is behind. */
	struct token_keys k;
	char *tok = NULL;
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &tok, NULL), 0);
	ck_assert_int_eq(token_verify(&k, tok, NOW - 3600, NULL), TOKEN_NOT_YET_VALID);
	free(tok);
}
END_TEST

START_TEST(test_token_missing_or_mistyped_times_are_bad_claims)
{
	const char *cases[] = {
		/* no exp */
		"{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\",\"role\":\"admin\","
		"\"iat\":1760670229,\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\",\"iss\":\"turnero-test\"}",
		/* exp as a string */
		"{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\",\"role\":\"admin\","
		"\"iat\":1760670229,\"exp\":\"1760671129\",\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\","
		"\"iss\":\"turnero-test\"}",
		/* exp as a real number */
		"{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\",\"role\":\"admin\","
		"\"iat\":1760670229,\"exp\":1760671129.5,\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\","
		"\"iss\":\"turnero-test\"}",
		/* no iat */
		"{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\",\"role\":\"admin\","
		"\"exp\":1760671129,\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\",\"iss\":\"turnero-test\"}",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(verify_claims(cases[i], NOW) == TOKEN_BAD_CLAIMS, "case %zu", i);
}
END_TEST

START_TEST(test_token_missing_or_non_uuid_sub_is_bad_claims)
{
	const char *subs[] = {"", "42", "admin", "0b6e1a7e2c1d4f5e9a8b1c2d3e4f5a6b",
			      "0B6E1A7E-2C1D-4F5E-9A8B-1C2D3E4F5A6B", "0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6",
			      "0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6bb", "0b6e1a7e-2c1d-4f5e-9a8b_1c2d3e4f5a6b",
			      "0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6g"};
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		char *c = claims_json(subs[i], NOW, NOW + TTL, issuer);
		ck_assert_msg(verify_claims(c, NOW) == TOKEN_BAD_CLAIMS, "sub '%s'", subs[i]);
		free(c);
	}
	const char *others[] = {
		/* no sub */
		"{\"name\":\"ana\",\"role\":\"admin\",\"iat\":1760670229,\"exp\":1760671129,"
		"\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\",\"iss\":\"turnero-test\"}",
		/* numeric sub */
		"{\"sub\":42,\"name\":\"ana\",\"role\":\"admin\",\"iat\":1760670229,\"exp\":1760671129,"
		"\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\",\"iss\":\"turnero-test\"}",
		/* no jti */
		"{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\",\"role\":\"admin\","
		"\"iat\":1760670229,\"exp\":1760671129,\"iss\":\"turnero-test\"}",
		/* no role */
		"{\"sub\":\"0b6e1a7e-2c1d-4f5e-9a8b-1c2d3e4f5a6b\",\"name\":\"ana\",\"iat\":1760670229,"
		"\"exp\":1760671129,\"jti\":\"5d0c7f38-1e2a-4b3c-8d4e-5f6a7b8c9d0e\",\"iss\":\"turnero-test\"}",
	};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		ck_assert_msg(verify_claims(others[i], NOW) == TOKEN_BAD_CLAIMS, "case %zu", i);
}
END_TEST

START_TEST(test_token_garbage_is_malformed)
{
	struct token_keys k;
	keys_init(&k, secret32, issuer);
	const char *cases[] = {
		"garbage",
		"a.b.c",
		"..",
		"...",
		"a..",
		".e30.AAAA",
		"eyJhbGciOiJIUzI1NiJ9",
		"eyJhbGciOiJIUzI1NiJ9.e30",
		"eyJhbGciOiJIUzI1NiJ9.e30.AAAA.AAAA",
		"eyJhbGciOiJIUzI1NiJ9.e30=.AAAA",
		"eyJhbGciOiJIUzI1NiJ9.e3!0.AAAA",
		"eyJhbGciOiJIUzI1NiJ9.e30.AA AA",
		"eyJhbGciOiJIUzI1NiJ9..AAAA",
		"bm90IGpzb24.e30.AAAA",		     /* header "not json" */
		"WzFd.e30.AAAA",		     /* header [1] */
		"eyJhbGciOiJIUzI1NiJ9eA.e30.AAAA",   /* header followed by "x" */
		"eyJhbGciOiJIUzI1NiJ9.bm9wZQ.AAAA",  /* payload "nope" */
		"eyJhbGciOiJIUzI1NiJ9.WzFd.AAAA",    /* payload [1] */
		"eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQA.AAAA", /* payload {"a":1} then a NUL */
		"Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(token_verify(&k, cases[i], NOW, NULL) == TOKEN_MALFORMED, "'%s'", cases[i]);
	ck_assert_int_eq(token_verify(&k, NULL, NOW, NULL), TOKEN_MALFORMED);
}
END_TEST

START_TEST(test_token_empty_string_is_malformed)
{
	struct token_keys k;
	struct token_claims c;
	keys_init(&k, secret32, issuer);
	memset(&c, 'x', sizeof c);
	ck_assert_int_eq(token_verify(&k, "", NOW, &c), TOKEN_MALFORMED);
	ck_assert_str_eq(c.sub, "");
	ck_assert_int_eq(c.exp, 0);
}
END_TEST

static char *padded_token(size_t pad)
{
	char *fill = malloc(pad + 1);
	char *c = NULL;
	ck_assert_ptr_nonnull(fill);
	memset(fill, 'z', pad);
	fill[pad] = '\0';
	ck_assert_int_ge(asprintf(&c,
				  "{\"sub\":\"%s\",\"name\":\"ana\",\"role\":\"admin\",\"iat\":%lld,\"exp\":%lld,"
				  "\"jti\":\"%s\",\"iss\":\"%s\",\"pad\":\"%s\"}",
				  user_id, NOW, NOW + TTL, jti_id, issuer, fill),
			 0);
	char *tok = hs256(c);
	free(c);
	free(fill);
	return tok;
}

START_TEST(test_token_over_4096_bytes_is_malformed)
{
	struct token_keys k;
	keys_init(&k, secret32, issuer);
	char *big = padded_token(3600);
	ck_assert_uint_gt(strlen(big), 4096);
	ck_assert_uint_lt(strlen(big), 5200);
	ck_assert_int_eq(token_verify(&k, big, NOW, NULL), TOKEN_MALFORMED);
	/* The same shape under the limit passes, so the size is what was refused. */
	char *ok = padded_token(2700);
	ck_assert_uint_lt(strlen(ok), 4096);
	ck_assert_int_eq(token_verify(&k, ok, NOW, NULL), TOKEN_OK);

	/* 5000 bytes of base64url characters. */
	char *junk = malloc(5001);
	memset(junk, 'A', 5000);
	junk[5000] = '\0';
	ck_assert_int_eq(token_verify(&k, junk, NOW, NULL), TOKEN_MALFORMED);
	free(junk);
	free(ok);
	free(big);
}
END_TEST

START_TEST(test_token_key_location_headers_are_ignored)
{
	const char *hdrs[] = {"kid", "other-key",	       "jku", "http://127.0.0.1:1/jwks.json",
			      "x5u", "http://127.0.0.1:1/cert", NULL};
	struct token_keys k;
	char *c = claims_json(user_id, NOW, NOW + TTL, issuer);
	keys_init(&k, secret32, issuer);
	char *tok = jwt_build(JWT_ALG_HS256, secret32, c, hdrs);
	ck_assert_int_eq(token_verify(&k, tok, NOW, NULL), TOKEN_OK);
	free(tok);
	/* Pointing elsewhere does not make another secret acceptable. */
	tok = jwt_build(JWT_ALG_HS256, "ffffffffffffffffffffffffffffffff", c, hdrs);
	ck_assert_int_eq(token_verify(&k, tok, NOW, NULL), TOKEN_BAD_SIGNATURE);
	free(tok);
	free(c);
}
END_TEST

START_TEST(test_token_crit_header_is_malformed)
{
	const char *hdrs[] = {"crit", "exp", NULL};
	struct token_keys k;
	char *c = claims_json(user_id, NOW, NOW + TTL, issuer);
	keys_init(&k, secret32, issuer);
	char *tok = jwt_build(JWT_ALG_HS256, secret32, c, hdrs);
	ck_assert_int_eq(token_verify(&k, tok, NOW, NULL), TOKEN_MALFORMED);
	free(tok);
	free(c);
}
END_TEST

START_TEST(test_token_issue_refuses_bad_arguments)
{
	struct token_keys k;
	char *tok = (char *)"sentinel";
	char longname[65];
	memset(longname, 'n', 64);
	longname[64] = '\0';
	keys_init(&k, secret32, issuer);
	ck_assert_int_eq(token_issue(&k, "not-a-uuid", "ana", "admin", NOW, &tok, NULL), -1);
	ck_assert_ptr_null(tok);
	ck_assert_int_eq(token_issue(&k, NULL, "ana", "admin", NOW, &tok, NULL), -1);
	ck_assert_int_eq(token_issue(&k, user_id, longname, "admin", NOW, &tok, NULL), -1);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "", NOW, &tok, NULL), -1);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", NULL, NOW, &tok, NULL), -1);
	ck_assert_int_eq(token_issue(NULL, user_id, "ana", "admin", NOW, &tok, NULL), -1);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, NULL, NULL), -1);
	longname[63] = '\0';
	ck_assert_int_eq(token_issue(&k, user_id, longname, "admin", NOW, &tok, NULL), 0);
	free(tok);
	k.ttl_seconds = 0;
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &tok, NULL), -1);
	ck_assert_ptr_null(tok);
}
END_TEST

static int load_from(const void *data, size_t len, struct token_keys *k, char *err, size_t errlen)
{
	char *path = write_temp(data, len);
	int rc = token_keys_load(k, path, issuer, TTL, err, errlen);
	unlink(path);
	free(path);
	return rc;
}

START_TEST(test_token_keys_load_refuses_31_bytes_and_accepts_32)
{
	struct token_keys k;
	char err[256];

	err[0] = '\0';
	ck_assert_int_eq(load_from(secret32, 31, &k, err, sizeof err), -1);
	ck_assert_msg(err[0] != '\0' && strchr(err, '\n') == NULL, "reason '%s'", err);
	ck_assert_uint_eq(k.secret_len, 0);

	ck_assert_int_eq(load_from("0123456789abcdef0123456789abcde\n", 32, &k, err, sizeof err), -1);

	ck_assert_int_eq(load_from(secret32, 32, &k, err, sizeof err), 0);
	ck_assert_uint_eq(k.secret_len, 32);
	ck_assert_int_eq(memcmp(k.secret, secret32, 32), 0);
	ck_assert_str_eq(k.issuer, issuer);
	ck_assert_int_eq(k.ttl_seconds, TTL);
	ck_assert_int_eq(k.leeway_seconds, TOKEN_LEEWAY_DEFAULT);
}
END_TEST

START_TEST(test_token_keys_load_strips_exactly_one_newline)
{
	struct token_keys k;
	char err[256];
	ck_assert_int_eq(load_from("0123456789abcdef0123456789abcdef\n", 33, &k, err, sizeof err), 0);
	ck_assert_uint_eq(k.secret_len, 32);
	ck_assert_int_eq(load_from("0123456789abcdef0123456789abcdef\n\n", 34, &k, err, sizeof err), 0);
	ck_assert_uint_eq(k.secret_len, 33);
	/* Raw bytes, NUL included. */
	unsigned char raw[40];
	for (size_t i = 0; i < sizeof raw; i++)
		raw[i] = (unsigned char)(i * 7);
	ck_assert_int_eq(load_from(raw, sizeof raw, &k, err, sizeof err), 0);
	ck_assert_uint_eq(k.secret_len, 40);
	ck_assert_int_eq(memcmp(k.secret, raw, 40), 0);
}
END_TEST

START_TEST(test_token_keys_load_refuses_missing_file_long_secret_and_bad_settings)
{
	struct token_keys k;
	char err[256];
	char big[300];
	memset(big, 's', sizeof big);

	ck_assert_int_eq(token_keys_load(&k, "/nonexistent/turnero/secret", issuer, TTL, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/turnero/secret"));
	ck_assert_int_eq(load_from(big, 257, &k, err, sizeof err), -1);
	ck_assert_int_eq(load_from(big, 256, &k, err, sizeof err), 0);
	ck_assert_uint_eq(k.secret_len, 256);

	char *path = write_temp(secret32, 32);
	ck_assert_int_eq(token_keys_load(&k, path, "", TTL, err, sizeof err), -1);
	ck_assert_int_eq(token_keys_load(&k, path, issuer, 0, err, sizeof err), -1);
	ck_assert_int_eq(token_keys_load(&k, path, issuer, TTL, NULL, 0), 0);
	unlink(path);
	free(path);
}
END_TEST

START_TEST(test_token_loaded_keys_issue_verifiable_tokens)
{
	struct token_keys k;
	char err[256];
	char *tok = NULL;
	ck_assert_int_eq(load_from("0123456789abcdef0123456789abcdef\n", 33, &k, err, sizeof err), 0);
	ck_assert_int_eq(token_issue(&k, user_id, "ana", "admin", NOW, &tok, NULL), 0);
	struct token_keys same;
	keys_init(&same, secret32, issuer);
	ck_assert_int_eq(token_verify(&same, tok, NOW, NULL), TOKEN_OK);
	free(tok);
}
END_TEST

START_TEST(test_token_status_names_are_distinct)
{
	for (int a = TOKEN_OK; a <= TOKEN_BAD_CLAIMS; a++) {
		ck_assert_ptr_nonnull(token_status_str((enum token_status)a));
		for (int b = a + 1; b <= TOKEN_BAD_CLAIMS; b++)
			ck_assert_str_ne(token_status_str((enum token_status)a), token_status_str((enum token_status)b));
	}
	ck_assert_str_eq(token_status_str(TOKEN_OK), "ok");
	ck_assert_str_eq(token_status_str(TOKEN_EXPIRED), "expired");
}
END_TEST

/* ---- refresh tokens ---- */

START_TEST(test_refresh_generate_gives_43_url_safe_unique_tokens)
{
	enum { N = 64 };
	char toks[N][REFRESH_TOKEN_LEN + 1];
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(refresh_generate(toks[i]), 0);
		ck_assert_uint_eq(strlen(toks[i]), REFRESH_TOKEN_LEN);
		ck_assert(refresh_well_formed(toks[i]));
		/* 43 characters carry 258 bits: the last one ends in 2 zero bits. */
		ck_assert_ptr_nonnull(strchr("AEIMQUYcgkosw048", toks[i][REFRESH_TOKEN_LEN - 1]));
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(toks[i], toks[j]);
	}
}
END_TEST

START_TEST(test_refresh_hash_is_lowercase_hex_sha256)
{
	char out[REFRESH_HASH_LEN + 1];
	refresh_hash("abc", out);
	ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	refresh_hash("", out);
	ck_assert_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	refresh_hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", out);
	ck_assert_str_eq(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_refresh_hash_differs_for_different_tokens)
{
	char a[REFRESH_TOKEN_LEN + 1], b[REFRESH_TOKEN_LEN + 1];
	char ha[REFRESH_HASH_LEN + 1], hb[REFRESH_HASH_LEN + 1], ha2[REFRESH_HASH_LEN + 1];
	ck_assert_int_eq(refresh_generate(a), 0);
	ck_assert_int_eq(refresh_generate(b), 0);
	refresh_hash(a, ha);
	refresh_hash(b, hb);
	refresh_hash(a, ha2);
	ck_assert_str_ne(ha, hb);
	ck_assert_str_eq(ha, ha2);
	ck_assert_uint_eq(strlen(ha), 64);
	ck_assert_uint_eq(strspn(ha, "0123456789abcdef"), 64);
}
END_TEST

START_TEST(test_refresh_well_formed_wants_exactly_43_base64url_chars)
{
	static const char good[] = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
	ck_assert_uint_eq(strlen(good), 43);
	ck_assert(refresh_well_formed(good));
	ck_assert(!refresh_well_formed(NULL));
	ck_assert(!refresh_well_formed(""));
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd"));   /* 42 */
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdef")); /* 44 */
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+_abcde"));
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-/abcde"));
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd="));
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abc e"));
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde\n"));
	ck_assert(!refresh_well_formed("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd\xc3\xa9"));
}
END_TEST

START_TEST(test_refresh_decide_table)
{
	const long long t = 1000;
	static const struct {
		struct refresh_row row;
		long long now;
		enum refresh_decision want;
		const char *what;
	} cases[] = {
		{{false, false, false, 2000}, 1000, REFRESH_INVALID, "unknown"},
		{{false, true, true, 2000}, 1000, REFRESH_INVALID, "unknown with stray flags"},
		{{true, false, false, 2000}, 1000, REFRESH_ROTATE, "fresh"},
		{{true, false, false, 1001}, 1000, REFRESH_ROTATE, "last second"},
		{{true, false, false, 1000}, 1000, REFRESH_INVALID, "expires now"},
		{{true, false, false, 999}, 1000, REFRESH_INVALID, "expired"},
		{{true, true, false, 2000}, 1000, REFRESH_INVALID, "revoked"},
		{{true, false, true, 2000}, 1000, REFRESH_REUSE_REVOKE_FAMILY, "reused after rotation"},
		{{true, true, true, 2000}, 1000, REFRESH_INVALID, "rotated then family revoked"},
		{{true, false, true, 999}, 1000, REFRESH_INVALID, "rotated and expired"},
		{{true, true, false, 999}, 1000, REFRESH_INVALID, "revoked and expired"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_msg(refresh_decide(&cases[i].row, cases[i].now) == cases[i].want, "%s", cases[i].what);
	ck_assert_int_eq(refresh_decide(NULL, t), REFRESH_INVALID);
}
END_TEST

static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth_tokens");
	TCase *pw = tcase_create("password");
	TCase *tk = tcase_create("token");
	TCase *rf = tcase_create("refresh");

	/* argon2 at real cost is slow under valgrind. */
	tcase_set_timeout(pw, 300);
	tcase_add_test(pw, test_password_hash_then_verify_accepts_same_password);
	tcase_add_test(pw, test_password_verify_rejects_wrong_password);
	tcase_add_test(pw, test_password_length_counts_bytes_including_nul);
	tcase_add_test(pw, test_password_same_password_hashes_differently_each_time);
	tcase_add_test(pw, test_password_policy_bounds_are_8_and_1024_bytes);
	tcase_add_test(pw, test_password_hash_refuses_too_short);
	tcase_add_test(pw, test_password_hash_refuses_1025_bytes_before_hashing);
	tcase_add_test(pw, test_password_hash_accepts_1024_bytes);
	tcase_add_test(pw, test_password_verify_never_hashes_more_than_1024_bytes);
	tcase_add_test(pw, test_password_malformed_or_foreign_stored_hash_is_mismatch);
	tcase_add_test(pw, test_password_default_params_give_owasp_argon2id);
	tcase_add_test(pw, test_password_invalid_params_are_an_error);
	tcase_add_test(pw, test_password_burn_time_costs_about_a_verify);
	tcase_add_test(pw, test_password_generate_gives_20_unambiguous_chars);
	tcase_add_test(pw, test_password_generate_uses_whole_alphabet);
	suite_add_tcase(s, pw);

	tcase_set_timeout(tk, 60);
	tcase_add_test(tk, test_token_issue_then_verify_round_trips_claims);
	tcase_add_test(tk, test_token_memo_answers_as_verify_does);
	tcase_add_test(tk, test_token_each_issue_has_a_fresh_jti);
	tcase_add_test(tk, test_token_libjwt_hs256_control_token_verifies);
	tcase_add_test(tk, test_token_alg_none_is_refused);
	tcase_add_test(tk, test_token_hs384_and_hs512_with_same_secret_are_refused);
	tcase_add_test(tk, test_token_altered_signature_or_payload_is_refused);
	tcase_add_test(tk, test_token_signed_with_other_secret_is_refused);
	tcase_add_test(tk, test_token_empty_or_short_key_refuses_everything);
	tcase_add_test(tk, test_token_wrong_or_missing_issuer_is_refused);
	tcase_add_test(tk, test_token_expiry_allows_leeway_then_refuses);
	tcase_add_test(tk, test_token_nbf_in_future_is_not_yet_valid);
	tcase_add_test(tk, test_token_iat_in_future_is_not_yet_valid);
	tcase_add_test(tk, test_token_missing_or_mistyped_times_are_bad_claims);
	tcase_add_test(tk, test_token_missing_or_non_uuid_sub_is_bad_claims);
	tcase_add_test(tk, test_token_garbage_is_malformed);
	tcase_add_test(tk, test_token_empty_string_is_malformed);
	tcase_add_test(tk, test_token_over_4096_bytes_is_malformed);
	tcase_add_test(tk, test_token_key_location_headers_are_ignored);
	tcase_add_test(tk, test_token_crit_header_is_malformed);
	tcase_add_test(tk, test_token_issue_refuses_bad_arguments);
	tcase_add_test(tk, test_token_keys_load_refuses_31_bytes_and_accepts_32);
	tcase_add_test(tk, test_token_keys_load_strips_exactly_one_newline);
	tcase_add_test(tk, test_token_keys_load_refuses_missing_file_long_secret_and_bad_settings);
	tcase_add_test(tk, test_token_loaded_keys_issue_verifiable_tokens);
	tcase_add_test(tk, test_token_status_names_are_distinct);
	suite_add_tcase(s, tk);

	tcase_add_test(rf, test_refresh_generate_gives_43_url_safe_unique_tokens);
	tcase_add_test(rf, test_refresh_hash_is_lowercase_hex_sha256);
	tcase_add_test(rf, test_refresh_hash_differs_for_different_tokens);
	tcase_add_test(rf, test_refresh_well_formed_wants_exactly_43_base64url_chars);
	tcase_add_test(rf, test_refresh_decide_table);
	suite_add_tcase(s, rf);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(auth_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
