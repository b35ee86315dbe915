/*
 * RFC 4180 CSV: a streaming reader (feed bytes, get records with the physical line
 * they start on; no I/O) and a writer that quotes what needs quoting and can defuse
 * spreadsheet formulas.
 */
#ifndef TURNERO_CSV_H
#define TURNERO_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "common/strbuf.h"

/* Records longer than this (bytes of all fields plus separators) are errors. */
#define CSV_RECORD_MAX_DEFAULT (64 * 1024)

/* One record as the reader hands it to the callback; everything is borrowed until it returns. */
struct csv_record {
	long line;        /* physical line (1-based) where the record starts */
	long end_line;    /* physical line where it ends (> line with embedded line breaks) */
	size_t nfields;
	const char *const *fields; /* NUL-terminated; a field may also hold NUL bytes (see lens) */
	const size_t *lens;
	const char *error; /* NULL, or why the record is malformed (then nfields is 0) */
};

/* Called once per record; a non-zero return stops csv_feed/csv_finish, which return it. */
typedef int (*csv_record_fn)(void *cls, const struct csv_record *rec);

struct csv_reader;

/*
 * A reader for one stream. Line ends are CRLF, LF or a lone CR; a UTF-8 byte order
 * mark at the very start is skipped; empty lines are skipped. max_record: 0 for
 * CSV_RECORD_MAX_DEFAULT. Returns NULL when out of memory; free with csv_reader_free.
 */
struct csv_reader *csv_reader_new(size_t max_record);
/* NULL-safe. */
void csv_reader_free(struct csv_reader *r);

/*
 * Parses len more bytes, calling cb for each record they complete. Malformed records
 * (a quote inside an unquoted field, text after a closing quote, a record over the
 * size limit) reach cb with error set; reading goes on at the next line. Returns 0,
 * -1 when out of memory, or cb's non-zero value.
 */
int csv_feed(struct csv_reader *r, const char *buf, size_t len, csv_record_fn cb, void *cls);

/*
 * Ends the stream: a last record without a line end is delivered, an open quoted field
 * is an error record ("unterminated quoted field"). Returns like csv_feed. The reader
 * must not be fed afterwards.
 */
int csv_finish(struct csv_reader *r, csv_record_fn cb, void *cls);

/* Bytes consumed so far (including a skipped byte order mark). */
unsigned long long csv_reader_offset(const struct csv_reader *r);

/*
 * True when a spreadsheet would read s as a formula: it starts with '=', '+', '-', '@',
 * a tab or a carriage return.
 */
bool csv_formula_risky(const char *s, size_t len);

enum csv_write_flags {
	CSV_FORMULA_SAFE = 1u << 0, /* prefix risky values (csv_formula_risky) with a single quote */
};

/*
 * Appends one field: quoted (with quotes doubled) when it holds a comma, a quote, CR or
 * LF, as is otherwise. s may be NULL (an empty field). No separator is written.
 */
void csv_write_field(struct strbuf *sb, const char *s, size_t len, unsigned flags);

/* Appends n fields (NULL ones empty) separated by commas, then CRLF. */
void csv_write_row(struct strbuf *sb, const char *const *fields, size_t n, unsigned flags);

#endif
