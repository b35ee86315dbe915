#include "service/auth_cache.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 64

struct principal_cache {
	struct {
		struct svc_principal p;
		long long loaded_us; /* 0: empty */
	} slot[CACHE_SLOTS];
};

struct principal_cache *principal_cache_new(void)
{
	return calloc(1, sizeof(struct principal_cache));
}

void principal_cache_free(struct principal_cache *c)
{
	free(c);
}

static unsigned slot_of(const char *user_id)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *user_id; user_id++)
		h = (h ^ (unsigned char)*user_id) * 16777619u;
	return h % CACHE_SLOTS;
}

bool principal_cache_get(struct principal_cache *c, const char *user_id, long long now_us, long long max_age_us,
			 struct svc_principal *out)
{
	unsigned i = slot_of(user_id);
	if (!c->slot[i].loaded_us || now_us - c->slot[i].loaded_us >= max_age_us ||
	    strcmp(c->slot[i].p.user_id, user_id) != 0)
		return false;
	*out = c->slot[i].p;
	return true;
}

void principal_cache_put(struct principal_cache *c, const struct svc_principal *p, long long now_us)
{
	unsigned i = slot_of(p->user_id);
	c->slot[i].p = *p;
	c->slot[i].loaded_us = now_us;
}

void principal_cache_clear(struct principal_cache *c)
{
	memset(c, 0, sizeof *c);
}
