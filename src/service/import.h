/*
 * Customer import from CSV (POST /customers/import and turneroctl import-customers):
 * a header naming the columns, then one customer per row, validated like POST
 * /customers and upserted by dni in chunks. Bad rows are reported, never fatal.
 */
#ifndef TURNERO_SVC_IMPORT_H
#define TURNERO_SVC_IMPORT_H

#include <stddef.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "service/app.h"

/* Rows per transaction. */
#define IMPORT_CHUNK_ROWS 500
/* Row errors kept for the answer (the ones with the smallest line numbers); all are counted. */
#define IMPORT_ERRORS_MAX 100

struct import_error {
	long line; /* physical line where the row starts; the header is line 1 */
	char message[256];
};

struct import_summary {
	long long inserted, updated, failed;
	long long rows; /* data rows read so far, good and bad */
	size_t nerrors;
	struct import_error errors[IMPORT_ERRORS_MAX]; /* by line */
};

struct svc_import;

/*
 * Starts an import into app's database. The header must name dni, first_name and
 * last_name, and may name phone and email, in any order, each once (names compare
 * without case and surrounding spaces). In a row an empty dni means "no dni" (the row
 * is inserted), an empty phone or email keeps the stored value. Returns NULL when out
 * of memory; free with svc_import_free.
 */
struct svc_import *svc_import_new(struct svc_app *app);
/* NULL-safe. Rows still pending are not written: call svc_import_finish first. */
void svc_import_free(struct svc_import *im);

/*
 * Parses len more bytes of the file; every IMPORT_CHUNK_ROWS valid rows are written in
 * one transaction (when one fails, its rows are retried one by one, so only the bad ones
 * fail). Returns APP_OK; APP_INVALID when the header is unusable (problems in fe, under
 * the field "header"; nothing was imported); APP_UNAVAILABLE or APP_INTERNAL when the
 * database cannot be used (rows of earlier chunks stay imported). After an error every
 * later call returns it again.
 */
enum app_err svc_import_feed(struct svc_import *im, const char *buf, size_t len, struct field_errors *fe);

/* Ends the file and writes the pending rows. Returns like svc_import_feed (an empty file is APP_INVALID). */
enum app_err svc_import_finish(struct svc_import *im, struct field_errors *fe);

/* The counts and errors so far; borrowed from im. */
const struct import_summary *svc_import_summary(const struct svc_import *im);

/* Bytes of the file consumed so far, for progress estimates. */
unsigned long long svc_import_offset(const struct svc_import *im);

#endif
