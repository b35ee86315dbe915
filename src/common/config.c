#include "common/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/db_nodes.h"
#include "common/log.h"
#include "common/origin.h"

#ifndef TURNERO_SYSCONFDIR
#define TURNERO_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef TURNERO_SQLDIR
#define TURNERO_SQLDIR "/usr/local/share/turnero/sql"
#endif

enum key_type { KEY_STRING, KEY_INT, KEY_OCTAL, KEY_BOOL, KEY_LOG_LEVEL };

struct config_key {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset;
	size_t size; /* KEY_STRING: buffer size */
	const char *def;
	long min, max;
};

#define STR(sec, key, def) {#sec, #key, KEY_STRING, offsetof(struct config, sec.key), \
	sizeof(((struct config *)0)->sec.key), def, 0, 0}
#define INT(sec, key, def, lo, hi) {#sec, #key, KEY_INT, offsetof(struct config, sec.key), 0, def, lo, hi}

static const struct config_key keys[] = {
	STR(server, listen, "/run/turnero/turnero.sock"),
	INT(server, workers, "4", 1, 64),
	{"server", "socket_mode", KEY_OCTAL, offsetof(struct config, server.socket_mode), 0, "0660", 0, 0777},
	INT(server, max_body_bytes, "65536", 1024, 16 * 1024 * 1024),
	INT(server, import_max_bytes, "16777216", 1024, 256 * 1024 * 1024),
	STR(server, cors_origins, ""),
	STR(database, host, "localhost"),
	INT(database, port, "3306", 1, 65535),
	STR(database, socket, ""),
	STR(database, nodes, ""),
	STR(database, name, "turnero"),
	STR(database, user, "turnero"),
	STR(database, password_file, ""),
	INT(database, connect_timeout, "5", 1, 300),
	INT(database, io_timeout, "8", 1, 3600),
	STR(database, migrations_dir, TURNERO_SQLDIR),
	STR(auth, secret_file, TURNERO_SYSCONFDIR "/turnero/jwt.secret"),
	STR(auth, issuer, "turnero"),
	INT(auth, access_ttl, "900", 60, 86400),
	INT(auth, refresh_ttl, "1209600", 300, 90 * 86400),
	INT(auth, argon2_memory_kib, "19456", 19456, 4 * 1024 * 1024),
	INT(auth, argon2_iterations, "2", 2, 100),
	INT(queue, default_service_seconds, "300", 1, 86400),
	STR(queue, timezone, "UTC"),
	{"log", "level", KEY_LOG_LEVEL, offsetof(struct config, log.level), sizeof(((struct config *)0)->log.level),
	 "info", 0, 0},
	{"log", "access", KEY_BOOL, offsetof(struct config, log.access), 0, "true", 0, 0},
	STR(notify, smtp_url, ""),
	STR(notify, smtp_user, ""),
	STR(notify, smtp_password_file, ""),
	STR(notify, from, ""),
	STR(notify, sms_url, ""),
	STR(notify, sms_auth_file, ""),
	STR(notify, sms_format, "form"),
	STR(notify, language, "es"),
	STR(notify, templates_dir, TURNERO_SYSCONFDIR "/turnero/templates"),
	STR(notify, public_base_url, ""),
	STR(notify, retry_seconds, "5,300,1800,7200,18000,36000"),
	INT(notify, timeout_seconds, "15", 1, 45),
	STR(relay, wake_socket, "/run/turnero-relay/wake.sock"),
	STR(relay, publish_socket, "/run/turnero-live/publish.sock"),
	STR(relay, metrics_file, "/run/turnero-relay/metrics.prom"),
	{"webhooks", "allow_private", KEY_BOOL, offsetof(struct config, webhooks.allow_private), 0, "false", 0, 0},
	STR(webhooks, retry_seconds, "5,300,1800,7200,18000,36000"),
};

#define NKEYS (sizeof keys / sizeof keys[0])

