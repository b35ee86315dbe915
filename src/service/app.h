/* What the services of one worker share: the database connection, keys and caches. */
#ifndef TURNERO_SVC_APP_H
#define TURNERO_SVC_APP_H

#include <stddef.h>

#include "common/config.h"
#include "service/password.h"
#include "service/token.h"

struct db;

struct principal_cache;
struct catalog_memo;
struct token_memo;

struct svc_app {
	const struct config *cfg;
	struct db *db; /* owned */
	struct token_keys keys;
	struct password_params pw;
	struct principal_cache *principals; /* owned */
	struct catalog_memo *catalog;       /* owned; service/catalog.h */
	struct token_memo *tokens;          /* owned; service/token.h */
};

/* Today's service date (YYYY-MM-DD) in queue.timezone. */
void svc_service_date(char out[11]);

/* Checks what must hold before serving (secrets present and strong). 0, or -1 with err. */
int svc_app_check(const struct config *cfg, char *err, size_t errlen);

/* Prepares a worker's services; the database connects lazily. Close with svc_app_close. */
int svc_app_open(struct svc_app *app, const struct config *cfg, char *err, size_t errlen);
void svc_app_close(struct svc_app *app);

#endif
