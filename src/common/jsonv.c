#include "common/jsonv.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

/* ---- RFC 8259 pre-scan ------------------------------------------------- */

/* One key seen in some object; objects are told apart by obj, so closed objects need no cleanup. */
struct jsonv_key {
	uint32_t hash;
	uint32_t obj;
	size_t off; /* into scan.keys */
	size_t len;
};

struct jsonv_scan {
	const unsigned char *p;
	size_t len;
	size_t pos;
	int max_depth;

	enum jsonv_status st;
	char *err;
	size_t errlen;

	/* Unescaped keys of every object so far, and an open-addressing index over them. */
	char *keys;
	size_t keys_len, keys_cap;
	struct jsonv_key *ents;
	size_t nents, ents_cap;
	size_t *table; /* entry index + 1; 0 = empty slot */
	size_t table_cap;
	uint32_t next_obj;
};

static bool jsonv_fail(struct jsonv_scan *s, enum jsonv_status st, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool jsonv_fail(struct jsonv_scan *s, enum jsonv_status st, size_t at, const char *fmt, ...)
{
	if (s->st != JSONV_OK)
		return false;
	s->st = st;
	if (s->err && s->errlen) {
		char what[128];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		snprintf(s->err, s->errlen, "%s at byte %zu", what, at);
	}
	return false;
}

static bool jsonv_fail_unexpected(struct jsonv_scan *s)
{
	if (s->pos >= s->len)
		return jsonv_fail(s, JSONV_SYNTAX, s->pos, "unexpected end of input");
	unsigned char c = s->p[s->pos];
	if (c >= 0x20 && c < 0x7f && c != '\'')
		return jsonv_fail(s, JSONV_SYNTAX, s->pos, "unexpected character '%c'", c);
	return jsonv_fail(s, JSONV_SYNTAX, s->pos, "unexpected byte 0x%02x", c);
}

static void jsonv_skip_ws(struct jsonv_scan *s)
{
	while (s->pos < s->len) {
		unsigned char c = s->p[s->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		s->pos++;
	}
}

static bool jsonv_key_append(struct jsonv_scan *s, const void *b, size_t n)
{
	if (n == 0)
		return true;
	if (s->keys_len + n > s->keys_cap) {
		size_t cap = s->keys_cap ? s->keys_cap : 256;
		while (cap < s->keys_len + n)
			cap *= 2;
		char *k = realloc(s->keys, cap);
		if (!k)
			return jsonv_fail(s, JSONV_NO_MEMORY, s->pos, "out of memory");
		s->keys = k;
		s->keys_cap = cap;
	}
	memcpy(s->keys + s->keys_len, b, n);
	s->keys_len += n;
	return true;
}

static int jsonv_hex4(const unsigned char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t jsonv_utf8_encode(unsigned long cp, unsigned char out[4])
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Scans the string at s->pos (an opening quote). When is_key, the unescaped
 * bytes are appended to s->keys so duplicates can be compared as decoded text.
 */
static bool jsonv_scan_string(struct jsonv_scan *s, bool is_key)
{
	s->pos++; /* opening quote */
	size_t run = s->pos; /* start of bytes not yet copied into keys */
	for (;;) {
		if (s->pos >= s->len)
			return jsonv_fail(s, JSONV_SYNTAX, s->pos, "unterminated string");
		unsigned char c = s->p[s->pos];
		if (c == '"') {
			if (is_key && !jsonv_key_append(s, s->p + run, s->pos - run))
				return false;
			s->pos++;
			return true;
		}
		if (c < 0x20)
			return jsonv_fail(s, JSONV_BAD_STRING, s->pos, "control character in string");
		if (c >= 0x80) {
			size_t n = utf8_sequence_len(s->p + s->pos, s->len - s->pos);
			if (n == 0)
				return jsonv_fail(s, JSONV_BAD_STRING, s->pos, "invalid UTF-8");
			s->pos += n;
			continue;
		}
		if (c != '\\') {
			s->pos++;
			continue;
		}

		size_t at = s->pos;
		if (is_key && !jsonv_key_append(s, s->p + run, s->pos - run))
			return false;
		if (s->pos + 1 >= s->len)
			return jsonv_fail(s, JSONV_SYNTAX, s->len, "unexpected end of input");
		unsigned char e = s->p[s->pos + 1];
		unsigned char dec[4];
		size_t ndec = 1;
		switch (e) {
		case '"': dec[0] = '"'; break;
		case '\\': dec[0] = '\\'; break;
		case '/': dec[0] = '/'; break;
		case 'b': dec[0] = '\b'; break;
		case 'f': dec[0] = '\f'; break;
		case 'n': dec[0] = '\n'; break;
		case 'r': dec[0] = '\r'; break;
		case 't': dec[0] = '\t'; break;
		case 'u': {
			if (s->pos + 6 > s->len)
				return jsonv_fail(s, JSONV_SYNTAX, s->len, "unexpected end of input");
			int hi = jsonv_hex4(s->p + s->pos + 2);
			if (hi < 0)
				return jsonv_fail(s, JSONV_BAD_STRING, at, "invalid \\u escape");
			if (hi == 0)
				return jsonv_fail(s, JSONV_BAD_STRING, at, "\\u0000 is not allowed");
			unsigned long cp = (unsigned long)hi;
			if (hi >= 0xDC00 && hi <= 0xDFFF)
				return jsonv_fail(s, JSONV_BAD_STRING, at, "lone surrogate");
			if (hi >= 0xD800 && hi <= 0xDBFF) {
				const unsigned char *q = s->p + s->pos + 6;
				if (s->pos + 12 > s->len || q[0] != '\\' || q[1] != 'u')
					return jsonv_fail(s, JSONV_BAD_STRING, at, "lone surrogate");
				int lo = jsonv_hex4(q + 2);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return jsonv_fail(s, JSONV_BAD_STRING, at, "lone surrogate");
				cp = 0x10000 + (((unsigned long)hi - 0xD800) << 10) + ((unsigned long)lo - 0xDC00);
				s->pos += 6;
			}
			ndec = jsonv_utf8_encode(cp, dec);
			s->pos += 4;
			break;
		}
		default:
			return jsonv_fail(s, JSONV_BAD_STRING, at, "invalid escape");
		}
		s->pos += 2;
		if (is_key && !jsonv_key_append(s, dec, ndec))
			return false;
		run = s->pos;
	}
}

static bool jsonv_scan_number(struct jsonv_scan *s)
{
	size_t start = s->pos;
	bool neg = false, integer = true;
	const unsigned char *p = s->p;

	if (p[s->pos] == '-') {
		neg = true;
		s->pos++;
	}
	if (s->pos >= s->len || !isdigit(p[s->pos]))
		return jsonv_fail_unexpected(s);

	/* Magnitude checked while reading so an integer of any length costs one pass. */
	unsigned long long limit = neg ? (unsigned long long)INT64_MAX + 1 : (unsigned long long)INT64_MAX;
	unsigned long long v = 0;
	bool overflow = false;
	if (p[s->pos] == '0') {
		s->pos++;
		if (s->pos < s->len && isdigit(p[s->pos]))
			return jsonv_fail(s, JSONV_SYNTAX, start, "leading zero in number");
	} else {
		while (s->pos < s->len && isdigit(p[s->pos])) {
			unsigned d = p[s->pos] - '0';
			if (v > (limit - d) / 10)
				overflow = true;
			else
				v = v * 10 + d;
			s->pos++;
		}
	}
	if (s->pos < s->len && p[s->pos] == '.') {
		integer = false;
		s->pos++;
		if (s->pos >= s->len || !isdigit(p[s->pos]))
			return jsonv_fail_unexpected(s);
		while (s->pos < s->len && isdigit(p[s->pos]))
			s->pos++;
	}
	if (s->pos < s->len && (p[s->pos] == 'e' || p[s->pos] == 'E')) {
		integer = false;
		s->pos++;
		if (s->pos < s->len && (p[s->pos] == '+' || p[s->pos] == '-'))
			s->pos++;
		if (s->pos >= s->len || !isdigit(p[s->pos]))
			return jsonv_fail_unexpected(s);
		while (s->pos < s->len && isdigit(p[s->pos]))
			s->pos++;
	}

	if (integer) {
		if (overflow)
			return jsonv_fail(s, JSONV_NUMBER_RANGE, start, "integer out of range");
		return true;
	}

	/* json-c would keep 1e400 as infinity and print it back as text no JSON parser reads. */
	size_t n = s->pos - start;
	char small[64];
	char *buf = n < sizeof small ? small : malloc(n + 1);
	if (!buf)
		return jsonv_fail(s, JSONV_NO_MEMORY, start, "out of memory");
	memcpy(buf, p + start, n);
	buf[n] = '\0';
	double d = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	if (isinf(d))
		return jsonv_fail(s, JSONV_NUMBER_RANGE, start, "number out of range");
	return true;
}

static bool jsonv_scan_literal(struct jsonv_scan *s, const char *word)
{
	size_t n = strlen(word);
	if (s->len - s->pos < n || memcmp(s->p + s->pos, word, n) != 0)
		return jsonv_fail_unexpected(s);
	s->pos += n;
	return true;
}

static bool jsonv_table_grow(struct jsonv_scan *s)
{
	size_t cap = s->table_cap ? s->table_cap * 2 : 64;
	size_t *t = calloc(cap, sizeof *t);
	if (!t)
		return jsonv_fail(s, JSONV_NO_MEMORY, s->pos, "out of memory");
	for (size_t i = 0; i < s->nents; i++) {
		size_t slot = s->ents[i].hash & (cap - 1);
		while (t[slot])
			slot = (slot + 1) & (cap - 1);
		t[slot] = i + 1;
	}
	free(s->table);
	s->table = t;
	s->table_cap = cap;
	return true;
}

/* Writes a key for an error message: printable ASCII kept, anything else as '?', long keys cut. */
static void jsonv_key_for_message(const char *k, size_t len, char *out, size_t outlen)
{
	size_t keep = len > 32 ? 32 : len, j = 0;
	for (size_t i = 0; i < keep && j + 1 < outlen; i++) {
		unsigned char c = (unsigned char)k[i];
		out[j++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
	}
	for (size_t i = 0; len > keep && i < 3 && j + 1 < outlen; i++)
		out[j++] = '.';
	out[j] = '\0';
}

/* Records the key just appended at keys[off..keys_len) for object obj; fails on a repeat. */
static bool jsonv_key_add(struct jsonv_scan *s, uint32_t obj, size_t off, size_t at)
{
	size_t len = s->keys_len - off;
	uint32_t h = 2166136261u ^ obj;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s->keys[off + i]) * 16777619u;
	h ^= h >> 15;

	if ((s->nents + 1) * 2 > s->table_cap && !jsonv_table_grow(s))
		return false;
	/* Only empty keys so far leave keys NULL, and NULL + 0 or memcmp(NULL, ...) is undefined. */
	const char *key = len ? s->keys + off : "";
	size_t slot = h & (s->table_cap - 1);
	while (s->table[slot]) {
		const struct jsonv_key *k = &s->ents[s->table[slot] - 1];
		if (k->hash == h && k->obj == obj && k->len == len &&
		    (len == 0 || memcmp(s->keys + k->off, key, len) == 0)) {
			char shown[40];
			jsonv_key_for_message(key, len, shown, sizeof shown);
			return jsonv_fail(s, JSONV_DUPLICATE_KEY, at, "duplicate key \"%s\"", shown);
		}
		slot = (slot + 1) & (s->table_cap - 1);
	}

	if (s->nents == s->ents_cap) {
		size_t cap = s->ents_cap ? s->ents_cap * 2 : 32;
		struct jsonv_key *e = realloc(s->ents, cap * sizeof *e);
		if (!e)
			return jsonv_fail(s, JSONV_NO_MEMORY, at, "out of memory");
		s->ents = e;
		s->ents_cap = cap;
	}
	s->ents[s->nents] = (struct jsonv_key){h, obj, off, len};
	s->table[slot] = ++s->nents;
	return true;
}

static bool jsonv_scan_value(struct jsonv_scan *s, int depth);

static bool jsonv_scan_object(struct jsonv_scan *s, int depth)
{
	uint32_t obj = s->next_obj++;
	s->pos++; /* '{' */
	jsonv_skip_ws(s);
	if (s->pos < s->len && s->p[s->pos] == '}') {
		s->pos++;
		return true;
	}
	for (;;) {
		if (s->pos >= s->len || s->p[s->pos] != '"')
			return jsonv_fail_unexpected(s);
		size_t at = s->pos, off = s->keys_len;
		if (!jsonv_scan_string(s, true) || !jsonv_key_add(s, obj, off, at))
			return false;
		jsonv_skip_ws(s);
		if (s->pos >= s->len || s->p[s->pos] != ':')
			return jsonv_fail_unexpected(s);
		s->pos++;
		jsonv_skip_ws(s);
		if (!jsonv_scan_value(s, depth))
			return false;
		jsonv_skip_ws(s);
		if (s->pos < s->len && s->p[s->pos] == '}') {
			s->pos++;
			return true;
		}
		if (s->pos >= s->len || s->p[s->pos] != ',')
			return jsonv_fail_unexpected(s);
		s->pos++;
		jsonv_skip_ws(s); /* a '}' here (trailing comma) fails as "not a key" above */
	}
}

static bool jsonv_scan_array(struct jsonv_scan *s, int depth)
{
	s->pos++; /* '[' */
	jsonv_skip_ws(s);
	if (s->pos < s->len && s->p[s->pos] == ']') {
		s->pos++;
		return true;
	}
	for (;;) {
		if (!jsonv_scan_value(s, depth))
			return false;
		jsonv_skip_ws(s);
		if (s->pos < s->len && s->p[s->pos] == ']') {
			s->pos++;
			return true;
		}
		if (s->pos >= s->len || s->p[s->pos] != ',')
			return jsonv_fail_unexpected(s);
		s->pos++;
		jsonv_skip_ws(s);
	}
}

/* depth: containers already open around this value. */
static bool jsonv_scan_value(struct jsonv_scan *s, int depth)
{
	if (s->pos >= s->len)
		return jsonv_fail_unexpected(s);
	switch (s->p[s->pos]) {
	case '{':
	case '[':
		if (depth + 1 > s->max_depth)
			return jsonv_fail(s, JSONV_TOO_DEEP, s->pos, "nesting deeper than %d", s->max_depth);
		return s->p[s->pos] == '{' ? jsonv_scan_object(s, depth + 1) : jsonv_scan_array(s, depth + 1);
	case '"':
		return jsonv_scan_string(s, false);
	case 't':
		return jsonv_scan_literal(s, "true");
	case 'f':
		return jsonv_scan_literal(s, "false");
	case 'n':
		return jsonv_scan_literal(s, "null");
	default:
		if (s->p[s->pos] == '-' || isdigit(s->p[s->pos]))
			return jsonv_scan_number(s);
		return jsonv_fail_unexpected(s);
	}
}

static void jsonv_set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void jsonv_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

enum jsonv_status jsonv_parse(const char *text, size_t len, int max_depth, struct json_object **out, char *err,
			      size_t errlen)
{
	struct jsonv_scan s = {
		.p = (const unsigned char *)text, .len = text ? len : 0, .st = JSONV_OK, .err = err, .errlen = errlen};
	struct json_tokener *tok = NULL;
	enum jsonv_status st;

	*out = NULL;
	jsonv_set_err(err, errlen, "%s", "");
	if (max_depth < 0)
		max_depth = 0;
	if (max_depth > JSONV_DEPTH_LIMIT)
		max_depth = JSONV_DEPTH_LIMIT;
	s.max_depth = max_depth;

	if (s.len > INT_MAX) {
		jsonv_fail(&s, JSONV_SYNTAX, 0, "input too large");
		goto out;
	}
	jsonv_skip_ws(&s);
	if (!jsonv_scan_value(&s, 0))
		goto out;
	jsonv_skip_ws(&s);
	if (s.pos != s.len) {
		jsonv_fail(&s, JSONV_SYNTAX, s.pos, "trailing data after the JSON value");
		goto out;
	}

	/* json-c counts a scalar inside an array as one more level; our scan already enforced the real limit. */
	tok = json_tokener_new_ex(max_depth + 1);
	if (!tok) {
		jsonv_fail(&s, JSONV_NO_MEMORY, 0, "out of memory");
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *obj = json_tokener_parse_ex(tok, text, (int)s.len);
	/* A bare number or literal at the end of input only completes at a terminator. */
	if (!obj && json_tokener_get_error(tok) == json_tokener_continue)
		obj = json_tokener_parse_ex(tok, "", 1);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		jsonv_fail(&s, JSONV_SYNTAX, json_tokener_get_parse_end(tok), "%s", json_tokener_error_desc(jerr));
		goto out;
	}
	*out = obj;

out:
	st = s.st;
	if (tok) /* json-c 0.16 does not accept NULL here */
		json_tokener_free(tok);
	free(s.table);
	free(s.ents);
	free(s.keys);
	return st;
}

const char *jsonv_status_str(enum jsonv_status st)
{
	static const char *const names[JSONV__MAX] = {
		[JSONV_OK] = "ok",
		[JSONV_SYNTAX] = "syntax error",
		[JSONV_TOO_DEEP] = "nesting too deep",
		[JSONV_DUPLICATE_KEY] = "duplicate key",
		[JSONV_NUMBER_RANGE] = "number out of range",
		[JSONV_BAD_STRING] = "bad string",
		[JSONV_NO_MEMORY] = "out of memory",
	};
	if ((unsigned)st >= JSONV__MAX || !names[st])
		return "unknown";
	return names[st];
}

bool jsonv_is_uuid(const char *s)
{
	if (!s)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false; /* also stops at the terminator of a short string */
		}
	}
	return s[36] == '\0';
}

/* ---- field specs ------------------------------------------------------- */

void jsonv_strlist_free(struct strlist *l)
{
	strlist_free(l);
}

static bool jsonv_writes_pointer(const struct jsonv_field *f)
{
	if (!f->dest || (f->flags & (JV_READONLY | JV_IGNORED)))
		return false;
	return f->type == JV_STRING || f->type == JV_UUID || f->type == JV_ENUM || f->type == JV_UUID_ARRAY ||
	       f->type == JV_OBJECT;
}

static void jsonv_reset_dest(const struct jsonv_field *f)
{
	if (!jsonv_writes_pointer(f))
		return;
	switch (f->type) {
	case JV_STRING:
	case JV_UUID:
	case JV_ENUM: {
		char **d = f->dest;
		free(*d);
		*d = NULL;
		break;
	}
	case JV_UUID_ARRAY:
		strlist_free(f->dest);
		break;
	case JV_OBJECT:
		*(struct json_object **)f->dest = NULL;
		break;
	default:
		break;
	}
}

void jsonv_uuid_to_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'F')
			*s = (char)(*s - 'A' + 'a');
}

