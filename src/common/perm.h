/* The permission catalogue: module x action (SPEC section 2). */
#ifndef TURNERO_PERM_H
#define TURNERO_PERM_H

#include <stdbool.h>

enum perm_module {
	PERM_USERS,
	PERM_ROLES,
	PERM_PRIORITIES,
	PERM_QUEUES,
	PERM_CUSTOMERS,
	PERM_TICKETS,
	PERM_REPORTS,
	PERM_WEBHOOKS,
	PERM_MODULE__MAX,
	PERM_NONE = -1 /* routes anyone may call */
};

enum perm_action { PERM_CREATE, PERM_READ, PERM_UPDATE, PERM_DELETE, PERM_ACTION__MAX };

/* A role's permissions as a bit set: bit (module * PERM_ACTION__MAX + action). */
typedef unsigned perm_set;

const char *perm_module_name(enum perm_module m);
const char *perm_action_name(enum perm_action a);
/* Name -> enum; -1 when unknown. */
int perm_module_parse(const char *s);
int perm_action_parse(const char *s);

static inline perm_set perm_bit(enum perm_module m, enum perm_action a)
{
	return 1u << ((unsigned)m * PERM_ACTION__MAX + (unsigned)a);
}

static inline bool perm_has(perm_set set, enum perm_module m, enum perm_action a)
{
	return (set & perm_bit(m, a)) != 0;
}

#endif
