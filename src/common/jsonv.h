/*
 * Strict JSON input: an RFC 8259 pre-scan that refuses what json-c would
 * quietly accept, then declarative field specs that turn a parsed object into
 * typed values and collect every field error for the 422 errors[] array.
 */
#ifndef TURNERO_JSONV_H
#define TURNERO_JSONV_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/field_errors.h"
#include "common/strlist.h"

enum jsonv_status {
	JSONV_OK,
	JSONV_SYNTAX,        /* not RFC 8259 JSON (incl. truncation, comments, trailing data) */
	JSONV_TOO_DEEP,      /* arrays/objects nested deeper than max_depth */
	JSONV_DUPLICATE_KEY, /* one object names the same key twice (compared after unescaping) */
	JSONV_NUMBER_RANGE,  /* integer outside int64, or a number that overflows a double */
	JSONV_BAD_STRING,    /* invalid UTF-8, bad escape, lone surrogate or \u0000 */
	JSONV_NO_MEMORY,
	JSONV__MAX
};

/* Hard ceiling on max_depth: the scanner recurses once per nesting level. */
#define JSONV_DEPTH_LIMIT 512

/*
 * Parses text[0..len) (need not be NUL-terminated) as one JSON value after a
 * strict RFC 8259 check. max_depth is the deepest nesting of arrays/objects
 * allowed ("[]" has depth 1, a scalar 0); values above JSONV_DEPTH_LIMIT are
 * lowered to it. Any value is accepted at the top level: callers that need an
 * object check the type themselves.
 * [out] out: set to NULL first; on JSONV_OK it holds one reference the caller
 *            releases with json_object_put() (NULL for the literal "null").
 * [out] err: when not NULL, receives a short message naming the 0-based byte
 *            offset, e.g. "duplicate key \"name\" at byte 17" ("" on success).
 */
enum jsonv_status jsonv_parse(const char *text, size_t len, int max_depth, struct json_object **out, char *err,
			      size_t errlen);

/* A static English name for a status, e.g. "duplicate key". */
const char *jsonv_status_str(enum jsonv_status st);

/*
 * True when s is a UUID in canonical 8-4-4-4-12 hex form (36 characters,
 * either case). NULL-safe (false).
 */
bool jsonv_is_uuid(const char *s);
/* Lowercases a UUID's hex digits in place: ids are stored and compared as bytes (sql/015). */
void jsonv_uuid_to_lower(char *s);

enum jsonv_type { JV_STRING, JV_INT, JV_BOOL, JV_UUID, JV_ENUM, JV_UUID_ARRAY, JV_OBJECT };

#define JV_REQUIRED 0x1u /* absent => "is required" */
#define JV_NULLABLE 0x2u /* explicit null accepted (dest reset to NULL/empty; JV_INT/JV_BOOL left as is) */
#define JV_READONLY 0x4u /* present, even as null => "is read-only" */
#define JV_IGNORED 0x8u  /* accepted and ignored, whatever its value */

/*
 * One member of a request body. min/max bound JV_INT values, JV_STRING length
 * in code points and JV_UUID_ARRAY element counts; min == max == 0 means no
 * bound. The empty string passes only when min == 0.
 */
struct jsonv_field {
	const char *name;
	enum jsonv_type type;
	unsigned flags;
	long long min, max;
	const char *const *choices;   /* JV_ENUM: NULL-terminated allowed strings */
	bool (*check)(const char *s); /* optional extra test for JV_STRING: "has an invalid format" */
	/*
	 * JV_STRING/JV_UUID/JV_ENUM: char ** (strdup'd, caller frees; NULL when null/absent);
	 * JV_INT: long long *; JV_BOOL: bool *; JV_UUID_ARRAY: struct strlist *;
	 * JV_OBJECT: struct json_object ** (borrowed from the object, NULL when null/absent).
	 * May be NULL for JV_READONLY and JV_IGNORED fields.
	 */
	void *dest;
	bool *present; /* optional: true when the key is in the object, also for explicit null */
};

/*
 * Spec rows that read like declarations: name, then what the type needs (bounds, the
 * allowed names), the flags (0: optional), the destination; the rest as designated
 * members (.check = fn, .present = &flag). E.g.
 *   JVF_STR("name", 1, 120, JV_REQUIRED, &in->name),
 *   JVF_UUID("user_id", JV_NULLABLE, &in->user_id, .present = &in->has_user_id),
 *   JVF_READONLY("created_date", JV_STRING),
 */
#define JVF_STR(n, lo, hi, fl, d, ...) \
	{.name = (n), .type = JV_STRING, .flags = (fl), .min = (lo), .max = (hi), .dest = (d), __VA_ARGS__}
#define JVF_INT(n, lo, hi, fl, d, ...) \
	{.name = (n), .type = JV_INT, .flags = (fl), .min = (lo), .max = (hi), .dest = (d), __VA_ARGS__}
#define JVF_BOOL(n, fl, d, ...) {.name = (n), .type = JV_BOOL, .flags = (fl), .dest = (d), __VA_ARGS__}
#define JVF_UUID(n, fl, d, ...) {.name = (n), .type = JV_UUID, .flags = (fl), .dest = (d), __VA_ARGS__}
#define JVF_ENUM(n, names, fl, d, ...) \
	{.name = (n), .type = JV_ENUM, .flags = (fl), .choices = (names), .dest = (d), __VA_ARGS__}
/* A list of UUIDs of lo..hi elements into a struct strlist. */
#define JVF_UUIDS(n, lo, hi, fl, d, ...) \
	{.name = (n), .type = JV_UUID_ARRAY, .flags = (fl), .min = (lo), .max = (hi), .dest = (d), __VA_ARGS__}
#define JVF_OBJECT(n, fl, d, ...) {.name = (n), .type = JV_OBJECT, .flags = (fl), .dest = (d), __VA_ARGS__}
/* A member the server writes: present in a body, even as null, it is "read-only". */
#define JVF_READONLY(n, t) {.name = (n), .type = (t), .flags = JV_READONLY}
/* A member accepted and ignored, whatever its value. */
#define JVF_IGNORED(n, t) {.name = (n), .type = (t), .flags = JV_IGNORED}

/*
 * A JV_UUID_ARRAY field fills a struct strlist (common/strlist.h): lowercase UUIDs, items
 * and each string owned. The older names below stay for code written against them.
 */
#define jsonv_strlist strlist

/* Frees the items and leaves an empty list; NULL-safe (strlist_free). */
void jsonv_strlist_free(struct strlist *l);

/*
 * Walks specs over obj, which must be a JSON object (otherwise one error with
 * field ""). Keys no spec names are errors ("is not a known field"). Every
 * error is added to fe, the field being the key ("priority_ids[2]" for an
 * array element); messages are short phrases without the field name.
 * String, UUID, enum, list and object dests are set to NULL/empty first, so
 * they must not hold anything the caller still owns; JV_INT and JV_BOOL dests
 * are written only on success and keep their value when the key is absent or
 * null, which lets the caller preset defaults.
 * Returns true when fe gained no error. On false, strings and lists already
 * allocated are freed and reset to NULL/empty, so the caller never frees
 * partial output. *present flags describe the object either way.
 */
bool jsonv_extract(struct json_object *obj, const struct jsonv_field *specs, size_t nspecs,
		   struct field_errors *fe);

#endif
