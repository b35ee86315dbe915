/* application/x-www-form-urlencoded bodies and query strings: form_parse and percent_decode. */
#include <string.h>

#include "common/utf8.h"
#include "http/form.h"
#include "fuzz.h"

int fuzz_form_one(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct kv_list l = {0};

	if (form_parse(s, size, 64, &l) == 0) {
		FUZZ_CHECK(l.n <= 64);
		for (size_t i = 0; i < l.n; i++) {
			FUZZ_CHECK(utf8_valid(l.items[i].key, strlen(l.items[i].key)));
			FUZZ_CHECK(utf8_valid(l.items[i].value, strlen(l.items[i].value)));
			FUZZ_CHECK(kv_get(&l, l.items[i].key) != NULL && kv_count(&l, l.items[i].key) > 0);
		}
	} else {
		FUZZ_CHECK(l.n == 0 && l.items == NULL);
	}
	kv_list_free(&l);

	size_t outlen = 0;
	char *d = percent_decode(s, size, size % 2 == 0, &outlen);
	if (d) {
		/* Decoding never grows the text and never lets a NUL through. */
		FUZZ_CHECK(outlen <= size && strlen(d) == outlen);
		FUZZ_CHECK(utf8_valid(d, outlen));
	}
	free(d);
	return 0;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_form_one(data, size);
}
#endif