static const struct config_key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Sets one key from text; returns NULL or a static reason. */
static const char *key_set(struct config *cfg, const struct config_key *k, const char *value)
{
	char *field = (char *)cfg + k->offset;
	char *end;
	long v;

	switch (k->type) {
	case KEY_STRING:
	case KEY_LOG_LEVEL:
		if (strlen(value) >= k->size)
			return "value too long";
		if (k->type == KEY_LOG_LEVEL && log_level_parse(value) < 0)
			return "must be one of error, warn, info, debug";
		memcpy(field, value, strlen(value) + 1);
		return NULL;
	case KEY_INT:
	case KEY_OCTAL:
		errno = 0;
		v = strtol(value, &end, k->type == KEY_OCTAL ? 8 : 10);
		if (errno || end == value || *end != '\0')
			return k->type == KEY_OCTAL ? "must be an octal number" : "must be an integer";
		if (v < k->min || v > k->max)
			return "out of range";
		*(long *)(void *)field = v;
		return NULL;
	case KEY_BOOL:
		if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1") || !strcmp(value, "on"))
			*(bool *)(void *)field = true;
		else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0") || !strcmp(value, "off"))
			*(bool *)(void *)field = false;
		else
			return "must be true or false";
		return NULL;
	}
	return "unknown key type";
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NKEYS; i++) {
		const char *why = key_set(cfg, &keys[i], keys[i].def);
		if (why)
			log_err("bad built-in default for [%s] %s: %s", keys[i].section, keys[i].name, why);
	}
	int n = config_retry_list(cfg->notify.retry_seconds, cfg->notify.retry);
	cfg->notify.nretry = n > 0 ? (size_t)n : 0;
}

struct load_ctx {
	struct config *cfg;
	const char *path;
	char *err;
	size_t errlen;
	bool failed;
};

/* Debian's libinih is built without line numbers in the handler, so errors name section and key. */
static int on_ini_value(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *ctx = user;
	if (ctx->failed)
		return 0;
	const struct config_key *k = find_key(section, name);
	const char *why = k ? key_set(ctx->cfg, k, value) : "unknown key";
	if (why) {
		snprintf(ctx->err, ctx->errlen, "%s: [%s] %s: %s", ctx->path, section, name, why);
		ctx->failed = true;
		return 0;
	}
	return 1;
}

static int apply_env(struct config *cfg, char *err, size_t errlen)
{
	for (size_t i = 0; i < NKEYS; i++) {
		char var[96];
		int n = snprintf(var, sizeof var, "TURNERO_%s_%s", keys[i].section, keys[i].name);
		for (int j = 0; j < n; j++)
			var[j] = (char)toupper((unsigned char)var[j]);
		const char *value = getenv(var);
		if (!value)
			continue;
		const char *why = key_set(cfg, &keys[i], value);
		if (why) {
			snprintf(err, errlen, "environment %s: %s", var, why);
			return -1;
		}
	}
	return 0;
}


static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* http:// is accepted only towards this machine (a local gateway, the local stack). */
static bool loopback_http(const char *url)
{
	static const char *const hosts[] = {"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
					    "http://localhost/", "http://[::1]:", "http://[::1]/"};
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
		if (has_prefix(url, hosts[i]))
			return true;
	return false;
}

static int check_notify(struct config *cfg, char *err, size_t errlen)
{
	const char *lang = cfg->notify.language;
	size_t len = strlen(lang);
	bool lang_ok = len >= 2 && len <= 8;
	for (size_t i = 0; i < len; i++)
		lang_ok = lang_ok && (isalnum((unsigned char)lang[i]) || lang[i] == '-' || lang[i] == '_');
	int n = config_retry_list(cfg->notify.retry_seconds, cfg->notify.retry);
	const char *smtp = cfg->notify.smtp_url, *sms = cfg->notify.sms_url, *base = cfg->notify.public_base_url;
	const char *why = NULL, *key = NULL;
	if (!lang_ok)
		key = "language", why = "must be a language tag such as es or en";
	else if (n < 0)
		key = "retry_seconds", why = "must be 1-16 comma-separated seconds (0-86400), e.g. 5,300,1800";
	else if (strcmp(cfg->notify.sms_format, "form") != 0 && strcmp(cfg->notify.sms_format, "json") != 0)
		key = "sms_format", why = "must be form or json";
	else if (*smtp && !has_prefix(smtp, "smtp://") && !has_prefix(smtp, "smtps://"))
		key = "smtp_url", why = "must start with smtp:// or smtps://";
	else if (*smtp && !strchr(cfg->notify.from, '@'))
		key = "from", why = "must be an address (name@example.org or Name <name@example.org>) when smtp_url is set";
	else if (*sms && !has_prefix(sms, "https://") && !loopback_http(sms))
		key = "sms_url", why = "must start with https:// (http:// only to 127.0.0.1, localhost or [::1])";
	else if (*base && !has_prefix(base, "https://") && !has_prefix(base, "http://"))
		key = "public_base_url", why = "must start with https:// (or http://)";
	else if ((*smtp || *sms) && !*base)
		key = "public_base_url", why = "must be set (https://HOST) when smtp_url or sms_url is";
	if (why) {
		snprintf(err, errlen, "[notify] %s: %s", key, why);
		return -1;
	}
	cfg->notify.nretry = (size_t)n;
	/* Links are built as base + "/t/" + id. */
	len = strlen(base);
	while (len > 0 && cfg->notify.public_base_url[len - 1] == '/')
		cfg->notify.public_base_url[--len] = '\0';
	return 0;
}