static char *jsonv_uuid_lower(const char *s)
{
	char *d = strdup(s);
	if (d)
		jsonv_uuid_to_lower(d);
	return d;
}

static const char *jsonv_plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/*
 * Checks a length n against min/max (0 = unbounded on that side); verb/one/many
 * make "must be at most 40 characters" or "must have at least 2 items".
 */
static bool jsonv_check_count(struct field_errors *fe, const char *field, size_t n, long long min, long long max,
			      const char *verb, const char *one, const char *many)
{
	bool lower = min > 0, upper = max > 0;
	long long v = n > (size_t)LLONG_MAX ? LLONG_MAX : (long long)n;
	if (lower && v < min) {
		if (min == 1)
			field_errors_add(fe, field, "must not be empty");
		else if (upper)
			field_errors_add(fe, field, "must %s between %lld and %lld %s", verb, min, max, many);
		else
			field_errors_add(fe, field, "must %s at least %lld %s", verb, min, jsonv_plural(min, one, many));
		return false;
	}
	if (upper && v > max) {
		if (lower && min > 1)
			field_errors_add(fe, field, "must %s between %lld and %lld %s", verb, min, max, many);
		else
			field_errors_add(fe, field, "must %s at most %lld %s", verb, max, jsonv_plural(max, one, many));
		return false;
	}
	return true;
}

