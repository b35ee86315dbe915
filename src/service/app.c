#include "service/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/wake.h"
#include "repo/db.h"
#include "service/auth_cache.h"
#include "service/catalog.h"

int svc_app_check(const struct config *cfg, char *err, size_t errlen)
{
	char tz[256];
	snprintf(tz, sizeof tz, "/usr/share/zoneinfo/%s", cfg->queue.timezone);
	if (strcmp(cfg->queue.timezone, "UTC") != 0 && (strstr(tz, "..") || access(tz, R_OK) != 0)) {
		snprintf(err, errlen, "[queue] timezone: unknown time zone '%s'", cfg->queue.timezone);
		return -1;
	}
	struct token_keys keys;
	int rc = token_keys_load(&keys, cfg->auth.secret_file, cfg->auth.issuer, cfg->auth.access_ttl, err, errlen);
	explicit_bzero(&keys, sizeof keys);
	if (rc < 0 && strstr(err, "short"))
		snprintf(err + strlen(err), errlen - strlen(err), " (turneroctl gen-secret makes one)");
	return rc;
}

void svc_service_date(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The service day follows queue.timezone: the process's local time is set to it. */
static int set_timezone(const char *tz, char *err, size_t errlen)
{
	char path[256];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	if (strcmp(tz, "UTC") != 0 && (strstr(tz, "..") || access(path, R_OK) != 0)) {
		snprintf(err, errlen, "[queue] timezone: unknown time zone '%s'", tz);
		return -1;
	}
	setenv("TZ", tz, 1);
	tzset();
	return 0;
}

/* After a commit that wrote events: turnero-relay acts now instead of at its next look. */
static void wake_relay(void *cls)
{
	const struct config *cfg = cls;
	wake_send(cfg->relay.wake_socket);
}

int svc_app_open(struct svc_app *app, const struct config *cfg, char *err, size_t errlen)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	if (set_timezone(cfg->queue.timezone, err, errlen) < 0)
		return -1;
	app->pw.memory_kib = (uint32_t)cfg->auth.argon2_memory_kib;
	app->pw.iterations = (uint32_t)cfg->auth.argon2_iterations;
	app->pw.parallelism = 1;
	if (token_keys_load(&app->keys, cfg->auth.secret_file, cfg->auth.issuer, cfg->auth.access_ttl, err, errlen) < 0)
		return -1;
	app->db = db_new(cfg);
	app->principals = principal_cache_new();
	app->catalog = catalog_memo_new();
	app->tokens = token_memo_new();
	if (!app->db || !app->principals || !app->catalog || !app->tokens) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	db_set_commit_hook(app->db, wake_relay, (void *)cfg);
	return 0;
}

void svc_app_close(struct svc_app *app)
{
	db_free(app->db);
	app->db = NULL;
	principal_cache_free(app->principals);
	app->principals = NULL;
	catalog_memo_free(app->catalog);
	app->catalog = NULL;
	token_memo_free(app->tokens);
	app->tokens = NULL;
	explicit_bzero(&app->keys, sizeof app->keys);
}
