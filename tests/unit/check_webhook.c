/*
 * Webhook rules without a network: URL checks and the address classes refused when
 * [webhooks] allow_private is off (the integration stack turns it on), Standard Webhooks
 * signatures, event type lists and the retry schedule syntax.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/config.h"
#include "service/webhook.h"

/* Numeric hosts resolve without DNS, so these run anywhere. */
START_TEST(test_https_is_required_unless_private_is_allowed)
{
	struct webhook_target t;
	ck_assert_str_eq(webhook_url_check("http://93.184.216.34/hook", false, true, &t), "must be an https:// URL");
	ck_assert_str_eq(webhook_url_check("ftp://93.184.216.34/hook", false, true, &t), "must be an https:// URL");
	ck_assert_ptr_null(webhook_url_check("https://93.184.216.34/hook", false, true, &t));
	ck_assert(t.https);
	ck_assert_int_eq(t.port, 443);
	ck_assert_str_eq(t.address, "93.184.216.34");
	ck_assert_ptr_null(webhook_url_check("http://127.0.0.1:8080/x?y=1", true, true, &t));
	ck_assert_int_eq(t.port, 8080);
	ck_assert_ptr_nonnull(webhook_url_check("ftp://127.0.0.1/x", true, true, &t));
}
END_TEST

START_TEST(test_private_loopback_link_local_and_multicast_are_refused)
{
	static const char *const refused[] = {
		"https://10.0.0.1/h",        "https://127.0.0.1/h",       "https://127.8.9.10:8443/h",
		"https://169.254.169.254/latest/meta-data", "https://172.16.0.1/h", "https://172.31.255.255/h",
		"https://192.168.1.1/h",     "https://100.64.0.1/h",      "https://0.0.0.0/h",
		"https://224.0.0.1/h",       "https://239.1.2.3/h",       "https://255.255.255.255/h",
		"https://[::1]/h",           "https://[::]/h",            "https://[fe80::1]/h",
		"https://[fc00::1]/h",       "https://[fd12:3456::1]/h",  "https://[ff02::1]/h",
		"https://[::ffff:127.0.0.1]/h", "https://[::ffff:10.1.2.3]/h", "https://[64:ff9b::a9fe:a9fe]/h",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct webhook_target t;
		const char *why = webhook_url_check(refused[i], false, true, &t);
		ck_assert_msg(why && strstr(why, "must not resolve to"), "%s refused, got %s", refused[i],
			      why ? why : "(allowed)");
		/* The local stack's switch lets them through. */
		ck_assert_msg(!webhook_url_check(refused[i], true, true, &t), "%s allowed with allow_private", refused[i]);
	}
	static const char *const allowed[] = {
		"https://93.184.216.34/h", "https://172.32.0.1/h", "https://192.169.0.1/h", "https://[2001:db8::1]/h",
		"https://[2606:4700::1111]:8443/h", "https://100.128.0.1/h",
	};
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		struct webhook_target t;
		const char *why = webhook_url_check(allowed[i], false, true, &t);
		ck_assert_msg(!why, "%s allowed, got %s", allowed[i], why ? why : "");
	}
}
END_TEST

START_TEST(test_malformed_urls_are_refused_before_any_lookup)
{
	static const char *const bad[] = {
		"",
		"https://",
		"https:///path",
		"https://user:pw@93.184.216.34/h",
		"https://93.184.216.34:0/h",
		"https://93.184.216.34:65536/h",
		"https://93.184.216.34:/h",
		"https://93.184.216.34:12a/h",
		"https://exa mple.org/h",
		"https://example.org/h#frag",
		"https://[::1/h",
		"https://ex%41mple.org/h",
		"https://\xc3\xa9xample.org/",
		"mailto:someone@example.org",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct webhook_target t;
		ck_assert_msg(webhook_url_check(bad[i], true, false, &t), "'%s' refused", bad[i]);
	}
}
END_TEST

static bool public4(const char *text)
{
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, text, &sa.sin_addr), 1);
	return webhook_addr_public((struct sockaddr *)&sa);
}

static bool public6(const char *text)
{
	struct sockaddr_in6 sa;
	memset(&sa, 0, sizeof sa);
	sa.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, text, &sa.sin6_addr), 1);
	return webhook_addr_public((struct sockaddr *)&sa);
}

