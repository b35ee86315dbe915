#include "service/webhook.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "common/random.h"
#include "repo/db.h"

const char *const webhook_event_types[] = {
	"ticket.created",      "ticket.called",         "ticket.recalled",        "ticket.requeued",
	"ticket.served",       "ticket.no_show",        "ticket.cancelled",       "ticket.transferred",
	"ticket.expired",      "appointment.booked",    "appointment.cancelled",  "appointment.checked_in",
	"appointment.no_show", NULL,
};

static bool known_type(const char *s)
{
	for (size_t i = 0; webhook_event_types[i]; i++)
		if (strcmp(s, webhook_event_types[i]) == 0)
			return true;
	return false;
}

bool webhook_events_join(const char *const *names, size_t n, char *out, size_t out_size, struct field_errors *fe)
{
	out[0] = '\0';
	if (n == 0) {
		field_errors_add(fe, "events", "must name at least one event type, or be [\"*\"]");
		return false;
	}
	size_t used = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = names[i];
		if (strcmp(s, "*") == 0) {
			if (n != 1) {
				field_errors_add(fe, "events", "\"*\" stands alone: it already means every event type");
				return false;
			}
		} else if (!known_type(s)) {
			field_errors_add(fe, "events", "names an unknown event type \"%.40s\" (see the list in openapi.yaml)", s);
			return false;
		}
		for (size_t j = 0; j < i; j++) {
			if (strcmp(names[j], s) == 0) {
				field_errors_add(fe, "events", "names an event type twice");
				return false;
			}
		}
		int w = snprintf(out + used, out_size - used, "%s%s,", used ? "" : ",", s);
		if (w < 0 || (size_t)w >= out_size - used) {
			field_errors_add(fe, "events", "is too long");
			return false;
		}
		used += (size_t)w;
	}
	return true;
}

static bool v4_public(uint32_t a)
{
	uint8_t b0 = (uint8_t)(a >> 24), b1 = (uint8_t)(a >> 16), b2 = (uint8_t)(a >> 8);
	if (b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224)   /* this network, private, loopback, multicast+reserved */
		return false;
	if (b0 == 169 && b1 == 254)                          /* link-local */
		return false;
	if (b0 == 172 && (b1 & 0xf0) == 16)                  /* private */
		return false;
	if (b0 == 192 && b1 == 168)                          /* private */
		return false;
	if (b0 == 100 && (b1 & 0xc0) == 64)                  /* carrier-grade NAT */
		return false;
	if (b0 == 192 && b1 == 0 && b2 == 0)                 /* IETF protocol assignments */
		return false;
	if (b0 == 198 && (b1 & 0xfe) == 18)                  /* benchmarking */
		return false;
	return true;
}

bool webhook_addr_public(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return v4_public(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family != AF_INET6)
		return false;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
	const uint8_t *b = in6->sin6_addr.s6_addr;
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t zero[12] = {0};
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0 || memcmp(b, zero, 12) == 0) {
		/* IPv4-mapped, NAT64 and IPv4-compatible forms (also :: and ::1) carry an IPv4 address. */
		uint32_t a = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15];
		return v4_public(a);
	}
	if (b[0] == 0xff)                     /* multicast */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* link-local */
		return false;
	if ((b[0] & 0xfe) == 0xfc)            /* unique local */
		return false;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* site-local (deprecated) */
		return false;
	return true;
}

const char webhook_refused_address[] = "must not resolve to a loopback, private, link-local or multicast address";

