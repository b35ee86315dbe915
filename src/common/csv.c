#include "common/csv.h"

#include <stdlib.h>
#include <string.h>

enum csv_state {
	ST_FIELD_START, /* before the first byte of a field */
	ST_UNQUOTED,
	ST_QUOTED,
	ST_QUOTE_SEEN, /* a quote inside a quoted field: doubled, or the closing one */
	ST_SKIP,       /* the record is malformed: drop bytes up to the line end */
};

struct csv_reader {
	size_t max_record;
	enum csv_state state;
	bool in_record; /* some byte of the current record was seen */
	bool skip_lf;   /* a CR just ended a line, so an LF right after belongs to it */
	bool prev_cr;   /* for counting CRLF as one physical line break */
	bool too_long;
	const char *error;
	int bom; /* bytes of a leading byte order mark matched so far; -1 once past the start */
	long line, rec_line;
	unsigned long long offset;
	/* The current record: field bytes, each field NUL-terminated, back to back. */
	char *buf;
	size_t len, cap, field_start;
	size_t *starts, *lens;
	const char **ptrs;
	size_t nfields, fcap;
};

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

struct csv_reader *csv_reader_new(size_t max_record)
{
	struct csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->max_record = max_record ? max_record : CSV_RECORD_MAX_DEFAULT;
	r->line = 1;
	return r;
}

void csv_reader_free(struct csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->starts);
	free(r->lens);
	free(r->ptrs);
	free(r);
}

unsigned long long csv_reader_offset(const struct csv_reader *r)
{
	return r->offset;
}

/* Stores one byte of the current field; past the limit the record only remembers it is too long. */
static int put(struct csv_reader *r, char c)
{
	if (r->too_long)
		return 0;
	if (r->len + 1 > r->max_record) {
		r->too_long = true;
		return 0;
	}
	if (r->len + 1 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		char *p = realloc(r->buf, cap);
		if (!p)
			return -1;
		r->buf = p;
		r->cap = cap;
	}
	r->buf[r->len++] = c;
	return 0;
}

static int end_field(struct csv_reader *r)
{
	if (put(r, '\0') < 0)
		return -1;
	if (r->too_long)
		return 0;
	if (r->nfields == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 16;
		size_t *s = realloc(r->starts, cap * sizeof *s);
		if (!s)
			return -1;
		r->starts = s;
		size_t *l = realloc(r->lens, cap * sizeof *l);
		if (!l)
			return -1;
		r->lens = l;
		const char **p = realloc(r->ptrs, cap * sizeof *p);
		if (!p)
			return -1;
		r->ptrs = p;
		r->fcap = cap;
	}
	r->starts[r->nfields] = r->field_start;
	r->lens[r->nfields] = r->len - 1 - r->field_start;
	r->nfields++;
	r->field_start = r->len;
	return 0;
}

/* Hands the current record to cb and starts a new one. */
static int emit(struct csv_reader *r, csv_record_fn cb, void *cls)
{
	struct csv_record rec = {.line = r->rec_line, .end_line = r->line};
	if (r->too_long && !r->error)
		r->error = "the record is too long";
	if (r->error) {
		rec.error = r->error;
	} else {
		for (size_t i = 0; i < r->nfields; i++)
			r->ptrs[i] = r->buf + r->starts[i];
		rec.nfields = r->nfields;
		rec.fields = r->ptrs;
		rec.lens = r->lens;
	}
	r->state = ST_FIELD_START;
	r->in_record = false;
	r->too_long = false;
	r->error = NULL;
	r->len = r->field_start = r->nfields = 0;
	return cb(cls, &rec);
}

static int fail_record(struct csv_reader *r, const char *why)
{
	r->error = why;
	r->state = ST_SKIP;
	return 0;
}

/* A line end outside quotes: the record is complete (a malformed one is reported as such). */
static int end_line(struct csv_reader *r, char c, csv_record_fn cb, void *cls)
{
	int rc = 0;
	if (r->state != ST_SKIP && end_field(r) < 0)
		return -1;
	rc = emit(r, cb, cls);
	r->skip_lf = c == '\r';
	return rc;
}

