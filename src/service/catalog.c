#include "service/catalog.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ids.h"
#include "common/shared_gen.h"
#include "repo/ticket_repo.h"

#define MEMO_SLOTS 32

struct catalog_memo {
	uint64_t gen; /* shared_gen_get() when the entries were loaded */
	struct {
		char id[UUID_STR_LEN];
		int level, max_wait;
		bool state;
		long long loaded_us; /* 0: empty */
	} prio[MEMO_SLOTS];
};

struct catalog_memo *catalog_memo_new(void)
{
	struct catalog_memo *m = calloc(1, sizeof *m);
	if (m)
		m->gen = shared_gen_get();
	return m;
}

void catalog_memo_free(struct catalog_memo *m)
{
	free(m);
}

static unsigned slot_of(const char *id)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h % MEMO_SLOTS;
}

long long svc_catalog_priority(struct svc_app *app, struct db *db, const char *priority_id, int *level,
			       int *max_wait, bool *state)
{
	struct catalog_memo *m = app->catalog;
	long long now = ids_mono_us();
	uint64_t gen = shared_gen_get();
	if (m && m->gen != gen) {
		memset(m->prio, 0, sizeof m->prio);
		m->gen = gen;
	}
	unsigned i = slot_of(priority_id);
	if (m && m->prio[i].loaded_us && now - m->prio[i].loaded_us < CATALOG_MAX_AGE_US &&
	    strcmp(m->prio[i].id, priority_id) == 0) {
		*level = m->prio[i].level;
		*max_wait = m->prio[i].max_wait;
		*state = m->prio[i].state;
		return 1;
	}
	long long rc = repo_ticket_priority_info(db, priority_id, level, max_wait, state);
	if (rc == 1 && m && strlen(priority_id) < sizeof m->prio[i].id) {
		snprintf(m->prio[i].id, sizeof m->prio[i].id, "%s", priority_id);
		m->prio[i].level = *level;
		m->prio[i].max_wait = *max_wait;
		m->prio[i].state = *state;
		m->prio[i].loaded_us = now;
	}
	return rc;
}

void svc_catalog_changed(struct svc_app *app)
{
	shared_gen_bump();
	if (app->catalog)
		memset(app->catalog->prio, 0, sizeof app->catalog->prio);
}
