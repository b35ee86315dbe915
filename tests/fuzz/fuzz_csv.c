/*
 * The customer import's CSV reader: the input after the first byte is fed in
 * chunks whose size that byte picks (so records cross chunk boundaries), with a
 * small or the default record limit. Every good record must survive a round
 * trip through the writer and the reader.
 */
#include <string.h>

#include "common/csv.h"
#include "common/strbuf.h"
#include "fuzz.h"

struct fuzz_csv_copy {
	size_t n;
	char **fields;
	size_t *lens;
};

static int fuzz_csv_collect(void *cls, const struct csv_record *rec)
{
	struct fuzz_csv_copy *c = cls;
	FUZZ_CHECK(rec->error == NULL && c->fields == NULL);
	c->fields = calloc(rec->nfields, sizeof *c->fields);
	c->lens = calloc(rec->nfields, sizeof *c->lens);
	FUZZ_CHECK(c->fields && c->lens);
	c->n = rec->nfields;
	for (size_t i = 0; i < rec->nfields; i++) {
		c->fields[i] = malloc(rec->lens[i] + 1);
		FUZZ_CHECK(c->fields[i] != NULL);
		memcpy(c->fields[i], rec->fields[i], rec->lens[i] + 1);
		c->lens[i] = rec->lens[i];
	}
	return 0;
}

static void fuzz_csv_roundtrip(const struct csv_record *rec)
{
	struct strbuf sb = {0};
	struct fuzz_csv_copy back = {0};

	/* An empty line or a leading byte order mark would be skipped on the way back. */
	if ((rec->nfields == 1 && rec->lens[0] == 0) || (rec->lens[0] >= 3 && memcmp(rec->fields[0], "\xEF\xBB\xBF", 3) == 0))
		return;
	for (size_t i = 0; i < rec->nfields; i++) {
		if (i)
			strbuf_append(&sb, ",", 1);
		csv_write_field(&sb, rec->fields[i], rec->lens[i], 0);
	}
	strbuf_append(&sb, "\r\n", 2);
	FUZZ_CHECK(!sb.oom);
	struct csv_reader *r = csv_reader_new(0);
	FUZZ_CHECK(r != NULL);
	FUZZ_CHECK(csv_feed(r, sb.data, sb.len, fuzz_csv_collect, &back) == 0);
	FUZZ_CHECK(csv_finish(r, fuzz_csv_collect, &back) == 0);
	FUZZ_CHECK(back.n == rec->nfields);
	for (size_t i = 0; i < back.n; i++) {
		FUZZ_CHECK(back.lens[i] == rec->lens[i] && memcmp(back.fields[i], rec->fields[i], back.lens[i]) == 0);
		free(back.fields[i]);
	}
	free(back.fields);
	free(back.lens);
	csv_reader_free(r);
	strbuf_free(&sb);
}

static int fuzz_csv_record(void *cls, const struct csv_record *rec)
{
	long *last_line = cls;
	FUZZ_CHECK(rec->line > *last_line && rec->end_line >= rec->line);
	*last_line = rec->end_line;
	if (rec->error) {
		FUZZ_CHECK(rec->nfields == 0);
		return 0;
	}
	FUZZ_CHECK(rec->nfields > 0);
	for (size_t i = 0; i < rec->nfields; i++)
		FUZZ_CHECK(rec->fields[i][rec->lens[i]] == '\0');
	fuzz_csv_roundtrip(rec);
	return 0;
}

int fuzz_csv_one(const uint8_t *data, size_t size)
{
	long last_line = 0;

	if (size == 0)
		return 0;
	size_t chunk = data[0] % 32 + 1;
	struct csv_reader *r = csv_reader_new(data[0] & 0x80 ? 64 : 0);
	if (!r)
		return 0;
	for (size_t pos = 1; pos < size; pos += chunk) {
		size_t n = size - pos < chunk ? size - pos : chunk;
		FUZZ_CHECK(csv_feed(r, (const char *)data + pos, n, fuzz_csv_record, &last_line) == 0);
	}
	FUZZ_CHECK(csv_finish(r, fuzz_csv_record, &last_line) == 0);
	FUZZ_CHECK(csv_reader_offset(r) == size - 1);
	csv_reader_free(r);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_csv_one(data, size);
}
#endif
