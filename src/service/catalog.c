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
	struct queue_catalogue queues;
	long long queues_loaded_us; /* 0: not loaded */
};

static void forget_all(struct catalog_memo *m)
{
	memset(m->prio, 0, sizeof m->prio);
	queue_catalogue_free(&m->queues);
	m->queues_loaded_us = 0;
}

/* Drops everything when a worker of the pool changed something since it was loaded. */
static void check_generation(struct catalog_memo *m)
{
	uint64_t gen = shared_gen_get();
	if (m->gen != gen) {
		forget_all(m);
		m->gen = gen;
	}
}

struct catalog_memo *catalog_memo_new(void)
{
	struct catalog_memo *m = calloc(1, sizeof *m);
	if (m)
		m->gen = shared_gen_get();
	return m;
}

void catalog_memo_free(struct catalog_memo *m)
{
	if (m)
		queue_catalogue_free(&m->queues);
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
	if (m)
		check_generation(m);
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

long long svc_catalog_queues(struct svc_app *app, struct db *db, const struct queue_catalogue **out)
{
	struct catalog_memo *m = app->catalog;
	*out = NULL;
	if (!m)
		return 0;
	check_generation(m);
	long long now = ids_mono_us();
	if (m->queues_loaded_us && now - m->queues_loaded_us < CATALOG_MAX_AGE_US) {
		*out = &m->queues;
		return 1;
	}
	queue_catalogue_free(&m->queues);
	m->queues_loaded_us = 0;
	long long rc = repo_queue_catalogue(db, CATALOG_MAX_QUEUES, &m->queues);
	if (rc == 1) {
		m->queues_loaded_us = now;
		*out = &m->queues;
	}
	return rc;
}

void svc_catalog_changed(struct svc_app *app)
{
	shared_gen_bump();
	if (app->catalog)
		forget_all(app->catalog);
}
