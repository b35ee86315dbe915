#include "service/app.h"

#include <stdio.h>
#include <string.h>

#include "repo/db.h"
#include "service/auth_cache.h"

int svc_app_check(const struct config *cfg, char *err, size_t errlen)
{
	struct token_keys keys;
	int rc = token_keys_load(&keys, cfg->auth.secret_file, cfg->auth.issuer, cfg->auth.access_ttl, err, errlen);
	explicit_bzero(&keys, sizeof keys);
	if (rc < 0 && strstr(err, "short"))
		snprintf(err + strlen(err), errlen - strlen(err), " (turneroctl gen-secret makes one)");
	return rc;
}

int svc_app_open(struct svc_app *app, const struct config *cfg, char *err, size_t errlen)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	app->pw.memory_kib = (uint32_t)cfg->auth.argon2_memory_kib;
	app->pw.iterations = (uint32_t)cfg->auth.argon2_iterations;
	app->pw.parallelism = 1;
	if (token_keys_load(&app->keys, cfg->auth.secret_file, cfg->auth.issuer, cfg->auth.access_ttl, err, errlen) < 0)
		return -1;
	app->db = db_new(cfg);
	app->principals = principal_cache_new();
	if (!app->db || !app->principals) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void svc_app_close(struct svc_app *app)
{
	db_free(app->db);
	app->db = NULL;
	principal_cache_free(app->principals);
	app->principals = NULL;
	explicit_bzero(&app->keys, sizeof app->keys);
}
