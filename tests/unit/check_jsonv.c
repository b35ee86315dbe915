/* Strict JSON parsing, UTF-8 checks and declarative field extraction. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/field_errors.h"
#include "common/jsonv.h"
#include "common/utf8.h"

#define DEPTH 16

/* Parses a NUL-terminated literal; err is optional. */
static enum jsonv_status parse(const char *text, struct json_object **out, char *err, size_t errlen)
{
	return jsonv_parse(text, strlen(text), DEPTH, out, err, errlen);
}

static struct json_object *parse_ok(const char *text)
{
	struct json_object *o = NULL;
	char err[160];
	enum jsonv_status st = parse(text, &o, err, sizeof err);
	ck_assert_msg(st == JSONV_OK, "%s should parse, got %s: %s", text, jsonv_status_str(st), err);
	return o;
}

/* Returns the index of the error for field, or -1. */
static int find_error(const struct field_errors *fe, const char *field)
{
	for (size_t i = 0; i < fe->n; i++)
		if (strcmp(fe->e[i].field, field) == 0)
			return (int)i;
	return -1;
}

static void assert_error(const struct field_errors *fe, const char *field, const char *message)
{
	int i = find_error(fe, field);
	ck_assert_msg(i >= 0, "expected an error for \"%s\"", field);
	ck_assert_str_eq(fe->e[i].message, message);
}

/* ---- utf8 -------------------------------------------------------------- */

