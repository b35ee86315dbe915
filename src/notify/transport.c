#include "notify/transport.h"

#include <curl/curl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "notify/message.h"

#define CONNECT_TIMEOUT_S 5L /* at most; never more than [notify] timeout_seconds */
#define SECRET_MAX 4096

static bool curl_ready;

static CURL *easy_new(const struct config *cfg, char *err, size_t errlen)
{
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errlen, "libcurl could not be initialised");
			return NULL;
		}
		curl_ready = true;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	long total = cfg->notify.timeout_seconds;
	/* A server that accepts and then says nothing, or dribbles, is given up on after total. */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, total < CONNECT_TIMEOUT_S ? total : CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, total);
	/* Never through a proxy from the environment: the gateway is configured explicitly. */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	return c;
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *cls)
{
	struct upload *u = cls;
	size_t n = size * nitems;
	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

static size_t discard_cb(char *buf, size_t size, size_t nitems, void *cls)
{
	(void)buf;
	(void)cls;
	return size * nitems;
}

/* Reads a secret file named by the config; "" (no file) gives an empty secret. */
static int read_secret(const char *path, char *buf, size_t max, char *err, size_t errlen)
{
	buf[0] = '\0';
	if (!*path)
		return 0;
	long n = config_read_secret(path, buf, max - 1, err, errlen);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

enum notify_send_result notify_smtp_send(const struct config *cfg, const char *to, const char *message, char *err,
					 size_t errlen)
{
	const char *url = cfg->notify.smtp_url;
	char from[320], name[320], password[SECRET_MAX], cerr[CURL_ERROR_SIZE] = "";
	enum notify_send_result result = NOTIFY_RETRY;
	struct curl_slist *rcpt = NULL;
	CURL *c = NULL;
	if (!*url) {
		snprintf(err, errlen, "email is not configured ([notify] smtp_url is empty)");
		return NOTIFY_RETRY;
	}
	if (notify_parse_address(cfg->notify.from, from, sizeof from, name, sizeof name) < 0) {
		snprintf(err, errlen, "[notify] from is not an address");
		return NOTIFY_RETRY;
	}
	if (read_secret(cfg->notify.smtp_password_file, password, sizeof password, err, errlen) < 0)
		return NOTIFY_RETRY;
	char rcpt_addr[340];
	snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", to);
	char mail_from[340];
	snprintf(mail_from, sizeof mail_from, "<%s>", from);
	if (!(c = easy_new(cfg, err, errlen)) || !(rcpt = curl_slist_append(NULL, rcpt_addr))) {
		if (c)
			snprintf(err, errlen, "out of memory");
		goto out;
	}
	struct upload u = {message, strlen(message), 0};
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
	if (*cfg->notify.smtp_user) {
		/* Credentials never travel in clear: STARTTLS is required on smtp://. */
		curl_easy_setopt(c, CURLOPT_USERNAME, cfg->notify.smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, password);
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	} else {
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		result = NOTIFY_SENT;
	} else {
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		snprintf(err, errlen, "smtp: %s%s%s", curl_easy_strerror(rc), *cerr ? ": " : "", cerr);
		if (code)
			snprintf(err + strlen(err), errlen - strlen(err), " (server answered %ld)", code);
		/*
		 * A 5xx reply is final (RFC 5321 4.2.1), whichever command it answered: the
		 * recipient, DATA or the message after its final dot (libcurl reports the last as
		 * a "weird server reply"). 4xx, no reply at all and 53x (the site's login, which
		 * an operator may fix) are worth a retry.
		 */
		if (code >= 500 && code < 600 && code / 10 != 53)
			result = NOTIFY_PERMANENT;
	}
out:
	explicit_bzero(password, sizeof password);
	curl_slist_free_all(rcpt);
	if (c)
		curl_easy_cleanup(c);
	return result;
}

/* The form body "to=...&text=..." (escaped by libcurl) or the JSON object. */
static char *sms_body(CURL *c, const char *format, const char *to, const char *text)
{
	if (strcmp(format, "json") == 0) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "to", json_object_new_string(to));
		json_object_object_add(o, "text", json_object_new_string(text));
		char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return s;
	}
	char *eto = curl_easy_escape(c, to, 0), *etext = curl_easy_escape(c, text, 0);
	struct strbuf sb = STRBUF_INIT;
	if (eto && etext)
		strbuf_printf(&sb, "to=%s&text=%s", eto, etext);
	curl_free(eto);
	curl_free(etext);
	if (!eto || !etext || sb.oom) {
		strbuf_free(&sb);
		return NULL;
	}
	return sb.data;
}

enum notify_send_result notify_sms_send(const struct config *cfg, const char *to, const char *text,
					const char *idempotency_key, char *err, size_t errlen)
{
	const char *url = cfg->notify.sms_url;
	char auth[SECRET_MAX], cerr[CURL_ERROR_SIZE] = "", header[SECRET_MAX + 32];
	enum notify_send_result result = NOTIFY_RETRY;
	struct curl_slist *headers = NULL;
	char *body = NULL;
	CURL *c = NULL;
	if (!*url) {
		snprintf(err, errlen, "SMS is not configured ([notify] sms_url is empty)");
		return NOTIFY_RETRY;
	}
	if (read_secret(cfg->notify.sms_auth_file, auth, sizeof auth, err, errlen) < 0)
		return NOTIFY_RETRY;
	if (!(c = easy_new(cfg, err, errlen)))
		goto out;
	bool json = strcmp(cfg->notify.sms_format, "json") == 0;
	body = sms_body(c, cfg->notify.sms_format, to, text);
	headers = curl_slist_append(NULL, json ? "Content-Type: application/json"
					       : "Content-Type: application/x-www-form-urlencoded");
	snprintf(header, sizeof header, "Idempotency-Key: %s", idempotency_key);
	struct curl_slist *h = headers ? curl_slist_append(headers, header) : NULL;
	if (h && strncmp(auth, "Bearer ", 7) == 0) {
		snprintf(header, sizeof header, "Authorization: %s", auth);
		h = curl_slist_append(headers, header);
	} else if (h && *auth) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, auth);
	}
	if (!body || !h) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "sms: %s%s%s", curl_easy_strerror(rc), *cerr ? ": " : "", cerr);
	} else if (status >= 200 && status < 300) {
		result = NOTIFY_SENT;
	} else {
		snprintf(err, errlen, "sms: the gateway answered HTTP %ld", status);
		if (status >= 400 && status < 500 && status != 408 && status != 429)
			result = NOTIFY_PERMANENT;
	}
out:
	explicit_bzero(auth, sizeof auth);
	explicit_bzero(header, sizeof header);
	curl_slist_free_all(headers);
	free(body);
	if (c)
		curl_easy_cleanup(c);
	return result;
}
