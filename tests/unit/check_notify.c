/* Notifications: templates, RFC 2047 subjects, the RFC 5322 message, masking, back-off, config. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/utf8.h"
#include "notify/message.h"
#include "notify/template.h"

static const struct notify_vars all_vars = {"A-007", "Pediatría", "Box 3", "4", "12", "https://h.example/t/x",
					    "2025-10-17 09:30"};

START_TEST(test_render_fills_every_placeholder)
{
	char *subject, *body, err[200];
	const char *text = "Subject: {{code}} at {{queue}}\n\n\n{{code}}|{{queue}}|{{desk}}|{{position}}|"
			   "{{wait_minutes}}|{{link}}|{{start}}|{{ code }}\n\n  \n";
	ck_assert_int_eq(notify_render(text, &all_vars, &subject, &body, err, sizeof err), 0);
	ck_assert_str_eq(subject, "A-007 at Pediatría");
	ck_assert_str_eq(body, "A-007|Pediatría|Box 3|4|12|https://h.example/t/x|2025-10-17 09:30|A-007");
	free(subject);
	free(body);
}
END_TEST

START_TEST(test_render_null_values_are_empty)
{
	char *subject, *body, err[200];
	struct notify_vars v = {"A-1", NULL, NULL, NULL, NULL, NULL, NULL};
	ck_assert_int_eq(notify_render("Subject: x{{desk}}y\nq={{queue}}.", &v, &subject, &body, err, sizeof err), 0);
	ck_assert_str_eq(subject, "xy");
	ck_assert_str_eq(body, "q=.");
	free(subject);
	free(body);
}
END_TEST

START_TEST(test_render_unknown_placeholder_is_an_error_naming_it)
{
	char *subject = (char *)1, *body = (char *)1, err[200];
	ck_assert_int_eq(notify_render("Subject: hi\nYour {{number}} is up", &all_vars, &subject, &body, err, sizeof err),
			 -1);
	ck_assert_ptr_null(subject);
	ck_assert_ptr_null(body);
	ck_assert_str_eq(err, "unknown placeholder {{number}}");
	ck_assert_int_eq(notify_render("Subject: {{Code}}\nx", &all_vars, &subject, &body, err, sizeof err), -1);
	ck_assert_str_eq(err, "unknown placeholder {{Code}}");
}
END_TEST

START_TEST(test_render_refuses_unclosed_braces_missing_subject_and_bad_utf8)
{
	char *subject, *body, err[200];
	ck_assert_int_eq(notify_render("Subject: a\nb {{code", &all_vars, &subject, &body, err, sizeof err), -1);
	ck_assert_str_eq(err, "unclosed {{");
	/* A "{{" in the subject cannot be closed on a body line. */
	ck_assert_int_eq(notify_render("Subject: a {{code\n}}", &all_vars, &subject, &body, err, sizeof err), -1);
	ck_assert_str_eq(err, "unclosed {{");
	ck_assert_int_eq(notify_render("Hello {{code}}\n", &all_vars, &subject, &body, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "Subject"));
	ck_assert_int_eq(notify_render("Subject: \xff\n", &all_vars, &subject, &body, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "UTF-8"));
}
END_TEST

static void config_with_templates(struct config *cfg, const char *dir, const char *lang)
{
	config_defaults(cfg);
	snprintf(cfg->notify.templates_dir, sizeof cfg->notify.templates_dir, "%s", dir);
	snprintf(cfg->notify.language, sizeof cfg->notify.language, "%s", lang);
}