static void jsonv_oom(struct field_errors *fe, const char *field)
{
	field_errors_add(fe, field, "could not be processed");
}

static void jsonv_do_string(const struct jsonv_field *f, struct json_object *v, struct field_errors *fe)
{
	if (!json_object_is_type(v, json_type_string)) {
		field_errors_add(fe, f->name, "must be a string");
		return;
	}
	const char *str = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	/* Objects may come from elsewhere than jsonv_parse, so the text is checked again. */
	if (memchr(str, '\0', len) || !utf8_valid(str, len)) {
		field_errors_add(fe, f->name, "must be valid UTF-8 text");
		return;
	}
	if (!jsonv_check_count(fe, f->name, utf8_length(str, len), f->min, f->max, "be", "character", "characters"))
		return;
	if (f->check && !f->check(str)) {
		field_errors_add(fe, f->name, "has an invalid format");
		return;
	}
	if (!f->dest)
		return;
	char *d = strdup(str);
	if (!d) {
		jsonv_oom(fe, f->name);
		return;
	}
	*(char **)f->dest = d;
}

static void jsonv_do_int(const struct jsonv_field *f, struct json_object *v, struct field_errors *fe)
{
	if (!json_object_is_type(v, json_type_int)) {
		field_errors_add(fe, f->name, "must be an integer");
		return;
	}
	int64_t i = json_object_get_int64(v);
	/* json-c stores values above INT64_MAX as uint64 and saturates them here. */
	if (i == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX) {
		field_errors_add(fe, f->name, "is out of range");
		return;
	}
	if (!(f->min == 0 && f->max == 0) && (i < f->min || i > f->max))
		field_errors_add(fe, f->name, "must be between %lld and %lld", f->min, f->max);
}

