/*
 * The words of a notification on the wire: RFC 5322 mail with RFC 2047 headers and a
 * quoted-printable UTF-8 body, masked addresses for logs and the API, and the retry
 * schedule. Pure functions (no I/O), unit-tested in tests/unit/check_notify.c.
 */
#ifndef TURNERO_NOTIFY_MESSAGE_H
#define TURNERO_NOTIFY_MESSAGE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * A header value per RFC 2047: printable ASCII without "=?" is returned as is; anything
 * else becomes UTF-8 "B" encoded-words of at most 75 characters, split between whole
 * characters and folded with CRLF SP. Returns a malloc'd string (caller frees) or NULL.
 */
char *notify_rfc2047(const char *text);

/*
 * text as quoted-printable (RFC 2045 6.7) with CRLF line ends: "\n" and "\r\n" are line
 * breaks, lines are soft-broken before 76 characters, never inside an encoded octet.
 * Returns a malloc'd string (caller frees) or NULL.
 */
char *notify_quoted_printable(const char *text);

/* t as an RFC 5322 date in UTC: "Fri, 17 Oct 2025 03:03:49 +0000". */
void notify_rfc5322_date(time_t t, char out[40]);

/*
 * Splits a From value, "name@example.org" or "Display Name <name@example.org>".
 * [out] addr, name: the address and the display name ("" when none).
 * Returns 0, or -1 when there is no plausible address (or it does not fit).
 */
int notify_parse_address(const char *from, char *addr, size_t addrlen, char *name, size_t namelen);

struct notify_mail {
	const char *from;       /* [notify] from, as configured */
	const char *to;         /* one address */
	const char *subject;    /* UTF-8 */
	const char *body;       /* UTF-8, "\n" line ends */
	const char *message_id; /* "<...@domain>" */
	time_t date;
};

/*
 * The whole message: Date, From, To, Subject, Message-ID, MIME-Version, Content-Type
 * text/plain; charset=UTF-8, Content-Transfer-Encoding quoted-printable and
 * Auto-Submitted, then the body, every line ending in CRLF. Returns a malloc'd string
 * (caller frees) or NULL when from is not an address or memory ran out.
 */
char *notify_mail_build(const struct notify_mail *m);

/*
 * "<random hex>@domain" for the address in from (domain "turnero.invalid" when from has
 * none), into out.
 */
void notify_message_id(const char *from, char *out, size_t outlen);

/*
 * A contact as logs and the API show it: "r***@example.org" (first character of the
 * local part kept) or "+5491******34" (separators dropped; the first five and the last
 * two characters kept when there are more than eight, else only the last two).
 * channel is "email" or "sms".
 */
void notify_mask(const char *channel, const char *to, char *out, size_t outlen);

/* A phone number as sent to the gateway: digits and a leading "+" only. */
void notify_phone_normalize(const char *phone, char *out, size_t outlen);

/*
 * Seconds until the next attempt after `attempts` failed ones (1 = the first try failed),
 * from the [notify] retry_seconds schedule plus jitter of up to a tenth (rnd is a random
 * 32-bit value); -1 when the schedule is used up and the notification has failed.
 */
long notify_backoff_seconds(const long *schedule, size_t n, unsigned attempts, uint32_t rnd);

#endif
