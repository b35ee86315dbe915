#include "common/queue_state.h"

#include "common/name_table.h"

const char *const queue_state_names[QUEUE_STATE__MAX + 1] = {
	[QUEUE_OPEN] = "open",
	[QUEUE_PAUSED] = "paused",
	[QUEUE_CLOSED] = "closed",
};

const char *const queue_policy_names[QUEUE_POLICY__MAX + 1] = {
	[POLICY_PRIORITY] = "priority",
	[POLICY_FIFO] = "fifo",
};

const char *queue_state_name(enum queue_state s)
{
	return name_table_get(queue_state_names, QUEUE_STATE__MAX, (unsigned)s);
}

int queue_state_parse(const char *s)
{
	return name_table_find(queue_state_names, QUEUE_STATE__MAX, s);
}

const char *queue_policy_name(enum queue_policy p)
{
	return name_table_get(queue_policy_names, QUEUE_POLICY__MAX, (unsigned)p);
}

int queue_policy_parse(const char *s)
{
	return name_table_find(queue_policy_names, QUEUE_POLICY__MAX, s);
}