const char *webhook_url_check(const char *url, bool allow_private, bool resolve, struct webhook_target *out)
{
	memset(out, 0, sizeof *out);
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			return "must not contain spaces, control or non-ASCII characters";
	const char *p;
	if (strncasecmp(url, "https://", 8) == 0) {
		out->https = true;
		p = url + 8;
		out->port = 443;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
		out->port = 80;
		if (!allow_private)
			return "must be an https:// URL";
	} else {
		return allow_private ? "must be an http:// or https:// URL" : "must be an https:// URL";
	}
	size_t auth_len = strcspn(p, "/?#");
	if (memchr(p, '@', auth_len))
		return "must not contain user information";
	if (memchr(p + auth_len, '#', strlen(p + auth_len)))
		return "must not contain a fragment";
	const char *host = p, *host_end;
	const char *port = NULL;
	if (*p == '[') {
		host = p + 1;
		host_end = memchr(host, ']', auth_len);
		if (!host_end)
			return "has a malformed IPv6 address";
		if (host_end + 1 < p + auth_len) {
			if (host_end[1] != ':')
				return "has a malformed host";
			port = host_end + 2;
		}
	} else {
		host_end = memchr(p, ':', auth_len);
		if (host_end)
			port = host_end + 1;
		else
			host_end = p + auth_len;
	}
	size_t hlen = (size_t)(host_end - host);
	if (hlen == 0 || hlen >= sizeof out->host)
		return "must name a host";
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)out->host[i];
		if (!isalnum(c) && c != '.' && c != '-' && c != ':' && c != '_')
			return "has a malformed host";
	}
	if (port) {
		const char *pend = p + auth_len;
		if (port == pend)
			return "has an empty port";
		long v = 0;
		for (const char *c = port; c < pend; c++) {
			if (!isdigit((unsigned char)*c) || (v = v * 10 + (*c - '0')) > 65535)
				return "has a malformed port";
		}
		if (v == 0)
			return "has a malformed port";
		out->port = (int)v;
	}
	if (!resolve)
		return NULL;
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	char service[8];
	snprintf(service, sizeof service, "%d", out->port);
	if (getaddrinfo(out->host, service, &hints, &res) != 0 || !res)
		return "names a host that does not resolve";
	const char *why = NULL;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		if (!allow_private && !webhook_addr_public(ai->ai_addr)) {
			why = webhook_refused_address;
			break;
		}
		if (!out->address[0]) {
			const void *a = ai->ai_family == AF_INET
						? (const void *)&((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr
						: (const void *)&((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
			if (!inet_ntop(ai->ai_family, a, out->address, sizeof out->address))
				out->address[0] = '\0';
		}
	}
	freeaddrinfo(res);
	if (!why && !out->address[0])
		why = "names a host that does not resolve";
	return why;
}

int webhook_secret_new(char out[WEBHOOK_SECRET_LEN])
{
	unsigned char key[32];
	if (random_bytes(key, sizeof key) < 0)
		return -1;
	memcpy(out, "whsec_", 6);
	EVP_EncodeBlock((unsigned char *)out + 6, key, sizeof key);
	explicit_bzero(key, sizeof key);
	return 0;
}

int webhook_sign(const char *secret, const char *id, long long timestamp, const char *body, size_t body_len,
		 char *out, size_t out_size)
{
	if (strncmp(secret, "whsec_", 6) != 0)
		return -1;
	const char *b64 = secret + 6;
	size_t b64_len = strlen(b64);
	if (b64_len == 0 || b64_len % 4 || b64_len > 128)
		return -1;
	unsigned char key[128];
	int klen = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)b64_len);
	if (klen < 0)
		return -1;
	if (b64[b64_len - 1] == '=')
		klen--;
	if (b64[b64_len - 2] == '=')
		klen--;
	char prefix[128];
	int plen = snprintf(prefix, sizeof prefix, "%s.%lld.", id, timestamp);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0;
	int rc = -1;
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *mc = m ? EVP_MAC_CTX_new(m) : NULL;
	if (mc) {
		OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
				       OSSL_PARAM_construct_end()};
		size_t outl = 0;
		if (EVP_MAC_init(mc, key, (size_t)klen, params) == 1 &&
		    EVP_MAC_update(mc, (const unsigned char *)prefix, (size_t)plen) == 1 &&
		    EVP_MAC_update(mc, (const unsigned char *)body, body_len) == 1 &&
		    EVP_MAC_final(mc, mac, &outl, sizeof mac) == 1) {
			mlen = (unsigned int)outl;
			rc = 0;
		}
	}
	EVP_MAC_CTX_free(mc);
	EVP_MAC_free(m);
	explicit_bzero(key, sizeof key);
	if (rc < 0 || out_size < 3 + 4 * ((mlen + 2) / 3) + 1)
		return -1;
	memcpy(out, "v1,", 3);
	EVP_EncodeBlock((unsigned char *)out + 3, mac, (int)mlen);
	return 0;
}

struct webhook_tx {
	const char *id;
	const struct webhook_input *in;
	struct field_errors *fe;
	struct webhook_rec *out;
	const char *secret;
};

