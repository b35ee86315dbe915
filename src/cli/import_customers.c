#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "service/import.h"

#define READ_CHUNK (64 * 1024)

/* "imported 5000 of ~10000 rows": the total is extrapolated from the bytes read so far. */
static void progress(const struct svc_import *im, long long file_size)
{
	const struct import_summary *s = svc_import_summary(im);
	unsigned long long done = svc_import_offset(im);
	long long estimate = s->rows;
	if (done > 0 && file_size > 0)
		estimate = (long long)((double)s->rows * (double)file_size / (double)done);
	fprintf(stderr, "\rimported %lld of ~%lld rows", s->rows, estimate);
	fflush(stderr);
}

int cli_import_customers(struct cli_ctx *ctx, int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '\0') {
		cli_error("import-customers: give exactly one FILE (a CSV with the header dni,first_name,last_name,"
			  "phone,email)");
		return CLI_USAGE;
	}
	const char *path = argv[1];
	int rc = CLI_FAILED;
	struct svc_app app = {0};
	struct svc_import *im = NULL;
	struct field_errors fe;
	char err[512];
	static char buf[READ_CHUNK];
	bool tty = isatty(STDERR_FILENO);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

	field_errors_init(&fe);
	if (!f) {
		cli_error("import-customers: %s: %s", path, strerror(errno));
		return CLI_FAILED;
	}
	struct stat st;
	long long file_size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
	if (svc_app_open(&app, &ctx->cfg, err, sizeof err) < 0) {
		cli_error("import-customers: %s", err);
		goto out;
	}
	if (!(im = svc_import_new(&app))) {
		cli_error("import-customers: out of memory");
		goto out;
	}
	enum app_err e = APP_OK;
	size_t n;
	long long shown = 0;
	while (e == APP_OK && (n = fread(buf, 1, sizeof buf, f)) > 0) {
		e = svc_import_feed(im, buf, n, &fe);
		if (tty && svc_import_summary(im)->rows - shown >= 1000) {
			shown = svc_import_summary(im)->rows;
			progress(im, file_size);
		}
	}
	if (e == APP_OK && ferror(f)) {
		cli_error("import-customers: %s: %s", path, strerror(errno));
		goto out;
	}
	if (e == APP_OK)
		e = svc_import_finish(im, &fe);
	if (tty && shown) {
		progress(im, file_size);
		fputc('\n', stderr);
	}
	if (e == APP_INVALID) {
		for (size_t i = 0; i < fe.n; i++)
			cli_error("import-customers: %s: %s %s", path, fe.e[i].field, fe.e[i].message);
		goto out;
	}
	const struct import_summary *s = svc_import_summary(im);
	if (e != APP_OK) {
		/* Chunks written before the failure stay imported. */
		cli_error("import-customers: %s after %lld inserted and %lld updated rows", app_err_info(e)->title,
			  s->inserted, s->updated);
		goto out;
	}
	printf("inserted %lld, updated %lld, failed %lld\n", s->inserted, s->updated, s->failed);
	for (size_t i = 0; i < s->nerrors; i++)
		fprintf(stderr, "line %ld: %s\n", s->errors[i].line, s->errors[i].message);
	if ((long long)s->nerrors < s->failed)
		fprintf(stderr, "(%lld more failed rows not listed)\n", s->failed - (long long)s->nerrors);
	rc = CLI_OK;
out:
	svc_import_free(im);
	svc_app_close(&app);
	if (f && f != stdin)
		fclose(f);
	return rc;
}