static void jsonv_do_enum(const struct jsonv_field *f, struct json_object *v, struct field_errors *fe)
{
	const char *str = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	const char *match = NULL;
	for (size_t i = 0; str && f->choices && f->choices[i]; i++)
		if (strcmp(str, f->choices[i]) == 0 &&
		    strlen(f->choices[i]) == (size_t)json_object_get_string_len(v))
			match = f->choices[i];
	if (!match) {
		char list[140] = "";
		size_t used = 0;
		for (size_t i = 0; f->choices && f->choices[i] && used < sizeof list; i++)
			used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
						 f->choices[i]);
		field_errors_add(fe, f->name, "must be one of: %s", list);
		return;
	}
	if (!f->dest)
		return;
	char *d = strdup(match);
	if (!d) {
		jsonv_oom(fe, f->name);
		return;
	}
	*(char **)f->dest = d;
}

static void jsonv_do_uuid(const struct jsonv_field *f, struct json_object *v, struct field_errors *fe)
{
	if (!json_object_is_type(v, json_type_string) || !jsonv_is_uuid(json_object_get_string(v)) ||
	    json_object_get_string_len(v) != 36) {
		field_errors_add(fe, f->name, "must be a UUID");
		return;
	}
	if (!f->dest)
		return;
	char *d = jsonv_uuid_lower(json_object_get_string(v));
	if (!d) {
		jsonv_oom(fe, f->name);
		return;
	}
	*(char **)f->dest = d;
}