START_TEST(test_address_class_edges)
{
	ck_assert(!public4("10.255.255.255"));
	ck_assert(public4("11.0.0.1"));
	ck_assert(!public4("172.16.0.0"));
	ck_assert(public4("172.15.255.255"));
	ck_assert(!public4("169.254.0.1"));
	ck_assert(public4("169.253.0.1"));
	ck_assert(!public4("127.255.255.254"));
	ck_assert(!public4("198.18.0.1"));
	ck_assert(public4("198.20.0.1"));
	ck_assert(public4("223.255.255.255"));
	ck_assert(!public4("224.0.0.0"));
	ck_assert(!public6("fe80::abcd"));
	ck_assert(!public6("febf::1"));
	ck_assert(!public6("fec0::1"));
	ck_assert(public6("2a00:1450::1"));
	ck_assert(!public6("::ffff:192.168.0.1"));
	ck_assert(public6("::ffff:8.8.8.8"));
}
END_TEST

/* The example of the Standard Webhooks specification. */
START_TEST(test_signature_matches_the_standard_webhooks_example)
{
	char sig[128];
	const char *body = "{\"test\": 2432232314}";
	ck_assert_int_eq(webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
				      body, strlen(body), sig, sizeof sig),
			 0);
	ck_assert_str_eq(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	/* Any change of id, time or body changes it. */
	char other[128];
	webhook_sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, body,
		     strlen(body), other, sizeof other);
	ck_assert_str_ne(sig, other);
	ck_assert_int_eq(webhook_sign("sk_live_x", "id", 1, "{}", 2, sig, sizeof sig), -1);
	ck_assert_int_eq(webhook_sign("whsec_abc", "id", 1, "{}", 2, sig, sizeof sig), -1);
}
END_TEST

START_TEST(test_new_secrets_are_32_random_bytes_in_base64)
{
	char a[WEBHOOK_SECRET_LEN], b[WEBHOOK_SECRET_LEN], sig[128];
	ck_assert_int_eq(webhook_secret_new(a), 0);
	ck_assert_int_eq(webhook_secret_new(b), 0);
	ck_assert_uint_eq(strlen(a), 50);
	ck_assert(strncmp(a, "whsec_", 6) == 0 && a[49] == '=');
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(webhook_sign(a, "id", 1, "{}", 2, sig, sizeof sig), 0);
}
END_TEST

START_TEST(test_event_lists)
{
	char out[WEBHOOK_EVENTS_MAX + 1];
	struct field_errors fe;
	field_errors_init(&fe);
	const char *two[] = {"ticket.called", "appointment.booked"};
	ck_assert(webhook_events_join(two, 2, out, sizeof out, &fe));
	ck_assert_str_eq(out, ",ticket.called,appointment.booked,");
	const char *all[] = {"*"};
	ck_assert(webhook_events_join(all, 1, out, sizeof out, &fe));
	ck_assert_str_eq(out, ",*,");
	ck_assert_int_eq(fe.n, 0);
	const char *mixed[] = {"*", "ticket.called"};
	const char *twice[] = {"ticket.called", "ticket.called"};
	const char *unknown[] = {"ticket.deleted"};
	ck_assert(!webhook_events_join(mixed, 2, out, sizeof out, &fe));
	ck_assert(!webhook_events_join(twice, 2, out, sizeof out, &fe));
	ck_assert(!webhook_events_join(unknown, 1, out, sizeof out, &fe));
	ck_assert(!webhook_events_join(NULL, 0, out, sizeof out, &fe));
	ck_assert_int_eq(fe.n, 4);
}
END_TEST

START_TEST(test_retry_schedules)
{
	long v[CONFIG_RETRY_MAX];
	ck_assert_int_eq(config_retry_list("5,300,1800,7200,18000,36000", v), 6);
	ck_assert_int_eq(v[0], 5);
	ck_assert_int_eq(v[5], 36000);
	ck_assert_int_eq(config_retry_list(" 1 , 2 ", v), 2);
	ck_assert_int_eq(config_retry_list("", v), -1);
	ck_assert_int_eq(config_retry_list("5,", v), -1);
	ck_assert_int_eq(config_retry_list("5,,6", v), -1);
	/* 0 retries at once (tests use it); a negative delay is refused. */
	ck_assert_int_eq(config_retry_list("0", v), 1);
	ck_assert_int_eq(v[0], 0);
	ck_assert_int_eq(config_retry_list("-5", v), -1);
	ck_assert_int_eq(config_retry_list("86401", v), -1);
	ck_assert_int_eq(config_retry_list("5s", v), -1);
	ck_assert_int_eq(config_retry_list("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", v), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webhook");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_https_is_required_unless_private_is_allowed);
	tcase_add_test(tc, test_private_loopback_link_local_and_multicast_are_refused);
	tcase_add_test(tc, test_malformed_urls_are_refused_before_any_lookup);
	tcase_add_test(tc, test_address_class_edges);
	tcase_add_test(tc, test_signature_matches_the_standard_webhooks_example);
	tcase_add_test(tc, test_new_secrets_are_32_random_bytes_in_base64);
	tcase_add_test(tc, test_event_lists);
	tcase_add_test(tc, test_retry_schedules);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