static int check_semantics(struct config *cfg, char *err, size_t errlen)
{
	if (cfg->server.listen[0] == '\0') {
		snprintf(err, errlen, "[server] listen: must not be empty");
		return -1;
	}
	if (cfg->server.import_max_bytes < cfg->server.max_body_bytes) {
		snprintf(err, errlen, "[server] import_max_bytes: must be at least max_body_bytes");
		return -1;
	}
	char why[256];
	if (origin_list_check(cfg->server.cors_origins, why, sizeof why) < 0) {
		snprintf(err, errlen, "[server] cors_origins: %s", why);
		return -1;
	}
	struct db_node nodes[DB_NODES_MAX];
	if (db_nodes_parse(cfg->database.nodes, (unsigned)cfg->database.port, nodes, DB_NODES_MAX, why, sizeof why) < 0) {
		snprintf(err, errlen, "[database] nodes: %s", why);
		return -1;
	}
	long retries[CONFIG_RETRY_MAX];
	if (config_retry_list(cfg->webhooks.retry_seconds, retries) < 0) {
		snprintf(err, errlen, "[webhooks] retry_seconds: must be 1-%d comma-separated seconds (0-86400)",
			 CONFIG_RETRY_MAX);
		return -1;
	}
	if (cfg->database.name[0] == '\0' || cfg->database.user[0] == '\0') {
		snprintf(err, errlen, "[database] name and user must not be empty");
		return -1;
	}
	return check_notify(cfg, err, errlen);
}

int config_retry_list(const char *text, long out[CONFIG_RETRY_MAX])
{
	int n = 0;
	const char *p = text;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p) || n == CONFIG_RETRY_MAX)
			return -1;
		errno = 0;
		char *end;
		long v = strtol(p, &end, 10);
		if (errno || v < 0 || v > 86400)
			return -1;
		out[n++] = v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ',') {
			p++;
			if (!*p)
				return -1;
		} else if (*p) {
			return -1;
		}
	}
	return n > 0 ? n : -1;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	config_defaults(cfg);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	struct load_ctx ctx = {cfg, path, err, errlen, false};
	int rc = ini_parse_file(f, on_ini_value, &ctx);
	fclose(f);
	if (ctx.failed)
		return -1;
	if (rc != 0) {
		snprintf(err, errlen, "%s:%d: syntax error", path, rc);
		return -1;
	}
	if (apply_env(cfg, err, errlen) < 0)
		return -1;
	return check_semantics(cfg, err, errlen);
}

void config_dump(const struct config *cfg, FILE *out)
{
	const char *section = "";
	for (size_t i = 0; i < NKEYS; i++) {
		const struct config_key *k = &keys[i];
		const char *field = (const char *)cfg + k->offset;
		if (strcmp(section, k->section) != 0) {
			fprintf(out, "%s[%s]\n", i ? "\n" : "", k->section);
			section = k->section;
		}
		switch (k->type) {
		case KEY_STRING:
		case KEY_LOG_LEVEL:
			fprintf(out, "%s = %s\n", k->name, field);
			break;
		case KEY_INT:
			fprintf(out, "%s = %ld\n", k->name, *(const long *)(const void *)field);
			break;
		case KEY_OCTAL:
			fprintf(out, "%s = 0%lo\n", k->name, *(const long *)(const void *)field);
			break;
		case KEY_BOOL:
			fprintf(out, "%s = %s\n", k->name, *(const bool *)(const void *)field ? "true" : "false");
			break;
		}
	}
}

const char *config_default_path(const char *explicit_path)
{
	if (explicit_path && *explicit_path)
		return explicit_path;
	const char *env = getenv("TURNERO_CONFIG");
	if (env && *env)
		return env;
	return TURNERO_SYSCONFDIR "/turnero/turnero.conf";
}

long config_read_secret(const char *path, char *buf, size_t max, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	size_t n = fread(buf, 1, max, f);
	bool more = fgetc(f) != EOF;
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	if (more) {
		snprintf(err, errlen, "%s: longer than %zu bytes", path, max);
		return -1;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	return (long)n;
}
