/*
 * Replays the fuzz seed corpora and every input that once crashed a fuzzer
 * (tests/fuzz/corpus/<target>, tests/fuzz/regressions/<target>) through the
 * same driver functions libFuzzer runs, so make check keeps them fixed.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz.h"

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

/* Reads a whole file into an allocation of exactly its size, so sanitizers see any overread. */
static uint8_t *replay_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	size = ftell(f);
	ck_assert(size >= 0);
	rewind(f);
	buf = malloc(size ? (size_t)size : 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert(fread(buf, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

/* Feeds every file of dir to fn; returns how many. A missing dir counts 0 when optional. */
static size_t replay_dir(const char *dir, fuzz_fn fn, int optional)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d && optional && errno == ENOENT)
		return 0;
	ck_assert_msg(d != NULL, "cannot open %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char path[1024];
		size_t len;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		uint8_t *data = replay_read(path, &len);
		/* Printed first so a crash names its input. */
		fprintf(stderr, "replay %s\n", path);
		ck_assert_int_eq(fn(len ? data : NULL, len), 0);
		free(data);
		n++;
	}
	closedir(d);
	return n;
}

static void replay_target(const char *target, fuzz_fn fn)
{
	const char *src = getenv("TURNERO_SRC_DIR");
	char dir[900];

	snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", src ? src : ".", target);
	size_t seeds = replay_dir(dir, fn, 0);
	ck_assert_msg(seeds >= 3, "%s holds %zu seeds, expected a handful", dir, seeds);
	snprintf(dir, sizeof dir, "%s/tests/fuzz/regressions/%s", src ? src : ".", target);
	replay_dir(dir, fn, 1);
}

START_TEST(test_form_corpus_and_regressions_replay_cleanly)
{
	replay_target("form", fuzz_form_one);
}
END_TEST

START_TEST(test_json_corpus_and_regressions_replay_cleanly)
{
	replay_target("json", fuzz_json_one);
}
END_TEST

START_TEST(test_router_corpus_and_regressions_replay_cleanly)
{
	replay_target("router", fuzz_router_one);
}
END_TEST

START_TEST(test_request_corpus_and_regressions_replay_cleanly)
{
	replay_target("request", fuzz_request_one);
}
END_TEST

START_TEST(test_token_corpus_and_regressions_replay_cleanly)
{
	replay_target("token", fuzz_token_one);
}
END_TEST

START_TEST(test_csv_corpus_and_regressions_replay_cleanly)
{
	replay_target("csv", fuzz_csv_one);
}
END_TEST

START_TEST(test_drivers_accept_empty_input)
{
	ck_assert_int_eq(fuzz_form_one(NULL, 0), 0);
	ck_assert_int_eq(fuzz_json_one(NULL, 0), 0);
	ck_assert_int_eq(fuzz_router_one(NULL, 0), 0);
	ck_assert_int_eq(fuzz_request_one(NULL, 0), 0);
	ck_assert_int_eq(fuzz_token_one(NULL, 0), 0);
	ck_assert_int_eq(fuzz_csv_one(NULL, 0), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fuzz_replay");
	TCase *tc = tcase_create("replay");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_form_corpus_and_regressions_replay_cleanly);
	tcase_add_test(tc, test_json_corpus_and_regressions_replay_cleanly);
	tcase_add_test(tc, test_router_corpus_and_regressions_replay_cleanly);
	tcase_add_test(tc, test_request_corpus_and_regressions_replay_cleanly);
	tcase_add_test(tc, test_token_corpus_and_regressions_replay_cleanly);
	tcase_add_test(tc, test_csv_corpus_and_regressions_replay_cleanly);
	tcase_add_test(tc, test_drivers_accept_empty_input);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
