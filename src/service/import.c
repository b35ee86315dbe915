#include "service/import.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/csv.h"
#include "repo/db.h"
#include "service/customer.h"

enum import_col { COL_DNI, COL_FIRST_NAME, COL_LAST_NAME, COL_PHONE, COL_EMAIL, COL__MAX };

static const char *const col_names[COL__MAX] = {"dni", "first_name", "last_name", "phone", "email"};
static const bool col_required[COL__MAX] = {true, true, true, false, false};

/* A row that passed validation, waiting for its chunk's transaction. */
struct pending_row {
	long line;
	struct customer_input in;
};

struct svc_import {
	struct svc_app *app;
	struct csv_reader *csv;
	bool have_header, finished;
	int col[COL__MAX]; /* field index of each column in the file, -1 when absent */
	size_t ncols;
	struct pending_row rows[IMPORT_CHUNK_ROWS];
	size_t npending;
	enum app_err status;    /* the first fatal error; APP_OK while importing */
	struct field_errors *fe; /* the caller's, during a feed or finish call */
	struct import_summary sum;
};

struct svc_import *svc_import_new(struct svc_app *app)
{
	struct svc_import *im = calloc(1, sizeof *im);
	if (!im)
		return NULL;
	im->app = app;
	im->csv = csv_reader_new(0);
	if (!im->csv) {
		free(im);
		return NULL;
	}
	return im;
}

static void drop_pending(struct svc_import *im)
{
	for (size_t i = 0; i < im->npending; i++)
		svc_customer_input_free(&im->rows[i].in);
	im->npending = 0;
}

void svc_import_free(struct svc_import *im)
{
	if (!im)
		return;
	drop_pending(im);
	csv_reader_free(im->csv);
	free(im);
}

const struct import_summary *svc_import_summary(const struct svc_import *im)
{
	return &im->sum;
}

unsigned long long svc_import_offset(const struct svc_import *im)
{
	return csv_reader_offset(im->csv);
}

/* Counts a failed row; keeps its message when it is among the IMPORT_ERRORS_MAX earliest lines. */
static void row_error(struct svc_import *im, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void row_error(struct svc_import *im, long line, const char *fmt, ...)
{
	struct import_summary *s = &im->sum;
	s->failed++;
	size_t pos = s->nerrors;
	while (pos > 0 && s->errors[pos - 1].line > line)
		pos--;
	if (pos >= IMPORT_ERRORS_MAX)
		return;
	size_t keep = s->nerrors < IMPORT_ERRORS_MAX ? s->nerrors : IMPORT_ERRORS_MAX - 1;
	memmove(&s->errors[pos + 1], &s->errors[pos], (keep - pos) * sizeof s->errors[0]);
	s->errors[pos].line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->errors[pos].message, sizeof s->errors[pos].message, fmt, ap);
	va_end(ap);
	if (s->nerrors < IMPORT_ERRORS_MAX)
		s->nerrors++;
}

/* A header name fit to quote in a message: printable ASCII only, at most 40 bytes. */
static void printable(const char *s, size_t len, char out[48])
{
	size_t n = len < 40 ? len : 40;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		out[i] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '?' : (char)c;
	}
	strcpy(out + n, len > 40 ? "..." : "");
}

static void read_header(struct svc_import *im, const struct csv_record *rec)
{
	struct field_errors *fe = im->fe;
	size_t before = fe->n + fe->dropped;
	for (int c = 0; c < COL__MAX; c++)
		im->col[c] = -1;
	if (rec->error) {
		field_errors_add(fe, "header", "is not valid CSV: %s", rec->error);
		im->status = APP_INVALID;
		return;
	}
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *name = rec->fields[i];
		size_t len = rec->lens[i];
		/* Spreadsheets like to pad: " dni " is dni. */
		while (len && (*name == ' ' || *name == '\t'))
			name++, len--;
		while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
			len--;
		int found = -1;
		for (int c = 0; c < COL__MAX && found < 0; c++)
			if (strlen(col_names[c]) == len && strncasecmp(name, col_names[c], len) == 0)
				found = c;
		char shown[48];
		printable(name, len, shown);
		if (found < 0)
			field_errors_add(fe, "header", "unknown column \"%s\" (known: dni, first_name, last_name, phone, email)",
					 shown);
		else if (im->col[found] >= 0)
			field_errors_add(fe, "header", "column \"%s\" appears more than once", col_names[found]);
		else
			im->col[found] = (int)i;
	}
	for (int c = 0; c < COL__MAX; c++)
		if (col_required[c] && im->col[c] < 0)
			field_errors_add(fe, "header", "column \"%s\" is required", col_names[c]);
	im->ncols = rec->nfields;
	im->have_header = true;
	if (fe->n + fe->dropped != before)
		im->status = APP_INVALID;
}

struct chunk {
	struct svc_import *im;
	size_t from, to;
	long long inserted, updated;
};