enum app_err svc_webhook_create(struct svc_app *app, const struct webhook_input *in, struct field_errors *fe,
				struct webhook_rec *out)
{
	memset(out, 0, sizeof *out);
	struct webhook_target target;
	const char *why = webhook_url_check(in->url, app->cfg->webhooks.allow_private, true, &target);
	if (why) {
		field_errors_add(fe, "url", "%s", why);
		return APP_INVALID;
	}
	char secret[WEBHOOK_SECRET_LEN];
	if (webhook_secret_new(secret) < 0)
		return APP_INTERNAL;
	ids_uuid_v4(out->id);
	snprintf(out->url, sizeof out->url, "%s", in->url);
	snprintf(out->events, sizeof out->events, "%s", in->events);
	snprintf(out->description, sizeof out->description, "%s", in->description ? in->description : "");
	out->state = in->has_state ? in->state : true;
	snprintf(out->secret, sizeof out->secret, "%s", secret);
	explicit_bzero(secret, sizeof secret);
	long long rc = repo_webhook_insert(app->db, out);
	if (rc < 0)
		return db_app_err(rc);
	char id[UUID_STR_LEN];
	memcpy(id, out->id, sizeof id);
	char kept[WEBHOOK_SECRET_MAX + 1];
	memcpy(kept, out->secret, sizeof kept);
	rc = repo_webhook_get_by_id(app->db, id, out);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_INTERNAL;
	memcpy(out->secret, kept, sizeof kept);
	return APP_OK;
}

enum app_err svc_webhook_get(struct svc_app *app, const char *id, struct webhook_rec *out)
{
	long long rc = repo_webhook_get_by_id(app->db, id, out);
	if (rc <= 0)
		return rc < 0 ? db_app_err(rc) : APP_NOT_FOUND;
	return APP_OK;
}

enum app_err svc_webhook_list(struct svc_app *app, const struct webhook_filter *f, struct webhook_list *out,
			      long long *total)
{
	long long rc = repo_webhook_list(app->db, f, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_webhook_update(struct svc_app *app, const char *id, const struct webhook_input *in,
				struct field_errors *fe, struct webhook_rec *out)
{
	struct webhook_target target;
	if (in->url) {
		const char *why = webhook_url_check(in->url, app->cfg->webhooks.allow_private, true, &target);
		if (why) {
			field_errors_add(fe, "url", "%s", why);
			return APP_INVALID;
		}
	}
	enum app_err e = svc_webhook_get(app, id, out);
	if (e != APP_OK)
		return e;
	if (in->url)
		snprintf(out->url, sizeof out->url, "%s", in->url);
	if (in->events)
		snprintf(out->events, sizeof out->events, "%s", in->events);
	if (in->description)
		snprintf(out->description, sizeof out->description, "%s", in->description);
	if (in->has_state)
		out->state = in->state;
	long long rc = repo_webhook_update(app->db, out);
	if (rc < 0)
		return db_app_err(rc);
	return svc_webhook_get(app, id, out);
}

enum app_err svc_webhook_deactivate(struct svc_app *app, const char *id)
{
	long long rc = repo_webhook_set_state(app->db, id, false);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_webhook_rotate(struct svc_app *app, const char *id, char secret[WEBHOOK_SECRET_LEN])
{
	if (webhook_secret_new(secret) < 0)
		return APP_INTERNAL;
	long long rc = repo_webhook_rotate(app->db, id, secret);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_webhook_deliveries(struct svc_app *app, const char *webhook_id, const char *status,
				    long long limit, long long offset, struct delivery_list *out, long long *total)
{
	struct webhook_rec w;
	enum app_err e = svc_webhook_get(app, webhook_id, &w);
	memset(out, 0, sizeof *out);
	if (e != APP_OK)
		return e;
	long long rc = repo_delivery_list(app->db, webhook_id, status, limit, offset, out, total);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}

enum app_err svc_webhook_retry(struct svc_app *app, const char *webhook_id, const char *delivery_id)
{
	long long rc = repo_delivery_retry(app->db, delivery_id, webhook_id);
	if (rc < 0)
		return db_app_err(rc);
	return rc ? APP_OK : APP_NOT_FOUND;
}

enum app_err svc_webhook_test(struct svc_app *app, const char *webhook_id, const char *payload,
			      char delivery_id[UUID_STR_LEN])
{
	struct webhook_rec w;
	enum app_err e = svc_webhook_get(app, webhook_id, &w);
	if (e != APP_OK)
		return e;
	ids_uuid_v4(delivery_id);
	long long rc = repo_delivery_insert_test(app->db, delivery_id, webhook_id, payload);
	return rc < 0 ? db_app_err(rc) : APP_OK;
}
