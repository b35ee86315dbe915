#include "common/perm.h"

#include <string.h>

static const char *const modules[PERM_MODULE__MAX] = {
	"users", "roles", "priorities", "queues", "customers", "tickets", "reports", "webhooks",
};
static const char *const actions[PERM_ACTION__MAX] = {"create", "read", "update", "delete"};

_Static_assert(PERM_MODULE__MAX * PERM_ACTION__MAX <= 32, "perm_set must hold every permission");

const char *perm_module_name(enum perm_module m)
{
	return (unsigned)m < PERM_MODULE__MAX ? modules[m] : "";
}

const char *perm_action_name(enum perm_action a)
{
	return (unsigned)a < PERM_ACTION__MAX ? actions[a] : "";
}

int perm_module_parse(const char *s)
{
	for (int i = 0; i < PERM_MODULE__MAX; i++)
		if (strcmp(s, modules[i]) == 0)
			return i;
	return -1;
}

int perm_action_parse(const char *s)
{
	for (int i = 0; i < PERM_ACTION__MAX; i++)
		if (strcmp(s, actions[i]) == 0)
			return i;
	return -1;
}