static enum app_err upsert_rows(struct db *db, void *cls)
{
	struct chunk *c = cls;
	struct customer_rec rec;
	c->inserted = c->updated = 0; /* a retried transaction counts afresh */
	for (size_t i = c->from; i < c->to; i++) {
		bool created = false;
		enum app_err e = svc_customer_upsert_by_dni(db, &c->im->rows[i].in, &rec, &created);
		if (e != APP_OK)
			return e;
		if (created)
			c->inserted++;
		else
			c->updated++;
	}
	return APP_OK;
}

/* Writes the pending rows: one transaction, or row by row when it fails. */
static void flush(struct svc_import *im)
{
	struct chunk c = {im, 0, im->npending, 0, 0};
	if (!im->npending)
		return;
	enum app_err e = db_tx_run(im->app->db, "customer import", upsert_rows, &c);
	if (e == APP_OK) {
		im->sum.inserted += c.inserted;
		im->sum.updated += c.updated;
	} else if (e == APP_UNAVAILABLE) {
		im->status = e;
	} else {
		for (size_t i = 0; i < im->npending; i++) {
			struct chunk one = {im, i, i + 1, 0, 0};
			e = db_tx_run(im->app->db, "customer import row", upsert_rows, &one);
			if (e == APP_UNAVAILABLE) {
				im->status = e;
				break;
			}
			if (e == APP_OK) {
				im->sum.inserted += one.inserted;
				im->sum.updated += one.updated;
			} else {
				row_error(im, im->rows[i].line, "%s",
					  e == APP_CONFLICT ? "conflicts with a stored customer"
							    : "could not be stored (database error)");
			}
		}
	}
	drop_pending(im);
}

/* Copies field col of rec into *dst; an absent column, or an empty optional value, stays NULL. */
static bool take(struct svc_import *im, const struct csv_record *rec, int col, char **dst, bool empty_is_absent)
{
	int idx = im->col[col];
	if (idx < 0 || (empty_is_absent && rec->lens[idx] == 0))
		return true;
	if (!(*dst = strndup(rec->fields[idx], rec->lens[idx]))) {
		im->status = APP_INTERNAL;
		return false;
	}
	return true;
}

static void read_row(struct svc_import *im, const struct csv_record *rec)
{
	struct customer_input in;
	struct field_errors fe;
	memset(&in, 0, sizeof in);
	im->sum.rows++;
	if (rec->error) {
		row_error(im, rec->line, "%s", rec->error);
		return;
	}
	if (rec->nfields != im->ncols) {
		row_error(im, rec->line, "has %zu fields, the header has %zu", rec->nfields, im->ncols);
		return;
	}
	for (int c = 0; c < COL__MAX; c++) {
		int idx = im->col[c];
		if (idx >= 0 && memchr(rec->fields[idx], '\0', rec->lens[idx])) {
			row_error(im, rec->line, "%s contains a NUL byte", col_names[c]);
			return;
		}
	}
	if (!take(im, rec, COL_DNI, &in.dni, true) || !take(im, rec, COL_FIRST_NAME, &in.first_name, false) ||
	    !take(im, rec, COL_LAST_NAME, &in.last_name, false) || !take(im, rec, COL_PHONE, &in.phone, true) ||
	    !take(im, rec, COL_EMAIL, &in.email, true))
		goto out;
	in.has_dni = in.dni != NULL;
	field_errors_init(&fe);
	if (!svc_customer_validate(&in, true, NULL, &fe)) {
		char msg[256] = "";
		for (size_t i = 0; i < fe.n; i++)
			snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "%s%s %s", i ? "; " : "", fe.e[i].field,
				 fe.e[i].message);
		row_error(im, rec->line, "%s", msg);
		goto out;
	}
	im->rows[im->npending].line = rec->line;
	im->rows[im->npending].in = in;
	memset(&in, 0, sizeof in); /* the pending row owns the strings now */
	if (++im->npending == IMPORT_CHUNK_ROWS)
		flush(im);
out:
	svc_customer_input_free(&in);
}

static int on_record(void *cls, const struct csv_record *rec)
{
	struct svc_import *im = cls;
	if (!im->have_header)
		read_header(im, rec);
	else
		read_row(im, rec);
	return im->status == APP_OK ? 0 : 1;
}

enum app_err svc_import_feed(struct svc_import *im, const char *buf, size_t len, struct field_errors *fe)
{
	if (im->status != APP_OK || im->finished)
		return im->status;
	im->fe = fe;
	if (csv_feed(im->csv, buf, len, on_record, im) < 0 && im->status == APP_OK)
		im->status = APP_INTERNAL;
	im->fe = NULL;
	return im->status;
}

enum app_err svc_import_finish(struct svc_import *im, struct field_errors *fe)
{
	if (im->status != APP_OK || im->finished)
		return im->status;
	im->finished = true;
	im->fe = fe;
	if (csv_finish(im->csv, on_record, im) < 0 && im->status == APP_OK)
		im->status = APP_INTERNAL;
	if (im->status == APP_OK && !im->have_header) {
		field_errors_add(fe, "header", "is missing: the file has no rows");
		im->status = APP_INVALID;
	}
	if (im->status == APP_OK)
		flush(im);
	im->fe = NULL;
	return im->status;
}
