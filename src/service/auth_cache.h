/* A tiny per-worker cache of principals, so a request costs no extra query most of the time. */
#ifndef TURNERO_SVC_AUTH_CACHE_H
#define TURNERO_SVC_AUTH_CACHE_H

#include <stdbool.h>

#include "service/principal.h"

struct principal_cache *principal_cache_new(void);
void principal_cache_free(struct principal_cache *c);
/* True and fills out when user_id was loaded less than max_age_us ago. */
bool principal_cache_get(struct principal_cache *c, const char *user_id, long long now_us, long long max_age_us,
			 struct svc_principal *out);
void principal_cache_put(struct principal_cache *c, const struct svc_principal *p, long long now_us);
void principal_cache_clear(struct principal_cache *c);

#endif