static int step(struct csv_reader *r, char c, csv_record_fn cb, void *cls)
{
	int rc = 0;
	bool was_skip_lf = r->skip_lf;
	r->skip_lf = false;
	if (was_skip_lf && c == '\n')
		goto count;
	if (!r->in_record) {
		if (c == '\r' || c == '\n') {
			r->skip_lf = c == '\r'; /* an empty line */
			goto count;
		}
		r->in_record = true;
		r->rec_line = r->line;
	}
	switch (r->state) {
	case ST_FIELD_START:
		if (c == '"')
			r->state = ST_QUOTED;
		else if (c == ',')
			rc = end_field(r);
		else if (c == '\r' || c == '\n')
			rc = end_line(r, c, cb, cls);
		else {
			r->state = ST_UNQUOTED;
			rc = put(r, c);
		}
		break;
	case ST_UNQUOTED:
		if (c == ',') {
			rc = end_field(r);
			r->state = ST_FIELD_START;
		} else if (c == '\r' || c == '\n') {
			rc = end_line(r, c, cb, cls);
		} else if (c == '"') {
			rc = fail_record(r, "a quote inside an unquoted field");
		} else {
			rc = put(r, c);
		}
		break;
	case ST_QUOTED:
		if (c == '"')
			r->state = ST_QUOTE_SEEN;
		else
			rc = put(r, c);
		break;
	case ST_QUOTE_SEEN:
		if (c == '"') {
			r->state = ST_QUOTED;
			rc = put(r, c);
		} else if (c == ',') {
			rc = end_field(r);
			r->state = ST_FIELD_START;
		} else if (c == '\r' || c == '\n') {
			rc = end_line(r, c, cb, cls);
		} else {
			rc = fail_record(r, "text after the closing quote of a field");
		}
		break;
	case ST_SKIP:
		if (c == '\r' || c == '\n')
			rc = end_line(r, c, cb, cls);
		break;
	}
count:
	if (c == '\n') {
		if (!r->prev_cr)
			r->line++;
	} else if (c == '\r') {
		r->line++;
	}
	r->prev_cr = c == '\r';
	return rc;
}

/* Bytes that looked like the start of a byte order mark but were not: ordinary input after all. */
static int replay_bom(struct csv_reader *r, csv_record_fn cb, void *cls)
{
	int held = r->bom, rc = 0;
	r->bom = -1;
	for (int i = 0; i < held && rc == 0; i++)
		rc = step(r, (char)utf8_bom[i], cb, cls);
	return rc;
}

int csv_feed(struct csv_reader *r, const char *buf, size_t len, csv_record_fn cb, void *cls)
{
	int rc = 0;
	for (size_t i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)buf[i];
		r->offset++;
		if (r->bom >= 0) {
			if (c == utf8_bom[r->bom]) {
				if (++r->bom == 3)
					r->bom = -1;
				continue;
			}
			if ((rc = replay_bom(r, cb, cls)) != 0)
				break;
		}
		rc = step(r, (char)c, cb, cls);
	}
	return rc;
}

int csv_finish(struct csv_reader *r, csv_record_fn cb, void *cls)
{
	int rc = 0;
	if (r->bom > 0 && (rc = replay_bom(r, cb, cls)) != 0)
		return rc;
	r->bom = -1;
	if (!r->in_record)
		return 0;
	if (r->state == ST_QUOTED) {
		r->error = "unterminated quoted field";
		r->state = ST_SKIP;
	}
	if (r->state != ST_SKIP && end_field(r) < 0)
		return -1;
	return emit(r, cb, cls);
}

bool csv_formula_risky(const char *s, size_t len)
{
	if (!s || len == 0)
		return false;
	switch (s[0]) {
	case '=':
	case '+':
	case '-':
	case '@':
	case '\t':
	case '\r':
		return true;
	default:
		return false;
	}
}

void csv_write_field(struct strbuf *sb, const char *s, size_t len, unsigned flags)
{
	if (!s)
		return;
	bool quote = false;
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (quote)
		strbuf_append(sb, "\"", 1);
	if ((flags & CSV_FORMULA_SAFE) && csv_formula_risky(s, len))
		strbuf_append(sb, "'", 1);
	if (!quote) {
		strbuf_append(sb, s, len);
		return;
	}
	size_t from = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			strbuf_append(sb, s + from, i + 1 - from); /* up to and including the quote */
			strbuf_append(sb, "\"", 1);
			from = i + 1;
		}
	}
	strbuf_append(sb, s + from, len - from);
	strbuf_append(sb, "\"", 1);
}

void csv_write_row(struct strbuf *sb, const char *const *fields, size_t n, unsigned flags)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_append(sb, ",", 1);
		csv_write_field(sb, fields[i], fields[i] ? strlen(fields[i]) : 0, flags);
	}
	strbuf_append(sb, "\r\n", 2);
}