struct jsonv_sorted {
	const char *s;
	size_t i;
};

static int jsonv_sorted_cmp(const void *a, const void *b)
{
	const struct jsonv_sorted *x = a, *y = b;
	int c = strcmp(x->s, y->s);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static void jsonv_do_uuid_array(const struct jsonv_field *f, struct json_object *v, struct field_errors *fe)
{
	char **items = NULL;
	struct jsonv_sorted *sorted = NULL;
	size_t n = 0, nvalid = 0, before = fe->n + fe->dropped;
	char field[64];

	if (!json_object_is_type(v, json_type_array)) {
		field_errors_add(fe, f->name, "must be an array");
		goto out;
	}
	n = json_object_array_length(v);
	if (!jsonv_check_count(fe, f->name, n, f->min, f->max, "have", "item", "items"))
		goto out;
	if (n == 0)
		goto done;

	items = calloc(n, sizeof *items);
	sorted = calloc(n, sizeof *sorted);
	if (!items || !sorted) {
		jsonv_oom(fe, f->name);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *el = json_object_array_get_idx(v, i);
		if (!json_object_is_type(el, json_type_string) || !jsonv_is_uuid(json_object_get_string(el)) ||
		    json_object_get_string_len(el) != 36) {
			snprintf(field, sizeof field, "%s[%zu]", f->name, i);
			field_errors_add(fe, field, "must be a UUID");
			continue;
		}
		items[i] = jsonv_uuid_lower(json_object_get_string(el));
		if (!items[i]) {
			jsonv_oom(fe, f->name);
			goto out;
		}
		sorted[nvalid++] = (struct jsonv_sorted){items[i], i};
	}
	/* Sorting keeps big arrays cheap; equal ids end up adjacent, earliest first. */
	qsort(sorted, nvalid, sizeof *sorted, jsonv_sorted_cmp);
	for (size_t k = 1; k < nvalid; k++) {
		if (strcmp(sorted[k - 1].s, sorted[k].s) == 0) {
			snprintf(field, sizeof field, "%s[%zu]", f->name, sorted[k].i);
			field_errors_add(fe, field, "is a duplicate");
		}
	}
	if (fe->n + fe->dropped != before)
		goto out;

done:
	if (f->dest) {
		struct strlist *l = f->dest;
		l->items = items;
		l->n = n;
		items = NULL;
	}
out:
	if (items)
		for (size_t i = 0; i < n; i++)
			free(items[i]);
	free(items);
	free(sorted);
}

static void jsonv_do_field(const struct jsonv_field *f, struct json_object *v, struct field_errors *fe)
{
	switch (f->type) {
	case JV_STRING:
		jsonv_do_string(f, v, fe);
		break;
	case JV_INT:
		jsonv_do_int(f, v, fe);
		break;
	case JV_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			field_errors_add(fe, f->name, "must be a boolean");
		break;
	case JV_UUID:
		jsonv_do_uuid(f, v, fe);
		break;
	case JV_ENUM:
		jsonv_do_enum(f, v, fe);
		break;
	case JV_UUID_ARRAY:
		jsonv_do_uuid_array(f, v, fe);
		break;
	case JV_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			field_errors_add(fe, f->name, "must be an object");
		else if (f->dest)
			*(struct json_object **)f->dest = v;
		break;
	}
}

bool jsonv_extract(struct json_object *obj, const struct jsonv_field *specs, size_t nspecs,
		   struct field_errors *fe)
{
	size_t before = fe->n + fe->dropped;

	for (size_t i = 0; i < nspecs; i++) {
		if (!jsonv_writes_pointer(&specs[i]))
			continue;
		if (specs[i].type == JV_UUID_ARRAY)
			*(struct strlist *)specs[i].dest = (struct strlist){NULL, 0};
		else if (specs[i].type == JV_OBJECT)
			*(struct json_object **)specs[i].dest = NULL;
		else
			*(char **)specs[i].dest = NULL;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		field_errors_add(fe, "", "must be a JSON object");
		return false;
	}

	for (size_t i = 0; i < nspecs; i++) {
		const struct jsonv_field *f = &specs[i];
		struct json_object *v = NULL;
		bool has = json_object_object_get_ex(obj, f->name, &v);
		if (f->present)
			*f->present = has;
		if (f->flags & JV_IGNORED)
			continue;
		if (f->flags & JV_READONLY) {
			if (has)
				field_errors_add(fe, f->name, "is read-only");
			continue;
		}
		if (!has) {
			if (f->flags & JV_REQUIRED)
				field_errors_add(fe, f->name, "is required");
			continue;
		}
		if (!v) {
			if (!(f->flags & JV_NULLABLE))
				field_errors_add(fe, f->name, "must not be null");
			continue;
		}
		jsonv_do_field(f, v, fe);
	}

	json_object_object_foreach(obj, key, val) {
		(void)val;
		bool known = false;
		for (size_t i = 0; i < nspecs && !known; i++)
			known = strcmp(specs[i].name, key) == 0;
		if (!known)
			field_errors_add(fe, key, "is not a known field");
	}

	if (fe->n + fe->dropped != before) {
		for (size_t i = 0; i < nspecs; i++)
			jsonv_reset_dest(&specs[i]);
		return false;
	}

	/* Scalars are written only now, so a failed call leaves them untouched. */
	for (size_t i = 0; i < nspecs; i++) {
		const struct jsonv_field *f = &specs[i];
		struct json_object *v = NULL;
		if (!f->dest || (f->flags & (JV_READONLY | JV_IGNORED)) || !json_object_object_get_ex(obj, f->name, &v) ||
		    !v)
			continue;
		if (f->type == JV_INT)
			*(long long *)f->dest = (long long)json_object_get_int64(v);
		else if (f->type == JV_BOOL)
			*(bool *)f->dest = json_object_get_boolean(v);
	}
	return true;
}
