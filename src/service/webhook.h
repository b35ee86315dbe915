/* Webhooks (SPEC 11): subscriptions, their secrets, the URL rules and the outbox. */
#ifndef TURNERO_SVC_WEBHOOK_H
#define TURNERO_SVC_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "common/app_err.h"
#include "common/field_errors.h"
#include "repo/webhook_repo.h"
#include "service/app.h"

/* "whsec_" + base64 of 32 bytes (44 characters) and the NUL. */
#define WEBHOOK_SECRET_LEN (6 + 44 + 1)

/* The event types a webhook may subscribe to (NULL-terminated); "*" means all of them. */
extern const char *const webhook_event_types[];

/*
 * Input of create and patch. url and description are borrowed; events is the stored form
 * (",ticket.called,ticket.served," or ",*,"), built by webhook_events_join. NULL/has_*
 * false keep the current value on patch (url and events are required on create).
 */
struct webhook_input {
	const char *url;
	const char *events;
	const char *description;
	bool state, has_state;
};

/*
 * Joins event type names into the stored form; false (and a message in fe under "events")
 * when one is unknown, repeated, "*" is mixed with others, or the list is empty.
 * [out] out: the stored form, out_size >= WEBHOOK_EVENTS_MAX + 1.
 */
bool webhook_events_join(const char *const *names, size_t n, char *out, size_t out_size, struct field_errors *fe);

/*
 * True when a delivery may go to this address: not loopback, private (RFC 1918, unique
 * local), link-local, multicast, unspecified, CGNAT, broadcast or IPv4-mapped forms of these.
 */
bool webhook_addr_public(const struct sockaddr *sa);

/* The parts of a webhook URL. */
struct webhook_target {
	bool https;
	char host[256]; /* without brackets */
	int port;
	char address[64]; /* the first resolved address that was checked, text form */
};

/* The reason given for a host with an address webhook_addr_public refuses (the "url" field). */
extern const char webhook_refused_address[];

/*
 * Checks a webhook URL: http(s)://host[:port][/path][?query], no user info, no
 * spaces; https only unless allow_private. With resolve, the host is looked up and every
 * address must pass webhook_addr_public (unless allow_private); the first one is kept in
 * out->address. Returns NULL when allowed, else a static reason for the "url" field.
 */
const char *webhook_url_check(const char *url, bool allow_private, bool resolve, struct webhook_target *out);

/* A new secret: "whsec_" + base64 of 32 random bytes. 0, or -1 when the kernel gave no randomness. */
int webhook_secret_new(char out[WEBHOOK_SECRET_LEN]);

/*
 * The Standard Webhooks signature "v1,<base64 HMAC-SHA256>" of "{id}.{timestamp}.{body}"
 * with the secret's key (the base64 after "whsec_"). Returns -1 for a malformed secret.
 */
int webhook_sign(const char *secret, const char *id, long long timestamp, const char *body, size_t body_len,
		 char *out, size_t out_size);

/* Creates a webhook (fe gets url problems: 422). [out] out: the stored row, with its secret. */
enum app_err svc_webhook_create(struct svc_app *app, const struct webhook_input *in, struct field_errors *fe,
				struct webhook_rec *out);
enum app_err svc_webhook_get(struct svc_app *app, const char *id, struct webhook_rec *out);
/* [out] out: free with webhook_list_free (empty unless APP_OK). */
enum app_err svc_webhook_list(struct svc_app *app, const struct webhook_filter *f, struct webhook_list *out,
			      long long *total);
enum app_err svc_webhook_update(struct svc_app *app, const char *id, const struct webhook_input *in,
				struct field_errors *fe, struct webhook_rec *out);
enum app_err svc_webhook_deactivate(struct svc_app *app, const char *id);
/* [out] secret: the new secret on APP_OK (the old one signs 24 h more). */
enum app_err svc_webhook_rotate(struct svc_app *app, const char *id, char secret[WEBHOOK_SECRET_LEN]);

/* [out] out: free with delivery_list_free. APP_NOT_FOUND for an unknown webhook. */
enum app_err svc_webhook_deliveries(struct svc_app *app, const char *webhook_id, const char *status,
				    long long limit, long long offset, struct delivery_list *out, long long *total);
enum app_err svc_webhook_retry(struct svc_app *app, const char *webhook_id, const char *delivery_id);
/* Queues a webhook.test delivery with body payload. [out] delivery_id. */
enum app_err svc_webhook_test(struct svc_app *app, const char *webhook_id, const char *payload,
			      char delivery_id[UUID_STR_LEN]);

#endif
