/*
 * Sending one message: email over SMTP/SMTPS and SMS through an HTTP gateway, with
 * libcurl: connecting takes at most 5 s and the whole exchange at most [notify]
 * timeout_seconds (default 15). No database, no retries: the outbox
 * (notify.c) decides what a failure means.
 */
#ifndef TURNERO_NOTIFY_TRANSPORT_H
#define TURNERO_NOTIFY_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/config.h"

enum notify_send_result {
	NOTIFY_SENT,      /* the server accepted it */
	NOTIFY_RETRY,     /* try again later (unreachable, timeout, 5xx, 408, 429) */
	NOTIFY_PERMANENT, /* the gateway refused this message for good (other 4xx) */
};

/*
 * Sends message (a whole RFC 5322 message, CRLF line ends) to one address through
 * [notify] smtp_url. With smtp_user set the password comes from smtp_password_file and,
 * on smtp://, STARTTLS is required (smtps:// is TLS from the start); without credentials
 * STARTTLS is used when the server offers it. On failure err gets a one-line reason.
 */
enum notify_send_result notify_smtp_send(const struct config *cfg, const char *to, const char *message, char *err,
					 size_t errlen);

/*
 * POSTs {to, text} to [notify] sms_url as a form or JSON (sms_format), with the
 * credential of sms_auth_file ("Bearer TOKEN" or "user:password" for basic auth) and
 * an Idempotency-Key header (the notification id, the same on every retry).
 */
enum notify_send_result notify_sms_send(const struct config *cfg, const char *to, const char *text,
					const char *idempotency_key, char *err, size_t errlen);

#endif