START_TEST(test_shipped_templates_render_in_both_languages)
{
	const char *src = getenv("TURNERO_SRC_DIR");
	char dir[512], err[512];
	struct config cfg;
	snprintf(dir, sizeof dir, "%s/etc/templates", src ? src : ".");
	config_with_templates(&cfg, dir, "es");
	ck_assert_msg(notify_templates_check(&cfg, err, sizeof err) == 0, "%s", err);
	config_with_templates(&cfg, dir, "en");
	ck_assert_msg(notify_templates_check(&cfg, err, sizeof err) == 0, "%s", err);
	config_with_templates(&cfg, dir, "pt");
	ck_assert_int_eq(notify_templates_check(&cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/pt/issued.txt: cannot open"));
}
END_TEST

START_TEST(test_templates_check_names_the_file_with_an_unknown_placeholder)
{
	char dir[] = "/tmp/turnero-check-notify-XXXXXX", path[256], err[512];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/en", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	static const char *const kinds[] = {"issued", "near", "called", "booked"};
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/en/%s.txt", dir, kinds[i]);
		FILE *f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs(i == 2 ? "Subject: {{code}}\nGo to {{counter}}\n" : "Subject: {{code}}\nok\n", f);
		fclose(f);
	}
	struct config cfg;
	config_with_templates(&cfg, dir, "en");
	ck_assert_int_eq(notify_templates_check(&cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "/en/called.txt: unknown placeholder {{counter}}"));
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/en/%s.txt", dir, kinds[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/en", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

/* Decodes one "=?UTF-8?B?...?=" word into out; returns its length or -1. */
static int decode_word(const char *w, size_t len, char *out)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (len < 12 || strncmp(w, "=?UTF-8?B?", 10) != 0 || strncmp(w + len - 2, "?=", 2) != 0)
		return -1;
	int n = 0;
	unsigned acc = 0, bits = 0;
	for (size_t i = 10; i < len - 2; i++) {
		if (w[i] == '=')
			break;
		const char *p = strchr(b64, w[i]);
		if (!p)
			return -1;
		acc = acc << 6 | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	out[n] = '\0';
	return n;
}

START_TEST(test_rfc2047_leaves_plain_ascii_alone)
{
	char *s = notify_rfc2047("Your ticket A-007");
	ck_assert_str_eq(s, "Your ticket A-007");
	free(s);
	/* Text that looks like an encoded word is encoded, so it reads back as itself. */
	s = notify_rfc2047("=?x?=");
	ck_assert_str_eq(s, "=?UTF-8?B?PT94Pz0=?=");
	free(s);
}
END_TEST

START_TEST(test_rfc2047_encodes_utf8_in_words_that_fit_and_split_between_characters)
{
	char *s = notify_rfc2047("Turno A-007 en Pediatría");
	char dec[256];
	ck_assert_int_gt(decode_word(s, strlen(s), dec), 0);
	ck_assert_str_eq(dec, "Turno A-007 en Pediatría");
	free(s);

	/* 40 two-byte characters: 80 bytes, two words folded with CRLF SP. */
	char text[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(text, "ñ");
	s = notify_rfc2047(text);
	char joined[256] = "";
	int words = 0;
	for (const char *w = s;;) {
		const char *end = strstr(w, "\r\n ");
		size_t len = end ? (size_t)(end - w) : strlen(w);
		ck_assert_uint_le(len, 75);
		int n = decode_word(w, len, dec);
		ck_assert_int_gt(n, 0);
		ck_assert(utf8_valid(dec, (size_t)n)); /* no character cut in two */
		strcat(joined, dec);
		words++;
		if (!end)
			break;
		w = end + 3;
	}
	ck_assert_int_eq(words, 2);
	ck_assert_str_eq(joined, text);
	free(s);
}
END_TEST

START_TEST(test_quoted_printable_encodes_utf8_equals_and_trailing_space)
{
	char *s = notify_quoted_printable("línea = 1 \nfin\t\n");
	ck_assert_str_eq(s, "l=C3=ADnea =3D 1=20\r\nfin=09\r\n");
	free(s);
	s = notify_quoted_printable("a\r\nb");
	ck_assert_str_eq(s, "a\r\nb\r\n");
	free(s);
}
END_TEST

START_TEST(test_quoted_printable_soft_breaks_long_lines_outside_octets)
{
	char text[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(text, i % 3 ? "x" : "é");
	char *s = notify_quoted_printable(text);
	size_t lines = 0;
	for (const char *p = s; *p;) {
		const char *e = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(e);
		size_t len = (size_t)(e - p);
		ck_assert_uint_le(len, 76);
		/* "=XX" is never cut: a line ends in a soft break "=" or an encoded octet's last digit. */
		if (e[2])
			ck_assert_int_eq(p[len - 1], '=');
		for (size_t i = 0; i + 1 < len; i++)
			if (p[i] == '=')
				ck_assert(i + 2 < len);
		lines++;
		p = e + 2;
	}
	ck_assert_uint_gt(lines, 1);
	free(s);
}
END_TEST

START_TEST(test_rfc5322_date)
{
	char d[40];
	notify_rfc5322_date(0, d);
	ck_assert_str_eq(d, "Thu, 01 Jan 1970 00:00:00 +0000");
	notify_rfc5322_date(1760670229, d);
	ck_assert_str_eq(d, "Fri, 17 Oct 2025 03:03:49 +0000");
}
END_TEST

START_TEST(test_mail_has_the_headers_and_only_crlf_line_ends)
{
	struct notify_mail m = {"Clínica Sur <turnos@clinica.example>", "rosa@example.org", "Su turno A-007 en Caja",
				"Hola:\n\nSu turno es A-007.\nÁnimo.", "<abc123@clinica.example>", 1760670229};
	char *msg = notify_mail_build(&m);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, "Date: Fri, 17 Oct 2025 03:03:49 +0000\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nFrom: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(msg, "?= <turnos@clinica.example>\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nTo: rosa@example.org\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nSubject: Su turno A-007 en Caja\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nMessage-ID: <abc123@clinica.example>\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
	ck_assert_ptr_nonnull(strstr(msg, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
	const char *body = strstr(msg, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(body + 4, "Hola:\r\n\r\nSu turno es A-007.\r\n=C3=81nimo.\r\n");
	for (const char *p = msg; *p; p++) {
		if (*p == '\n')
			ck_assert_msg(p > msg && p[-1] == '\r', "bare LF at %td", p - msg);
		if (*p == '\r')
			ck_assert_msg(p[1] == '\n', "bare CR at %td", p - msg);
		ck_assert_msg((unsigned char)*p < 0x80, "8-bit byte at %td", p - msg);
	}
	free(msg);
}
END_TEST

START_TEST(test_mail_refuses_bad_addresses_and_quotes_display_names)
{
	struct notify_mail m = {"not an address", "rosa@example.org", "s", "b", "<x@y>", 0};
	ck_assert_ptr_null(notify_mail_build(&m));
	m.from = "a@b.example";
	m.to = "rosa@example.org\r\nBcc: evil@example.org";
	ck_assert_ptr_null(notify_mail_build(&m));
	m.to = "rosa@example.org";
	m.from = "Turnos, Sede Sur <a@b.example>";
	char *msg = notify_mail_build(&m);
	ck_assert_ptr_nonnull(strstr(msg, "From: \"Turnos, Sede Sur\" <a@b.example>\r\n"));
	free(msg);
	char addr[64], name[64];
	ck_assert_int_eq(notify_parse_address("  plain@x.example ", addr, sizeof addr, name, sizeof name), 0);
	ck_assert_str_eq(addr, "plain@x.example");
	ck_assert_str_eq(name, "");
}
END_TEST

START_TEST(test_message_id_uses_the_from_domain)
{
	char a[100], b[100];
	notify_message_id("Turnos <t@clinica.example>", a, sizeof a);
	notify_message_id("Turnos <t@clinica.example>", b, sizeof b);
	ck_assert_int_eq(a[0], '<');
	ck_assert_ptr_nonnull(strstr(a, "@clinica.example>"));
	ck_assert_uint_eq(strlen(a), 1 + 32 + strlen("@clinica.example>"));
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_mask_email_and_phone)
{
	char out[80];
	notify_mask("email", "rosa@example.org", out, sizeof out);
	ck_assert_str_eq(out, "r***@example.org");
	notify_mask("email", "ñandu@example.org", out, sizeof out);
	ck_assert_str_eq(out, "ñ***@example.org");
	notify_mask("email", "nobody", out, sizeof out);
	ck_assert_str_eq(out, "***");
	notify_mask("sms", "+54 911 234-5634", out, sizeof out);
	ck_assert_str_eq(out, "+5491******34");
	notify_mask("sms", "+5491123456634", out, sizeof out);
	ck_assert_str_eq(out, "+5491*******34");
	notify_mask("sms", "555-0101", out, sizeof out);
	ck_assert_str_eq(out, "*****01");
	notify_mask("sms", "", out, sizeof out);
	ck_assert_str_eq(out, "***");
	char phone[32];
	notify_phone_normalize(" +54 (911) 234.56+34", phone, sizeof phone);
	ck_assert_str_eq(phone, "+549112345634");
}
END_TEST

START_TEST(test_backoff_follows_the_schedule_with_bounded_jitter_then_gives_up)
{
	struct config cfg;
	config_defaults(&cfg);
	ck_assert_uint_eq(cfg.notify.nretry, 6);
	const long expected[] = {5, 300, 1800, 7200, 18000, 36000};
	for (unsigned a = 1; a <= 6; a++) {
		long base = expected[a - 1];
		ck_assert_int_eq(notify_backoff_seconds(cfg.notify.retry, cfg.notify.nretry, a, 0), base);
		for (uint32_t r = 1; r < 5000000u; r = r * 7 + 13) {
			long d = notify_backoff_seconds(cfg.notify.retry, cfg.notify.nretry, a, r);
			ck_assert_int_ge(d, base);
			ck_assert_int_le(d, base + base / 10);
		}
	}
	ck_assert_int_eq(notify_backoff_seconds(cfg.notify.retry, cfg.notify.nretry, 7, 0), -1);
	ck_assert_int_eq(notify_backoff_seconds(cfg.notify.retry, cfg.notify.nretry, 0, 0), -1);
	long zero[] = {0, 0};
	ck_assert_int_eq(notify_backoff_seconds(zero, 2, 2, 12345), 0);
	ck_assert_int_eq(notify_backoff_seconds(zero, 2, 3, 12345), -1);
}
END_TEST

static char path[64];

static int load(const char *text, struct config *cfg, char *err, size_t errlen)
{
	snprintf(path, sizeof path, "/tmp/turnero-check-notify-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	int rc = config_load(cfg, path, err, errlen);
	unlink(path);
	return rc;
}

START_TEST(test_config_notify_keys_are_checked)
{
	struct config cfg;
	char err[256];
	ck_assert_int_eq(load("[notify]\nretry_seconds = 1,2,3\nlanguage = en\n", &cfg, err, sizeof err), 0);
	ck_assert_uint_eq(cfg.notify.nretry, 3);
	ck_assert_int_eq(cfg.notify.retry[2], 3);
	ck_assert_int_eq(load("[notify]\nretry_seconds = 1,,3\n", &cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "[notify] retry_seconds"));
	ck_assert_int_eq(load("[notify]\nretry_seconds = -1\n", &cfg, err, sizeof err), -1);
	ck_assert_int_eq(load("[notify]\nsms_format = xml\n", &cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "[notify] sms_format"));
	ck_assert_int_eq(load("[notify]\nlanguage = ../../etc\n", &cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "[notify] language"));
	ck_assert_int_eq(load("[notify]\nsmtp_url = http://mail.example\n", &cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "[notify] smtp_url"));
	ck_assert_int_eq(
		load("[notify]\nsmtp_url = smtp://127.0.0.1:25\npublic_base_url = https://h.example\n", &cfg, err, sizeof err),
		-1);
	ck_assert_ptr_nonnull(strstr(err, "[notify] from"));
	ck_assert_int_eq(load("[notify]\nsmtp_url = smtps://mail.example\nfrom = a@b.example\n", &cfg, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "[notify] public_base_url"));
	ck_assert_int_eq(load("[notify]\nsms_url = http://gateway.example/send\npublic_base_url = https://h.example\n", &cfg,
			      err, sizeof err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "[notify] sms_url"));
	ck_assert_int_eq(load("[notify]\nsms_url = http://127.0.0.1:9/send\npublic_base_url = https://h.example//\n", &cfg,
			      err, sizeof err),
			 0);
	ck_assert_str_eq(cfg.notify.public_base_url, "https://h.example");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("notify");
	TCase *t = tcase_create("templates");
	tcase_add_test(t, test_render_fills_every_placeholder);
	tcase_add_test(t, test_render_null_values_are_empty);
	tcase_add_test(t, test_render_unknown_placeholder_is_an_error_naming_it);
	tcase_add_test(t, test_render_refuses_unclosed_braces_missing_subject_and_bad_utf8);
	tcase_add_test(t, test_shipped_templates_render_in_both_languages);
	tcase_add_test(t, test_templates_check_names_the_file_with_an_unknown_placeholder);
	suite_add_tcase(s, t);
	TCase *m = tcase_create("message");
	tcase_add_test(m, test_rfc2047_leaves_plain_ascii_alone);
	tcase_add_test(m, test_rfc2047_encodes_utf8_in_words_that_fit_and_split_between_characters);
	tcase_add_test(m, test_quoted_printable_encodes_utf8_equals_and_trailing_space);
	tcase_add_test(m, test_quoted_printable_soft_breaks_long_lines_outside_octets);
	tcase_add_test(m, test_rfc5322_date);
	tcase_add_test(m, test_mail_has_the_headers_and_only_crlf_line_ends);
	tcase_add_test(m, test_mail_refuses_bad_addresses_and_quotes_display_names);
	tcase_add_test(m, test_message_id_uses_the_from_domain);
	tcase_add_test(m, test_mask_email_and_phone);
	tcase_add_test(m, test_backoff_follows_the_schedule_with_bounded_jitter_then_gives_up);
	tcase_add_test(m, test_config_notify_keys_are_checked);
	suite_add_tcase(s, m);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