START_TEST(test_utf8_accepts_well_formed_text)
{
	const char *ok[] = {"", "plain", "Jos\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbf",
			    "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		ck_assert_msg(utf8_valid(ok[i], strlen(ok[i])), "case %zu is valid", i);
	ck_assert(utf8_valid(NULL, 0));
}
END_TEST

START_TEST(test_utf8_refuses_overlongs_surrogates_and_out_of_range)
{
	const char *bad[] = {
		"\xc0\xaf",         /* overlong '/' */
		"\xc1\xbf",         /* overlong */
		"\xe0\x80\xaf",     /* overlong 3-byte */
		"\xf0\x80\x80\xaf", /* overlong 4-byte */
		"\xed\xa0\x80",     /* U+D800 */
		"\xed\xbf\xbf",     /* U+DFFF */
		"\xf4\x90\x80\x80", /* U+110000 */
		"\xf5\x80\x80\x80", /* lead byte beyond range */
		"\xff",
		"\x80",             /* lone continuation */
		"\xc3",             /* truncated */
		"\xe2\x82",         /* truncated */
		"\xe2\x28\xa1",     /* bad continuation */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(!utf8_valid(bad[i], strlen(bad[i])), "case %zu is invalid", i);
}
END_TEST

START_TEST(test_utf8_length_counts_code_points)
{
	ck_assert_uint_eq(utf8_length("abc", 3), 3);
	ck_assert_uint_eq(utf8_length("\xc3\xa9\xc3\xa9\xc3\xa9", 6), 3);
	ck_assert_uint_eq(utf8_length("a\xf0\x9f\x98\x80" "b", 6), 3);
	ck_assert_uint_eq(utf8_length("", 0), 0);
}
END_TEST

/* ---- jsonv_parse: accepted documents ----------------------------------- */

START_TEST(test_parse_accepts_valid_documents)
{
	const char *docs[] = {
		"{}",
		"[]",
		" \t\r\n{ \"a\" : [ 1 , -2.5e3 , true , false , null , \"x\" ] } \n",
		"{\"name\":\"Jos\\u00e9\",\"emoji\":\"\\ud83d\\ude00\",\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
		"{\"n\":9223372036854775807,\"m\":-9223372036854775808,\"z\":-0,\"f\":0.5,\"e\":1E+2}",
		"\"just a string\"",
		"42",
		"true",
		"{\"raw\":\"Jos\xc3\xa9 \xf0\x9f\x98\x80\"}",
		"{\"a\":{\"a\":{\"a\":1}}}", /* same key in different objects */
		"[{\"id\":1},{\"id\":2}]",
		"{\"tiny\":1e-400}",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct json_object *o = parse_ok(docs[i]);
		ck_assert_ptr_nonnull(o);
		json_object_put(o);
	}
}
END_TEST

START_TEST(test_parse_gives_typed_values)
{
	struct json_object *o = parse_ok("{\"n\":9223372036854775807,\"s\":\"\\u00e9\",\"b\":true}");
	struct json_object *v;
	ck_assert(json_object_is_type(o, json_type_object));
	ck_assert(json_object_object_get_ex(o, "n", &v));
	ck_assert(json_object_is_type(v, json_type_int));
	ck_assert_int_eq(json_object_get_int64(v), INT64_MAX);
	ck_assert(json_object_object_get_ex(o, "s", &v));
	ck_assert_str_eq(json_object_get_string(v), "\xc3\xa9");
	json_object_put(o);
}
END_TEST

START_TEST(test_parse_does_not_need_nul_terminator)
{
	const char buf[] = {'{', '"', 'a', '"', ':', '1', '}', 'x'};
	struct json_object *o = NULL;
	ck_assert_int_eq(jsonv_parse(buf, 7, DEPTH, &o, NULL, 0), JSONV_OK);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	ck_assert_int_eq(jsonv_parse(buf, 8, DEPTH, &o, NULL, 0), JSONV_SYNTAX);
	ck_assert_ptr_null(o);
}
END_TEST

/* ---- jsonv_parse: every json-c leniency refused ------------------------ */

struct bad_case {
	const char *text;
	enum jsonv_status st;
};

static const struct bad_case bad_cases[] = {
	{"NaN", JSONV_SYNTAX},
	{"{\"a\":NaN}", JSONV_SYNTAX},
	{"{\"a\":Infinity}", JSONV_SYNTAX},
	{"{\"a\":-Infinity}", JSONV_SYNTAX},
	{"{'a':1}", JSONV_SYNTAX},
	{"{\"a\":'single'}", JSONV_SYNTAX},
	{"{\"a\":1,\"a\":2}", JSONV_DUPLICATE_KEY},
	{"{\"a\":9223372036854775808}", JSONV_NUMBER_RANGE},
	{"{\"a\":-9223372036854775809}", JSONV_NUMBER_RANGE},
	{"[123456789012345678901234567890]", JSONV_NUMBER_RANGE},
	{"{\"a\":1e400}", JSONV_NUMBER_RANGE},
	{"{\"a\":-1e400}", JSONV_NUMBER_RANGE},
	{"{\"a\":\"x\\u0000y\"}", JSONV_BAD_STRING},
	{"{\"a\\u0000\":1}", JSONV_BAD_STRING},
	{"[1,]", JSONV_SYNTAX},
	{"{\"a\":1,}", JSONV_SYNTAX},
	{"[,1]", JSONV_SYNTAX},
	{"/*c*/{}", JSONV_SYNTAX},
	{"{}/*c*/", JSONV_SYNTAX},
	{"{\"a\":1 /*c*/}", JSONV_SYNTAX},
	{"{\"a\":1} // c", JSONV_SYNTAX},
	{"01", JSONV_SYNTAX},
	{"{\"a\":01}", JSONV_SYNTAX},
	{"{\"a\":-01}", JSONV_SYNTAX},
	{"1 2", JSONV_SYNTAX},
	{"{} {}", JSONV_SYNTAX},
	{"{}x", JSONV_SYNTAX},
	{"{\"a\":1", JSONV_SYNTAX},
	{"{\"a\":", JSONV_SYNTAX},
	{"{\"a", JSONV_SYNTAX},
	{"[1, 2", JSONV_SYNTAX},
	{"\"abc", JSONV_SYNTAX},
	{"tru", JSONV_SYNTAX},
	{"", JSONV_SYNTAX},
	{"   ", JSONV_SYNTAX},
	{"\"\\ud800\"", JSONV_BAD_STRING},
	{"\"\\udc00\"", JSONV_BAD_STRING},
	{"\"\\ud800\\u0041\"", JSONV_BAD_STRING},
	{"\"\\ud800x\"", JSONV_BAD_STRING},
	{"\"\xff\"", JSONV_BAD_STRING},
	{"\"\xc0\xaf\"", JSONV_BAD_STRING},
	{"\"\xed\xa0\x80\"", JSONV_BAD_STRING},
	{"{\"\xc3\":1}", JSONV_BAD_STRING},
	{"\"\\x41\"", JSONV_BAD_STRING},
	{"\"\\u12g4\"", JSONV_BAD_STRING},
	{"\"tab\there\"", JSONV_BAD_STRING},
	{"TRUE", JSONV_SYNTAX},
	{"{\"a\" 1}", JSONV_SYNTAX},
	{"{a:1}", JSONV_SYNTAX},
	{"1.", JSONV_SYNTAX},
	{".5", JSONV_SYNTAX},
	{"1e", JSONV_SYNTAX},
	{"+1", JSONV_SYNTAX},
	{"-", JSONV_SYNTAX},
	{"0x10", JSONV_SYNTAX},
	{"\xef\xbb\xbf{}", JSONV_SYNTAX}, /* byte order mark */
	{"{}\x0c", JSONV_SYNTAX},         /* form feed is not JSON whitespace */
};

START_TEST(test_parse_refuses_json_c_leniencies)
{
	const struct bad_case *c = &bad_cases[_i];
	struct json_object *o = (struct json_object *)1;
	char err[160] = "untouched";
	enum jsonv_status st = parse(c->text, &o, err, sizeof err);
	ck_assert_msg(st == c->st, "case %d %s: want %s, got %s (%s)", _i, c->text, jsonv_status_str(c->st),
		      jsonv_status_str(st), err);
	ck_assert_ptr_null(o);
	ck_assert_msg(strstr(err, " at byte ") != NULL, "case %d message names a byte offset: %s", _i, err);
}
END_TEST

START_TEST(test_parse_reports_duplicate_key_with_offset)
{
	struct json_object *o = NULL;
	char err[160];
	ck_assert_int_eq(parse("{\"name\":1,\"x\":2,\"name\":3}", &o, err, sizeof err), JSONV_DUPLICATE_KEY);
	ck_assert_str_eq(err, "duplicate key \"name\" at byte 16");
	ck_assert_ptr_null(o);
}
END_TEST

START_TEST(test_parse_compares_keys_after_unescaping)
{
	struct json_object *o = NULL;
	ck_assert_int_eq(parse("{\"a\":1,\"\\u0061\":2}", &o, NULL, 0), JSONV_DUPLICATE_KEY);
	ck_assert_int_eq(parse("{\"\\u00e9\":1,\"\xc3\xa9\":2}", &o, NULL, 0), JSONV_DUPLICATE_KEY);
	ck_assert_int_eq(parse("{\"a/b\":1,\"a\\/b\":2}", &o, NULL, 0), JSONV_DUPLICATE_KEY);
	ck_assert_int_eq(parse("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", &o, NULL, 0), JSONV_DUPLICATE_KEY);
	ck_assert_ptr_null(o);
	/* prefixes and near misses are different keys */
	o = parse_ok("{\"a\":1,\"ab\":2,\"b\":3,\"\\u0062a\":4,\"A\":5}");
	ck_assert_int_eq(json_object_object_length(o), 5);
	json_object_put(o);
}
END_TEST

START_TEST(test_parse_finds_duplicate_among_many_keys)
{
	/* 3000 distinct keys, then a repeat of one in the middle. */
	size_t cap = 3000 * 16 + 64, used = 0;
	char *doc = malloc(cap);
	ck_assert_ptr_nonnull(doc);
	used += (size_t)snprintf(doc + used, cap - used, "{");
	for (int i = 0; i < 3000; i++)
		used += (size_t)snprintf(doc + used, cap - used, "%s\"k%d\":%d", i ? "," : "", i, i);
	struct json_object *o = NULL;
	ck_assert_int_eq(jsonv_parse(doc, used, DEPTH, &o, NULL, 0), JSONV_SYNTAX); /* not closed yet */
	size_t open_len = used;
	used += (size_t)snprintf(doc + used, cap - used, "}");
	ck_assert_int_eq(jsonv_parse(doc, used, DEPTH, &o, NULL, 0), JSONV_OK);
	ck_assert_int_eq(json_object_object_length(o), 3000);
	json_object_put(o);
	used = open_len;
	used += (size_t)snprintf(doc + used, cap - used, ",\"k1500\":0}");
	char err[160];
	ck_assert_int_eq(jsonv_parse(doc, used, DEPTH, &o, err, sizeof err), JSONV_DUPLICATE_KEY);
	ck_assert_ptr_nonnull(strstr(err, "\"k1500\""));
	ck_assert_ptr_null(o);
	free(doc);
}
END_TEST

START_TEST(test_parse_depth_limit_exactly_at_and_beyond)
{
	struct json_object *o = NULL;
	char err[160];
	ck_assert_int_eq(jsonv_parse("[[[]]]", 6, 3, &o, err, sizeof err), JSONV_OK);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	ck_assert_int_eq(jsonv_parse("[[[[]]]]", 8, 3, &o, err, sizeof err), JSONV_TOO_DEEP);
	ck_assert_ptr_null(o);
	ck_assert_str_eq(err, "nesting deeper than 3 at byte 3");
	ck_assert_int_eq(jsonv_parse("{\"a\":{\"b\":[1]}}", 15, 3, &o, err, sizeof err), JSONV_OK);
	json_object_put(o);
	ck_assert_int_eq(jsonv_parse("{\"a\":{\"b\":[{}]}}", 16, 3, &o, err, sizeof err), JSONV_TOO_DEEP);
	ck_assert_ptr_null(o);
	/* a scalar has depth 0 */
	ck_assert_int_eq(jsonv_parse("7", 1, 0, &o, err, sizeof err), JSONV_OK);
	json_object_put(o);
	ck_assert_int_eq(jsonv_parse("[]", 2, 0, &o, err, sizeof err), JSONV_TOO_DEEP);

	/* exactly DEPTH levels pass, one more fails; a scalar in the innermost array adds no level */
	char deep[2 * DEPTH + 4];
	for (int d = DEPTH; d <= DEPTH + 1; d++) {
		memset(deep, '[', (size_t)d);
		deep[d] = '1';
		memset(deep + d + 1, ']', (size_t)d);
		enum jsonv_status st = jsonv_parse(deep, 2 * (size_t)d + 1, DEPTH, &o, err, sizeof err);
		ck_assert_msg(st == (d == DEPTH ? JSONV_OK : JSONV_TOO_DEEP), "depth %d: %s", d, err);
		json_object_put(o);
	}
	char nested[8 * DEPTH + 8];
	size_t n = 0;
	for (int d = 0; d < DEPTH; d++)
		n += (size_t)snprintf(nested + n, sizeof nested - n, d % 2 ? "[" : "{\"k\":");
	n += (size_t)snprintf(nested + n, sizeof nested - n, "\"leaf\"");
	for (int d = DEPTH - 1; d >= 0; d--)
		n += (size_t)snprintf(nested + n, sizeof nested - n, d % 2 ? "]" : "}");
	ck_assert_int_eq(jsonv_parse(nested, n, DEPTH, &o, err, sizeof err), JSONV_OK);
	json_object_put(o);
	ck_assert_int_eq(jsonv_parse(nested, n, DEPTH - 1, &o, err, sizeof err), JSONV_TOO_DEEP);
}
END_TEST

START_TEST(test_parse_error_messages_name_offset)
{
	struct json_object *o;
	char err[160];
	ck_assert_int_eq(parse("{\"a\":NaN}", &o, err, sizeof err), JSONV_SYNTAX);
	ck_assert_str_eq(err, "unexpected character 'N' at byte 5");
	ck_assert_int_eq(parse("{\"a\":1", &o, err, sizeof err), JSONV_SYNTAX);
	ck_assert_str_eq(err, "unexpected end of input at byte 6");
	ck_assert_int_eq(parse("[1] x", &o, err, sizeof err), JSONV_SYNTAX);
	ck_assert_str_eq(err, "trailing data after the JSON value at byte 4");
	ck_assert_int_eq(parse("[\"\\u0000\"]", &o, err, sizeof err), JSONV_BAD_STRING);
	ck_assert_str_eq(err, "\\u0000 is not allowed at byte 2");
	ck_assert_int_eq(parse("[9223372036854775808]", &o, err, sizeof err), JSONV_NUMBER_RANGE);
	ck_assert_str_eq(err, "integer out of range at byte 1");
	/* a key that cannot be shown as is is masked and cut */
	ck_assert_int_eq(parse("{\"\\\"\\n\xc3\xa9\":1,\"\\\"\\n\xc3\xa9\":2}", &o, err, sizeof err),
			 JSONV_DUPLICATE_KEY);
	ck_assert_str_eq(err, "duplicate key \"????\" at byte 12");
}
END_TEST

START_TEST(test_parse_null_top_level_is_ok_without_object)
{
	struct json_object *o = (struct json_object *)1;
	ck_assert_int_eq(parse("null", &o, NULL, 0), JSONV_OK);
	ck_assert_ptr_null(o);
}
END_TEST

/* ---- jsonv_is_uuid ----------------------------------------------------- */

START_TEST(test_is_uuid_accepts_canonical_forms_only)
{
	ck_assert(jsonv_is_uuid("123e4567-e89b-42d3-a456-426614174000"));
	ck_assert(jsonv_is_uuid("123E4567-E89B-42D3-A456-426614174000"));
	ck_assert(!jsonv_is_uuid("123e4567e89b42d3a456426614174000"));
	ck_assert(!jsonv_is_uuid("{123e4567-e89b-42d3-a456-426614174000}"));
	ck_assert(!jsonv_is_uuid("123e4567-e89b-42d3-a456-42661417400"));
	ck_assert(!jsonv_is_uuid("123e4567-e89b-42d3-a456-4266141740000"));
	ck_assert(!jsonv_is_uuid("123e4567-e89b-42d3-a456_426614174000"));
	ck_assert(!jsonv_is_uuid("g23e4567-e89b-42d3-a456-426614174000"));
	ck_assert(!jsonv_is_uuid(""));
	ck_assert(!jsonv_is_uuid(NULL));
}
END_TEST

/* ---- jsonv_extract ----------------------------------------------------- */

static const char *const states[] = {"open", "paused", "closed", NULL};

struct queue_body {
	char *name;
	char *state;
	char *priority_id;
	long long capacity;
	bool active;
	struct jsonv_strlist priority_ids;
	struct json_object *meta;
	bool name_present;
};

static bool starts_with_letter(const char *s)
{
	return (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (unsigned char)*s >= 0x80;
}

/* Field specs as a handler would declare them. */
static void queue_specs(struct queue_body *b, struct jsonv_field out[9])
{
	const struct jsonv_field specs[9] = {
		{"name", JV_STRING, JV_REQUIRED, 1, 3, NULL, starts_with_letter, &b->name, &b->name_present},
		{"state", JV_ENUM, 0, 0, 0, states, NULL, &b->state, NULL},
		{"priority_id", JV_UUID, JV_NULLABLE, 0, 0, NULL, NULL, &b->priority_id, NULL},
		{"capacity", JV_INT, 0, 1, 100, NULL, NULL, &b->capacity, NULL},
		{"active", JV_BOOL, 0, 0, 0, NULL, NULL, &b->active, NULL},
		{"priority_ids", JV_UUID_ARRAY, 0, 0, 4, NULL, NULL, &b->priority_ids, NULL},
		{"meta", JV_OBJECT, JV_NULLABLE, 0, 0, NULL, NULL, &b->meta, NULL},
		{"id", JV_UUID, JV_READONLY, 0, 0, NULL, NULL, NULL, NULL},
		{"created_at", JV_STRING, JV_IGNORED, 0, 0, NULL, NULL, NULL, NULL},
	};
	memcpy(out, specs, sizeof specs);
}

static void queue_body_free(struct queue_body *b)
{
	free(b->name);
	free(b->state);
	free(b->priority_id);
	jsonv_strlist_free(&b->priority_ids);
}

/* Runs the queue specs over text; the caller frees b and puts *doc. */
static bool extract(const char *text, struct queue_body *b, struct field_errors *fe, struct json_object **doc)
{
	struct jsonv_field specs[9];
	memset(b, 0, sizeof *b);
	b->capacity = -7;
	field_errors_init(fe);
	queue_specs(b, specs);
	*doc = parse_ok(text);
	return jsonv_extract(*doc, specs, 9, fe);
}

START_TEST(test_extract_fills_typed_destinations)
{
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;
	ck_assert(extract("{\"name\":\"Caj\",\"state\":\"paused\","
			  "\"priority_id\":\"123E4567-E89B-42D3-A456-426614174000\",\"capacity\":100,"
			  "\"active\":true,\"priority_ids\":[\"AAAAAAAA-0000-4000-8000-000000000001\"],"
			  "\"meta\":{\"k\":1},\"created_at\":\"whatever\"}",
			  &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, 0);
	ck_assert_str_eq(b.name, "Caj");
	ck_assert(b.name_present);
	ck_assert_str_eq(b.state, "paused");
	ck_assert_str_eq(b.priority_id, "123e4567-e89b-42d3-a456-426614174000");
	ck_assert_int_eq(b.capacity, 100);
	ck_assert(b.active);
	ck_assert_uint_eq(b.priority_ids.n, 1);
	ck_assert_str_eq(b.priority_ids.items[0], "aaaaaaaa-0000-4000-8000-000000000001");
	ck_assert_ptr_nonnull(b.meta);
	ck_assert(json_object_is_type(b.meta, json_type_object));
	queue_body_free(&b);
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_collects_all_errors_at_once)
{
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;
	ck_assert(!extract("{\"name\":42,\"state\":\"gone\",\"capacity\":0}", &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, 3);
	assert_error(&fe, "name", "must be a string");
	assert_error(&fe, "state", "must be one of: open, paused, closed");
	assert_error(&fe, "capacity", "must be between 1 and 100");
	ck_assert_ptr_null(b.name);
	ck_assert_ptr_null(b.state);
	ck_assert_int_eq(b.capacity, -7);
	queue_body_free(&b);
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_rejects_unknown_and_read_only_fields)
{
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;
	ck_assert(!extract("{\"name\":\"ok\",\"id\":\"123e4567-e89b-42d3-a456-426614174000\",\"colour\":\"red\"}", &b,
			   &fe, &doc));
	ck_assert_uint_eq(fe.n, 2);
	assert_error(&fe, "id", "is read-only");
	assert_error(&fe, "colour", "is not a known field");
	ck_assert_ptr_null(b.name); /* the valid field is not handed out either */
	queue_body_free(&b);
	json_object_put(doc);

	/* read-only even when null */
	ck_assert(!extract("{\"name\":\"ok\",\"id\":null}", &b, &fe, &doc));
	assert_error(&fe, "id", "is read-only");
	queue_body_free(&b);
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_distinguishes_null_from_missing)
{
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;

	ck_assert(!extract("{}", &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, 1);
	assert_error(&fe, "name", "is required");
	ck_assert(!b.name_present);
	json_object_put(doc);

	ck_assert(!extract("{\"name\":null}", &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, 1);
	assert_error(&fe, "name", "must not be null");
	ck_assert(b.name_present);
	json_object_put(doc);

	ck_assert(!extract("{\"name\":\"ok\",\"capacity\":null,\"active\":null}", &b, &fe, &doc));
	assert_error(&fe, "capacity", "must not be null");
	assert_error(&fe, "active", "must not be null");
	json_object_put(doc);

	/* nullable: explicit null is accepted and leaves dest NULL */
	ck_assert(extract("{\"name\":\"ok\",\"priority_id\":null,\"meta\":null}", &b, &fe, &doc));
	ck_assert_ptr_null(b.priority_id);
	ck_assert_ptr_null(b.meta);
	ck_assert_int_eq(b.capacity, -7); /* absent: untouched */
	queue_body_free(&b);
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_bounds_strings_in_code_points)
{
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;

	/* three characters in six bytes pass max 3 */
	ck_assert(extract("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}", &b, &fe, &doc));
	ck_assert_str_eq(b.name, "\xc3\xa9\xc3\xa9\xc3\xa9");
	queue_body_free(&b);
	json_object_put(doc);

	ck_assert(extract("{\"name\":\"\\ud83d\\ude00ab\"}", &b, &fe, &doc));
	queue_body_free(&b);
	json_object_put(doc);

	ck_assert(!extract("{\"name\":\"abcd\"}", &b, &fe, &doc));
	assert_error(&fe, "name", "must be at most 3 characters");
	json_object_put(doc);

	ck_assert(!extract("{\"name\":\"\"}", &b, &fe, &doc));
	assert_error(&fe, "name", "must not be empty");
	json_object_put(doc);

	ck_assert(!extract("{\"name\":\"1ab\"}", &b, &fe, &doc));
	assert_error(&fe, "name", "has an invalid format");
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_string_bounds_messages)
{
	char *s = NULL;
	struct jsonv_field between[] = {{"code", JV_STRING, 0, 2, 4, NULL, NULL, &s, NULL}};
	struct jsonv_field open_top[] = {{"code", JV_STRING, 0, 2, 0, NULL, NULL, &s, NULL}};
	struct jsonv_field any[] = {{"code", JV_STRING, 0, 0, 0, NULL, NULL, &s, NULL}};
	struct field_errors fe;
	struct json_object *one = parse_ok("{\"code\":\"a\"}");
	struct json_object *empty = parse_ok("{\"code\":\"\"}");

	field_errors_init(&fe);
	ck_assert(!jsonv_extract(one, between, 1, &fe));
	ck_assert_str_eq(fe.e[0].message, "must be between 2 and 4 characters");
	field_errors_init(&fe);
	ck_assert(!jsonv_extract(one, open_top, 1, &fe));
	ck_assert_str_eq(fe.e[0].message, "must be at least 2 characters");
	field_errors_init(&fe);
	ck_assert(jsonv_extract(empty, any, 1, &fe)); /* min 0 allows "" */
	ck_assert_str_eq(s, "");
	free(s);
	json_object_put(one);
	json_object_put(empty);
}
END_TEST

START_TEST(test_extract_int_accepts_only_json_integers)
{
	const char *bad[] = {"1.0", "\"1\"", "true", "1e2", "[1]"};
	long long v = 5;
	struct jsonv_field spec[] = {{"n", JV_INT, JV_REQUIRED, 0, 0, NULL, NULL, &v, NULL}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[32];
		snprintf(text, sizeof text, "{\"n\":%s}", bad[i]);
		struct json_object *doc = parse_ok(text);
		struct field_errors fe;
		field_errors_init(&fe);
		ck_assert_msg(!jsonv_extract(doc, spec, 1, &fe), "%s is not an integer", bad[i]);
		ck_assert_str_eq(fe.e[0].message, "must be an integer");
		ck_assert_int_eq(v, 5);
		json_object_put(doc);
	}
	/* min == max == 0: the whole int64 range */
	struct json_object *doc = parse_ok("{\"n\":-9223372036854775808}");
	struct field_errors fe;
	field_errors_init(&fe);
	ck_assert(jsonv_extract(doc, spec, 1, &fe));
	ck_assert_int_eq(v, INT64_MIN);
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_type_mismatch_messages)
{
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;
	ck_assert(!extract("{\"name\":\"ok\",\"priority_id\":\"not-a-uuid\",\"active\":1,\"priority_ids\":\"x\","
			   "\"meta\":[],\"state\":1}",
			   &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, 5);
	assert_error(&fe, "priority_id", "must be a UUID");
	assert_error(&fe, "active", "must be a boolean");
	assert_error(&fe, "priority_ids", "must be an array");
	assert_error(&fe, "meta", "must be an object");
	assert_error(&fe, "state", "must be one of: open, paused, closed");
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_uuid_array_rejects_duplicates_and_bad_elements)
{
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;
	ck_assert(!extract("{\"name\":\"ok\",\"priority_ids\":[\"aaaaaaaa-0000-4000-8000-000000000001\","
			   "\"bbbbbbbb-0000-4000-8000-000000000002\",\"AAAAAAAA-0000-4000-8000-000000000001\",7]}",
			   &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, 2);
	assert_error(&fe, "priority_ids[2]", "is a duplicate");
	assert_error(&fe, "priority_ids[3]", "must be a UUID");
	ck_assert_ptr_null(b.priority_ids.items);
	ck_assert_uint_eq(b.priority_ids.n, 0);
	ck_assert_ptr_null(b.name);
	json_object_put(doc);

	ck_assert(!extract("{\"name\":\"ok\",\"priority_ids\":[\"aaaaaaaa-0000-4000-8000-000000000001\","
			   "\"aaaaaaaa-0000-4000-8000-000000000002\",\"aaaaaaaa-0000-4000-8000-000000000003\","
			   "\"aaaaaaaa-0000-4000-8000-000000000004\",\"aaaaaaaa-0000-4000-8000-000000000005\"]}",
			   &b, &fe, &doc));
	assert_error(&fe, "priority_ids", "must have at most 4 items");
	json_object_put(doc);

	ck_assert(extract("{\"name\":\"ok\",\"priority_ids\":[]}", &b, &fe, &doc));
	ck_assert_uint_eq(b.priority_ids.n, 0);
	queue_body_free(&b);
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_requires_an_object)
{
	struct queue_body b;
	struct jsonv_field specs[9];
	struct field_errors fe;
	memset(&b, 0, sizeof b);
	queue_specs(&b, specs);
	field_errors_init(&fe);
	struct json_object *doc = parse_ok("[1]");
	ck_assert(!jsonv_extract(doc, specs, 9, &fe));
	ck_assert_uint_eq(fe.n, 1);
	ck_assert_str_eq(fe.e[0].field, "");
	json_object_put(doc);
	field_errors_init(&fe);
	ck_assert(!jsonv_extract(NULL, specs, 9, &fe));
	ck_assert_uint_eq(fe.n, 1);
}
END_TEST

START_TEST(test_extract_frees_partial_output_on_failure)
{
	/* Valid strings, UUIDs and a list come before the one bad field; nothing may leak (valgrind/ASan). */
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;
	ck_assert(!extract("{\"name\":\"ok\",\"state\":\"open\",\"priority_id\":\"123e4567-e89b-42d3-a456-426614174000\","
			   "\"priority_ids\":[\"aaaaaaaa-0000-4000-8000-000000000001\"],\"meta\":{},"
			   "\"active\":true,\"capacity\":1000}",
			   &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, 1);
	assert_error(&fe, "capacity", "must be between 1 and 100");
	ck_assert_ptr_null(b.name);
	ck_assert_ptr_null(b.state);
	ck_assert_ptr_null(b.priority_id);
	ck_assert_ptr_null(b.priority_ids.items);
	ck_assert_ptr_null(b.meta);
	ck_assert(!b.active);
	ck_assert_int_eq(b.capacity, -7);
	json_object_put(doc);
}
END_TEST

START_TEST(test_extract_counts_overflowing_errors)
{
	/* more bad fields than field_errors holds: still a failure, nothing leaks */
	char text[4096];
	size_t used = (size_t)snprintf(text, sizeof text, "{\"name\":\"ok\"");
	for (int i = 0; i < 40; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, ",\"x%d\":1", i);
	snprintf(text + used, sizeof text - used, "}");
	struct queue_body b;
	struct field_errors fe;
	struct json_object *doc;
	ck_assert(!extract(text, &b, &fe, &doc));
	ck_assert_uint_eq(fe.n, FIELD_ERRORS_MAX);
	ck_assert_uint_eq(fe.dropped, 40 - FIELD_ERRORS_MAX);
	ck_assert_ptr_null(b.name);
	json_object_put(doc);
}
END_TEST

START_TEST(test_strlist_free_is_null_safe)
{
	struct jsonv_strlist l = {NULL, 0};
	jsonv_strlist_free(NULL);
	jsonv_strlist_free(&l);
	l.items = calloc(2, sizeof *l.items);
	ck_assert_ptr_nonnull(l.items);
	l.items[0] = strdup("a");
	l.items[1] = strdup("b");
	l.n = 2;
	jsonv_strlist_free(&l);
	ck_assert_ptr_null(l.items);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

/* The field macros fill the same members as the positional rows they replaced. */
static bool check_ok(const char *s)
{
	return s != NULL;
}

START_TEST(test_field_macros_fill_the_members_they_name)
{
	static const char *const names[] = {"a", "b", NULL};
	char *str = NULL, *choice = NULL, *id = NULL;
	long long n = 0;
	bool flag = false, seen = false;
	struct jsonv_strlist ids = {0};
	struct json_object *obj = NULL;
	const struct jsonv_field macro[] = {
		JVF_STR("s", 1, 9, JV_REQUIRED, &str, .check = check_ok, .present = &seen),
		JVF_INT("n", -1, 5, 0, &n),
		JVF_BOOL("b", JV_NULLABLE, &flag),
		JVF_UUID("u", 0, &id),
		JVF_ENUM("e", names, 0, &choice),
		JVF_UUIDS("l", 1, 3, 0, &ids),
		JVF_OBJECT("o", 0, &obj),
		JVF_READONLY("r", JV_STRING),
		JVF_IGNORED("i", JV_INT),
	};
	const struct jsonv_field positional[] = {
		{"s", JV_STRING, JV_REQUIRED, 1, 9, NULL, check_ok, &str, &seen},
		{"n", JV_INT, 0, -1, 5, NULL, NULL, &n, NULL},
		{"b", JV_BOOL, JV_NULLABLE, 0, 0, NULL, NULL, &flag, NULL},
		{"u", JV_UUID, 0, 0, 0, NULL, NULL, &id, NULL},
		{"e", JV_ENUM, 0, 0, 0, names, NULL, &choice, NULL},
		{"l", JV_UUID_ARRAY, 0, 1, 3, NULL, NULL, &ids, NULL},
		{"o", JV_OBJECT, 0, 0, 0, NULL, NULL, &obj, NULL},
		{"r", JV_STRING, JV_READONLY, 0, 0, NULL, NULL, NULL, NULL},
		{"i", JV_INT, JV_IGNORED, 0, 0, NULL, NULL, NULL, NULL},
	};
	ck_assert_uint_eq(sizeof macro / sizeof macro[0], sizeof positional / sizeof positional[0]);
	for (size_t i = 0; i < sizeof macro / sizeof macro[0]; i++) {
		const struct jsonv_field *m = &macro[i], *p = &positional[i];
		ck_assert_str_eq(m->name, p->name);
		ck_assert_int_eq(m->type, p->type);
		ck_assert_uint_eq(m->flags, p->flags);
		ck_assert_int_eq(m->min, p->min);
		ck_assert_int_eq(m->max, p->max);
		ck_assert_ptr_eq(m->choices, p->choices);
		ck_assert_msg(m->check == p->check, "check of %s", m->name);
		ck_assert_ptr_eq(m->dest, p->dest);
		ck_assert_ptr_eq(m->present, p->present);
	}
}
END_TEST

static Suite *jsonv_suite(void)
{
	Suite *s = suite_create("jsonv");
	TCase *u = tcase_create("utf8");
	tcase_add_test(u, test_utf8_accepts_well_formed_text);
	tcase_add_test(u, test_utf8_refuses_overlongs_surrogates_and_out_of_range);
	tcase_add_test(u, test_utf8_length_counts_code_points);
	suite_add_tcase(s, u);

	TCase *p = tcase_create("parse");
	tcase_add_test(p, test_parse_accepts_valid_documents);
	tcase_add_test(p, test_parse_gives_typed_values);
	tcase_add_test(p, test_parse_does_not_need_nul_terminator);
	tcase_add_loop_test(p, test_parse_refuses_json_c_leniencies, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
	tcase_add_test(p, test_parse_reports_duplicate_key_with_offset);
	tcase_add_test(p, test_parse_compares_keys_after_unescaping);
	tcase_add_test(p, test_parse_finds_duplicate_among_many_keys);
	tcase_add_test(p, test_parse_depth_limit_exactly_at_and_beyond);
	tcase_add_test(p, test_parse_error_messages_name_offset);
	tcase_add_test(p, test_parse_null_top_level_is_ok_without_object);
	tcase_add_test(p, test_is_uuid_accepts_canonical_forms_only);
	suite_add_tcase(s, p);

	TCase *e = tcase_create("extract");
	tcase_add_test(e, test_extract_fills_typed_destinations);
	tcase_add_test(e, test_extract_collects_all_errors_at_once);
	tcase_add_test(e, test_extract_rejects_unknown_and_read_only_fields);
	tcase_add_test(e, test_extract_distinguishes_null_from_missing);
	tcase_add_test(e, test_extract_bounds_strings_in_code_points);
	tcase_add_test(e, test_extract_string_bounds_messages);
	tcase_add_test(e, test_extract_int_accepts_only_json_integers);
	tcase_add_test(e, test_extract_type_mismatch_messages);
	tcase_add_test(e, test_extract_uuid_array_rejects_duplicates_and_bad_elements);
	tcase_add_test(e, test_extract_requires_an_object);
	tcase_add_test(e, test_extract_frees_partial_output_on_failure);
	tcase_add_test(e, test_extract_counts_overflowing_errors);
	tcase_add_test(e, test_strlist_free_is_null_safe);
	tcase_add_test(e, test_field_macros_fill_the_members_they_name);
	suite_add_tcase(s, e);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonv_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
